import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadBullet } from './src/core/envs/quadruped/pybullet/bullet';
import { PybulletQuadrupedEnv } from './src/core/envs/quadruped/pybullet/pybullet-env';
import { loadPreset } from './src/main/services/presets';
const dir = '/work/main/test/fixtures/pybullet/';
const engine = await loadBullet();
const only = process.argv[2];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json.gz') && (!only || f.includes(only)))) {
  const d = JSON.parse(gunzipSync(readFileSync(dir + f)).toString());
  const env = new PybulletQuadrupedEnv(engine, loadPreset(d.body));
  const obs0 = env.resetTo(d.reset_noise);
  let maxObs0 = 0; obs0.forEach((v, i) => (maxObs0 = Math.max(maxObs0, Math.abs(v - d.reset_state.obs[i]))));
  const errs: number[] = [];
  let firstDone = -1;
  const sums = [0, 0, 0, 0, 0];
  let maxPos = 0, maxRew = 0, maxObs = 0, divergeAt = -1;
  for (let t = 0; t < 1000; t++) {
    const r = env.step(d.lifetime.action[t]);
    if (r.done && firstDone < 0) firstDone = t + 1;
    r.rewards.forEach((v, i) => (sums[i] += v));
    const st = env.rawState();
    const p = d.lifetime.torso_pos[t];
    const e = Math.hypot(st[0] - p[0], st[1] - p[1], st[2] - p[2]);
    errs.push(e);
    if (e > 1e-6 && divergeAt < 0) divergeAt = t + 1;
    if (t < 150) {
      maxPos = Math.max(maxPos, e);
      r.observation.forEach((v, i) => (maxObs = Math.max(maxObs, Math.abs(v - d.steps.obs[t][i]))));
      r.rewards.forEach((v, i) => (maxRew = Math.max(maxRew, Math.abs(v - d.lifetime.rewards[t][i]))));
    }
  }
  const at = (t: number) => errs[t - 1]!.toExponential(1);
  console.log(`${f.padEnd(36)} obs0 ${maxObs0.toExponential(1)} | ≤150: pos ${maxPos.toExponential(1)} obs ${maxObs.toExponential(1)} rew ${maxRew.toExponential(1)} | pos@200 ${at(200)} @500 ${at(500)} @1000 ${at(1000)} first>1e-6 ${divergeAt} | done ${firstDone}/${d.first_done_env_step} | Σprog ${sums[1].toFixed(3)}/${d.sum_rewards_whole_lifetime[1].toFixed(3)}`);
  env.dispose();
}
