/**
 * The workbench in Chromium against web mode: the new-run dialog (validation, creation), the live run page,
 * pause / resume / stop, the comparison page and its CSV export. Screenshots land in test-artifacts/.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleMessage, Page } from 'playwright-core';
import { startWorkbench, type Workbench } from './harness';
import { colourPixels, rgbOf } from './pixels';

let wb: Workbench;
let page: Page;
beforeAll(async () => {
  wb = await startWorkbench();
  page = await wb.page();
  await page.goto(wb.url);
  await page.getByTestId('runtime').getByText('Running in web mode').waitFor();
});
afterAll(async () => {
  await page?.context().close();
  await wb?.close();
});

/** Fills the new-run dialog for a small, fast run. */
async function fillRun(name: string, pop: string, seed: string, policy = 'hebbian'): Promise<void> {
  const dialog = page.getByTestId('new-run-dialog');
  await dialog.locator('#field-name').fill(name);
  await dialog.locator('#field-policy').selectOption(policy);
  // Train on the standard body only (the held-out field lists the bodies too).
  await dialog.locator('[data-path="morphologies"]').getByLabel('damaged-right').uncheck();
  await dialog.locator('#field-es-popSize').fill(pop);
  await dialog.locator('#field-generations').fill('3');
  await dialog.locator('#field-seed').fill(seed);
  await dialog.locator('details summary').click();
  await dialog.locator('#field-es-noiseTableSize').fill('1048576');
}


/**
 * The x-axis tick labels of an ECharts SVG: the horizontally centred labels (text-anchor middle) sharing the
 * lowest row that holds more than one of them (the axis name sits alone on its own row).
 */
