/**
 * Held-out testing during training (run config `heldout`): which generations are tested, the test lifetimes the
 * pool runs for them, and their results as stored records. The centre tested after generation g is the centre of
 * generation g — the one whose candidates produced g's record, still in the shared θ when the test runs — and
 * its lifetimes are `testLifetime(…, seed, g, episode)`, exactly what `hebb eval --generation g` runs.
 */
import type { HeldoutRecord } from '../../common/model';
import type { RunConfig } from '../../core/config';
import { summarise } from '../../core/stats';
import type { TestLifetime, TestResult } from './protocol';

/** Generation 0, every `every`-th after it, and the last (so the curve ends where training does). */
export function heldoutDue(config: RunConfig, generation: number): boolean {
  const { morphologies, every } = config.heldout;
  return morphologies.length > 0 && (generation % every === 0 || generation === config.generations - 1);
}

/** Every (held-out body, episode) pair of one test, indexed body-major. */
export function heldoutLifetimes(config: RunConfig): TestLifetime[] {
  const { morphologies, episodes } = config.heldout;
  return morphologies.flatMap((_, m) => Array.from({ length: episodes }, (_e, episode) => ({ index: m * episodes + episode, morphology: m, episode })));
}

/** The pool's results (index order) as one record per held-out body. */
export function heldoutRecords(config: RunConfig, generation: number, results: readonly TestResult[]): HeldoutRecord[] {
  const { morphologies, episodes } = config.heldout;
  return morphologies.map((morphology, m) => {
    const mine = results.slice(m * episodes, (m + 1) * episodes);
    const fitness = mine.map((r) => r.fitness);
    const { mean, std } = summarise(fitness);
    return { generation, morphology, episodes, mean, std, fitness, distance: mine.map((r) => r.distance), envSteps: mine.reduce((s, r) => s + r.envSteps, 0) };
  });
}
