// Where the end-to-end tests find a Chromium, in this order: $CHROMIUM (authoritative when set), the system's
// chromium or chrome on PATH, then Playwright's browser cache. Shared by the e2e harness and
// scripts/ensure-tools.mjs, so both look in the same places and say the same thing when nothing is there.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const SYSTEM_BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The commands a person can run to get a browser the tests will find. */
export const INSTALL_HINT =
  'install one: `apt-get install -y chromium` (Debian/Ubuntu, as root), or `npx playwright-core install chromium`, or set CHROMIUM=/path/to/chrome';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable `name` on env.PATH, or undefined. */
export function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Playwright keeps browsers in $PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright, one chromium-<revision> each. */
function playwrightCache(env) {
  const root = env.PLAYWRIGHT_BROWSERS_PATH || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'ms-playwright');
  if (!existsSync(root)) return [];
  const revisions = readdirSync(root).filter((d) => /^chromium-\d+$/.test(d)).sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  // Newer Playwright unpacks Chrome for Testing into chrome-linux64/, older releases into chrome-linux/.
  return revisions.flatMap((d) => ['chrome-linux64', 'chrome-linux'].map((sub) => join(root, d, sub, 'chrome')));
}

/**
 * The Chromium to drive: `{ path }`, or `{ error }` saying where it looked and what to install.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ path: string, error?: undefined } | { path?: undefined, error: string }}
 */
export function findChromium(env = process.env) {
  const explicit = env.CHROMIUM;
  if (explicit) {
    return isExecutable(explicit) ? { path: explicit } : { error: `CHROMIUM=${explicit} is not an executable file; ${INSTALL_HINT}` };
  }
  for (const name of SYSTEM_BROWSERS) {
    const found = onPath(name, env);
    if (found) return { path: found };
  }
  const cached = playwrightCache(env).find(isExecutable);
  if (cached) return { path: cached };
  return { error: `No Chromium found (looked for ${SYSTEM_BROWSERS.join(', ')} on PATH and in Playwright's cache); ${INSTALL_HINT}` };
}
