/**
 * End-to-end harness: the built workbench in web mode (`out/main/hebb.js serve`, a temporary DB) driven by
 * playwright-core through Debian's chromium. Screenshots go to test-artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
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
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'out/main/hebb.js'), 'serve', '--db', db, '--port', '0', '--workers', '1', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { url, port } = await new Promise<{ url: string; port: number }>((ok, fail) => {
    let out = '';
    let err = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) ok(JSON.parse(out.split('\n')[0]!) as { url: string; port: number });
    });
    server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    server.on('exit', (code) => fail(new Error(`hebb serve exited ${code}: ${err}`)));
  });
  const token = new URL(url).searchParams.get('token')!;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
      const res = await fetch(`http://127.0.0.1:${port}/api/${channel}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': token }, body: JSON.stringify(body),
      });
      const envelope = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
      if (!envelope.ok) throw new Error(envelope.error!.message);
      return envelope.value as T;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((ok) => server.once('exit', ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
