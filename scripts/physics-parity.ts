// The measured effect of each physics-parity setting (docs/PHYSICS.md): version 1, version 1 with one of
// version 2's changes at a time, version 2, and version 2 with pybullet's 5 solver iterations. Per body: a run's
// ES centre over N audited lifetimes, and 1000 random-action steps (joint pivot drift and limit overshoot).
//   npx tsx scripts/physics-parity.ts --db PATH RUN [--episodes N] [--generation G]
import { loadAmmo } from '../src/core/envs/quadruped/ammo';
import { auditLifetime, combineAudits } from '../src/core/envs/quadruped/audit';
import { physicsSettings, type PhysicsSettings } from '../src/core/envs/quadruped/physics';
import { QuadrupedEnv } from '../src/core/envs/quadruped/quadruped-env';
import { rotate, type Quat, type V3 } from '../src/core/math/rigid';
import { parseMjcf } from '../src/core/morphology/mjcf';
import { QUADRUPED_MLP } from '../src/core/nn/mlp';
import { makePolicy } from '../src/core/policy/make-policy';
import { RandomStream } from '../src/core/random';
import { recordingStreams } from '../src/core/rollout/lifetime';
import { centre } from '../src/main/services/evaluation';
import { Store } from '../src/main/store/store';

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const db = take('--db');
const episodes = Number(take('--episodes') ?? 5);
const generation = take('--generation');
if (!db || args.length !== 1) throw new Error('usage: physics-parity.ts --db PATH RUN [--episodes N] [--generation G]');
const store = Store.open(db);
const { config, genome, generation: centreGeneration } = centre(store, Number(args[0]), generation === undefined ? undefined : Number(generation));
const bodies = ['standard', 'damaged-right'].map((name) => ({ name, morphology: parseMjcf(store.morphology(name).mjcf, name) }));
store.close();
const policy = makePolicy(QUADRUPED_MLP, config.policy, genome);
const ammo = await loadAmmo();

const v1 = physicsSettings(1);
const variants: [string, PhysicsSettings][] = [
  ['1', v1],
  ['1 + contact ERP 0.9 through the velocity', { ...v1, erp: 0.9, erp2: 0.9, splitImpulse: false }],
  ['1 + warm starting 0.1, slop 1e-5', { ...v1, warmStarting: 0.1, linearSlop: 1e-5 }],
  ['1 + joint speeds ≤ 100 rad/s', { ...v1, maxJointSpeed: 100 }],
  ['1 + inelastic limits (ERP 0.5)', { ...v1, limitBounce: 0, limitErp: 0.5 }],
  ['2', physicsSettings(2)],
  ['2 with 5 solver iterations', physicsSettings(2, { solverIterations: 5 })],
];

/** Largest distance between a hinge's pivot as placed by its parent and by its child (m). */
function pivotDrift(env: QuadrupedEnv): number {
  const st = env.partState();
  const at = (part: number, local: V3): V3 => {
    const b = 13 * part;
    const q: Quat = [st[b + 3]!, st[b + 4]!, st[b + 5]!, st[b + 6]!];
    const r = rotate(q, local);
    return [st[b]! + r[0], st[b + 1]! + r[1], st[b + 2]! + r[2]];
  };
  return Math.max(...env.assembly.joints.map((j) => {
    const a = at(j.parent, j.pivotInParent);
    const c = at(j.child, j.pivotInChild);
    return Math.hypot(a[0] - c[0], a[1] - c[1], a[2] - c[2]);
  }));
}

function randomActions(env: QuadrupedEnv): { drift: number; overshootDeg: number } {
  env.reset(RandomStream.of(2, 1));
  const rng = RandomStream.of(2, 2);
  const a = new Float32Array(8);
  let drift = 0;
  let over = 0;
  for (let t = 0; t < 1000; t++) {
    for (let i = 0; i < 8; i++) a[i] = rng.uniform(-1, 1);
    env.step(a);
    if (t < 40) continue;
    drift = Math.max(drift, pivotDrift(env));
    env.assembly.joints.forEach((j, n) => {
      over = Math.max(over, j.lower - env.jointAngles()[n]!, env.jointAngles()[n]! - j.upper);
    });
  }
  return { drift, overshootDeg: (over * 180) / Math.PI };
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
console.log(`run ${args[0]} generation ${centreGeneration} (trained with physics ${config.physics}), ${episodes} lifetimes per body (recording seeds 1–${episodes})\n`);
console.log('| physics | body | distance (m) | max / mean penetration (mm) | max overshoot | max joint speed | electricity per m | random actions: pivot drift, overshoot |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [label, physics] of variants) {
  for (const { name, morphology } of bodies) {
    const env = new QuadrupedEnv(ammo, morphology, { physics });
    const lifetimes = Array.from({ length: episodes }, (_, e) => auditLifetime(env, policy, recordingStreams(1 + e)));
    const s = combineAudits(lifetimes);
    const r = randomActions(env);
    env.dispose();
    const d = lifetimes.map((l) => l.distance);
    console.log(
      `| ${label} | ${name} | ${mean(d).toFixed(2)} ± ${std(d).toFixed(2)} | ${(s.maxPenetration * 1000).toFixed(1)} / ${(s.meanPenetration * 1000).toFixed(2)} | ` +
        `${s.maxOvershootDeg.toFixed(1)}° | ${s.maxJointSpeed.toFixed(0)} rad/s | ${s.electricityPerMetre.toFixed(0)} | ${(r.drift * 1000).toFixed(1)} mm, ${r.overshootDeg.toFixed(1)}° |`,
    );
  }
}
