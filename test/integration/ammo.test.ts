import { describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { bytesOf, inChildProcess } from './fixtures/child-process';
import { fallingBoxTrajectory } from './fixtures/falling-box';

describe('ammo.js (WebAssembly build)', () => {
  it('integrates free fall with semi-implicit Euler: z_n = z_0 − g·dt²·n(n+1)/2', async () => {
    const A = await loadAmmo();
    const config = new A.btDefaultCollisionConfiguration();
    const world = new A.btDiscreteDynamicsWorld(new A.btCollisionDispatcher(config), new A.btDbvtBroadphase(), new A.btSequentialImpulseConstraintSolver(), config);
    world.setGravity(new A.btVector3(0, 0, -9.8));
    const shape = new A.btSphereShape(0.25);
    const inertia = new A.btVector3(0, 0, 0);
    shape.calculateLocalInertia(65.45, inertia);
    const t = new A.btTransform();
    t.setIdentity();
    t.setOrigin(new A.btVector3(0, 0, 0.75));
    const body = new A.btRigidBody(new A.btRigidBodyConstructionInfo(65.45, new A.btDefaultMotionState(t), shape, inertia));
    world.addRigidBody(body);
    const dt = 1 / 60;
    for (let n = 1; n <= 60; n++) {
      world.stepSimulation(dt, 0, dt); // exactly one internal step per call
      body.getMotionState().getWorldTransform(t);
      expect(t.getOrigin().z()).toBeCloseTo(0.75 - (9.8 * dt * dt * n * (n + 1)) / 2, 4);
    }
  });

  it('loads once per thread', async () => {
    expect(await loadAmmo()).toBe(await loadAmmo());
  });

  it('gives bit-identical trajectories here and in another process compiled differently', async () => {
    const here = await fallingBoxTrajectory(240);
    const there = await inChildProcess(new URL('./fixtures/falling-box.ts', import.meta.url), 'fallingBoxTrajectory', [240]);
    expect(there.equals(bytesOf(here))).toBe(true);
    // It really collided and tumbled: came to rest on the plane, rotated away from identity.
    const last = here.subarray(239 * 7);
    expect(last[2]).toBeGreaterThan(0.04);
    expect(last[2]).toBeLessThan(0.25);
    expect(Math.abs(last[6]!)).toBeLessThan(0.999);
  });
});
