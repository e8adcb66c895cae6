import { describe, expect, it } from 'vitest';
import { CAR_CONV, ConvNet, convFeatureCount, convShapes, convWeightCount } from '../../src/core/nn/conv';
import { RandomStream } from '../../src/core/random';
import { KernelArena } from '../../src/core/nn/kernels';
import { naiveCarConv, SIMD_TANH_ERROR, type Bounded } from '../support/naive-car';

describe('car conv geometry', () => {
  it('84 → 82 → 41 → 19 → 9, 162 + 1 200 weights, 648 features', () => {
    const [a, b] = convShapes(CAR_CONV);
    expect([a!.convSize, a!.pooledSize, b!.convSize, b!.pooledSize]).toEqual([82, 41, 19, 9]);
    expect([a!.weightCount, b!.weightCount, a!.fanIn, b!.fanIn]).toEqual([162, 1200, 27, 150]);
    expect(convWeightCount(CAR_CONV)).toBe(1362);
    expect(convFeatureCount(CAR_CONV)).toBe(648);
  });

  it('names the offending field of a bad spec', () => {
    expect(() => convShapes({ channels: 3, size: 4, layers: [{ outChannels: 8, kernel: 5, stride: 1 }] })).toThrow(/conv\.layers\[0\]\.kernel/);
    expect(() => new ConvNet({ channels: 3, size: 20, layers: [{ outChannels: 6, kernel: 3, stride: 2 }] })).toThrow(/conv\.layers\[0\]\.outChannels must be a multiple of 8/);
    expect(() => convShapes({ channels: 0, size: 84, layers: [] })).toThrow(/conv\.channels/);
  });
});

describe('the kernels\' tanh', () => {
  it(`is within ${SIMD_TANH_ERROR} of Math.tanh on [−12, 12], odd, bounded by 1, and accurate for tiny inputs`, () => {
    const n = 240_000;
    const arena = new KernelArena(n + 8);
    const buf = arena.alloc(n);
    for (let k = 0; k < n; k++) buf.view[k] = -12 + (24 * k) / (n - 1);
    const x = buf.view.slice();
    expect(arena.kernels.tanhInPlace(buf.ptr, n)).toBe(12);
    let worst = 0, largest = 0, asymmetric = 0;
    for (let k = 0; k < n; k++) {
      const t = buf.view[k]!;
      worst = Math.max(worst, Math.abs(t - Math.tanh(x[k]!)));
      largest = Math.max(largest, Math.abs(t));
      if (t !== -buf.view[n - 1 - k]!) asymmetric++;
    }
    expect(worst).toBeLessThanOrEqual(SIMD_TANH_ERROR);
    expect(largest).toBe(1);
    expect(asymmetric).toBe(0);
    expect(worst).toBeGreaterThan(0); // it is an approximation: the bound is not vacuous
    for (let k = 0; k < 64; k++) buf.view[k] = Math.fround(1e-30 * 2.3 ** k);
    const tiny = buf.view.slice(0, 64);
    arena.kernels.tanhInPlace(buf.ptr, 64);
    for (let k = 0; k < 64; k++) expect(Math.abs(buf.view[k]! / Math.tanh(tiny[k]!) - 1)).toBeLessThan(1e-6);
  });

  it('reports a NaN or infinite input through its max |x|', () => {
    const arena = new KernelArena(16);
    const buf = arena.alloc(8);
    buf.view.set([0.5, -2, 3, 0, 1, 1, Number.NaN, 1]);
    expect(arena.kernels.tanhInPlace(buf.ptr, 8)).toBeNaN();
    buf.view.set([0.5, -2, 3, 0, -Infinity, 1, 1, 1]);
    expect(arena.kernels.tanhInPlace(buf.ptr, 8)).toBe(Infinity);
    expect(buf.view[4]).toBeCloseTo(-1, 6);
  });
});

