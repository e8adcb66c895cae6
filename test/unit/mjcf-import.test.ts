import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, type Assembly } from '../../src/core/envs/quadruped/assembly';
import { add, rotate, type V3 } from '../../src/core/math/rigid';
import { compatibilityProblems } from '../../src/core/morphology/edit';
import { legsOf } from '../../src/core/morphology/legs';
import { MAX_MJCF_CHARS, parseMjcf, serialiseMjcf } from '../../src/core/morphology/mjcf';
import { bodies, type Geom, type Morphology } from '../../src/core/morphology/model';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
const fixture = (name: string): string => read(`../fixtures/mjcf/${name}.xml`);
const standard = parseMjcf(read('../../resources/morphologies/standard.xml'));
const R2 = Math.SQRT1_2;
const DEG = Math.PI / 180;

/** World pivot and axis of each joint at the built pose, from the assembly's part frames. */
function hinges(a: Assembly): { name: string; pivot: V3; axis: V3; limits: [number, number] }[] {
  return a.joints.map((j) => {
    const parent = a.parts[j.parent]!;
    return { name: j.name, pivot: add(parent.com, rotate(parent.axes, j.pivotInParent)), axis: rotate(parent.axes, j.axisInParent), limits: [j.lower, j.upper] };
  });
}
const close = (v: readonly number[], digits = 12): unknown[] => v.map((x) => expect.closeTo(x, digits));

describe("MJCF in gym's conventions (free root, floor, light, camera, textures, unnamed feet)", () => {
  const gym = parseMjcf(fixture('gym-ant'), 'gym');

  it('imports: the ant with gym’s ranges, feet named body_N, visual parts and the floor ignored', () => {
    expect(compatibilityProblems(gym)).toEqual([]);
    const a = assemble(gym);
    expect(a.joints.map((j) => j.name)).toEqual(['hip_1', 'ankle_1', 'hip_2', 'ankle_2', 'hip_3', 'ankle_3', 'hip_4', 'ankle_4']);
    // Depth-first: torso 0, front_left_leg 1, aux_1 2, its foot 3, …
    expect(a.feet.map((p) => a.links[a.parts[p]!.rootBody]!.name)).toEqual(['body_3', 'body_6', 'body_9', 'body_12']);
    expect(a.totalMass).toBeCloseTo(182.18, 2);
    expect(hinges(a).map((h) => h.limits.map((x) => Math.round(x / DEG)))).toEqual([[-30, 30], [30, 70], [-30, 30], [-70, -30], [-30, 30], [-70, -30], [-30, 30], [30, 70]]);
  });

  it('the same file in radians (compiler angle="radian") gives the same ranges', () => {
    const rad = fixture('gym-ant').replace('angle="degree"', 'angle="radian"')
      .replace(/range="(-?\d+) (-?\d+)"/g, (_m, lo: string, hi: string) => `range="${Number(lo) * DEG} ${Number(hi) * DEG}"`);
    const joints = (m: Morphology) => bodies(m).flatMap((b) => (b.joint ? [b.joint.range.map((x) => Math.round(x * 1e9) / 1e9)] : []));
    expect(joints(parseMjcf(rad))).toEqual(joints(gym));
  });
});

