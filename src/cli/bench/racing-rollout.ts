/**
 * Benchmarks of whole car lifetimes (env + policy, as training runs them) and the per-step time split into its
 * stages: physics, rasterise, resample, conv stack, plastic fully connected layers.
 */
import { CentreLineDriver } from '../../core/envs/racing/centre-line-driver';
import { noObservation, OBSERVATION_SIZE, RacingEnv } from '../../core/envs/racing/racing-env';
import { Rasteriser } from '../../core/envs/racing/raster';
import { resampleObservation } from '../../core/envs/racing/resample';
import type { RaceFrame } from '../../core/envs/racing/scene';
import { CAR_HEBBIAN } from '../../core/policy/car-policy';
import type { PolicySpec } from '../../core/policy/genome';
import { RandomStream } from '../../core/random';
import { runLifetime } from '../../core/rollout/lifetime';
import { RACING_WHOLE_LIFETIME } from '../../core/tasks';
import { carCentrePolicy } from './racing-policy';
import { timeNs, type Benchmark } from './registry';

const LIFETIMES = 3;

/**
 * Whole lifetimes of the initial ES centre, reset included, without the stall stop (so each runs until done or
 * 1000 steps, as a trained car does): env steps per second on one core.
 */
function rollout(spec: PolicySpec, key: string, what: string): Benchmark {
  const policy = carCentrePolicy(spec);
  const env = new RacingEnv();
  return {
    key,
    unit: '/s',
    description: `${what} car lifetimes (reset, physics, pixels, conv, FC), initial centre, no stall stop: env steps per second`,
    measure: () => {
      let steps = 0;
      const ns = timeNs(() => {
        for (let e = 0; e < LIFETIMES; e++) steps += runLifetime(env, policy, { env: RandomStream.of(3, e), policy: RandomStream.of(4, e), damage: RandomStream.of(5, e) }, { protocol: RACING_WHOLE_LIFETIME }).envSteps;
      });
      return steps / (ns / 1e9);
    },
  };
}

/** Every 5th frame of a 1000-step centre-line drive: the states each stage of the split is timed on. */
interface Drive {
  readonly frames: RaceFrame[];
  readonly images: Uint8Array[];
  readonly observations: Float32Array[];
  readonly features: Float32Array[];
  readonly physicsUs: number;
}

let drive: Drive | undefined;

function driven(): Drive {
  if (drive) return drive;
  const env = new RacingEnv({ observe: noObservation });
  const driver = new CentreLineDriver();
  env.reset(RandomStream.of(1, 0));
  const frames: RaceFrame[] = [];
  let steps = 0;
  let ns = 0;
  for (let t = 0; t < 1000; t++) {
    const { frame } = env;
    if (t % 5 === 0) frames.push({ track: frame.track, car: frame.car.slice(), painted: frame.painted.slice() });
    const action = driver.act(frame);
    steps++;
    const start = process.hrtime.bigint();
    const { done } = env.step(action);
    ns += Number(process.hrtime.bigint() - start);
    if (done) break;
  }
  const rasteriser = new Rasteriser();
  const images = frames.map((f) => rasteriser.render(f).slice());
  const observations = images.map((im) => {
    const o = new Float32Array(OBSERVATION_SIZE);
    resampleObservation(im, o);
    return o;
  });
  const conv = carCentrePolicy(CAR_HEBBIAN).conv;
  const features = observations.map((o) => conv.forward(o).slice());
  drive = { frames, images, observations, features, physicsUs: ns / 1e3 / steps };
  return drive;
}

function stage(key: string, description: string, perFrameUs: (d: Drive) => number): Benchmark {
  return { key, unit: 'µs', description: `racing step time split: ${description}, per step`, measure: () => perFrameUs(driven()) };
}

/** Mean µs of `fn` over the drive's frames. */
const overFrames = (n: number, fn: (i: number) => void): number => timeNs(() => {
  for (let i = 0; i < n; i++) fn(i);
}) / n / 1e3;

export function racingRolloutBenchmarks(): Benchmark[] {
  const rasteriser = new Rasteriser();
  const out = new Float32Array(OBSERVATION_SIZE);
  let conv: ReturnType<typeof carCentrePolicy>['conv'] | undefined;
  let fc: ReturnType<typeof carCentrePolicy>['fc'] | undefined;
  return [
    rollout(CAR_HEBBIAN, 'racing_hebbian_rollout_steps_per_s', 'Hebbian ABCD_lr'),
    rollout({ kind: 'static' }, 'racing_static_rollout_steps_per_s', 'static'),
    {
      key: 'racing_split_physics_us',
      unit: 'µs',
      description: 'racing step time split: planck car, tile contacts and reward (a fresh centre-line drive, no pixels), per step',
      measure: () => {
        drive = undefined; // a new drive each time: the physics is timed while it drives
        return driven().physicsUs;
      },
    },
    stage('racing_split_raster_us', 'software rasteriser, 96×96 state image', (d) => overFrames(d.frames.length, (i) => rasteriser.render(d.frames[i]!))),
    stage('racing_split_resample_us', 'INTER_AREA 96→84 and /255', (d) => overFrames(d.images.length, (i) => resampleObservation(d.images[i]!, out))),
    stage('racing_split_cnn_us', 'conv stack (WebAssembly SIMD)', (d) => {
      conv ??= carCentrePolicy(CAR_HEBBIAN).conv;
      const c = conv;
      return overFrames(d.observations.length, (i) => c.forward(d.observations[i]!));
    }),
    stage('racing_split_plastic_fc_us', 'plastic 648→128→64→3 (ABCD_lr update, max-abs normalisation, forward)', (d) => {
      if (!fc) {
        fc = carCentrePolicy(CAR_HEBBIAN).fc;
        fc.reset(RandomStream.of(1, 8));
      }
      const f = fc;
      return overFrames(d.features.length, (i) => f.act(d.features[i]!));
    }),
  ];
}
