import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../src/core/policy/genome';
import { closedLoopLifetime } from './fixtures/closed-loop-lifetime';

function inWorker(spec: PolicySpec, seed: number, steps: number): Promise<Float32Array> {
  return new Promise((ok, fail) => {
    const worker = new Worker(new URL('../../scripts/ts-worker.mjs', import.meta.url), {
      workerData: { entry: new URL('./fixtures/lifetime-worker.ts', import.meta.url).href, spec, seed, steps },
    });
    worker.once('message', (m: Float32Array) => {
      ok(m);
      void worker.terminate();
    });
    worker.once('error', fail);
  });
}

const specs: [string, PolicySpec][] = [
  ['Hebbian ABCD_lr', { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: false }],
  ['Hebbian ABCD_lr, normalised', { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'normal', normalise: true }],
  ['static', { kind: 'static' }],
];

describe('determinism across threads', () => {
  it.each(specs)('%s: a worker thread reproduces the main thread bit for bit', async (_name, spec) => {
    const here = closedLoopLifetime(spec, 42, 300);
    const there = await inWorker(spec, 42, 300);
    expect(Buffer.from(there.buffer).equals(Buffer.from(here.buffer))).toBe(true);
    expect(closedLoopLifetime(spec, 43, 300)).not.toEqual(here);
  });
});
