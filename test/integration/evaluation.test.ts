import { beforeAll, describe, expect, it } from 'vitest';
import { Store, StoreError } from '../../src/main/store/store';
import { compareRuns, evaluateRun } from '../../src/main/services/evaluation';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

const BASE = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 1, morphologies: ['standard'] };
let store: Store;
const ids: number[] = [];

beforeAll(async () => {
  store = Store.open(':memory:');
  ensurePresets(store);
  for (const [name, seed, policy] of [['h1', 1, undefined], ['h2', 2, undefined], ['s1', 1, { kind: 'static' }]] as const) {
    const { id } = createRun(store, { ...BASE, name, seed, ...(policy ? { policy } : {}) });
    await train(store, id, { workers: 2 });
    ids.push(id);
  }
});

describe('evaluation and comparison', () => {
  it('evaluates the ES centre for N test lifetimes per morphology, marking seen and unseen', async () => {
    const rows = await evaluateRun(store, ids[0]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    expect(rows.map((r) => [r.morphology, r.seen, r.episodes, r.generation])).toEqual([
      ['standard', true, 3, 0],
      ['damaged-left', false, 3, 0],
    ]);
    const again = await evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 3 });
    expect(again[0]!.fitness).toEqual(rows[0]!.fitness); // deterministic
    expect(new Set(rows[0]!.fitness).size).toBe(3); // each episode its own random start
    expect(store.evaluations(ids[0]!)).toHaveLength(3);
  });

  it('refuses a generation without a checkpoint or a bad episode count', async () => {
    await expect(evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 1, generation: 7 })).rejects.toThrow('no checkpoint for generation 7 (kept: 0)');
    await expect(evaluateRun(store, ids[0]!, { morphologies: ['standard'], episodes: 0 })).rejects.toThrow(StoreError);
  });

  it('groups runs by everything but the seed and pools their episodes per morphology', async () => {
    await evaluateRun(store, ids[1]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    await evaluateRun(store, ids[2]!, { morphologies: ['standard', 'damaged-left'], episodes: 3 });
    const table = compareRuns(store, ids);
    expect(table.morphologies).toEqual(['standard', 'damaged-left']);
    expect(table.rows.map((r) => [r.label, r.runs])).toEqual([['hebbian ABCD_lr', [ids[0], ids[1]]], ['static', [ids[2]]]]);
    const hebbian = table.rows[0]!.cells;
    expect(hebbian['standard']!.episodes).toBe(6); // latest evaluation of each run, 3 episodes each
    expect(hebbian['damaged-left']!.seen).toBe(false);
    // Only each run's latest evaluation on a morphology counts (run 0 was evaluated on standard twice).
    const r0 = store.evaluations(ids[0]!).filter((e) => e.morphology === 'standard').at(-1)!.fitness;
    const r1 = store.evaluations(ids[1]!).filter((e) => e.morphology === 'standard').at(-1)!.fitness;
    const all = [...r0, ...r1];
    expect(hebbian['standard']!.mean).toBeCloseTo(all.reduce((s, f) => s + f, 0) / 6, 10);
  });
});
