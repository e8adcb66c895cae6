/**
 * One lifetime (docs/METHOD.md#lifetime): a policy living in an env from reset to early stop, scored by the sum of the env's
 * fitness term. Optional damage schedule and recording. The reference's quirks are kept on purpose: the
 * first forward pass sees the stale reset observation, the burn-in counts towards the step limit, and falls are
 * ignored until t > earlyStopAfter.
 */
import type { Env } from '../envs/env';
import { POSE_FLOATS } from '../envs/env';
import type { Policy } from '../policy/policies';
import { Domain, RandomStream } from '../random';
import { DamagePlan, type DamageSchedule } from './damage';

export interface Protocol {
  /** Zero-action env steps after reset whose outputs are discarded. */
  readonly burnIn: number;
  /** Env steps in all, burn-in included (gym's TimeLimit). */
  readonly maxEnvSteps: number;
  /** Early stopping is tested only when t > this. */
  readonly earlyStopAfter: number;
  /** Stop after more than this many consecutive steps with negative fitness reward. */
  readonly negativePatience: number;
}

/** AntBulletEnv-v0 as the reference runs it: 40 burn-in steps, 1000 in all, stop after t > 200 (docs/METHOD.md#lifetime). */
export const QUADRUPED_PROTOCOL: Protocol = { burnIn: 40, maxEnvSteps: 1000, earlyStopAfter: 200, negativePatience: 30 };

/**
 * CarRacing-v0 as the reference runs it: no burn-in, at most 1000 env steps, and from the first step on a stop on
 * done or after 21 consecutive steps of negative reward, i.e. without a new tile (each step costs 0.1).
 */
export const RACING_PROTOCOL: Protocol = { burnIn: 0, maxEnvSteps: 1000, earlyStopAfter: -1, negativePatience: 20 };

/**
 * The fitness of a lifetime whose state became non-finite (observation, reward, action or weights): it ends at
 * once and scores this, whatever it had summed. Below anything a finite lifetime of these bodies reaches (the
 * fastest gait found makes ~2.5 progress per step: 960 steps of it backwards is −2 400), so such a candidate
 * ranks last; ES ranks, so the exact value only moves the logged means (docs/METHOD.md#non-finite-state).
 */
export const BLOWN_UP_FITNESS = -10_000;

/** The same lifetime with no early stop: all 1000 env steps run (replays and damage experiments). */
export const WHOLE_LIFETIME: Protocol = { ...QUADRUPED_PROTOCOL, earlyStopAfter: QUADRUPED_PROTOCOL.maxEnvSteps };

/** The random streams of one lifetime, all derived from one episode key. */
export interface LifetimeStreams {
  /** Initial-state randomisation of the env. */
  readonly env: RandomStream;
  /** The policy's lifetime-initial weights. */
  readonly policy: RandomStream;
  /** Choices made by damage (which synapses to zero). */
  readonly damage: RandomStream;
}

/** Streams for the training episode keyed by (seed, …path), e.g. (run seed, generation, candidate, morphology). */
export function lifetimeStreams(seed: number, ...path: readonly number[]): LifetimeStreams {
  return streamsIn(Domain.episode, seed, path);
}

/** Streams for test lifetimes (evaluation, recording): disjoint from every training episode. */
export function testStreams(seed: number, ...path: readonly number[]): LifetimeStreams {
  return streamsIn(Domain.test, seed, path);
}

/**
 * Streams for a recorded lifetime, keyed by the recording seed alone: any two runs recorded with the same seed
 * start from the same initial state (and, for equal networks, the same initial weights).
 */
export function recordingStreams(seed: number): LifetimeStreams {
  return streamsIn(Domain.recording, seed, []);
}

function streamsIn(domain: number, seed: number, path: readonly number[]): LifetimeStreams {
  return {
    env: RandomStream.of(seed, domain, ...path, 0),
    policy: RandomStream.of(seed, domain, ...path, 1),
    damage: RandomStream.of(seed, domain, ...path, 2),
  };
}

/** What a car recording reads from the racing env after every step (RacingEnv has both). */
export interface CarTraceSource {
  readonly frame: { readonly car: Float64Array };
  readonly paintedAt: Int32Array;
}

export interface RecordOptions {
  /** Snapshot the weights every `weightStride` policy steps (0: never). */
  readonly weightStride?: number;
  /** Keep every observation (default: yes, except for the car, whose frames are redrawn from its trace). */
  readonly observations?: boolean;
  /**
   * Record the car's trace instead of its 21 168-float observations: the state after every step and the step each
   * tile was painted in, from which the rasteriser redraws every frame the network saw (`trackSeed` names the track).
   */
  readonly car?: { readonly trackSeed: number; readonly source: CarTraceSource };
}

