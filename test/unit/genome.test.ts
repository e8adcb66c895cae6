import { describe, expect, it } from 'vitest';
import { CAR_FC_MLP, QUADRUPED_MLP, StaticMlp, synapseCount, type MlpSpec } from '../../src/core/nn/mlp';
import { coefficientRow, RULE_NAMES, RULES } from '../../src/core/plasticity/rules';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { HebbianPolicy } from '../../src/core/policy/policies';
import { makePolicy } from '../../src/core/policy/make-policy';
import { RandomStream } from '../../src/core/random';

const hebbian = (rule: (typeof RULE_NAMES)[number] = 'ABCD_lr', init: 'uni' | 'normal' | 'coevolve' = 'uni'): PolicySpec => ({
  kind: 'hebbian', rule, indexing: 'corrected', init, normalise: 'none',
});

describe('parameter counts (docs/METHOD.md#parameter-counts)', () => {
  it('quadruped: 12 288 synapses, 61 440 ABCD_lr coefficients, 12 288 static weights', () => {
    expect(synapseCount(QUADRUPED_MLP)).toBe(12_288);
    expect(genomeLayout(QUADRUPED_MLP, hebbian()).size).toBe(61_440);
    expect(genomeLayout(QUADRUPED_MLP, { kind: 'static' }).size).toBe(12_288);
  });

  it('car: 91 328 plastic synapses and 456 640 ABCD_lr coefficients', () => {
    expect(synapseCount(CAR_FC_MLP)).toBe(91_328);
    expect(genomeLayout(CAR_FC_MLP, hebbian()).size).toBe(456_640);
  });

  it('other rules scale by their coefficient count; coevolve adds one initial weight per synapse', () => {
    const k: Record<string, number> = { A: 1, AD: 2, AD_lr: 3, ABC: 3, ABC_lr: 4, ABCD: 4, ABCD_lr: 5, ABCD_lr_D_out: 5, ABCD_lr_D_in_and_out: 6 };
    for (const rule of RULE_NAMES) {
      expect(RULES[rule].coefficients).toBe(k[rule]);
      expect(genomeLayout(QUADRUPED_MLP, hebbian(rule)).size).toBe(12_288 * k[rule]!);
    }
    const co = genomeLayout(QUADRUPED_MLP, hebbian('ABCD_lr', 'coevolve'));
    expect(co.size).toBe(61_440 + 12_288);
    expect(co.penalisedSize).toBe(61_440);
  });

  it("the original release's indexing uses 417 of 12 288 rows (quadruped) and 1 032 of 91 328 (car)", () => {
    const distinctRows = (spec: MlpSpec): number => {
      const rows = new Set<number>();
      let offset = 0;
      for (let l = 0; l + 1 < spec.sizes.length; l++) {
        const nIn = spec.sizes[l]!;
        const nOut = spec.sizes[l + 1]!;
        for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) rows.add(coefficientRow('original', offset, i, j, nOut));
        offset += nIn * nOut;
      }
      return rows.size;
    };
    expect(distinctRows(QUADRUPED_MLP)).toBe(417);
    expect(distinctRows(CAR_FC_MLP)).toBe(1_032);
  });

  it('corrected indexing gives every synapse its own row', () => {
    const rows = new Set<number>();
    for (let i = 0; i < 28; i++) for (let j = 0; j < 128; j++) rows.add(coefficientRow('corrected', 0, i, j, 128));
    expect(rows.size).toBe(28 * 128);
  });
});

