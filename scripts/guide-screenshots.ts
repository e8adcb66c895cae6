// Screenshots for docs/USER-GUIDE.md, taken from a copy of a real experiment store served in web mode:
//   npm run build && npx tsx scripts/guide-screenshots.ts --db PATH --hebbian RUN --static RUN [--car RUN]
// (--car: a racing run of the same store, whose lifetime on track seed 1 is replayed for car-replay.png)
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startWorkbench } from '../test/e2e/harness';

const args = process.argv.slice(2);
const usage = 'usage: guide-screenshots.ts --db PATH --hebbian RUN --static RUN [--car RUN]';
const optional = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  if (!args[i + 1]) throw new Error(`${flag} needs a value; ${usage}`);
  return args[i + 1];
};
const arg = (flag: string): string => optional(flag) ?? (() => { throw new Error(usage); })();
const source = arg('--db');
const hebbian = Number(arg('--hebbian'));
const baseline = Number(arg('--static'));
const car = optional('--car') === undefined ? undefined : Number(optional('--car'));
const out = fileURLToPath(new URL('../docs/images/', import.meta.url));

// A consistent snapshot even while another process writes the store (SQLite's online backup); the copy is served.
const snapshotDir = mkdtempSync(join(tmpdir(), 'hebb-guide-'));
const snapshot = join(snapshotDir, 'snapshot.db');
const live = new Database(source, { readonly: true });
await live.backup(snapshot);
live.close();
const wb = await startWorkbench((db) => copyFileSync(snapshot, db));
try {
  const page = await wb.page();
  await page.setViewportSize({ width: 1400, height: 900 });
  const shot = (name: string) => page.screenshot({ path: join(out, `${name}.png`) });
  await page.goto(wb.url);
  await page.locator(`tr[data-run="${baseline}"]`).waitFor();
  await shot('runs');
  await page.getByTestId('new-run').click();
  await page.locator('#field-name').fill('ant hebbian seed 2');
  await page.locator('#field-es-popSize').fill('101');
  await page.locator('#field-seed').fill('2');
  await page.getByTestId('create-run').click();
  await shot('new-run');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.goto(`${wb.url}#/runs/${hebbian}`);
  await page.getByTestId('fitness-chart').locator('canvas').first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'run.png'), fullPage: false });
  await page.goto(`${wb.url}#/compare/${hebbian},${baseline}`);
  await page.getByTestId('config-diff').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'compare.png'), fullPage: true });

  // Recording from the run page: the actuator-freeze preset.
  await page.goto(`${wb.url}#/runs/${hebbian}`);
  const form = page.getByTestId('record-form');
  await form.waitFor();
  await form.locator('input[name=seed]').fill('1');
  await page.locator('[data-testid^="preset-Actuators held"]').click();
  await form.scrollIntoViewIfNeeded();
  await form.screenshot({ path: join(out, 'record.png') });
  await page.getByTestId('record').click();
  const replay = page.locator('[data-testid=replay][data-ready=true]');
  await replay.waitFor({ timeout: 120_000 });
  const showFrame = async (frame: number): Promise<void> => {
    await page.getByTestId('scrubber').fill(String(frame));
    await page.locator(`[data-testid=replay][data-frame="${frame}"][data-drawn=true]`).waitFor();
    await page.waitForTimeout(2500); // the follow camera settles
  };
  await showFrame(380);
  await page.screenshot({ path: join(out, 'replay-freeze.png'), fullPage: true });

  // The undamaged lifetime of the same seed at the moment it starts walking.
  const plain = await wb.api<{ id: number }>('episodes.record', { runId: hebbian, morphology: 'standard', seed: 1 });
  await page.goto(`${wb.url}#/episodes/${plain.id}`);
  await replay.waitFor({ timeout: 120_000 });
  await showFrame(170);
  await page.screenshot({ path: join(out, 'replay.png'), fullPage: true });

  // The static baseline's bounding gait on the body it trained on.
  const bounding = await wb.api<{ id: number }>('episodes.record', { runId: baseline, morphology: 'damaged-right', seed: 1 });
  await page.goto(`${wb.url}#/episodes/${bounding.id}`);
  await replay.waitFor({ timeout: 120_000 });
  await showFrame(600);
  await page.screenshot({ path: join(out, 'replay-static-bounding.png'), fullPage: false });

  // Damage experiments: the store's (docs/RESULTS.md ran them with `hebb damage`), or a third of the weights
  // zeroed, Hebbian and static side by side, when it has none.
  await page.goto(`${wb.url}#/experiments`);
  await page.getByTestId('experiment-form').waitFor();
  if ((await wb.api<unknown[]>('experiments.list', {})).length === 0) {
    await page.locator('select[name=recipe]').selectOption('zeroWeights');
    await page.getByTestId(`experiment-run-${hebbian}`).check();
    await page.getByTestId(`experiment-run-${baseline}`).check();
    await page.getByTestId('run-experiment').click();
  }
  await page.getByTestId('experiment-table').first().waitFor({ timeout: 600_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, 'experiment.png'), fullPage: true });

  // The morphology editor: the front-left shin shortened as in the unseen damaged-left body.
  await page.goto(`${wb.url}#/morphologies`);
  await page.locator('[data-testid=morphology-editor][data-ready=true]').waitFor({ timeout: 60_000 });
  await page.getByLabel('front left shin length').fill('0.2');
  await page.locator('input[name=name]').fill('short-front-left');
  await page.getByTestId('try-run').selectOption(String(hebbian));
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'editor.png'), fullPage: false });

  // The car's 2-D replay at the last frame of a lifetime: its whole path and the tiles it touched.
  if (car !== undefined) {
    const drive = await wb.api<{ id: number; envSteps: number }>('episodes.record', { runId: car, seed: 1 });
    await page.goto(`${wb.url}#/episodes/${drive.id}`);
    await page.locator('[data-testid=car-replay][data-ready=true]').waitFor({ timeout: 120_000 });
    await page.getByTestId('scrubber').fill(String(drive.envSteps));
    await page.locator(`[data-testid=car-replay][data-frame="${drive.envSteps}"]`).waitFor();
    await page.screenshot({ path: join(out, 'car-replay.png'), fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1260 } });
  }
} finally {
  await wb.close();
  rmSync(snapshotDir, { recursive: true, force: true });
}
