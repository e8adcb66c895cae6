import { describe, expect, it } from 'vitest';
import { encodeBlob } from '../../src/core/binary';
import { runConfig, type PolicySpec } from '../../src/core/config';
import { createNoiseTable, decodeEsState, encodeEsState, init, tell } from '../../src/core/es';
import {
  expandGenome, identityAssignment, mergeDue, mergeRules, mergeStages, rulesAt, ruleGeometry, tableRules,
} from '../../src/core/merge/merge';
import { QUADRUPED_MLP, type MlpSpec } from '../../src/core/nn/mlp';

const ABCD = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' } as const satisfies PolicySpec;
/** 2 → 2 → 1: synapses 4 + 2 = 6. */
const TINY: MlpSpec = { sizes: [2, 2, 1], hidden: 'tanh', output: 'tanh' };

describe('Evolve & Merge schedule', () => {
  it("the quadruped's 12 288 synapses halve every 10 generations to the floor of 384: 61 440 → 1 920 coefficients", () => {
    const geometry = ruleGeometry(QUADRUPED_MLP, ABCD);
    expect(geometry).toEqual({ synapses: 12_288, coefficients: 5, genomeSize: 61_440, rest: 0 });
    const stages = mergeStages({ every: 10, factor: 2, floor: 384 }, geometry.synapses, 100);
    expect(stages).toEqual([
      { from: 0, rules: 12_288 }, { from: 10, rules: 6_144 }, { from: 20, rules: 3_072 }, { from: 30, rules: 1_536 },
      { from: 40, rules: 768 }, { from: 50, rules: 384 },
    ]);
    expect(stages.map((s) => s.rules * 5)).toEqual([61_440, 30_720, 15_360, 7_680, 3_840, 1_920]);
    expect([0, 9, 10, 49, 50, 99].map((g) => rulesAt(stages, g))).toEqual([12_288, 12_288, 6_144, 768, 384, 384]);
    // Factor 3 and a floor that is not a power: ⌈12 288/3⌉ = 4 096, 1 366, then the floor 1 000.
    expect(mergeStages({ every: 5, factor: 3, floor: 1000 }, 12_288, 16).map((s) => s.rules)).toEqual([12_288, 4_096, 1_366, 1_000]);
    // Only merges inside the run: 30 generations see the merges at 10 and 20.
    expect(mergeStages({ every: 10, factor: 2, floor: 1 }, 12_288, 30).map((s) => s.from)).toEqual([0, 10, 20]);
    expect(mergeDue({ every: 10, factor: 2, floor: 384 }, 0, 12_288)).toBe(false);
    expect(mergeDue({ every: 10, factor: 2, floor: 384 }, 60, 384)).toBe(false);
    expect(mergeDue(null, 10, 12_288)).toBe(false);
  });

  it('the run config takes merge for Hebbian runs with corrected indexing and names the field otherwise', () => {
    const base = { name: 'm', morphologies: ['standard'] };
    expect(runConfig(base).merge).toBeNull();
    expect(runConfig({ ...base, merge: { every: 20 } }).merge).toEqual({ every: 20, factor: 2, floor: 384 });
    expect(() => runConfig({ ...base, merge: { every: 0 } })).toThrow(/run\.merge\.every: must be at least 1/);
    expect(() => runConfig({ ...base, merge: { every: 5, factor: 1 } })).toThrow(/run\.merge\.factor: must be more than 1/);
    expect(() => runConfig({ ...base, policy: { kind: 'static' }, merge: { every: 5 } })).toThrow(/run\.merge: applies to Hebbian runs only/);
    expect(() => runConfig({ ...base, policy: { kind: 'hebbian', indexing: 'original' }, merge: { every: 5 } })).toThrow(/run\.merge: needs policy\.indexing "corrected"/);
  });
});

describe('rule table expansion', () => {
  it('equals a naive loop over layers, pre and post neurons (corrected rows), with the co-evolved weights after', () => {
    const policy: PolicySpec = { ...ABCD, rule: 'ABC', init: 'coevolve' };
    const geometry = ruleGeometry(TINY, policy);
    expect(geometry).toEqual({ synapses: 6, coefficients: 3, genomeSize: 6 * 3 + 6, rest: 6 });
    const table = Float32Array.of(1, 2, 3, 4, 5, 6, /* rest */ 91, 92, 93, 94, 95, 96); // 2 rules
    const assignment = Int32Array.of(1, 0, 0, 1, 1, 1);
    const expanded = expandGenome(geometry, table, assignment, new Float32Array(geometry.genomeSize));
    // Naive: synapse (i, j) of layer l is row offset_l + i·nOut + j; its coefficients are its rule's row.
    const naive: number[] = [];
    const shapes = [{ nIn: 2, nOut: 2, offset: 0 }, { nIn: 2, nOut: 1, offset: 4 }];
    const rows: number[][] = [];
    for (const { nIn, nOut, offset } of shapes) {
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) rows[offset + i * nOut + j] = [1, 2, 3, 4, 5, 6].slice(3 * assignment[offset + i * nOut + j]!, 3 * assignment[offset + i * nOut + j]! + 3);
    }
    for (const row of rows) naive.push(...row);
    naive.push(91, 92, 93, 94, 95, 96);
    expect([...expanded]).toEqual(naive);
  });

  it('through the identity the table is the genome itself', () => {
    const geometry = ruleGeometry(TINY, ABCD);
    const theta = Float32Array.from({ length: 30 }, (_, i) => i * 0.5 - 3);
    expect([...expandGenome(geometry, theta, identityAssignment(6), new Float32Array(30))]).toEqual([...theta]);
  });

  it('refuses a table that is not whole rules, and an assignment past the table', () => {
    const geometry = ruleGeometry(TINY, ABCD);
    expect(() => tableRules(geometry, 12)).toThrow(/not a table of whole rules \(5 coefficients each, 1 to 6\)/);
    expect(() => expandGenome(geometry, new Float32Array(10), Int32Array.of(0, 1, 2, 0, 0, 0), new Float32Array(30))).toThrow(/synapse 2 is assigned rule 2; the table has rules 0 to 1/);
    expect(() => ruleGeometry(TINY, { kind: 'static' })).toThrow(/only a Hebbian policy/);
  });
});

