/**
 * A quadruped as four legs with the handful of numbers the morphology editor offers: thigh and shin lengths,
 * radius, hip and ankle ranges, motor strengths, and whether the lower leg is there. `legsOf` reads them from a
 * morphology; `withLegs` rebuilds a morphology from a base and edited values through the edit verbs, reporting
 * every bad value by its field (`legs.2.shin`) instead of stopping at the first.
 *
 * The legs are anatomy.ts's: a hinge fixed to the torso (the hip) and the hinge below it (the ankle), named by
 * where they sit relative to the walking direction +x, since the MJCF's body names need not say (the ant's
 * `right_back_foot` is the front-right leg, docs/METHOD.md#robot-model), in the ant's order.
 */
import { findLegs, type LegLabel } from './anatomy';
import { removeLowerLeg, setGear, setJointRange, setRadius, setSegmentLength } from './edit';
import { capsuleLength, REFERENCE_GEAR, type Morphology } from './model';

export interface LegParams {
  /** Thigh and shin capsule lengths (m); the shin length is kept while the lower leg is removed. */
  thigh: number;
  shin: number;
  /** Radius of the thigh and shin capsules (m). */
  radius: number;
  /** Hinge ranges in degrees, [lower, upper]. */
  hip: [number, number];
  ankle: [number, number];
  /** Motor strength as a multiple of the ant's (gear / 150). */
  hipStrength: number;
  ankleStrength: number;
  lowerLeg: boolean;
}

export interface Leg {
  /** "front left", "back right", …: by position relative to the walking direction (+x). */
  readonly label: LegLabel;
  readonly hipBody: string;
  readonly footBody: string;
  readonly hipJoint: string;
  readonly ankleJoint: string;
  readonly thighGeom: string;
  readonly shinGeom: string;
  readonly params: LegParams;
}

export interface LegIssue {
  readonly path: string;
  readonly message: string;
}

export function legsOf(m: Morphology): Leg[] {
  const gear = new Map(m.motors.map((mo) => [mo.joint, mo.gear]));
  return findLegs(m).legs.flatMap(({ label, hip, foot }): Leg[] => {
    const thigh = hip.geoms.find((g) => g.type === 'capsule');
    const shin = foot.geoms[0];
    if (!thigh || thigh.type !== 'capsule' || !shin) return [];
    return [{
      label, hipBody: hip.name, footBody: foot.name, hipJoint: hip.joint!.name, ankleJoint: foot.joint!.name, thighGeom: thigh.name, shinGeom: shin.name,
      params: {
        thigh: capsuleLength(thigh),
        // A removed lower leg is a sphere; its length is unknown, so the ant's is offered if it is put back.
        shin: shin.type === 'capsule' ? capsuleLength(shin) : 0.4 * Math.SQRT2,
        radius: thigh.radius,
        hip: [hip.joint!.range[0], hip.joint!.range[1]],
        ankle: [foot.joint!.range[0], foot.joint!.range[1]],
        hipStrength: (gear.get(hip.joint!.name) ?? REFERENCE_GEAR) / REFERENCE_GEAR,
        ankleStrength: (gear.get(foot.joint!.name) ?? REFERENCE_GEAR) / REFERENCE_GEAR,
        lowerLeg: shin.type === 'capsule',
      },
    }];
  });
}

/** Lengths closer than this to the base's are the base's: the editor shows 0.1 mm, so a displayed value is unchanged. */
const LENGTH_TOLERANCE = 5e-5;
const moved = (a: number, b: number): boolean => !(Math.abs(a - b) <= LENGTH_TOLERANCE);

/** Params rounded to what the editor shows (0.1 mm); `withLegs` treats them as unchanged. */
export function displayed(p: LegParams): LegParams {
  const mm = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { ...p, thigh: mm(p.thigh), shin: mm(p.shin), radius: mm(p.radius), hip: [p.hip[0], p.hip[1]], ankle: [p.ankle[0], p.ankle[1]] };
}

/**
 * `base` with every leg set to `params` (same order as `legsOf(base)`). The base must have its lower legs: a
 * removed one cannot be grown back from a sphere (start from a preset that has it). Returns the morphology, or
 * null with one issue per bad field.
 */
export function withLegs(base: Morphology, params: readonly LegParams[], name = base.name): { morphology: Morphology | null; issues: LegIssue[] } {
  const legs = legsOf(base);
  const issues: LegIssue[] = [];
  if (params.length !== legs.length) return { morphology: null, issues: [{ path: 'legs', message: `expected ${legs.length} legs, got ${params.length}` }] };
  let m: Morphology = { ...base, name };
  const attempt = (path: string, edit: () => Morphology): void => {
    try {
      m = edit();
    } catch (e) {
      issues.push({ path, message: (e as Error).message.replace(/^MJCF: /, '') });
    }
  };
  legs.forEach((leg, i) => {
    const p = params[i]!;
    const at = (field: string): string => `legs.${i}.${field}`;
    if (!leg.params.lowerLeg && p.lowerLeg) issues.push({ path: at('lowerLeg'), message: `the base body has no lower ${leg.label} leg to restore; start from a preset that has it` });
    if (moved(p.thigh, leg.params.thigh)) attempt(at('thigh'), () => setSegmentLength(m, leg.thighGeom, p.thigh));
    if (p.lowerLeg && leg.params.lowerLeg && moved(p.shin, leg.params.shin)) attempt(at('shin'), () => setSegmentLength(m, leg.shinGeom, p.shin));
    if (moved(p.radius, leg.params.radius)) attempt(at('radius'), () => setRadius(setRadius(m, leg.thighGeom, p.radius), leg.shinGeom, p.radius));
    attempt(at('hip'), () => setJointRange(m, leg.hipJoint, p.hip[0], p.hip[1]));
    attempt(at('ankle'), () => setJointRange(m, leg.ankleJoint, p.ankle[0], p.ankle[1]));
    attempt(at('hipStrength'), () => setGear(m, leg.hipJoint, p.hipStrength * REFERENCE_GEAR));
    attempt(at('ankleStrength'), () => setGear(m, leg.ankleJoint, p.ankleStrength * REFERENCE_GEAR));
    if (!p.lowerLeg && leg.params.lowerLeg) attempt(at('lowerLeg'), () => removeLowerLeg(m, leg.footBody));
  });
  return issues.length > 0 ? { morphology: null, issues } : { morphology: m, issues };
}