describe('MJCF with default classes, turned frames, joint pos, pos/size capsules and its own names', () => {
  const quad = parseMjcf(fixture('renamed-ant'));
  const a = assemble(quad);

  it('finds the legs from the tree and orders them front left, back left, back right, front right', () => {
    expect(compatibilityProblems(quad)).toEqual([]);
    expect(legsOf(quad).map((l) => [l.label, l.hipJoint, l.ankleJoint, l.footBody])).toEqual([
      ['front left', 'FL_hip', 'FL_knee', 'FL_shin'],
      ['back left', 'BL_hip', 'BL_knee', 'BL_shin'],
      ['back right', 'BR_hip', 'BR_knee', 'BR_shin'],
      ['front right', 'FR_hip', 'FR_knee', 'FR_shin'],
    ]);
  });

  it('puts every hinge where the standard ant has it: pivots, axes and limits computed by hand', () => {
    const h = hinges(a);
    const z = 0.75;
    // Hips 0.2·√2 from the centre on the diagonals, ankles twice as far; hips turn about z.
    const expected: [string, V3, V3, [number, number]][] = [
      ['FL_hip', [0.2, 0.2, z], [0, 0, 1], [-40, 40]],
      ['FL_knee', [0.4, 0.4, z], [-R2, R2, 0], [30, 100]],
      ['BL_hip', [-0.2, 0.2, z], [0, 0, 1], [-40, 40]],
      ['BL_knee', [-0.4, 0.4, z], [R2, R2, 0], [-100, -30]],
      ['BR_hip', [-0.2, -0.2, z], [0, 0, 1], [-40, 40]],
      ['BR_knee', [-0.4, -0.4, z], [-R2, R2, 0], [-100, -30]],
      ['FR_hip', [0.2, -0.2, z], [0, 0, 1], [-40, 40]],
      ['FR_knee', [0.4, -0.4, z], [R2, R2, 0], [30, 100]],
    ];
    expect(h.map((j) => j.name)).toEqual(expected.map((e) => e[0]));
    h.forEach((j, n) => {
      expect(j.pivot).toEqual(close(expected[n]![1]));
      expect(j.axis).toEqual(close(expected[n]![2]));
      expect(j.limits).toEqual(close(expected[n]![3].map((d) => d * DEG)));
    });
  });

  it('has the standard ant’s parts: thighs centred at (±0.3, ±0.3), shins at (±0.6, ±0.6), the same masses and inertias', () => {
    const ref = assemble(standard);
    expect(a.totalMass).toBeCloseTo(182.18, 2);
    const part = (as: Assembly, n: number) => as.parts[as.joints[n]!.child]!;
    const signs: [number, number][] = [[1, 1], [-1, 1], [-1, -1], [1, -1]];
    signs.forEach(([sx, sy], leg) => {
      expect(part(a, 2 * leg).com).toEqual(close([0.3 * sx, 0.3 * sy, 0.75]));
      expect(part(a, 2 * leg + 1).com).toEqual(close([0.6 * sx, 0.6 * sy, 0.75]));
      for (const n of [2 * leg, 2 * leg + 1]) {
        expect(part(a, n).mass).toBeCloseTo(part(ref, n).mass, 12);
        expect(part(a, n).inertia).toEqual(close(part(ref, n).inertia, 10));
      }
    });
    expect(a.parts[0]!.mass).toBeCloseTo(ref.parts[0]!.mass, 12);
    expect([...a.parts[0]!.inertia].sort()).toEqual(close([...ref.parts[0]!.inertia].sort(), 10));
  });

  it('round-trips: export then import gives the same body, and a second export the same text', () => {
    const once = serialiseMjcf(quad);
    const again = parseMjcf(once);
    const shape = (m: Morphology) => bodies(m).map((b) => [b.name, b.pos, b.joint, b.geoms]);
    const rounded = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : x)));
    expect(rounded(shape(again))).toEqual(rounded(shape(quad)));
    expect(again.motors).toEqual(quad.motors);
    expect(serialiseMjcf(again)).toBe(once);
    expect(assemble(again).totalMass).toBeCloseTo(a.totalMass, 9);
  });
});

