/**
 * Held-out testing during training (run config `heldout`): which generations are tested, the test lifetimes the
 * pool runs for them, and their results as stored records. The centre tested after generation g is the centre of
 * generation g — the one whose candidates produced g's record, still in the shared θ when the test runs — and
 * its lifetimes are `testLifetime(…, seed, g, episode)`, exactly what `hebb eval --generation g` runs.
 */
import type { HeldoutRecord } from '../../common/model';
import type { RunConfig } from '../../core/config';
import { summarise } from '../../core/stats';
import { UNSEEN_TRACKS } from '../../core/tasks';
import type { TestLifetime, TestResult } from './protocol';

/**
 * What a test is on, each a record's `morphology`: the held-out bodies, or for a racing run with `tracks` the one
 * column `unseen tracks` (the evaluation's: the same test streams, never a training lifetime's track).
 */
export function heldoutColumns(config: RunConfig): string[] {
  if (config.env === 'racing') return config.heldout.tracks ? [UNSEEN_TRACKS] : [];
  return config.heldout.morphologies;
}

/** Generation 0, every `every`-th after it, and the last (so the curve ends where training does). */
export function heldoutDue(config: RunConfig, generation: number): boolean {
  return heldoutColumns(config).length > 0 && (generation % config.heldout.every === 0 || generation === config.generations - 1);
}

/** Every (held-out body, episode) pair of one test, indexed body-major (the car: body 0, its one env). */
export function heldoutLifetimes(config: RunConfig): TestLifetime[] {
  const { episodes } = config.heldout;
  return heldoutColumns(config).flatMap((_, m) => Array.from({ length: episodes }, (_e, episode) => ({ index: m * episodes + episode, morphology: m, episode })));
}

/** The pool's results (index order) as one record per held-out body (or the car's unseen tracks). */
export function heldoutRecords(config: RunConfig, generation: number, results: readonly TestResult[]): HeldoutRecord[] {
  const { episodes } = config.heldout;
  return heldoutColumns(config).map((morphology, m) => {
    const mine = results.slice(m * episodes, (m + 1) * episodes);
    const fitness = mine.map((r) => r.fitness);
    const { mean, std } = summarise(fitness);
    return { generation, morphology, episodes, mean, std, fitness, distance: mine.map((r) => r.distance), envSteps: mine.reduce((s, r) => s + r.envSteps, 0) };
  });
}
