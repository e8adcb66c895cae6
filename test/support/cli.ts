/**
 * The `hebb` the tests run. They run the built bundle (out/main/hebb.js, built by `npm test` before the tests; the
 * web mode's `hebb serve` too): the same sources, compiled once, so a command starts in about half the time of the
 * package's bin, bin/hebb.mjs, which compiles the TypeScript through tsx at every start and again in every worker
 * thread. cli.test.ts checks that the bin computes exactly what the bundle does.
 */
import { join } from 'node:path';
import { ROOT } from './serve';

export const HEBB = join(ROOT, 'out/main/hebb.js');
/** The package's bin, from source. */
export const HEBB_SOURCE = join(ROOT, 'bin/hebb.mjs');
