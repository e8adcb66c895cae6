import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, AssemblyError } from '../../src/core/envs/quadruped/assembly';
import { quatAxisAngle, quatMul, quatMulComponentsInto, rotate, rotateInto, symmetricEigen, type M3 } from '../../src/core/math/rigid';
import { parseMjcf } from '../../src/core/morphology/mjcf';
import { removeLowerLeg, scaleMotor, setSegmentLength } from '../../src/core/morphology/edit';

const preset = (name: string) => parseMjcf(readFileSync(new URL(`../../resources/morphologies/${name}.xml`, import.meta.url), 'utf8'));
const standard = assemble(preset('standard'));

describe('symmetric eigen-decomposition', () => {
  it('finds the eigenpairs of a hand-solved matrix [[2,1,0],[1,2,0],[0,0,3]] (eigenvalues 1, 3, 3)', () => {
    const a: M3 = [2, 1, 0, 1, 2, 0, 0, 0, 3];
    const { values, vectors: v } = symmetricEigen(a);
    expect([...values].sort()).toEqual([1, 3, 3].map((x) => expect.closeTo(x, 12)));
    for (let c = 0; c < 3; c++) {
      const col = [v[c]!, v[3 + c]!, v[6 + c]!];
      const av = [0, 1, 2].map((r) => a[3 * r]! * col[0]! + a[3 * r + 1]! * col[1]! + a[3 * r + 2]! * col[2]!);
      av.forEach((x, r) => expect(x).toBeCloseTo(values[c]! * col[r]!, 12));
    }
    // A proper rotation: det = +1.
    const det = v[0]! * (v[4]! * v[8]! - v[5]! * v[7]!) - v[1]! * (v[3]! * v[8]! - v[5]! * v[6]!) + v[2]! * (v[3]! * v[7]! - v[4]! * v[6]!);
    expect(det).toBeCloseTo(1, 12);
  });
});

describe('rotating by a quaternion', () => {
  it('turns x into y by a quarter turn about z, and reads the quaternion from inside a pose array', () => {
    const q = quatAxisAngle([0, 0, 1], Math.PI / 2);
    rotate(q, [1, 0, 0]).forEach((v, i) => expect(v).toBeCloseTo([0, 1, 0][i]!, 12));
    // A pose (x, y, z, qx, qy, qz, qw): a half turn about x takes (0, 1, 2) to (0, −1, −2).
    const pose = Float32Array.from([9, 9, 9, 1, 0, 0, 0]);
    const out = new Float64Array(3);
    rotateInto(pose, 3, [0, 1, 2], out);
    expect(Array.from(out)).toEqual([0, -1, -2]);
  });
});

describe('multiplying quaternions', () => {
  it('gives the hand-computed Hamilton product, i·j = k and j·i = −k, written at an offset without touching the rest', () => {
    // (4 + i + 2j + 3k)(8 + 5i + 6j + 7k): w = 4·8 − (1·5 + 2·6 + 3·7) = −6; v = 4(5,6,7) + 8(1,2,3) + (1,2,3)×(5,6,7)
    // = (20,24,28) + (8,16,24) + (−4,8,−4) = (24, 48, 48).
    const out = new Float64Array([9, 9, 9, 9, 9, 9]);
    quatMulComponentsInto(1, 2, 3, 4, 5, 6, 7, 8, out, 1);
    expect(Array.from(out)).toEqual([9, 24, 48, 48, -6, 9]);
    expect(quatMul([1, 2, 3, 4], [5, 6, 7, 8])).toEqual([24, 48, 48, -6]);
    expect(quatMul([1, 0, 0, 0], [0, 1, 0, 0])).toEqual([0, 0, 1, 0]);
    expect(quatMul([0, 1, 0, 0], [1, 0, 0, 0])).toEqual([0, 0, -1, 0]);
  });

  it('composes rotations: rotating by a ⊗ b is rotating by b, then by a', () => {
    const a = quatAxisAngle([0, 0, 1], Math.PI / 2);
    const b = quatAxisAngle([1, 0, 0], Math.PI / 2);
    // b takes y to z; a (about z) leaves z: (0, 1, 0) → (0, 0, 1). And x: b leaves it, a turns it to y.
    rotate(quatMul(a, b), [0, 1, 0]).forEach((v, i) => expect(v).toBeCloseTo([0, 0, 1][i]!, 12));
    rotate(quatMul(a, b), [1, 0, 0]).forEach((v, i) => expect(v).toBeCloseTo([0, 1, 0][i]!, 12));
  });
});

