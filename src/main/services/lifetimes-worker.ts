/** Worker entry: runs one LifetimeTask, posting progress, then the outcome (or the failure) and exits. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLifetimeTask, type LifetimeTask } from './lifetimes';

const port = parentPort!;
const task = (workerData as { task: LifetimeTask }).task;
try {
  const outcome = await runLifetimeTask(task, (done, total) => port.postMessage({ kind: 'progress', done, total }));
  port.postMessage({ kind: 'done', outcome }, outcome.kind === 'recorded' ? [outcome.trajectory.buffer as ArrayBuffer] : []);
} catch (e) {
  port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
