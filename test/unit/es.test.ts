import { describe, expect, it } from 'vitest';
import type { EsConfigInput } from '../../src/core/config';
import {
  ask, candidateParams, centredRanks, createNoiseTable, decodeEsState, encodeEsState, ES_STATE_FORMAT_VERSION,
  ES_VARIANTS, fillNoise, init, l2Penalty, tell, type EsState, type NoiseTable,
} from '../../src/core/es';
import { RandomStream } from '../../src/core/random';
import { encodeBlob } from '../../src/core/binary';

const TABLE_SIZE = 1 << 20;
const noise = createNoiseTable(0, TABLE_SIZE);

function optimise(config: EsConfigInput, theta0: Float32Array, f: (x: Float32Array) => number, generations: number, table: NoiseTable = noise): EsState {
  let state = init({ noiseTableSize: table.size, noiseSeed: table.seed, ...config }, theta0);
  const buf = new Float32Array(theta0.length);
  for (let g = 0; g < generations; g++) {
    const fitness = ask(state).map((c) => f(candidateParams(state, table, c, buf)));
    state = tell(state, fitness, table);
  }
  return state;
}

const sphere = (x: Float32Array): number => x.reduce((s, v) => s + v * v, 0);

/** A 30-D ellipsoid with condition number 10³ in a random rotated basis (Householder products). */
function rotatedEllipsoid(D: number, condition: number): (x: Float32Array) => number {
  const rng = RandomStream.of(5);
  const R: number[][] = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)));
  for (let h = 0; h < D; h++) {
    const v = Array.from({ length: D }, () => rng.normal());
    const n = Math.hypot(...v);
    for (const row of R) {
      const d = row.reduce((s, r, k) => s + (r * v[k]!) / n, 0);
      for (let k = 0; k < D; k++) row[k]! -= (2 * d * v[k]!) / n;
    }
  }
  return (x) => R.reduce((s, row, i) => s + condition ** (i / (D - 1)) * row.reduce((y, r, k) => y + r * x[k]!, 0) ** 2, 0);
}

/** Per-variant settings: SGD with the paper's own hyper-parameters (docs/METHOD.md#es-hyper-parameters); Adam with a smaller step. */
const settings: Record<string, { sphere: EsConfigInput; ellipsoid: EsConfigInput; sphereTol: number; ellipsoidTol: number }> = {
  sgd: { sphere: { popSize: 100 }, ellipsoid: { popSize: 100 }, sphereTol: 0.05, ellipsoidTol: 0.2 },
  adam: {
    sphere: { popSize: 100, optimizer: 'adam', lr: 0.05, lrDecay: 0.99, sigmaDecay: 0.99, sigmaFloor: 0, lrFloor: 0 },
    ellipsoid: { popSize: 100, optimizer: 'adam', lr: 0.05, sigma: 0.05, lrDecay: 0.995, sigmaDecay: 0.995, sigmaFloor: 0, lrFloor: 0 },
    sphereTol: 1e-3,
    ellipsoidTol: 0.01,
  },
};

describe.each(ES_VARIANTS)('OpenAI-ES contract: %s', (variant) => {
  const s = settings[variant]!;

  it.each([1, 2])('minimises a 100-D sphere from f = 100 to below the tolerance in 500 generations (seed %d)', (seed) => {
    const state = optimise({ ...s.sphere, seed }, new Float32Array(100).fill(1), (x) => -sphere(x), 500);
    expect(sphere(state.theta)).toBeLessThan(s.sphereTol);
  });

  it.each([1, 2])('minimises a rotated 30-D ellipsoid (condition 1e3) in 1000 generations (seed %d)', (seed) => {
    const f = rotatedEllipsoid(30, 1e3);
    const start = new Float32Array(30).fill(1);
    const state = optimise({ ...s.ellipsoid, seed }, start, (x) => -f(x), 1000);
    expect(f(start)).toBeGreaterThan(100);
    expect(f(state.theta)).toBeLessThan(s.ellipsoidTol);
  });

  it('round-trips its state through bytes, and the resumed run equals the uninterrupted one', () => {
    const config = { ...s.sphere, popSize: 20, seed: 3 };
    const f = (x: Float32Array): number => -sphere(x);
    const straight = optimise(config, new Float32Array(50).fill(1), f, 10);
    let state = optimise(config, new Float32Array(50).fill(1), f, 5);
    const bytes = encodeEsState(state);
    state = decodeEsState(bytes);
    expect(encodeEsState(state)).toEqual(bytes);
    const buf = new Float32Array(50);
    for (let g = 0; g < 5; g++) state = tell(state, ask(state).map((c) => f(candidateParams(state, noise, c, buf))), noise);
    expect(state.generation).toBe(10);
    expect(state.lr).toBe(straight.lr);
    expect(state.sigma).toBe(straight.sigma);
    expect(Array.from(state.theta)).toEqual(Array.from(straight.theta));
  });

  it('is a pure function of its seed: same seed, same run; another seed, another run', () => {
    const config = { ...s.sphere, popSize: 10 };
    const run = (seed: number): number[] => Array.from(optimise({ ...config, seed }, new Float32Array(20).fill(1), (x) => -sphere(x), 5).theta);
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });
});

