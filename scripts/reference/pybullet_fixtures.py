"""Ground-truth traces of pybullet 2.6.6's AntBulletEnv-v0 for Hebbian Workbench's own quadruped.

Needs the reference stack (see scripts/reference/refstack.py and test/fixtures/pybullet/README.md):
  Debian's /usr/bin/python3 3.11 + python3-numpy/torch/numba, pybullet 2.6.6 (bullet3 6e18cd0fd) built
  from source, gym 0.17.3, enajx/HebbianMetaLearning ec65143 (for the damaged bodies).

Run from the repository root:
  export PYTHONPATH=/work/ref/heb:/work/ref/gym:/work/ref/bullet3/examples/pybullet/gym:$(echo /work/ref/bullet3/build/lib.linux-x86_64-*)
  export OMP_NUM_THREADS=1
  nice -n 10 /usr/bin/python3 scripts/reference/pybullet_fixtures.py [--sequences zero,uniform,sine,gait]
      [--bodies standard,damaged-right,damaged-left] [--gait FILE.gait.json] [--out test/fixtures/pybullet]

Writes <out>/<body>__<sequence>__<reset>.json.gz (gzip JSON, one fixture per fresh env) and <out>/bodies.json.
The format is documented field by field in test/fixtures/pybullet/README.md.
"""
import os
import sys
import math
import time
import argparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refstack import (BODIES, ENV_ID, versions, write_json, robot_body_id, flist, f32list, alist)  # noqa: E402

import numpy as np  # noqa: E402
import gym  # noqa: E402
import pybullet  # noqa: E402

TOTAL_STEPS = 1000      # gym TimeLimit of AntBulletEnv-v0 (burn-in included)
BURN_IN = 40            # fitness_hebb: 40 env steps with np.zeros(8) before the policy acts
N_ACTIONS = TOTAL_STEPS - BURN_IN
FULL_STEPS = 150        # every field is recorded for env steps 1..FULL_STEPS
SEED_RESET = 7          # env.seed(7) for the "seeded" reset
SEED_UNIFORM = 1        # numpy seed of the "uniform" action sequence
DT = 0.0165             # control step (4 sub-steps of 0.0165/4)
SINE_PHASE = [0, math.pi, math.pi, 0, 0, math.pi, math.pi, 0]
# AntBulletEnv-v0 leaves deterministicOverlappingPairs at 0; then the order in which contact manifolds are solved
# depends on heap addresses, and a trajectory changes with the process's allocation history (from the first ground
# contact at env step ~21 on). Fixtures set it to 1 (manifolds sorted by island, then body unique ids), which makes
# them reproducible; --physics default gives the env exactly as gym.make builds it.
PHYSICS = os.environ.get('PYBULLET_FIXTURE_PHYSICS', 'det')


def actions_for(seq, gait=None, body=None, reset_kind=None):
    if seq == 'zero':
        return np.zeros((N_ACTIONS, 8), dtype=np.float64)
    if seq == 'uniform':
        return np.random.RandomState(SEED_UNIFORM).uniform(-1, 1, (N_ACTIONS, 8)).astype(np.float32)
    if seq == 'sine':
        t = np.arange(N_ACTIONS, dtype=np.float64)[:, None]
        return 0.8 * np.sin(2 * np.pi * t * DT / 0.5 + np.array(SINE_PHASE)[None, :])
    if seq == 'gait':
        a = np.array(gait['lifetimes'][body][reset_kind]['actions'], dtype=np.float32)
        assert a.shape == (N_ACTIONS, 8), a.shape
        return a
    raise ValueError(seq)


class RecordingUniform:
    """Stands in for the robot's np_random: records (or zeroes) the reset noise of WalkerBase.robot_specific_reset."""

    def __init__(self, rng, zero):
        self.rng, self.zero, self.draws = rng, zero, []

    def uniform(self, low=0.0, high=1.0, size=None):
        v = 0.0 if self.zero else self.rng.uniform(low=low, high=high, size=size)
        self.draws.append(float(v))
        return v

    def __getattr__(self, k):
        return getattr(self.rng, k)


