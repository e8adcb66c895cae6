"""Record closed-loop lifetimes of an evolved ABCD_lr rule set in pybullet 2.6.6 (the "gait" action sequences of
the fixtures).

The loop is fitness_hebb's (enajx/HebbianMetaLearning ec65143) line for line -- MLP_heb(28, 8) without bias, weights
drawn with p.apply(weights_init 'uni'), 40 zero-action burn-in steps, action = tanh(o3) (float32), reward =
env.unwrapped.rewards[1], hebbian_update_ABCD_lr_D_in after every step -- except that it does not stop at
fitness_hebb's early-stop rule but runs to the 1000-step TimeLimit, so that a whole lifetime of actions exists.
The step where fitness_hebb would have stopped and its fitness are recorded, and the fitness is checked against
the real fitness_hebb run with the same torch seed and the same env seed (seeded reset only; the zero reset needs
a patched noise draw that fitness_hebb cannot take). Every lifetime runs in a fresh process with
deterministicOverlappingPairs=1 (see pybullet_fixtures.py), so that an open-loop replay reproduces it.

Run from the repository root (stack and PYTHONPATH as in scripts/reference/pybullet_fixtures.py):
  nice -n 10 /usr/bin/python3 scripts/reference/record_gait.py RULES.dat --torch-seed 5 --out RULES_STEM.gait.json.gz
"""
import os
import sys
import time
import argparse
import json
import subprocess

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refstack import ENV_ID, versions, write_json, flist, f32list, patch_ant_body  # noqa: E402
import pybullet_fixtures as pf  # noqa: E402
import evaluate_in_pybullet as ev  # noqa: E402  (patches AntBulletEnv for the cross-check)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from policies import MLP_heb  # noqa: E402
from hebbian_weights_update import hebbian_update_ABCD_lr_D_in  # noqa: E402
from fitness_functions import fitness_hebb  # noqa: E402


