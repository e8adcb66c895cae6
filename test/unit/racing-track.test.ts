import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/core/random';
import { TRACK_DETAIL_STEP, TRACK_WIDTH } from '../../src/core/envs/racing/constants';
import { closeLoop, generateTrack, kerbFlags } from '../../src/core/envs/racing/track';

describe('racing track generation (docs/METHOD.md#track-generation)', () => {
  it('tile counts over 300 seeds match the reference distribution (mean 292, sd 23, range 217–372)', () => {
    const counts: number[] = [];
    for (let s = 0; s < 300; s++) counts.push(generateTrack(RandomStream.of(1000 + s)).tileCount);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1));
    // Standard error of the mean at sd 23 over 300 tracks is 1.3; 4 SE allows 5.3 tiles.
    expect(Math.abs(mean - 292)).toBeLessThan(5.5);
    expect(sd).toBeGreaterThan(16);
    expect(sd).toBeLessThan(30);
    expect(Math.min(...counts)).toBeGreaterThan(190);
    expect(Math.max(...counts)).toBeLessThan(400);
  });

  it('closes within one detail step and is a pure function of the seed', () => {
    for (let s = 0; s < 20; s++) {
      const t = generateTrack(RandomStream.of(s));
      const p = t.points;
      const n = t.tileCount;
      const b0 = p[1]!;
      const gap = Math.hypot(Math.cos(b0) * (p[2]! - p[4 * n - 2]!), Math.sin(b0) * (p[3]! - p[4 * n - 1]!));
      expect(gap).toBeLessThanOrEqual(TRACK_DETAIL_STEP);
      expect(generateTrack(RandomStream.of(s))).toEqual(t);
    }
  });

  it('tile 0 joins point 0 to the last point, ±half-width along the normal (cos β, sin β)', () => {
    const t = generateTrack(RandomStream.of(7));
    const p = t.points;
    const n = t.tileCount;
    const [b0, x0, y0] = [p[1]!, p[2]!, p[3]!];
    const [bl, xl, yl] = [p[4 * n - 3]!, p[4 * n - 2]!, p[4 * n - 1]!];
    const expected = [
      x0 - TRACK_WIDTH * Math.cos(b0), y0 - TRACK_WIDTH * Math.sin(b0),
      x0 + TRACK_WIDTH * Math.cos(b0), y0 + TRACK_WIDTH * Math.sin(b0),
      xl + TRACK_WIDTH * Math.cos(bl), yl + TRACK_WIDTH * Math.sin(bl),
      xl - TRACK_WIDTH * Math.cos(bl), yl - TRACK_WIDTH * Math.sin(bl),
    ];
    for (let k = 0; k < 8; k++) expect(t.tiles[k]).toBeCloseTo(expected[k]!, 12);
    expect(Array.from(t.tileColours.slice(0, 9))).toEqual(
      [0.4, 0.4, 0.4, 0.41, 0.41, 0.41, 0.42, 0.42, 0.42].map(Math.fround),
    );
  });

  it('kerbs: 4 same-signed steps sharper than 0.062 flag that point and the 3 before it', () => {
    // betas: flat, then steps of 0.1 at indices 5..9 (differences at i = 5..9), then flat.
    const betas = [0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    // Point i qualifies iff differences at i, i−1, i−2, i−3 all exceed 0.062: i = 8 and 9. Spread back 3: 5..9.
    expect(Array.from(kerbFlags(betas))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    // Mixed signs do not count; small steps do not count.
    expect(Array.from(kerbFlags([0, 0.1, 0, 0.1, 0, 0.1, 0, 0]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(kerbFlags([0, 0.05, 0.1, 0.15, 0.2, 0.2]))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('closes the loop between the last two passes through the start angle −π/12 (gym keeps track[i1 : i2−1])', () => {
    // Alphas pass through −π/12 upwards at i = 2, 5 and 8 (−1 → 0, −1 → 0.5, −1 → 0): i2 = 8, i1 = 5 ⇒ points 5, 6.
    const alphas = [0, -1, 0, 1, -1, 0.5, 2, -1, 0, 3];
    const march = (x6: number): number[] => alphas.flatMap((a, i) => [a, 0, i === 6 ? x6 : 0, 0]);
    const kept = closeLoop(march(1));
    expect(kept && Array.from(kept)).toEqual([0.5, 0, 0, 0, 2, 0, 1, 0]);
    // Ends 4 apart along the first point's normal (cos β0, sin β0) = (1, 0): more than a detail step ⇒ rejected.
    expect(closeLoop(march(4))).toBeNull();
    // One pass only ⇒ no lap ⇒ rejected.
    expect(closeLoop([0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });

  it('kerbs wrap like gym\'s in-place spread over Python\'s negative indices: a flag at point 0 cascades on', () => {
    // Differences 0.1 at i = 17, 18, 19 and 0 (β0 − β19, across the wrap), one −0.4 jump at i = 8: only point 0
    // qualifies. gym spreads in place for i = 0, 1, …: i = 0 sets 19, 18, 17; reaching i = 17, 18, 19 later it
    // spreads again, down to 14. (Python run of gym's loops on these betas: [0, 14, 15, 16, 17, 18, 19].)
    const betas = [0, 0, 0, 0, 0, 0, 0, 0, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.4, -0.3, -0.2, -0.1];
    const flagged = Array.from(kerbFlags(betas)).flatMap((f, i) => (f ? [i] : []));
    expect(flagged).toEqual([0, 14, 15, 16, 17, 18, 19]);
  });
});
