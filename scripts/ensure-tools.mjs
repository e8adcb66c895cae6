// What `npm start` and `npm test` need before they can run, installed where that can be done by the platform's
// ordinary means, otherwise one line saying exactly what to run:
//   - the dependencies (`npm ci` from the lockfile) when node_modules is missing, after checking the C++ toolchain
//     better-sqlite3 compiles with when no prebuilt binary can be downloaded;
//   - for the tests, a Chromium (scripts/browser.mjs), from Debian's package when run as root with apt-get.
// Usage: node scripts/ensure-tools.mjs [test]   (plain Node: it runs before node_modules exists)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, onPath } from './browser.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TOOLCHAIN = ['python3', 'make', 'g++'];

/** Raised with the one line to print; the caller exits 1. */
export class SetupError extends Error {}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get', process.env) !== undefined;
}

/** `apt-get install -y …` as root, after refreshing the package lists (empty on fresh images; a failed refresh may
 * still leave usable ones, so the install is tried anyway). */
function aptInstall(packages) {
  console.log(`Installing ${packages.join(', ')} with apt-get…`);
  const options = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  spawnSync('apt-get', ['update'], options);
  return spawnSync('apt-get', ['install', '-y', ...packages], options).status === 0;
}

/** The toolchain better-sqlite3 compiles with; installed as root with apt-get, otherwise a one-line warning. */
function checkToolchain() {
  const missing = TOOLCHAIN.filter((tool) => onPath(tool, process.env) === undefined);
  if (missing.length === 0) return undefined;
  if (canApt() && aptInstall(missing)) return undefined;
  const hint = `better-sqlite3 compiles with ${TOOLCHAIN.join(', ')} when no prebuilt binary can be downloaded; missing: ${missing.join(', ')} — run \`sudo apt-get install -y ${TOOLCHAIN.join(' ')}\` (Debian/Ubuntu) or your platform's equivalent`;
  console.warn(hint);
  return hint;
}

export function dependenciesInstalled() {
  return existsSync(join(ROOT, 'node_modules', '.package-lock.json'));
}

/**
 * `npm ci` when node_modules is missing. (Electron's binary is not part of it: Electron's package downloads it on
 * first use, which `npm start` does, and the tests never need it.)
 * @returns {boolean} whether it installed anything
 */
export function ensureDependencies() {
  if (dependenciesInstalled()) return false;
  const toolchainHint = checkToolchain();
  console.log('Installing dependencies (npm ci)…');
  const env = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' };
  const ci = spawnSync(npm, ['ci'], { cwd: ROOT, stdio: 'inherit', env });
  if (ci.status !== 0) throw new SetupError(toolchainHint ?? `npm ci failed (exit ${ci.status}); see its output above`);
  return true;
}

/** A Chromium for the end-to-end tests: found, or installed from Debian's package as root. */
export function ensureBrowser() {
  const found = findChromium();
  if (found.path !== undefined) return found.path;
  if (process.env.CHROMIUM) throw new SetupError(found.error); // an explicit choice is not overridden
  if (canApt() && aptInstall(['chromium'])) {
    const installed = findChromium();
    if (installed.path !== undefined) return installed.path;
  }
  throw new SetupError(found.error);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureDependencies();
    if (process.argv[2] === 'test') ensureBrowser();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
