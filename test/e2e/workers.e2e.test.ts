/**
 * The Workers panel against web mode on a real Redis server with a real `hebb worker`: the page names the engine
 * and lists the worker from its heartbeat; a run created in the GUI trains on it and its page says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startWorker, type Child } from '../support/hebb-worker';
import { startRedis, type RedisServer } from '../support/redis';
import { startWorkbench, type Workbench } from './harness';

let redis: RedisServer;
let worker: Child;
let wb: Workbench;
let page: Page;

beforeAll(async () => {
  redis = await startRedis({ password: 'e2e-secret' });
  worker = await startWorker(redis.url, 'e2e-worker');
  wb = await startWorkbench(undefined, ['--redis', redis.url]);
  page = await wb.page();
}, 120_000);
afterAll(async () => {
  await page?.context().close();
  await wb?.close();
  await worker?.signal('SIGTERM');
  await redis?.stop();
});

describe('workers', () => {
  it('lists the connected hebb worker with its heartbeat, and a run trains on it', async () => {
    await page.goto(`${wb.url}#/workers`);
    const panel = page.getByTestId('workers');
    await panel.getByTestId('engine').getByText(/hebb workers through redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: 1 connected/).waitFor();
    const row = panel.locator('tr[data-worker="e2e-worker"]');
    expect((await row.locator('td').allTextContents())[2]).toBe('1'); // threads
    await expect.poll(async () => Number((await row.getByTestId('heartbeat').textContent())!.match(/(\d+) s ago/)![1]), { timeout: 10_000 }).toBeLessThan(15);
    expect(await panel.textContent()).not.toContain('e2e-secret');
    await wb.shot(page, 'workers');

    const { id } = await wb.api<{ id: number }>('runs.create', { config: { name: 'on redis', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'] } });
    await page.goto(`${wb.url}#/runs/${id}`);
    const detail = page.getByTestId('run-detail');
    await detail.getByTestId('detail-status').getByText('finished').waitFor({ timeout: 90_000 });
    await detail.getByTestId('run-engine').getByText(/Evaluated on hebb workers through redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/? · 1 worker connected/).waitFor();
    await detail.getByTestId('throughput').getByText(/^\d+\.\d lifetimes\/s$/).waitFor();
    // The worker's heartbeat names the run it evaluated last.
    await page.goto(`${wb.url}#/workers`);
    await expect.poll(async () => (await panel.locator('tr[data-worker="e2e-worker"] td').allTextContents())[5], { timeout: 10_000 }).not.toBe('—');
    await wb.shot(page, 'workers-after-run');
  }, 150_000);
});
