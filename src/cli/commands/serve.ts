/**
 * `hebb serve [--port N] [--db PATH] [--workers N]`: web mode — the workbench services (training queue included)
 * behind a loopback HTTP + WebSocket server with a per-launch token, serving the built renderer. Ctrl-C pauses the
 * training run after its generation in flight (it continues at the next start) and exits 0.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../../main/server';
import { Workbench } from '../../main/services/workbench';
import type { Store } from '../../main/store/store';
import { flag, parseArgs, STORE_FLAGS, UsageError, WORKERS_FLAG, type FlagTable, type ParsedArgs } from '../args';
import { checkRedis, REDIS_FLAG, redisUrl } from './worker';

export const SERVE_FLAGS = {
  ...STORE_FLAGS,
  json: { kind: 'boolean', help: 'print the URL as one JSON line { url, port }' },
  port: { kind: 'int', help: 'the port on 127.0.0.1 (0: any free port)', default: 0 },
  workers: WORKERS_FLAG,
  ...REDIS_FLAG,
} as const satisfies FlagTable;

/** out/renderer, from the sources (src/cli/commands) or from the bundle (out/main). */
function rendererDir(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(here.includes('/src/cli/') ? '../../../out/renderer' : '../renderer', import.meta.url));
}

export async function serveCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): Promise<void> {
  const args = parseArgs(argv, SERVE_FLAGS, 'hebb serve');
  if (args.positional.length > 0) throw new UsageError(`hebb serve takes no arguments, got "${args.positional[0]}"`);
  const port = flag(args, 'port', 'int') ?? SERVE_FLAGS.port.default;
  if (port < 0 || port > 65535) throw new UsageError(`--port must be in [0, 65535], got ${port}`);
  const workers = flag(args, 'workers', 'int');
  if (workers !== undefined && (workers < 1 || workers > 256)) throw new UsageError(`--workers must be in [1, 256], got ${workers}`);
  const redis = redisUrl(args);
  if (redis && args.flags.has('workers')) throw new UsageError('--workers sets this machine\'s threads; with --redis the threads are the workers\' (hebb worker --workers N)');
  const dir = rendererDir();
  if (!existsSync(`${dir}/index.html`)) throw new Error(`the renderer is not built (${dir}); run \`npm run build\` first`);
  await checkRedis(args);
  const store = open(args);
  const workbench = new Workbench(store, { workers, ...(redis ? { redis } : {}) });
  // The distributed engine's waits are told here too, as hebb train tells them.
  workbench.subscribe((event, payload) => {
    if (event === 'engine') process.stderr.write(`run ${(payload as { runId: number }).runId}: ${(payload as { status: string }).status}\n`);
  });
  let server;
  try {
    server = await startWebServer({ rendererDir: dir, port, api: workbench });
  } catch (e) {
    store.close();
    throw new UsageError(`--port: cannot listen on 127.0.0.1:${port} (${(e as Error).message})`);
  }
  workbench.start();
  process.stdout.write(flag(args, 'json', 'boolean') ? `${JSON.stringify({ url: server.url, port: server.port })}\n` : `Hebbian Workbench (web mode): open ${server.url}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('stopping: the training run pauses after its generation in flight…\n');
      void workbench.close().then(() => server.close()).finally(() => {
        store.close();
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
