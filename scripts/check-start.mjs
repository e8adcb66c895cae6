// CI's proof that `npm start` works with nothing else typed: runs it (web mode where there is no Electron binary,
// as on CI), waits for the printed URL, loads the workbench page through it, checks that the same page without the
// token is refused, and stops everything it started. Exit 0 when all of that held.
// Usage: node scripts/check-start.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const dir = mkdtempSync(join(tmpdir(), 'hebb-start-'));
const started = Date.now();
// Its own process group, so that stopping it stops npm, start.mjs and the server together.
const child = spawn(npm, ['start', '--', '--port', '0', '--db', join(dir, 'workbench.db')], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', () => {
  stop();
  rmSync(dir, { recursive: true, force: true });
});

function fail(message) {
  console.error(`check-start: ${message}`);
  process.exit(1);
}

const url = await new Promise((ok) => {
  let out = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    out += d.toString();
    const found = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
    if (found) ok(found[1]);
  });
  child.on('exit', (code) => fail(`npm start exited (${code}) before printing a URL`));
  setTimeout(() => fail('no URL printed within 10 minutes'), 600_000).unref();
});
const page = await fetch(url);
const html = await page.text();
if (page.status !== 200 || !html.includes('<title>Hebbian Workbench</title>')) fail(`${url} answered ${page.status}, not the workbench page`);
const refused = await fetch(url.replace(/\?token=.*/, ''));
if (refused.status !== 401) fail(`the page without the token answered ${refused.status}, not 401`);
console.log(`check-start: npm start served the workbench at ${new URL(url).origin} after ${((Date.now() - started) / 1000).toFixed(1)} s; without the token: 401`);
process.exit(0);
