/**
 * What a run's task (RunConfig.env) fixes besides the env itself: the network every candidate is, and the
 * lifetime protocol its fitness is summed under (docs/METHOD.md#the-cars-task).
 */
import type { EnvName, RunConfig } from './config';
import { CAR_NET, QUADRUPED_MLP, type MlpSpec } from './nn/mlp';
import { QUADRUPED_PROTOCOL, RACING_PROTOCOL, WHOLE_LIFETIME, type Protocol } from './rollout/lifetime';

/** The quadruped's 28 → 128 → 64 → 8, or the car's conv stack + 648 → 128 → 64 → 3. */
export function taskNet(env: EnvName): MlpSpec {
  return env === 'racing' ? CAR_NET : QUADRUPED_MLP;
}

/** The protocol training and evaluation score lifetimes by. */
export function taskProtocol(env: EnvName): Protocol {
  return env === 'racing' ? RACING_PROTOCOL : QUADRUPED_PROTOCOL;
}

/**
 * A lifetime without the early stop for replays and damage experiments. The quadruped ignores falls for all 1000
 * steps; the car still stops when the episode is done (every tile visited, or off the playfield: the track is
 * over), but not after 21 steps without a new tile, so a stall and what follows it are seen.
 */
export const RACING_WHOLE_LIFETIME: Protocol = { ...RACING_PROTOCOL, negativePatience: RACING_PROTOCOL.maxEnvSteps };

export function wholeLifetime(env: EnvName): Protocol {
  return env === 'racing' ? RACING_WHOLE_LIFETIME : WHOLE_LIFETIME;
}

/**
 * The one column of a racing run's evaluations and comparisons: test lifetimes on tracks from the test streams,
 * which no training lifetime draws (docs/METHOD.md#the-cars-task).
 */
export const UNSEEN_TRACKS = 'unseen tracks';

/** The body a racing episode or experiment is stored under (the car is always gym's; it has no MJCF). */
export const RACING_BODY = 'car';

/** Lifetimes one candidate lives per generation: one per training body, the car one (on its own random track). */
export function lifetimesPerCandidate(config: RunConfig): number {
  return config.env === 'racing' ? 1 : config.morphologies.length;
}