function generationTicks(svg: string): string[] {
  const rows = new Map<number, string[]>();
  for (const m of svg.matchAll(/<text[^>]*text-anchor="middle"[^>]*transform="translate\(([-\d.]+) ([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)) {
    const y = Number(m[2]);
    rows.set(y, [...(rows.get(y) ?? []), m[3]!]);
  }
  const axis = [...rows].filter(([, labels]) => labels.length > 1).sort(([a], [b]) => b - a)[0];
  return axis?.[1] ?? [];
}

describe('the workbench in web mode', () => {
  it('rejects bad input in the new-run dialog, field by field, in words for people, and creates nothing', async () => {
    const consoleErrors: string[] = [];
    const onConsole = (m: ConsoleMessage): void => void (m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('console', onConsole);
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('new-run-dialog');
    await fillRun('', '7', '1');
    await dialog.locator('#field-es-sigma').fill('-1');
    // Text that is not a number is an error on its field, never the default in its place.
    await dialog.locator('#field-generations').fill('abc');
    await page.getByTestId('create-run').click();
    await dialog.locator('[data-error-for="generations"]').getByText('enter a number', { exact: true }).waitFor();
    await dialog.locator('[data-error-for="es.popSize"]').getByText('must be even').waitFor();
    await dialog.locator('[data-error-for="es.sigma"]').waitFor();
    await dialog.locator('[data-error-for="name"]').waitFor();
    expect(await dialog.locator('#field-generations').inputValue()).toBe('abc');
    // One seed for the run: the ES's own seed field, which a run does not use, is not offered.
    expect(await dialog.locator('#field-seed').count()).toBe(1);
    expect(await dialog.locator('#field-es-seed').count()).toBe(0);
    expect(await page.getByTestId('create-run').isDisabled()).toBe(true);
    await wb.shot(page, 'new-run-dialog-errors');
    // Escape closes the dialog; a failed validation printed nothing to the console.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    page.off('console', onConsole);
    expect(consoleErrors).toEqual([]);
    expect(await wb.api<unknown[]>('runs.list', {})).toEqual([]);
  });

  it('shows a racing run only the fields of the car, with its Hebbian normalisation maxabs', async () => {
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('new-run-dialog');
    // The held-out fieldset stays for the car: it tests on unseen tracks instead of held-out bodies.
    const quadrupedOnly = dialog.locator('[data-path="morphologies"], [data-path="heldout.morphologies"], [data-path="physics"]');
    const racingOnly = dialog.locator('[data-path="heldout.tracks"]');
    expect(await quadrupedOnly.count()).toBe(3);
    expect(await racingOnly.count()).toBe(0);
    expect(await dialog.locator('#field-policy-normalise').inputValue()).toBe('none');
    expect((await dialog.locator('#field-policy-normalise option').allTextContents()).map((t) => t.trim())).toEqual(['none', 'maxabs', 'zscore', 'clip']);
    await dialog.locator('#field-env').selectOption('racing');
    await dialog.locator('[data-path="morphologies"]').waitFor({ state: 'detached' });
    expect(await quadrupedOnly.count()).toBe(0);
    expect(await racingOnly.count()).toBe(1);
    expect(await dialog.locator('#field-policy-normalise').inputValue()).toBe('maxabs');
    // The draft is a valid racing config: no field complains about the hidden bodies.
    await dialog.locator('#field-name').fill('car');
    expect(await dialog.locator('[data-error-for]').count()).toBe(0);
    await wb.shot(page, 'new-run-dialog-racing');
    await dialog.locator('#field-env').selectOption('quadruped');
    await dialog.locator('[data-path="morphologies"]').waitFor();
    expect(await dialog.locator('#field-policy-normalise').inputValue()).toBe('none');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await wb.api<unknown[]>('runs.list', {})).toEqual([]);
  });

  it('creates a run from the dialog, opens its page and draws each generation as it lands', async () => {
    await page.getByTestId('new-run').click();
    await fillRun('gui hebbian', '6', '1');
    await page.getByTestId('create-run').click();
    const detail = page.getByTestId('run-detail');
    await detail.getByText('Run 1 · gui hebbian').waitFor();
    await detail.getByTestId('detail-status').getByText('finished').waitFor({ timeout: 90_000 });
    expect(await detail.getByTestId('detail-generation').textContent()).toBe('generation 2 of 3'); // numbered from 0, as on the chart
    const config = JSON.parse((await detail.getByTestId('config').textContent())!) as { es: { popSize: number }; morphologies: string[] };
    expect(config.es.popSize).toBe(6);
    expect(config.morphologies).toEqual(['standard']);
    await page.getByTestId('fitness-chart').locator('canvas').first().waitFor();
    // Zero test lifetimes are refused beside the field, with the API's bound, and nothing is evaluated.
    await detail.locator('input[name=episodes]').fill('0');
    await detail.getByTestId('evaluate').click();
    await detail.locator('[data-error-for="episodes"]').getByText('must be at least 1').waitFor();
    expect((await wb.api<{ evaluations: unknown[] }>('runs.get', { id: 1 })).evaluations).toEqual([]);
    await detail.locator('input[name=episodes]').fill('20');
    await detail.locator('[data-error-for="episodes"]').waitFor({ state: 'detached' });
    await wb.shot(page, 'run-detail');
  });

  it('pauses, resumes and stops a run from the runs table', async () => {
    const { id } = await wb.api<{ id: number }>('runs.create', {
      config: { name: 'long', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 500, morphologies: ['standard'], seed: 2 },
    });
    await page.getByRole('link', { name: 'Runs' }).first().click();
    const row = page.locator(`tr[data-run="${id}"]`);
    const generation = async (): Promise<number> => Number(await row.getByTestId('generation').getAttribute('data-done'));
    const reach = async (n: number): Promise<void> => {
      // Runs in the page; the Node-side test project has no DOM types, hence the narrow cast. (A string
      // predicate would need eval, which the renderer's CSP forbids.)
      await page.waitForFunction(([run, min]) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document;
        return Number(doc.querySelector(`tr[data-run="${run}"] [data-testid="generation"]`)?.getAttribute('data-done')) >= min;
      }, [id, n] as const, { timeout: 30_000 });
    };
    await reach(1); // the table counts generations live
    // While it trains, the table and the run page give the time left at the run's own pace.
    await row.getByTestId('eta').getByText(/^ETA \d+m\d\ds$/).waitFor();
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByTestId('status').getByText('paused').waitFor({ timeout: 30_000 });
    const paused = await generation();
    await page.waitForTimeout(500);
    expect(await generation()).toBe(paused); // nothing trains while paused
    await row.getByRole('button', { name: 'Resume' }).click();
    await reach(paused + 1);
    await row.getByRole('button', { name: 'Stop' }).click();
    await row.getByTestId('status').getByText('stopped').waitFor({ timeout: 30_000 });
    expect(await generation()).toBeGreaterThan(paused);
    expect(await generation()).toBeLessThan(500);
    expect((await wb.api<{ run: { status: string; generation: number } }>('runs.get', { id })).run).toMatchObject({ status: 'stopped', generation: await generation() });
    await wb.shot(page, 'runs-table');
  });

  it('compares a Hebbian and a static run: grouped bands, config diff, seen/unseen table, CSV export', async () => {
    await page.getByTestId('new-run').click();
    await fillRun('gui static', '6', '1', 'static');
    // Before it starts, the dialog says what the run will cost here: 6 × 3 lifetimes on one body, at the speed
    // the generations trained so far in this store were measured at.
    await page.getByTestId('estimate').getByText(/^18 lifetimes, about \d+m\d\ds on this machine \(measured over the last \d+ generations trained here/).waitFor();
    await page.getByTestId('create-run').click();
    await page.getByTestId('run-detail').getByTestId('detail-status').getByText('finished').waitFor({ timeout: 90_000 });
    await wb.api('runs.evaluate', { id: 1, morphologies: ['standard', 'damaged-left'], episodes: 2 });
    await wb.api('runs.evaluate', { id: 3, morphologies: ['standard', 'damaged-left'], episodes: 2 });
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.getByLabel('select run 1').check();
    await page.getByLabel('select run 3').check();
    await page.getByTestId('compare-selected').click();
    const compare = page.getByTestId('compare');
    await compare.getByTestId('compare-table').getByText('hebbian ABCD_lr (runs 1)').waitFor();
    await compare.getByTestId('compare-table').getByText('static (runs 3)').waitFor();
    expect(await compare.getByTestId('compare-table').locator('th').allTextContents()).toEqual(['network', 'standard · seen', 'damaged-left · unseen']);
    await compare.getByTestId('config-diff').getByText('policy.kind').waitFor();
    // One legend entry per group, each in its own colour, the same colour in the chart and beside the table row.
    const entries = compare.getByTestId('compare-groups').locator('li');
    expect(await entries.allTextContents()).toEqual(['hebbian ABCD_lr runs 1', 'static runs 3']);
    const hues = await Promise.all([0, 1].map(async (k) => (await entries.nth(k).getAttribute('data-colour'))!));
    expect(hues[0]).not.toBe(hues[1]);
    for (const hex of hues) expect(await colourPixels(page, 'compare-chart', rgbOf(hex))).toBeGreaterThan(20);
    const swatch = compare.getByTestId('compare-table').locator('tbody tr').first().locator('.swatch');
    expect(await swatch.evaluate((el) => (el as unknown as { style: { background: string } }).style.background)).toBe(await entries.first().locator('.swatch').evaluate((el) => (el as unknown as { style: { background: string } }).style.background));
    // The tooltip under the cursor: the generation as an integer, each group's mean ± std rounded.
    const box = (await compare.getByTestId('compare-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
    await compare.getByTestId('compare-chart').getByText('generation ', { exact: false }).waitFor();
    const tip = await compare.getByTestId('compare-chart').innerText();
    expect(tip).toMatch(/(^|\n)generation \d+\n/);
    expect(tip).toMatch(/hebbian ABCD_lr: -?\d+(\.\d)? ± \d+(\.\d)?/);
    await wb.shot(page, 'compare-tooltip');
    // The paper report: one self-contained file (no script, nothing fetched), its charts inline, the per-seed table.
    const [report] = await Promise.all([page.waitForEvent('download'), compare.getByTestId('export-report').click()]);
    expect(report.suggestedFilename()).toBe('report-1-3.html');
    const reportPage = await page.context().newPage();
    const fetched: string[] = [];
    reportPage.on('request', (r) => fetched.push(r.url()));
    const saved = join(mkdtempSync(join(tmpdir(), 'hebb-report-')), report.suggestedFilename());
    await report.saveAs(saved);
    await reportPage.goto(`file://${saved}`);
    expect(fetched).toHaveLength(1); // the file itself
    expect(await reportPage.locator('script').count()).toBe(0);
    expect(await reportPage.locator('h2').allTextContents()).toEqual([
      'Runs and settings', 'Learning curves over seeds', 'Tests on bodies seen and unseen in training', 'Evolved rules', 'Weight trajectories (attractors)', "The paper's numbers, beside ours",
    ]);
    expect(await reportPage.locator('#learning svg').count()).toBe(1);
    const rows = await reportPage.locator('#tests tbody tr').allTextContents();
    const evaluated = (await wb.api<{ evaluations: { morphology: string; mean: number; std: number }[] }>('runs.get', { id: 1 })).evaluations;
    const standard = evaluated.filter((e) => e.morphology === 'standard').at(-1)!;
    expect(rows[0]).toContain(`#1 (seed 1)${standard.mean.toFixed(1)} ± ${standard.std.toFixed(1)}`);
    await reportPage.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    await reportPage.close();
    const [download] = await Promise.all([page.waitForEvent('download'), compare.getByTestId('export-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('group,run,name,generation,mean,max,min,std,elapsed_s');
    expect(csv.filter((l) => l.startsWith('static,3,')).length).toBe(3);
    expect(csv.filter((l) => l.startsWith('hebbian ABCD_lr,1,')).length).toBe(3);
    const [svg] = await Promise.all([page.waitForEvent('download'), compare.getByTestId('export-svg').click()]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toContain('<svg');
    // Integer generation ticks that end where the data ends (3 generations: 0, 1, 2 — never 0.5 or 3).
    expect(generationTicks(svgText)).toEqual(['0', '1', '2']);
    const [png] = await Promise.all([page.waitForEvent('download'), compare.getByTestId('export-png').click()]);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
    await wb.shot(page, 'compare');
  });

  it('creates a racing run from the dialog: the car\'s config is stored and it trains', async () => {
    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('new-run-dialog');
    await dialog.locator('#field-env').selectOption('racing');
    await dialog.locator('#field-name').fill('gui car');
    await dialog.locator('#field-es-popSize').fill('2');
    await dialog.locator('#field-generations').fill('1');
    await dialog.locator('details summary').click();
    await dialog.locator('#field-es-noiseTableSize').fill('1048576');
    await page.getByTestId('create-run').click();
    const detail = page.getByTestId('run-detail');
    await detail.getByText('gui car').first().waitFor();
    await detail.getByTestId('detail-status').getByText('finished').waitFor({ timeout: 90_000 });
    const config = JSON.parse((await detail.getByTestId('config').textContent())!) as { env: string; morphologies: string[]; policy: { normalise: string } };
    expect([config.env, config.morphologies, config.policy.normalise]).toEqual(['racing', [], 'maxabs']);
  });
});
