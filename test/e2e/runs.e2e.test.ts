import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from './harness';

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

  it('shows the runs table, and a run created elsewhere appears and trains to the end live', async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('runtime').getByText('Running in web mode').waitFor();
    await page.getByText('No runs yet.').waitFor();
    const { id } = await wb.api<{ id: number }>('runs.create', {
      config: { name: 'e2e tiny', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'], seed: 1 },
    });
    const row = page.locator(`tr[data-run="${id}"]`);
    await row.getByText('e2e tiny').waitFor();
    await row.getByTestId('status').getByText('finished').waitFor({ timeout: 60_000 });
    expect(await row.getByTestId('generation').textContent()).toContain('2 / 2');
    await wb.shot(page, 'runs-table');
    await page.context().close();
  });
});
