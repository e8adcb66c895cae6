"""Evaluate a Hebbian rule set (ABCD_lr coefficients, float32 (12288, 5)) inside pybullet 2.6.6's AntBulletEnv-v0 with
the reference's own fitness_hebb (enajx/HebbianMetaLearning ec65143, corrected indexing), unmodified.

What is patched around it (fitness_hebb itself is called as it is):
  * body: pybullet_envs.robot_locomotors.Ant.__init__ sets model_xml to the body's MJCF (absolute path), so the
    env that fitness_hebb builds with gym.make loads that body;
  * seeding: lifetime i uses seed s_i = seed + i: np.random.seed(s_i), torch.manual_seed(s_i) (initial weights,
    'uni' = U(-0.1, 0.1) after nn.Linear's own init), and the env is seeded with env.seed(s_i) right after
    construction, so its reset noise U(-0.1, 0.1) per joint is reproducible (unpatched it comes from os.urandom);
  * optional --det: setPhysicsEngineParameter(deterministicOverlappingPairs=1) after each reset;
  * observation only: AntBulletEnv.step is wrapped to count env steps and read the torso x after each step.
distance = torso x at the last env step minus torso x after the 40-step burn-in (getBasePositionAndOrientation).

Rules file: the reference's torch format (torch.save of a numpy array, as train_hebb.py writes) or .npy
(float32, shape (12288, 5), or flat 61440 in row-major order: row = synapse, columns A, B, C, eta, D).

Run from the repository root (stack and PYTHONPATH as in scripts/reference/pybullet_fixtures.py):
  nice -n 10 /usr/bin/python3 scripts/reference/evaluate_in_pybullet.py RULES --body standard --lifetimes 30 \
      --seed 1000 [--out result.json] [--meta extra.json]
--body takes a comma list (standard, damaged-right, damaged-left); each body uses the same seeds.
"""
import os
import sys
import time
import json
import argparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refstack import (BODIES, ENV_ID, versions, write_json, robot_body_id, patch_ant_body)  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from pybullet_envs import gym_locomotion_envs  # noqa: E402
from fitness_functions import fitness_hebb  # noqa: E402

BURN_IN = 40

_STATE = {'seed': None, 'log': None, 'det': False}
_ORIG_INIT = gym_locomotion_envs.AntBulletEnv.__init__
_ORIG_STEP = gym_locomotion_envs.AntBulletEnv.step
_ORIG_RESET = gym_locomotion_envs.AntBulletEnv.reset


class _RecordingUniform:
    def __init__(self, rng):
        self.rng, self.draws = rng, []

    def uniform(self, low=0.0, high=1.0, size=None):
        v = self.rng.uniform(low=low, high=high, size=size)
        self.draws.append(float(v))
        return v

    def __getattr__(self, k):
        return getattr(self.rng, k)


def _init(self, *a, **kw):
    _ORIG_INIT(self, *a, **kw)
    if _STATE['seed'] is not None:
        self.seed(_STATE['seed'])
    rec = _RecordingUniform(self.np_random)
    self.robot.np_random = rec
    _STATE['log'] = {'x': [], 'env_done': [], 'rec': rec, 'model_xml': None}


def _step(self, a):
    r = _ORIG_STEP(self, a)
    log = _STATE['log']
    if log['model_xml'] is None:
        log['model_xml'] = self.robot.model_xml
    pos, _ = self._p.getBasePositionAndOrientation(robot_body_id(self))
    log['x'].append(float(pos[0]))
    log['env_done'].append(bool(r[2]))
    return r


def _reset(self):
    r = _ORIG_RESET(self)
    if _STATE['det']:
        self._p.setPhysicsEngineParameter(deterministicOverlappingPairs=1)
    return r


gym_locomotion_envs.AntBulletEnv.__init__ = _init
gym_locomotion_envs.AntBulletEnv.step = _step
gym_locomotion_envs.AntBulletEnv.reset = _reset


def load_rules(path):
    if path.endswith('.npy'):
        c = np.load(path)
    else:
        c = torch.load(path)
        if isinstance(c, torch.Tensor):
            c = c.numpy()
    c = np.asarray(c, dtype=np.float32)
    if c.ndim == 1:
        c = c.reshape(-1, 5)
    assert c.shape == (12288, 5), c.shape
    return c


