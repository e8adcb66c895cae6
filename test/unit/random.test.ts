import { describe, expect, it } from 'vitest';
import { RandomStream, streamKey, threefry2x32 } from '../../src/core/random';

describe('threefry2x32-20', () => {
  // Random123's known-answer vectors (kat_vectors), also used by JAX's test suite.
  const kat: [number, number, number, number, number, number][] = [
    [0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6b200159, 0x99ba4efe],
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7],
    [0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, 0xc4923a9c, 0x483df7a0],
  ];
  it.each(kat)('key (%d, %d) counter (%d, %d) matches Random123', (k0, k1, c0, c1, x0, x1) => {
    const out = new Uint32Array(2);
    threefry2x32(k0, k1, c0, c1, out);
    expect([out[0], out[1]]).toEqual([x0, x1]);
  });
});

describe('RandomStream', () => {
  it('gives the same sequence for the same key path and different ones otherwise', () => {
    const draw = (s: RandomStream): number[] => Array.from({ length: 8 }, () => s.nextUint32());
    expect(draw(RandomStream.of(7, 1, 2, 3))).toEqual(draw(RandomStream.of(7, 1, 2, 3)));
    const a = draw(RandomStream.of(7, 1, 2, 3));
    for (const other of [RandomStream.of(8, 1, 2, 3), RandomStream.of(7, 1, 2, 4), RandomStream.of(7, 1, 2), RandomStream.of(7, 1, 2, 3, 0)]) {
      expect(draw(other)).not.toEqual(a);
    }
  });

  it('keys paths by position: (a, b) differs from (b, a)', () => {
    expect(streamKey(1, 2, 3)).not.toEqual(streamKey(1, 3, 2));
  });

  it('accepts seeds above 2^32 and keeps them distinct from their low word', () => {
    expect(streamKey(2 ** 40 + 5)).not.toEqual(streamKey(5));
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => RandomStream.of(-1)).toThrow(/seed/);
    expect(() => RandomStream.of(1.5)).toThrow(/seed/);
    expect(() => streamKey(1, Number.NaN)).toThrow(/seed/);
  });

  it('seek(n) lands on the n-th word without drawing the ones before', () => {
    const seq = RandomStream.of(3);
    const words = Array.from({ length: 9 }, () => seq.nextUint32());
    for (let n = 0; n < 9; n++) expect(RandomStream.of(3).seek(n).nextUint32()).toBe(words[n]);
  });

  it('draws uniforms in [0,1) with the right mean and variance', () => {
    const s = RandomStream.of(11);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = s.nextDouble();
      sum += u;
      sq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    const mean = sum / n;
    // Standard errors: mean 1/sqrt(12n) ≈ 6.5e-4, variance ≈ 2e-4; allow 5 SE.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.3e-3);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(1e-3);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('draws normals with mean 0, variance 1 and Gaussian tails', () => {
    const s = RandomStream.of(12);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.012);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.016);
    // P(|z| > 2) = 0.0455 for a standard normal; SE ≈ 4.7e-4.
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.0025);
  });

  it('draws integers uniformly over [0, n)', () => {
    const s = RandomStream.of(13);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[s.nextInt(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => s.nextInt(0)).toThrow(/bound/);
  });

  it('fills arrays with the same values as repeated draws', () => {
    const a = new Float64Array(5);
    RandomStream.of(4).fillUniform(a, -0.1, 0.1);
    const s = RandomStream.of(4);
    expect(Array.from(a)).toEqual(Array.from({ length: 5 }, () => -0.1 + 0.2 * s.nextDouble()));
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
  });
});
