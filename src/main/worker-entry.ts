/**
 * Starts one of our worker entries (`name` is its file name without extension, next to this module's caller):
 * the TypeScript source through the tsx bootstrap when running from source, else the bundled `.js` sibling
 * (electron.vite.config.ts builds each worker as its own entry, with flat chunks).
 */
import { Worker } from 'node:worker_threads';

export function startWorker(callerUrl: string, name: string, data: Record<string, unknown>): Worker {
  if (callerUrl.endsWith('.ts')) {
    // src/main/<dir>/<caller>.ts → scripts/ts-worker.mjs at the repository root.
    return new Worker(new URL('../../../scripts/ts-worker.mjs', callerUrl), { workerData: { entry: new URL(`./${name}.ts`, callerUrl).href, ...data } });
  }
  return new Worker(new URL(`./${name}.js`, callerUrl), { workerData: data });
}