/**
 * The car's part of a recording: with the track (generateTrack of the recording streams' env stream for
 * `trackSeed`), frame i is { car: carStates row i, painted: tiles with paintedAt ≤ i }, exactly what the rasteriser
 * drew the observation of step i from.
 */
export interface CarTrace {
  readonly trackSeed: number;
  /** (envSteps + 1) × carFloats; row 0 is the reset step's state. */
  readonly carStates: Float64Array;
  readonly carFloats: number;
  /** Per tile, the step it was first painted in (0: the reset step), −1 if never. */
  readonly paintedAt: Int32Array;
}

/** Everything needed to replay a lifetime, in compact typed arrays. Frame i is the state after env step i. */
export interface Recording {
  readonly bodyNames: readonly string[];
  readonly rewardTerms: readonly string[];
  readonly actionSize: number;
  readonly observationSize: number;
  readonly burnIn: number;
  /** Env steps taken (burn-in included). */
  readonly envSteps: number;
  /** (envSteps + 1) frames × bodies × 7 (x, y, z, qx, qy, qz, qw); frame 0 is the reset pose. */
  readonly poses: Float32Array;
  /** (envSteps + 1) × observationSize; row 0 is the reset observation. */
  readonly observations: Float32Array;
  /** envSteps × actionSize: the actions applied (after damage overrides; zero during burn-in). */
  readonly actions: Float32Array;
  /** envSteps × rewardTerms.length. */
  readonly rewards: Float32Array;
  readonly weightStride: number;
  /** The policy step of each weight snapshot. */
  readonly weightSteps: Int32Array;
  /** snapshots × synapses: the weights each snapshot's forward pass used, layers concatenated as [out][in]. */
  readonly weights: Float32Array;
  readonly synapses: number;
  /** The policy network's layer sizes (input first): snapshot rows are its layers' [out][in] matrices in turn. */
  readonly layerSizes: readonly number[];
  /** A car recording's trace; its `observations` are then empty. */
  readonly car?: CarTrace;
}

export interface LifetimeResult {
  /** Σ fitness term, or BLOWN_UP_FITNESS. */
  readonly fitness: number;
  /**
   * Metres travelled forward (`Env.forwardDistance`) from the end of the burn-in to the end of the lifetime:
   * the span the fitness sums progress over, so the drop and settling of the burn-in do not count; 0 if blown up.
   */
  readonly distance: number;
  /** The lifetime ended on a non-finite state (its recording stops before that step). */
  readonly blownUp: boolean;
  /** Policy steps taken (forward passes). */
  readonly steps: number;
  readonly envSteps: number;
  readonly recording?: Recording;
}

export interface LifetimeOptions {
  readonly protocol?: Protocol;
  readonly damage?: DamageSchedule;
  readonly record?: RecordOptions;
}

/** Writable recording buffers sized for the longest lifetime, trimmed when it ends. */
class Recorder {
  private readonly bodies: number;
  private readonly poses: Float32Array;
  private readonly observations: Float32Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly weights: Float32Array;
  private readonly weightSteps: Int32Array;
  private readonly synapses: number;
  private readonly keptObservation: number;
  private readonly car: RecordOptions['car'];
  private readonly carStates: Float64Array;
  private snapshots = 0;
  private steps = 0;

  constructor(
    private readonly env: Env,
    private readonly policy: Policy,
    private readonly protocol: Protocol,
    options: RecordOptions,
    readonly weightStride: number,
  ) {
    const n = protocol.maxEnvSteps;
    this.bodies = env.bodyNames.length;
    this.car = options.car;
    this.keptObservation = (options.observations ?? !this.car) ? env.observationSize : 0;
    this.carStates = new Float64Array(this.car ? (n + 1) * this.car.source.frame.car.length : 0);
    this.poses = new Float32Array((n + 1) * this.bodies * POSE_FLOATS);
    this.observations = new Float32Array((n + 1) * this.keptObservation);
    this.actions = new Float32Array(n * env.actionSize);
    this.rewards = new Float32Array(n * env.rewardTerms.length);
    const sizes = policy.net.sizes;
    this.synapses = sizes.slice(1).reduce((s, v, l) => s + v * sizes[l]!, 0);
    const maxSnapshots = weightStride > 0 ? Math.ceil(Math.max(0, n - protocol.burnIn) / weightStride) : 0;
    this.weights = new Float32Array(maxSnapshots * this.synapses);
    this.weightSteps = new Int32Array(maxSnapshots);
  }

  frame(observation: Float32Array): void {
    this.env.poses(this.poses, this.steps * this.bodies * POSE_FLOATS);
    if (this.keptObservation > 0) this.observations.set(observation, this.steps * this.keptObservation);
    if (this.car) {
      const state = this.car.source.frame.car;
      this.carStates.set(state, this.steps * state.length);
    }
  }

