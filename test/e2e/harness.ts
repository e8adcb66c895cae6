/**
 * End-to-end harness: the built workbench in web mode (`out/main/hebb.js serve`, a temporary DB) driven by
 * playwright-core through Debian's chromium. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, serve } from '../support/serve';

export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The chromium binary: $CHROMIUM, or Debian's. */
export function chromiumPath(): string {
  const candidates = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no chromium found (tried ${candidates.join(', ')}); install Debian's chromium package or set CHROMIUM`);
  return found;
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

/** `prepare` may fill the database before the server opens it (load fixtures for measurements). */
export async function startWorkbench(prepare?: (db: string) => void): Promise<Workbench> {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-e2e-'));
  const db = join(dir, 'workbench.db');
  prepare?.(db);
  const server = await serve(db);
  const { url, port, token } = server;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    await server.stop(); // never leave a server behind when the browser cannot start
    throw e;
  }
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
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
