// better-sqlite3 for Electron: Electron's ABI differs from Node's, so the addon npm built for Node cannot load in
// Electron's main process (and rebuilding it in place would break the CLI and the tests). This builds a second
// copy against Electron's headers into native/electron-<version>-<platform>-<arch>/better_sqlite3.node (once;
// it needs the network to fetch the headers) and prints its path. `npm start` passes that path to the main process,
// which hands it to better-sqlite3 as `nativeBinding`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

export function electronBindingPath() {
  const version = require('electron/package.json').version;
  return join(root, 'native', `electron-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
}

/** Builds the Electron copy if it is missing; returns its path. */
export function ensureElectronBinding() {
  const target = electronBindingPath();
  if (existsSync(target)) return target;
  const version = require('electron/package.json').version;
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  // node-gyp as npm ships it (npm's own dependency), so nothing extra to install.
  const npmCli = process.env.npm_execpath ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const nodeGyp = join(dirname(dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const work = mkdtempSync(join(tmpdir(), 'hebb-electron-sqlite-'));
  try {
    cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${source}/build`) });
    console.log(`Building better-sqlite3 for Electron ${version} (once; fetches Electron's headers)…`);
    execFileSync(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
      cwd: work,
      stdio: 'inherit',
    });
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureElectronBinding());