def make_env(body):
    env = gym.make(ENV_ID)
    u = env.unwrapped
    u.robot.model_xml = BODIES[body]   # before the first reset: loadMJCF happens in the first reset
    return env


def do_reset(env, kind):
    u = env.unwrapped
    if kind == 'seeded':
        env.seed(SEED_RESET)
    rec = RecordingUniform(u.np_random, zero=(kind == 'zero'))
    u.robot.np_random = rec
    obs = env.reset()
    assert len(rec.draws) == 8
    if PHYSICS == 'det':
        u._p.setPhysicsEngineParameter(deterministicOverlappingPairs=1)
    return obs, rec.draws


def snapshot(u, full=True):
    p = u._p
    rid = robot_body_id(u)
    pos, orn = p.getBasePositionAndOrientation(rid)
    s = {'torso_pos': flist(pos)}
    if not full:
        return s
    lin, ang = p.getBaseVelocity(rid)
    js = [p.getJointState(rid, j.jointIndex) for j in u.robot.ordered_joints]
    nl = p.getNumJoints(rid)
    ls = [p.getLinkState(rid, i) for i in range(nl)]
    s.update({
        'torso_orn': flist(orn),
        'torso_lin_vel': flist(lin),
        'torso_ang_vel': flist(ang),
        'joint_pos': [float(x[0]) for x in js],
        'joint_vel': [float(x[1]) for x in js],
        'feet_contact': f32list(u.robot.feet_contact),
        'link_pos': [flist(x[0]) for x in ls],
    })
    return s


def body_static(u):
    p = u._p
    rid = robot_body_id(u)
    nl = p.getNumJoints(rid)
    return {
        'body_id': rid,
        'link_names': [p.getJointInfo(rid, i)[12].decode() for i in range(nl)],
        'joint_names': [j.joint_name for j in u.robot.ordered_joints],
        'joint_indices': [j.jointIndex for j in u.robot.ordered_joints],
        'joint_lower': [float(j.lowerLimit) for j in u.robot.ordered_joints],
        'joint_upper': [float(j.upperLimit) for j in u.robot.ordered_joints],
        'foot_names': list(u.robot.foot_list),
        'foot_link_indices': [f.bodyPartIndex for f in u.robot.feet],
    }


def body_check(u):
    """Evidence that the intended MJCF is loaded: link masses and the capsule (length, radius) of every link."""
    p = u._p
    rid = robot_body_id(u)
    vis = p.getVisualShapeData(rid)
    return {'link_mass': [float(p.getDynamicsInfo(rid, i)[0]) for i in range(-1, p.getNumJoints(rid))],
            'link_shape_dims': [[flist(v[3]) for v in vis if v[1] == i] for i in range(-1, p.getNumJoints(rid))]}


def fitness_hebb_stop(progress, done):
    """The reference's inner loop: policy step t=0,1,...; rew_ep += rewards[1]; when t > 200 count consecutive
    negative rewards, stop after this step if done or count > 30. Returns (policy steps run, fitness)."""
    neg = 0
    rew = 0.0
    for t in range(len(progress)):
        r = progress[t]
        rew += r
        if t > 200:
            neg = neg + 1 if r < 0.0 else 0
            if done[t] or neg > 30:
                return t + 1, rew
    return len(progress), rew


