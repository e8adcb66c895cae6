/**
 * Golden traces of the quadruped env: everything a step exposes (observation, rewards, done, finiteness, poses,
 * joint angles and speeds, forward distance), recorded over fixed rollouts as SHA-256 digests, with a few values
 * written out. The env's arithmetic must not drift when its code is reorganised; a deliberate change of the
 * physics or the observation changes them, and the failure shows the new digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmmoModule } from '../../src/core/envs/quadruped/ammo';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { physicsSettings } from '../../src/core/envs/quadruped/physics';
import { QuadrupedEnv, type QuadrupedState } from '../../src/core/envs/quadruped/quadruped-env';
import { quatAxisAngle } from '../../src/core/math/rigid';
import { RandomStream } from '../../src/core/random';
import { bytesOf } from './fixtures/child-process';
import { preset } from './fixtures/quadruped';

const STEPS = 300;

interface Trace {
  readonly digest: string;
  readonly forward: number;
  readonly returns: number[];
  readonly finalObservation: number[];
}

/** One rollout, stepped by `next()`, hashing what each step exposes. */
class Rollout {
  private readonly hash: Hash = createHash('sha256');
  private readonly actions: RandomStream;
  private readonly action = new Float32Array(8);
  private readonly poses: Float32Array;
  private readonly returns: number[];
  private observation = new Float32Array(28);
  private readonly flags = new Uint8Array(2);

  constructor(
    private readonly env: QuadrupedEnv,
    seed: number,
    start?: QuadrupedState,
  ) {
    this.poses = new Float32Array(env.bodyNames.length * 7);
    this.returns = env.rewardTerms.map(() => 0);
    this.observation = Float32Array.from(start ? env.resetTo(start) : env.reset(RandomStream.of(seed, 1)));
    this.actions = RandomStream.of(seed, 2);
    this.record();
  }

  next(): void {
    for (let i = 0; i < 8; i++) this.action[i] = this.actions.uniform(-1, 1);
    const r = this.env.step(this.action);
    this.observation = Float32Array.from(r.observation);
    this.flags[0] = r.done ? 1 : 0;
    this.flags[1] = r.finite ? 1 : 0;
    this.hash.update(bytesOf(r.rewards)).update(this.flags);
    r.rewards.forEach((v, k) => (this.returns[k]! += v));
    this.record();
  }

  private record(): void {
    this.env.poses(this.poses);
    this.hash.update(bytesOf(this.observation)).update(bytesOf(this.poses));
    this.hash.update(bytesOf(this.env.jointAngles())).update(bytesOf(this.env.jointSpeeds()));
    this.hash.update(bytesOf(Float64Array.of(this.env.forwardDistance())));
  }

  finish(): Trace {
    return { digest: this.hash.digest('hex'), forward: this.env.forwardDistance(), returns: this.returns, finalObservation: Array.from(this.observation.subarray(0, 4)) };
  }
}

function trace(env: QuadrupedEnv, seed: number, start?: QuadrupedState): Trace {
  const r = new Rollout(env, seed, start);
  for (let t = 0; t < STEPS; t++) r.next();
  return r.finish();
}

/** A start the random reset never gives: tilted, in the air, moving, two joints spinning past the 100 rad/s cap. */
const THROWN: QuadrupedState = {
  rootPosition: [0.1, -0.2, 1.2],
  rootOrientation: quatAxisAngle([0.6, 0, 0.8], 0.7),
  linearVelocity: [1.5, -0.5, 2],
  jointSpeeds: [150, -20, 0, 5, -180, 0, 30, -10],
  jointAngles: [0.1, 0.8, -0.2, -0.9, 0.3, -0.7, 0.0, 0.6],
};

/**
 * Recorded at 0b10c24 (before the env was split into world, observation and joint-speed modules) and unchanged
 * since. Numbers are written in the shortest form that reads back to the same double. The thrown start's trace
 * differs without the joint-speed cap (its forward distance is then −19.0 m), so it pins the cap's arithmetic too.
 */
