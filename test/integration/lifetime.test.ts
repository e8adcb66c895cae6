import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import type { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { makePolicy, type Policy } from '../../src/core/policy/policies';
import { Domain, RandomStream } from '../../src/core/random';
import { parseDamage, type DamageScheduleInput } from '../../src/core/rollout/damage';
import { lifetimeStreams, runLifetime, type Recording } from '../../src/core/rollout/lifetime';
import { GaitPolicy, quadruped } from './fixtures/quadruped';

const HEBBIAN: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: false };
const STATIC: PolicySpec = { kind: 'static' };
const policyFor = (spec: PolicySpec, seed = 1): Policy =>
  makePolicy(QUADRUPED_MLP, spec, initialCentre(QUADRUPED_MLP, genomeLayout(QUADRUPED_MLP, spec), RandomStream.of(seed, Domain.initialCentre)));
const SYNAPSES = [28 * 128, 128 * 64, 64 * 8];
const row = (a: Float32Array, width: number, i: number): Float32Array => a.subarray(i * width, (i + 1) * width);
/** Zeros in layer l of snapshot k. */
function zerosInLayer(rec: Recording, k: number, l: number): number {
  const start = k * rec.synapses + SYNAPSES.slice(0, l).reduce((s, n) => s + n, 0);
  return rec.weights.subarray(start, start + SYNAPSES[l]!).filter((w) => w === 0).length;
}

let env: QuadrupedEnv;
beforeAll(async () => {
  env = await quadruped('standard');
});
afterAll(() => env.dispose());

describe('lifetime protocol (spec §1.8)', () => {
  it('40 zero-action burn-in steps, then the policy, first fed the stale reset observation; fitness = Σ progress', () => {
    const policy = policyFor(HEBBIAN);
    const result = runLifetime(env, policy, lifetimeStreams(7, 0), { record: {} });
    const rec = result.recording!;
    expect(result.envSteps).toBe(result.steps + 40);
    expect(result.envSteps).toBeLessThanOrEqual(1000);
    expect(rec.envSteps).toBe(result.envSteps);
    expect(rec.poses.length).toBe((rec.envSteps + 1) * 13 * 7);
    for (let s = 0; s < 40; s++) expect(Array.from(row(rec.actions, 8, s)).every((a) => a === 0)).toBe(true);
    // Σ progress over the policy steps (rewards are stored as float32).
    let sum = 0;
    for (let s = 40; s < rec.envSteps; s++) sum += rec.rewards[s * 5 + 1]!;
    expect(result.fitness).toBeCloseTo(sum, 3);
    // Distance is the torso's forward (x) travel between the end of the burn-in and the last frame.
    const torsoX = (frame: number): number => rec.poses[frame * 13 * 7]!;
    expect(result.distance).toBeCloseTo(torsoX(rec.envSteps) - torsoX(40), 4);
    // An identical policy fed observation 0 (reset), then 41, 42 … reproduces the recorded actions.
    const twin = policyFor(HEBBIAN);
    twin.reset(lifetimeStreams(7, 0).policy);
    expect(twin.act(row(rec.observations, 28, 0))).toEqual(row(rec.actions, 8, 40));
    for (let s = 41; s < 60; s++) expect(twin.act(row(rec.observations, 28, s))).toEqual(row(rec.actions, 8, s));
  });

  it('stops early only after t > 200, on a fall or more than 30 consecutive negative-progress steps', () => {
    const result = runLifetime(env, new GaitPolicy(-1), lifetimeStreams(8, 0), { record: {} });
    const rec = result.recording!;
    expect(result.fitness).toBeLessThan(0);
    expect(result.steps).toBeLessThan(960);
    // Replay the rule over the recorded rewards: it must fire at the last step and not before.
    let negative = 0;
    let stopAt = -1;
    for (let t = 0; t < result.steps; t++) {
      const progress = rec.rewards[(40 + t) * 5 + 1]!;
      const done = rec.rewards[(40 + t) * 5]! < 0;
      if (t > 200) {
        negative = progress < 0 ? negative + 1 : 0;
        if (done || negative > 30) {
          stopAt = t;
          break;
        }
      }
    }
    expect(stopAt).toBe(result.steps - 1);
  });

  it('is a pure function of the streams: same key, same lifetime; another key, another', () => {
    const a = runLifetime(env, policyFor(HEBBIAN), lifetimeStreams(3, 1, 2));
    const b = runLifetime(env, policyFor(HEBBIAN), lifetimeStreams(3, 1, 2));
    const c = runLifetime(env, policyFor(HEBBIAN), lifetimeStreams(3, 1, 3));
    expect(b.fitness).toBe(a.fitness);
    expect(b.steps).toBe(a.steps);
    expect(c.fitness).not.toBe(a.fitness);
  });

  it('refuses a policy whose outputs do not match the actions', () => {
    const small = makePolicy({ sizes: [28, 4], hidden: 'tanh', output: 'tanh' }, STATIC, new Float32Array(28 * 4));
    expect(() => runLifetime(env, small, lifetimeStreams(1))).toThrow(/4 outputs but the env takes 8/);
  });
});

