/**
 * CarRacing-v0 track generation (gym 0.17.2 `_create_track`, docs/METHOD.md#track-generation): 12 jittered checkpoints, a march that
 * steers toward them for up to 2 500 steps of 3.5, one lap cut out between the last two passes through the start
 * angle, rejection if the ends do not meet, kerbs on sustained hard turns. A pure function of the random stream.
 */
import type { RandomStream } from '../../random';
import {
  BORDER, BORDER_MIN_COUNT, CHECKPOINTS, ROAD_COLOR, SCALE, TRACK_DETAIL_STEP, TRACK_RAD, TRACK_TURN_RATE, TRACK_WIDTH,
} from './constants';
import type { Track } from './scene';

const MARCH_LIMIT = 2500;
/** gym retries forever; a track that fails this often means a broken stream, not bad luck (~10 % fail each). */
const MAX_ATTEMPTS = 200;
const START_ALPHA = (2 * Math.PI * -0.5) / CHECKPOINTS;

/** Generates a track, regenerating from the same stream on rejection, as gym's reset does. */
export function generateTrack(rng: RandomStream): Track {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const points = tryCentreLine(rng);
    if (points) return buildTrack(points);
  }
  throw new Error(`racing track: ${MAX_ATTEMPTS} rejected attempts in a row`);
}

/** One attempt: the closed centre line as (alpha, beta, x, y) per point, or null when gym would regenerate. */
export function tryCentreLine(rng: RandomStream): Float64Array | null {
  const cpAlpha = new Float64Array(CHECKPOINTS);
  const cpX = new Float64Array(CHECKPOINTS);
  const cpY = new Float64Array(CHECKPOINTS);
  for (let c = 0; c < CHECKPOINTS; c++) {
    let alpha = (2 * Math.PI * c) / CHECKPOINTS + rng.uniform(0, (2 * Math.PI) / CHECKPOINTS);
    let rad = rng.uniform(TRACK_RAD / 3, TRACK_RAD);
    if (c === 0) {
      alpha = 0;
      rad = 1.5 * TRACK_RAD;
    }
    if (c === CHECKPOINTS - 1) {
      alpha = (2 * Math.PI * c) / CHECKPOINTS;
      rad = 1.5 * TRACK_RAD;
    }
    cpAlpha[c] = alpha;
    cpX[c] = rad * Math.cos(alpha);
    cpY[c] = rad * Math.sin(alpha);
  }
  const march: number[] = [];
  let x = 1.5 * TRACK_RAD;
  let y = 0;
  let beta = 0;
  let destI = 0;
  let laps = 0;
  let visitedOtherSide = false;
  for (let left = MARCH_LIMIT; ; ) {
    let alpha = Math.atan2(y, x);
    if (visitedOtherSide && alpha > 0) {
      laps++;
      visitedOtherSide = false;
    }
    if (alpha < 0) {
      visitedOtherSide = true;
      alpha += 2 * Math.PI;
    }
    // Advance to the first checkpoint not behind us; after a full fruitless cycle look one turn back.
    for (;;) {
      let failed = true;
      for (;;) {
        if (alpha <= cpAlpha[destI % CHECKPOINTS]!) {
          failed = false;
          break;
        }
        destI++;
        if (destI % CHECKPOINTS === 0) break;
      }
      if (!failed) break;
      alpha -= 2 * Math.PI;
    }
    const d = destI % CHECKPOINTS;
    const r1x = Math.cos(beta);
    const r1y = Math.sin(beta);
    const proj = (r1x * (cpX[d]! - x) + r1y * (cpY[d]! - y)) * SCALE;
    while (beta - alpha > 1.5 * Math.PI) beta -= 2 * Math.PI;
    while (beta - alpha < -1.5 * Math.PI) beta += 2 * Math.PI;
    const prevBeta = beta;
    if (proj > 0.3) beta -= Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    if (proj < -0.3) beta += Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    x += -r1y * TRACK_DETAIL_STEP;
    y += r1x * TRACK_DETAIL_STEP;
    march.push(alpha, prevBeta * 0.5 + beta * 0.5, x, y);
    if (laps > 4) break;
    if (--left === 0) break;
  }
  return closeLoop(march);
}

