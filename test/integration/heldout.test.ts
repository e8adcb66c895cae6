/**
 * Held-out testing during training: the centre of generation g on bodies the run never trains on, every N
 * generations, committed with generation g. Checked against `evaluateRun` (what `hebb eval --generation g` runs, in
 * its own worker) and against the same run trained without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import { compareRuns, evaluateRun } from '../../src/main/services/evaluation';
import { Store, StoreError, type GenerationRecord, type HeldoutRecord } from '../../src/main/store/store';
import { createRun, train } from '../../src/main/training/coordinator';
import { checkpoints, trainHeldoutPair, withoutTime, type HeldoutPair } from '../support/runs';

const PLAIN = { name: 'plain', es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 4, seed: 9, morphologies: ['standard'] };
const HELD = { ...PLAIN, name: 'held', heldout: { morphologies: ['damaged-left', 'damaged-right'], every: 2, episodes: 2 } };

let store: Store;
let plain: number;
let held: number;
let events: HeldoutPair['events'];

beforeAll(async () => {
  ({ store, plain, held, events } = await trainHeldoutPair(PLAIN, HELD));
}, 120_000);
afterAll(() => store.close());

describe('held-out testing during training', () => {
  it('leaves training exactly as it is: the same records and byte-identical checkpoints', () => {
    expect(withoutTime(store.generations(held))).toEqual(withoutTime(store.generations(plain)));
    expect(checkpoints(store, held)).toEqual(checkpoints(store, plain));
    expect(store.heldout(plain)).toEqual([]);
    // So runs with and without it are seeds of one setup on the compare page.
    expect(compareRuns(store, [plain, held]).rows.map((r) => r.runs)).toEqual([[plain, held]]);
  });

  it('tests generation 0, every 2nd and the last, on each held-out body, and reports them with their generation', () => {
    const rows = store.heldout(held);
    expect(rows.map((r) => [r.generation, r.morphology, r.episodes, r.fitness.length, r.distance.length])).toEqual([
      [0, 'damaged-left', 2, 2, 2], [0, 'damaged-right', 2, 2, 2],
      [2, 'damaged-left', 2, 2, 2], [2, 'damaged-right', 2, 2, 2],
      [3, 'damaged-left', 2, 2, 2], [3, 'damaged-right', 2, 2, 2],
    ]);
    const r = rows[0]!;
    expect(r.mean).toBe((r.fitness[0]! + r.fitness[1]!) / 2);
    expect(r.std).toBeCloseTo(Math.abs(r.fitness[0]! - r.fitness[1]!) / 2, 9);
    expect(r.envSteps).toBeGreaterThanOrEqual(2 * 241); // two lifetimes of at least 40 + 201 env steps
    expect(events.map((e) => [e.generation, e.heldout.length])).toEqual([[0, 2], [1, 0], [2, 2], [3, 2]]);
    expect(events.flatMap((e) => e.heldout)).toEqual(rows); // the config's body order, here also the store's (by name)
  });

  it('tests the centre of generation g: the same lifetimes `hebb eval --generation g` runs', async () => {
    for (const g of [0, 2, 3]) {
      const [left, right] = await evaluateRun(store, held, { generation: g, morphologies: ['damaged-left', 'damaged-right'], episodes: 2 });
      const tested = store.heldout(held).filter((r) => r.generation === g);
      expect(tested.map((r) => [r.fitness, r.distance])).toEqual([[left!.fitness, left!.distance], [right!.fitness, right!.distance]]);
    }
  }, 60_000);

  it('a stopped run resumed on another number of workers gives the same held-out records', async () => {
    const split = createRun(store, { ...HELD, name: 'split' }).id;
    let done = 0;
    expect(await train(store, split, { workers: 2, onGeneration: () => done++, interrupt: () => (done >= 3 ? 'stopped' : null) })).toBe('stopped');
    expect(store.heldout(split).map((r) => r.generation)).toEqual([0, 0, 2, 2]);
    expect(await train(store, split, { workers: 1 })).toBe('finished');
    expect(store.heldout(split)).toEqual(store.heldout(held));
    expect(withoutTime(store.generations(split))).toEqual(withoutTime(store.generations(held)));
  }, 60_000);

  it('refuses a held-out body the run trains on, or one that does not exist, before writing anything', () => {
    const before = store.listRuns().length;
    expect(() => createRun(store, { ...PLAIN, heldout: { morphologies: ['standard'] } })).toThrow(ConfigError);
    expect(() => createRun(store, { ...PLAIN, heldout: { morphologies: ['standard'] } })).toThrow('run.heldout.morphologies: must not include a training morphology');
    expect(() => createRun(store, { ...PLAIN, heldout: { morphologies: ['damaged-left'], every: 0 } })).toThrow(/run\.heldout\.every/);
    expect(() => createRun(store, { ...PLAIN, heldout: { morphologies: ['tripod'] } })).toThrow("no morphology named 'tripod'");
    expect(store.listRuns()).toHaveLength(before);
  });
});

describe('held-out records in the store', () => {
  const record: GenerationRecord = { generation: 0, mean: 1, max: 2, min: 0, std: 1, perMorphology: { standard: 1 }, lr: 0.2, sigma: 0.1, envSteps: 10, wallMs: 1, blownUp: 0 };
  const test = (generation: number, fitness: number[]): HeldoutRecord => ({
    generation, morphology: 'damaged-left', episodes: fitness.length, mean: 0, std: 0, fitness, distance: fitness.map(() => 0.5), envSteps: 100,
  });

  it('land with their generation or not at all, and go with their run', () => {
    const s = Store.open(':memory:');
    const id = s.createRun({ name: 'r', config: {}, seed: 1 }).id;
    s.commitGeneration(id, record, new Uint8Array([1]), [test(0, [1, 2])]);
    expect(() => s.commitGeneration(id, record, new Uint8Array([2]), [test(0, [7, 7])])).toThrow(); // generation 0 again
    expect(s.heldout(id).map((r) => r.fitness)).toEqual([[1, 2]]);
    expect(() => s.commitGeneration(id, { ...record, generation: 1 }, new Uint8Array([2]), [test(0, [3])])).toThrow(StoreError);
    expect(s.generations(id)).toHaveLength(1);
    s.db.prepare("UPDATE heldout SET fitness = '[1,' WHERE run_id = ?").run(id);
    expect(() => s.heldout(id)).toThrow(`heldout.fitness of run ${id} generation 0 on damaged-left is not valid JSON (corrupt row)`);
    s.deleteRun(id);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM heldout').get()).toEqual({ n: 0 });
    s.close();
  });
});
