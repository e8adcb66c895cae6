/** Writing command output: to stdout, or to a file given by --out, all at once (never half-written). */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from './args';

/** Writes `text` to `path` via a temporary file and a rename, so a reader never sees a partial file. */
export function writeOut(text: string, path: string | undefined): void {
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out: cannot write ${path}: ${(e as Error).message}`);
  }
}
