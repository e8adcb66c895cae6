/**
 * The car's 2-D replay in Chromium against web mode: a tiny racing run trained by the real service, one lifetime
 * recorded, its replay opened. The track view shows the recorded track (road grey at tile centres, grass green off
 * the road, the car's red hull at its recorded position, touched tiles in their own colour); the network view's
 * pixels are the env's own observation of the frame (core's rasteriser + resample, decoded here from the stored
 * episode); scrubbing, stepping and the keys change the frame and its readouts; the traces are labelled.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK_WIDTH } from '../../src/core/envs/racing/constants';
import { pixelObserver } from '../../src/core/envs/racing/racing-env';
import { recordedFrame, recordedTrack } from '../../src/core/envs/racing/replay-frame';
import { HULL_X, HULL_Y, type Track } from '../../src/core/envs/racing/scene';
import type { Recording } from '../../src/core/rollout/lifetime';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import { ARTIFACTS, startWorkbench, type Workbench } from './harness';

let wb: Workbench;
let page: Page;
let recording: Recording;
let track: Track;
let episodeId: number;
let runId: number;

type Dataset = Record<string, string | undefined>;
const dataset = (): Promise<Dataset> => page.getByTestId('car-replay').evaluate((el) => ({ ...(el as unknown as { dataset: Dataset }).dataset }));
const showing = (frame: number): Promise<void> => page.locator(`[data-testid=car-replay][data-frame="${frame}"]`).waitFor({ timeout: 30_000 });
const text = async (id: string): Promise<string> => (await page.getByTestId(id).textContent())!.trim();

/** RGBA of canvas pixels (backing-store coordinates) of the element with this test id. */
async function pixels(testId: string, points: readonly (readonly [number, number])[]): Promise<number[][]> {
  return page.getByTestId(testId).evaluate((el, pts) => {
    const c = el as unknown as { getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const ctx = c.getContext('2d');
    return pts.map(([x, y]) => Array.from(ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data));
  }, points);
}

/** World point → track-view backing pixel, by the transform the view publishes (CSS px) and the device ratio (1). */
async function screen(x: number, y: number): Promise<[number, number]> {
  const [k, ox, oy] = (await dataset()).view!.split(',').map(Number) as [number, number, number];
  return [ox + k * x, oy - k * y];
}

/** Tile i's centre: the mean of its four corners. */
const tileCentre = (i: number): [number, number] => {
  const q = track.tiles;
  let x = 0, y = 0;
  for (let j = 0; j < 4; j++) { x += q[8 * i + 2 * j]! / 4; y += q[8 * i + 2 * j + 1]! / 4; }
  return [x, y];
};

/** The unit vector across tile i, from its left edge to its right (its first two corners). */
const across = (i: number): [number, number] => {
  const q = track.tiles;
  const ex = q[8 * i + 2]! - q[8 * i]!, ey = q[8 * i + 3]! - q[8 * i + 1]!;
  const len = Math.hypot(ex, ey);
  return [ex / len, ey / len];
};

const near = (p: readonly number[], rgb: readonly number[], tol = 6): boolean => rgb.every((v, c) => Math.abs(p[c]! - v) <= tol);
const ROAD = [102, 102, 102];
const TOUCHED = [79, 134, 217];
const GRASS = [[102, 204, 102], [102, 230, 102]];
const HULL = [204, 0, 0];

beforeAll(async () => {
  wb = await startWorkbench();
  const run = await wb.api<{ id: number }>('runs.create', {
    config: { name: 'car replay source', env: 'racing', generations: 1, seed: 7, es: { popSize: 4, noiseTableSize: 1 << 20 } },
  });
  for (let i = 0; i < 1200; i++) {
    const detail = await wb.api<{ run: { status: string } }>('runs.get', { id: run.id });
    if (detail.run.status === 'finished') break;
    if (detail.run.status === 'failed') throw new Error('the racing run failed');
    await new Promise((r) => setTimeout(r, 250));
  }
  // The whole lifetime (no early stop), weights every 50 steps (the car's default).
  const episode = await wb.api<{ id: number; envSteps: number }>('episodes.record', { runId: run.id, seed: 3 });
  episodeId = episode.id;
  runId = run.id;
  const { origin, searchParams } = new URL(wb.url);
  const res = await fetch(`${origin}/api/episodes.trajectory`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': searchParams.get('token')! }, body: JSON.stringify({ id: episodeId }),
  });
  recording = decodeRecording(new Uint8Array(await res.arrayBuffer()));
  track = recordedTrack(recording.car!);
  page = await wb.page();
  await page.goto(`${wb.url}#/episodes/${episodeId}`);
  await page.locator('[data-testid=car-replay][data-ready=true]').waitFor({ timeout: 60_000 });
}, 300_000);
afterAll(async () => {
  await page?.context().close();
  await wb?.close();
});

