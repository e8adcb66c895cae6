import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/core/rollout/lifetime';
import { parseDamage } from '../../src/core/rollout/damage';
import { readFileSync } from 'node:fs';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { actionLabels, Replay } from '../../src/renderer/src/replay/model';

const MJCF = `<mujoco model="pair">
  <compiler angle="degree" coordinate="local"/>
  <worldbody>
    <body name="torso" pos="0 0 0.75">
      <geom name="torso_geom" type="sphere" size="0.25" pos="0 0 0"/>
      <body name="leg" pos="0.2 0 0">
        <joint name="hip" type="hinge" axis="0 0 1" range="-30 30"/>
        <geom name="leg_geom" type="capsule" fromto="0 0 0 0.4 0 0" size="0.08"/>
      </body>
    </body>
  </worldbody>
  <actuator><motor joint="hip" gear="150"/></actuator>
</mujoco>`;

/** 2 bodies, 5 env steps (burn-in 2), 1 action, rewards [alive, progress], a 2-2-1 network snapshotted at t = 0 and 2. */
function recording(): Recording {
  const frames = 6;
  const poses = new Float32Array(frames * 2 * 7);
  for (let f = 0; f < frames; f++) for (let b = 0; b < 2; b++) poses[(f * 2 + b) * 7] = f + b / 10; // x = frame + body/10
  const observations = new Float32Array(frames * 6);
  for (let f = 0; f < frames; f++) observations.set([f, f, 0, 0, f % 2, 1], f * 6);
  return {
    bodyNames: ['torso', 'leg'], rewardTerms: ['alive', 'progress'], actionSize: 1, observationSize: 6, burnIn: 2, envSteps: 5,
    poses, observations,
    actions: Float32Array.from([0, 0, 0.5, -0.5, 1]),
    rewards: Float32Array.from([1, 9, 1, 9, 1, 2, 1, 3, 1, -1]), // burn-in progress (9) does not count
    weightStride: 2, weightSteps: Int32Array.from([0, 2]),
    weights: Float32Array.from([1, 2, 3, 4, 5, 6, /* snapshot 2 */ 10, 20, 30, 40, 50, 60]),
    synapses: 6, layerSizes: [2, 2, 1],
  };
}

describe('replay model', () => {
  const replay = Replay.from(recording(), MJCF, parseDamage([{ kind: 'freezeActuators', from: 1, to: 2, value: 0 }, { kind: 'stopPlasticity', at: 2 }]));

  it('takes the shapes from the MJCF, in body frames', () => {
    expect(replay.frames).toBe(6);
    expect(replay.shapes).toEqual([
      { body: 0, kind: 'sphere', radius: 0.25, from: [0, 0, 0], to: [0, 0, 0] },
      { body: 1, kind: 'capsule', radius: 0.08, from: [0, 0, 0], to: [0.4, 0, 0] },
    ]);
  });

  it('gives poses, policy steps, cumulative progress, actions and contacts per frame', () => {
    expect(replay.pose(3, 1)[0]).toBeCloseTo(3.1, 6);
    expect([0, 1, 2, 3, 5].map((f) => replay.policyStep(f))).toEqual([null, null, null, 0, 2]);
    expect([0, 2, 3, 4, 5].map((f) => replay.progress(f))).toEqual([0, 0, 2, 5, 4]);
    expect(Array.from(replay.action(4))).toEqual([-0.5]);
    expect(Array.from(replay.action(0))).toEqual([0]);
    expect(Array.from(replay.contacts(3, 2))).toEqual([1, 1]);
    expect(() => replay.pose(6, 0)).toThrow(RangeError);
  });

  it('finds the weight snapshot in force, split per layer', () => {
    expect([2, 3, 4, 5].map((f) => replay.snapshotIndex(f))).toEqual([-1, 0, 0, 1]);
    expect(replay.weights(2)).toBeNull(); // burn-in
    const atStep1 = replay.weights(4)!; // policy step 1 → the snapshot of step 0
    expect(atStep1.step).toBe(0);
    expect(atStep1.layers.map((l) => Array.from(l))).toEqual([[1, 2, 3, 4], [5, 6]]);
    expect(replay.weights(5)!.layers.map((l) => Array.from(l))).toEqual([[10, 20, 30, 40], [50, 60]]);
  });

  it('marks damage windows in frames (policy step t is frame t + burn-in + 1), labelled with their values', () => {
    expect(replay.damage).toEqual([
      { kind: 'freezeActuators', label: 'actuators held at 0.0, t 1–2', fromFrame: 4, toFrame: 5 },
      { kind: 'stopPlasticity', label: 'plasticity stopped at t 2', fromFrame: 5, toFrame: 6 },
    ]);
  });

  it("refuses an MJCF whose bodies are not the recording's", () => {
    expect(() => Replay.from({ ...recording(), bodyNames: ['torso', 'arm'] }, MJCF)).toThrow(/not the recording's/);
  });
});

describe('replay model: whole-frame views for the viewport and panel', () => {
  const replay = Replay.from(recording(), MJCF);

  it('gives all bodies of a frame at once, in body order', () => {
    const p = replay.poses(3);
    expect(p.length).toBe(14);
    expect([p[0], p[7]].map((x) => Math.round(x! * 10) / 10)).toEqual([3, 3.1]);
  });

  it("gives each step's own progress (the difference of the cumulative sum)", () => {
    expect([0, 3, 4, 5].map((f) => replay.stepProgress(f))).toEqual([0, 2, 3, -1]);
  });

  it("lists one layer's matrix in every snapshot", () => {
    expect(replay.layerSnapshots(1).map((w) => Array.from(w))).toEqual([[5, 6], [50, 60]]);
    expect(() => replay.layerSnapshots(2)).toThrow(RangeError);
  });

  it("marks feet the body does not have as −1 (this two-body fixture has none of the ant's)", () => {
    expect(replay.feet).toEqual([-1, -1, -1, -1]);
  });
});

describe('action labels', () => {
  it("names each action by the leg's quadrant and its joint, in the ant's action order", () => {
    // standard.xml: leg 1 at (+0.2, +0.2) is front left (x forward, y left), leg 2 at (−0.2, +0.2) back left,
    // leg 3 at (−0.2, −0.2) back right, leg 4 at (+0.2, −0.2) front right; the ant acts hip, then ankle, per leg.
    const ant = parseMjcf(readFileSync('resources/morphologies/standard.xml', 'utf8'));
    expect(actionLabels(ant, 8)).toEqual([
      'front left hip · hip_1', 'front left ankle · ankle_1', 'back left hip · hip_2', 'back left ankle · ankle_2',
      'back right hip · hip_3', 'back right ankle · ankle_3', 'front right hip · hip_4', 'front right ankle · ankle_4',
    ]);
  });

  it('falls back to the action index where no leg was found', () => {
    expect(actionLabels(parseMjcf(MJCF), 2)).toEqual(['action 0', 'action 1']);
  });
});
