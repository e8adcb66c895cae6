import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { genomeLayout, initialCentre, type PolicySpec } from '../../src/core/policy/genome';
import { type Policy } from '../../src/core/policy/policies';
import { makePolicy } from '../../src/core/policy/make-policy';
import { Domain, RandomStream } from '../../src/core/random';
import { parseDamage, type DamageScheduleInput } from '../../src/core/rollout/damage';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { removeLowerLeg } from '../../src/core/morphology/edit';
import { BLOWN_UP_FITNESS, lifetimeStreams, runLifetime, WHOLE_LIFETIME, type Recording } from '../../src/core/rollout/lifetime';
import { ConstructedStart, preset, quadruped } from './fixtures/quadruped';

const HEBBIAN: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' };
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

describe('lifetime protocol (docs/METHOD.md#lifetime)', () => {
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

  describe('early stop (docs/METHOD.md#lifetime): tested only once t > 200, then on done or a 31st consecutive negative-progress step', () => {
    // Outputs exactly 0: a static network with zero weights. The bodies below are constructed so that what the
    // rule looks at is known at every step.
    const passive = (): Policy => makePolicy(QUADRUPED_MLP, STATIC, new Float32Array(12_288));

    it('a body that is down at every step (torso on the floor, no lower legs, motors idle) stops at t = 201', async () => {
      let body = preset('standard');
      for (const foot of ['front_left_foot', 'front_right_foot', 'left_back_foot', 'right_back_foot']) body = removeLowerLeg(body, foot);
      const amputee = new QuadrupedEnv(await loadAmmo(), body);
      const whole = runLifetime(amputee, passive(), lifetimeStreams(8, 0), { protocol: WHOLE_LIFETIME, record: {} }).recording!;
      // The construction: alive = −1 (done) at every policy step.
      for (let s = 40; s < whole.envSteps; s++) expect(whole.rewards[s * 5]).toBe(-1);
      const result = runLifetime(amputee, passive(), lifetimeStreams(8, 0));
      amputee.dispose();
      // done is ignored for t = 0 … 200; the first test, at t = 201, stops: 202 forward passes.
      expect(result.steps).toBe(202);
      expect(result.envSteps).toBe(242);
    });

    it('a body drifting backwards in the air (negative progress at every step, never down) stops at t = 231', () => {
      const drifting = new ConstructedStart(env, { rootPosition: [0, 0, 3000], linearVelocity: [-1, 0, 0] });
      const whole = runLifetime(drifting, passive(), lifetimeStreams(8, 0), { protocol: WHOLE_LIFETIME, record: {} }).recording!;
      for (let s = 40; s < whole.envSteps; s++) {
        expect(whole.rewards[s * 5 + 1]).toBeLessThan(0);
        expect(whole.rewards[s * 5]).toBe(1);
      }
      // Negative steps count from t = 201 only: the 31st is t = 231.
      expect(runLifetime(drifting, passive(), lifetimeStreams(8, 0)).steps).toBe(232);
    });

    it('a body drifting forwards in the air never stops early: all 960 policy steps of the 1000', () => {
      const forwards = new ConstructedStart(env, { rootPosition: [0, 0, 3000], linearVelocity: [1, 0, 0] });
      const result = runLifetime(forwards, passive(), lifetimeStreams(8, 0));
      expect([result.steps, result.envSteps]).toEqual([960, 1000]);
      expect(result.fitness).toBeGreaterThan(0);
    });
  });

  describe('a non-finite state ends the lifetime at once, scored BLOWN_UP_FITNESS and 0 m', () => {
    const hebbianWith = (edit: (genome: Float32Array) => void, spec: PolicySpec = HEBBIAN): Policy => {
      const genome = initialCentre(QUADRUPED_MLP, genomeLayout(QUADRUPED_MLP, spec), RandomStream.of(1, Domain.initialCentre));
      edit(genome);
      return makePolicy(QUADRUPED_MLP, spec, genome);
    };

    it('an infinite weight that tanh would hide: stopped before the first action is applied', () => {
      const genome = new Float32Array(12_288);
      genome[2] = Infinity; // layer 0, neuron 0, input 2 (cos of the heading, ≈ 1): tanh(∞) = 1 looks healthy
      const result = runLifetime(env, makePolicy(QUADRUPED_MLP, STATIC, genome), lifetimeStreams(3, 0), { record: {} });
      expect(result).toMatchObject({ fitness: BLOWN_UP_FITNESS, distance: 0, blownUp: true, steps: 1, envSteps: 40 });
      expect(result.recording!.envSteps).toBe(40); // the burn-in only
    });

    it('weights the first Hebbian update makes infinite (η·D overflows float32): stopped at t = 1', () => {
      // Row of synapse (pre 0, post 0) of layer 0: η = D = 1e20, so Δw = η·D = ∞.
      const policy = hebbianWith((g) => g.set([0, 0, 0, 1e20, 1e20], 0));
      expect(runLifetime(env, policy, lifetimeStreams(3, 0))).toMatchObject({ fitness: BLOWN_UP_FITNESS, distance: 0, blownUp: true, steps: 2, envSteps: 41 });
    });

    it('a body whose state overflows mid-lifetime (flung at 3e38 m/s through the air): stopped at the first non-finite step', () => {
      const flung = new ConstructedStart(env, { rootPosition: [0, 0, 3000], linearVelocity: [3e38, 0, 0] });
      const result = runLifetime(flung, policyFor(HEBBIAN), lifetimeStreams(3, 0), { record: {} });
      expect(result).toMatchObject({ fitness: BLOWN_UP_FITNESS, distance: 0, blownUp: true });
      expect(result.steps).toBeGreaterThan(1); // x passes float32's maximum after the burn-in, well before the end
      expect(result.envSteps).toBeLessThan(1000);
      // Everything recorded is finite; the step after it, the last one taken, is not (and is not recorded).
      const rec = result.recording!;
      expect(rec.envSteps).toBe(result.envSteps - 1);
      for (const part of [rec.poses, rec.observations, rec.rewards]) expect(part.every(Number.isFinite)).toBe(true);
      expect(env.partState().every(Number.isFinite)).toBe(false);
    });

    it('a healthy lifetime is not flagged', () => {
      const result = runLifetime(env, policyFor(HEBBIAN), lifetimeStreams(3, 0));
      expect(result.blownUp).toBe(false);
      expect(result.fitness).toBeGreaterThan(BLOWN_UP_FITNESS);
    });
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

describe('damage schedules (docs/METHOD.md#damage-experiments)', () => {
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

  it('freezeActuators holds 1.0 by default; stored events keep their value and read as the update seeing the network', () => {
    expect(parseDamage([{ kind: 'freezeActuators', from: 300, to: 400 }])).toEqual([{ kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' }]);
    expect(parseDamage([{ kind: 'freezeActuators', from: 50, to: 80, value: 0 }])[0]).toMatchObject({ value: 0, hebbianSees: 'network' });
    expect(() => parseDamage([{ kind: 'freezeActuators', from: 1, to: 2, hebbianSees: 'both' }])).toThrow(/damage\.0\.hebbianSees/);
  });

  describe.each(['network', 'applied'] as const)("during a freeze the output layer's update sees %s post activity", (sees) => {
    // One plastic layer 28 → 8 with Δw_ji = post_j (ABCD_lr with C = η = 1, A = B = D = 0) from w = 0.01: every
    // weight of row j is 0.01 + Σ_{s<t} post_j(s), so the snapshots reveal exactly which post the update used.
    const net = { sizes: [28, 8], hidden: 'tanh', output: 'tanh' } as const;
    const spec: PolicySpec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'coevolve', normalise: 'none' };
    const genome = new Float32Array(genomeLayout(net, spec).size);
    for (let s = 0; s < 28 * 8; s++) {
      genome[5 * s + 2] = 1; // C
      genome[5 * s + 3] = 1; // η
    }
    genome.fill(0.01, 28 * 8 * 5);
    const frozen = [0, 3];

    it('the weights and actions follow the hand-computed lifetime', () => {
      const rec = runLifetime(env, makePolicy(net, spec, genome), lifetimeStreams(5, 0), {
        damage: parseDamage([{ kind: 'freezeActuators', from: 0, to: 2, actuators: frozen, hebbianSees: sees }]),
        record: { weightStride: 1 },
      }).recording!;
      const input = (t: number): Float32Array => row(rec.observations, 28, t === 0 ? 0 : 40 + t);
      const w = Array.from({ length: 8 }, () => 0.01);
      for (let t = 0; t < 4; t++) {
        const snapshot = row(rec.weights, 224, t);
        for (let j = 0; j < 8; j++) for (let i = 0; i < 28; i++) expect(snapshot[j * 28 + i]).toBeCloseTo(w[j]!, 5);
        const sum = input(t).reduce((s, x) => s + x, 0);
        const held = t < 2;
        for (let j = 0; j < 8; j++) {
          const y = Math.tanh(w[j]! * sum);
          const applied = held && frozen.includes(j) ? 1 : y;
          expect(rec.actions[(40 + t) * 8 + j]).toBeCloseTo(applied, 5);
          w[j]! += sees === 'applied' ? applied : y;
        }
      }
      // The other reading would have stored a clearly different row 0 after the first step: 0.01 + tanh(·) vs 1.01.
      const y0 = Math.tanh(0.01 * input(0).reduce((s, x) => s + x, 0));
      expect(Math.abs(row(rec.weights, 224, 1)[0]! - (sees === 'applied' ? 0.01 + y0 : 1.01))).toBeGreaterThan(0.5);
    });
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
    const frozen = run(policyFor(HEBBIAN), [{ kind: 'freezeActuators', from: 0, to: 1000, value: 0 }]);
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
