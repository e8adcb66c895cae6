/**
 * Worker for `quadruped_worker_rss_mb`: holds what one evaluator worker will hold — ammo.js, one world per preset
 * morphology, a Hebbian policy — runs a lifetime on each, reports, then idles until terminated.
 */
import { parentPort } from 'node:worker_threads';
import { loadAmmo } from '../../core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../core/envs/quadruped/quadruped-env';
import { lifetimeStreams, runLifetime } from '../../core/rollout/lifetime';
import { loadPreset, PRESET_NAMES } from '../../main/services/presets';
import { centrePolicy } from './quadruped';

const ammo = await loadAmmo();
const envs = PRESET_NAMES.map((name) => new QuadrupedEnv(ammo, loadPreset(name)));
const spec = { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' } as const;
const policy = centrePolicy(spec);
envs.forEach((env, m) => runLifetime(env, policy, lifetimeStreams(1, m)));
parentPort!.postMessage('ready');