describe('car replay', () => {
  it('draws the recorded track from above: road at tile centres, grass off the road, the car at its recorded place', async () => {
    await showing(0);
    expect(await page.getByTestId('episode-meta').textContent()).toMatch(/tiles visited · \d+ steps/);
    // Every 10th tile's centre is road grey (untouched) or the touched colour (the reset step touched it).
    const tiles = Array.from({ length: Math.floor(track.tileCount / 10) }, (_, n) => 10 * n);
    const onRoad = await pixels('track-view', await Promise.all(tiles.map((i) => screen(...tileCentre(i)))));
    onRoad.forEach((p, n) => {
      const painted = recording.car!.paintedAt[tiles[n]!] === 0;
      if (!near(p, painted ? TOUCHED : ROAD)) expect.fail(`tile ${tiles[n]} centre is rgb(${p.slice(0, 3).join(',')}), not ${painted ? 'touched' : 'road'}`);
    });
    // Points 3 road half-widths out from a tile centre, across the road, and no closer than that to any tile: grass.
    const grassPoints: [number, number][] = [];
    for (let i = 5; i < track.tileCount && grassPoints.length < 12; i += 17) {
      const [cx, cy] = tileCentre(i);
      const [ux, uy] = across(i);
      const p: [number, number] = [cx + 2.5 * TRACK_WIDTH * ux, cy + 2.5 * TRACK_WIDTH * uy];
      const clear = Array.from({ length: track.tileCount }, (_, j) => tileCentre(j)).every(([x, y]) => Math.hypot(x - p[0], y - p[1]) > 2 * TRACK_WIDTH);
      if (clear) grassPoints.push(p);
    }
    expect(grassPoints.length).toBeGreaterThan(4);
    for (const p of await pixels('track-view', await Promise.all(grassPoints.map((g) => screen(...g)))))
      expect(GRASS.some((g) => near(p, g)), `rgb(${p.slice(0, 3).join(',')}) is not grass`).toBe(true);
  });

  /** The car state of frame f, as recorded. */
  const carAt = (f: number): Float64Array => recording.car!.carStates.subarray(f * recording.car!.carFloats, (f + 1) * recording.car!.carFloats);

  it("shows the network's picture of the frame, pixel for pixel the env's own observation, and the car where it was", async () => {
    const frame = Math.min(300, recording.envSteps);
    await page.getByTestId('scrubber').fill(String(frame));
    await showing(frame);
    await wb.shot(page, 'car-replay');
    expect(await text('readout-frame')).toBe(`${frame} / ${recording.envSteps}`);
    expect(await text('readout-step')).toBe(String(frame - 1));
    // The reference: core's observer on the recorded frame, turned into pixels here from its (c, x, y) layout.
    const observation = new Float32Array(recording.observationSize);
    pixelObserver()(recordedFrame(track, recording.car!, frame), observation);
    const shown = await page.getByTestId('network-view').evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      return { w: c.width, h: c.height, data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
    });
    expect([shown.w, shown.h]).toEqual([84, 84]);
    let differ = 0;
    for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) for (let c = 0; c < 3; c++) {
      if (shown.data[4 * (84 * y + x) + c] !== Math.round(observation[c * 84 * 84 + x * 84 + y]! * 255)) differ++;
    }
    expect(differ).toBe(0);
    // Shown crisp at 4×.
    const box = (await page.getByTestId('network-view').boundingBox())!;
    expect(Math.round(box.width)).toBeGreaterThanOrEqual(336);
    const style = (el: unknown): string => (globalThis as unknown as { getComputedStyle(e: unknown): { imageRendering: string } }).getComputedStyle(el).imageRendering;
    expect(await page.getByTestId('network-view').evaluate(style)).toBe('pixelated');

    // The hull's centre (inside its largest polygon) is drawn in the hull's red at the recorded position.
    const car = carAt(frame);
    const [hull] = await pixels('track-view', [await screen(car[HULL_X]!, car[HULL_Y]!)]);
    expect(near(hull!, HULL, 10), `hull centre is rgb(${hull!.slice(0, 3).join(',')})`).toBe(true);
    // Tiles touched by now are in the touched colour; those touched later (or never) are still road.
    const paintedAt = recording.car!.paintedAt;
    const byNow = [...paintedAt.keys()].filter((i) => paintedAt[i]! >= 0 && paintedAt[i]! <= frame);
    const notYet = [...paintedAt.keys()].filter((i) => paintedAt[i]! < 0 || paintedAt[i]! > frame).filter((_, n) => n % 7 === 0);
    expect(byNow.length).toBeGreaterThan(0);
    expect(await text('readout-tiles')).toBe(`${byNow.length} / ${track.tileCount}`);
    // Skip tiles under the car or its ring (a few units around it).
    const away = (i: number): boolean => Math.hypot(tileCentre(i)[0] - car[HULL_X]!, tileCentre(i)[1] - car[HULL_Y]!) > 12;
    // Sampled either side of the centre line: the path so far (drawn over the tiles) is thinner than their gap.
    const sides = (i: number): [number, number][] => {
      const [cx, cy] = tileCentre(i);
      const [ux, uy] = across(i);
      return [[cx - 0.5 * TRACK_WIDTH * ux, cy - 0.5 * TRACK_WIDTH * uy], [cx + 0.5 * TRACK_WIDTH * ux, cy + 0.5 * TRACK_WIDTH * uy]];
    };
    const touchedTiles = byNow.filter(away);
    const touched = await pixels('track-view', await Promise.all(touchedTiles.flatMap(sides).map((p) => screen(...p))));
    touchedTiles.forEach((tile, n) => {
      const [l, r] = [touched[2 * n]!, touched[2 * n + 1]!];
      expect(near(l, TOUCHED) || near(r, TOUCHED), `touched tile ${tile} is rgb(${l.slice(0, 3).join(',')}) / rgb(${r.slice(0, 3).join(',')})`).toBe(true);
    });
    const later = notYet.filter(away);
    const road = await pixels('track-view', await Promise.all(later.map((i) => screen(...tileCentre(i)))));
    road.forEach((p, n) => expect(near(p, ROAD), `untouched tile ${later[n]} is rgb(${p.slice(0, 3).join(',')})`).toBe(true));
  });

  it('changes frame and readouts by scrubbing, stepping, the keys and playing; the trace cursor follows', async () => {
    // Scrub latency: input event → frame drawn (track, network picture, readouts, heat-maps), script time.
    const latencies: number[] = [];
    for (const frame of [900, 17, 350, recording.envSteps, 0, 512].filter((f) => f <= recording.envSteps)) {
      latencies.push(await page.getByTestId('scrubber').evaluate((el, f) => {
        const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
        const t0 = performance.now();
        input.value = String(f);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        return performance.now() - t0;
      }, frame));
      await showing(frame);
    }
    console.log(`car scrub → frame shown (script): ${latencies.map((x) => x.toFixed(1)).join(', ')} ms`);
    expect(Math.max(...latencies)).toBeLessThan(100);
    await page.getByTestId('scrubber').fill('20');
    await showing(20);
    const cursorAt = (): Promise<string> => page.getByTestId('trace-cursor').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    const at20 = await cursorAt();
    const score20 = await text('readout-score');
    const expected = (f: number): string => {
      let s = 0;
      for (let i = 0; i < f; i++) s += recording.rewards[i]!;
      return s.toFixed(1);
    };
    expect(score20).toBe(expected(20));
    const a = recording.actions.subarray(19 * 3, 20 * 3);
    expect(await text('readout-gas')).toBe(a[1]!.toFixed(3));
    await page.getByTestId('step-forward').click();
    await showing(21);
    await page.getByTestId('track-view').focus(); // keys go to the page, not the scrubber
    await page.keyboard.press('ArrowRight');
    await showing(22);
    await page.keyboard.press('Shift+ArrowLeft');
    await showing(12);
    expect(await text('readout-step')).toBe('11');
    expect(await cursorAt()).not.toBe(at20);
    await page.keyboard.press(' ');
    await expect.poll(async () => Number((await dataset()).frame), { timeout: 10_000 }).toBeGreaterThan(20);
    await page.keyboard.press(' ');
    const stopped = Number((await dataset()).frame);
    await page.waitForTimeout(500);
    expect(Number((await dataset()).frame)).toBe(stopped);
  });

  it('labels the traces and their scales, and reads out the synapse under the cursor of the plastic layers', async () => {
    const labels = await page.getByTestId('action-traces').locator('svg text').allTextContents();
    for (const l of ['steer', 'gas', 'brake', 'score', 'frame (env step)', '-1', '0', '1', '0.5']) expect(labels).toContain(l);
    const readoutLabels = await page.getByTestId('car-readouts').locator('dt').allTextContents();
    expect(readoutLabels.map((l) => l.trim())).toEqual([
      'frame', 'policy step t', 'time (s)', 'score (Σ reward)', 'reward this step', 'tiles touched', 'speed (units/s)', 'steer (−1 … 1)', 'gas (0 … 1)', 'brake (0 … 1)',
    ]);
    // The heat-maps: three plastic layers, W1 at 2 px a synapse (scrolling sideways when the page is narrower).
    const frame = Math.min(120, recording.envSteps);
    await page.getByTestId('scrubber').fill(String(frame));
    await showing(frame);
    const [n0, n1, n2] = recording.layerSizes as number[];
    expect([n0, n1, n2]).toEqual([648, 128, 64]);
    const box = (await page.getByTestId('heatmap-0').boundingBox())!;
    expect(box.width).toBe(2 * n0!);
    const t = frame - 1;
    const snapshot = [...recording.weightSteps].filter((s) => s <= t).length - 1;
    const [post, pre] = [7, 100];
    const expected = recording.weights[snapshot * recording.synapses + post * n0! + pre]!;
    await page.getByTestId('heatmap-0').scrollIntoViewIfNeeded();
    const b = (await page.getByTestId('heatmap-0').boundingBox())!;
    await page.mouse.move(b.x + (pre + 0.5) * 2, b.y + (post + 0.5) * 2);
    await page.getByTestId('heatmap-hover').getByText(`W1 · post ${post} · pre ${pre} · w = ${expected.toFixed(4)} (t = ${recording.weightSteps[snapshot]})`).waitFor();
    await wb.shot(page, 'car-replay-weights');
  });

  it('follows the car in close-up when asked, and back to the whole track', async () => {
    const whole = (await dataset()).view;
    await page.getByTestId('follow').check();
    await expect.poll(async () => (await dataset()).view).not.toBe(whole);
    const f = Number((await dataset()).frame);
    const car = carAt(f);
    const [hull] = await pixels('track-view', [await screen(car[HULL_X]!, car[HULL_Y]!)]);
    expect(near(hull!, HULL, 10)).toBe(true);
    const [k] = (await dataset()).view!.split(',').map(Number);
    expect(k).toBeGreaterThan(Number(whole!.split(',')[0]) * 3);
    await page.getByTestId('track-view').screenshot({ path: join(ARTIFACTS, 'car-replay-follow.png') });
    await page.getByTestId('reset-view').click();
    await expect.poll(async () => (await dataset()).view).toBe(whole);
    // The whole lifetime's path and touched tiles, at the last frame (scripts/guide-screenshots.ts --car takes the docs' picture).
    await page.getByTestId('scrubber').fill(String(recording.envSteps));
    await showing(recording.envSteps);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'car-replay-end.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1260 } });
  });

  it("records a car lifetime from the run page's form, with no body to choose, and opens its replay", async () => {
    await page.goto(`${wb.url}#/runs/${runId}`);
    const form = page.getByTestId('record-form');
    await form.waitFor();
    expect(await form.locator('select[name=morphology]').count()).toBe(0);
    await form.locator('input[name=seed]').fill('5');
    await form.getByTestId('record').click();
    await page.locator('[data-testid=car-replay][data-ready=true]').waitFor({ timeout: 120_000 });
    expect(page.url()).not.toContain(`#/episodes/${episodeId}`);
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
