// What `npm start` and `npm test` need before they can run, installed where that can be done by the platform's
// ordinary means, otherwise one line saying exactly what to run:
//   - the dependencies (`npm ci` from the lockfile) when node_modules is missing, after checking the C++ toolchain
//     better-sqlite3 compiles with when no prebuilt binary can be downloaded;
//   - for the tests, a Chromium (scripts/browser.mjs), redis-server (the distributed-evaluation tests start their
//     own) and openssl (the rediss:// test makes a throw-away CA), from Debian's packages when run as root with
//     apt-get, all in one apt-get call.
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

/** The redis-server the tests start (REDIS_SERVER=/path overrides, as in src/main/training/redis-server.ts). */
export function redisServerPath(env = process.env) {
  return env.REDIS_SERVER || '/usr/bin/redis-server';
}

/** What the tests need that is missing: `{ package, hint }` per tool, the hint saying what to run instead. */
export function missingTestTools(env = process.env) {
  const missing = [];
  const browser = findChromium(env);
  // An explicit CHROMIUM is never overridden by an install: its error stands on its own.
  if (browser.path === undefined) missing.push({ package: env.CHROMIUM ? undefined : 'chromium', hint: browser.error });
  const redis = redisServerPath(env);
  if (!existsSync(redis)) {
    missing.push({
      package: env.REDIS_SERVER ? undefined : 'redis-server',
      hint: env.REDIS_SERVER
        ? `REDIS_SERVER=${redis} does not exist; point it at a redis-server binary or unset it`
        : `No redis-server at ${redis} (the distributed-evaluation tests start their own); run \`apt-get install -y redis-server\` (Debian/Ubuntu, as root) or set REDIS_SERVER=/path/to/redis-server`,
    });
  }
  if (onPath('openssl', env) === undefined) {
    missing.push({ package: 'openssl', hint: 'No openssl on PATH (the rediss:// test makes a throw-away certificate with it); run `apt-get install -y openssl` (Debian/Ubuntu, as root)' });
  }
  return missing;
}

/** Chromium, redis-server and openssl for the tests: found, or installed from Debian's packages as root (one
 * apt-get call); otherwise a SetupError whose lines say what to run, one per missing tool. */
export function ensureTestTools() {
  let missing = missingTestTools();
  const packages = missing.map((m) => m.package).filter((p) => p !== undefined);
  if (packages.length > 0 && canApt() && aptInstall(packages)) missing = missingTestTools();
  if (missing.length > 0) throw new SetupError(missing.map((m) => m.hint).join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureDependencies();
    if (process.argv[2] === 'test') ensureTestTools();
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
