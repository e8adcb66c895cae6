/**
 * The bounds every physical quantity read from an MJCF file (or set by the editor) must respect: finite in float32
 * arithmetic and sensible for a walking robot of the ant's kind (about 1 m across, 180 kg). One place, so the
 * parser, the editor's verbs, the API's schema and the CLI agree; docs/USER-GUIDE.md lists them.
 */

/** The longest MJCF text accepted anywhere (API, CLI, editor), in characters. */
export const MAX_MJCF_CHARS = 1_000_000;

export const LIMITS = {
  /** Each coordinate of a position (body, joint and geom `pos`, both `fromto` ends), relative to its frame, m. */
  maxCoordinate: 10,
  /** Capsule segment length (between the end caps' centres), m. */
  minLength: 0.001,
  maxLength: 10,
  /** Capsule and sphere radius, m. */
  minRadius: 0.001,
  maxRadius: 2,
  /** Motor gear (strength relative to the ant's 150). */
  maxGear: 10_000,
  /** Joint ranges, `euler` and `axisangle` angles, degrees (±2π in radians). */
  maxAngle: 360,
  /** Direction-like vectors (hinge axis, quat, axis-angle axis, zaxis, xyaxes): each component, and the shortest length. */
  maxComponent: 1e6,
  minDirection: 1e-6,
  /** A body of this kind has a few dozen parts at most. */
  maxBodies: 64,
  maxGeoms: 256,
} as const;

/** "within [0.001, 2] m" and friends: the wording every bound check shares. */
export const within = (lo: number, hi: number, unit = ''): string => `within [${lo}, ${hi}]${unit ? ` ${unit}` : ''}`;
export const withinPlusMinus = (limit: number, unit = ''): string => `within ±${limit}${unit ? ` ${unit}` : ''}`;
