"""How far pybullet 2.6.6, run as the reference runs it, scatters around its own reproducible trace: the tolerance of
the physics-version-3 fixture test (test/integration/pybullet-fixtures.test.ts).

The trace fixtures are made with deterministicOverlappingPairs=1 (test/fixtures/pybullet/README.md). AntBulletEnv-v0
as gym.make builds it leaves that at 0, and then the same lifetime differs from process to process with the heap
layout. For each fixture this runs that lifetime K times with the env as shipped, each in a fresh process with a
different heap layout (pybullet_fixtures.py --physics default --pad N), and writes per env step the largest distance
between any of these torso positions and the fixture's, and the spread of their fitness_hebb scores, to
test/fixtures/pybullet/scatter.json.gz. A reimplementation that stays within this envelope of the fixture is as
close to the reference as the reference is to itself.

Needs the reference stack (test/fixtures/pybullet/README.md); run from the repository root:
  REF=/work/ref . scripts/reference/env.sh
  nice -n 10 $PY scripts/reference/pybullet_scatter.py [--runs 5] [--out test/fixtures/pybullet]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from refstack import write_json, versions  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/pybullet')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--fixtures', default=None, help='comma-separated body__sequence__reset (default: every trace fixture)')
    ap.add_argument('--gait', default=None, help='the gait file the gait fixtures were made from (rules/<stem>.gait.json.gz)')
    args = ap.parse_args()
    names = args.fixtures.split(',') if args.fixtures else sorted(
        f[:-len('.json.gz')] for f in os.listdir(args.out) if f.endswith('.json.gz') and f.count('__') == 2)
    out = {'format': 'hebbian-workbench/pybullet-scatter/1', 'physics': 'default', 'runs_per_fixture': args.runs,
           'how': 'each run: a fresh process of pybullet_fixtures.py --physics default --pad N, N = 0, 1000, ...: '
                  'AntBulletEnv-v0 exactly as gym.make builds it, under another heap layout',
           'versions': versions(), 'fixtures': {}}
    path = os.path.join(args.out, 'scatter.json.gz')
    if os.path.exists(path):  # fixtures not named this time keep their entries
        with gzip.open(path, 'rt') as f:
            out['fixtures'] = json.load(f)['fixtures']
    for name in names:
        with gzip.open(os.path.join(args.out, name + '.json.gz'), 'rt') as f:
            det = json.load(f)
        body, seq, reset = name.split('__')
        gait = ['--gait', args.gait] if seq == 'gait' else []
        if seq == 'gait' and not args.gait:
            sys.exit('the gait fixtures need --gait FILE')
        dist = [0.0] * len(det['lifetime']['torso_pos'])
        fitness = []
        for k in range(args.runs):
            cmd = [sys.executable, os.path.join(HERE, 'pybullet_fixtures.py'), '--out', args.out, *gait, '--only',
                   f'{body}:{seq}:{reset}', '--physics', 'default', '--ensemble', '1', '--pad', str(1000 * k)]
            r = subprocess.run(cmd, check=True, capture_output=True, text=True)
            run = json.loads([x for x in r.stdout.splitlines() if x.startswith('ENSEMBLE ')][0][len('ENSEMBLE '):])
            for t, (a, b) in enumerate(zip(run['torso_pos'], det['lifetime']['torso_pos'])):
                dist[t] = max(dist[t], sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5)
            fitness.append(run['fitness_hebb_fitness'])
        out['fixtures'][name] = {'torso_pos_distance': dist, 'fitness_hebb_fitness': fitness,
                                 'det_fitness_hebb_fitness': det['fitness_hebb_fitness']}
        print(name, 'dist@100 %.2e @1000 %.2e' % (dist[99], dist[-1]), 'fitness', ['%.3f' % x for x in fitness],
              'det %.3f' % det['fitness_hebb_fitness'], flush=True)
    write_json(path, out, gz=True)


if __name__ == '__main__':
    main()
