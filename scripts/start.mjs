// `npm start`: installs the dependencies if node_modules is missing, builds the workbench, then runs it in
// Electron when the Electron binary is installed, otherwise in web mode (a loopback server whose URL is printed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ensureDependencies, SetupError } from './ensure-tools.mjs';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The dependencies install without Electron's binary, which is fetched on its own afterwards: a machine that
// cannot reach Electron's download host still gets a working install, and web mode.
let electronMissing = 'not installed';
try {
  if (ensureDependencies() && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    const download = spawnSync(process.execPath, ['node_modules/electron/install.js'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (download.status !== 0) electronMissing = `could not be downloaded: ${download.stderr.trim().split('\n')[0]}`;
  }
} catch (e) {
  if (!(e instanceof SetupError)) throw e;
  console.error(e.message);
  process.exit(1);
}

const build = spawnSync(npm, ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);

let electron;
try {
  electron = require('electron'); // the binary's path; throws if it was never downloaded
} catch {
  electron = undefined;
}
const [command, args] =
  typeof electron === 'string' && existsSync(electron)
    ? [electron, ['.']]
    : [process.execPath, ['out/main/hebb.js', 'serve', ...process.argv.slice(2)]];
let env = process.env;
if (command === process.execPath) {
  console.log(`Electron binary ${electronMissing}: starting web mode.`);
} else {
  // Electron needs its own build of the SQLite addon (a different ABI from Node's).
  const { ensureElectronBinding } = await import('./electron-native.mjs');
  env = { ...process.env, HEBBIAN_SQLITE_BINDING: ensureElectronBinding() };
}
const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
