"""Shared helpers for the pybullet 2.6.6 reference scripts (not part of the TypeScript build).

Needs the reference stack described in /work/shared/reference-stack.md (copied into
test/fixtures/pybullet/README.md): Debian's /usr/bin/python3 3.11 with python3-numpy, python3-torch,
python3-numba; pybullet 2.6.6 built from bullet3 6e18cd0fd; gym 0.17.3; the reference code
enajx/HebbianMetaLearning ec65143.

Environment:
  PYTHONPATH=<heb>:<gym>:<bullet3>/examples/pybullet/gym:<bullet3>/build/lib.linux-x86_64-cpython-311
  OMP_NUM_THREADS=1
  HEB_REF_DIR   folder of the reference code (default /work/ref/heb); the damaged bodies are read from
                $HEB_REF_DIR/damaged_bullet_morphologies/
"""
import os
import sys
import json
import gzip
import platform

HEB_REF_DIR = os.environ.get('HEB_REF_DIR', '/work/ref/heb')
if HEB_REF_DIR not in sys.path:
    sys.path.insert(0, HEB_REF_DIR)

import numpy as np
import gym
import pybullet
import pybullet_data
import pybullet_envs  # noqa: F401  (registers AntBulletEnv-v0)
from pybullet_envs import gym_locomotion_envs  # its imports put pybullet_envs/ on sys.path

gym.logger.set_level(40)

ENV_ID = 'AntBulletEnv-v0'
BODIES = {
    'standard': os.path.join(pybullet_data.getDataPath(), 'mjcf', 'ant.xml'),
    'damaged-right': os.path.join(HEB_REF_DIR, 'damaged_bullet_morphologies', 'ant_asym_right.xml'),
    'damaged-left': os.path.join(HEB_REF_DIR, 'damaged_bullet_morphologies', 'ant_asym_left.xml'),
}

# the Ant class AntBulletEnv instantiates (gym_locomotion_envs imports it as top-level module robot_locomotors)
Ant = gym_locomotion_envs.Ant
_ORIG_ANT_INIT = Ant.__init__


def patch_ant_body(body):
    """Make every Ant built from now on (also inside gym.make in the reference's fitness_hebb) load
    the MJCF of `body`. Loading goes through os.path.join(pybullet_data.getDataPath(), 'mjcf', model_xml),
    which returns model_xml itself when it is absolute."""
    path = BODIES[body]

    def __init__(self):
        _ORIG_ANT_INIT(self)
        self.model_xml = path

    Ant.__init__ = __init__
    return path


def robot_body_id(u):
    rb = u.robot.robot_body
    return rb.bodies[rb.bodyIndex]


def versions():
    import torch
    return {
        'pybullet_api_version': pybullet.getAPIVersion(),
        'pybullet': '2.6.6 (bullet3 commit 6e18cd0fd, built from source with CFLAGS="-O3 -g0", double precision)',
        'gym': gym.__version__,
        'numpy': np.__version__,
        'torch': torch.__version__,
        'python': platform.python_version(),
        'python_executable': sys.executable,
        'platform': platform.platform(),
        'reference_code': 'enajx/HebbianMetaLearning ec65143',
    }


def write_json(path, obj, gz=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(obj, separators=(',', ':'), allow_nan=False)
    if gz:
        # mtime=0 keeps the .gz bytes reproducible
        with open(path, 'wb') as f:
            with gzip.GzipFile(filename='', mode='wb', fileobj=f, compresslevel=9, mtime=0) as g:
                g.write(data.encode('utf8'))
    else:
        with open(path, 'w') as f:
            f.write(json.dumps(obj, indent=1, allow_nan=False))
            f.write('\n')


def f64(x):
    """float64 value (Python float repr round-trips float64 exactly; float32 inputs become their exact value)."""
    return float(x)


def flist(xs):
    return [float(x) for x in xs]


def f32(x):
    """A float32 value written as the shortest decimal that rounds to the same float32
    (Math.fround(parseFloat(s)) / np.float32(s) recover it exactly)."""
    return float(repr(np.float32(x)))


def f32list(xs):
    return [f32(x) for x in xs]


def alist(xs):
    """float32 arrays as f32list, anything else as float64."""
    if getattr(xs, 'dtype', None) == np.float32:
        return f32list(xs)
    return flist(xs)
