/**
 * Rules in and out through the GUI in web mode: a reference torch.save file chosen on the runs page travels over
 * the HTTP API and appears as an imported run; its page says where it came from and exports it again as a file
 * the reference's torch.load reads (checked here against the fixture script's formula, not our reader's output).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayValues, readArray } from '../../src/core/rules-file/rules-file';
import { ARTIFACTS, startWorkbench, type Workbench } from './harness';
import { fixturePath, formula, REFERENCE_NAME } from '../support/rule-fixtures';


let wb: Workbench;
beforeAll(async () => {
  wb = await startWorkbench();
});
afterAll(() => wb?.close());

describe('Import rules and Export rules', () => {
  it('imports a reference file on the runs page, shows it imported, and exports it from its page', async () => {
    const page = await wb.page();
    await page.goto(wb.url);
    await page.getByTestId('no-runs').waitFor();
    // A hostile file is refused with the reason, and no run appears.
    await page.getByTestId('import-rules-file').setInputFiles(fixturePath('evil-system.dat'));
    await page.getByRole('alert').getByText('the pickle asks for posix.system').waitFor();
    expect(await page.locator('tr[data-run]').count()).toBe(0);

    await page.getByTestId('import-rules-file').setInputFiles(fixturePath(REFERENCE_NAME));
    await page.getByTestId('imported-notice').getByText(`Imported ${REFERENCE_NAME} as run 1`).waitFor();
    const row = page.locator('tr[data-run="1"]');
    await row.getByTestId('status').getByText('finished').waitFor();
    expect((await row.getByTestId('generation').textContent())!.trim()).toBe('imported (torch)');
    expect(await row.getByText('hebbian ABCD_lr').count()).toBe(1);
    await wb.shot(page, 'rules-imported');

    await row.getByText(REFERENCE_NAME.replace(/\.dat$/, '')).click();
    const sha256 = (await wb.api<{ run: { config: { imported: { sha256: string } } } }>('runs.get', { id: 1 })).run.config.imported.sha256;
    await page.getByTestId('detail-imported').getByText(`sha256 ${sha256}`).waitFor();
    await page.getByTestId('export-format').selectOption('torch');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-rules').click()]);
    expect(download.suggestedFilename()).toBe('HEBcoeffs__AntBulletEnv-v0__run_1__ABCD_lr__init_uni__coeffs__0.dat');
    const path = join(ARTIFACTS, 'exported-rules.dat');
    await download.saveAs(path);
    const { shape, values } = arrayValues(readArray(new Uint8Array(readFileSync(path)), 'export').array, 'export');
    expect(shape).toEqual([12288, 5]);
    expect(values).toEqual(formula(12288, 5));
    await page.context().close();
  });
});
