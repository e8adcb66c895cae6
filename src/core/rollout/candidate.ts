/**
 * The fitness of one ES candidate (docs/METHOD.md#training-fitness): the mean over the run's training morphologies of one full
 * lifetime each, minus the L2 penalty on the genome's penalised segments. Episode seeds derive from (run seed,
 * generation, candidate, morphology) only, so the result cannot depend on which worker computes it.
 */
import type { Env } from '../envs/env';
import { l2Penalty } from '../es/openai-es';
import type { GenomeLayout } from '../policy/genome';
import type { Policy } from '../policy/policies';
import { lifetimeStreams, runLifetime, type Protocol } from './lifetime';

export interface CandidateFitness {
  /** Mean lifetime fitness minus the L2 penalty. */
  readonly fitness: number;
  /** Lifetime fitness per morphology (no penalty). */
  readonly perMorphology: number[];
  readonly envSteps: number;
  /** Lifetimes that ended on a non-finite state, scored BLOWN_UP_FITNESS. */
  readonly blownUp: number;
}

/** coefficient · mean(θ²) over the layout's penalised segments (the reference's −0.01·mean(θ²)). */
export function genomePenalty(layout: GenomeLayout, genome: Float32Array, coefficient: number): number {
  if (coefficient === 0 || layout.penalisedSize === 0) return 0;
  // l2Penalty with coefficient 1 is a segment's mean square; × length gives its sum of squares.
  const sum = layout.segments.reduce((acc, s) => (s.penalised ? acc + l2Penalty(genome, 1, s.offset, s.length) * s.length : acc), 0);
  return (coefficient * sum) / layout.penalisedSize;
}

export function evaluateCandidate(
  policy: Policy,
  envs: readonly Env[],
  layout: GenomeLayout,
  genome: Float32Array,
  key: { seed: number; generation: number; candidate: number },
  l2Coefficient: number,
  protocol?: Protocol,
): CandidateFitness {
  policy.load(genome);
  const perMorphology = envs.map(() => 0);
  let envSteps = 0;
  let blownUp = 0;
  envs.forEach((env, m) => {
    const r = runLifetime(env, policy, lifetimeStreams(key.seed, key.generation, key.candidate, m), { protocol });
    perMorphology[m] = r.fitness;
    envSteps += r.envSteps;
    if (r.blownUp) blownUp++;
  });
  const mean = perMorphology.reduce((s, f) => s + f, 0) / envs.length;
  return { fitness: mean - genomePenalty(layout, genome, l2Coefficient), perMorphology, envSteps, blownUp };
}
