"""Evolve ABCD_lr Hebbian coefficients in pybullet 2.6.6 with the reference's own ES (enajx/HebbianMetaLearning
ec65143, EvolutionStrategyHebb + fitness_hebb, unmodified) on the standard AntBulletEnv-v0 body.

train_hebb.py saves coefficients only once a generation's mean reward passes 100, so this drives
EvolutionStrategyHebb(...).run(1) one generation at a time until a wall-clock budget is spent and saves get_coeffs()
the way the reference does: torch.save(float32 numpy array (12288, 5), '...HEBcoeffs__...__coeffs__<G>.dat').

Settings are train_hebb.py's defaults (lr 0.2, decay 0.995, sigma 0.1, init_weights 'uni', distribution 'normal')
except the population (64) and the thread count (1).

Run from the repository root (stack and PYTHONPATH as in scripts/reference/pybullet_fixtures.py):
  nice -n 10 /usr/bin/python3 scripts/reference/evolve_in_pybullet.py --seed 20260 --minutes 40 --popsize 64
Writes test/fixtures/pybullet/rules/HEBcoeffs__AntBulletEnv-v0__ABCD_lr__pybullet-es__seed<S>__coeffs__<G>.dat
and <same stem>.es.json (settings, per-generation population fitness statistics, wall time).
Checkpoints of every generation go to --work (not committed).

Note: fitness_hebb makes a fresh env per lifetime whose reset noise is seeded by gym from os.urandom, so a rerun with
the same seed gives the same ES noise and initial weights but not the same reset noise.
"""
import os
import sys
import time
import json
import argparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refstack import versions, write_json, ENV_ID  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from evolution_strategy_hebb import EvolutionStrategyHebb  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=20260)
    ap.add_argument('--minutes', type=float, default=40.0)
    ap.add_argument('--min-generations', type=int, default=20)
    ap.add_argument('--max-generations', type=int, default=10000)
    ap.add_argument('--popsize', type=int, default=64)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default='test/fixtures/pybullet/rules')
    ap.add_argument('--work', default='/work/ref/es_runs')
    args = ap.parse_args()

    torch.set_num_threads(1)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    settings = dict(hebb_rule='ABCD_lr', environment=ENV_ID, init_weights='uni', population_size=args.popsize,
                    sigma=0.1, learning_rate=0.2, decay=0.995, num_threads=args.threads, distribution='normal')
    es = EvolutionStrategyHebb(settings['hebb_rule'], settings['environment'], settings['init_weights'],
                               population_size=settings['population_size'], sigma=settings['sigma'],
                               learning_rate=settings['learning_rate'], decay=settings['decay'],
                               num_threads=settings['num_threads'], distribution=settings['distribution'])
    assert es.coeffs.shape == (12288, 5), es.coeffs.shape

    # observe each generation's population fitness (the values the ES ranks, weight decay term included)
    gen_stats = []
    orig_get_rewards = es._get_rewards

    def _get_rewards(pool, population):
        r = orig_get_rewards(pool, population)
        gen_stats.append({'mean': float(r.mean()), 'max': float(r.max()), 'min': float(r.min()),
                          'std': float(r.std())})
        return r
    es._get_rewards = _get_rewards

    os.makedirs(args.work, exist_ok=True)
    t0 = time.time()
    g = 0
    while g < args.max_generations:
        if g >= args.min_generations and time.time() - t0 > args.minutes * 60:
            break
        es.run(1, print_step=1, path=args.work)
        g += 1
        st = gen_stats[-1]
        st['generation'] = g
        st['elapsed_s'] = time.time() - t0
        st['sigma_after'] = float(es.SIGMA)
        st['lr_after'] = float(es.learning_rate)
        print('gen %4d  mean %8.3f  max %8.3f  %.0fs' % (g, st['mean'], st['max'], st['elapsed_s']), flush=True)
        torch.save(es.get_coeffs(), os.path.join(args.work, 'checkpoint_seed%d_gen%d.dat' % (args.seed, g)))
    wall = time.time() - t0

    stem = 'HEBcoeffs__%s__ABCD_lr__pybullet-es__seed%d__coeffs__%d' % (ENV_ID, args.seed, g)
    os.makedirs(args.out, exist_ok=True)
    coeffs = es.get_coeffs()
    assert coeffs.dtype == np.float32 and coeffs.shape == (12288, 5)
    torch.save(coeffs, os.path.join(args.out, stem + '.dat'))
    write_json(os.path.join(args.out, stem + '.es.json'), {
        'format': 'hebbian-workbench/pybullet-es-run/1',
        'rules_file': stem + '.dat',
        'seed': args.seed,
        'seeding': 'np.random.seed(seed) and torch.manual_seed(seed) once before EvolutionStrategyHebb(); '
                   'reset noise of each fitness_hebb env comes from gym seeding (os.urandom), not seeded',
        'es_settings': settings,
        'indexing': 'ec65143 corrected (row = offset + i*n_out + j)',
        'generations': g,
        'budget_lifetimes': g * args.popsize,
        'wall_time_s': wall,
        'command': ' '.join([os.path.basename(sys.executable)] + sys.argv),
        'versions': versions(),
        'generation_stats': gen_stats,
        'coeffs_stats': {'mean_abs': float(np.abs(coeffs).mean()), 'max_abs': float(np.abs(coeffs).max())},
    })
    print('saved', stem, 'generations', g, 'wall', int(wall), 's', flush=True)


if __name__ == '__main__':
    main()