describe('damage schedules (spec §6.4)', () => {
  const run = (policy: Policy, damage: DamageScheduleInput, stride = 0): Recording =>
    runLifetime(env, policy, lifetimeStreams(5, 0), { damage: parseDamage(damage), record: { weightStride: stride } }).recording!;

  it('freezeActuators forces the chosen outputs to the value over [from, to) only', () => {
    const rec = run(policyFor(HEBBIAN), [{ kind: 'freezeActuators', from: 50, to: 80, value: 0.5, actuators: [0, 3] }]);
    for (let t = 45; t < 85; t++) {
      const a = row(rec.actions, 8, 40 + t);
      const frozen = t >= 50 && t < 80;
      expect(a[0] === 0.5 && a[3] === 0.5).toBe(frozen);
      expect(a[1]).not.toBe(0.5);
    }
  });

  it('zeroWeights zeroes round(fraction · n) synapses of the chosen layers at t, and nothing else', () => {
    const rec = run(policyFor(HEBBIAN), [{ kind: 'zeroWeights', at: 100, fraction: 1 / 3, layers: [1] }], 1);
    expect(rec.weightSteps[100]).toBe(100);
    expect(zerosInLayer(rec, 99, 1)).toBe(0);
    expect(zerosInLayer(rec, 100, 1)).toBe(Math.round(8192 / 3));
    expect(zerosInLayer(rec, 100, 0)).toBe(0);
    expect(zerosInLayer(rec, 100, 2)).toBe(0);
    // Static networks are damaged the same way, and the next lifetime starts from the genome again.
    const fixed = policyFor(STATIC);
    const healthy = runLifetime(env, fixed, lifetimeStreams(6)).fitness;
    const damaged = run(fixed, [{ kind: 'zeroWeights', at: 0, fraction: 0.5 }], 1);
    expect(zerosInLayer(damaged, 0, 0)).toBe(Math.round(3584 / 2));
    expect(runLifetime(env, fixed, lifetimeStreams(6)).fitness).toBe(healthy);
  });

  it('stopPlasticity freezes the weights from t on', () => {
    const rec = run(policyFor(HEBBIAN), [{ kind: 'stopPlasticity', at: 100 }], 1);
    const snap = (k: number): Float32Array => row(rec.weights, rec.synapses, k);
    expect(snap(99)).not.toEqual(snap(98));
    expect(snap(100)).not.toEqual(snap(99));
    expect(snap(150)).toEqual(snap(100));
    expect(snap(rec.weightSteps.length - 1)).toEqual(snap(100));
  });

  it('actuatorStrength 0 leaves the body passive: the same motion as actions frozen at 0', () => {
    const weak = run(policyFor(HEBBIAN), [{ kind: 'actuatorStrength', at: 0, factor: 0, actuators: [0, 1, 2, 3, 4, 5, 6, 7] }]);
    const frozen = run(policyFor(HEBBIAN), [{ kind: 'freezeActuators', from: 0, to: 1000 }]);
    expect(weak.actions.some((a) => a !== 0)).toBe(true);
    expect(Buffer.from(weak.poses.buffer).equals(Buffer.from(frozen.poses.buffer))).toBe(true);
    // Partial strength changes the motion from t on, not before.
    const full = run(policyFor(HEBBIAN), []);
    const half = run(policyFor(HEBBIAN), [{ kind: 'actuatorStrength', at: 60, factor: 0.5, actuators: [0] }]);
    const frame = (r: Recording, s: number): Float32Array => row(r.poses, 13 * 7, s);
    expect(frame(half, 40 + 60)).toEqual(frame(full, 40 + 60));
    expect(frame(half, 40 + 61)).not.toEqual(frame(full, 40 + 61));
  });

  it('bad schedules get errors naming the field', () => {
    expect(() => parseDamage([{ kind: 'freezeActuators', from: 80, to: 50 }])).toThrow('damage.0.to: must be after from (80)');
    expect(() => parseDamage([{ kind: 'zeroWeights', at: 1, fraction: 1.5 }])).toThrow(/damage\.0\.fraction/);
    expect(() => parseDamage([{ kind: 'explode', at: 1 }])).toThrow(ConfigError);
    expect(() => run(policyFor(HEBBIAN), [{ kind: 'zeroWeights', at: 1, fraction: 0.1, layers: [3] }])).toThrow('damage.0.layers.0: layer 3 does not exist (the network has 3)');
    expect(() => run(policyFor(HEBBIAN), [{ kind: 'freezeActuators', from: 0, to: 5, actuators: [8] }])).toThrow(/damage\.0\.actuators\.0/);
  });
});
