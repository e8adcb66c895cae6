/**
 * CarRacing-v0 (gym 0.17.2) constants: the world, the track generator and the car's geometry. One module, so the
 * physics (car.ts), the track generator (track.ts) and the rasteriser (raster.ts) cannot drift apart. World units
 * are gym's (raw car coordinates × SIZE); see docs/METHOD.md#car-constants for the sources.
 */

// The state image and the window it is squeezed from.
export const STATE_W = 96;
export const STATE_H = 96;
export const WINDOW_W = 1000;
export const WINDOW_H = 800;

// The track.
export const SCALE = 6;
export const TRACK_RAD = 900 / SCALE;
export const PLAYFIELD = 2000 / SCALE;
export const FPS = 50;
export const ZOOM = 2.7;
export const TRACK_DETAIL_STEP = 21 / SCALE;
export const TRACK_TURN_RATE = 0.31;
/** Half the road's width. */
export const TRACK_WIDTH = 40 / SCALE;
export const BORDER = 8 / SCALE;
export const BORDER_MIN_COUNT = 4;
export const CHECKPOINTS = 12;
/** The road's colour; visited tiles are painted exactly this, unvisited ones get +0.01·(i mod 3). */
export const ROAD_COLOR: readonly [number, number, number] = [0.4, 0.4, 0.4];
export const GRASS_COLOR: readonly [number, number, number] = [0.4, 0.8, 0.4];
export const GRASS_CHECK_COLOR: readonly [number, number, number] = [0.4, 0.9, 0.4];

// The episode.
export const MAX_STEPS = 1000;
/** The reference code stops a lifetime after this many steps in a row without a new tile. */
export const NO_NEW_TILE_STEPS = 21;
export const STEP_PENALTY = 0.1;
export const OFF_PLAYFIELD_REWARD = -100;
export const TRACK_REWARD = 1000;

// The car (car_dynamics.py); raw coordinates are multiplied by SIZE.
export const SIZE = 0.02;
export const ENGINE_POWER = 100000000 * SIZE * SIZE;
export const WHEEL_MOMENT_OF_INERTIA = 4000 * SIZE * SIZE;
export const FRICTION_LIMIT = 1000000 * SIZE * SIZE;
/** Grass grips less: the friction limit's factor off the road. */
export const GRASS_FRICTION = 0.6;
export const FORCE_GAIN = 205000 * SIZE * SIZE;
export const WHEEL_R = 27;
export const WHEEL_W = 14;
/** Wheel centres in raw hull coordinates: front left, front right, rear left, rear right. */
export const WHEEL_POS: readonly (readonly [number, number])[] = [
  [-55, +80],
  [+55, +80],
  [-55, -82],
  [+55, -82],
];
/** The hull's four convex polygons, raw coordinates (car forward = local +y). */
export const HULL_POLYS: readonly (readonly (readonly [number, number])[])[] = [
  [[-60, +130], [+60, +130], [+60, +110], [-60, +110]],
  [[-15, +120], [+15, +120], [+20, +20], [-20, +20]],
  [[+25, +20], [+50, -10], [+50, -40], [+20, -90], [-20, -90], [-50, -40], [-50, -10], [-25, +20]],
  [[-50, -120], [+50, -120], [+50, -90], [-50, -90]],
];
export const HULL_COLOR: readonly [number, number, number] = [0.8, 0, 0];
export const WHEEL_COLOR: readonly [number, number, number] = [0, 0, 0];
export const WHEEL_STRIPE_COLOR: readonly [number, number, number] = [0.3, 0.3, 0.3];