const RECORDED: Record<'standard' | 'damagedRight' | 'thrown' | 'physicsV1', Trace> = {
  standard: {
    digest: '422315abbfdb541ef4685c0844d3db3040c02fa309837923cfcc92665bccb878',
    forward: 0.19183796644210815,
    returns: [300, 9.324497921254078, -59.13762786207932, -94.20000000000014, 0],
    finalObservation: [-0.3789299726486206, 0.04039406403899193, 0.9991838335990906, 0.03603629022836685],
  },
  damagedRight: {
    digest: '7d3badc31f4b528e7685409520dc2934427a786cb8781c211b50f6275f271628',
    forward: 0.23590010404586792,
    returns: [300, 12.1106806516691, -157.70982527279395, -71.49999999999997, 0],
    finalObservation: [-0.4587861895561218, -0.23547102510929108, 0.9718813896179199, 0.02869161032140255],
  },
  thrown: {
    digest: 'd00815a4bbd7df400097affda783cb16e75b593b76fed619b00ec450a52bae96',
    forward: -5.022009946405888,
    returns: [300, -284.19166564699117, -87.08993366884478, -72.40000000000008, 0],
    finalObservation: [-0.39113280177116394, 0.31319499015808105, 0.9496888518333435, 0.0045899515971541405],
  },
  physicsV1: {
    digest: '470a4d8916f30f2eed3d8fe9d21bef041a923b23125a0f152e783017901ba5eb',
    forward: 0.0700138658285141,
    returns: [300, 3.9163093388997368, -56.45159516838062, -93.30000000000008, 0],
    finalObservation: [-0.3890734016895294, -0.2886672914028168, 0.9574294686317444, 0.024615272879600525],
  },
};

let ammo: AmmoModule;
const envs: QuadrupedEnv[] = [];
const make = (name: string, physics = 2): QuadrupedEnv => {
  const env = new QuadrupedEnv(ammo, preset(name), { physics: physicsSettings(physics) });
  envs.push(env);
  return env;
};
beforeAll(async () => {
  ammo = await loadAmmo();
});
afterAll(() => envs.forEach((e) => e.dispose()));

describe('quadruped env: golden traces', () => {
  it('standard body, random actions: the recorded trace', () => {
    expect(trace(make('standard'), 7)).toEqual(RECORDED.standard);
  });

  it('damaged-right body, random actions: the recorded trace', () => {
    expect(trace(make('damaged-right'), 7)).toEqual(RECORDED.damagedRight);
  });

  it('thrown start with joints over the speed cap: the recorded trace', () => {
    expect(trace(make('standard'), 11, THROWN)).toEqual(RECORDED.thrown);
  });

  it('physics version 1 (no sub-step callback): the recorded trace', () => {
    expect(trace(make('standard', 1), 7)).toEqual(RECORDED.physicsV1);
  });

  it('a constructed start it refuses leaves the episode in flight as it was', () => {
    const env = make('standard');
    const r = new Rollout(env, 7);
    for (let t = 0; t < STEPS; t++) {
      if (t === 150) {
        expect(() => env.resetTo({ jointSpeeds: [1, 2, 3] })).toThrow('jointSpeeds must be 8 finite numbers');
        expect(() => env.resetTo({ jointSpeeds: [0, 0, 0, 0, 0, 0, 0, NaN] })).toThrow('jointSpeeds must be 8 finite numbers');
        expect(() => env.resetTo({ rootOrientation: [0, 0, 0, 0] })).toThrow('rootOrientation must be a non-zero quaternion');
        expect(() => env.resetTo({ jointAngles: [0] })).toThrow('jointAngles must be 8 finite numbers');
      }
      r.next();
    }
    expect(r.finish()).toEqual(RECORDED.standard);
  });

  it('two envs stepped in turn in one thread give the traces each gives alone', () => {
    const a = new Rollout(make('standard'), 7);
    const b = new Rollout(make('damaged-right'), 7);
    const c = new Rollout(make('standard'), 11, THROWN);
    for (let t = 0; t < STEPS; t++) {
      a.next();
      b.next();
      c.next();
    }
    expect([a.finish(), b.finish(), c.finish()]).toEqual([RECORDED.standard, RECORDED.damagedRight, RECORDED.thrown]);
  });
});