describe('OpenAI-ES details (docs/METHOD.md#evolution-strategy)', () => {
  it('samples mirrored pairs, interleaved: candidates 2k and 2k+1 share an offset with opposite signs', () => {
    const state = init({ popSize: 8, noiseTableSize: TABLE_SIZE }, new Float32Array(10));
    const c = ask(state);
    expect(c).toHaveLength(8);
    for (let k = 0; k < 4; k++) {
      expect(c[2 * k]).toMatchObject({ index: 2 * k, sign: 1 });
      expect(c[2 * k + 1]).toMatchObject({ index: 2 * k + 1, sign: -1, offset: c[2 * k]!.offset });
      expect(c[2 * k]!.offset + 10).toBeLessThanOrEqual(TABLE_SIZE);
    }
    const x = candidateParams(state, noise, c[1]!, new Float32Array(10));
    expect(x[3]).toBeCloseTo(-0.1 * noise.data[c[1]!.offset + 3]!, 7);
  });

  it('applies θ ← θ + α/(Pσ)·Σ u_i ε_i with hand-computed centred, standardised ranks', () => {
    const table = createNoiseTable(7, 64);
    const theta0 = Float32Array.from([0.5, -0.25]);
    const state = init({ popSize: 4, lr: 0.2, sigma: 0.1, seed: 11, noiseSeed: 7, noiseTableSize: 64 }, theta0);
    const c = ask(state);
    // Fitness [3, 1, 4, 2] ranks as [2, 0, 3, 1]; u = r/3 − 1/2 = [1/6, −1/2, 1/2, −1/6]; std(u) = √5/6.
    const u = [1 / 6, -1 / 2, 1 / 2, -1 / 6].map((v) => v / (Math.sqrt(5) / 6));
    const next = tell(state, [3, 1, 4, 2], table);
    for (let j = 0; j < 2; j++) {
      const step = c.reduce((sum, cand, i) => sum + u[i]! * cand.sign * table.data[cand.offset + j]!, 0);
      expect(next.theta[j]).toBeCloseTo(theta0[j]! + (0.2 / (4 * 0.1)) * step, 6);
    }
    expect(next.generation).toBe(1);
  });

  it('shapes fitness to ±1.7234 for P = 200 and ±1.7286 for P = 500', () => {
    for (const [P, bound] of [[200, 1.7234], [500, 1.7286]] as const) {
      const u = centredRanks(Array.from({ length: P }, (_, i) => Math.sin(i * 7.1)));
      expect(Math.max(...u)).toBeCloseTo(bound, 4);
      expect(Math.min(...u)).toBeCloseTo(-bound, 4);
      expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    }
  });

  it('gives tied fitness values equal shaped values, and an all-equal population no step', () => {
    const u = centredRanks([5, 1, 5, 2]);
    expect(u[0]).toBe(u[2]);
    expect(Array.from(centredRanks([2, 2, 2, 2]))).toEqual([0, 0, 0, 0]);
  });

  it('decays α by 0.995 and σ by 0.999 per generation down to their floors', () => {
    const table = createNoiseTable(0, 16);
    let state = init({ popSize: 2, noiseTableSize: 16 }, new Float32Array(1));
    const seen: Record<number, [number, number]> = {};
    for (let g = 1; g <= 2400; g++) {
      state = tell(state, [1, 0], table);
      seen[g] = [state.lr, state.sigma];
    }
    // Closed form, and docs/METHOD.md#step-size-schedules: g=100 α=0.1211 σ=0.0905; g=300 0.0445, 0.0741; g=500 0.0163, 0.0606.
    for (const g of [100, 300, 500]) {
      expect(seen[g]![0]).toBeCloseTo(0.2 * 0.995 ** g, 12);
      expect(seen[g]![1]).toBeCloseTo(0.1 * 0.999 ** g, 12);
    }
    expect(seen[100]![0]).toBeCloseTo(0.1211, 3);
    expect(seen[100]![1]).toBeCloseTo(0.0905, 3);
    expect(seen[300]![0]).toBeCloseTo(0.0445, 3);
    expect(seen[300]![1]).toBeCloseTo(0.0741, 3);
    expect(seen[500]![0]).toBeCloseTo(0.0163, 3);
    expect(seen[500]![1]).toBeCloseTo(0.0606, 3);
    // "if α > floor: α ← 0.995·α": it stops at its first value at or below the floor.
    expect(state.lr).toBeLessThanOrEqual(0.001);
    expect(state.lr).toBeGreaterThan(0.001 * 0.995);
    expect(seen[1100]![0]).toBe(state.lr);
    expect(state.sigma).toBeLessThanOrEqual(0.01);
    expect(state.sigma).toBeGreaterThan(0.01 * 0.999);
  });

  it('computes the L2 penalty 0.01·mean(θ²) over the penalised range', () => {
    const p = Float32Array.from([1, 2, 3, 100]);
    expect(l2Penalty(p, 0.01, 0, 3)).toBeCloseTo((0.01 * 14) / 3, 10);
    expect(l2Penalty(p, 0)).toBe(0);
  });

  it('rejects fitness of the wrong length or non-finite fitness, naming it', () => {
    const state = init({ popSize: 4, noiseTableSize: TABLE_SIZE }, new Float32Array(3));
    expect(() => tell(state, [1, 2, 3], noise)).toThrow(/fitness must have 4 values/);
    expect(() => tell(state, [1, Number.NaN, 3, 4], noise)).toThrow(/fitness\[1\]/);
  });

  it('refuses a noise table that does not match the config', () => {
    const state = init({ popSize: 4, noiseTableSize: 64 }, new Float32Array(3));
    expect(() => tell(state, [1, 2, 3, 4], noise)).toThrow(/does not match es.noiseSeed/);
  });
});

