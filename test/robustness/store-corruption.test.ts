/**
 * Random byte corruption of a real store file (a trained run with its checkpoints, held-out tests, an evaluation,
 * a recorded episode and a user morphology): opening refuses the file, or every read either fails or returns
 * exactly what was stored — never a wrong number.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEsState } from '../../src/core/es';
import { decodeRecording } from '../../src/core/rollout/recording-codec';
import { evaluateRun, recordEpisode } from '../../src/main/services/evaluation';
import { Store } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

/** Everything a user reads back from a store, as plain data. */
function readAll(store: Store): unknown {
  return {
    runs: store.listRuns(),
    stats: [...store.runStats().entries()],
    perRun: store.listRuns().map((r) => ({
      generations: store.generations(r.id),
      heldout: store.heldout(r.id),
      evaluations: store.evaluations(r.id),
      checkpoints: store.checkpointGenerations(r.id).map((g) => {
        const state = decodeEsState(store.checkpoint(r.id, g)!.state);
        return { g, generation: state.generation, theta: Array.from(state.theta) };
      }),
    })),
    episodes: store.episodes().map((e) => ({ ...e, trajectory: Array.from(decodeRecording(store.episodeTrajectory(e.id)).poses) })),
    experiments: store.experiments(),
    morphologies: store.listMorphologies().map((m) => store.morphology(m.name)),
  };
}

let dir: string;
let pristine: string;
let expected: unknown;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-corrupt-'));
  pristine = join(dir, 'pristine.db');
  const store = Store.open(pristine);
  ensurePresets(store);
  const { id } = createRun(store, {
    name: 'tiny', es: { popSize: 4, noiseTableSize: 1 << 16 }, generations: 2, morphologies: ['standard'], seed: 2,
    heldout: { morphologies: ['damaged-left'], every: 1, episodes: 1 },
  });
  await train(store, id, { workers: 1 });
  await evaluateRun(store, id, { morphologies: ['damaged-left'], episodes: 1 });
  await recordEpisode(store, id, { morphology: 'standard', seed: 1, weightStride: 100 });
  store.saveMorphology('mine', store.morphology('standard').mjcf);
  expected = readAll(store);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a corrupted store file', () => {
  it('is refused, or reads fail, or reads give exactly what was stored (seeded random byte flips)', () => {
    const size = statSync(pristine).size;
    const outcomes = { refused: 0, detected: 0, intact: 0 };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const path = join(dir, 'corrupt.db');
        copyFileSync(pristine, path);
        for (const p of [`${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
        const bytes = readFileSync(path);
        for (const [at, mask] of flips) bytes[at] = bytes[at]! ^ mask;
        writeFileSync(path, bytes);
        let store: Store;
        try {
          store = Store.open(path);
        } catch {
          outcomes.refused++;
          return;
        }
        try {
          const got = readAll(store);
          expect(got).toEqual(expected); // read without an error: then it must be exactly what was stored
          outcomes.intact++;
        } catch (e) {
          if ((e as { name?: string }).name === 'AssertionError') throw e;
          outcomes.detected++;
        } finally {
          store.close();
        }
      }),
      { numRuns: 150, seed: 1202 },
    );
    console.log(`corruptions: ${JSON.stringify(outcomes)}`);
    expect(outcomes.refused + outcomes.detected).toBeGreaterThan(0);
  });
});
