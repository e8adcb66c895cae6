import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { RandomStream } from '../../src/core/random';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('an MJCF from another tool drives like the body it describes', () => {
  it('the standard ant written with default classes, turned frames, other names and another leg order senses and moves like standard.xml', async () => {
    const ammo = await loadAmmo();
    const standard = new QuadrupedEnv(ammo, parseMjcf(read('../../resources/morphologies/standard.xml')));
    const foreign = new QuadrupedEnv(ammo, parseMjcf(read('../fixtures/mjcf/renamed-ant.xml')));
    // Same seed, same actions: the policy's 28 observations and 8 actions must mean the same on both bodies.
    const gap = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    let worst = gap(standard.reset(RandomStream.of(3, 1)), foreign.reset(RandomStream.of(3, 1)));
    const rng = RandomStream.of(3, 2);
    const action = new Float32Array(8);
    for (let t = 0; t < 200; t++) {
      for (let i = 0; i < 8; i++) action[i] = rng.uniform(-1, 1);
      worst = Math.max(worst, gap(standard.step(action).observation, foreign.step(action).observation));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(Math.abs(foreign.forwardDistance() - standard.forwardDistance())).toBeLessThan(1e-6);
    standard.dispose();
    foreign.dispose();
  });
});
