/**
 * CarRacing-v0 (gym 0.17.2) through the Env contract: a track generated from the episode's stream, the car on
 * planck, road tiles as sensors, and the observation drawn by the software rasteriser and resampled to 3×84×84.
 *
 * Every reset builds a fresh planck world (like the quadruped's rebuild): only a fresh world makes an episode a
 * pure function of (seed, actions) whatever ran before it. The reset ends with one physics step without controls
 * (gym's `step(None)`): it snaps the wheels onto their joints, and the tiles its contacts visit are credited to the
 * first real step's reward.
 */
import { Polygon, World, type Contact } from 'planck';
import type { RandomStream } from '../../random';
import type { Env, StepResult } from '../env';
import { POSE_FLOATS } from '../env';
import { Car, WHEEL_COUNT, type WheelTag } from './car';
import { FPS, OFF_PLAYFIELD_REWARD, PLAYFIELD, STEP_PENALTY, TRACK_DETAIL_STEP, TRACK_REWARD } from './constants';
import { Rasteriser } from './raster';
import { OBS_SIZE, resampleObservation } from './resample';
import {
  CAR_FLOATS, HULL_ANGLE, HULL_X, HULL_Y, SCORE, TIME, WHEEL_ANGLE, WHEEL_FLOATS, WHEEL_X, WHEEL_Y, WHEELS,
  type RaceFrame, type Track,
} from './scene';
import { generateTrack } from './track';

export const DT = 1 / FPS;
/** Box2D's solver iterations as gym passes them to `world.Step` (planck calls them the same). */
export const VELOCITY_ITERATIONS = 6 * 30;
export const POSITION_ITERATIONS = 2 * 30;
export const OBSERVATION_SIZE = 3 * OBS_SIZE * OBS_SIZE;
/** Actions: steer in [−1, 1] (positive turns right), gas and brake in [0, 1]. */
export const ACTION_SIZE = 3;
export const REWARD_TERMS = ['reward'] as const;
export const BODY_NAMES = ['hull', 'wheel_front_left', 'wheel_front_right', 'wheel_rear_left', 'wheel_rear_right'] as const;

/** Turns a frame into the network's input; the env calls it after every step, the reset step included. */
export type FrameObserver = (frame: RaceFrame, out: Float32Array) => void;

/** The observation gym + the reference give: the 96×96 state image, INTER_AREA to 84×84, /255, (c, x, y). */
export function pixelObserver(): FrameObserver {
  const rasteriser = new Rasteriser();
  return (frame, out) => resampleObservation(rasteriser.render(frame), out);
}

/** Physics only: the observation stays zero (tests and benchmarks of the dynamics alone). */
export const noObservation: FrameObserver = () => {};

export interface RacingOptions {
  /** Default: `pixelObserver()`. */
  readonly observe?: FrameObserver;
}

interface Episode {
  readonly world: World;
  readonly car: Car;
  readonly frame: RaceFrame;
  /** Per tile, 1 once a wheel touched it (credited). */
  readonly visited: Uint8Array;
  /** Per tile, the step it was first painted in (0: the reset step), −1 while unpainted. */
  readonly paintedAt: Int32Array;
}

export class RacingEnv implements Env {
  readonly observationSize = OBSERVATION_SIZE;
  readonly actionSize = ACTION_SIZE;
  readonly rewardTerms: readonly string[] = REWARD_TERMS;
  readonly fitnessTerm = 0;
  /** The hull and the four wheels (front left, front right, rear left, rear right). */
  readonly bodyNames: readonly string[] = BODY_NAMES;
  /** Multipliers on steer, gas and brake before the car sees them (a weakened car). */
  readonly actuatorStrength = new Float32Array(ACTION_SIZE).fill(1);

  private readonly observe: FrameObserver;
  private readonly observation = new Float32Array(OBSERVATION_SIZE);
  private readonly rewards = new Float64Array(REWARD_TERMS.length);
  private readonly result = { observation: this.observation, rewards: this.rewards, done: false, finite: true };
  private readonly car = new Float64Array(CAR_FLOATS);
  private readonly onBegin = (c: Contact): void => this.contact(c, true);
  private readonly onEnd = (c: Contact): void => this.contact(c, false);
  private current: Episode | undefined;
  private t = 0;
  /** Env steps since the reset (the reset step is step 0). */
  private steps = 0;
  /** gym's running `reward` (tiles minus the step penalties) and its value after the previous step. */
  private reward = 0;
  private prevReward = 0;
  private visitedCount = 0;
  private disposed = false;

  constructor(options: RacingOptions = {}) {
    this.observe = options.observe ?? pixelObserver();
  }

  /** The episode's track, car state and painted tiles as of the last step (what the observation was drawn from). */
  get frame(): RaceFrame {
    return this.episode().frame;
  }

  /** The planck car of this episode (tests and diagnostics read its tyre state). */
  get vehicle(): Car {
    return this.episode().car;
  }

  /**
   * Per tile, the step it was first painted in (0: the reset step, then 1, 2, … for the steps after it), −1 while
   * unpainted: frame t's painted tiles are those with paintedAt ≤ t, so a recording needs only this and the car states
   * to re-render every frame the network saw.
   */
  get paintedAt(): Int32Array {
    return this.episode().paintedAt;
  }

  /** Tiles a wheel has touched since the reset, the reset step included. */
  get tilesVisited(): number {
    return this.visitedCount;
  }

