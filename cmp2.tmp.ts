import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadBullet } from './src/core/envs/quadruped/pybullet/bullet';
import { PybulletQuadrupedEnv } from './src/core/envs/quadruped/pybullet/pybullet-env';
import { loadPreset } from './src/main/services/presets';
const d = JSON.parse(gunzipSync(readFileSync('/work/wt-ref/test/fixtures/pybullet/standard__zero__zero.json.gz')).toString());
const env = new PybulletQuadrupedEnv(await loadBullet(), loadPreset(d.body));
const o = env.resetTo(d.reset_noise);
console.log('obs0 diffs', Array.from(o).map((v, i) => [i, v, d.reset_state.obs[i], v - d.reset_state.obs[i]]).filter((x) => x[3] !== 0));
const st0 = env.rawState();
console.log('reset torso', Array.from(st0.slice(0, 7)), d.reset_state.torso_pos, d.reset_state.torso_orn);
for (let t = 0; t < 30; t++) {
  env.step(d.lifetime.action[t]);
  const st = env.rawState();
  const p = d.lifetime.torso_pos[t];
  const jp = d.steps.joint_pos[t];
  const ja = env.jointAngles();
  console.log(t + 1, (st[0] - p[0]).toExponential(2), (st[1] - p[1]).toExponential(2), (st[2] - p[2]).toExponential(2), 'joint', Math.max(...ja.map((v, i) => Math.abs(v - jp[i]))).toExponential(2), 'z', st[2].toFixed(5));
}