describe('assembling the ant as pybullet loads it (docs/METHOD.md#robot-model)', () => {
  it('has nine rigid parts: the torso with its four fixed leg stubs, four thighs, four shins', () => {
    expect(standard.parts).toHaveLength(9);
    expect(standard.links).toHaveLength(13);
    expect(standard.joints.map((j) => j.name)).toEqual(['hip_1', 'ankle_1', 'hip_2', 'ankle_2', 'hip_3', 'ankle_3', 'hip_4', 'ankle_4']);
  });

  it('weighs 182.18 kg with the table masses of docs/METHOD.md#robot-model and AABB box inertias', () => {
    expect(standard.totalMass).toBeCloseTo(182.18, 2);
    const [torso, thigh, shin] = standard.parts;
    // Thigh: capsule (0,0,0)→(0.2,0.2,0), r 0.08: AABB 0.36 × 0.36 × 0.16 → Ixx = m/12·(0.36² + 0.16²).
    expect(thigh!.mass).toBeCloseTo(7.832, 3);
    expect(thigh!.inertia[0]).toBeCloseTo((7.832 / 12) * (0.36 ** 2 + 0.16 ** 2), 3);
    expect(thigh!.inertia[2]).toBeCloseTo(0.1692, 4);
    expect(shin!.mass).toBeCloseTo(13.518, 3);
    expect(shin!.inertia[0]).toBeCloseTo(0.3821, 4);
    expect(shin!.inertia[2]).toBeCloseTo(0.7066, 4);
    // Torso sphere (65.450 kg, AABB box 2.727) plus four 7.832 kg stubs whose centres sit at (±0.1, ±0.1, 0):
    // parallel axis gives Ixx = 2.727 + 4·(0.1013 + 7.832·0.1²), Izz = 2.727 + 4·(0.1692 + 7.832·0.02).
    expect(torso!.mass).toBeCloseTo(65.45 + 4 * 7.832, 2);
    expect(torso!.inertia[0]).toBeCloseTo(2.7271 + 4 * (0.10131 + 7.832 * 0.01), 3);
    expect(torso!.inertia[2]).toBeCloseTo(2.7271 + 4 * (0.16917 + 7.832 * 0.02), 3);
    expect(torso!.com).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), 0.75]);
  });

  it('the damaged-right ant has a 4.988 kg right-front shin and weighs 173.65 kg (docs/METHOD.md#damaged-bodies)', () => {
    const damaged = assemble(preset('damaged-right'));
    expect(damaged.totalMass).toBeCloseTo(173.65, 2);
    const shin4 = damaged.parts[damaged.joints[7]!.child]!;
    expect(shin4.mass).toBeCloseTo(4.988, 3);
  });

  it('joints: hinge axes, limits in radians and 250 N·m per unit action', () => {
    const ankle1 = standard.joints[1]!;
    expect(ankle1.lower).toBeCloseTo((30 * Math.PI) / 180, 12);
    expect(ankle1.upper).toBeCloseTo((100 * Math.PI) / 180, 12);
    expect(ankle1.axisInChild.map((v) => v * Math.SQRT2)).toEqual([expect.closeTo(-1, 12), expect.closeTo(1, 12), 0]);
    expect(ankle1.torquePerAction).toBe(250);
    // The hinge pivot of ankle_1 is the thigh's end: 0.4·(1,1) from the torso centre.
    const thigh = standard.parts[ankle1.parent]!;
    expect(thigh.com.map((v, i) => v + ankle1.pivotInParent[i]!)).toEqual([expect.closeTo(0.4, 12), expect.closeTo(0.4, 12), 0.75]);
  });

  it('forward kinematics: hip_1 at +0.3 rad swings leg 1 counter-clockwise about z by 0.3 rad', () => {
    const angles = new Float64Array(8);
    angles[0] = 0.3;
    const poses = standard.pose(angles);
    const hip = [0.2, 0.2, 0.75];
    const thigh = standard.joints[0]!.child;
    const rel = poses[thigh]!.position.map((v, i) => v - hip[i]!);
    const expected = rotate(quatAxisAngle([0, 0, 1], 0.3), [0.1, 0.1, 0]);
    rel.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    // The shin follows the thigh: its COM is at hip + R·(0.2, 0.2) + R·(0.2, 0.2).
    const shin = poses[standard.joints[1]!.child]!.position.map((v, i) => v - hip[i]!);
    const shinExpected = rotate(quatAxisAngle([0, 0, 1], 0.3), [0.4, 0.4, 0]);
    shin.forEach((v, i) => expect(v).toBeCloseTo(shinExpected[i]!, 12));
  });

  it('an asymmetric edit to a fixed stub tilts the torso part’s principal axes but keeps the body frames', () => {
    const edited = assemble(setSegmentLength(preset('standard'), 'aux_1_geom', 0.6));
    const torso = edited.parts[0]!;
    expect(Math.abs(torso.axes[3])).toBeLessThan(0.9999); // rotated principal frame
    const poses = edited.pose(new Float64Array(8));
    // The torso body frame, recovered from the part pose, is still the unrotated MJCF frame at (0, 0, 0.75).
    const link = edited.links[0]!;
    const p = poses[0]!;
    const origin = rotate(p.orientation, link.origin).map((v, i) => v + p.position[i]!);
    origin.forEach((v, i) => expect(v).toBeCloseTo([0, 0, 0.75][i]!, 12));
  });

  it('an edited motor’s strength is its gear relative to 150; an amputated shin is a sphere part', () => {
    const weak = assemble(scaleMotor(preset('standard'), 'hip_1', 0.5));
    expect(weak.joints[0]!.torquePerAction).toBe(125);
    expect(weak.joints[2]!.torquePerAction).toBe(250);
    const amputee = assemble(removeLowerLeg(preset('standard'), 'front_left_foot'));
    const stump = amputee.parts[amputee.joints[1]!.child]!;
    expect(stump.geoms.map((g) => g.geom.type)).toEqual(['sphere']);
    expect(stump.mass).toBeCloseTo(1000 * (4 / 3) * Math.PI * 0.08 ** 3, 6);
  });

  it('refuses a morphology without the ant interface, naming what is missing', () => {
    const m = preset('standard');
    const noFoot = { ...m, motors: m.motors.filter((mo) => mo.joint !== 'ankle_3') };
    expect(() => assemble(noFoot)).toThrow(AssemblyError);
    expect(() => assemble(noFoot)).toThrow(/ankle_3/);
  });
});
