/** Benchmarks of the racing env: the car's physics alone, and the whole step with the pixel observation. */
import { CentreLineDriver } from '../../core/envs/racing/centre-line-driver';
import { noObservation, RacingEnv } from '../../core/envs/racing/racing-env';
import { RandomStream } from '../../core/random';
import { timeNs, type Benchmark } from './registry';

/** Episodes per measurement, each on its own track, driven by the centre-line driver for the whole 1000 steps. */
const EPISODES = 3;
const STEPS = 1000;

function steps(env: RacingEnv, key: string, description: string): Benchmark {
  const driver = new CentreLineDriver();
  return {
    key,
    unit: '/s',
    description,
    measure: () => {
      let ns = 0;
      let taken = 0;
      for (let e = 0; e < EPISODES; e++) {
        env.reset(RandomStream.of(1, e));
        driver.reset();
        ns += timeNs(() => {
          for (let t = 0; t < STEPS; t++) {
            taken++;
            if (env.step(driver.act(env.frame)).done) break;
          }
        });
      }
      return taken / (ns / 1e9);
    },
  };
}

function reset(env: RacingEnv): Benchmark {
  return {
    key: 'racing_reset_ms',
    unit: 'ms',
    description: 'racing reset: track generation (with rejections), planck world with ~300 tile sensors, the reset step',
    measure: () => {
      const n = 20;
      const ns = timeNs(() => {
        for (let e = 0; e < n; e++) env.reset(RandomStream.of(2, e));
      });
      return ns / 1e6 / n;
    },
  };
}

export function racingBenchmarks(): Benchmark[] {
  const physicsOnly = new RacingEnv({ observe: noObservation });
  return [
    steps(physicsOnly, 'racing_physics_steps_per_s', 'racing, centre-line driver: env steps per second of the car, tiles and reward, no pixels'),
    steps(new RacingEnv(), 'racing_env_steps_per_s', 'the same with the observation: rasterise 96×96, INTER_AREA to 84×84, /255'),
    reset(physicsOnly),
  ];
}
