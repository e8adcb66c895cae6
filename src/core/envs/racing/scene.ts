/**
 * What the racing env hands the rasteriser and the replay: the track (fixed for an episode) and the car's state at
 * one step, as plain typed arrays in world units. Plain data, so an episode recorded as car states re-renders to
 * the very pixels the network saw, and the env writes into these buffers without allocating per step.
 */

/** A generated track (track.ts): a pure function of the episode's seed. */
export interface Track {
  /** Number of road tiles N (reward per new tile is 1000/N). */
  readonly tileCount: number;
  /** The centre line: per point (alpha, beta, x, y); point i is tile i's leading edge. Length 4·N. */
  readonly points: Float64Array;
  /** Road tile quads: 4 corners (x, y) per tile in gym's vertex order. Length 8·N. */
  readonly tiles: Float64Array;
  /** Each tile's unvisited colour, rgb in 0..1. Length 3·N. */
  readonly tileColours: Float32Array;
  /** Kerb quads (visual only): 4 corners (x, y) per kerb. Length 8·kerbCount. */
  readonly kerbs: Float64Array;
  /** Kerb colours, rgb. Length 3·kerbCount. */
  readonly kerbColours: Float32Array;
  readonly kerbCount: number;
}

// Layout of a car state (CAR_FLOATS floats).
export const HULL_X = 0;
export const HULL_Y = 1;
export const HULL_ANGLE = 2;
export const HULL_VX = 3;
export const HULL_VY = 4;
export const HULL_OMEGA = 5;
/** Per wheel i, starting at WHEELS + i·WHEEL_FLOATS: x, y, angle, spin ω, stripe phase, steering joint angle. */
export const WHEELS = 6;
export const WHEEL_FLOATS = 6;
export const WHEEL_X = 0;
export const WHEEL_Y = 1;
export const WHEEL_ANGLE = 2;
export const WHEEL_OMEGA = 3;
export const WHEEL_PHASE = 4;
export const WHEEL_JOINT_ANGLE = 5;
/** Seconds since the reset (the camera zooms in over the first second). */
export const TIME = WHEELS + 4 * WHEEL_FLOATS;
/** The episode's reward so far (the HUD's score digits). */
export const SCORE = TIME + 1;
export const CAR_FLOATS = SCORE + 1;

/** Everything one state image is drawn from. */
export interface RaceFrame {
  readonly track: Track;
  /** CAR_FLOATS floats, layout above. */
  readonly car: Float64Array;
  /** Per tile, 1 once anything touched it: its colour is then exactly ROAD_COLOR. Length N. */
  readonly painted: Uint8Array;
}
