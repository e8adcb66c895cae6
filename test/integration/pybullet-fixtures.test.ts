/**
 * Physics version 3 against pybullet 2.6.6 itself. Each fixture is one lifetime recorded in the real pybullet
 * (scripts/reference/pybullet_fixtures.py; format and provenance: test/fixtures/pybullet/README.md): the reset's
 * joint angles and every action go into our engine, and what comes out is compared with what pybullet recorded.
 *
 * Tolerances, and why:
 * - Up to the first ground contact the two are the same program on the same inputs: reset, free fall and landing
 *   are equal to the last bit (observations: to the float32 pybullet_envs returns).
 * - After contact the engines differ only in the last bits of libm's sin/cos (glibc there, musl in WebAssembly);
 *   chaotic motions amplify that. The yardstick is pybullet's own reproducibility: AntBulletEnv-v0 as gym.make builds
 *   it scatters around its reproducible trace by E(t) with the heap layout alone (scripts/reference/pybullet_scatter.py,
 *   scatter.json.gz). For the first 100 env steps the torso must stay within max(E(t), 1e-9 m) of pybullet's trace.
 * - Whole lifetimes: `done` first fires at the same step and the burn-in ends in the same state. Where pybullet is
 *   not chaotic (its own scatter below 1 mm at step 100), the score the reference's fitness_hebb would return, and
 *   where it would stop, agree within pybullet's own scatter of them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBullet, type BulletEngine } from '../../src/core/envs/quadruped/pybullet/bullet';
import { PybulletQuadrupedEnv } from '../../src/core/envs/quadruped/pybullet/pybullet-env';
import { loadPreset } from '../../src/main/services/presets';

const DIR = 'test/fixtures/pybullet';
type V = number[];
interface Fixture {
  body: 'standard' | 'damaged-right' | 'damaged-left';
  sequence: string;
  reset_noise: V;
  joint_names: string[];
  reset_state: { torso_pos: V; torso_orn: V; joint_pos: V; obs: V };
  after_burn_in: { torso_pos: V; joint_pos: V };
  after_burn_in_summary: { torso_below_0_26: boolean };
  first_done_env_step: number;
  fitness_hebb_fitness: number;
  fitness_hebb_stop_env_step: number;
  steps: { obs: V[]; joint_pos: V[]; feet_contact: V[] };
  lifetime: { action: V[]; torso_pos: V[]; rewards: V[]; done: boolean[] };
}
interface Scatter {
  fixtures: Record<string, { torso_pos_distance: number[]; fitness_hebb_fitness: number[] }>;
}

const read = <T>(file: string): T => JSON.parse(gunzipSync(readFileSync(`${DIR}/${file}`)).toString()) as T;
const names = readdirSync(DIR).filter((f) => /^[a-z-]+__[a-z]+__[a-z]+\.json\.gz$/.test(f)).map((f) => f.slice(0, -'.json.gz'.length)).sort();
const scatter = existsSync(`${DIR}/scatter.json.gz`) ? read<Scatter>('scatter.json.gz') : { fixtures: {} };
const distance = (a: ArrayLike<number>, b: V): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
/** Env steps before the torso first touches the floor in every fixture (it lands at step 20, from z = 0.75). */
const BEFORE_CONTACT = 19;
const FIRST_STEPS = 100;

/** The reference's fitness_hebb loop over the recorded progress: stop when t > 200 and done or > 30 negative steps. */
function fitnessHebb(progress: number[], done: boolean[], burnIn: number): { fitness: number; stopEnvStep: number } {
  let fitness = 0;
  let negative = 0;
  for (let t = 0; burnIn + t < progress.length; t++) {
    const r = progress[burnIn + t]!;
    fitness += r;
    if (t > 200) {
      negative = r < 0 ? negative + 1 : 0;
      if (done[burnIn + t] || negative > 30) return { fitness, stopEnvStep: burnIn + t + 1 };
    }
  }
  return { fitness, stopEnvStep: progress.length };
}

let engine: BulletEngine;
beforeAll(async () => {
  engine = await loadBullet();
});