describe('initial ES centre', () => {
  it('static weights follow PyTorch Linear init bounds 1/sqrt(fan_in) per layer', () => {
    const layout = genomeLayout(QUADRUPED_MLP, { kind: 'static' });
    const theta = initialCentre(QUADRUPED_MLP, layout, RandomStream.of(1));
    const bounds = [1 / Math.sqrt(28), 1 / Math.sqrt(128), 1 / Math.sqrt(64)]; // ±0.189, ±0.0884, ±0.125
    layout.segments.forEach((seg, l) => {
      const part = theta.subarray(seg.offset, seg.offset + seg.length);
      const max = Math.max(...Array.from(part, Math.abs));
      expect(max).toBeLessThanOrEqual(bounds[l]! + 1e-7);
      expect(max).toBeGreaterThan(0.95 * bounds[l]!);
    });
  });

  it('Hebbian coefficients start N(0, 1)', () => {
    const layout = genomeLayout(QUADRUPED_MLP, hebbian());
    const theta = initialCentre(QUADRUPED_MLP, layout, RandomStream.of(2));
    const mean = theta.reduce((s, v) => s + v, 0) / theta.length;
    const variance = theta.reduce((s, v) => s + (v - mean) ** 2, 0) / theta.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });
});

describe('policies', () => {
  const small: MlpSpec = { sizes: [3, 4, 2], hidden: 'tanh', output: 'tanh' };

  it('a static policy computes tanh(W2·tanh(W1·x)) with the genome as [layer][out][in]', () => {
    const genome = Float32Array.from({ length: 3 * 4 + 4 * 2 }, (_, k) => ((k % 7) - 3) / 10);
    const policy = makePolicy(small, { kind: 'static' }, genome);
    const x = [0.5, -1, 2];
    const h = [0, 1, 2, 3].map((j) => Math.tanh([0, 1, 2].reduce((s, i) => s + genome[j * 3 + i]! * x[i]!, 0)));
    const y = [0, 1].map((j) => Math.tanh([0, 1, 2, 3].reduce((s, i) => s + genome[12 + j * 4 + i]! * h[i]!, 0)));
    const out = policy.act(x);
    y.forEach((v, j) => expect(out[j]).toBeCloseTo(v, 6));
  });

  it('the static MLP round-trips its weights through the padded layout', () => {
    const spec: MlpSpec = { sizes: [5, 3, 6], hidden: 'tanh', output: 'linear' };
    const flat = Float32Array.from({ length: 15 + 18 }, (_, k) => k);
    const mlp = new StaticMlp(spec);
    mlp.setWeights(flat);
    const l1 = new Float32Array(18);
    mlp.readWeights(1, l1);
    expect(Array.from(l1)).toEqual(Array.from(flat.subarray(15)));
  });

  it('Hebbian lifetimes start from U(−0.1, 0.1) weights drawn from the episode stream', () => {
    const layout = genomeLayout(QUADRUPED_MLP, hebbian());
    const genome = initialCentre(QUADRUPED_MLP, layout, RandomStream.of(3));
    const policy = makePolicy(QUADRUPED_MLP, hebbian(), genome) as HebbianPolicy;
    policy.reset(RandomStream.of(5, 0, 1));
    const w = new Float32Array(28 * 128);
    policy.network.readWeights(0, w);
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.099);
    const again = new Float32Array(w.length);
    policy.reset(RandomStream.of(5, 0, 1));
    policy.network.readWeights(0, again);
    expect(again).toEqual(w);
    policy.reset(RandomStream.of(5, 0, 2));
    policy.network.readWeights(0, again);
    expect(again).not.toEqual(w);
  });

  it('co-evolved initial weights come from the genome, not the stream', () => {
    const spec = hebbian('A', 'coevolve');
    const layout = genomeLayout(small, spec);
    const genome = new Float32Array(layout.size);
    const initStart = layout.segments.find((s) => s.kind === 'initialWeights')!.offset;
    for (let k = 0; k < 20; k++) genome[initStart + k] = (k + 1) / 100;
    const policy = makePolicy(small, spec, genome) as HebbianPolicy;
    policy.reset(RandomStream.of(1));
    const w = new Float32Array(12);
    policy.network.readWeights(0, w);
    expect(Array.from(w)).toEqual(Array.from(genome.subarray(initStart, initStart + 12)));
  });

  it('rejects a genome of the wrong length, naming the expected size', () => {
    expect(() => makePolicy(QUADRUPED_MLP, hebbian(), new Float32Array(10))).toThrow(/61440 parameters/);
  });
});