/** Asserts every computed value lies within its float32 error bound of the float64 reference. */
function expectWithin(actual: Float32Array, expected: Bounded): void {
  expect(actual.length).toBe(expected.value.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) {
    const gap = Math.abs(actual[k]! - expected.value[k]!);
    if (!(gap <= expected.bound[k]!)) throw new Error(`feature ${k}: got ${actual[k]}, expected ${expected.value[k]} ± ${expected.bound[k]}`);
    worst = Math.max(worst, gap);
  }
  // The worst-case bound (≈ 4e-3 for N(0, 1) weights over 150 taps) is far below the O(0.1) differences a wrong
  // tap, stride, pool or flatten order gives.
  expect(Math.max(...expected.bound)).toBeLessThan(1e-2);
}

/** N(0, 1) conv weights and U(0, 1) pixels from one seed, loaded into a fresh ConvNet. */
function randomCase(seed: number): { weights: Float32Array; input: Float32Array; net: ConvNet } {
  const rng = RandomStream.of(seed, 40);
  const weights = new Float32Array(1362);
  rng.fillNormal(weights, 0, 1);
  const input = new Float32Array(3 * 84 * 84);
  rng.fillUniform(input, 0, 1);
  const net = new ConvNet(CAR_CONV);
  net.setWeights(weights);
  return { weights, input, net };
}

describe('car conv forward (WebAssembly) against a naive float64 loop', () => {
  for (const seed of [1, 2, 3]) {
    it(`random N(0,1) weights and U(0,1) pixels, seed ${seed}`, () => {
      const { weights, input, net } = randomCase(seed);
      const features = net.forward(input);
      expectWithin(features, naiveCarConv(weights, input, 'worst'));
      expect(net.finite).toBe(true);
      // Features span (−1, 1): the test sees saturated and unsaturated units, not a constant vector.
      expect(Math.max(...features)).toBeGreaterThan(0.5);
      expect(Math.min(...features)).toBeLessThan(-0.5);
    });
  }

  it('the pooling drops conv row and column 18 (floor) and reads rows/columns 0–17 in pairs', () => {
    // One conv-2 filter (output channel 5) that sees only a single input pixel of conv-1 channel 0 (tap kh = kw =
    // 0), with conv 1 an identity-like probe of input channel 2: a bright spot placed where only conv-2 position
    // (18, 18) — dropped by the floor — or (17, 17) — kept, in pooled (8, 8) — reads it.
    const weights = new Float32Array(1362);
    weights[0 * 27 + 2 * 9 + 0] = 1; // conv 1, out 0, in 2, kh 0, kw 0
    weights[162 + 5 * 150] = 1; // conv 2, out 5, in 0, kh 0, kw 0
    const net = new ConvNet(CAR_CONV);
    net.setWeights(weights);
    const spot = (a: number, b: number): Float32Array => {
      const x = new Float32Array(3 * 84 * 84);
      x[2 * 84 * 84 + a * 84 + b] = 1; // conv-1 position (a, b) then pooled (a/2, b/2)
      return x;
    };
    // conv-2 position (r, s) reads pooled-1 (2r, 2s); pooled-1 (u, v) covers conv-1 rows/cols 2u, 2u+1.
    const kept = net.forward(spot(4 * 17, 4 * 17 + 1)).slice();
    expect(kept[5 * 81 + 8 * 9 + 8]).toBeCloseTo(Math.tanh(Math.tanh(1)), 6);
    expect(kept.filter((v) => v !== 0).length).toBe(1);
    const dropped = net.forward(spot(4 * 18, 4 * 18));
    expect(Array.from(dropped).every((v) => v === 0)).toBe(true);
    // Flatten order c·81 + p·9 + q: a spot under conv-2 position (2, 7) lands in pooled (1, 3).
    const placed = net.forward(spot(4 * 2, 4 * 7)).slice();
    expect(placed[5 * 81 + 1 * 9 + 3]).toBeCloseTo(Math.tanh(Math.tanh(1)), 6);
    expect(placed.filter((v) => v !== 0).length).toBe(1);
  });

  it('the forward pass is exactly repeatable and a non-finite pixel is reported', () => {
    const { weights, input, net } = randomCase(9);
    const once = net.forward(input).slice();
    expect(net.forward(input)).toEqual(once);
    const back = new Float32Array(1362);
    net.readWeights(back);
    expect(back).toEqual(weights);
    input[5000] = Number.NaN;
    net.forward(input);
    expect(net.finite).toBe(false);
    expect(() => net.forward(new Float32Array(10))).toThrow(/21168 values/);
  });
});
