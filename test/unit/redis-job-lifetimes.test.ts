import { describe, expect, it } from 'vitest';
import { jobLifetimes, type EvaluateJob } from '../../src/main/training/redis-protocol';

/** Only the fields the count reads; the rest of a job does not enter it. */
const job = (fields: Record<string, unknown>): EvaluateJob => fields as unknown as EvaluateJob;
const pairs = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ index: i, offset: 0, sign: 1 }));

describe("a Redis job's lifetimes (the worker's lifetimes/s)", () => {
  it('counts one lifetime per candidate and training body for the quadruped, one per candidate for the car', () => {
    expect(jobLifetimes(job({ kind: 'candidates', candidates: pairs(4), config: { env: 'quadruped', morphologies: [{}, {}] } }))).toBe(8);
    // Configs from before the car carry no env: the quadruped's.
    expect(jobLifetimes(job({ kind: 'candidates', candidates: pairs(4), config: { morphologies: [{}, {}, {}] } }))).toBe(12);
    // The car has no bodies (morphologies is empty), yet every candidate drives one lifetime.
    expect(jobLifetimes(job({ kind: 'candidates', candidates: pairs(4), config: { env: 'racing', morphologies: [] } }))).toBe(4);
  });

  it('counts one lifetime per test entry', () => {
    expect(jobLifetimes(job({ kind: 'tests', tests: [{}, {}, {}], config: { env: 'racing', morphologies: [] } }))).toBe(3);
  });
});