describe('physics version 3 replays pybullet 2.6.6', () => {
  it('has the fixtures of every body, action sequence and reset', () => {
    for (const body of ['standard', 'damaged-right', 'damaged-left']) {
      for (const sequence of ['zero', 'uniform', 'sine']) {
        for (const reset of ['zero', 'seeded']) expect(names).toContain(`${body}__${sequence}__${reset}`);
      }
    }
  });

  describe.each(names)('%s', (name) => {
    const fx = read<Fixture>(`${name}.json.gz`);
    const run = (): { env: PybulletQuadrupedEnv; obs0: Float32Array; angles0: Float64Array; torso0: Float64Array; out: ReturnType<typeof step>[] } => {
      const env = new PybulletQuadrupedEnv(engine, loadPreset(fx.body));
      const obs0 = Float32Array.from(env.resetTo(fx.reset_noise));
      const angles0 = env.jointAngles();
      const torso0 = env.rawState().slice(0, 7);
      const out = fx.lifetime.action.map((a) => step(env, a));
      return { env, obs0, angles0, torso0, out };
    };
    const step = (env: PybulletQuadrupedEnv, action: V): { obs: Float32Array; rewards: Float64Array; done: boolean; torso: Float64Array; angles: Float64Array; feet: Float32Array } => {
      const r = env.step(Float64Array.from(action));
      return { obs: Float32Array.from(r.observation), rewards: Float64Array.from(r.rewards), done: r.done, torso: env.rawState().slice(0, 7), angles: env.jointAngles(), feet: Float32Array.from(env.currentFeetContact()) };
    };
    let ours: ReturnType<typeof run>;
    beforeAll(() => {
      ours = run();
    });

    it('resets as pybullet does: joint angles, torso pose and observation to the last bit', () => {
      expect(Array.from(ours.angles0)).toEqual(fx.reset_state.joint_pos);
      expect(Array.from(ours.torso0)).toEqual([...fx.reset_state.torso_pos, ...fx.reset_state.torso_orn]);
      expect(Array.from(ours.obs0)).toEqual(fx.reset_state.obs.map(Math.fround));
    });

    it('falls and lands as pybullet does, to the last bit of every state and observation', () => {
      for (let t = 0; t < BEFORE_CONTACT; t++) {
        const o = ours.out[t]!;
        expect(Array.from(o.torso.subarray(0, 3)), `env step ${t + 1}`).toEqual(fx.lifetime.torso_pos[t]);
        expect(Array.from(o.angles), `env step ${t + 1}`).toEqual(fx.steps.joint_pos[t]);
        expect(Array.from(o.obs), `env step ${t + 1}`).toEqual(fx.steps.obs[t]!.map(Math.fround));
      }
    });

    it(`stays within pybullet's own scatter for the first ${FIRST_STEPS} env steps; feet touch the floor at the same steps while it is below 1 mm`, () => {
      const envelope = scatter.fixtures[name]?.torso_pos_distance;
      let widest = 0;
      for (let t = 0; t < FIRST_STEPS; t++) {
        widest = Math.max(widest, envelope?.[t] ?? 0);
        const off = distance(ours.out[t]!.torso, fx.lifetime.torso_pos[t]!);
        expect(off, `env step ${t + 1}: torso ${off} m from pybullet's; pybullet's own scatter ${widest} m`).toBeLessThanOrEqual(Math.max(widest, 1e-9));
        if (off < 1e-3) expect(Array.from(ours.out[t]!.feet), `env step ${t + 1}`).toEqual(fx.steps.feet_contact[t]);
      }
    });

    it('ends the burn-in in the same state and first reports done at the same env step', () => {
      const end = ours.out[39]!;
      expect(end.torso[2]! <= 0.26).toBe(fx.after_burn_in_summary.torso_below_0_26);
      for (let n = 0; n < 8; n++) expect(Math.abs(end.angles[n]! - fx.after_burn_in.joint_pos[n]!)).toBeLessThan(1e-9);
      expect(Math.abs(end.torso[2]! - fx.after_burn_in.torso_pos[2]!)).toBeLessThan(1e-9);
      expect(ours.out.findIndex((o) => o.done) + 1).toBe(fx.first_done_env_step);
    });

    // Where pybullet itself has scattered by more than 1 mm at env step 100, the lifetime is chaotic: its score is one
    // draw from a wide distribution, which no single replay can pin (five heap layouts of pybullet often repeat one
    // outcome). Those scores are compared as distributions, over 30 closed-loop lifetimes each way
    // (docs/PHYSICS.md#transfer-both-ways).
    const chaotic = (scatter.fixtures[name]?.torso_pos_distance[FIRST_STEPS - 1] ?? 0) > 1e-3;
    it.skipIf(chaotic)("scores what the reference's fitness_hebb would, within pybullet's own scatter", () => {
      const progress = ours.out.map((o) => o.rewards[1]!);
      const mine = fitnessHebb(progress, ours.out.map((o) => o.done), 40);
      // The fitness_hebb loop over pybullet's own recorded rewards is the fixture's score: checks this test's loop.
      const theirs = fitnessHebb(fx.lifetime.rewards.map((r) => r[1]!), fx.lifetime.done, 40);
      expect(theirs.fitness).toBeCloseTo(fx.fitness_hebb_fitness, 9);
      expect(theirs.stopEnvStep).toBe(fx.fitness_hebb_stop_env_step);
      // pybullet's score and its scatter runs are draws of one outcome; a further draw may land outside their range,
      // so the range is widened by its own width on each side (by 1e-6 where pybullet does not scatter at all).
      const spread = scatter.fixtures[name]?.fitness_hebb_fitness ?? [];
      const lo = Math.min(fx.fitness_hebb_fitness, ...spread);
      const hi = Math.max(fx.fitness_hebb_fitness, ...spread);
      const margin = Math.max(hi - lo, 1e-6);
      const why = `pybullet: ${fx.fitness_hebb_fitness}, its scatter ${spread.map((f) => f.toFixed(3)).join(', ')}`;
      expect(mine.fitness, why).toBeGreaterThanOrEqual(lo - margin);
      expect(mine.fitness, why).toBeLessThanOrEqual(hi + margin);
      expect(mine.stopEnvStep).toBe(fx.fitness_hebb_stop_env_step);
    });
  });
});