describe('MuJoCo semantics, one rule at a time', () => {
  const body = (inner: string, head = ''): Morphology =>
    parseMjcf(`<mujoco>${head}<worldbody><body name="b" pos="0 0 1">${inner}</body></worldbody></mujoco>`);
  const capsule = (m: Morphology): Extract<Geom, { type: 'capsule' }> => bodies(m)[0]!.geoms[0] as Extract<Geom, { type: 'capsule' }>;

  it('euler follows compiler eulerseq: xyz by default, intrinsic lower case, extrinsic upper case', () => {
    const geom = '<geom type="capsule" size="0.1 0.5" euler="90 90 0"/>';
    // xyz: Rx(90)·Ry(90)·ẑ = Rx(90)·x̂ = x̂.  zyx: Rz(90)·Ry(90)·ẑ = Rz(90)·x̂ = ŷ.  XYZ: Ry(90)·Rx(90)·ẑ = Ry(90)·(−ŷ) = −ŷ.
    expect(capsule(body(geom)).to).toEqual(close([0.5, 0, 0]));
    expect(capsule(body(geom, '<compiler eulerseq="zyx"/>')).to).toEqual(close([0, 0.5, 0]));
    expect(capsule(body(geom, '<compiler eulerseq="XYZ"/>')).to).toEqual(close([0, -0.5, 0]));
    // The same turn in radians.
    expect(capsule(body(`<geom type="capsule" size="0.1 0.5" euler="${Math.PI / 2} ${Math.PI / 2} 0"/>`, '<compiler angle="radian" eulerseq="zyx"/>')).to).toEqual(close([0, 0.5, 0]));
  });

  it('fromto overrides pos and orientation; pos/size capsules run along the geom z axis', () => {
    expect(capsule(body('<geom type="capsule" size="0.1" fromto="0 0 0 0 0 0.3" pos="5 5 5" euler="90 0 0"/>')).to).toEqual([0, 0, 0.3]);
    expect(capsule(body('<geom type="capsule" size="0.1 0.25" pos="1 0 0"/>'))).toMatchObject({ from: [1, 0, -0.25], to: [1, 0, 0.25] });
  });

  it('a body turned by its parent carries its children, geoms and hinge axis with it', () => {
    const m = body('<body name="c" pos="1 0 0" axisangle="0 0 1 90"><joint name="j" axis="1 0 0" range="-1 1"/><geom type="sphere" size="0.1" pos="0.5 0 0"/></body>', '');
    const child = bodies(m)[1]!;
    expect(child.pos).toEqual([1, 0, 0]);
    expect(child.joint!.axis).toEqual(close([0, 1, 0]));
    expect((child.geoms[0] as Extract<Geom, { type: 'sphere' }>).pos).toEqual(close([0, 0.5, 0]));
    // A turned parent: the child's offset turns too (zaxis = x̂ takes ẑ onto x̂, so the parent's z is the world's x).
    const turned = parseMjcf('<mujoco><worldbody><body name="p" pos="0 0 1" zaxis="1 0 0"><body name="c" pos="0 0 2"/></body></worldbody></mujoco>');
    expect(bodies(turned)[1]!.pos).toEqual(close([2, 0, 0]));
  });

  it('a hinge placed by joint pos becomes the body origin: children and geoms keep their world places', () => {
    const m = body('<body name="c" pos="1 0 0"><joint name="j" pos="0.5 0 0" range="-1 1"/><geom type="sphere" size="0.1" pos="0.5 0 0"/><body name="d" pos="1 0 0"/></body>');
    const [, c, d] = bodies(m);
    expect(c!.pos).toEqual([1.5, 0, 0]);
    expect((c!.geoms[0] as Extract<Geom, { type: 'sphere' }>).pos).toEqual([0, 0, 0]);
    expect(d!.pos).toEqual([0.5, 0, 0]);
  });

  it('default classes: nested classes inherit, childclass reaches descendants, an element’s class wins', () => {
    const m = parseMjcf(`<mujoco>
      <default><geom size="0.1"/><default class="sub"><geom size="0.2"/><default class="subsub"/></default></default>
      <worldbody>
        <body name="a"><geom name="main"/>
          <body name="b" childclass="sub"><geom name="sub"/><geom name="own" size="0.3"/><geom name="back" class="main"/>
            <body name="c"><geom name="inherited"/><geom name="nested" class="subsub"/></body>
          </body>
        </body>
      </worldbody></mujoco>`);
    const radius = new Map(bodies(m).flatMap((b) => b.geoms.map((g) => [g.name, g.radius] as const)));
    expect(Object.fromEntries(radius)).toEqual({ main: 0.1, sub: 0.2, own: 0.3, back: 0.1, inherited: 0.2, nested: 0.2 });
  });

  it('unnamed joints and geoms get joint_N and geom_N, skipping names already taken', () => {
    const m = body('<geom name="geom_2" size="0.1"/><geom size="0.1"/><geom size="0.1"/><body><joint range="-1 1"/><geom size="0.1"/></body>');
    expect(bodies(m).map((b) => [b.name, b.joint?.name, b.geoms.map((g) => g.name)])).toEqual([
      ['b', undefined, ['geom_2', 'geom_1', 'geom_2_']],
      ['body_1', 'joint_0', ['geom_3']],
    ]);
  });
});

