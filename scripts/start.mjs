// `npm start`: builds the workbench, then runs it in Electron when the Electron binary is installed, otherwise
// in web mode (a loopback server whose URL is printed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
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
  console.log('Electron binary not installed: starting web mode.');
} else {
  // Electron needs its own build of the SQLite addon (a different ABI from Node's).
  const { ensureElectronBinding } = await import('./electron-native.mjs');
  env = { ...process.env, HEBBIAN_SQLITE_BINDING: ensureElectronBinding() };
}
const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
