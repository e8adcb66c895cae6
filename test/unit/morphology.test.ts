import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compatibilityProblems, removeLowerLeg, scaleMotor, setJointRange, setSegmentLength } from '../../src/core/morphology/edit';
import { parseMjcf, serialiseMjcf } from '../../src/core/morphology/mjcf';
import { bodies, capsuleLength, geomVolume, orderedJoints, type Geom, type Morphology } from '../../src/core/morphology/model';

const preset = (name: string): string => readFileSync(new URL(`../../resources/morphologies/${name}.xml`, import.meta.url), 'utf8');
const standard = parseMjcf(preset('standard'));
const DENSITY = 1000; // pybullet ignores MJCF density and uses 1000 kg/m³ (docs/METHOD.md#robot-model)
const mass = (m: Morphology): number => bodies(m).reduce((s, b) => s + b.geoms.reduce((t, g) => t + DENSITY * geomVolume(g), 0), 0);
const geoms = (m: Morphology): Map<string, Geom> => new Map(bodies(m).flatMap((b) => b.geoms.map((g) => [g.name, g] as const)));

describe('morphology presets (docs/METHOD.md#morphologies)', () => {
  it('the standard ant has 13 bodies, the 8 hinges in action order, the 4 feet and 8 motors of gear 150', () => {
    expect(bodies(standard)).toHaveLength(13);
    expect(orderedJoints(standard).map((j) => j.name)).toEqual(['hip_1', 'ankle_1', 'hip_2', 'ankle_2', 'hip_3', 'ankle_3', 'hip_4', 'ankle_4']);
    expect(compatibilityProblems(standard)).toEqual([]);
    expect(standard.motors.map((m) => m.gear)).toEqual(new Array(8).fill(150));
    const ankle1 = orderedJoints(standard)[1]!;
    expect(ankle1).toEqual({ name: 'ankle_1', axis: [-1, 1, 0], range: [30, 100] });
  });

  it('weighs 182.18 kg at 1000 kg/m³: torso 65.450, thigh segments 7.832, shins 13.518', () => {
    expect(mass(standard)).toBeCloseTo(182.18, 2);
    const g = geoms(standard);
    expect(DENSITY * geomVolume(g.get('torso_geom')!)).toBeCloseTo(65.45, 2);
    expect(DENSITY * geomVolume(g.get('aux_1_geom')!)).toBeCloseTo(7.832, 3);
    expect(DENSITY * geomVolume(g.get('left_ankle_geom')!)).toBeCloseTo(13.518, 3);
  });

  it.each([
    ['damaged-right', 'fourth_ankle_geom'],
    ['damaged-left', 'left_ankle_geom'],
  ])('%s differs from standard only in %s, shortened from 0.5657 to 0.1414 m (173.65 kg in all)', (name, changed) => {
    const damaged = parseMjcf(preset(name));
    expect(damaged.name).toBe(name);
    const a = geoms(standard);
    const b = geoms(damaged);
    for (const [geomName, g] of a) {
      if (geomName === changed) continue;
      expect(b.get(geomName)).toEqual(g);
    }
    const shin = b.get(changed)! as Extract<Geom, { type: 'capsule' }>;
    expect(capsuleLength(a.get(changed)! as typeof shin)).toBeCloseTo(0.56569, 5);
    expect(capsuleLength(shin)).toBeCloseTo(0.14142, 5);
    expect(DENSITY * geomVolume(shin)).toBeCloseTo(4.988, 3);
    expect(mass(damaged)).toBeCloseTo(173.65, 2);
    expect(damaged.motors).toEqual(standard.motors);
    expect(orderedJoints(damaged)).toEqual(orderedJoints(standard));
  });

  it.each(['standard', 'damaged-right', 'damaged-left'])('%s round-trips through serialise → parse', (name) => {
    const m = parseMjcf(preset(name));
    expect(parseMjcf(serialiseMjcf(m))).toEqual(m);
  });
});

describe('invalid MJCF gets an error naming the element, the attribute and the line', () => {
  const valid = preset('standard');
  const cases: [string, string, RegExp][] = [
    ['malformed XML', valid.replace('</worldbody>', ''), /malformed XML at line 67, column 1/],
    ['a missing attribute', valid.replace(' size="0.25"', ''), /^MJCF: line 10: <geom name="torso_geom"> size: is required$/],
    ['a zero-length segment', valid.replace('fromto="0 0 0 0.4 0.4 0"', 'fromto="0 0 0 0 0 0"'), /line 18: <geom name="left_ankle_geom"> fromto: capsule length must be within \[0.001, 10\] m, got 0$/],
    ['an absurd length', valid.replace('fromto="0 0 0 0.4 0.4 0"', 'fromto="0 0 0 8 8 0"'), /line 18: <geom name="left_ankle_geom"> fromto: capsule length must be within \[0.001, 10\] m, got 11.31/],
    ['a negative radius', valid.replace('size="0.25"', 'size="-0.25"'), /line 10: <geom name="torso_geom"> size: radius must be within \[0.001, 2\] m, got -0.25$/],
    ['a non-numeric attribute', valid.replace('axis="0 0 1"', 'axis="0 zero 1"'), /line 14: <joint name="hip_1"> axis: must be 3 numbers, got "0 zero 1"$/],
    ['an unknown joint in an actuator', valid.replace('<motor joint="hip_4"', '<motor joint="hip_9"'), /line 58: <motor> joint: no hinge is named 'hip_9'$/],
    ['two motors on one joint', valid.replace('<motor joint="hip_4"', '<motor joint="hip_1"'), /line 60: <motor> joint: hinge 'hip_1' already has a motor \(line 58\)$/],
    ['a duplicate joint name', valid.replace('name="ankle_2"', 'name="ankle_1"'), /line 28: <joint name="ankle_1"> name: another joint is already named 'ankle_1' \(line 17\)$/],
    ['a duplicate body name', valid.replace('name="aux_2"', 'name="aux_1"'), /line 24: <body name="aux_1"> name: another body is already named 'aux_1' \(line 13\)$/],
    ['an inverted joint range', valid.replace('range="30 100"', 'range="100 30"'), /line 17: <joint name="ankle_1"> range: must have lower < upper, got 100 30$/],
    ['an unsupported geom type', valid.replace('type="sphere" pos="0 0 0" size="0.25"', 'type="mesh" size="0.25"'), /line 10: <geom name="torso_geom"> type: mesh geoms are not supported \(sphere or capsule\)$/],
    ['another root element', '<robot name="x"/>', /line 1: <robot name="x">: the root element must be <mujoco>/],
  ];
  it.each(cases)('%s', (_what, xml, message) => {
    expect(() => parseMjcf(xml)).toThrow(message);
  });
});

