/**
 * The physics audit (core/envs/quadruped/audit.ts, `hebb audit`): its figures on constructed states with known
 * answers, the audited lifetime left untouched by the probe, the re-runs under finer physics, the CLI, and the
 * physics version a run records.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfig } from '../../src/core/config';
import { loadAmmo, type AmmoModule } from '../../src/core/envs/quadruped/ammo';
import { auditGait, auditLifetime, PhysicsProbe } from '../../src/core/envs/quadruped/audit';
import { physicsSettings, type SolverSteps } from '../../src/core/envs/quadruped/physics';
import { CONTROL_DT, GRAVITY, QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { QUADRUPED_MLP } from '../../src/core/nn/mlp';
import { makePolicy } from '../../src/core/policy/make-policy';
import { lifetimeStreams, recordingStreams, runLifetime, type Protocol } from '../../src/core/rollout/lifetime';
import { centre } from '../../src/main/services/evaluation';
import { MIGRATIONS } from '../../src/main/store/migrations';
import { APPLICATION_ID, Store } from '../../src/main/store/store';
import { GaitPolicy, lowestPoint, preset } from './fixtures/quadruped';
import { HEBB } from '../support/cli';

const DEG = Math.PI / 180;
let ammo: AmmoModule;
let env: QuadrupedEnv;
let dir: string;
beforeAll(async () => {
  ammo = await loadAmmo();
  env = new QuadrupedEnv(ammo, preset('standard'));
  dir = mkdtempSync(join(tmpdir(), 'hebb-audit-'));
});
afterAll(() => {
  env.dispose();
  rmSync(dir, { recursive: true, force: true });
});
const midRange = (): number[] => env.assembly.joints.map((j) => (j.lower + j.upper) / 2);
const zero = new Float32Array(8);
/** Short lifetimes keep the file quick: the reference's burn-in, 260 policy steps, no early stop. */
const SHORT: Protocol = { burnIn: 40, maxEnvSteps: 300, earlyStopAfter: 300, negativePatience: 30 };
const SHINS = ['front_left_foot', 'front_right_foot', 'left_back_foot', 'right_back_foot'];

describe('audit figures on constructed states', () => {
  it('a body placed 3 cm into the ground reads 3 cm deep, on a shin', () => {
    env.resetTo({ rootPosition: [0, 0, 1], jointAngles: midRange() });
    env.resetTo({ rootPosition: [0, 0, 1 - lowestPoint(env) - 0.03], jointAngles: midRange() });
    const probe = new PhysicsProbe(env);
    probe.active = true;
    env.step(zero);
    const f = probe.figures();
    probe.detach();
    expect(f.maxPenetration).toBeCloseTo(0.03, 4);
    expect(SHINS).toContain(f.deepestPart);
    expect(f.meanPenetration).toBeGreaterThan(0);
    expect(f.deepShare).toBeGreaterThan(0);
  });

  it('a hip set 10° past its upper limit reads an overshoot on that joint only; a body hanging in mid-range reads none', () => {
    const angles = midRange();
    angles[0] = env.assembly.joints[0]!.upper + 10 * DEG;
    env.resetTo({ rootPosition: [0, 0, 3], jointAngles: angles });
    let probe = new PhysicsProbe(env);
    probe.active = true;
    env.step(zero);
    let f = probe.figures();
    probe.detach();
    expect(f.overshoot[0]!.aboveDeg).toBeGreaterThan(0.5);
    expect(f.overshoot[0]!.aboveDeg).toBeLessThan(10);
    expect(f.maxOvershootDeg).toBe(f.overshoot[0]!.aboveDeg);

    env.resetTo({ rootPosition: [0, 0, 3], jointAngles: midRange() });
    probe = new PhysicsProbe(env);
    probe.active = true;
    for (let t = 0; t < 5; t++) env.step(zero);
    f = probe.figures();
    probe.detach();
    expect(f.maxOvershootDeg).toBe(0);
    expect(f.contactSubSteps).toBe(0);
    expect(f.subSteps).toBe(20);
  });

  it('an ant at rest pushes on the ground with its weight: Σ normal impulse per step = m·g·0.0165', () => {
    env.resetTo({ jointAngles: midRange() });
    for (let t = 0; t < 300; t++) env.step(zero);
    const probe = new PhysicsProbe(env);
    probe.active = true;
    for (let t = 0; t < 30; t++) {
      env.step(zero);
      probe.endStep();
    }
    const f = probe.figures();
    probe.detach();
    const mass = env.assembly.parts.reduce((s, p) => s + p.mass, 0);
    expect(mass).toBeCloseTo(182.18, 1);
    expect(f.peakForceBodyWeights).toBeCloseTo(1, 1);
    expect(f.maxSubStepImpulse).toBeCloseTo((mass * GRAVITY * CONTROL_DT) / 4, -0.5);
    expect(f.maxJointSpeed).toBeLessThan(0.1);
  });
});

