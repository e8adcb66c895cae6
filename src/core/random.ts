/**
 * Seeded, counter-based randomness (Threefry-2x32-20, Salmon et al. 2011 — the generator JAX uses).
 *
 * Why counter-based: every random number is a pure function of (key, counter), so a stream keyed by
 * (run seed, generation, candidate, episode) gives the same numbers whichever worker draws them, in whatever
 * order, on every platform. Only 32-bit add / rotate / xor are used, which JavaScript computes exactly.
 * `Math.random` is banned from src/core by lint.
 */

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const SKEIN_PARITY = 0x1bd11bda;
const TWO_POW_32 = 4294967296;
const TWO_POW_NEG_32 = 1 / TWO_POW_32;
const TWO_POW_NEG_24 = 2 ** -24;
const TWO_POW_NEG_53 = 1 / 9007199254740992;

/** Threefry-2x32 with 20 rounds: encrypts the counter (c0, c1) under the key (k0, k1). Writes two uint32 words. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (SKEIN_PARITY ^ ks0 ^ ks1) >>> 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  for (let injection = 1; injection <= 5; injection++) {
    for (let r = 0; r < 4; r++) {
      const rot = ROTATIONS[((injection - 1) * 4 + r) & 7]!;
      x0 = (x0 + x1) | 0;
      x1 = (x1 << rot) | (x1 >>> (32 - rot));
      x1 ^= x0;
    }
    const ka = injection % 3 === 0 ? ks0 : injection % 3 === 1 ? ks1 : ks2;
    const kb = injection % 3 === 0 ? ks1 : injection % 3 === 1 ? ks2 : ks0;
    x0 = (x0 + ka) | 0;
    x1 = (x1 + kb + injection) | 0;
  }
  out[0] = x0;
  out[1] = x1;
}

/** Seeds are non-negative safe integers; split into two 32-bit words. */
function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${String(seed)}`);
  }
  return [seed % TWO_POW_32 >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
}

/** A 64-bit stream key as two uint32 words. */
export interface StreamKey {
  readonly k0: number;
  readonly k1: number;
}

const scratch = new Uint32Array(2);

/**
 * Derives a key for a sub-stream: key(seed, a, b, …) folds each path component into the key by encrypting it.
 * Distinct paths give independent streams; `streamKey(seed)` alone is the root.
 */
export function streamKey(seed: number, ...path: readonly number[]): StreamKey {
  let [k0, k1] = seedWords(seed);
  for (let depth = 0; depth < path.length; depth++) {
    const [lo, hi] = seedWords(path[depth]!);
    // Mix in the depth so that (a) and (a, 0) differ; hi carries components ≥ 2^32.
    threefry2x32(k0, k1, lo, (hi + Math.imul(depth + 1, 0x9e3779b9)) >>> 0, scratch);
    k0 = scratch[0]!;
    k1 = scratch[1]!;
  }
  return { k0, k1 };
}

/** Domain tags keep streams used for different purposes apart even with equal indices. */
export const Domain = {
  noiseTable: 1,
  esOffsets: 2,
  episode: 3,
  initialCentre: 4,
  /** Evolve & Merge: the k-means++ draws of the merge at (run seed, generation). */
  merge: 5,
  test: 99,
  recording: 100,
} as const;

/**
 * A sequential view of a counter-based stream. Position `n` of the stream is word (n mod 2) of block ⌊n/2⌋,
 * so any position can be reached by `seek` without drawing what comes before it.
 */
export class RandomStream {
  private readonly k0: number;
  private readonly k1: number;
  private block = 0; // next block counter (low word); the high word counts wraps
  private blockHi = 0;
  private readonly buf = new Uint32Array(2);
  private bufPos = 2;
  private spareNormal = 0;
  private hasSpare = false;

  constructor(key: StreamKey) {
    this.k0 = key.k0;
    this.k1 = key.k1;
  }

  static of(seed: number, ...path: readonly number[]): RandomStream {
    return new RandomStream(streamKey(seed, ...path));
  }

  /** Jumps to word `position` of the stream (discarding any cached normal). */
  seek(position: number): this {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`position must be a non-negative safe integer`);
    const block = Math.floor(position / 2);
    this.block = block % TWO_POW_32;
    this.blockHi = Math.floor(block / TWO_POW_32);
    this.bufPos = 2;
    this.hasSpare = false;
    if (position % 2 === 1) this.nextUint32();
    return this;
  }

  nextUint32(): number {
    if (this.bufPos === 2) {
      threefry2x32(this.k0, this.k1, this.block, this.blockHi, this.buf);
      this.block = (this.block + 1) >>> 0;
      if (this.block === 0) this.blockHi = (this.blockHi + 1) >>> 0;
      this.bufPos = 0;
    }
    return this.buf[this.bufPos++]!;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_NEG_53;
  }

  /** Uniform double in (0, 1]: safe for log(). */
  private nextOpenZero(): number {
    return (this.nextUint32() + 1) * TWO_POW_NEG_32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.nextDouble();
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias (rejection). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32]`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal by the Box–Muller transform; the second value of each pair is kept for the next call. */
  normal(mean = 0, std = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + std * this.spareNormal;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextOpenZero()));
    const theta = 2 * Math.PI * this.nextUint32() * TWO_POW_NEG_32;
    this.spareNormal = r * Math.sin(theta);
    this.hasSpare = true;
    return mean + std * r * Math.cos(theta);
  }

  /**
   * Fills `out` with U(lo, hi) values. A Float32Array holds only 24 significant bits, so each of its values takes
   * one 32-bit word (24 bits used) instead of nextDouble's two: half the generator work per lifetime reset.
   */
  fillUniform(out: Float32Array | Float64Array, lo: number, hi: number): void {
    const span = hi - lo;
    if (out instanceof Float32Array) {
      for (let i = 0; i < out.length; i++) out[i] = lo + span * (this.nextUint32() >>> 8) * TWO_POW_NEG_24;
    } else {
      for (let i = 0; i < out.length; i++) out[i] = lo + span * this.nextDouble();
    }
  }

  /** Fills `out` with N(mean, std²) values. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
  }
}
