// The e2e harness stops what it starts: a vitest run of test/fixtures/harness in a child process — with no
// browser, with a test that fails while the workbench is open, and interrupted mid-test — leaves no process of
// the hebb serve it started alive, and a missing browser is reported with what to install.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHILDREN_ENV, groupMembers, loggedChildren } from '../support/children';
import { ROOT } from '../support/serve';

const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = join(ROOT, 'test/fixtures/harness/vitest.config.ts');

interface Run {
  readonly code: number | null;
  readonly output: string;
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture run in a child vitest with its child log in `dir`; `interrupt` once `started` appears in its output. */
function runFixture(env: Record<string, string>, interrupt?: string): Promise<Run> {
  dir = mkdtempSync(join(tmpdir(), 'hebb-harness-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== CHILDREN_ENV));
  const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {
    cwd: ROOT, env: { ...inherited, ...env, [CHILDREN_ENV]: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer): void => {
    output += d.toString();
    if (interrupt && output.includes(interrupt)) {
      interrupt = undefined;
      child.kill('SIGINT'); // what Ctrl-C sends
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((ok) => child.on('close', (code) => ok({ code, output })));
}

function serveChildren(): number[] {
  return loggedChildren(dir).filter((c) => c.command.includes('hebb.js serve')).map((c) => c.pid);
}

describe('the e2e harness', () => {
  it('with no browser, says what to install and starts no server', async () => {
    const run = await runFixture({ CHROMIUM: '/nonexistent/chrome' });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('CHROMIUM=/nonexistent/chrome is not an executable file');
    expect(run.output).toContain('apt-get install -y chromium');
    expect(run.output).toContain('npx playwright-core install chromium');
    expect(run.output).not.toContain('workbench started');
    expect(serveChildren()).toEqual([]);
  });

  it('with nothing on PATH or in the cache, names what it looked for', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hebb-no-browser-'));
    try {
      const run = await runFixture({ CHROMIUM: '', PATH: empty, HOME: empty, PLAYWRIGHT_BROWSERS_PATH: join(empty, 'none') });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain('No Chromium found (looked for chromium, chromium-browser, google-chrome, google-chrome-stable on PATH');
      expect(run.output).toContain('apt-get install -y chromium');
      expect(serveChildren()).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('when a test fails with the workbench open, the server is gone after the run', async () => {
    const run = await runFixture({});
    expect(run.output).toContain('workbench started');
    expect(run.output).toContain('failing on purpose');
    expect(run.code).not.toBe(0);
    const pids = serveChildren();
    expect(pids).toHaveLength(1);
    expect(groupMembers(pids[0]!)).toEqual([]);
  });

  it('when the run is interrupted mid-test, the server is gone after the run', async () => {
    const run = await runFixture({ HARNESS_FIXTURE_HANG: '1' }, 'workbench started');
    expect(run.output).toContain('workbench started');
    const pids = serveChildren();
    expect(pids).toHaveLength(1);
    expect(groupMembers(pids[0]!)).toEqual([]);
  });
});