describe('noise table', () => {
  it('is a pure function of its seed, fillable in independent slices', () => {
    const whole = createNoiseTable(3, 1000).data;
    const parts = new Float32Array(1000);
    fillNoise(parts, 3, 400, 1000);
    fillNoise(parts, 3, 0, 400);
    expect(parts).toEqual(whole);
    expect(createNoiseTable(4, 1000).data).not.toEqual(whole);
  });

  it('holds standard normal values', () => {
    const d = noise.data;
    let sum = 0;
    let sq = 0;
    for (const v of d) {
      sum += v;
      sq += v * v;
    }
    expect(Math.abs(sum / d.length)).toBeLessThan(0.005);
    expect(Math.abs(sq / d.length - 1)).toBeLessThan(0.005);
  });

  it('lives in shared memory so workers can use it without copies', () => {
    expect(noise.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('ES state codec', () => {
  const state = init({ popSize: 4, optimizer: 'adam', noiseTableSize: TABLE_SIZE }, Float32Array.from([1, 2, 3]));

  it('rejects blobs that are not checkpoints, truncated, corrupt or from a newer format', () => {
    const bytes = encodeEsState(state);
    expect(() => decodeEsState(new Uint8Array([1, 2, 3]))).toThrow(/bad magic/);
    expect(() => decodeEsState(bytes.subarray(0, bytes.length - 8))).toThrow(/checksum mismatch/);
    const legacy = Uint8Array.from(bytes.subarray(0, bytes.length - 12)); // format 1: no checksum, so the structure is checked
    new DataView(legacy.buffer).setUint32(4, 1, true);
    expect(() => decodeEsState(legacy)).toThrow(/truncated/);
    const newer = Uint8Array.from(bytes);
    new DataView(newer.buffer).setUint32(4, ES_STATE_FORMAT_VERSION + 1, true);
    expect(() => decodeEsState(newer)).toThrow(/newer than this workbench supports/);
    const corrupt = Uint8Array.from(bytes);
    corrupt[13] = 0x7b; // '{' where a quote should be
    expect(() => decodeEsState(corrupt)).toThrow(/checksum mismatch/);
    const unflagged = Uint8Array.from(bytes); // clearing the checksum flag of a current-format blob is corruption too
    new DataView(unflagged.buffer).setUint32(4, ES_STATE_FORMAT_VERSION, true);
    expect(() => decodeEsState(unflagged)).toThrow(new RegExp(`checksum of a format-${ES_STATE_FORMAT_VERSION} blob is missing`));
  });

  it('keeps the documented layout: θ as float32 at the first 8-aligned offset after the header, then Adam m and v', () => {
    const bytes = encodeEsState({ ...state, optimizer: { t: 2, m: Float64Array.from([4, 5, 6]), v: Float64Array.from([7, 8, 9]) } });
    const view = new DataView(bytes.buffer);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('HBES');
    const thetaAt = (12 + view.getUint32(8, true) + 7) & ~7;
    expect([0, 1, 2].map((j) => view.getFloat32(thetaAt + 4 * j, true))).toEqual([1, 2, 3]);
    const mAt = (thetaAt + 12 + 7) & ~7;
    expect([0, 1, 2, 3, 4, 5].map((j) => view.getFloat64(mAt + 8 * j, true))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(bytes.length).toBe(mAt + 48 + 4); // + the CRC-32 trailer
  });

  it('names the invalid field of a tampered header', () => {
    const bytes = encodeEsState(state);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)).replace('"popSize":4', '"popSize":5');
    // Re-encoded with a valid checksum: the header's own validation must still catch the bad field.
    const theta = state.theta;
    const tampered = encodeBlob('HBES', ES_STATE_FORMAT_VERSION, JSON.parse(header), [theta, state.optimizer.m, state.optimizer.v]);
    expect(() => decodeEsState(tampered)).toThrow(/config\.popSize: must be even/);
  });
});