/** Cuts the lap between the last two passes through the start angle; null if absent or the ends do not meet. */
export function closeLoop(march: readonly number[]): Float64Array | null {
  let i1 = -1;
  let i2 = -1;
  for (let i = march.length / 4 - 1; ; i--) {
    if (i <= 0) return null;
    const through = march[4 * i]! > START_ALPHA && march[4 * (i - 1)]! <= START_ALPHA;
    if (through && i2 === -1) i2 = i;
    else if (through) {
      i1 = i;
      break;
    }
  }
  const points = Float64Array.from(march.slice(4 * i1, 4 * (i2 - 1)));
  const n = points.length / 4;
  if (n < 2) return null;
  const b0 = points[1]!;
  const gap = Math.hypot(Math.cos(b0) * (points[2]! - points[4 * n - 2]!), Math.sin(b0) * (points[3]! - points[4 * n - 1]!));
  return gap > TRACK_DETAIL_STEP ? null : points;
}

/** Kerb flags from the betas: 4 same-signed turns sharper than 0.2·turn rate in a row, spread 3 points back. */
export function kerbFlags(betas: ArrayLike<number>): Uint8Array {
  const n = betas.length;
  const at = (i: number): number => betas[((i % n) + n) % n]!;
  const border = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let good = true;
    let oneSide = 0;
    for (let k = 0; k < BORDER_MIN_COUNT; k++) {
      const d = at(i - k) - at(i - k - 1);
      good &&= Math.abs(d) > TRACK_TURN_RATE * 0.2;
      oneSide += Math.sign(d);
    }
    border[i] = good && Math.abs(oneSide) === BORDER_MIN_COUNT ? 1 : 0;
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < BORDER_MIN_COUNT; k++) if (border[i]) border[(i - k + n) % n] = 1;
  return border;
}

/** Tiles (tile i joins point i and point i−1, tile 0 the last point), their colours, and the kerbs. */
export function buildTrack(points: Float64Array): Track {
  const n = points.length / 4;
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) betas[i] = points[4 * i + 1]!;
  const border = kerbFlags(betas);
  const tiles = new Float64Array(8 * n);
  const tileColours = new Float32Array(3 * n);
  const kerbIdx: number[] = [];
  for (let i = 0; i < n; i++) if (border[i]) kerbIdx.push(i);
  const kerbs = new Float64Array(8 * kerbIdx.length);
  const kerbColours = new Float32Array(3 * kerbIdx.length);
  const quad = (out: Float64Array, o: number, i: number, inner: number, outer: number): void => {
    const j = (i - 1 + n) % n;
    const [b1, x1, y1] = [points[4 * i + 1]!, points[4 * i + 2]!, points[4 * i + 3]!];
    const [b2, x2, y2] = [points[4 * j + 1]!, points[4 * j + 2]!, points[4 * j + 3]!];
    out[o] = x1 + inner * Math.cos(b1);
    out[o + 1] = y1 + inner * Math.sin(b1);
    out[o + 2] = x1 + outer * Math.cos(b1);
    out[o + 3] = y1 + outer * Math.sin(b1);
    out[o + 4] = x2 + outer * Math.cos(b2);
    out[o + 5] = y2 + outer * Math.sin(b2);
    out[o + 6] = x2 + inner * Math.cos(b2);
    out[o + 7] = y2 + inner * Math.sin(b2);
  };
  for (let i = 0; i < n; i++) {
    quad(tiles, 8 * i, i, -TRACK_WIDTH, TRACK_WIDTH);
    const c = 0.01 * (i % 3);
    for (let k = 0; k < 3; k++) tileColours[3 * i + k] = ROAD_COLOR[k]! + c;
  }
  kerbIdx.forEach((i, m) => {
    const side = Math.sign(betas[(i - 1 + n) % n]! - betas[i]!);
    quad(kerbs, 8 * m, i, side * TRACK_WIDTH, side * (TRACK_WIDTH + BORDER));
    const red = i % 2 === 1;
    kerbColours.set(red ? [1, 0, 0] : [1, 1, 1], 3 * m);
  });
  return { tileCount: n, points, tiles, tileColours, kerbs, kerbColours, kerbCount: kerbIdx.length };
}
