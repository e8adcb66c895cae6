// `npm start`: installs the dependencies if node_modules is missing, builds the workbench, then runs it in
// Electron when its binary is there or can be downloaded, otherwise in web mode (a loopback server whose URL is
// printed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensureDependencies, SetupError } from './ensure-tools.mjs';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

try {
  ensureDependencies();
} catch (e) {
  if (!(e instanceof SetupError)) throw e;
  console.error(e.message);
  process.exit(1);
}

const build = spawnSync(npm, ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

/**
 * The Electron binary's path, downloaded first if it is missing (Electron's package fetches it on first use, not at
 * install); undefined, after one line saying why, when there is none. Not `require('electron')`: that downloads
 * too, but prints a stack and throws when it cannot.
 */
function electronBinary() {
  const dir = dirname(require.resolve('electron/package.json'));
  const installed = () => {
    try {
      const path = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8'));
      return existsSync(path) ? path : undefined;
    } catch {
      return undefined;
    }
  };
  const found = installed();
  if (found) return found;
  // Electron 45's installer (@electron/get) needs Node >= 22.12; the workbench itself runs on Node >= 20.19.
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.log(`Electron's installer needs Node >= 22.12 (this is ${process.versions.node}): starting web mode.`);
    return undefined;
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log('Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set): starting web mode.');
    return undefined;
  }
  process.stdout.write('Downloading the Electron binary… ');
  const download = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const path = download.status === 0 ? installed() : undefined;
  if (path) console.log('done.');
  else console.log(`failed (${download.stderr.trim().split('\n')[0] || `exit ${download.status}`}): starting web mode; ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips the attempt.`);
  return path;
}

const electron = electronBinary();
let env = process.env;
if (electron) {
  // Electron needs its own build of the SQLite addon (a different ABI from Node's).
  const { ensureElectronBinding } = await import('./electron-native.mjs');
  env = { ...process.env, HEBBIAN_SQLITE_BINDING: ensureElectronBinding() };
}
const [command, args] = electron ? [electron, ['.']] : [process.execPath, ['out/main/hebb.js', 'serve', ...process.argv.slice(2)]];
const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