  step(action: Float32Array, rewards: Float64Array, observation: Float32Array): void {
    this.actions.set(action, this.steps * this.env.actionSize);
    this.rewards.set(rewards, this.steps * rewards.length);
    this.steps++;
    this.frame(observation);
  }

  weightsAt(t: number): void {
    if (this.weightStride === 0 || t % this.weightStride !== 0) return;
    this.policy.snapshotWeights(this.weights, this.snapshots * this.synapses);
    this.weightSteps[this.snapshots++] = t;
  }

  finish(): Recording {
    const n = this.steps;
    const { env, car } = this;
    const carFloats = car ? car.source.frame.car.length : 0;
    return {
      bodyNames: env.bodyNames,
      rewardTerms: env.rewardTerms,
      actionSize: env.actionSize,
      observationSize: env.observationSize,
      burnIn: this.protocol.burnIn,
      envSteps: n,
      poses: this.poses.slice(0, (n + 1) * this.bodies * POSE_FLOATS),
      observations: this.observations.slice(0, (n + 1) * this.keptObservation),
      actions: this.actions.slice(0, n * env.actionSize),
      rewards: this.rewards.slice(0, n * env.rewardTerms.length),
      weightStride: this.weightStride,
      weightSteps: this.weightSteps.slice(0, this.snapshots),
      weights: this.weights.slice(0, this.snapshots * this.synapses),
      synapses: this.synapses,
      layerSizes: [...this.policy.net.sizes],
      ...(car ? { car: { trackSeed: car.trackSeed, carStates: this.carStates.slice(0, (n + 1) * carFloats), carFloats, paintedAt: car.source.paintedAt.slice() } } : {}),
    };
  }
}

/** Runs one lifetime of `policy` in `env` (docs/METHOD.md#lifetime) and returns Σ fitness term. */
export function runLifetime(env: Env, policy: Policy, streams: LifetimeStreams, options: LifetimeOptions = {}): LifetimeResult {
  const protocol = options.protocol ?? QUADRUPED_PROTOCOL;
  if (policy.outputSize !== env.actionSize) {
    throw new RangeError(`policy has ${policy.outputSize} outputs but the env takes ${env.actionSize} actions`);
  }
  const damage = options.damage && options.damage.length > 0 ? new DamagePlan(options.damage, env, policy, streams.damage) : undefined;
  const stride = options.record?.weightStride ?? 0;
  if (!Number.isInteger(stride) || stride < 0) throw new RangeError(`record.weightStride must be a non-negative integer, got ${stride}`);

  let observation = env.reset(streams.env);
  policy.reset(streams.policy);
  const recorder = options.record ? new Recorder(env, policy, protocol, options.record, stride) : undefined;
  recorder?.frame(observation);

  const action = new Float32Array(env.actionSize);
  // The burn-in's observations are discarded: the first forward pass sees the reset observation (docs/METHOD.md#lifetime).
  const first = observation.slice();
  let envSteps = 0;
  while (envSteps < protocol.burnIn && envSteps < protocol.maxEnvSteps) {
    const r = env.step(action);
    envSteps++;
    recorder?.step(action, r.rewards, r.observation);
  }
  observation = first;
  const start = env.forwardDistance();

  let fitness = 0;
  let t = 0;
  let negative = 0;
  let blownUp = false;
  while (envSteps < protocol.maxEnvSteps) {
    damage?.beforeStep(t);
    const out = policy.act(observation);
    const now = t++;
    // A non-finite input or network never drives the body: the lifetime ends before the action is applied.
    if (!policy.finite()) {
      blownUp = true;
      break;
    }
    recorder?.weightsAt(now);
    action.set(out);
    damage?.override(now, action);
    const r = env.step(action);
    envSteps++;
    const reward = r.rewards[env.fitnessTerm]!;
    if (!r.finite || !Number.isFinite(reward)) {
      blownUp = true;
      break;
    }
    recorder?.step(action, r.rewards, r.observation);
    fitness += reward;
    observation = r.observation;
    if (now > protocol.earlyStopAfter) {
      negative = reward < 0 ? negative + 1 : 0;
      if (r.done || negative > protocol.negativePatience) break;
    }
  }
  if (blownUp) return { fitness: BLOWN_UP_FITNESS, distance: 0, blownUp, steps: t, envSteps, recording: recorder?.finish() };
  return { fitness, distance: env.forwardDistance() - start, blownUp, steps: t, envSteps, recording: recorder?.finish() };
}

/**
 * Test lifetime `episode` of a network at generation `generation` (training's protocol, test streams): what
 * `hebb eval` and held-out testing during training both run, so the two give the same lifetimes.
 */
export function testLifetime(env: Env, policy: Policy, seed: number, generation: number, episode: number, protocol: Protocol = QUADRUPED_PROTOCOL): LifetimeResult {
  return runLifetime(env, policy, testStreams(seed, generation, episode), { protocol });
}