def run_fixture(body, seq, reset_kind, gait=None):
    acts = actions_for(seq, gait, body, reset_kind)
    env = make_env(body)
    u = env.unwrapped
    obs0, draws = do_reset(env, reset_kind)
    static = body_static(u)
    static['loaded_body_check'] = body_check(u)
    reset_state = snapshot(u)
    reset_state['obs'] = f32list(obs0)
    if reset_kind == 'zero':
        assert all(x == 0.0 for x in reset_state['joint_pos']), reset_state['joint_pos']
    else:
        assert reset_state['joint_pos'] == draws, (reset_state['joint_pos'], draws)

    full = {k: [] for k in ['obs', 'torso_orn', 'torso_lin_vel',
                            'torso_ang_vel', 'joint_pos', 'joint_vel', 'feet_contact', 'link_pos']}
    life = {'action': [], 'torso_pos': [], 'rewards': [], 'done': [], 'env_done': []}
    first_done = None
    after_burn = None
    for k in range(1, TOTAL_STEPS + 1):
        a = np.zeros(8) if k <= BURN_IN else acts[k - BURN_IN - 1]
        obs, rew, done, info = env.step(a)
        is_full = k <= FULL_STEPS
        s = snapshot(u, full=is_full or k == BURN_IN)
        rw = [float(x) for x in u.rewards]
        assert abs(sum(rw) - rew) < 1e-9
        if done and first_done is None:
            first_done = k
        life['action'].append(alist(a))
        life['torso_pos'].append(s['torso_pos'])
        life['rewards'].append(rw)
        life['done'].append(bool(done))
        life['env_done'].append(bool(u._alive < 0))
        if is_full:
            assert obs.dtype == np.float32
            full['obs'].append(f32list(obs))
            for key in ['torso_orn', 'torso_lin_vel', 'torso_ang_vel', 'joint_pos', 'joint_vel',
                        'feet_contact', 'link_pos']:
                full[key].append(s[key])
        if k == BURN_IN:
            after_burn = s
            after_burn['obs'] = f32list(obs)
    env.close()

    ankle_idx = [i for i, n in enumerate(static['joint_names']) if n.startswith('ankle')]
    progress = [r[1] for r in life['rewards'][BURN_IN:]]
    done_pol = life['done'][BURN_IN:]
    n_pol, fit = fitness_hebb_stop(progress, done_pol)

    def summary(s):
        return {'ankle_names': [static['joint_names'][i] for i in ankle_idx],
                'ankle_angles': [s['joint_pos'][i] for i in ankle_idx],
                'ankle_angles_deg': [math.degrees(s['joint_pos'][i]) for i in ankle_idx],
                'torso_z': s['torso_pos'][2],
                'torso_below_0_26': bool(s['torso_pos'][2] <= 0.26)}

    xs = [p[0] for p in life['torso_pos']]
    replay = None
    if seq == 'gait':
        cl = gait['lifetimes'][body][reset_kind]
        dpos = max(abs(a - b) for pa, pb in zip(life['torso_pos'][BURN_IN:], cl['torso_pos']) for a, b in zip(pa, pb))
        dprog = max(abs(a - b) for a, b in zip(progress, cl['progress']))
        replay = {'closed_loop_reset_noise': cl['reset_noise'], 'max_abs_torso_pos_diff': dpos,
                  'max_abs_progress_diff': dprog, 'identical': dpos == 0.0 and dprog == 0.0,
                  'closed_loop_fitness_hebb_fitness': cl['fitness_hebb_fitness']}
        assert cl['reset_noise'] == draws
    return {
        'replay_of_closed_loop': replay,
        'format': 'hebbian-workbench/pybullet-fixture/1',
        'env': ENV_ID,
        'body': body,
        'model_xml': os.path.basename(BODIES[body]),
        'sequence': seq,
        'reset': reset_kind,
        'physics': PHYSICS,
        'deterministic_overlapping_pairs': 1 if PHYSICS == 'det' else 0,
        'reset_seed': SEED_RESET if reset_kind == 'seeded' else None,
        'reset_noise': draws,
        'burn_in_steps': BURN_IN,
        'total_env_steps': TOTAL_STEPS,
        'full_record_steps': FULL_STEPS,
        **static,
        'reset_state': reset_state,
        'reset_summary': summary(reset_state),
        'after_burn_in': after_burn,
        'after_burn_in_summary': summary(after_burn),
        'first_done_env_step': first_done,
        'first_env_done_env_step': next((i + 1 for i, d in enumerate(life['env_done']) if d), None),
        'fitness_hebb_stop_env_step': BURN_IN + n_pol,
        'fitness_hebb_policy_steps': n_pol,
        'fitness_hebb_fitness': fit,
        'distance_at_fitness_hebb_stop': xs[BURN_IN + n_pol - 1] - xs[BURN_IN - 1],
        'distance_whole_lifetime': xs[-1] - xs[BURN_IN - 1],
        'sum_rewards_whole_lifetime': [float(sum(r[i] for r in life['rewards'])) for i in range(5)],
        'sum_progress_after_burn_in': float(sum(progress)),
        'steps': full,
        'lifetime': life,
    }