describe('what the simulator does not reproduce is refused, naming element, attribute and line', () => {
  /** A one-body file: `head` on line 2, `inner` on line 5 inside the root body, `tail` on line 8. */
  const doc = (inner: string, head = '', tail = ''): string =>
    ['<mujoco>', head, '  <worldbody>', '    <body name="b" pos="0 0 1">', `      ${inner}`, '    </body>', '  </worldbody>', tail, '</mujoco>'].join('\n');
  const leg = '<body name="c"><joint name="j" range="-1 1"/><geom size="0.1"/></body>';
  const cases: [string, string, string][] = [
    ['a slide joint', doc('<body name="c"><joint name="s" type="slide" range="0 1"/></body>'), 'line 5: <joint name="s"> type: slide joints are not supported (hinge)'],
    ['a hinge to the world', doc('<joint name="w" range="-1 1"/>'), 'line 5: <joint name="w"> type: is a hinge joint to the world; the root body must move freely'],
    ['a box', doc('<geom name="g" type="box" size="0.1 0.1 0.1"/>'), 'line 5: <geom name="g"> type: box geoms are not supported (sphere or capsule)'],
    ['a geom mass', doc('<geom name="g" size="0.1" mass="2"/>'), 'line 5: <geom name="g"> mass: is not supported (masses come from geom volumes at 1000 kg/m³, as pybullet loads the ant)'],
    ['an unlimited hinge', doc('<body name="c"><joint name="j" limited="false" range="-1 1"/></body>'), 'line 5: <joint name="j"> limited: "false" makes the hinge unlimited, which is not supported'],
    ['a hinge without range', doc('<body name="c"><joint name="j"/></body>'), 'line 5: <joint name="j"> range: is required: unlimited hinges are not supported'],
    ['a joint ref', doc('<body name="c"><joint name="j" range="-1 1" ref="0.5"/></body>'), 'line 5: <joint name="j"> ref: is not supported (the angle at the built pose is 0 here)'],
    ['a misspelt attribute', doc('<geom size="0.1" sizee="2"/>'), 'line 5: <geom> sizee: is not an attribute of <geom>'],
    ['an unknown element', doc('<foo/>'), 'line 5: <foo>: is not an element a <body> can hold'],
    ['an <inertial>', doc('<inertial pos="0 0 0" mass="1"/>'), 'line 5: <inertial>: is not supported: masses come from geom volumes at 1000 kg/m³, as pybullet loads the ant; remove it, or set <compiler inertiafromgeom="true"> (then MuJoCo ignores it too)'],
    ['two orientations', doc('<geom size="0.1" quat="1 0 0 0" euler="0 0 10"/>'), 'line 5: <geom> euler: only one orientation may be given, but quat and euler are'],
    ['a zero quaternion', doc('<geom size="0.1" quat="0 0 0 0"/>'), 'line 5: <geom> quat: the quaternion must have a length of at least 1e-6, got 0'],
    ['a zero rotation axis', doc('<body name="c" axisangle="0 0 0 30"/>'), 'line 5: <body name="c"> axisangle: the rotation axis must have a length of at least 1e-6, got 0'],
    ['an unknown class', doc('<geom class="nope" size="0.1"/>'), 'line 5: <geom class="nope"> class: no default class named \'nope\''],
    ['a bad value from a default', doc('<geom name="g"/>', '<default><geom size="-1"/></default>'), 'line 5: <geom name="g"> size: radius must be within [0.001, 2] m, got -1 (set by <default class="main"> on line 2)'],
    ['a misspelt default', doc('<geom size="0.1"/>', '<default><geom sise="1"/></default>'), 'line 2: <geom> sise: is not an attribute of a default <geom>'],
    ['an unknown angle unit', doc('<geom size="0.1"/>', '<compiler angle="grad"/>'), 'line 2: <compiler> angle: must be one of degree, radian, got "grad"'],
    ['a bad eulerseq', doc('<geom size="0.1"/>', '<compiler eulerseq="xyq"/>'), 'line 2: <compiler> eulerseq: must be 3 letters from x, y, z, X, Y, Z, got "xyq"'],
    ['an include', doc('<geom size="0.1"/>', '<include file="other.xml"/>'), 'line 2: <include>: included files are not read; paste their content into this file'],
    ['a tendon', doc(leg, '', '<tendon><fixed name="t"><joint joint="j" coef="1"/></fixed></tendon>'), 'line 8: <tendon>: tendons are not supported'],
    ['a position servo', doc(leg, '', '<actuator><position joint="j" kp="10"/></actuator>'), 'line 8: <position>: only <motor> actuators are supported (torque = gear × action)'],
    ['a narrow control range', doc(leg, '', '<actuator><motor joint="j" ctrlrange="-0.5 0.5"/></actuator>'), "line 8: <motor> ctrlrange: must contain [-1, 1] (the policy's actions), got -0.5 0.5"],
    ['a force limit', doc(leg, '', '<actuator><motor joint="j" forcerange="-10 10"/></actuator>'), 'line 8: <motor> forcerange: is not supported: torques are 250 N·m per unit action × gear / 150'],
    ['a raised floor', '<mujoco>\n<worldbody>\n<geom name="floor" type="plane" pos="0 0 0.5" size="1 1 1"/>\n<body name="b"><geom size="0.1"/></body></worldbody></mujoco>',
      "line 3: <geom name=\"floor\">: is not supported: the env's ground is the plane z = 0 facing up; other world geometry (a raised or tilted floor, obstacles) is not"],
    ['two root bodies', '<mujoco>\n<worldbody>\n<body name="a"><geom size="0.1"/></body>\n<body name="b"><geom size="0.1"/></body>\n</worldbody></mujoco>', 'line 4: <body name="b">: <worldbody> must hold exactly one body, the robot\'s root (found 2)'],
    ['a doctype', '<!DOCTYPE x [<!ENTITY a "b">]>\n<mujoco/>', 'line 1: <!DOCTYPE> is not allowed in MJCF'],
    ['deep nesting', `<mujoco><worldbody><body name="b">${'<frame>'.repeat(200)}${'</frame>'.repeat(200)}</body></worldbody></mujoco>`, 'elements may nest at most 100 deep (Maximum nested tags exceeded)'],
  ];
  it.each(cases)('%s', (_what, xml, message) => {
    expect(() => parseMjcf(xml)).toThrow(`MJCF: ${message}`);
  });
});