def evaluate(coeffs, body, lifetimes, seed):
    patch_ant_body(body)
    rows = []
    for i in range(lifetimes):
        s = seed + i
        np.random.seed(s)
        torch.manual_seed(s)
        _STATE['seed'] = s
        t0 = time.time()
        fit = fitness_hebb('ABCD_lr', ENV_ID, 'uni', coeffs)
        log = _STATE['log']
        assert os.path.abspath(log['model_xml']) == os.path.abspath(BODIES[body]), log['model_xml']
        xs = log['x']
        rows.append({
            'lifetime': i, 'seed': s, 'fitness': float(fit),
            'distance': xs[-1] - xs[BURN_IN - 1],
            'env_steps': len(xs), 'policy_steps': len(xs) - BURN_IN,
            'ended_by_done': bool(log['env_done'][-1]),
            'reset_noise': log['rec'].draws,
            'cpu_s': time.time() - t0,
        })
        print('%-14s lifetime %3d seed %d  fitness %9.3f  distance %7.3f  env steps %4d' % (
            body, i, s, fit, rows[-1]['distance'], len(xs)), flush=True)
    f = np.array([r['fitness'] for r in rows])
    d = np.array([r['distance'] for r in rows])
    n = np.array([r['env_steps'] for r in rows])
    return {
        'body': body, 'model_xml': os.path.basename(BODIES[body]), 'lifetimes': rows,
        'fitness_mean': float(f.mean()), 'fitness_std': float(f.std()),
        'fitness_std_ddof1': float(f.std(ddof=1)) if len(f) > 1 else None,
        'fitness_min': float(f.min()), 'fitness_max': float(f.max()),
        'distance_mean': float(d.mean()), 'distance_std': float(d.std()),
        'env_steps_mean': float(n.mean()), 'env_steps_std': float(n.std()),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('rules')
    ap.add_argument('--body', default='standard', help='standard | damaged-right | damaged-left (comma list ok)')
    ap.add_argument('--lifetimes', type=int, default=30)
    ap.add_argument('--seed', type=int, default=1000)
    ap.add_argument('--out', default=None)
    ap.add_argument('--meta', default=None, help='JSON file whose keys are merged into the output')
    ap.add_argument('--det', action='store_true',
                    help='set deterministicOverlappingPairs=1 after each reset (reproducible in any process; '
                         'default: the env unmodified, whose results depend on the process heap layout)')
    args = ap.parse_args()
    _STATE['det'] = args.det
    torch.set_num_threads(1)
    coeffs = load_rules(args.rules)
    t0 = time.time()
    res = {
        'format': 'hebbian-workbench/pybullet-eval/1',
        'rules_file': os.path.basename(args.rules),
        'evaluator': 'fitness_hebb(\'ABCD_lr\', \'AntBulletEnv-v0\', \'uni\', coeffs) from enajx/HebbianMetaLearning '
                     'ec65143 (fitness = sum of env.unwrapped.rewards[1] (progress) over policy steps; 40 zero-action '
                     'burn-in steps; stops when t > 200 and (done or > 30 consecutive negative progress), or at the '
                     '1000-step TimeLimit)',
        'seeding': 'lifetime i: s = seed + i; np.random.seed(s); torch.manual_seed(s); env.seed(s) after construction',
        'seed': args.seed, 'lifetimes_per_body': args.lifetimes,
        'deterministic_overlapping_pairs': 1 if args.det else 0,
        'reproducibility': 'with deterministic_overlapping_pairs 0 (the env as shipped) contact solving order '
                           'follows heap addresses: the same command repeats its numbers only while the process '
                           'allocates identically (same arguments and history); lifetimes are run one after another '
                           'in one process, as the reference does',
        'bodies': {},
    }
    for body in args.body.split(','):
        res['bodies'][body] = evaluate(coeffs, body, args.lifetimes, args.seed)
    res['wall_time_s'] = time.time() - t0
    res['versions'] = versions()
    res['command'] = ' '.join([os.path.basename(sys.executable)] + sys.argv)
    if args.meta:
        with open(args.meta) as f:
            res.update(json.load(f))
    for b, r in res['bodies'].items():
        print('%-14s fitness %.3f ± %.3f  distance %.3f ± %.3f  env steps %.1f' % (
            b, r['fitness_mean'], r['fitness_std'], r['distance_mean'], r['distance_std'], r['env_steps_mean']))
    if args.out:
        write_json(args.out, res)
    else:
        print(json.dumps({b: {k: v for k, v in r.items() if k != 'lifetimes'} for b, r in res['bodies'].items()}))


if __name__ == '__main__':
    main()
