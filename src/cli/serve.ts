/** Web mode entry (`npm start` without the Electron binary): serves the built renderer and prints its URL. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../main/server';

const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const portArg = process.argv.indexOf('--port');
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('serve: --port must be an integer in [0, 65535]\n');
  process.exit(2);
}
if (!existsSync(`${rendererDir}/index.html`)) {
  process.stderr.write('serve: the renderer is not built; run `npm run build` first\n');
  process.exit(1);
}
const server = await startWebServer({ rendererDir, port });
process.stdout.write(`Hebbian Workbench (web mode) — open ${server.url}\n`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
