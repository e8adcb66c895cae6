/**
 * What the store checks about its file before and just after opening it, so that opening never damages a file it
 * cannot use: another program's database, a corrupt file, one written by a newer workbench, or a path that cannot
 * be created or written. The first checks read the 100-byte SQLite header with plain file reads — SQLite itself
 * would create `-wal` / `-shm` files beside a file we then refuse.
 */
import type Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `PRAGMA application_id` of a workbench database: "HBWB". */
export const APPLICATION_ID = 0x48425742;
const SQLITE_HEADER = 'SQLite format 3\u0000';
/** Up to this size the whole file is checked at open (≈ 1 s per GB here); above it, every table but the blobs. */
const FULL_CHECK_BYTES = 2 * 1024 ** 3;
/** The tables holding large blobs (checkpoints, episodes' trajectories); their bytes carry their own CRC-32. */
const BLOB_TABLES = new Set(['checkpoints', 'episodes']);

export class StoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFileError';
  }
}

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ENOSPC') return 'the disk is full';
  return (e as Error).message;
};

/** The files SQLite keeps beside a WAL database. */
export const sidecars = (path: string): string[] => [`${path}-wal`, `${path}-shm`];

export interface Inspected {
  /** The file exists and holds a database (not a new store to create). */
  readonly existing: boolean;
  readonly bytes: number;
  /** Sidecar files present before we opened it (never removed by us). */
  readonly sidecarsBefore: readonly string[];
}

/**
 * Refuses files that are not (or not yet) ours, and paths we could not write, before anything is created.
 * `schemaVersion` is the newest schema this workbench knows.
 */
export function inspectStoreFile(path: string, schemaVersion: number): Inspected {
  const sidecarsBefore = sidecars(path).filter((p) => existsSync(p));
  if (!existsSync(path)) {
    ensureDirectory(dirname(resolve(path)), path);
    return { existing: false, bytes: 0, sidecarsBefore };
  }
  const stat = statSync(path);
  if (!stat.isFile()) throw new StoreFileError(`${path} is not a file`);
  const head = Buffer.alloc(100);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new StoreFileError(`cannot read ${path}: ${reason(e)}`);
  }
  writable(path);
  if (n === 0) return { existing: false, bytes: 0, sidecarsBefore }; // an empty file becomes a new database
  // Bytes 21–23 are fixed by the file format (payload fractions 64, 32, 32): garbage after the magic fails here.
  if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_HEADER || head[21] !== 64 || head[22] !== 32 || head[23] !== 32) {
    throw new StoreFileError(`${path} is not a SQLite database (corrupt, or another kind of file); it was left untouched`);
  }
  const appId = head.readUInt32BE(68);
  const version = head.readUInt32BE(60);
  const schemaCookie = head.readUInt32BE(40);
  if (appId !== APPLICATION_ID) {
    // A database without our id may be used only if nothing was ever created in it (schema cookie 0).
    if (appId !== 0) throw new StoreFileError(`${path} is a SQLite database of another application (application_id ${appId}); it was left untouched`);
    if (schemaCookie !== 0 || version !== 0) {
      throw new StoreFileError(`${path} is a SQLite database of another program (it has tables of its own and no workbench id); it was left untouched`);
    }
  }
  if (version > schemaVersion) {
    throw new StoreFileError(`${path} has schema version ${version}, newer than this workbench's ${schemaVersion}: update the workbench; the file was left untouched`);
  }
  return { existing: true, bytes: stat.size, sidecarsBefore };
}

/** The store needs to write its file and, in WAL mode, create `-wal` and `-shm` beside it. */
function writable(path: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new StoreFileError(`${path} is read-only (${reason(e)}): the workbench writes to its store; give it write permission or choose another --db`);
  }
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new StoreFileError(`cannot write in the directory ${dir} (${reason(e)}): the store keeps its -wal and -shm files beside ${path}`);
  }
}

/** Creates the missing directories one level at a time, so any level that cannot be created fails at once. */
function ensureDirectory(dir: string, path: string): void {
  const missing: string[] = [];
  let at = dir;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new StoreFileError(`cannot create ${path}: ${at} is not a directory`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      throw new StoreFileError(`cannot create the directory ${level} for ${path}: ${reason(e)}`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new StoreFileError(`cannot create ${path}: the directory ${dir} is not writable (${reason(e)})`);
  }
}

/**
 * `PRAGMA quick_check` on a freshly opened, not yet migrated database. Corruption found: the connection is closed,
 * sidecar files this open created are removed (never ones that were there before), and the message says how to
 * recover.
 */
export function checkIntegrity(db: Database.Database, path: string, inspected: Inspected): void {
  if (!inspected.existing) return;
  let problems: string[];
  try {
    const tables = inspected.bytes <= FULL_CHECK_BYTES
      ? [undefined]
      : (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter((t) => !BLOB_TABLES.has(t));
    problems = tables.flatMap((t) => (db.pragma(t === undefined ? 'quick_check(20)' : `quick_check("${t.replaceAll('"', '""')}")`) as { quick_check: string }[]).map((r) => r.quick_check))
      .filter((r) => r !== 'ok');
  } catch (e) {
    problems = [(e as Error).message];
  }
  if (problems.length === 0) return;
  db.close();
  for (const p of sidecars(path)) if (!inspected.sidecarsBefore.includes(p)) rmSync(p, { force: true });
  throw new StoreFileError(
    `${path} is corrupt (SQLite's quick_check: ${problems.slice(0, 3).join('; ')}); it was not written to. To recover: ` +
      `restore a backup, or re-import exported runs, or salvage what SQLite can read with ` +
      `\`sqlite3 ${path} .recover | sqlite3 recovered.db\` and open recovered.db`,
  );
}