def bodies_info():
    out = {'format': 'hebbian-workbench/pybullet-bodies/1', 'versions': versions(), 'bodies': {}}
    for body in BODIES:
        env = make_env(body)
        u = env.unwrapped
        do_reset(env, 'zero')
        p = u._p
        rid = robot_body_id(u)
        joints = []
        for i in range(p.getNumJoints(rid)):
            ji = p.getJointInfo(rid, i)
            joints.append({
                'index': ji[0], 'name': ji[1].decode(), 'type': ji[2], 'q_index': ji[3], 'u_index': ji[4],
                'flags': ji[5], 'damping': float(ji[6]), 'friction': float(ji[7]), 'lower': float(ji[8]),
                'upper': float(ji[9]), 'max_force': float(ji[10]), 'max_velocity': float(ji[11]),
                'link_name': ji[12].decode(), 'axis': flist(ji[13]), 'parent_frame_pos': flist(ji[14]),
                'parent_frame_orn': flist(ji[15]), 'parent_index': ji[16],
                'in_ordered_joints': any(j.jointIndex == i for j in u.robot.ordered_joints),
                'power_coef': next((float(j.power_coef) for j in u.robot.ordered_joints if j.jointIndex == i), None),
            })

        def dyn(b, i):
            d = p.getDynamicsInfo(b, i)
            return {'link': i, 'mass': float(d[0]), 'lateral_friction': float(d[1]),
                    'local_inertia_diagonal': flist(d[2]), 'local_inertial_pos': flist(d[3]),
                    'local_inertial_orn': flist(d[4]), 'restitution': float(d[5]),
                    'rolling_friction': float(d[6]), 'spinning_friction': float(d[7]),
                    'contact_damping': float(d[8]), 'contact_stiffness': float(d[9]),
                    'raw': [list(x) if isinstance(x, tuple) else x for x in d]}

        def shapes(b, i):
            # getCollisionShapeData(b, link>=0) segfaults in this build for the ant's links (the base works),
            # so the ant's geometry is read from getVisualShapeData (same MJCF geoms: capsule dims = (length, radius))
            return [{'geometry_type': c[2], 'dimensions': flist(c[3]), 'filename': c[4].decode(errors='replace'),
                     'local_frame_pos': flist(c[5]), 'local_frame_orn': flist(c[6])}
                    for c in p.getCollisionShapeData(b, i)]

        vis = p.getVisualShapeData(rid)

        def vshapes(i):
            return [{'geometry_type': v[2], 'dimensions': flist(v[3]), 'local_frame_pos': flist(v[5]),
                     'local_frame_orn': flist(v[6])} for v in vis if v[1] == i]

        links = [{'dynamics': dyn(rid, i), 'visual_shapes': vshapes(i),
                  'name': 'torso(base)' if i < 0 else p.getJointInfo(rid, i)[12].decode()}
                 for i in range(-1, p.getNumJoints(rid))]
        ground = [{'body_id': g, 'dynamics': dyn(g, -1), 'collision_shapes': shapes(g, -1),
                   'body_info': [x.decode() for x in p.getBodyInfo(g)]} for g in u.stadium_scene.ground_plane_mjcf]
        try:
            pep = p.getPhysicsEngineParameters()
            pep = {k: (float(v) if isinstance(v, float) else v) for k, v in pep.items()}
        except Exception as e:  # not in every version
            pep = {'error': repr(e)}
        pos, orn = p.getBasePositionAndOrientation(rid)
        out['bodies'][body] = {
            'model_xml': os.path.basename(BODIES[body]),
            'num_bodies_loaded_by_mjcf': len(u.robot.objects),
            'robot_body_id': rid,
            'total_mass': float(sum(l['dynamics']['mass'] for l in links)),
            'base_pos_after_reset': flist(pos), 'base_orn_after_reset': flist(orn),
            'joints': joints,
            'ordered_joints': [j.joint_name for j in u.robot.ordered_joints],
            'links': links,
            'ground': ground,
            'physics_engine_parameters': pep,
            'set_by_pybullet_envs': {
                'gravity': [0, 0, -9.8], 'default_contact_erp': 0.9,
                'setPhysicsEngineParameter': {'fixedTimeStep': 0.0165, 'numSolverIterations': 5, 'numSubSteps': 4},
                'ground_changeDynamics': {'lateralFriction': 0.8, 'restitution': 0.5},
                'loadMJCF_flags': 'URDF_USE_SELF_COLLISION | URDF_USE_SELF_COLLISION_EXCLUDE_ALL_PARENTS',
                'motors': 'every joint: setJointMotorControl2(POSITION_CONTROL, positionGain=0.1, velocityGain=0.1, '
                          'force=0) at load and again at every joint reset; each step TORQUE_CONTROL '
                          'force = 2.5 * 100 * clip(a, -1, 1)',
                'alive': '+1 if torso z > 0.26 else -1; done when alive < 0',
            },
        }
        env.close()
    return out


