/**
 * The analysis page in Chromium against web mode, on small real runs: weight trajectories of a run's centre with
 * a damage preset (the figure draws its time-coloured points, starts, damage marks and spread; the CSV export
 * holds every snapshot), and the rule panel for one run and two side by side.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ARTIFACTS, startWorkbench, type Workbench } from './harness';
import { colourPixels } from './pixels';

let wb: Workbench;
let page: Page;
const ids: number[] = [];

beforeAll(async () => {
  wb = await startWorkbench();
  for (const seed of [1, 2]) {
    const { id } = await wb.api<{ id: number }>('runs.create', {
      config: { name: `analysis ${seed}`, morphologies: ['standard'], generations: 2, seed, es: { popSize: 4, noiseTableSize: 1 << 20 } },
    });
    ids.push(id);
  }
  for (const id of ids) {
    for (let t = Date.now(); (await wb.api<{ run: { status: string } }>('runs.get', { id })).run.status !== 'finished'; ) {
      if (Date.now() - t > 150_000) throw new Error(`run ${id} did not finish`);
      await new Promise((ok) => setTimeout(ok, 250));
    }
  }
  page = await wb.page();
}, 300_000);
afterAll(async () => {
  await page?.context().close();
  await wb?.close();
});

describe('analysis page', () => {
  it('draws the weight trajectories of three lifetimes with the freeze marked, and exports them as CSV', async () => {
    await page.goto(`${wb.url}#/runs/${ids[0]}`);
    await page.getByTestId('open-analysis').click();
    const form = page.getByTestId('trajectory-form');
    // One lifetime has no spread: refused naming the field, nothing drawn.
    await form.locator('input[name=lifetimes]').fill('1');
    await page.getByTestId('compute-trajectories').click();
    await page.getByTestId('trajectory-panel').getByRole('alert').filter({ hasText: 'lifetimes' }).waitFor();
    expect(await page.getByTestId('attractor-chart').count()).toBe(0);
    await form.locator('input[name=lifetimes]').fill('3');
    await form.locator('input[name=stride]').fill('20');
    await page.getByTestId('preset-Actuators held at 1.0, t 300–400').click();
    await page.getByTestId('compute-trajectories').click();
    await page.getByTestId('trajectory-summary').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('trajectory-summary').textContent()).toContain('3 lifetimes, 144 snapshots of 12288 synapses');
    // The latest points in the last time colour, the starts in white, the damage marks and the spread line.
    expect(await colourPixels(page, 'attractor-chart', [0xfd, 0xe7, 0x25])).toBeGreaterThan(20);
    expect(await colourPixels(page, 'attractor-chart', [0xff, 0xff, 0xff])).toBeGreaterThan(20);
    expect(await colourPixels(page, 'attractor-chart', [0xff, 0x7b, 0x72])).toBeGreaterThan(20);
    expect(await colourPixels(page, 'attractor-chart', [0x58, 0xa6, 0xff])).toBeGreaterThan(50);
    await wb.shot(page, 'analysis-trajectories');
    await page.getByTestId('attractor-chart').screenshot({ path: join(ARTIFACTS, 'analysis-attractor.png') });
    // The 3-D view: the lines, starts and damage boxes drawn on the WebGL canvas (read back through a 2-D canvas).
    await page.getByTestId('show-3d').check();
    await page.locator('[data-testid=trajectories-3d][data-drawn=true]').waitFor({ timeout: 60_000 });
    const drawn = await page.evaluate(() => {
      type Ctx = { drawImage(c: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      type Canvas = { width: number; height: number; getContext(k: '2d'): Ctx };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas; createElement(t: 'canvas'): Canvas } }).document;
      const gl = doc.querySelector('[data-testid=trajectories-3d]');
      const copy = doc.createElement('canvas');
      copy.width = gl.width;
      copy.height = gl.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(gl, 0, 0);
      const { data } = ctx.getImageData(0, 0, gl.width, gl.height);
      let lit = 0;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (Math.abs(r - 15) + Math.abs(g - 13) + Math.abs(b - 41) > 60) lit++;
        if (r > 150 && g < 140 && b < 140) red++;
      }
      return { lit, red };
    });
    expect(drawn.lit).toBeGreaterThan(300);
    expect(drawn.red).toBeGreaterThan(10);
    await page.getByTestId('trajectories-3d').screenshot({ path: join(ARTIFACTS, 'analysis-3d.png') });
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trajectory-csv').click()]);
    const lines = readFileSync((await file.path())!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('seed,step,pc1,pc2,pc3,mean_pairwise_distance,relative_spread,lifetimes_at_step');
    expect(lines).toHaveLength(1 + 3 * 48);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...Array(48).fill('1'), ...Array(48).fill('2'), ...Array(48).fill('3')]);
  }, 180_000);

  it('shows the rules of one run, then two side by side, with the share off', async () => {
    const table = page.getByTestId('rules-off-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/ABCD_lr.*of 3584 \(/);
    expect(await colourPixels(page, 'rule-hist-A', [0x58, 0xa6, 0xff])).toBeGreaterThan(50);
    await page.getByTestId('rules-other').selectOption(String(ids[1]));
    await table.locator('tbody tr').nth(1).waitFor();
    expect(await table.locator('tbody tr').nth(1).textContent()).toContain(`#${ids[1]} analysis 2`);
    // The second run's bars and A–η points in the second colour.
    expect(await colourPixels(page, 'rule-hist-η', [0xf0, 0x88, 0x3e])).toBeGreaterThan(50);
    expect(await colourPixels(page, 'rule-a-eta', [0x58, 0xa6, 0xff])).toBeGreaterThan(20);
    await page.getByTestId('rules-panel').scrollIntoViewIfNeeded();
    await wb.shot(page, 'analysis-rules');
    await page.getByTestId('rules-panel').screenshot({ path: join(ARTIFACTS, 'analysis-rules-panel.png') });
  }, 60_000);
});
