import { describe, expect, it } from 'vitest';
import { CAR_FLOATS, HULL_VY, TIME, type RaceFrame } from '../../src/core/envs/racing/scene';
import { MINUS, Rasteriser, scoreGlyphs } from '../../src/core/envs/racing/raster';
import { OBS_SIZE, resampleObservation } from '../../src/core/envs/racing/resample';

/** A car at the origin with no road; state filled by hand. */
function frame(edit: (car: Float64Array) => void): RaceFrame {
  const car = new Float64Array(CAR_FLOATS);
  car[TIME] = 1;
  edit(car);
  const track = { tileCount: 0, points: new Float64Array(0), tiles: new Float64Array(0), tileColours: new Float32Array(0), kerbs: new Float64Array(0), kerbColours: new Float32Array(0), kerbCount: 0 };
  return { track, car, painted: new Uint8Array(0) };
}
const px = (img: Uint8Array, row: number, col: number): number[] => Array.from(img.subarray((row * 96 + col) * 3, (row * 96 + col) * 3 + 3));

describe('racing rasteriser (docs/METHOD.md#rasteriser)', () => {
  it('grass away from the checks and the hull at the car centre (48, row 71)', () => {
    const img = new Rasteriser().render(frame(() => {}));
    // Pixel (10, row 10): world (−24.1, 31.6) at zoom 16.2: check column −2 but row 1 (odd) ⇒ plain grass.
    expect(px(img, 10, 10)).toEqual([102, 204, 102]);
    expect(px(img, 71, 48)).toEqual([204, 0, 0]);
  });
  it('speed bar: |v| = 50 ⇒ window 125..150 × 20..40 ⇒ cols 12–13, rows 91–93 white', () => {
    const img = new Rasteriser().render(frame((car) => { car[HULL_VY] = 50; }));
    for (const row of [91, 92, 93]) for (const col of [12, 13]) expect(px(img, row, col)).toEqual([255, 255, 255]);
    expect(px(img, 92, 14)).toEqual([0, 0, 0]);
    expect(px(img, 90, 12)).toEqual([0, 0, 0]);
  });
});

describe('score digits', () => {
  it('are Python\'s "%04i" of the reward, truncated toward zero', () => {
    const text = (score: number): string => {
      const out = new Uint8Array(16);
      return Array.from(out.subarray(0, scoreGlyphs(score, out)), (g) => (g === MINUS ? '-' : String(g))).join('');
    };
    // Expected values typed from Python: '%04i' % int(x).
    expect(text(0)).toBe('0000');
    expect(text(5.9)).toBe('0005');
    expect(text(926.8)).toBe('0926');
    expect(text(-0.5)).toBe('0000');
    expect(text(-5.2)).toBe('-005');
    expect(text(-99.9)).toBe('-099');
    expect(text(-1234)).toBe('-1234');
    expect(text(12345)).toBe('12345');
  });
});

describe('INTER_AREA resample (docs/METHOD.md#resample)', () => {
  const lcg = (seed: number): Uint8Array => {
    const img = new Uint8Array(96 * 96 * 3);
    let s = seed;
    for (let i = 0; i < img.length; i++) { s = (s * 1103515245 + 12345) % 2147483648; img[i] = s % 256; }
    return img;
  };

  it('matches a naive exact-overlap area filter, in swapaxes(0,2) order (c, x, y)', () => {
    const img = lcg(12345);
    const out = new Float32Array(3 * OBS_SIZE * OBS_SIZE);
    resampleObservation(img, out);
    const k = 96 / 84;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) {
      let sum = 0;
      for (let sy = 0; sy < 96; sy++) for (let sx = 0; sx < 96; sx++) {
        const oy = Math.max(0, Math.min(sy + 1, (y + 1) * k) - Math.max(sy, y * k));
        const ox = Math.max(0, Math.min(sx + 1, (x + 1) * k) - Math.max(sx, x * k));
        if (ox > 0 && oy > 0) sum += ox * oy * img[(sy * 96 + sx) * 3 + c]!;
      }
      const want = Math.round(sum / (k * k)) / 255;
      expect(Math.abs(out[c * 84 * 84 + x * 84 + y]! - want)).toBeLessThan(1.01 / 255);
    }
  });

  it('is the exact area average rounded half to even (cv::saturate_cast), ties included', () => {
    // In units of 1/84 of a source pixel every overlap is an integer: source pixel s spans [84s, 84s + 84), output
    // d spans [96d, 96d + 96). So the average is an exact fraction Σ oy·ox·p / 96², rounded here in integers.
    const overlap = (s: number, d: number): number => Math.max(0, Math.min(84 * s + 84, 96 * d + 96) - Math.max(84 * s, 96 * d));
    const flat = new Uint8Array(96 * 96 * 3).fill(255);
    const stripes = new Uint8Array(96 * 96 * 3).map((_, i) => (Math.floor(i / 3) % 2 === 0 ? 1 : 0) * 255); // alternate columns
    let ties = 0;
    for (const img of [lcg(12345), lcg(777), flat, stripes]) {
      const out = new Float32Array(3 * OBS_SIZE * OBS_SIZE);
      resampleObservation(img, out);
      for (let c = 0; c < 3; c++) for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) {
        let sum = 0;
        for (let sy = 0; sy < 96; sy++) for (let sx = 0; sx < 96; sx++) sum += overlap(sy, y) * overlap(sx, x) * img[(sy * 96 + sx) * 3 + c]!;
        let q = Math.floor(sum / 9216);
        const r2 = 2 * (sum - 9216 * q);
        if (r2 === 9216) ties++;
        if (r2 > 9216 || (r2 === 9216 && q % 2 === 1)) q++;
        const got = out[c * 84 * 84 + x * 84 + y]!;
        if (got !== Math.fround(q / 255)) expect({ c, x, y, got: got * 255 }).toEqual({ c, x, y, got: q });
      }
    }
    expect(ties).toBeGreaterThan(100); // the rounding of halves was exercised
  });
});
