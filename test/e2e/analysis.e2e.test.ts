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
