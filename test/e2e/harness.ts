/**
 * End-to-end harness: the built workbench in web mode (`out/main/hebb.js serve`, a temporary DB) driven by
 * playwright-core through a Chromium (scripts/browser.mjs says where it looks). Screenshots go to test-artifacts/.
 * The browser is found before anything starts, and the server is stopped on every path out of here; one a test
 * leaves running is killed at the end of the run (test/support/children.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium } from '../../scripts/browser.mjs';
import { ROOT, serve, type Served } from '../support/serve';

export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The Chromium binary, or an error saying where it looked and what to install. */
export function chromiumPath(): string {
  const found = findChromium();
  if (found.error !== undefined) throw new Error(found.error);
  return found.path;
}

export interface Workbench {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly db: string;
  readonly browser: Browser;
  page(): Promise<Page>;
  /** Calls the API the way the page does (token header instead of the cookie). */
  api<T>(channel: string, body: unknown): Promise<T>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `prepare` may fill the database before the server opens it (load fixtures for measurements); `serveArgs` go to
 * `hebb serve` (e.g. `--redis URL`).
 */
export async function startWorkbench(prepare?: (db: string) => void, serveArgs: readonly string[] = []): Promise<Workbench> {
  const executablePath = chromiumPath(); // before starting anything that would need stopping
  const dir = mkdtempSync(join(tmpdir(), 'hebb-e2e-'));
  const db = join(dir, 'workbench.db');
  let server: Served | undefined;
  let browser: Browser;
  try {
    prepare?.(db);
    server = await serve(db, serveArgs);
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    await server?.stop(); // never leave a server behind when the browser cannot start
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { url, port, token } = server;
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url, port, token, db, browser,
    async page() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e));
      return page;
    },
    async api<T>(channel: string, body: unknown): Promise<T> {
      const { envelope } = await server.call(channel, body);
      if (!envelope.ok) throw new Error(envelope.error!.message);
      return envelope.value as T;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      try {
        await browser.close();
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
