"""CPU time of the reference's own fitness_hebb (enajx/HebbianMetaLearning ec65143, unmodified) per env step, for
docs/BENCHMARKS.md's comparison with physics version 3 (`npm run bench`, quadruped_v3_hebbian_rollout_steps_per_s).

Lifetimes of AntBulletEnv-v0 (pybullet 2.6.6) under fitness_hebb('ABCD_lr', 'AntBulletEnv-v0', 'uni', coeffs) with
coefficients 0.1·N(0, 1) (seeded), env steps counted by wrapping AntBulletEnv.step (burn-in included, as the bench
counts them), CPU time by time.process_time() around the calls. Prints one line: env steps per CPU-second.

Needs the reference stack (test/fixtures/pybullet/README.md); from the repository root:
  REF=/work/ref . scripts/reference/env.sh
  $PY scripts/reference/time_fitness_hebb.py [--lifetimes 6] [--seed 1]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refstack  # noqa: E402,F401  (puts the reference code on sys.path, registers the env)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from pybullet_envs import gym_locomotion_envs  # noqa: E402
from fitness_functions import fitness_hebb  # noqa: E402

steps = [0]
_step = gym_locomotion_envs.AntBulletEnv.step


def counted(self, a):
    steps[0] += 1
    return _step(self, a)


gym_locomotion_envs.AntBulletEnv.step = counted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lifetimes', type=int, default=6)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    # One untimed lifetime first: numba compiles the Hebbian update on its first call.
    fitness_hebb('ABCD_lr', 'AntBulletEnv-v0', 'uni', (0.1 * np.random.randn(12288, 5)).astype(np.float32))
    steps[0] = 0
    cpu = 0.0
    for _ in range(args.lifetimes):
        coeffs = (0.1 * np.random.randn(12288, 5)).astype(np.float32)
        start = time.process_time()
        fitness_hebb('ABCD_lr', 'AntBulletEnv-v0', 'uni', coeffs)
        cpu += time.process_time() - start
    print('reference_fitness_hebb_steps_per_cpu_s %.0f (%d env steps, %.2f CPU s)' % (steps[0] / cpu, steps[0], cpu), flush=True)


if __name__ == '__main__':
    main()
