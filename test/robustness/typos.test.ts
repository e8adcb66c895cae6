/**
 * No typo silently changes an experiment: at every boundary schema (run configs and their nested groups, damage
 * schedules, every API request), a misspelt or unknown key is refused, naming the key and the field it was probably
 * meant to be — never dropped for a default. Property-based over the schemas, then end to end over HTTP with a real
 * Workbench and SQLite store, where a refused request must leave the store as it was; and a `null` body is refused.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { REQUESTS, type Envelope } from '../../src/common/api';
import { closest, ConfigError, parseConfig, runConfigSchema } from '../../src/core/config';
import { damageScheduleSchema } from '../../src/core/rollout/damage';
import type { WebServer } from '../../src/main/server';
import type { Store } from '../../src/main/store/store';
import { startApiServer, type ApiServer } from '../support/api-server';

/** One-edit typos of `key` (a letter dropped, doubled or swapped with the next) that are no key of `known`. */
function typos(key: string, known: readonly string[]): fc.Arbitrary<string> {
  const edits = new Set<string>();
  for (let i = 0; i < key.length; i++) {
    edits.add(key.slice(0, i) + key.slice(i + 1));
    edits.add(key.slice(0, i) + key[i] + key.slice(i));
    if (i + 1 < key.length) edits.add(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
  }
  const out = [...edits].filter((e) => e.length > 0 && !known.includes(e));
  return fc.constantFrom(...out);
}

const get = (o: unknown, path: readonly string[]): Record<string, unknown> => path.reduce((v, k) => (v as Record<string, unknown>)[k], o) as Record<string, unknown>;

/** A valid input, the paths of its objects (each a strict schema), and the keys each may hold. */
interface Boundary {
  readonly name: string;
  readonly parse: (input: unknown) => unknown;
  readonly valid: unknown;
  readonly groups: readonly { path: readonly string[]; keys: readonly string[] }[];
}

const fullConfig = parseConfig(runConfigSchema, { name: 't', merge: { every: 5 } }, 'run');
const keysOf = (path: string[]): string[] => Object.keys(get(fullConfig, path));
const boundaries: Boundary[] = [
  {
    name: 'run config',
    parse: (c) => parseConfig(runConfigSchema, c, 'run'),
    valid: JSON.parse(JSON.stringify(fullConfig)),
    groups: [[], ['es'], ['policy'], ['heldout'], ['checkpoints'], ['merge']].map((path) => ({ path, keys: keysOf(path) })),
  },
  ...[
    { kind: 'freezeActuators', from: 300, to: 400, value: -1, hebbianSees: 'network', actuators: [0, 1] },
    { kind: 'zeroWeights', at: 300, fraction: 0.5, layers: [0] },
    { kind: 'stopPlasticity', at: 10 },
    { kind: 'actuatorStrength', at: 10, factor: 0.5, actuators: [2] },
  ].map((event) => ({
    name: `damage event ${event.kind}`,
    parse: (d: unknown) => parseConfig(damageScheduleSchema, d, 'damage'),
    valid: [event],
    groups: [{ path: ['0'], keys: Object.keys(event).filter((k) => k !== 'kind') }],
  })),
];

describe('a misspelt key at any boundary schema is refused, naming it and its likely field', () => {
  for (const b of boundaries) {
    it(b.name, () => {
      expect(() => b.parse(b.valid)).not.toThrow();
      const cases = fc.constantFrom(...b.groups).chain((g) => fc.constantFrom(...g.keys).chain((key) => typos(key, g.keys).map((typo) => ({ g, key, typo }))));
      fc.assert(
        fc.property(cases, fc.jsonValue({ maxDepth: 1 }), ({ g, key, typo }, value) => {
          const input = JSON.parse(JSON.stringify(b.valid)) as unknown;
          const group = get(input, g.path);
          group[typo] = group[key] ?? value;
          delete group[key];
          let error: unknown;
          try {
            b.parse(input);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(ConfigError);
          const issue = (error as ConfigError).issues.find((i) => i.message.startsWith('unknown field'));
          expect(issue?.message).toContain(`unknown field ${typo} (did you mean `);
          expect(closest(typo, g.keys)).toBeDefined();
        }),
        { numRuns: 60, seed: 2026 },
      );
    });
  }

  it('every API request schema refuses a key it does not have, by name', () => {
    for (const [channel, schema] of Object.entries(REQUESTS)) {
      const result = (schema as z.ZodType).safeParse({ definitelyNotAField: 1 });
      expect(result.success, channel).toBe(false);
      expect(result.error!.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes('definitelyNotAField')), channel).toBe(true);
    }
  });
});

describe('over HTTP: the request is refused and the store is unchanged', () => {
  let api: ApiServer;
  let store: Store;
  let server: WebServer;
  beforeAll(async () => {
    api = await startApiServer('typos');
    ({ store, server } = api);
    await api.workbench.queue.close(); // nothing trains
  });
  afterAll(() => api.close());

  async function post(channel: string, body: string): Promise<{ status: number; envelope: Envelope<unknown> }> {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/${channel}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': server.token }, body,
    });
    return { status: res.status, envelope: (await res.json()) as Envelope<unknown> };
  }
  const refusal = (e: Envelope<unknown>): string => (e.ok ? '' : `${e.error.message} ${JSON.stringify(e.error.issues ?? [])}`);

  it('runs.create with "generatons" or es.sigmaa creates no run and says which field was meant', async () => {
    const typo = await post('runs.create', JSON.stringify({ config: { name: 'typo', generatons: 3 } }));
    expect(typo.status).toBe(400);
    expect(refusal(typo.envelope)).toContain('unknown field generatons (did you mean generations?)');
    const sigma = await post('runs.create', JSON.stringify({ config: { name: 'typo', es: { sigmaa: 5 } } }));
    expect(sigma.status).toBe(400);
    expect(refusal(sigma.envelope)).toContain('unknown field sigmaa (did you mean sigma?)');
    expect(store.listRuns()).toEqual([]);
  });

  it('a null body is refused, not read as {} (runs.reproducePaper queues nothing)', async () => {
    const r = await post('runs.reproducePaper', 'null');
    expect(r.status).toBe(400);
    expect(refusal(r.envelope)).toContain('must be a group of fields, not null');
    expect(store.listRuns()).toEqual([]);
    // No body at all still means "no fields", as the GUI sends for channels without any.
    expect((await post('runs.list', '')).status).toBe(200);
  });
});
