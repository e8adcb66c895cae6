import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from './harness';
import { colourPixels, rgbOf } from './pixels';

let wb: Workbench;
beforeAll(async () => {
  wb = await startWorkbench();
});
afterAll(() => wb?.close());

describe('web mode in Chromium', () => {
  it('refuses a page load without the token', async () => {
    const page = await wb.page();
    const response = await page.goto(`http://127.0.0.1:${wb.port}/`);
    expect(response!.status()).toBe(401);
    await page.context().close();
  });

  it("a fresh store's pages each say what to do next", async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('no-runs').getByText('No runs yet — New run trains one').waitFor();
    await page.getByTestId('no-runs').getByText('or train from the command line with hebb train').waitFor();
    await page.goto(`${wb.url}#/compare`);
    await page.getByTestId('no-runs-to-compare').getByText('start some on the Runs page').waitFor();
    await page.goto(`${wb.url}#/episodes`);
    await page.getByTestId('no-runs-to-record').getByText('once it has trained a generation').waitFor();
    await page.getByTestId('no-episodes').getByText('Record and replay above records a lifetime of any trained run').waitFor();
    await page.goto(`${wb.url}#/experiments`);
    await page.getByTestId('no-runs-to-damage').getByText('an experiment needs runs with at least one trained generation').waitFor();
    await page.getByTestId('no-experiments').getByText('press Run the experiment').waitFor();
    await page.goto(`${wb.url}#/morphologies`);
    await page.getByTestId('no-runs-to-try').getByText('a run can be tried on this body once it has trained a generation').waitFor({ timeout: 60_000 });
    await page.context().close();
  });

  it('shows the runs table, and a run created elsewhere appears and trains to the end live', async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('runtime').getByText('Running in web mode').waitFor();
    await page.getByTestId('no-runs').waitFor();
    const { id } = await wb.api<{ id: number }>('runs.create', {
      config: { name: 'e2e tiny', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'], seed: 1 },
    });
    const row = page.locator(`tr[data-run="${id}"]`);
    await row.getByText('e2e tiny').waitFor();
    await row.getByTestId('status').getByText('finished').waitFor({ timeout: 60_000 });
    expect((await row.getByTestId('generation').textContent())!.trim()).toBe('generation 1 of 2'); // numbered from 0
    await wb.shot(page, 'runs-table');
    // A deleted run's id is never given to the next run (its row leaves the table).
    await wb.api('runs.delete', { id });
    await row.waitFor({ state: 'detached' });
    const next = await wb.api<{ id: number }>('runs.create', { config: { name: 'e2e after delete', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, morphologies: ['standard'] } });
    expect(next.id).toBe(id + 1);
    await page.locator(`tr[data-run="${next.id}"]`).getByTestId('status').getByText('finished').waitFor({ timeout: 60_000 });
    await page.getByLabel('Filter runs').fill('no such run');
    await page.getByTestId('no-matching-runs').getByText('clear it to see all 1.').waitFor();
    await page.goto(`${wb.url}#/compare`);
    await page.getByTestId('no-runs-chosen').getByText('tick the runs to compare above').waitFor();
    await page.context().close();
  });

  it('the new-run dialog sets up held-out testing; the curve is drawn beside the training curve on the run and compare pages', async () => {
    const heldout = { morphologies: ['damaged-left'], every: 1, episodes: 1 };
    const config = { name: 'e2e held-out', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 3, morphologies: ['standard'], heldout };
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('new-run-dialog');
    await dialog.locator('#field-name').fill(config.name);
    await dialog.locator('[data-path="morphologies"]').getByLabel('damaged-right').uncheck();
    await dialog.locator('#field-es-popSize').fill('4');
    await dialog.locator('#field-generations').fill('3');
    await dialog.locator('#field-seed').fill('2');
    await dialog.locator('details summary').click();
    await dialog.locator('#field-es-noiseTableSize').fill(String(1 << 20));
    // Testing on a body it trains on is refused at the field; damaged-left, which it does not, is accepted.
    await dialog.locator('[data-path="heldout.morphologies"]').getByLabel('standard').check();
    await dialog.locator('[data-error-for="heldout.morphologies"]').getByText('must not include a training morphology').waitFor();
    await dialog.locator('[data-path="heldout.morphologies"]').getByLabel('standard').uncheck();
    await dialog.locator('[data-path="heldout.morphologies"]').getByLabel('damaged-left').check();
    await dialog.locator('#field-heldout-every').fill('1');
    await dialog.locator('#field-heldout-episodes').fill('1');
    await page.getByTestId('create-run').click();
    await page.getByTestId('run-detail').waitFor();
    const ids = (await wb.api<{ id: number; name: string }[]>('runs.list', {})).filter((r) => r.name === config.name).map((r) => r.id);
    expect((await wb.api<{ run: { config: { heldout: unknown } } }>('runs.get', { id: ids[0]! })).run.config.heldout).toEqual(heldout);
    ids.push((await wb.api<{ id: number }>('runs.create', { config: { ...config, seed: 3 } })).id);
    for (const id of ids) {
      for (let t = Date.now(); (await wb.api<{ run: { status: string } }>('runs.get', { id })).run.status !== 'finished'; ) {
        if (Date.now() - t > 120_000) throw new Error(`run ${id} did not finish`);
        await new Promise((ok) => setTimeout(ok, 200));
      }
    }
    await page.goto(`${wb.url}#/runs/${ids[0]}`);
    await page.getByTestId('heldout-plan').getByText('damaged-left every generation, 1 lifetime').waitFor();
    // The held-out curve's colour (PALETTE[3], #d2a8ff, after the training series' three) inside the plot area.
    expect(await colourPixels(page, 'fitness-chart', [0xd2, 0xa8, 0xff])).toBeGreaterThan(20);
    await wb.shot(page, 'run-heldout');
    await page.goto(`${wb.url}#/compare/${ids.join(',')}`);
    await page.getByTestId('heldout-compare-chart').locator('canvas').first().waitFor();
    // The group's line in the generalisation chart, in the colour its legend entry above the charts shows.
    const hex = (await page.getByTestId('compare-groups').locator('li').first().getAttribute('data-colour'))!;
    expect(await colourPixels(page, 'heldout-compare-chart', rgbOf(hex))).toBeGreaterThan(20);
    await wb.shot(page, 'compare-heldout');
    await page.context().close();
  }, 300_000);

  it("the paper dialog chooses tasks and seeds, estimates them, and queues the car's runs", async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('reproduce-paper').click();
    const dialog = page.getByTestId('reproduce-dialog');
    // Both tasks by default: 2 × 3 seeds × 2 tasks. Earlier tests trained only quadruped generations here, so the
    // car's speed is unknown and no time is promised.
    await dialog.getByTestId('paper-estimate').getByText(/^12 runs: [\d,]+ lifetimes; time unknown: quadruped runs: about [\d.]+ h, measured over .*; car runs: nothing measured yet/).waitFor();
    await dialog.getByTestId('paper-task-quadruped').uncheck();
    await dialog.getByTestId('paper-task-racing').uncheck();
    await dialog.getByText('choose at least one task').waitFor();
    expect(await page.getByTestId('queue-paper').isDisabled()).toBe(true);
    await dialog.getByTestId('paper-task-racing').check();
    await dialog.getByTestId('paper-seeds').fill('x');
    await dialog.getByText('seeds: "x" is not a non-negative integer or a range like 1-5').waitFor();
    await dialog.getByTestId('paper-seeds').fill('4');
    // Car runs alone: 2 × (300 × 200 + 31 tests of 5) lifetimes.
    await dialog.getByTestId('paper-estimate').getByText('2 runs: 120,310 lifetimes; time unknown: nothing measured yet: no car generation has been trained in this store').waitFor();
    await wb.shot(page, 'reproduce-paper-dialog');
    await page.getByTestId('queue-paper').click();
    await dialog.waitFor({ state: 'detached' });
    const queued = (await wb.api<{ id: number; name: string }[]>('runs.list', {})).filter((r) => r.name.startsWith('paper car'));
    for (const r of queued) await wb.api('runs.stop', { id: r.id }); // set aside: a car generation of 200 is long
    expect(queued.map((r) => r.name).sort()).toEqual(['paper car hebbian seed 4', 'paper car static seed 4']);
    const config = (await wb.api<{ run: { config: { env: string; es: { popSize: number }; generations: number; policy: { normalise?: boolean } } } }>('runs.get', { id: queued.find((r) => r.name.includes('hebbian'))!.id })).run.config;
    expect([config.env, config.es.popSize, config.generations, config.policy.normalise]).toEqual(['racing', 200, 300, 'maxabs']);
    // The later of the two waited in the queue and was stopped before its first generation: nothing to evaluate,
    // record or analyse yet, and its pages say when.
    const untrained = Math.max(...queued.map((r) => r.id));
    await page.goto(`${wb.url}#/runs/${untrained}`);
    await page.getByTestId('no-run-evaluations').getByText('once the first generation is done').waitFor();
    await page.getByTestId('no-episodes').getByText('once it has trained a generation').waitFor();
    await page.goto(`${wb.url}#/runs/${untrained}/analysis`);
    await page.getByTestId('nothing-to-analyse').getByText(`run ${untrained} has no trained generation`).waitFor();
    expect(await page.getByTestId('trajectory-panel').count()).toBe(0);
    await page.context().close();
  });
});
