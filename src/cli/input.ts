/** Files the CLI reads (rules, MJCF, damage schedules): regular files only, of bounded size, never read past it. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './args';

/**
 * The bytes of `path`, a regular file of at most `maxBytes`: a FIFO, device or directory is refused without waiting
 * for a writer (opened non-blocking), a larger file from its size before anything is read, and one that grows while
 * read after one byte past the limit. `tooBig(size)` words the size refusal; errors name `what` (a flag, say).
 */
export function readInputFile(path: string, what: string, maxBytes: number, tooBig: (size: number) => string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${what}: ${path} is not a regular file (a directory, device, FIFO or socket)`);
    if (stat.size > maxBytes) throw new UsageError(`${what}: ${path} ${tooBig(stat.size)}`);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    let n: number;
    do {
      n = readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
    } while (n > 0 && length < buffer.length);
    if (length > maxBytes) throw new UsageError(`${what}: ${path} ${tooBig(length)}`);
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what}: cannot read ${path}: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
