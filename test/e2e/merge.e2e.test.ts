/**
 * Evolve & Merge in the GUI: the new-run dialog's switch and fields (Hebbian only, errors at the field), and the
 * run page's rules and coefficients over generations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from './harness';
import { colourPixels } from './pixels';

let wb: Workbench;
beforeAll(async () => {
  wb = await startWorkbench();
});
afterAll(() => wb?.close());

describe('Evolve & Merge in Chromium', () => {
  it('the dialog creates a merging run; its page shows the rules stepping down at the merge', async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('new-run-dialog');
    await dialog.locator('#field-name').fill('e2e merge');
    await dialog.locator('[data-path="morphologies"]').getByLabel('damaged-right').uncheck();
    await dialog.locator('#field-es-popSize').fill('4');
    await dialog.locator('#field-generations').fill('4');
    await dialog.locator('details summary').click();
    await dialog.locator('#field-es-noiseTableSize').fill(String(1 << 20));
    // A static network has no rules: the switch is not offered.
    await dialog.locator('#field-policy').selectOption('static');
    expect(await dialog.getByTestId('merge-on').count()).toBe(0);
    await dialog.locator('#field-policy').selectOption('hebbian');
    await dialog.getByTestId('merge-on').check();
    await dialog.locator('#field-merge-every').fill('0');
    await dialog.locator('[data-error-for="merge.every"]').getByText('must be at least 1').waitFor();
    await dialog.locator('#field-merge-every').fill('2');
    await dialog.locator('#field-merge-floor').fill('6144');
    await wb.shot(page, 'merge-dialog');
    await page.getByTestId('create-run').click();
    await page.getByTestId('run-detail').waitFor();
    const id = (await wb.api<{ id: number; name: string }[]>('runs.list', {})).find((r) => r.name === 'e2e merge')!.id;
    expect((await wb.api<{ run: { config: { merge: unknown } } }>('runs.get', { id })).run.config.merge).toEqual({ every: 2, factor: 2, floor: 6144 });
    for (let t = Date.now(); (await wb.api<{ run: { status: string } }>('runs.get', { id })).run.status !== 'finished'; ) {
      if (Date.now() - t > 180_000) throw new Error(`run ${id} did not finish`);
      await new Promise((ok) => setTimeout(ok, 300));
    }
    await page.goto(`${wb.url}#/runs/${id}`);
    await page.getByTestId('merge-plan').getByText('The centre now has 6,144 rules (30,720 coefficients). Planned: 12,288 → 6,144 (generation 2).').waitFor();
    // The rules line (PALETTE[2], #7ee787) is drawn in the chart.
    expect(await colourPixels(page, 'rules-chart', [0x7e, 0xe7, 0x87])).toBeGreaterThan(20);
    await wb.shot(page, 'merge-run');
    await page.context().close();
  }, 300_000);
});
