/**
 * Writing command output: to stdout, or to a file given by --out, all at once (never half-written), and never
 * over the open store, its -wal/-shm files, or any other SQLite database.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ownerAlive } from '../main/store/store';
import { UsageError } from './args';

/** The path as the file system resolves it (symlinks followed), for a file that may not exist yet. */
function canonical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const dir = dirname(absolute);
  return existsSync(dir) ? join(realpathSync(dir), basename(absolute)) : absolute;
}

function isSqlite(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

/** Refuses an --out that would replace the store (`storePath`) or its sidecar files, or any SQLite database. */
export function checkOut(path: string, storePath: string | undefined): void {
  const out = canonical(path);
  if (storePath !== undefined && storePath !== ':memory:') {
    const store = canonical(storePath);
    if ([store, `${store}-wal`, `${store}-shm`, `${store}-journal`].includes(out)) {
      throw new UsageError(`--out: ${path} is the open store${out === store ? '' : `'s ${out.slice(store.length + 1)} file`} (--db); writing there would destroy it — choose another file`);
    }
  }
  if (isSqlite(out)) throw new UsageError(`--out: ${path} is a SQLite database; refusing to replace it — choose another file`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out: ${path} is a directory; give a file name`);
  // A device, FIFO or socket is never replaced by the rename below (nor written through).
  if (existsSync(out) && !statSync(out).isFile()) throw new UsageError(`--out: ${path} is not a regular file (a device, FIFO or socket); refusing to replace it — choose a file name`);
}

/** Temporaries `NAME.PID.tmp` left beside `path` by writers that were killed (their process is gone). */
function removeStaleTemporaries(path: string): void {
  const dir = dirname(resolve(path));
  const pattern = new RegExp(`^${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !ownerAlive(`${hostname()}:${pid}`)) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Writes `text` (or bytes) to `path` via a temporary file and a rename, so a reader never sees a partial file. A signal
 * during the write waits for it (the rename is atomic); a writer killed outright leaves a temporary that the next
 * write to the same path removes.
 */
export function writeOut(text: string | Uint8Array, path: string | undefined, storePath: string | undefined): void {
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  checkOut(path, storePath);
  removeStaleTemporaries(path);
  const temporary = `${path}.${process.pid}.tmp`;
  let signalled: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals): void => {
    signalled = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, hold);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out: cannot write ${path}: ${(e as Error).message}`);
  } finally {
    // A signal that came during the write is delivered on the next turn of the event loop: keep holding it until
    // then, and honour it once the output is complete.
    setImmediate(() => {
      for (const s of signals) process.off(s, hold);
      if (signalled) process.kill(process.pid, signalled);
    });
  }
}

/** The unit of a lifetime's distance: metres walked, or the car's centre-line units driven (3.5 per tile). */
export function distanceUnit(racing: boolean): string {
  return racing ? 'track units' : 'm';
}

export function distanceText(racing: boolean, distance: number): string {
  return `${distance.toFixed(2)} ${distanceUnit(racing)}`;
}
