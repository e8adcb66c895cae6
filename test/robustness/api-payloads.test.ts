/**
 * Every API channel against random and boundary payloads, over web mode's HTTP transport with a real Workbench and
 * SQLite store: each answer is a 2xx or a 4xx envelope (a 400 names the fields at fault), never a 500, never a
 * crash. The training queue is closed, so runs a payload happens to create or resume stay queued (and are removed
 * again).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUESTS, type Envelope } from '../../src/common/api';
import type { WebServer } from '../../src/main/server';
import type { Workbench } from '../../src/main/services/workbench';
import type { Store } from '../../src/main/store/store';
import { startApiServer, type ApiServer } from '../support/api-server';

let api: ApiServer;
let store: Store;
let workbench: Workbench;
let server: WebServer;
beforeAll(async () => {
  api = await startApiServer('api-fuzz');
  ({ store, workbench, server } = api);
  await workbench.queue.close(); // nothing trains: runs a payload creates or resumes stay queued
});
afterAll(() => api.close());

async function post(channel: string, body: string): Promise<{ status: number; envelope: Envelope<unknown> | undefined }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${encodeURIComponent(channel)}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': server.token }, body,
  });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/octet-stream')) return { status: res.status, envelope: undefined };
  return { status: res.status, envelope: (await res.json()) as Envelope<unknown> };
}

/** Values at the edges of what the schemas accept, and just past them. */
const boundary = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 0.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 5e-324, 1e-320),
  fc.constantFrom('', ' ', 'standard', 'damaged-left', '../../etc/passwd', '%', '\u0000', 'é'.repeat(300), 'x'.repeat(70)),
  fc.constantFrom(null, true, false, [], {}, [1, 2], { id: 1 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
);
const value = fc.oneof({ weight: 3, arbitrary: boundary }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });

/** An object with some of the channel's own keys (boundary values) and sometimes a stray one. */
function payloads(keys: readonly string[]): fc.Arbitrary<unknown> {
  const own = keys.length === 0 ? fc.constant({}) : fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });
  return fc.oneof(
    { weight: 4, arbitrary: own },
    { weight: 1, arbitrary: fc.tuple(own, fc.string({ minLength: 1, maxLength: 8 }), value).map(([o, k, v]) => ({ ...(o as object), [k]: v })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const clean = (): void => {
  for (const run of store.listRuns()) store.deleteRun(run.id);
  for (const m of store.listMorphologies()) if (!m.builtin) store.deleteMorphology(m.name);
};

describe('every API channel under random and boundary payloads', () => {
  for (const [channel, schema] of Object.entries(REQUESTS)) {
    const keys = Object.keys((schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
    it(`${channel}: a 2xx or a 4xx envelope naming the field, never a 500`, async () => {
      await fc.assert(
        fc.asyncProperty(payloads(keys), async (payload) => {
          const { status, envelope } = await post(channel, JSON.stringify(payload) ?? 'null');
          clean();
          if (status >= 500) throw new Error(`HTTP ${status} for ${JSON.stringify(payload)}: ${JSON.stringify(envelope)}`);
          if (status >= 400) {
            if (!envelope || envelope.ok) throw new Error(`HTTP ${status} without an error envelope`);
            expect(envelope.error.message.length).toBeGreaterThan(0);
            if (envelope.error.issues) for (const i of envelope.error.issues) expect(i.path).toMatch(/^(request|run|recipe|damage)\b/);
          }
        }),
        { numRuns: 40, seed: 1202 },
      );
    });
  }

  it('malformed bodies: not JSON, deeply nested, or empty — 400 or the channel’s defaults, never a 500', async () => {
    for (const body of ['{', '[', '"', 'nul', '{"id":}', '['.repeat(5000) + ']'.repeat(5000), '', '   ', '\u0000']) {
      const { status } = await post('runs.get', body);
      expect(status, body.slice(0, 20)).toBeLessThan(500);
    }
  });
});