describe('auditing a lifetime', () => {
  it('leaves the lifetime as it is and puts the reference’s electricity cost of the policy steps per metre', () => {
    const plain = runLifetime(env, new GaitPolicy(), lifetimeStreams(4, 0), { record: {}, protocol: SHORT });
    const audit = auditLifetime(env, new GaitPolicy(), lifetimeStreams(4, 0), SHORT);
    expect(audit.fitness).toBe(plain.fitness);
    expect(audit.distance).toBe(plain.distance);
    const rec = plain.recording!;
    let cost = 0;
    for (let s = rec.burnIn; s < rec.envSteps; s++) cost -= rec.rewards[s * 5 + 2]!;
    expect(audit.electricity).toBeCloseTo(cost, 2);
    expect(audit.electricityPerMetre).toBeCloseTo(audit.electricity / audit.distance, 9);
    expect(audit.subSteps).toBe(4 * plain.steps); // the burn-in is not watched
  });

  it('audits several lifetimes and re-runs each with twice the solver iterations and with half the sub-step', () => {
    const physics = physicsSettings(2);
    const make = (solver: SolverSteps): QuadrupedEnv => new QuadrupedEnv(ammo, preset('standard'), { physics: physicsSettings(2, solver) });
    const a = auditGait(make, physics, new GaitPolicy(), (e) => lifetimeStreams(5, e), { protocol: SHORT, episodes: 2 });
    expect(a.lifetimes).toHaveLength(2);
    expect(a.summary.distance).toBeCloseTo((a.lifetimes[0]!.distance + a.lifetimes[1]!.distance) / 2, 12);
    expect(a.summary.maxOvershootDeg).toBe(Math.max(a.lifetimes[0]!.maxOvershootDeg, a.lifetimes[1]!.maxOvershootDeg));
    expect(a.summary.electricityPerMetre).toBeCloseTo((a.lifetimes[0]!.electricity + a.lifetimes[1]!.electricity) / (2 * a.summary.distance), 9);
    expect(a.reruns.map((r) => [r.solver.solverIterations, r.solver.subSteps])).toEqual([[20, 4], [10, 8]]);
    for (const r of a.reruns) {
      const fresh = new QuadrupedEnv(ammo, preset('standard'), { physics: { ...physics, ...r.solver } });
      const again = [0, 1].map((e) => runLifetime(fresh, new GaitPolicy(), lifetimeStreams(5, e), { protocol: SHORT }).distance);
      fresh.dispose();
      expect(r.distances).toEqual(again);
      expect(r.ratio).toBeCloseTo((again[0]! + again[1]!) / 2 / a.summary.distance, 12);
    }
  });
});

describe('physics version of a run', () => {
  it('new runs record the current version; runs stored before versions existed read as version 1', () => {
    expect(runConfig({ name: 'new' }).physics).toBe(3);
    const path = join(dir, 'old.db');
    // A store as it was just before the physics migration, holding a run stored then and one with a version.
    const before = MIGRATIONS.findIndex((m) => m.includes("'$.physics'"));
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, before)) raw.exec(m);
    raw.pragma(`user_version = ${before}`);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    const insert = raw.prepare("INSERT INTO runs (name, config, seed, status, created_at, updated_at) VALUES (?, ?, 1, 'queued', 1, 1)");
    const old = { id: Number(insert.run('old', JSON.stringify({ name: 'old', env: 'quadruped', generations: 3 })).lastInsertRowid) };
    const fresh = { id: Number(insert.run('new', JSON.stringify(runConfig({ name: 'new' }))).lastInsertRowid) };
    raw.close();
    const store = Store.open(path);
    expect(runConfig(store.getRun(old.id).config).physics).toBe(1);
    expect(runConfig(store.getRun(fresh.id).config).physics).toBe(3);
    store.close();
  });
});

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });

describe('hebb audit', () => {
  it('prints the figures for a run: the lifetime of its centre for the recording seed, under the fitness protocol', () => {
    const db = join(dir, 'cli.db');
    expect(hebb('train', '--db', db, '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--physics', '2', '--json').status).toBe(0);
    const out = hebb('audit', '1', '--db', db, '--seed', '3', '--episodes', '1', '--json');
    expect(out.status).toBe(0);
    const audit = JSON.parse(out.stdout) as { physicsVersion: number; trainedPhysics: number; morphology: string; lifetimes: { distance: number }[]; reruns: unknown[] };
    expect(audit).toMatchObject({ physicsVersion: 2, trainedPhysics: 2, morphology: 'standard' });
    expect(audit.reruns).toHaveLength(2);
    // The same lifetime, run here: the run's centre, recording seed 3, the fitness protocol.
    const store = Store.open(db);
    const { config, genome } = centre(store, 1);
    store.close();
    const policy = makePolicy(QUADRUPED_MLP, config.policy, genome);
    expect(audit.lifetimes.map((l) => l.distance)).toEqual([runLifetime(env, policy, recordingStreams(3)).distance]);
    const text = hebb('audit', '1', '--db', db, '--seed', '3', '--episodes', '2', '--physics', '1');
    expect(text.status).toBe(0);
    for (const line of ['seeds 3–4, physics 1 (trained with 2)', 'penetration', 'joint limits', 'contact impulse', 'electricity', '20 solver iterations', '8 sub-steps']) expect(text.stdout).toContain(line);
    // A run trained under version 3 is audited in pybullet's engine, with pybullet_envs' solver (5 iterations, 4 sub-steps).
    expect(hebb('train', '--db', db, '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--json').status).toBe(0);
    const v3 = hebb('audit', '2', '--db', db, '--episodes', '1');
    expect(v3.status).toBe(0);
    for (const line of ['seed 1, physics 3', 'penetration', 'joint limits', '10 solver iterations', '8 sub-steps of 2.0625 ms']) expect(v3.stdout).toContain(line);
  });

  it('bad input exits 2 naming the flag', () => {
    const db = join(dir, 'cli.db');
    const cases: [string[], RegExp][] = [
      [['--physics', '7'], /--physics must be one of 1, 2/],
      [['--episodes', '0'], /--episodes must be in \[1, 100\]/],
      [['--morphology', 'no-such-body'], /--morphology:/],
      [['--generation', '40'], /no checkpoint for generation 40/],
    ];
    for (const [flags, message] of cases) {
      const r = hebb('audit', '1', '--db', db, ...flags);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(hebb('audit', '99', '--db', db).status).toBe(2);
  });
});
