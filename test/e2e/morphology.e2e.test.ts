/**
 * The morphology editor in Chromium against web mode: edit a shin and see the preview change, have a negative
 * length rejected by name, save, export the MJCF and import it again, then try a trained run on the body (a
 * replay opens) and evaluate the run on it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startWorkbench, type Workbench } from './harness';

let wb: Workbench;
let page: Page;
let runId: number;

interface Summary { name: string; segments: { name: string; length: number }[] }
const shinOf = async (name: string): Promise<number> =>
  (await wb.api<Summary[]>('morphologies.list', {})).find((m) => m.name === name)!.segments.find((s) => s.name === 'fourth_ankle_geom')!.length;
const preview = (): Promise<string> => page.getByTestId('preview').evaluate((el) => (el as unknown as { toDataURL(): string }).toDataURL());

beforeAll(async () => {
  wb = await startWorkbench();
  runId = (await wb.api<{ id: number }>('runs.create', { config: { name: 'editor source', morphologies: ['standard'], generations: 2, seed: 4, es: { popSize: 6, noiseTableSize: 1 << 20 } } })).id;
  for (let i = 0; i < 600 && (await wb.api<{ run: { status: string } }>('runs.get', { id: runId })).run.status !== 'finished'; i++) await new Promise((r) => setTimeout(r, 250));
  page = await wb.page();
  await page.goto(`${wb.url}#/morphologies`);
  await page.locator('[data-testid=morphology-editor][data-ready=true]').waitFor({ timeout: 60_000 });
}, 180_000);
afterAll(async () => {
  await page?.context().close();
  await wb?.close();
});

describe('morphology editor', () => {
  it('rejects a negative shin length by name and saves nothing', async () => {
    await page.getByLabel('front right shin length').fill('-0.2');
    await page.getByTestId('editor-issues').getByText('front right shin: segment length must be within [0.001, 10] m, got -0.2').waitFor();
    expect(await page.getByLabel('front right shin length').getAttribute('class')).toContain('bad');
    await page.getByTestId('save-morphology').click();
    await page.getByTestId('editor-message').getByText('fix the values marked in red first').waitFor();
    expect((await wb.api<Summary[]>('morphologies.list', {})).map((m) => m.name)).toEqual(['damaged-left', 'damaged-right', 'standard']);
  });

  it('labels each leg in the preview, over the leg, and keeps the labels on the legs as the camera orbits', async () => {
    const labels = page.getByTestId('leg-label');
    expect((await labels.allTextContents()).sort()).toEqual(['back left', 'back right', 'front left', 'front right']);
    const canvas = (await page.getByTestId('preview').boundingBox())!;
    const centres = async (): Promise<{ x: number; y: number }[]> =>
      Promise.all((await labels.all()).map(async (l) => {
        const b = (await l.boundingBox())!;
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }));
    await expect.poll(async () => (await centres()).every((c) => c.x > canvas.x && c.x < canvas.x + canvas.width && c.y > canvas.y && c.y < canvas.y + canvas.height)).toBe(true);
    const before = await centres();
    expect(new Set(before.map((c) => `${Math.round(c.x / 10)},${Math.round(c.y / 10)}`)).size).toBe(4); // four places
    // Orbit by dragging: the labels move with the body on screen.
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width / 2 + 120, canvas.y + canvas.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => Math.max(...(await centres()).map((c, i) => Math.abs(c.x - before[i]!.x)))).toBeGreaterThan(10);
  });

  it('shows a shorter shin in the 3-D preview, saves it, and exports its MJCF', async () => {
    await page.getByLabel('front right shin length').fill('0.5657');
    await page.getByTestId('editor-summary').waitFor();
    await page.waitForTimeout(1000);
    const before = await preview();
    await page.getByLabel('front right shin length').fill('0.15');
    await page.waitForTimeout(1500);
    expect(await preview()).not.toBe(before);
    expect(await page.getByTestId('editor-summary').textContent()).toContain('fits the ant policies (8 joints, 4 feet) · unsaved');
    await wb.shot(page, 'morphology-editor');
    await page.locator('input[name=name]').fill('short-fr');
    await page.getByTestId('save-morphology').click();
    await page.getByTestId('editor-message').getByText("saved as 'short-fr'").waitFor();
    expect(await shinOf('short-fr')).toBeCloseTo(0.15, 9);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-mjcf').click()]);
    expect(download.suggestedFilename()).toBe('short-fr.xml');
    const path = join(ARTIFACTS, 'short-fr.xml');
    await download.saveAs(path);
    expect(readFileSync(path, 'utf8')).toBe((await wb.api<{ mjcf: string }>('morphologies.get', { name: 'short-fr' })).mjcf);
  });

  it('imports the exported MJCF again (and refuses a broken file, naming it)', async () => {
    const broken = join(ARTIFACTS, 'broken.xml');
    writeFileSync(broken, '<mujoco><worldbody><body name="torso"></worldbody></mujoco>');
    await page.getByTestId('import-mjcf').setInputFiles(broken);
    await page.getByTestId('editor-message').getByText('broken.xml:').waitFor();

    const copy = join(ARTIFACTS, 'reimported.xml');
    writeFileSync(copy, readFileSync(join(ARTIFACTS, 'short-fr.xml')));
    await page.getByTestId('import-mjcf').setInputFiles(copy);
    await page.getByTestId('editor-message').getByText('imported reimported.xml; save it to keep it').waitFor();
    expect(await page.locator('input[name=name]').inputValue()).toBe('reimported');
    expect(await page.getByLabel('front right shin length').inputValue()).toBe('0.15');
    await page.getByTestId('save-morphology').click();
    await page.getByTestId('editor-message').getByText("saved as 'reimported'").waitFor();
    expect(await shinOf('reimported')).toBeCloseTo(0.15, 9);
  });

  it('evaluates a trained run on the body, then tries it: a replay of that run on that body opens', async () => {
    await page.getByTestId('try-run').selectOption(String(runId));
    await page.locator('input[name=evalEpisodes]').fill('2');
    await page.getByTestId('evaluate-on-body').click();
    await page.getByTestId('evaluation-result').getByText('on reimported').waitFor({ timeout: 60_000 });
    const detail = await wb.api<{ evaluations: { morphology: string; episodes: number; seen: boolean }[] }>('runs.get', { id: runId });
    expect(detail.evaluations).toContainEqual(expect.objectContaining({ morphology: 'reimported', episodes: 2, seen: false }));

    await page.getByTestId('try-it').click();
    await page.locator('[data-testid=replay][data-ready=true]').waitFor({ timeout: 60_000 });
    expect(await page.locator('h2').textContent()).toContain('reimported');
    await page.getByTestId('scrubber').fill('300');
    await page.locator('[data-testid=replay][data-frame="300"][data-drawn=true]').waitFor();
    await page.waitForTimeout(1500);
    await wb.shot(page, 'morphology-try-it');
  });
});
