import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Envelope, EventName } from '../../src/common/api';
import { MAX_MJCF_CHARS } from '../../src/core/morphology/limits';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import type { WebServer } from '../../src/main/server';
import type { Workbench } from '../../src/main/services/workbench';
import type { GenerationRecord, Store } from '../../src/main/store/store';
import { startApiServer, type ApiServer } from '../support/api-server';

const TINY = { name: 'tiny', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'], seed: 3 };

let api: ApiServer;
let store: Store;
let workbench: Workbench;
let server: WebServer;
beforeAll(async () => {
  api = await startApiServer('web-api');
  ({ store, workbench, server } = api);
});
afterAll(() => api.close());

async function call(channel: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; envelope: Envelope<unknown> }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': server.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, envelope: (await res.json()) as Envelope<unknown> };
}
const value = async <T>(channel: string, body: unknown): Promise<T> => {
  const { envelope } = await call(channel, body);
  if (!envelope.ok) throw new Error(envelope.error.message);
  return envelope.value as T;
};

function events(query = `?token=${server?.token}`, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; received: { event: EventName; payload: never; at: number }[] }> {
  return new Promise((ok, fail) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events${query}`, { headers });
    const received: { event: EventName; payload: never; at: number }[] = [];
    socket.on('message', (m) => received.push({ ...(JSON.parse(String(m)) as { event: EventName; payload: never }), at: Date.now() }));
    socket.on('open', () => ok({ socket, received }));
    socket.on('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    socket.on('error', fail);
  });
}

describe('web mode API', () => {
  it('refuses calls and sockets without the token (401) or from another origin (403)', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/runs.list`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect((await call('runs.list', {}, { 'x-workbench-token': 'x'.repeat(32) })).status).toBe(401);
    expect((await call('runs.list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    await expect(events('')).rejects.toThrow('HTTP 401');
    await expect(events(`?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers bad requests with the field at fault and the right status', async () => {
    const bad = await call('runs.create', { config: { ...TINY, es: { popSize: 3 } } });
    expect(bad.status).toBe(400);
    expect(bad.envelope).toMatchObject({ ok: false, error: { kind: 'invalid', issues: [{ path: 'run.es.popSize', message: 'must be even (mirrored sampling)' }] } });
    const overlap = await call('runs.create', { config: { ...TINY, heldout: { morphologies: ['standard'] } } });
    expect(overlap.status).toBe(400);
    expect(overlap.envelope).toMatchObject({ ok: false, error: { issues: [{ path: 'run.heldout.morphologies', message: 'must not include a training morphology (held-out bodies are never trained on)' }] } });
    const car = await call('runs.create', { config: { ...TINY, env: 'racing' } });
    expect(car.status).toBe(400);
    expect(car.envelope).toMatchObject({ ok: false, error: { issues: [{ path: 'run.morphologies', message: expect.stringContaining('does not apply to a racing run') as unknown }] } });
    const extra = await call('runs.get', { id: 1, colour: 'red' });
    expect(extra.status).toBe(400);
    expect(extra.envelope.ok || extra.envelope.error.message).toContain('request');
    expect((await call('runs.get', { id: 999 })).status).toBe(404);
    expect((await call('runs.fly', {})).status).toBe(404);
    expect((await call('runs.list', '{not json')).status).toBe(400);
    const get = await fetch(`http://127.0.0.1:${server.port}/api/runs.list`, { headers: { 'x-workbench-token': server.token } });
    expect(get.status).toBe(405);
    expect(store.listRuns()).toHaveLength(0);
  });

  it('refuses a bad config, damage schedule or recipe at the boundary, naming its field beside the request\'s other faults', async () => {
    type Refusal = { ok: false; error: { kind: string; message: string; issues: { path: string; message: string }[] } };
    const refused = async (channel: string, body: unknown): Promise<Refusal['error']> => {
      const { status, envelope } = await call(channel, body);
      expect(status).toBe(400);
      return (envelope as Refusal).error;
    };
    const paths = (e: Refusal['error']): string[] => e.issues.map((i) => i.path).sort();

    // The payload is checked with the request, not after it: both faults are named at once.
    const config = await refused('runs.create', { config: { ...TINY, es: { popSize: 3 } }, colour: 'red' });
    expect(paths(config)).toEqual(['request', 'run.es.popSize']);
    expect(config.issues).toContainEqual({ path: 'run.es.popSize', message: 'must be even (mirrored sampling)' });
    expect(config.message).toContain('run.es.popSize: must be even (mirrored sampling)');
    expect(paths(await refused('runs.create', { config: { ...TINY, name: 'x', policy: { kind: 'plastic' } } }))).toEqual(['run.policy.kind']);
    expect(paths(await refused('runs.create', {}))).toEqual(['run']);
    expect(store.listRuns()).toHaveLength(0);

    const damage = await refused('episodes.record', { runId: 1, morphology: 'standard', seed: -1, damage: [{ kind: 'freezeActuators', from: 9, to: 3 }] });
    expect(paths(damage)).toEqual(['damage.0.to', 'request.seed']);
    expect(damage.issues).toContainEqual({ path: 'damage.0.to', message: 'must be after from (9)' });
    expect(paths(await refused('episodes.record', { runId: 1, morphology: 'standard', damage: [{ kind: 'stopPlasticity', at: 5 }, { kind: 'melt', at: 2 }] }))).toEqual(['damage.1.kind']);
    expect(paths(await refused('episodes.record', { runId: 1, morphology: 'standard', damage: { kind: 'stopPlasticity', at: 5 } }))).toEqual(['damage']);

    const recipe = await refused('experiments.run', { recipe: { kind: 'freezeActuators', from: 400, to: 300 }, runIds: [] });
    expect(paths(recipe)).toEqual(['recipe.to', 'request.runIds']);
    expect(recipe.issues).toContainEqual({ path: 'recipe.to', message: 'must be after from (400)' });
    expect(paths(await refused('experiments.run', { recipe: { kind: 'zeroWeights', fraction: 0, layers: [1] }, runIds: [1] }))).toEqual(['recipe', 'recipe.fraction']);
    expect(paths(await refused('experiments.run', { runIds: [1] }))).toEqual(['recipe']);
    expect(await value<unknown[]>('experiments.list', {})).toEqual([]);
  });

  it('a malformed percent-encoded channel is a 400 envelope; content types are matched exactly', async () => {
    const malformed = await call('%', {});
    expect(malformed.status).toBe(400);
    expect(malformed.envelope).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('percent-encoding') } });
    expect((await call('runs.list', {}, { 'content-type': 'application/jsonx' })).status).toBe(415);
    expect((await call('runs.list', {}, { 'content-type': 'application/json-patch+json' })).status).toBe(415);
    expect((await call('runs.list', {}, { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
  });

  it('creates a run that trains; its status and generation events (with held-out tests) arrive over the socket in order', async () => {
    const { socket, received } = await events();
    const { id } = await value<{ id: number }>('runs.create', { config: { ...TINY, heldout: { morphologies: ['damaged-left'], every: 1, episodes: 1 } } });
    const deadline = Date.now() + 60_000;
    while (!received.some((e) => e.event === 'status' && (e.payload as { status: string }).status === 'finished') && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 50));
    }
    socket.close();
    const sequence = received.map((e) => (e.event === 'status' ? (e.payload as { status: string }).status : `g${(e.payload as { record: { generation: number } }).record.generation}`));
    expect(sequence).toEqual(['queued', 'running', 'g0', 'g1', 'finished']);
    // A status event carries the run's summary as of the change, so clients need not refetch it.
    expect(received.at(-1)!.payload).toMatchObject({ run: { id, status: 'finished', generation: 2, pending: null } });
    const detail = await value<{ run: { generation: number; status: string }; generations: unknown[]; heldout: { generation: number; morphology: string }[] }>('runs.get', { id });
    expect(detail.run).toMatchObject({ generation: 2, status: 'finished' });
    expect(detail.generations).toHaveLength(2);
    expect(detail.heldout.map((h) => [h.generation, h.morphology])).toEqual([[0, 'damaged-left'], [1, 'damaged-left']]);
    const pushed = received.filter((e) => e.event === 'generation').flatMap((e) => (e.payload as { heldout: unknown[] }).heldout);
    expect(pushed).toEqual(detail.heldout);
    expect(await value<unknown[]>('runs.generations', { id, from: 1 })).toHaveLength(1);
  });

  it('records an episode (with progress and damage), lists it, serves its trajectory as bytes, deletes it', async () => {
    const { socket, received } = await events();
    const damage = [{ kind: 'freezeActuators', from: 5, to: 15, value: 0 }];
    const episode = await value<{ id: number; runId: number; damage: unknown; envSteps: number }>('episodes.record', { runId: 1, morphology: 'damaged-left', seed: 4, damage, weightStride: 20 });
    socket.close();
    expect(episode).toMatchObject({ runId: 1, damage });
    expect(received.some((e) => e.event === 'progress' && (e.payload as { task: string; done: number }).task === 'record')).toBe(true);
    expect((await value<{ id: number }[]>('episodes.list', { runId: 1 })).map((e) => e.id)).toEqual([episode.id]);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/episodes.trajectory`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-workbench-token': server.token }, body: JSON.stringify({ id: episode.id }),
    });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Buffer.equals, not toEqual: an element-wise diff of megabytes blocks this thread, which also runs the server.
    expect(Buffer.from(bytes).equals(store.episodeTrajectory(episode.id))).toBe(true);
    expect(decodeRecording(bytes).envSteps).toBe(episode.envSteps);
    const bad = await call('episodes.record', { runId: 1, morphology: 'standard', damage: [{ kind: 'freezeActuators', from: 9, to: 3, value: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.envelope).toMatchObject({ ok: false, error: { issues: [{ path: 'damage.0.to' }] } });
    expect((await call('episodes.record', { runId: 1, morphology: 'tripod' })).status).toBe(404);
    const initial = await value<{ id: number; generation: number }>('episodes.record', { runId: 1, morphology: 'standard', generation: 0, weightStride: 0 });
    expect(initial.generation).toBe(0); // the initial centre
    await value('episodes.delete', { id: initial.id });
    expect(await value('episodes.delete', { id: episode.id })).toEqual({ id: episode.id });
    expect(await value<unknown[]>('episodes.list', {})).toEqual([]);
  });

  it('pause, resume, stop and delete; a conflicting action is a 409', async () => {
    const { socket: watch, received: seen } = await events();
    const { id } = await value<{ id: number }>('runs.create', { config: { ...TINY, name: 'second', generations: 50 } });
    // It is training: the pause lands after the generation in flight.
    expect(await value<{ status: string; pending: string }>('runs.pause', { id })).toMatchObject({ status: 'running', pending: 'paused' });
    while (!seen.some((e) => e.event === 'status' && (e.payload as { status: string }).status === 'paused')) await new Promise((ok) => setTimeout(ok, 50));
    watch.close();
    expect(await value<{ status: string; pending: null }>('runs.get', { id })).toMatchObject({ run: { status: 'paused', pending: null } });
    const again = await call('runs.pause', { id });
    expect(again.status).toBe(409);
    expect((await value<{ status: string }>('runs.resume', { id })).status).toMatch(/queued|running/);
    expect(await value<{ pending: string }>('runs.stop', { id })).toMatchObject({ pending: 'stopped' });
    await workbench.queue.idle();
    expect(store.getRun(id).status).toBe('stopped');
    expect((await call('runs.resume', { id: 999 })).status).toBe(404);
    expect((await value<{ status: string }>('runs.annotate', { id, tags: ['baseline', 'baseline'], notes: 'n' }))).toMatchObject({ tags: ['baseline'], notes: 'n' });
    const { socket, received } = await events();
    expect(await value('runs.delete', { id })).toEqual({ id });
    await new Promise((ok) => setTimeout(ok, 100));
    socket.close();
    expect(received.map((e) => e.event)).toContain('deleted');
    expect((await call('runs.get', { id })).status).toBe(404);
  });

  it("queues the paper's experiment: Hebbian and static runs per seed, the quadruped's then the car's", async () => {
    const { ids } = await value<{ ids: number[] }>('runs.reproducePaper', { seeds: [7], generations: 2 });
    for (const id of ids) await call('runs.stop', { id }); // set aside before any generation is evaluated
    await workbench.queue.idle();
    type Stored = { name: string; env: string; policy: { kind: string; normalise?: boolean }; morphologies: string[]; seed: number; es: { popSize: number }; heldout: unknown };
    const configs = ids.map((id) => store.getRun(id).config as Stored);
    expect(configs.map((c) => [c.name, c.env, c.policy.kind, c.seed, c.morphologies, c.es.popSize, c.heldout])).toEqual([
      ['paper hebbian seed 7', 'quadruped', 'hebbian', 7, ['standard', 'damaged-right'], 200, { morphologies: ['damaged-left'], every: 10, episodes: 5 }],
      ['paper static seed 7', 'quadruped', 'static', 7, ['standard', 'damaged-right'], 200, { morphologies: ['damaged-left'], every: 10, episodes: 5 }],
      ['paper car hebbian seed 7', 'racing', 'hebbian', 7, [], 200, { morphologies: [], tracks: true, every: 10, episodes: 5 }],
      ['paper car static seed 7', 'racing', 'static', 7, [], 200, { morphologies: [], tracks: true, every: 10, episodes: 5 }],
    ]);
    expect(configs[2]!.policy.normalise).toBe('maxabs'); // the paper's car normalises; the quadruped's does not
    expect(configs[0]!.policy.normalise).toBe('none');

    const car = await value<{ ids: number[] }>('runs.reproducePaper', { seeds: [8], generations: 2, tasks: ['racing'] });
    for (const id of car.ids) await call('runs.stop', { id });
    await workbench.queue.idle();
    expect(car.ids.map((id) => store.getRun(id).name)).toEqual(['paper car hebbian seed 8', 'paper car static seed 8']);

    const runsBefore = store.listRuns().length;
    expect((await call('runs.reproducePaper', { seeds: [] })).status).toBe(400);
    const badTask = await call('runs.reproducePaper', { seeds: [1], tasks: ['car'] });
    expect(badTask.status).toBe(400);
    expect(JSON.stringify(badTask.envelope)).toContain('tasks');
    expect((await call('runs.reproducePaper', { seeds: [1], tasks: [] })).status).toBe(400);
    expect((await call('runs.reproducePaper', { seeds: [1], tasks: ['racing', 'racing'] })).status).toBe(400);
    expect(store.listRuns().length).toBe(runsBefore); // a refused request queues nothing
  });

  it('estimates how long a run or the paper experiment would take, from the generations trained in this store', async () => {
    // Earlier tests in this file trained quadruped generations here; whatever they measured, the paper's two runs
    // at 2 generations live 2 × 200 × 2 training lifetimes and 2 held-out tests of 5 (generations 0 and 1), each.
    const paper = await value<{ seconds: number | null; lifetimes: number; basis: string }>('runs.estimate', { paper: { seeds: [7], generations: 2, tasks: ['quadruped'] } });
    expect(paper.lifetimes).toBe(2 * (2 * 200 * 2 + 2 * 5));
    expect(paper.seconds).toBeGreaterThan(0);
    expect(paper.basis).toMatch(/^measured over the last \d+ generations? trained here: \d+ env steps\/s, \d+ steps a lifetime$/);
    // With the car (the default: both tasks), whose speed no generation here has measured: no time, and why.
    const both = await value<{ seconds: number | null; lifetimes: number; basis: string }>('runs.estimate', { paper: { seeds: [7], generations: 2 } });
    expect(both.lifetimes).toBe(paper.lifetimes + 2 * (2 * 200 + 2 * 5)); // a car run: 2 × 200 lifetimes, 2 tests of 5 on unseen tracks
    expect(both.seconds).toBeNull();
    expect(both.basis).toMatch(/^quadruped runs: about [\d.]+ h, measured over .*; car runs: nothing measured yet: no car generation has been trained in this store/);
    const one = await value<{ seconds: number; lifetimes: number }>('runs.estimate', { config: { name: 'e', es: { popSize: 10 }, generations: 5, morphologies: ['standard'] } });
    expect(one.lifetimes).toBe(50);
    // The same speed: time is proportional to lifetimes.
    expect(one.seconds / paper.seconds!).toBeCloseTo(50 / paper.lifetimes, 9);
    const bad = await call('runs.estimate', { config: { name: 'e', es: { popSize: 'many' } } });
    expect(bad.status).toBe(400);
    expect((await call('runs.estimate', {})).status).toBe(400);
  });

  it('lists morphologies with their summaries', async () => {
    const list = await value<{ name: string; mass: number }[]>('morphologies.list', {});
    expect(list.map((m) => m.name).sort()).toEqual(['damaged-left', 'damaged-right', 'standard']);
  });

  it('saves, gets and deletes user morphologies; bad MJCF is a 400 naming the fault, built-ins are a 409', async () => {
    const standard = await value<{ mjcf: string; builtin: boolean }>('morphologies.get', { name: 'standard' });
    expect(standard.builtin).toBe(true);
    const longer = standard.mjcf.replace('fromto="0 0 0 0.4 -0.4 0"', 'fromto="0 0 0 0.6 -0.6 0"');
    const saved = await value<{ name: string; segments: { name: string; length: number }[] }>('morphologies.save', { name: 'long-fr', mjcf: longer });
    expect(saved.segments.find((g) => g.name === 'fourth_ankle_geom')!.length).toBeCloseTo(0.6 * Math.SQRT2, 9);
    expect((await value<{ mjcf: string }>('morphologies.get', { name: 'long-fr' })).mjcf).toBe(longer);

    const broken = await call('morphologies.save', { name: 'broken', mjcf: standard.mjcf.replace('name="ankle_4"', 'name="knee_4"') });
    expect(broken.status).toBe(400);
    expect(broken.envelope).toMatchObject({ ok: false, error: { message: "broken: MJCF: line 59: <motor> joint: no hinge is named 'ankle_4'" } });
    expect((await call('morphologies.save', { name: 'standard', mjcf: longer })).status).toBe(409);
    expect((await call('morphologies.save', { name: 'bad name!', mjcf: longer })).status).toBe(400);
    expect((await call('morphologies.delete', { name: 'standard' })).status).toBe(409);
    expect((await call('morphologies.get', { name: 'nope' })).status).toBe(404);
    expect(await value('morphologies.delete', { name: 'long-fr' })).toEqual({ name: 'long-fr' });
    expect((await value<{ name: string }[]>('morphologies.list', {})).map((m) => m.name)).not.toContain('long-fr');
  });

  it('lists a stored body the stricter reader now refuses with the reason, instead of failing the list', async () => {
    const { mjcf } = await value<{ mjcf: string }>('morphologies.get', { name: 'standard' });
    // The earlier reader ignored unknown attributes and a narrow control range; this one refuses both.
    store.saveMorphology('legacy', mjcf.replace('<motor joint="hip_4" gear="150" ctrllimited="true" ctrlrange="-1 1"', '<motor joint="hip_4" gear="150" ctrllimited="true" ctrlrange="-0.5 0.5"'));
    const listed = await value<{ name: string; problem?: string }[]>('morphologies.list', {});
    expect(listed.find((m) => m.name === 'legacy')!.problem).toBe("MJCF: line 58: <motor> ctrlrange: must contain [-1, 1] (the policy's actions), got -0.5 0.5");
    expect(listed.find((m) => m.name === 'standard')!.problem).toBeUndefined();
    await value('morphologies.delete', { name: 'legacy' });
  });

  it(`takes an MJCF of exactly ${MAX_MJCF_CHARS} characters (the CLI's limit too), however it escapes in JSON, and refuses one more naming mjcf`, async () => {
    const { mjcf } = await value<{ mjcf: string }>('morphologies.get', { name: 'standard' });
    // A comment of quotes: every one is two bytes in JSON, so the request is ≈ 2 MB.
    const padded = mjcf.replace('</mujoco>', `<!--${'"'.repeat(MAX_MJCF_CHARS - mjcf.length - 7)}--></mujoco>`);
    expect(padded.length).toBe(MAX_MJCF_CHARS);
    expect((await value<{ name: string }>('morphologies.save', { name: 'padded', mjcf: padded })).name).toBe('padded');
    const over = await call('morphologies.save', { name: 'over', mjcf: `${padded} ` });
    expect(over.status).toBe(400);
    expect(over.envelope).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(JSON.stringify(over.envelope)).toContain('mjcf');
    expect(JSON.stringify(over.envelope)).toContain(String(MAX_MJCF_CHARS));
    await value('morphologies.delete', { name: 'padded' });
  });

  it("answers runs.checkpoints with just the kept centres, generation 0's first, the best generation's marked; bad requests name the field", async () => {
    // Constructed in the store (finished, so the queue leaves them alone): generation g's commit stores checkpoint
    // g + 1, the default keeps the latest three, and the centre that produced the best mean stays.
    const record = (generation: number, mean: number): GenerationRecord => ({
      generation, mean, max: mean, min: mean, std: 0, perMorphology: { standard: mean }, lr: 0.2, sigma: 0.1, envSteps: 10, wallMs: 1, blownUp: 0,
    });
    const run = (means: number[]): number => {
      const { id } = store.createRun({ name: 'centres', config: TINY, seed: 3, status: 'finished' });
      means.forEach((mean, g) => store.commitGeneration(id, record(g, mean), new Uint8Array([g + 1])));
      return id;
    };
    const untrained = run([]);
    const middle = run([1, 5, 2, 3, 2, 1]); // generation 1 best: checkpoint 1 (its centre) kept beside 4, 5, 6
    const first = run([5, 1, 1, 1, 1]); // generation 0 best: its centre is the initial one, never stored
    expect(await value('runs.checkpoints', { id: untrained })).toEqual([{ generation: 0, best: false }]);
    expect(await value('runs.checkpoints', { id: middle })).toEqual([
      { generation: 0, best: false }, { generation: 1, best: true }, { generation: 4, best: false }, { generation: 5, best: false }, { generation: 6, best: false },
    ]);
    expect(await value('runs.checkpoints', { id: first })).toEqual([
      { generation: 0, best: true }, { generation: 3, best: false }, { generation: 4, best: false }, { generation: 5, best: false },
    ]);

    const missing = await call('runs.checkpoints', { id: 99_999 });
    expect(missing.status).toBe(404);
    expect(missing.envelope).toMatchObject({ ok: false, error: { kind: 'not-found', message: 'no run with id 99999' } });
    for (const body of [{ id: 'one' }, { id: 0 }, {}, { id: middle, generations: true }]) {
      const bad = await call('runs.checkpoints', body);
      expect(bad.status).toBe(400);
      expect(bad.envelope).toMatchObject({ ok: false, error: { kind: 'invalid', issues: [{ path: expect.stringMatching(/^request(\.id)?$/) as unknown }] } });
    }
    for (const id of [untrained, middle, first]) store.deleteRun(id);
  });
});
