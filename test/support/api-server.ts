/**
 * The workbench's services behind web mode's HTTP + WebSocket transport in this process: a real SQLite store in a
 * temporary directory, a Workbench with one evaluator worker, and the server on a free loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebServer, type WebServer } from '../../src/main/server';
import { Workbench } from '../../src/main/services/workbench';
import { Store } from '../../src/main/store/store';
import { ensurePresets } from '../../src/main/training/coordinator';

export interface ApiServer {
  readonly dir: string;
  readonly store: Store;
  readonly workbench: Workbench;
  readonly server: WebServer;
  close(): Promise<void>;
}

export async function startApiServer(name: string): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), `hebb-${name}-`));
  const store = Store.open(join(dir, 'w.db'));
  ensurePresets(store);
  const workbench = new Workbench(store, { workers: 1 });
  const server = await startWebServer({ rendererDir: dir, port: 0, api: workbench });
  return {
    dir, store, workbench, server,
    async close() {
      await workbench.close();
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
