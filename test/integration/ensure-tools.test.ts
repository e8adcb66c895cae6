// Where the tests look for a Chromium (scripts/browser.mjs), checked against constructed directories of real
// files, and what `npm test`'s first step (scripts/ensure-tools.mjs) says when there is none and it cannot
// install one.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from '../../scripts/browser.mjs';
import { ROOT } from '../support/serve';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hebb-browser-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file at `path` (under the temp dir), executable unless told otherwise. */
function file(path: string, executable = true): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '#!/bin/sh\n');
  chmodSync(full, executable ? 0o755 : 0o644);
  return full;
}

describe('findChromium', () => {
  it('takes $CHROMIUM over everything else, and refuses one that is not executable', () => {
    const chosen = file('mine/chrome');
    file('bin/chromium');
    expect(findChromium({ CHROMIUM: chosen, PATH: join(dir, 'bin') })).toEqual({ path: chosen });
    const broken = findChromium({ CHROMIUM: file('mine/plain', false), PATH: join(dir, 'bin') });
    expect(broken.path).toBeUndefined();
    expect(broken.error).toContain(`CHROMIUM=${join(dir, 'mine/plain')} is not an executable file`);
  });

  it('looks on PATH in order chromium, chromium-browser, google-chrome, google-chrome-stable', () => {
    const stable = file('b/google-chrome-stable');
    const chrome = file('a/google-chrome');
    const env = { PATH: `${join(dir, 'a')}:${join(dir, 'b')}`, HOME: dir };
    expect(findChromium(env)).toEqual({ path: chrome });
    rmSync(chrome);
    expect(findChromium(env)).toEqual({ path: stable });
    const chromium = file('b/chromium');
    expect(findChromium(env)).toEqual({ path: chromium });
  });

  it("falls back to the newest revision in Playwright's cache, either layout, skipping non-executables", () => {
    const env = { PATH: join(dir, 'empty'), HOME: dir };
    const old = file('.cache/ms-playwright/chromium-1100/chrome-linux/chrome');
    file('.cache/ms-playwright/chromium-1255/chrome-linux64/chrome', false);
    file('.cache/ms-playwright/chromium_headless_shell-1300/chrome-linux64/chrome');
    expect(findChromium(env)).toEqual({ path: old });
    const newest = file('.cache/ms-playwright/chromium-1255/chrome-linux/chrome');
    expect(findChromium(env)).toEqual({ path: newest });
    const moved = file('elsewhere/chromium-900/chrome-linux64/chrome');
    expect(findChromium({ ...env, PLAYWRIGHT_BROWSERS_PATH: join(dir, 'elsewhere') })).toEqual({ path: moved });
  });

  it('says where it looked and what to run when there is nothing', () => {
    const none = findChromium({ PATH: join(dir, 'empty'), HOME: dir });
    expect(none.error).toBe(
      "No Chromium found (looked for chromium, chromium-browser, google-chrome, google-chrome-stable on PATH and in Playwright's cache); " +
        'install one: `apt-get install -y chromium` (Debian/Ubuntu, as root), or `npx playwright-core install chromium`, or set CHROMIUM=/path/to/chrome',
    );
  });
});

describe('scripts/ensure-tools.mjs test', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/ensure-tools.mjs'), 'test'], { cwd: ROOT, env, encoding: 'utf8' });

  it('on a machine with no browser, redis-server or openssl and no apt-get, stops with one line per tool saying what to run', () => {
    // A fresh machine as a non-root user sees it: nothing on PATH, no redis-server where the tests look.
    const env = { PATH: join(dir, 'empty'), HOME: dir, REDIS_SERVER: join(dir, 'no/redis-server') };
    const result = run(env);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      findChromium(env).error,
      `REDIS_SERVER=${join(dir, 'no/redis-server')} does not exist; point it at a redis-server binary or unset it`,
      'No openssl on PATH (the rediss:// test makes a throw-away certificate with it); run `apt-get install -y openssl` (Debian/Ubuntu, as root)',
    ]);
  });

  it('with only redis-server missing, names it alone', () => {
    file('bin/openssl');
    const result = run({ PATH: join(dir, 'bin'), HOME: dir, CHROMIUM: file('chrome'), REDIS_SERVER: join(dir, 'gone') });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`REDIS_SERVER=${join(dir, 'gone')} does not exist; point it at a redis-server binary or unset it`);
  });

  it('with a browser, redis-server and openssl, succeeds silently', () => {
    file('bin/openssl');
    const result = run({ PATH: join(dir, 'bin'), HOME: dir, CHROMIUM: file('chrome'), REDIS_SERVER: file('redis-server') });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });
});
