/**
 * The CLI and the files it is pointed at: no output may replace the store, bad input creates no store, and file
 * problems are exit 2 with a sentence naming the path. Runs the built `hebb` (out/main/hebb.js) as users do.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

/**
 * Root ignores file permissions, so when the suite runs as root the permission cases run the CLI without the
 * capabilities that let it (util-linux's setpriv drops them from the bounding set; the files stay root's).
 */
const AS_ROOT = process.getuid?.() === 0;
const hebbWith = (obeyPermissions: boolean, args: string[], options: SpawnSyncOptions = {}) => {
  const [command, prefix] = obeyPermissions && AS_ROOT ? ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath]] : [process.execPath, []];
  const r = spawnSync(command, [...prefix, HEBB, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), signal: r.signal };
};
const hebb = (args: string[], options: SpawnSyncOptions = {}) => hebbWith(false, args, options);
const hebbObeyingPermissions = (args: string[]) => hebbWith(true, args);
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-files-'));
  db = join(dir, 'w.db');
  const trained = hebb(['train', '--db', db, '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--workers', '1', '--json']);
  expect(trained.status, trained.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('no output replaces the store', () => {
  it.each([
    ['the store itself', (p: string) => p],
    ['its -wal file', (p: string) => `${p}-wal`],
    ['its -shm file', (p: string) => `${p}-shm`],
    ['a symlink to it', (p: string) => {
      const link = join(dir, 'link.db');
      if (!existsSync(link)) symlinkSync(p, link);
      return link;
    }],
  ])('export --out %s is refused (exit 2), the store intact', (_what, target) => {
    const before = digest(db);
    for (const command of [['export', '1', '--format', 'csv'], ['morphology', 'export', 'standard']]) {
      const out = hebb([...command, '--db', db, '--out', target(db)]);
      expect(out.status, out.stderr).toBe(2);
      expect(out.stderr).toMatch(/--out: .* (is the open store|destroy it)/);
    }
    expect(digest(db)).toBe(before);
    expect(hebb(['runs', 'show', '1', '--db', db, '--json']).status).toBe(0);
  });

  it('refuses to replace any other SQLite database', () => {
    const other = join(dir, 'other.db');
    expect(hebb(['runs', '--db', other]).status).toBe(0);
    const before = digest(other);
    const out = hebb(['export', '1', '--db', db, '--out', other]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('is a SQLite database; refusing to replace it');
    expect(digest(other)).toBe(before);
  });

  it('removes temporaries a killed export left behind, and leaves its own none', () => {
    const target = join(dir, 'curve.csv');
    writeFileSync(`${target}.999999999.tmp`, 'half a file'); // pid 999999999 is not alive
    const out = hebb(['export', '1', '--db', db, '--out', target]);
    expect(out.status, out.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/^generation,mean/);
    expect(existsSync(`${target}.999999999.tmp`)).toBe(false);
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).not.toMatch(/\.tmp/);
  });
});

describe('bad input creates no store', () => {
  it('`runs show 999 --db new.db` fails and leaves no new.db (nor -wal/-shm)', () => {
    const fresh = join(dir, 'new.db');
    const out = hebb(['runs', 'show', '999', '--db', fresh]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('no run with id 999');
    for (const p of [fresh, `${fresh}-wal`, `${fresh}-shm`]) expect(existsSync(p), p).toBe(false);
  });

  it('a path that cannot be created fails at once (exit 2), not in a loop', () => {
    const out = hebb(['runs', '--db', '/proc/nope/x.db'], { timeout: 20_000 });
    expect(out.signal).toBeNull();
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('cannot create the directory /proc/nope for /proc/nope/x.db');
  });
});

describe('file problems are exit 2 with a sentence naming the path', () => {
  it('an unreadable store', () => {
    const path = join(dir, 'unreadable.db');
    writeFileSync(path, readFileSync(db));
    chmodSync(path, 0o000);
    const out = hebbObeyingPermissions(['runs', '--db', path]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain(`cannot read ${path}: permission denied`);
    for (const p of [`${path}-wal`, `${path}-shm`]) expect(existsSync(p), p).toBe(false);
  });

  it('a read-only store', () => {
    const path = join(dir, 'readonly.db');
    writeFileSync(path, readFileSync(db));
    chmodSync(path, 0o444);
    const before = digest(path);
    const out = hebbObeyingPermissions(['runs', '--db', path]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain(`${path} is read-only (permission denied)`);
    expect(digest(path)).toBe(before);
    for (const p of [`${path}-wal`, `${path}-shm`]) expect(existsSync(p), p).toBe(false);
  });

  it('a store in a read-only directory', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    const path = join(locked, 'w.db');
    writeFileSync(path, readFileSync(db));
    chmodSync(locked, 0o555);
    const out = hebbObeyingPermissions(['runs', '--db', path]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain(`cannot write in the directory ${locked} (permission denied)`);
    const fresh = hebbObeyingPermissions(['runs', '--db', join(locked, 'new.db')]);
    expect(fresh.status).toBe(2);
    expect(fresh.stderr).toContain(`the directory ${locked} is not writable`);
  });
});

describe('input files: regular files of bounded size only, refused at once', () => {
  it('--damage, morphology import and rules import refuse a FIFO with no writer, /dev/zero and a directory without reading them', () => {
    const fifo = join(dir, 'schedule.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const before = digest(db);
    const commands: [string[], string][] = [
      [['record', '1', '--db', db, '--morphology', 'standard', '--damage'], '--damage'],
      [['morphology', 'import', '--db', db], 'MJCF file'],
      [['rules', 'import', '--db', db], 'rules file'],
    ];
    for (const [command, what] of commands) {
      for (const path of [fifo, '/dev/zero', dir]) {
        // The file goes where each command reads it: after --damage, or as the import's FILE.
        const args = what === '--damage' ? [...command, path] : [command[0]!, command[1]!, path, ...command.slice(2)];
        const out = hebb(args, { timeout: 20_000 });
        expect(out.signal, `${args.join(' ')} hung`).toBeNull();
        expect(out.status, args.join(' ')).toBe(2);
        expect(out.stderr).toContain(`${what}: ${path} is not a regular file`);
      }
    }
    expect(digest(db)).toBe(before);
  });

  it('a --damage file over 1 MB is refused from its size', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, `[${' '.repeat(2 << 20)}]`);
    const out = hebb(['record', '1', '--db', db, '--morphology', 'standard', '--damage', big]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(`--damage: ${big} is ${(2 << 20) + 2} bytes; a damage schedule file is at most 1048576`);
  });
});

describe('flags are read exactly', () => {
  it.each([
    [['runs', 'show', '0x1'], /usage: hebb runs show RUN/],
    [['eval', '1', '--episodes', '0x10'], /--episodes must be a whole number written in decimal digits, got "0x10"/],
    [['eval', '1', '--episodes', '1e1'], /--episodes must be a whole number/],
    [['eval', '1', '--episodes', '2', '--episodes', '3'], /--episodes is given more than once/],
    [['train', '--pop', '4', '--sigma', '1e308'], /--sigma: must be at most 1e37/],
    [['train', '--pop', '4', '--lr', '1e308'], /--lr: must be at most 1e37/],
    [['train', '--pop', '4', '--sigma', '0x1'], /--sigma must be a decimal number/],
  ])('%j is refused naming the flag', (args, message) => {
    const before = digest(db);
    const out = hebb([...args, '--db', db]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(digest(db)).toBe(before);
  });

  it('--workers beyond the population pairs is capped, and says so', () => {
    const out = hebb(['train', '--db', db, '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--workers', '16', '--json']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toContain('--workers 16: population 4 is 2 mirrored pairs, so 2 workers are started');
  });
});
