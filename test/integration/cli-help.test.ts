/**
 * `hebb --help`, `hebb COMMAND --help` and `hebb help COMMAND`, through the real command: every command's help
 * lists exactly the flags its parser accepts, the defaults it shows are the ones the command uses, and it points
 * to docs that exist in this repository.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Result { status: number | null; stdout: string; stderr: string }

function hebb(...args: string[]): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [HEBB, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Runs the calls four at a time (the machine has two cores). */
async function all<T>(calls: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(calls.length);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < calls.length) {
      const i = next++;
      results[i] = await calls[i]!();
    }
  }));
  return results;
}

/** The commands the README documents (`hebb train`, `hebb serve`, …): every one, and only these, has help. */
const DOCUMENTED = [...new Set([...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/\bhebb ([a-z]+)/g)].map((m) => m[1]!))].filter((c) => c !== 'help').sort();
const listedIn = (overview: string): string[] => [...overview.matchAll(/^ {2}([a-z]+) {2,}(\S.*)$/gm)].map((m) => m[1]!);

const flagsIn = (help: string): string[] => [...help.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]!).sort();
/** The default a help text shows for a flag ("  --pop N   population size … [default: 200]"). */
const defaultOf = (help: string, name: string): string => {
  const line = help.split('\n').find((l) => l.startsWith(`  --${name} `));
  const m = line?.match(/\[default: (.*)\]$/);
  if (!m) throw new Error(`no default shown for --${name}`);
  return m[1]!;
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
const anchors = (markdown: string): string[] =>
  [...markdown.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replaceAll(' ', '-'));

let dir: string;
/** Every command `hebb --help` lists. */
let commands: string[];
let helps: Map<string, Result>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-help-'));
  commands = listedIn((await hebb('--help')).stdout);
  const results = await all(commands.map((c) => () => hebb(c, '--help')));
  helps = new Map(commands.map((c, i) => [c, results[i]!]));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hebb --help', () => {
  it('lists every command the README documents, each with one line saying what it does', async () => {
    expect(DOCUMENTED.length).toBeGreaterThanOrEqual(15);
    expect([...commands].sort()).toEqual(DOCUMENTED);
    for (const args of [[], ['help']]) {
      const out = await hebb(...args);
      expect(out.status).toBe(0);
      expect(listedIn(out.stdout)).toEqual(commands);
    }
  });

  it('every command answers --help with exit 0, an example, and exactly the flags its parser accepts', async () => {
    // The parser's own list of what it accepts, from its refusal of a flag no command has.
    const refusals = await all(commands.map((c) => () => hebb(c, '--no-such-flag')));
    commands.forEach((command, i) => {
      const help = helps.get(command)!;
      expect(help.status, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^usage: hebb ${command} `));
      expect(help.stdout, command).toMatch(new RegExp(`^examples?:\\n {2}hebb ${command}\\b`, 'm'));
      const refusal = refusals[i]!;
      expect(refusal.status, command).toBe(2);
      expect(refusal.stderr, command).toContain(`unknown option --no-such-flag for hebb ${command}`);
      const known = [...refusal.stderr.match(/\(known: ([^;]*);/)![1]!.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!).sort();
      expect(flagsIn(help.stdout), command).toEqual(known);
      expect(known.length, command).toBeGreaterThan(0);
    });
    expect(flagsIn(helps.get('train')!.stdout)).toContain('heldout-episodes');
  });

  it('`hebb help COMMAND` prints the same as `hebb COMMAND --help`; an unknown command exits 2 naming it', async () => {
    const [viaHelp, unknown] = await Promise.all([hebb('help', 'damage'), hebb('help', 'fly')]);
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toBe(helps.get('damage')!.stdout);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "fly"');
  });

  it('points to docs that exist in this repository, never to spec sections', () => {
    for (const [command, { stdout }] of helps) {
      expect(stdout, command).not.toMatch(/spec §|§\d/);
      const more = stdout.match(/^more: (\S+)$/m);
      expect(more, command).not.toBeNull();
      const [path, anchor] = more![1]!.split('#');
      expect(existsSync(join(ROOT, path!)), `${command}: ${path}`).toBe(true);
      if (anchor) expect(anchors(readFileSync(join(ROOT, path!), 'utf8')), `${command}: ${more![1]}`).toContain(anchor);
    }
  });

  it('shows the defaults a run gets: population, generations and the held-out schedule of a run queued without them', async () => {
    const train = helps.get('train')!.stdout;
    // The paper's population of 200 and 300 generations; a held-out test every 10th generation, 5 lifetimes.
    expect([defaultOf(train, 'pop'), defaultOf(train, 'generations'), defaultOf(train, 'heldout-every'), defaultOf(train, 'heldout-episodes')]).toEqual(['200', '300', '10', '5']);
    const db = join(dir, 'defaults.db');
    const queued = await hebb('train', '--db', db, '--queue', '--name', 'defaults', '--heldout', 'damaged-left');
    expect(queued.status, queued.stderr).toBe(0);
    const shown = spawnSync(process.execPath, [HEBB, 'runs', 'show', '1', '--db', db, '--json'], { encoding: 'utf8' });
    const { config } = JSON.parse(shown.stdout) as { config: { es: { popSize: number }; generations: number; heldout: { every: number; episodes: number } } };
    expect([config.es.popSize, config.generations, config.heldout.every, config.heldout.episodes].map(String))
      .toEqual([defaultOf(train, 'pop'), defaultOf(train, 'generations'), defaultOf(train, 'heldout-every'), defaultOf(train, 'heldout-episodes')]);
  }, 60_000);

  it('shows the export format it uses: CSV unless --json', async () => {
    expect(defaultOf(helps.get('export')!.stdout, 'format')).toBe('csv');
    const db = join(dir, 'export.db');
    expect((await hebb('train', '--db', db, '--queue', '--name', 'x')).status).toBe(0);
    const out = await hebb('export', '1', '--db', db);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.split('\n')[0]).toMatch(/^generation,mean,max,min,std,/);
  }, 60_000);
});
