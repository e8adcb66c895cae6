/**
 * vitest globalSetup (runs in vitest's main process): gives the test workers a log for the children they start
 * (test/support/children.ts) and, when the run ends — passed, failed, or interrupted — kills any that are still
 * alive and says so. A log directory already named in the environment (a test running vitest as a child) is
 * used and kept, so that test can check the children afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILDREN_ENV, reap } from './children';

export default function setup(): () => void {
  const given = process.env[CHILDREN_ENV];
  const dir = given ?? mkdtempSync(join(tmpdir(), 'hebb-test-children-'));
  process.env[CHILDREN_ENV] = dir;
  let done = false;
  const teardown = (): void => {
    if (done) return;
    done = true;
    const alive = reap(dir);
    if (alive.length > 0) console.error(`test teardown: killed ${alive.length} process(es) a test left running (pids ${alive.join(', ')})`);
    if (!given) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', teardown); // also when vitest exits without running teardowns (interrupted)
  return teardown;
}
