import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compatibilityProblems } from '../../src/core/morphology/edit';
import { displayed, legsOf, withLegs } from '../../src/core/morphology/legs';
import { parseMjcf, serialiseMjcf } from '../../src/core/morphology/mjcf';
import { bodies } from '../../src/core/morphology/model';

const preset = (name: string): string => readFileSync(new URL(`../../resources/morphologies/${name}.xml`, import.meta.url), 'utf8');
const standard = parseMjcf(preset('standard'));
const params = (m = standard) => legsOf(m).map((l) => structuredClone(l.params));

describe("the editor's legs", () => {
  it('reads the ant as four legs named by where they sit relative to walking along +x', () => {
    const legs = legsOf(standard);
    expect(legs.map((l) => [l.label, l.footBody])).toEqual([
      ['front left', 'front_left_foot'],
      ['back left', 'front_right_foot'],
      ['back right', 'left_back_foot'],
      ['front right', 'right_back_foot'], // docs/METHOD.md#robot-model: leg 4 at (+x, −y) is the front-right leg
    ]);
    const p = legs[0]!.params;
    expect(p.thigh).toBeCloseTo(0.2 * Math.SQRT2, 12);
    expect(p.shin).toBeCloseTo(0.4 * Math.SQRT2, 12); // 0.5657 m
    expect(p).toMatchObject({ radius: 0.08, hip: [-40, 40], ankle: [30, 100], hipStrength: 1, ankleStrength: 1, lowerLeg: true });
    expect(legs[1]!.params.ankle).toEqual([-100, -30]);
  });

  it('rebuilds the same body from unchanged values, and from the values as displayed (0.1 mm)', () => {
    const same = withLegs(standard, params());
    expect(same.issues).toEqual([]);
    expect(serialiseMjcf(same.morphology!)).toBe(serialiseMjcf(standard));
    const shown = params().map(displayed);
    expect(shown[0]!.thigh).toBe(0.2828);
    expect(serialiseMjcf(withLegs(standard, shown).morphology!)).toBe(serialiseMjcf(standard));
  });

  it("shortening the front-right shin to 0.1414 m gives the paper's damaged-right body (docs/METHOD.md#making-the-damaged-bodies)", () => {
    const p = params();
    p[3]!.shin = 0.1 * Math.SQRT2;
    const edited = withLegs(standard, p, 'mine').morphology!;
    const paper = parseMjcf(preset('damaged-right'));
    const shape = (m: typeof standard): unknown => bodies(m).map((b) => [b.name, b.pos.map((x) => x.toFixed(9)), b.geoms.map((g) => JSON.stringify(g, (_k, v: unknown) => (typeof v === 'number' ? v.toFixed(9) : v)))]);
    expect(shape(edited)).toEqual(shape(paper));
    expect(edited.name).toBe('mine');
    expect(legsOf(paper)[3]!.params.shin).toBeCloseTo(0.1414, 4);
  });

  it('moves the foot with a longer thigh, sets radius, ranges and motor strength', () => {
    const p = params();
    Object.assign(p[0]!, { thigh: 0.5, radius: 0.05, hip: [-20, 20], ankle: [40, 90], hipStrength: 0.5, ankleStrength: 2 });
    const m = withLegs(standard, p).morphology!;
    const leg = legsOf(m)[0]!;
    expect(leg.params.thigh).toBeCloseTo(0.5, 12);
    expect(leg.params).toMatchObject({ radius: 0.05, hip: [-20, 20], ankle: [40, 90], hipStrength: 0.5, ankleStrength: 2 });
    const foot = bodies(m).find((b) => b.name === 'front_left_foot')!;
    expect(foot.pos[0]).toBeCloseTo(0.5 / Math.SQRT2, 12); // at the thigh's new end
    expect(m.motors.find((mo) => mo.joint === 'ankle_1')!.gear).toBe(300);
  });

  it('removes a lower leg, keeping the interface the policy expects', () => {
    const p = params();
    p[3]!.lowerLeg = false;
    const m = withLegs(standard, p).morphology!;
    expect(bodies(m).find((b) => b.name === 'right_back_foot')!.geoms.map((g) => g.type)).toEqual(['sphere']);
    expect(compatibilityProblems(m)).toEqual([]);
    expect(legsOf(m)[3]!.params.lowerLeg).toBe(false);
    const back = params(m);
    back[3]!.lowerLeg = true;
    expect(withLegs(m, back).issues).toEqual([{ path: 'legs.3.lowerLeg', message: 'the base body has no lower front right leg to restore; start from a preset that has it' }]);
  });

  it('reports every bad value by its field, and builds nothing', () => {
    const p = params();
    p[1]!.shin = -0.2;
    p[2]!.radius = 0;
    p[0]!.hip = [30, 10];
    p[3]!.ankleStrength = 0;
    const r = withLegs(standard, p);
    expect(r.morphology).toBeNull();
    expect(r.issues).toEqual([
      { path: 'legs.0.hip', message: 'joint range must satisfy -360 ≤ lower < upper ≤ 360, got 30 10' },
      { path: 'legs.1.shin', message: 'segment length must be within [0.001, 10] m, got -0.2' },
      { path: 'legs.2.radius', message: 'radius must be within [0.001, 2] m, got 0' },
      { path: 'legs.3.ankleStrength', message: 'motor gear must be in (0, 10000], got 0' },
    ]);
  });
});