def write_fixture(out, body, seq, rk, gait):
    t0 = time.time()
    fx = run_fixture(body, seq, rk, gait)
    fx['versions'] = versions()
    fx['command'] = ' '.join([os.path.basename(sys.executable)] + sys.argv)
    fx['made'] = time.strftime('%Y-%m-%d', time.gmtime())
    fn = os.path.join(out, '%s__%s__%s.json.gz' % (body, seq, rk))
    write_json(fn, fx, gz=True)
    ab = fx['after_burn_in_summary']
    print('%-40s %5.1fs size %7d  first_done %s stop %d fit %.3f  burn-in ankles %s z %.4f%s' % (
        os.path.basename(fn), time.time() - t0, os.path.getsize(fn), fx['first_done_env_step'],
        fx['fitness_hebb_stop_env_step'], fx['fitness_hebb_fitness'],
        ['%.2f' % d for d in ab['ankle_angles_deg']], ab['torso_z'],
        '' if fx['replay_of_closed_loop'] is None else '  replay identical: %s' % fx['replay_of_closed_loop']['identical']),
        flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/pybullet')
    ap.add_argument('--sequences', default='zero,uniform,sine')
    ap.add_argument('--bodies', default='standard,damaged-right,damaged-left')
    ap.add_argument('--resets', default='zero,seeded')
    ap.add_argument('--gait', default=None, help='<stem>.gait.json(.gz) written by record_gait.py')
    ap.add_argument('--no-bodies-json', action='store_true')
    ap.add_argument('--only', default=None, help='internal: body:sequence:reset, run in this process')
    ap.add_argument('--physics', default='det', choices=['det', 'default'])
    ap.add_argument('--ensemble', type=int, default=0,
                    help='instead of fixtures: K fresh processes per fixture with --physics default and different '
                         'heap layouts; writes <out>/ensemble_default_physics.json (summaries only)')
    ap.add_argument('--pad', type=int, default=0, help='internal: allocate this many small objects first')
    args = ap.parse_args()
    global PHYSICS
    PHYSICS = args.physics
    _pad = [bytearray(97) for _ in range(args.pad)]  # noqa: F841  (shifts the heap layout)
    gait = None
    if args.gait:
        import json
        import gzip
        with (gzip.open(args.gait, 'rt') if args.gait.endswith('.gz') else open(args.gait)) as f:
            gait = json.load(f)
    if args.only:
        if args.only == 'bodies':
            write_json(os.path.join(args.out, 'bodies.json'), bodies_info())
            print('bodies.json written', flush=True)
        elif args.ensemble:
            body, seq, rk = args.only.split(':')
            fx = run_fixture(body, seq, rk, gait)
            keys = ['fitness_hebb_fitness', 'fitness_hebb_stop_env_step', 'first_done_env_step',
                    'distance_at_fitness_hebb_stop', 'distance_whole_lifetime', 'sum_progress_after_burn_in',
                    'after_burn_in_summary']
            out = {k: fx[k] for k in keys}
            out['torso_pos'] = fx['lifetime']['torso_pos']
            import json
            print('ENSEMBLE ' + json.dumps(out), flush=True)
        else:
            body, seq, rk = args.only.split(':')
            write_fixture(args.out, body, seq, rk, gait)
        return
    # pybullet 2.6.6 carries state from one env to the next inside a process (a second identical run in the
    # same process differs from the first after ground contact), so every fixture is made by a fresh process.
    import subprocess
    base = [sys.executable, os.path.abspath(__file__), '--out', args.out] + (['--gait', args.gait] if args.gait else [])
    jobs = [] if args.no_bodies_json else ['bodies']
    jobs += ['%s:%s:%s' % (b, q, r) for b in args.bodies.split(',') for q in args.sequences.split(',')
             for r in args.resets.split(',')]
    if args.ensemble:
        import json
        import gzip
        res = {'format': 'hebbian-workbench/pybullet-ensemble/1', 'physics': 'default',
               'runs_per_fixture': args.ensemble,
               'how': 'each run is a fresh process of this script with --physics default --pad N (N small objects '
                      'allocated first, N = 0, 1000, 2000, ...), i.e. AntBulletEnv-v0 exactly as gym.make builds it '
                      'under a different heap layout',
               'fixtures': {}, 'versions': versions(),
               'command': ' '.join([os.path.basename(sys.executable)] + sys.argv)}
        for j in jobs:
            if j == 'bodies':
                continue
            body, seq, rk = j.split(':')
            with gzip.open(os.path.join(args.out, '%s__%s__%s.json.gz' % (body, seq, rk)), 'rt') as f:
                det_fx = json.load(f)
            det_pos = det_fx['lifetime']['torso_pos']
            runs = []
            for k in range(args.ensemble):
                r = subprocess.run(base + ['--only', j, '--physics', 'default', '--ensemble', '1', '--pad',
                                           str(1000 * k)], check=True, capture_output=True, text=True)
                line = [x for x in r.stdout.splitlines() if x.startswith('ENSEMBLE ')][0]
                run = json.loads(line[len('ENSEMBLE '):])
                pos = run.pop('torso_pos')
                run['pad'] = 1000 * k
                run['first_env_step_differing_from_det_fixture'] = next(
                    (i + 1 for i, (a, b) in enumerate(zip(pos, det_pos)) if a != b), None)
                run['max_abs_torso_xyz_diff_to_det_fixture_steps_1_150'] = max(
                    abs(a - b) for pa, pb in zip(pos[:150], det_pos[:150]) for a, b in zip(pa, pb))
                runs.append(run)
            f = np.array([r['fitness_hebb_fitness'] for r in runs])
            res['fixtures'][j.replace(':', '__')] = {
                'runs': runs, 'det_fixture_fitness_hebb_fitness': det_fx['fitness_hebb_fitness'],
                'fitness_mean': float(f.mean()), 'fitness_std': float(f.std()),
                'fitness_min': float(f.min()), 'fitness_max': float(f.max())}
            print('%-32s det %.3f  default runs %s' % (j, det_fx['fitness_hebb_fitness'],
                                                        ['%.3f' % x for x in f]), flush=True)
        write_json(os.path.join(args.out, 'ensemble_default_physics.json'), res)
        return
    base += ['--physics', args.physics]
    for j in jobs:
        subprocess.run(base + ['--only', j], check=True)


if __name__ == '__main__':
    main()