describe('morphology edits', () => {
  it('setting a thigh length moves the shin attached at its end', () => {
    const m = setSegmentLength(standard, 'left_leg_geom', 0.1414213562);
    const thigh = bodies(m).find((b) => b.name === 'aux_1')!;
    expect(capsuleLength(thigh.geoms[0] as Extract<Geom, { type: 'capsule' }>)).toBeCloseTo(0.14142, 5);
    expect(thigh.children[0]!.pos[0]).toBeCloseTo(0.1, 9);
    expect(thigh.children[0]!.pos[1]).toBeCloseTo(0.1, 9);
    expect(() => setSegmentLength(standard, 'torso_geom', 1)).toThrow(/only capsule segments/);
    expect(() => setSegmentLength(standard, 'left_leg_geom', 0)).toThrow(/segment length must be/);
    expect(() => setSegmentLength(standard, 'nope', 1)).toThrow(/no geom named 'nope'/);
  });

  it('changes a joint range and scales a motor', () => {
    const m = scaleMotor(setJointRange(standard, 'hip_2', -10, 10), 'ankle_4', 0.5);
    expect(orderedJoints(m)[2]!.range).toEqual([-10, 10]);
    expect(m.motors.find((mo) => mo.joint === 'ankle_4')!.gear).toBe(75);
    expect(() => setJointRange(standard, 'hip_2', 10, -10)).toThrow(/lower < upper/);
    expect(() => scaleMotor(standard, 'ankle_4', -1)).toThrow(/positive/);
    expect(() => scaleMotor(standard, 'ankle_4', 1000)).toThrow(/gear for 'ankle_4' would be 150000, above 10000/);
  });

  it('removing a lower leg keeps the ankle and the foot, so the policy interface still fits', () => {
    const m = removeLowerLeg(standard, 'front_right_foot');
    const foot = bodies(m).find((b) => b.name === 'front_right_foot')!;
    expect(foot.geoms).toEqual([{ type: 'sphere', name: 'right_ankle_geom', radius: 0.08, pos: [0, 0, 0] }]);
    expect(compatibilityProblems(m)).toEqual([]);
    expect(parseMjcf(serialiseMjcf(m))).toEqual(m);
  });

  it('flags a body that is not four two-hinge legs off a torso, naming the hinges at fault', () => {
    // Names do not matter (anatomy.ts finds the legs from the tree): renaming keeps the ant compatible.
    expect(compatibilityProblems(parseMjcf(preset('standard').replaceAll('hip_3', 'hip_x').replace('name="left_back_foot"', 'name="lbf"')))).toEqual([]);
    // Fixing the back-right ankle (no joint) leaves its hip without a hinge below it, and 7 hinges.
    const stiff = parseMjcf(preset('standard').replace(/<joint name="ankle_3"[^>]*\/>/, '').replace('<motor joint="ankle_3" gear="150" ctrllimited="true" ctrlrange="-1 1"/>', ''));
    expect(compatibilityProblems(stiff)).toEqual(["hinge 'hip_3' (body 'aux_3') has no hinge below it; a leg has one ankle"]);
    // A motorless hinge.
    const unpowered = { ...standard, motors: standard.motors.filter((mo) => mo.joint !== 'hip_2') };
    expect(compatibilityProblems(unpowered)).toEqual(["hinge 'hip_2' has no motor"]);
    // Leg 2 moved to the front: two legs in one quadrant.
    const crowded = parseMjcf(preset('standard').replace('fromto="0 0 0 -0.2 0.2 0"', 'fromto="0 0 0 0.2 0.2 0"').replace('<body name="aux_2" pos="-0.2 0.2 0">', '<body name="aux_2" pos="0.2 0.2 0">'));
    expect(compatibilityProblems(crowded)).toEqual(["2 legs stand front left of the torso (ankles 'ankle_1', 'ankle_2'); the ant has one leg per quadrant"]);
    // A toe hinge under the front-left foot: a third hinge in that leg.
    const toe = '<body name="toe" pos="0.4 0.4 0"><joint name="toe_j" type="hinge" axis="0 0 1" range="-1 1"/><geom name="toe_geom" type="sphere" size="0.05"/></body>';
    const toed = parseMjcf(preset('standard').replace('<geom name="left_ankle_geom" type="capsule" fromto="0 0 0 0.4 0.4 0" size="0.08"/>', (g) => `${g}${toe}`));
    expect(compatibilityProblems(toed)).toEqual(["hinge 'toe_j' (body 'toe') is a third hinge in a leg; a leg is a hip and an ankle", "hinge 'toe_j' has no motor"]);
  });
});