  reset(rng: RandomStream): Float32Array {
    if (this.disposed) throw new Error('racing env: reset after dispose');
    const track = generateTrack(rng);
    const world = new World({ gravity: { x: 0, y: 0 } });
    world.on('begin-contact', this.onBegin);
    world.on('end-contact', this.onEnd);
    addTiles(world, track);
    const p = track.points;
    const car = new Car(world, p[1]!, p[2]!, p[3]!);
    this.current = {
      world,
      car,
      frame: { track, car: this.car, painted: new Uint8Array(track.tileCount) },
      visited: new Uint8Array(track.tileCount),
      paintedAt: new Int32Array(track.tileCount).fill(-1),
    };
    this.car.fill(0);
    this.t = 0;
    this.steps = 0;
    this.reward = 0;
    this.prevReward = 0;
    this.visitedCount = 0;
    this.actuatorStrength.fill(1);
    this.advance(null);
    return this.observation;
  }

  step(action: ArrayLike<number>): StepResult {
    if (action.length !== ACTION_SIZE) throw new RangeError(`racing action must have ${ACTION_SIZE} values (steer, gas, brake), got ${action.length}`);
    this.steps++;
    return this.advance(action);
  }

  /** One step; `null` is gym's `step(None)`: no controls, no step penalty, reward and done left at 0/false. */
  private advance(action: ArrayLike<number> | null): StepResult {
    const { world, car, frame } = this.episode();
    if (action) {
      const s = this.actuatorStrength;
      car.steer(-action[0]! * s[0]!);
      car.gas(action[1]! * s[1]!);
      car.brake(action[2]! * s[2]!);
    }
    car.step(DT);
    world.step(DT, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
    this.t += DT;
    car.writeState(this.car);
    this.car[TIME] = this.t;
    // gym draws the state before this step's penalty: the score digits show the reward without it.
    this.car[SCORE] = this.reward;
    this.observe(frame, this.observation);

    let stepReward = 0;
    let done = false;
    if (action) {
      this.reward -= STEP_PENALTY;
      stepReward = this.reward - this.prevReward;
      this.prevReward = this.reward;
      if (this.visitedCount === frame.track.tileCount) done = true;
      if (Math.abs(this.car[HULL_X]!) > PLAYFIELD || Math.abs(this.car[HULL_Y]!) > PLAYFIELD) {
        done = true;
        stepReward = OFF_PLAYFIELD_REWARD;
      }
    }
    let finite = true;
    for (let i = 0; i < CAR_FLOATS; i++) finite &&= Number.isFinite(this.car[i]!);
    this.rewards[0] = stepReward;
    this.result.done = done || !finite;
    this.result.finite = finite;
    return this.result;
  }

  /**
   * gym's FrictionDetector: any contact with a tile, starting or ending, paints it the plain road colour; a
   * wheel's first touch of a tile credits 1000/N, and the wheel grips as on road while it touches any tile.
   */
  private contact(contact: Contact, begin: boolean): void {
    const a = contact.getFixtureA().getUserData();
    const b = contact.getFixtureB().getUserData();
    const tile = typeof a === 'number' ? a : typeof b === 'number' ? b : -1;
    if (tile < 0) return;
    const other = (tile === a ? b : a) as WheelTag | undefined;
    const { car, frame, visited, paintedAt } = this.episode();
    if (!frame.painted[tile]) {
      frame.painted[tile] = 1;
      paintedAt[tile] = this.steps;
    }
    if (other?.wheel === undefined) return;
    if (!begin) {
      car.tilesTouched[other.wheel]!--;
      return;
    }
    car.tilesTouched[other.wheel]!++;
    if (visited[tile]) return;
    visited[tile] = 1;
    this.reward += TRACK_REWARD / frame.track.tileCount;
    this.visitedCount++;
  }

  /** Centre-line length of the tiles visited since the reset (each tile is one 3.5-unit step of the line). */
  forwardDistance(): number {
    return this.visitedCount * TRACK_DETAIL_STEP;
  }

  /** Hull and wheel poses in the plane z = 0, turned about z by their angles. */
  poses(out: Float32Array, offset = 0): void {
    const car = this.car;
    const write = (o: number, x: number, y: number, angle: number): void => {
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = 0;
      out[o + 3] = 0;
      out[o + 4] = 0;
      out[o + 5] = Math.sin(angle / 2);
      out[o + 6] = Math.cos(angle / 2);
    };
    write(offset, car[HULL_X]!, car[HULL_Y]!, car[HULL_ANGLE]!);
    for (let w = 0; w < WHEEL_COUNT; w++) {
      const c = WHEELS + w * WHEEL_FLOATS;
      write(offset + (w + 1) * POSE_FLOATS, car[c + WHEEL_X]!, car[c + WHEEL_Y]!, car[c + WHEEL_ANGLE]!);
    }
  }

  dispose(): void {
    this.current = undefined;
    this.disposed = true;
  }

  private episode(): Episode {
    if (!this.current) throw new Error(this.disposed ? 'racing env: used after dispose' : 'racing env: step before reset');
    return this.current;
  }
}

/** One static body per tile with one sensor fixture, its user data the tile's index. */
function addTiles(world: World, track: Track): void {
  const q = track.tiles;
  for (let i = 0; i < track.tileCount; i++) {
    const o = 8 * i;
    const corners = [0, 1, 2, 3].map((k) => ({ x: q[o + 2 * k]!, y: q[o + 2 * k + 1]! }));
    world.createBody().createFixture({ shape: new Polygon(corners), isSensor: true, userData: i });
  }
}
