// Screenshots for docs/USER-GUIDE.md, taken from a copy of a real experiment store served in web mode:
//   npm run build && npx tsx scripts/guide-screenshots.ts --db PATH --hebbian RUN --static RUN
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startWorkbench } from '../test/e2e/harness';

const args = process.argv.slice(2);
const arg = (flag: string): string => {
  const i = args.indexOf(flag);
  if (i < 0 || !args[i + 1]) throw new Error('usage: guide-screenshots.ts --db PATH --hebbian RUN --static RUN');
  return args[i + 1]!;
};
const source = arg('--db');
const hebbian = Number(arg('--hebbian'));
const baseline = Number(arg('--static'));
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
} finally {
  await wb.close();
  rmSync(snapshotDir, { recursive: true, force: true });
}