describe('merging an ES state', () => {
  const geometry = ruleGeometry(TINY, ABCD);
  /** Rows 0, 1, 2 near (0,0,0,0,0), rows 3, 4, 5 near (10,…): two clusters whatever the seed. */
  const theta = Float32Array.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 10, 10, 10, 10, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 13].map(Number));

  it('centroids are the synapse-weighted means, the assignment is remapped, Adam moments averaged the same way', () => {
    // A table of 4 rules (rows 0, 1, 3 and 5 above) followed by 3, 1, 1 and 1 synapses.
    const table = Float32Array.from([...theta.subarray(0, 10), ...theta.subarray(15, 20), ...theta.subarray(25, 30)]);
    const base = init({ popSize: 4, noiseTableSize: 1000, optimizer: 'adam' }, table);
    const m = Float64Array.from({ length: 20 }, (_, i) => i);
    const v = Float64Array.from({ length: 20 }, (_, i) => 100 + i);
    const state = { ...base, generation: 10, lr: 0.1, sigma: 0.05, optimizer: { t: 10, m, v }, assignment: Int32Array.of(0, 0, 0, 1, 2, 3) };
    const { state: merged, clusters } = mergeRules(geometry, state, 2, 7);
    expect(clusters.converged).toBe(true);
    const low = merged.assignment![0]!;
    const high = 1 - low;
    expect([...merged.assignment!]).toEqual([low, low, low, low, high, high]);
    const row = (a: ArrayLike<number>, r: number): number[] => Array.from({ length: 5 }, (_, q) => a[r * 5 + q]!);
    // Rows 0 (×3) and 1 (×1): (0,0,0,0,0)·3 + (1,0,0,0,0) → (0.25, 0, 0, 0, 0).
    expect(row(merged.theta, low)).toEqual([0.25, 0, 0, 0, 0]);
    // Rows 3 (10,10,10,10,10) and 5 (10,10,10,10,13), once each: (10, 10, 10, 10, 11.5).
    expect(row(merged.theta, high)).toEqual([10, 10, 10, 10, 11.5]);
    // m rows 0..3 are (0..4), (5..9), (10..14), (15..19): low = (3·row0 + row1)/4, high = (row2 + row3)/2.
    expect(row(merged.optimizer.m, low)).toEqual([1.25, 2.25, 3.25, 4.25, 5.25]);
    expect(row(merged.optimizer.m, high)).toEqual([12.5, 13.5, 14.5, 15.5, 16.5]);
    expect(row(merged.optimizer.v, high)).toEqual([112.5, 113.5, 114.5, 115.5, 116.5]);
    expect(merged.optimizer.t).toBe(10);
    expect([merged.generation, merged.lr, merged.sigma]).toEqual([10, 0.1, 0.05]);
    expect(merged.theta).toHaveLength(10);
  });

  it('the same state and seed merge identically; the assignment survives tell and the checkpoint bytes', () => {
    const state = { ...init({ popSize: 4, noiseTableSize: 1000 }, theta), generation: 5, assignment: identityAssignment(6) };
    const a = mergeRules(geometry, state, 3, 11).state;
    const b = mergeRules(geometry, state, 3, 11).state;
    expect([...a.theta]).toEqual([...b.theta]);
    expect([...a.assignment!]).toEqual([...b.assignment!]);
    expect(new Set(a.assignment).size).toBe(3);
    const noise = createNoiseTable(0, 1000);
    const next = tell(a, [1, 2, 3, 4], noise);
    expect([...next.assignment!]).toEqual([...a.assignment!]);
    const decoded = decodeEsState(encodeEsState(next));
    expect([...decoded.assignment!]).toEqual([...a.assignment!]);
    expect([...decoded.theta]).toEqual([...next.theta]);
    expect(decodeEsState(encodeEsState(init({ popSize: 4, noiseTableSize: 1000 }, theta))).assignment).toBeUndefined();
  });

  it('a checkpoint of format 2 (before merging existed) still reads, without an assignment', () => {
    const state = init({ popSize: 4, noiseTableSize: 1000 }, theta);
    const header = { config: state.config, generation: 0, lr: state.lr, sigma: state.sigma, dim: 30, optimizerSteps: 0 };
    const old = decodeEsState(encodeBlob('HBES', 2, header, [state.theta, state.optimizer.m, state.optimizer.v]));
    expect(old.assignment).toBeUndefined();
    expect([...old.theta]).toEqual([...theta]);
  });
});