def closed_loop(coeffs, body, reset_kind, torch_seed):
    np.random.seed(torch_seed)
    torch.manual_seed(torch_seed)
    ev._STATE['seed'] = None
    with torch.no_grad():
        env = pf.make_env(body)
        u = env.unwrapped
        p = MLP_heb(28, 8)

        def weights_init(m):
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.uniform_(m.weight.data, -0.1, 0.1)
        p.apply(weights_init)
        p = p.float()
        w12, w23, w34 = [x.detach().numpy() for x in p.parameters()]
        init_w = [w12.copy(), w23.copy(), w34.copy()]
        observation, draws = pf.do_reset(env, reset_kind)
        for _ in range(pf.BURN_IN):
            env.step(np.zeros(8))
        actions, progress, done_l, torso = [], [], [], []
        rid = pf.robot_body_id(u)
        for t in range(pf.N_ACTIONS):
            o0, o1, o2, o3 = p([observation])
            o0 = o0.numpy()
            o1 = o1.numpy()
            o2 = o2.numpy()
            o3 = torch.tanh(o3).numpy()
            action = o3
            actions.append(flist(action))
            observation, reward, done, info = env.step(action)
            progress.append(float(u.rewards[1]))
            done_l.append(bool(done))
            torso.append(flist(u._p.getBasePositionAndOrientation(rid)[0]))
            w12, w23, w34 = hebbian_update_ABCD_lr_D_in(coeffs, w12, w23, w34, o0, o1, o2, o3)
        env.close()
    n_pol, fit = pf.fitness_hebb_stop(progress, done_l)
    return {'torch_seed': torch_seed, 'numpy_seed': torch_seed, 'reset': reset_kind,
            'reset_seed': pf.SEED_RESET if reset_kind == 'seeded' else None, 'reset_noise': draws,
            'actions': actions, 'progress': progress, 'done': done_l, 'torso_pos': torso,
            'fitness_hebb_policy_steps': n_pol, 'fitness_hebb_stop_env_step': pf.BURN_IN + n_pol,
            'fitness_hebb_fitness': fit, 'sum_progress_whole_lifetime': float(sum(progress))}, init_w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('rules')
    ap.add_argument('--torch-seed', type=int, default=5)
    ap.add_argument('--bodies', default='standard,damaged-right,damaged-left')
    ap.add_argument('--out', default=None)
    ap.add_argument('--only', default=None, help='internal: body:reset or crosscheck:body, run in this process')
    args = ap.parse_args()
    torch.set_num_threads(1)
    coeffs = ev.load_rules(args.rules)
    if args.only:
        what, arg = args.only.split(':')
        if what == 'crosscheck':
            # the real fitness_hebb: same torch/numpy seed, env.seed(7), deterministicOverlappingPairs=1 after reset
            np.random.seed(args.torch_seed)
            torch.manual_seed(args.torch_seed)
            patch_ant_body(arg)
            ev._STATE['seed'] = pf.SEED_RESET
            ev._STATE['det'] = True
            f_ref = float(fitness_hebb('ABCD_lr', ENV_ID, 'uni', coeffs))
            out = {'fitness_hebb_returned': f_ref, 'fitness_hebb_env_steps': len(ev._STATE['log']['x'])}
        else:
            lt, init_w = closed_loop(coeffs, what, arg, args.torch_seed)
            out = {'lifetime': lt, 'init_w': [[flist(r) for r in w] for w in init_w]}
        print('RESULT ' + json.dumps(out), flush=True)
        return

    # every lifetime in a fresh process, deterministicOverlappingPairs=1 (see pybullet_fixtures.py)
    def sub(only):
        r = subprocess.run([sys.executable, os.path.abspath(__file__), args.rules, '--torch-seed',
                            str(args.torch_seed), '--only', only], check=True, capture_output=True, text=True)
        line = [x for x in r.stdout.splitlines() if x.startswith('RESULT ')][0]
        return json.loads(line[len('RESULT '):])

    res = {'format': 'hebbian-workbench/pybullet-gait/1', 'rules_file': os.path.basename(args.rules),
           'physics': 'det', 'deterministic_overlapping_pairs': 1,
           'burn_in_steps': pf.BURN_IN, 'policy_steps': pf.N_ACTIONS, 'lifetimes': {}}
    init_ref = None
    for body in args.bodies.split(','):
        res['lifetimes'][body] = {}
        for rk in ['zero', 'seeded']:
            t0 = time.time()
            r = sub('%s:%s' % (body, rk))
            lt = r['lifetime']
            if init_ref is None:
                init_ref = r['init_w']
                res['initial_weights'] = {
                    'note': 'float32 values as drawn by fitness_hebb\'s weights_init(\'uni\') after torch.manual_seed('
                            'torch_seed) (same seed => same weights in every lifetime here); torch layout '
                            'weight[out][in]: w1 (128, 28), w2 (64, 128), w3 (8, 64)',
                    'torch_seed': args.torch_seed,
                    'w1': [f32list(x) for x in init_ref[0]], 'w2': [f32list(x) for x in init_ref[1]],
                    'w3': [f32list(x) for x in init_ref[2]]}
            else:
                assert r['init_w'] == init_ref
            lt['actions'] = [f32list(a) for a in lt['actions']]
            if rk == 'seeded':
                c = sub('crosscheck:%s' % body)
                c['equal'] = c['fitness_hebb_returned'] == lt['fitness_hebb_fitness']
                lt['fitness_hebb_crosscheck'] = c
                print('  cross-check: fitness_hebb %.9f vs this loop %.9f' % (
                    c['fitness_hebb_returned'], lt['fitness_hebb_fitness']), flush=True)
            res['lifetimes'][body][rk] = lt
            print('%-14s %-6s fitness@stop %.3f (stop env step %d)  x end %.3f  %.1fs' % (
                body, rk, lt['fitness_hebb_fitness'], lt['fitness_hebb_stop_env_step'], lt['torso_pos'][-1][0],
                time.time() - t0), flush=True)
    res['versions'] = versions()
    res['command'] = ' '.join([os.path.basename(sys.executable)] + sys.argv)
    write_json(args.out, res, gz=args.out.endswith('.gz'))


if __name__ == '__main__':
    main()