describe('every physical quantity is bounded to what is finite in float32 and sensible for this body (issue 13)', () => {
  const standardXml = read('../../resources/morphologies/standard.xml');
  const cases: [string, string, string, string][] = [
    ['a far position', 'pos="0 0 0.75"', 'pos="1e300 0 0.75"', 'line 9: <body name="torso"> pos: each coordinate must be within ±10 m, got 1e+300 0 0.75'],
    ['a subnormal axis', 'axis="0 0 1"', 'axis="1e-320 0 0"', 'line 14: <joint name="hip_1"> axis: the hinge axis must have a length of at least 1e-6, got 1e-320'],
    ['a huge axis', 'axis="0 0 1"', 'axis="1e300 0 0"', 'line 14: <joint name="hip_1"> axis: each component must be within ±1000000, got 1e+300 0 0'],
    ['a number beyond double', 'pos="0 0 0.75"', 'pos="1e400 0 0.75"', 'line 9: <body name="torso"> pos: must be finite numbers, got "1e400 0 0.75"'],
    ['not a number', 'pos="0 0 0.75"', 'pos="nan 0 0.75"', 'line 9: <body name="torso"> pos: must be 3 numbers, got "nan 0 0.75"'],
    ['a far capsule end', 'fromto="0 0 0 0.4 0.4 0"', 'fromto="0 0 0 1e300 0.4 0"', 'line 18: <geom name="left_ankle_geom"> fromto: each coordinate must be within ±10 m, got 0 0 0 1e+300 0.4 0'],
    ['a subnormal radius', 'size="0.25"', 'size="1e-320"', 'line 10: <geom name="torso_geom"> size: radius must be within [0.001, 2] m, got 1e-320'],
    ['a huge gear', '<motor joint="hip_4" gear="150"', '<motor joint="hip_4" gear="1e308"', 'line 58: <motor> gear: must be in (0, 10000], got 1e+308'],
    ['a huge euler angle', 'pos="0 0 0.75"', 'pos="0 0 0.75" euler="1e300 0 0"', 'line 9: <body name="torso"> euler: each angle must be within ±360 degrees (compiler angle="degree"), got 1e+300 0 0'],
    ['a huge quaternion', 'pos="0 0 0.75"', 'pos="0 0 0.75" quat="1e300 0 0 0"', 'line 9: <body name="torso"> quat: each component must be within ±1000000, got 1e+300 0 0 0'],
    ['a range beyond a turn', 'range="30 100"', 'range="30 1e300"', 'line 17: <joint name="ankle_1"> range: must lie within ±360 degrees (±6.28319 radians), got 30 1e+300'],
  ];
  it.each(cases)('%s', (_what, from, to, message) => {
    const xml = standardXml.replace(from, to);
    expect(xml).not.toBe(standardXml);
    expect(() => parseMjcf(xml)).toThrow(`MJCF: ${message}`);
  });

  it('ranges in radians are bounded by ±2π: degrees read as radians are refused', () => {
    const xml = standardXml.replace('angle="degree"', 'angle="radian"');
    expect(() => parseMjcf(xml)).toThrow('MJCF: line 14: <joint name="hip_1"> range: must lie within ±360 degrees (±6.28319 radians), got -40 40');
  });

  it(`refuses a text over ${MAX_MJCF_CHARS} characters before reading it`, () => {
    const padded = standardXml.replace('</mujoco>', `<!--${'x'.repeat(MAX_MJCF_CHARS - standardXml.length - 7)}--></mujoco>`);
    expect(padded.length).toBe(MAX_MJCF_CHARS);
    expect(parseMjcf(padded).root.name).toBe('torso');
    expect(() => parseMjcf(`${padded} `)).toThrow(`MJCF: the file has ${MAX_MJCF_CHARS + 1} characters; at most ${MAX_MJCF_CHARS} are accepted`);
  });
});
