/** Benchmarks of the quadruped world: physics alone, full lifetimes with each policy kind, reset, worker memory. */
import { Worker } from 'node:worker_threads';
import type { Env } from '../../core/envs/env';
import type { AmmoModule } from '../../core/envs/quadruped/ammo';
import { PybulletQuadrupedEnv } from '../../core/envs/quadruped/pybullet/pybullet-env';
import type { BulletEngine } from '../../core/envs/quadruped/pybullet/bullet';
import { QuadrupedEnv } from '../../core/envs/quadruped/quadruped-env';
import { QUADRUPED_MLP } from '../../core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../core/policy/genome';
import { type Policy } from '../../core/policy/policies';
import { makePolicy } from '../../core/policy/make-policy';
import { Domain, RandomStream } from '../../core/random';
import { lifetimeStreams, runLifetime } from '../../core/rollout/lifetime';
import { loadPreset } from '../../main/services/presets';
import { timeNs, type Benchmark } from './registry';

/** Lifetimes per measurement: several genomes' motions, so the rollout figures average over gaits. */
const LIFETIMES = 6;

/** The quadruped policy at the initial ES centre of seed 1: what every quadruped benchmark runs. */
export function centrePolicy(spec: PolicySpec): Policy {
  return makePolicy(QUADRUPED_MLP, spec, initialCentre(QUADRUPED_MLP, genomeLayout(QUADRUPED_MLP, spec), RandomStream.of(1, Domain.initialCentre)));
}

/** Physics version 2's keys have no version in them (they predate version 3); version 3's say `v3`. */
type Prefix = 'quadruped' | 'quadruped_v3';
const versionOf = (prefix: Prefix): string => (prefix === 'quadruped' ? 'physics 2 (ammo.js)' : "physics 3 (pybullet's engine)");

function physics(env: Env, prefix: Prefix): Benchmark {
  const zero = new Float32Array(env.actionSize);
  return {
    key: `${prefix}_physics_steps_per_s`,
    unit: '/s',
    description: `${versionOf(prefix)}, standard ant, zero action: control steps (4 physics sub-steps + observation) per second`,
    measure: () => {
      let ns = 0;
      for (let e = 0; e < LIFETIMES; e++) {
        env.reset(RandomStream.of(1, e));
        ns += timeNs(() => {
          for (let t = 0; t < 1000; t++) env.step(zero);
        });
      }
      return (LIFETIMES * 1000) / (ns / 1e9);
    },
  };
}

function rollout(env: Env, prefix: Prefix, spec: PolicySpec, what: string): Benchmark {
  const policy = centrePolicy(spec);
  return {
    key: `${prefix}_${spec.kind}_rollout_steps_per_s`,
    unit: '/s',
    description: `${versionOf(prefix)}, ${what}: env steps per second over whole lifetimes (reset, burn-in, early stop)`,
    measure: () => {
      let steps = 0;
      const ns = timeNs(() => {
        for (let e = 0; e < LIFETIMES; e++) steps += runLifetime(env, policy, lifetimeStreams(2, e)).envSteps;
      });
      return steps / (ns / 1e9);
    },
  };
}

/** The Hebbian network's share of a lifetime's time: act() timed inside whole lifetimes (stable on a noisy VM). */
function networkShare(env: Env, spec: PolicySpec): Benchmark {
  const inner = centrePolicy(spec);
  let actNs = 0;
  const timed: Policy = {
    outputSize: inner.outputSize,
    net: inner.net,
    reset: (rng) => {
      const start = process.hrtime.bigint();
      inner.reset(rng);
      actNs += Number(process.hrtime.bigint() - start);
    },
    act: (obs) => {
      const start = process.hrtime.bigint();
      const out = inner.act(obs);
      actNs += Number(process.hrtime.bigint() - start);
      return out;
    },
    load: (genome) => inner.load(genome),
    snapshotWeights: (out, offset) => inner.snapshotWeights(out, offset),
    zeroSynapses: (l, s) => inner.zeroSynapses(l, s),
    stopPlasticity: () => inner.stopPlasticity(),
    overrideOutputActivity: (j, v) => inner.overrideOutputActivity(j, v),
    finite: () => inner.finite(),
  };
  return {
    key: 'quadruped_hebbian_network_share_pct',
    unit: '%',
    description: 'share of a Hebbian lifetime spent in the network and rule (act + per-lifetime weight reset)',
    measure: () => {
      actNs = 0;
      const total = timeNs(() => {
        for (let e = 0; e < LIFETIMES; e++) runLifetime(env, timed, lifetimeStreams(2, e));
      });
      return (100 * actNs) / total;
    },
  };
}

function reset(env: Env, prefix: Prefix): Benchmark {
  return {
    key: `${prefix}_reset_ms`,
    unit: 'ms',
    description: `${versionOf(prefix)}: a fresh ant world for a new lifetime`,
    measure: () => timeNs(() => {
      for (let i = 0; i < 100; i++) env.reset(RandomStream.of(3, i));
    }) / 100 / 1e6,
  };
}

function workerRss(): Benchmark {
  return {
    key: 'quadruped_worker_rss_mb',
    unit: 'MB',
    description: 'resident memory added by one worker holding ammo.js, 3 ant worlds and a Hebbian policy',
    measure: async () => {
      global.gc?.();
      const before = process.memoryUsage().rss;
      // Workers do not inherit tsx's loader on Node 20: scripts/ts-worker.mjs registers it, then loads the entry.
      const worker = new Worker(new URL('../../../scripts/ts-worker.mjs', import.meta.url), {
        workerData: { entry: new URL('./quadruped-worker.ts', import.meta.url).href },
      });
      await new Promise<void>((ok, fail) => {
        worker.once('message', () => ok());
        worker.once('error', fail);
      });
      const after = process.memoryUsage().rss;
      await worker.terminate();
      return (after - before) / 2 ** 20;
    },
  };
}

export function quadrupedBenchmarks(ammo: AmmoModule, bullet: BulletEngine): Benchmark[] {
  const v2 = new QuadrupedEnv(ammo, loadPreset('standard'));
  const v3 = new PybulletQuadrupedEnv(bullet, loadPreset('standard'));
  const hebbian: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' };
  return [
    physics(v2, 'quadruped'),
    rollout(v2, 'quadruped', { kind: 'static' }, 'static network'),
    rollout(v2, 'quadruped', hebbian, 'Hebbian ABCD_lr network'),
    networkShare(v2, hebbian),
    reset(v2, 'quadruped'),
    physics(v3, 'quadruped_v3'),
    rollout(v3, 'quadruped_v3', { kind: 'static' }, 'static network'),
    rollout(v3, 'quadruped_v3', hebbian, 'Hebbian ABCD_lr network'),
    reset(v3, 'quadruped_v3'),
    workerRss(),
  ];
}
