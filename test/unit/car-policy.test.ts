import { describe, expect, it } from 'vitest';
import { CAR_FC_MLP, CAR_NET } from '../../src/core/nn/mlp';
import { CAR_HEBBIAN, CarPolicy } from '../../src/core/policy/car-policy';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { makePolicy } from '../../src/core/policy/make-policy';
import { RandomStream } from '../../src/core/random';
import { dense, naiveCarConv, tanhOf, U, type Bounded } from '../support/naive-car';

const SIZES = [648, 128, 64, 3];

describe('car genome (parameter counts)', () => {
  const hebbian = CAR_HEBBIAN;
  it("CAR_HEBBIAN is the paper's car: ABCD_lr, corrected indexing, U(±0.1) initial weights, max-abs normalisation", () => {
    expect(CAR_HEBBIAN).toEqual({ kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'maxabs' });
  });

  it('Hebbian ABCD_lr: 456 640 penalised coefficients, then 162 + 1 200 conv weights, not penalised', () => {
    const layout = genomeLayout(CAR_NET, hebbian);
    expect(layout.size).toBe(456_640 + 1_362);
    expect(layout.penalisedSize).toBe(456_640);
    const conv = layout.segments.filter((s) => s.kind === 'conv');
    expect(conv.map((s) => [s.offset, s.length, s.penalised])).toEqual([[456_640, 162, false], [456_802, 1_200, false]]);
    // The fully connected part alone is what the quadruped-era tests assert.
    expect(genomeLayout(CAR_FC_MLP, hebbian).size).toBe(456_640);
  });

  it('static: all 92 690 weights, conv first (parameters_to_vector order), all penalised', () => {
    const layout = genomeLayout(CAR_NET, { kind: 'static' });
    expect(layout.size).toBe(92_690);
    expect(layout.penalisedSize).toBe(92_690);
    expect(layout.segments.map((s) => [s.kind, s.offset, s.length])).toEqual([
      ['conv', 0, 162], ['conv', 162, 1_200], ['weights', 1_362, 82_944], ['weights', 84_306, 8_192], ['weights', 92_498, 192],
    ]);
  });

  it('the static centre is U(±1/√fan_in): ±0.192 (27), ±0.0816 (150), ±0.0393 (648), ±0.0884, ±0.125', () => {
    const layout = genomeLayout(CAR_NET, { kind: 'static' });
    const theta = initialCentre(CAR_NET, layout, RandomStream.of(4));
    const bounds = [0.19245, 0.08165, 0.039284, 0.088388, 0.125];
    layout.segments.forEach((seg, k) => {
      const max = Math.max(...Array.from(theta.subarray(seg.offset, seg.offset + seg.length), Math.abs));
      expect(max).toBeLessThanOrEqual(bounds[k]! * (1 + 1e-4));
      expect(max).toBeGreaterThan(0.9 * bounds[k]!);
    });
  });

  it("the Hebbian centre's conv weights are N(0, 1), like the coefficients", () => {
    const layout = genomeLayout(CAR_NET, hebbian);
    const theta = initialCentre(CAR_NET, layout, RandomStream.of(5));
    const conv = theta.subarray(456_640);
    const mean = conv.reduce((s, v) => s + v, 0) / conv.length;
    const variance = conv.reduce((s, v) => s + (v - mean) ** 2, 0) / conv.length;
    // 1 362 samples: the mean's std is 0.027, the variance's 0.038.
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.15);
  });

  it('a network whose conv output does not match its first layer is refused, naming the field', () => {
    expect(() => genomeLayout({ ...CAR_NET, sizes: [600, 128, 64, 3] }, hebbian)).toThrow(/network\.sizes\[0\] must be the conv stack's 648 features/);
  });
});

function pixels(seed: number): Float32Array {
  const x = new Float32Array(3 * 84 * 84);
  RandomStream.of(seed, 77).fillUniform(x, 0, 1);
  return x;
}

