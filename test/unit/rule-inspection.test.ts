import { describe, expect, it } from 'vitest';
import { commonRange, histogram, inspectRules, median } from '../../src/core/analysis/rules';
import { CAR_NET, type MlpSpec } from '../../src/core/nn/mlp';
import { genomeLayout } from '../../src/core/policy/genome';
import type { PolicySpec } from '../../src/core/policy/genome';

const NET: MlpSpec = { sizes: [2, 3], hidden: 'tanh', output: 'tanh' };
const hebbian = (rule: string, indexing: 'corrected' | 'original' = 'corrected'): PolicySpec =>
  ({ kind: 'hebbian', rule, indexing, init: 'uni', normalise: 'none' }) as PolicySpec;

describe('rule inspection', () => {
  // ABCD_lr: row r holds A = 10r, B = 10r+1, C = 10r+2, η = 10r+3, D = 10r+4.
  const genome = Float32Array.from({ length: 6 * 5 }, (_, k) => 10 * Math.floor(k / 5) + (k % 5));

  it('decodes each synapse (pre i, post j) from its row i·nOut + j, listed in [out][in] order', () => {
    const r = inspectRules(NET, hebbian('ABCD_lr'), genome);
    const [layer] = r.layers;
    expect(layer!.coefficients.map((c) => c.label)).toEqual(['A', 'B', 'C', 'η', 'D']);
    // [out][in]: s = j·2 + i ↔ row i·3 + j.
    expect(Array.from(layer!.coefficients[0]!.values)).toEqual([0, 30, 10, 40, 20, 50]);
    expect(Array.from(layer!.coefficients[3]!.values)).toEqual([3, 33, 13, 43, 23, 53]);
    // Strength = |η|·max(|A|, |B|, |C|, |D|) = (10r+3)(10r+4).
    expect(Array.from(layer!.strength)).toEqual([3 * 4, 33 * 34, 13 * 14, 43 * 44, 23 * 24, 53 * 54]);
  });

  it("under the original indexing a synapse reads row i + j (shared rows counted per synapse)", () => {
    const r = inspectRules(NET, hebbian('ABCD_lr', 'original'), genome);
    expect(Array.from(r.layers[0]!.coefficients[0]!.values)).toEqual([0, 10, 10, 20, 20, 30]);
  });

  it('D_out is outside η: strength uses η·D_in + D_out', () => {
    // One row per synapse: A B C η D_in D_out = 0 0 0 2 1 −5 → d = 2·1 − 5 = −3.
    const g = Float32Array.from({ length: 6 * 6 }, (_, k) => [0, 0, 0, 2, 1, -5][k % 6]!);
    const r = inspectRules(NET, hebbian('ABCD_lr_D_in_and_out'), g);
    expect(r.layers[0]!.coefficients.map((c) => c.label)).toEqual(['A', 'B', 'C', 'η', 'D_in', 'D_out']);
    expect(Array.from(r.layers[0]!.strength)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('counts the synapses whose strength is under 1% of the layer median as off', () => {
    // Rule A: strength |A|; four at 1, one at 0.005 (off), one at 0 (off), so the median is 1.
    const g = Float32Array.of(1, -1, 1, 0.005, 1, 0);
    const r = inspectRules(NET, hebbian('A'), g);
    const layer = r.layers[0]!;
    expect(layer.medianStrength).toBe(1);
    expect(layer.offBelow).toBeCloseTo(0.01, 9);
    expect(layer.off).toBe(2);
    expect(layer.offShare).toBeCloseTo(1 / 3, 12);
    expect(inspectRules(NET, hebbian('A'), g, 0.001).layers[0]!.off).toBe(1);
  });

  it('a multi-layer genome: each layer from its own rows', () => {
    const net: MlpSpec = { sizes: [1, 2, 1], hidden: 'tanh', output: 'tanh' };
    const g = Float32Array.of(1, 2, 3, 4); // rule A: layer 0 rows 0–1, layer 1 rows 2–3
    const r = inspectRules(net, hebbian('A'), g);
    expect(r.layers.map((l) => Array.from(l.coefficients[0]!.values))).toEqual([[1, 2], [3, 4]]);
  });

  it("the car's network: its three plastic FC layers, the conv weights after the rules left alone", () => {
    const spec = hebbian('ABCD_lr');
    const layout = genomeLayout(CAR_NET, spec);
    const g = new Float32Array(layout.size).fill(7); // the conv segment (and any row not written below) reads 7
    // Layer 2 (64 → 3) starts after 648·128 + 128·64 synapses; its synapse (i = 5, j = 1) is row offset + 5·3 + 1.
    const row = 648 * 128 + 128 * 64 + 5 * 3 + 1;
    g.set([0.5, 0, 0, 2, 0], row * 5);
    const r = inspectRules(CAR_NET, spec, g);
    expect(r.layers.map((l) => [l.nIn, l.nOut])).toEqual([[648, 128], [128, 64], [64, 3]]);
    const s = 1 * 64 + 5; // [out][in]
    expect(r.layers[2]!.coefficients[0]!.values[s]).toBe(0.5);
    expect(r.layers[2]!.strength[s]).toBe(1); // |η|·max = 2 · 0.5
    expect(r.layers[2]!.strength[0]).toBe(49);
  });

  it('refuses a static network and a genome of the wrong size', () => {
    expect(() => inspectRules(NET, { kind: 'static' }, new Float32Array(6))).toThrow(/static network has no plasticity rules/);
    expect(() => inspectRules(NET, hebbian('A'), new Float32Array(5))).toThrow(/must have 6 parameters/);
  });
});

describe('histograms', () => {
  it('equal bins, the last one closed; values outside left out', () => {
    expect(histogram(Float32Array.of(0, 0.5, 1, 1, 2, 3, -1), 0, 2, 4).counts).toEqual([1, 1, 2, 1]);
  });
  it('a common range over samples; a single value gets a unit-wide range', () => {
    expect(commonRange([Float32Array.of(1, 3), Float32Array.of(-2, 0)])).toEqual([-2, 3]);
    expect(commonRange([Float32Array.of(4, 4)])).toEqual([3.5, 4.5]);
    expect(median(Float32Array.of(3, 1, 2, 10))).toBe(2.5);
  });
});
