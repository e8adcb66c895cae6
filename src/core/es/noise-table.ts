/**
 * The shared noise table (Salimans et al. 2017): one long vector of N(0, 1) float32 values. Candidates are
 * described by an offset into it and a sign, never by their parameters, so workers exchange a few numbers per
 * candidate. The table lives in a SharedArrayBuffer (where the platform has one) and is a pure function of
 * (seed, size): entry pair (2p, 2p+1) is the Box–Muller transform of Threefry block p, so any slice can be
 * rebuilt independently — by every worker or every machine — with identical values.
 */
import { Domain, streamKey, threefry2x32 } from '../random';

export interface NoiseTable {
  readonly seed: number;
  readonly size: number;
  readonly data: Float32Array;
}

const TWO_PI = 2 * Math.PI;
const TWO_POW_NEG_32 = 1 / 4294967296;

/** Fills data[start, end) (start even) with the table's values. */
export function fillNoise(data: Float32Array, seed: number, start = 0, end = data.length): void {
  if (start % 2 !== 0) throw new RangeError('noise fill must start at an even index');
  const { k0, k1 } = streamKey(seed, Domain.noiseTable);
  const words = new Uint32Array(2);
  for (let i = start; i < end; i += 2) {
    const block = i / 2;
    threefry2x32(k0, k1, block >>> 0, Math.floor(block / 4294967296), words);
    const r = Math.sqrt(-2 * Math.log((words[0]! + 1) * TWO_POW_NEG_32));
    const theta = TWO_PI * words[1]! * TWO_POW_NEG_32;
    data[i] = r * Math.cos(theta);
    if (i + 1 < end) data[i + 1] = r * Math.sin(theta);
  }
}

/** Allocates (shared memory where available) and fills a noise table. */
export function createNoiseTable(seed: number, size: number): NoiseTable {
  if (!Number.isInteger(size) || size < 2) throw new RangeError('noise table size must be an integer ≥ 2');
  const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(size * 4) : new ArrayBuffer(size * 4);
  const data = new Float32Array(buffer);
  fillNoise(data, seed);
  return { seed, size, data };
}

/** Wraps a table received from another thread (no copy, no refill). */
export function noiseTableFromBuffer(seed: number, buffer: SharedArrayBuffer | ArrayBuffer): NoiseTable {
  const data = new Float32Array(buffer);
  return { seed, size: data.length, data };
}
