import { describe, expect, it } from 'vitest';
import { divergingLut, episodeScale, heatmapScale, lutIndex, paintHeatmap, synapseAt } from '../../src/renderer/src/replay/heatmap';
import { Playback } from '../../src/renderer/src/replay/playback';

describe('replay clock', () => {
  it('runs in simulated real time at speed 1 and scales with the speed', () => {
    const p = new Playback(1001, 0.0165);
    p.play();
    expect(p.advance(1000)).toBe(60); // 1 s / 16.5 ms = 60.6 frames
    p.speed = 0.1;
    expect(p.advance(1000)).toBe(66); // + 6.06
    p.speed = 4;
    expect(p.advance(500)).toBe(187); // + 121.2 → 66.67 + 121.21
  });

  it('clamps the speed to [0.1, 4] and ignores non-numbers', () => {
    const p = new Playback(10, 0.01);
    p.speed = 100;
    expect(p.speed).toBe(4);
    p.speed = 0;
    expect(p.speed).toBe(0.1);
    p.speed = Number.NaN;
    expect(p.speed).toBe(0.1);
  });

  it('wraps around when looping and stops on the last frame otherwise', () => {
    const p = new Playback(10, 0.1);
    p.play();
    expect(p.advance(950)).toBe(9); // position 9.5: the last frame gets its time on screen
    expect(p.advance(100)).toBe(0); // 10.5 → wraps to 0.5
    p.loop = false;
    p.seek(8);
    p.play();
    expect(p.advance(500)).toBe(9);
    expect(p.playing).toBe(false);
    p.play(); // at the end, play starts over
    expect(p.frame).toBe(0);
  });

  it('steps and seeks within the episode; stepping pauses', () => {
    const p = new Playback(10, 0.1);
    p.play();
    expect(p.step(-1)).toBe(0);
    expect(p.playing).toBe(false);
    expect(p.seek(42)).toBe(9);
    expect(p.seek(3.4)).toBe(3);
    expect(p.step(1)).toBe(4);
    expect(p.advance(1000)).toBe(4); // paused
  });
});

describe('weight heat-maps', () => {
  const lut = divergingLut();

  it('maps −scale, 0 and +scale to the ends and the middle of the colour table, saturating beyond', () => {
    expect([-0.5, 0, 0.5, 2, -2].map((w) => lutIndex(w, 0.5))).toEqual([0, 128, 255, 255, 0]);
    // Blue for negative, dark for zero, orange for positive (RGBA little-endian: r in the low byte).
    const rgb = (c: number): number[] => [c & 255, (c >> 8) & 255, (c >> 16) & 255];
    expect(rgb(lut[0]!)).toEqual([88, 166, 255]);
    expect(rgb(lut[255]!)).toEqual([255, 158, 64]);
    const mid = rgb(lut[128]!);
    expect(Math.max(...mid)).toBeLessThan(40);
  });

  it('paints one pixel per synapse in storage order', () => {
    const w = Float32Array.from([-1, -0.25, 0, 0.25, 1, 3]);
    const pixels = new Uint32Array(6);
    paintHeatmap(pixels, w, 1, lut);
    expect(Array.from(pixels)).toEqual([0, 96, 128, 159, 255, 255].map((i) => lut[i]));
  });

  it("scales a lifetime by the 99th percentile of |w|, never below the initial weights' bound", () => {
    const ramp = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1) / 100); // |w| = 0.01 … 10
    expect(episodeScale([ramp.subarray(0, 500), ramp.subarray(500)])).toBeCloseTo(9.91, 5);
    expect(episodeScale([Float32Array.from([0.01, -0.02])])).toBe(0.1);
    expect(episodeScale([])).toBe(0.1);
  });
});

describe('heat-maps one can point at', () => {
  it('draws a layer about 400 px along its longer side, 2 to 8 px a synapse', () => {
    expect(heatmapScale(28, 128)).toBe(3); // the quadruped's W1: 400 / 128 = 3.1
    expect(heatmapScale(64, 8)).toBe(6); // W3: 400 / 64 = 6.25
    expect(heatmapScale(648, 128)).toBe(2); // the car's first plastic layer: never below 2
    expect(heatmapScale(10, 5)).toBe(8); // never above 8
  });

  it('finds the synapse under the cursor: columns are pre, rows post, outside is none', () => {
    // At 3 px a synapse, x 121 is in column 40 (120–122), y 17 in row 5 (15–17).
    expect(synapseAt(121, 17, 3, 128, 64)).toEqual({ post: 5, pre: 40 });
    expect(synapseAt(0, 0, 3, 128, 64)).toEqual({ post: 0, pre: 0 });
    expect(synapseAt(383.9, 191.9, 3, 128, 64)).toEqual({ post: 63, pre: 127 });
    expect(synapseAt(384, 10, 3, 128, 64)).toBeNull();
    expect(synapseAt(10, -1, 3, 128, 64)).toBeNull();
  });
});