/** A float32 result stored from a float64 computation: + u·|value|. */
const stored = (b: Bounded): Bounded => ({ value: b.value, bound: b.bound.map((e, k) => e + U * Math.abs(b.value[k]!)) });

/** Layer weights W [nOut][nIn] in float64 with their error bounds. */
interface Layer { W: Float64Array; eW: Float64Array; nIn: number; nOut: number }

function forwardFc(layers: readonly Layer[], features: Bounded, scales: readonly number[], scaleErrors: readonly number[]): Bounded[] {
  const acts = [features];
  layers.forEach((L, l) => {
    const z = dense('probable', L.W, L.eW, L.nOut, acts[l]!, scales[l], scaleErrors[l]);
    acts.push(l < layers.length - 1 ? tanhOf(z) : stored(z));
  });
  return acts;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function expectActions(actual: Float32Array, raw: Bounded): void {
  // tanh and sigmoid are 1- and ¼-Lipschitz; the action is stored in float32.
  const expected = [Math.tanh(raw.value[0]!), sigmoid(raw.value[1]!), sigmoid(raw.value[2]!)];
  const bound = [raw.bound[0]!, raw.bound[1]! / 4, raw.bound[2]! / 4];
  expected.forEach((v, k) => expect(Math.abs(actual[k]! - v)).toBeLessThanOrEqual(bound[k]! + U * Math.abs(v) + 1e-12));
}

function expectWithin(actual: Float32Array, expected: Bounded): void {
  for (let k = 0; k < actual.length; k++) expect(Math.abs(actual[k]! - expected.value[k]!)).toBeLessThanOrEqual(expected.bound[k]!);
}

/**
 * The update of one step as the reference defines it: pre = layer input, post = tanh output (for the last layer the
 * raw output — or, to show the test can tell, the squashed action), Δw = η·(A·pre·post + B·pre + C·post + D) with
 * the coefficient row of synapse (i, j) at offset + i·nOut + j (corrected indexing), then each layer divided by its
 * own max |w|. Returns the updated layers and their scales (1/max) with the scales' relative error.
 */
function hebbianUpdate(layers: readonly Layer[], acts: readonly Bounded[], genome: Float32Array, lastPost: 'raw' | 'squashed') {
  let offset = 0;
  const scales: number[] = [];
  const scaleErrors: number[] = [];
  const updated = layers.map((L, l) => {
    const pre = acts[l]!, post = acts[l + 1]!;
    const W = new Float64Array(L.W.length), eW = new Float64Array(L.W.length);
    for (let j = 0; j < L.nOut; j++) {
      const y = l === layers.length - 1 && lastPost === 'squashed' ? (j === 0 ? Math.tanh(post.value[j]!) : sigmoid(post.value[j]!)) : post.value[j]!;
      const ey = post.bound[j]!;
      for (let i = 0; i < L.nIn; i++) {
        const row = offset + i * L.nOut + j;
        const [A, B, C, eta, D] = [0, 1, 2, 3, 4].map((k) => genome[row * 5 + k]!) as [number, number, number, number, number];
        const x = pre.value[i]!, ex = pre.bound[i]!;
        const w = L.W[j * L.nIn + i]!;
        W[j * L.nIn + i] = w + eta * (A * x * y + B * x + C * y + D);
        // The kernel's float32 update: terms ηA, ηB, ηC, ηD rounded, ≤ 6 further roundings per term, then the
        // errors of the weight and the activities it reads.
        const a = Math.abs(eta * A), b = Math.abs(eta * B), c = Math.abs(eta * C), d = Math.abs(eta * D);
        eW[j * L.nIn + i] = L.eW[j * L.nIn + i]! + 7 * U * (Math.abs(w) + Math.abs(x) * (a * Math.abs(y) + b) + c * Math.abs(y) + d)
          + (a * Math.abs(y) + b) * ex + (Math.abs(x) * a + c) * ey + a * ex * ey;
      }
    }
    offset += L.nIn * L.nOut;
    let m = 0, em = 0;
    for (let k = 0; k < W.length; k++) {
      m = Math.max(m, Math.abs(W[k]!));
      em = Math.max(em, eW[k]!);
    }
    scales.push(1 / m);
    scaleErrors.push(em / (m - em) + U);
    return { ...L, W, eW };
  });
  return { updated, scales, scaleErrors };
}

/** Splits flat [layer][out][in] weights into the reference's layers. */
function layersOf(flat: Float32Array): Layer[] {
  let at = 0;
  return [0, 1, 2].map((l) => {
    const nIn = SIZES[l]!, nOut = SIZES[l + 1]!;
    const W = Float64Array.from(flat.subarray(at, at + nIn * nOut));
    at += nIn * nOut;
    return { W, eW: new Float64Array(nIn * nOut), nIn, nOut };
  });
}

describe('car policy forward against a naive float64 reference', () => {
  // `uni`: the paper's lifetime-initial U(±0.1) weights. `coevolve`: initial weights from the genome, the output
  // layer's U(±1), so raw outputs reach ±2 and the update's post (raw, not the squashed action) matters.
  for (const init of ['uni', 'coevolve'] as const) {
    it(`Hebbian (${init}): conv → pool → FC, then one ABCD_lr update with max-abs normalisation, raw output as post`, () => {
      const spec: PolicySpec = { ...CAR_HEBBIAN, init };
      const layout = genomeLayout(CAR_NET, spec);
      const genome = new Float32Array(layout.size);
      const rng = RandomStream.of(11, init === 'uni' ? 0 : 1);
      rng.fillNormal(genome, 0, 1);
      // Quarter-size conv weights keep the features' float32 error (and so every bound below) small.
      const conv = genome.subarray(layout.size - 1362);
      for (let k = 0; k < conv.length; k++) conv[k] = conv[k]! / 4;
      const initial = new Float32Array(91_328);
      if (init === 'coevolve') {
        const start = layout.segments.find((s) => s.kind === 'initialWeights')!.offset;
        expect(start).toBe(456_640);
        rng.fillUniform(initial.subarray(0, 91_136), -0.1, 0.1);
        rng.fillUniform(initial.subarray(91_136), -1, 1);
        genome.set(initial, start);
      } else {
        // The lifetime's initial weights: one U(−0.1, 0.1) draw from the policy stream over all synapses.
        RandomStream.of(12, 3).fillUniform(initial, -0.1, 0.1);
      }
      const policy = makePolicy(CAR_NET, spec, genome) as CarPolicy;
      expect(policy).toBeInstanceOf(CarPolicy);
      policy.reset(RandomStream.of(12, 3));
      const layers = layersOf(initial);

      // Step 1: no update yet; the initial weights are not normalised.
      const x1 = pixels(1);
      const acts1 = forwardFc(layers, naiveCarConv(conv, x1, 'probable'), [1, 1, 1], [0, 0, 0]);
      const action1 = policy.act(x1).slice();
      expectWithin(policy.rawOutputs(), acts1[3]!);
      expectActions(action1, acts1[3]!);

      // Step 2 runs on the updated, normalised weights.
      const x2 = pixels(2);
      const features2 = naiveCarConv(conv, x2, 'probable');
      const { updated, scales, scaleErrors } = hebbianUpdate(layers, acts1, genome, 'raw');
      const acts2 = forwardFc(updated, features2, scales, scaleErrors);
      const action2 = policy.act(x2);
      expectWithin(policy.rawOutputs(), acts2[3]!);
      expectActions(action2, acts2[3]!);
      expect(policy.finite()).toBe(true);

      // The bounds discriminate: without normalisation, or (with large raw outputs) with the squashed action as the
      // last layer's post, the reference lands outside them.
      const outside = (other: Bounded): boolean => Array.from(other.value).some((v, k) => Math.abs(policy.rawOutputs()[k]! - v) > acts2[3]!.bound[k]!);
      expect(outside(forwardFc(updated, features2, [1, 1, 1], [0, 0, 0])[3]!)).toBe(true);
      if (init === 'coevolve') {
        expect(Math.max(...Array.from(acts1[3]!.value, Math.abs))).toBeGreaterThan(1);
        const squashed = hebbianUpdate(layers, acts1, genome, 'squashed');
        expect(outside(forwardFc(squashed.updated, features2, squashed.scales, squashed.scaleErrors)[3]!)).toBe(true);
      }

      // The weights the second pass used are the normalised ones: max |w| = 1 in every layer.
      const used = new Float32Array(91_328);
      policy.snapshotWeights(used);
      let from = 0;
      updated.forEach((L, l) => {
        const part = used.subarray(from, from + L.W.length);
        from += L.W.length;
        expect(Math.max(...Array.from(part, Math.abs))).toBeCloseTo(1, 6);
        for (let k = 0; k < part.length; k += 997) expect(Math.abs(part[k]! - L.W[k]! * scales[l]!)).toBeLessThanOrEqual(L.eW[k]! * scales[l]! * 2 + 1e-6);
      });
    });
  }

  it('static: conv weights first, then the FC weights [out][in]; no state between steps', () => {
    const layout = genomeLayout(CAR_NET, { kind: 'static' });
    const genome = initialCentre(CAR_NET, layout, RandomStream.of(21));
    // Larger conv weights than the init, so the features are not all near zero.
    for (let k = 0; k < 1362; k++) genome[k] = genome[k]! * 8;
    const policy = makePolicy(CAR_NET, { kind: 'static' }, genome);
    policy.reset(RandomStream.of(1));
    let at = 1362;
    const layers: Layer[] = [0, 1, 2].map((l) => {
      const nIn = SIZES[l]!, nOut = SIZES[l + 1]!;
      const W = Float64Array.from(genome.subarray(at, at + nIn * nOut));
      at += nIn * nOut;
      return { W, eW: new Float64Array(nIn * nOut), nIn, nOut };
    });
    for (const seed of [3, 4, 3]) {
      const x = pixels(seed);
      const acts = forwardFc(layers, naiveCarConv(genome, x, 'probable'), [1, 1, 1], [0, 0, 0]);
      expectActions(policy.act(x), acts[3]!);
    }
    expect(policy.finite()).toBe(true);
  });

  it('a reused policy (a worker loads one genome after another) acts exactly as a fresh one', () => {
    const layout = genomeLayout(CAR_NET, CAR_HEBBIAN);
    const genomeA = initialCentre(CAR_NET, layout, RandomStream.of(31));
    const genomeB = initialCentre(CAR_NET, layout, RandomStream.of(32));
    const lifetime = (policy: CarPolicy): number[] => {
      policy.reset(RandomStream.of(33, 1));
      return [1, 2, 3, 4].flatMap((seed) => Array.from(policy.act(pixels(seed))));
    };
    const reused = makePolicy(CAR_NET, CAR_HEBBIAN, genomeB) as CarPolicy;
    const fromB = lifetime(reused);
    reused.load(genomeA);
    const fresh = lifetime(makePolicy(CAR_NET, CAR_HEBBIAN, genomeA) as CarPolicy);
    expect(lifetime(reused)).toEqual(fresh);
    expect(fresh).not.toEqual(fromB);
  });

  it('rejects a pixel input of the wrong size, naming the expected size', () => {
    const layout = genomeLayout(CAR_NET, { kind: 'static' });
    const policy = makePolicy(CAR_NET, { kind: 'static' }, new Float32Array(layout.size));
    expect(() => policy.act(new Float32Array(648))).toThrow(/21168 values/);
  });
});
