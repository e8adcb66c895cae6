/**
 * The replay model of a recorded car lifetime (parse → model; the 2-D track scene, the network's view and the
 * panel sit on top): the track rebuilt from the recording seed, and per frame the car state and painted tiles (as
 * the RaceFrame the rasteriser draws), the hull's path, the score, the applied steer / gas / brake, the tiles
 * touched so far, the weight snapshot in force and the damage windows. DOM-free.
 *
 * Frame f is the state after env step f (frame 0: the reset step's state); policy step t = f − 1 (the car has no
 * burn-in) chose the action of the step into frame f from the picture of frame f − 1.
 */
import { recordedFrame, recordedTrack } from '../../../core/envs/racing/replay-frame';
import { HULL_ANGLE, HULL_VX, HULL_VY, HULL_X, HULL_Y, type RaceFrame, type Track } from '../../../core/envs/racing/scene';
import type { DamageEvent } from '../../../core/rollout/damage';
import type { CarTrace, Recording } from '../../../core/rollout/lifetime';
import { damageWindows, type DamageWindow } from './model';
import { RecordedFrames } from './recorded-frames';

/** The car's actions, in action order. */
export const CAR_ACTION_LABELS = ['steer', 'gas', 'brake'] as const;

export interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export class CarReplay extends RecordedFrames {
  readonly track: Track;
  readonly trace: CarTrace;
  readonly damage: readonly DamageWindow[];
  /** Hull centre (x, y) per frame. */
  readonly path: Float64Array;
  /** The box holding the track's tiles and the car's whole path (world units). */
  readonly bounds: Bounds;
  /** Tiles painted (touched) by each frame. */
  private readonly touched: Int32Array;
  /** The frame handed out by `raceFrame`, rewritten on every call. */
  private scratch: RaceFrame | undefined;

  private constructor(recording: Recording, trace: CarTrace, damage: readonly DamageEvent[]) {
    super(recording, 0); // the car's one reward term
    this.trace = trace;
    this.track = recordedTrack(trace);
    if (trace.paintedAt.length !== this.track.tileCount) {
      throw new Error(`the recording's ${trace.paintedAt.length} tiles are not its track's ${this.track.tileCount}: was it recorded by another version of the track generator?`);
    }
    if (trace.carStates.length !== this.frames * trace.carFloats) throw new Error(`the car trace holds ${trace.carStates.length / trace.carFloats} frames, the recording ${this.frames}`);
    this.damage = damageWindows(damage, recording.burnIn, this.frames);

    this.touched = new Int32Array(this.frames);
    for (const at of trace.paintedAt) if (at >= 0 && at < this.frames) this.touched[at]!++;
    for (let f = 1; f < this.frames; f++) this.touched[f]! += this.touched[f - 1]!;

    this.path = new Float64Array(2 * this.frames);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const grow = (x: number, y: number): void => {
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    };
    for (let f = 0; f < this.frames; f++) {
      const o = f * trace.carFloats;
      this.path[2 * f] = trace.carStates[o + HULL_X]!;
      this.path[2 * f + 1] = trace.carStates[o + HULL_Y]!;
      grow(this.path[2 * f]!, this.path[2 * f + 1]!);
    }
    const tiles = this.track.tiles;
    for (let i = 0; i < tiles.length; i += 2) grow(tiles[i]!, tiles[i + 1]!);
    this.bounds = { minX, minY, maxX, maxY };
  }

  /** Builds the model of a car recording (one with a trace); a quadruped's is refused. */
  static from(recording: Recording, damage: readonly DamageEvent[] = []): CarReplay {
    if (!recording.car) throw new Error('this recording is not a car episode (it has no car trace)');
    return new CarReplay(recording, recording.car, damage);
  }

  /** What the rasteriser draws frame f from: the same object every call (its buffers rewritten), so no allocation. */
  raceFrame(frame: number): RaceFrame {
    this.scratch = recordedFrame(this.track, this.trace, frame, this.scratch);
    return this.scratch;
  }

  /** The car state at frame f (a view: layout in core/envs/racing/scene). */
  car(frame: number): Float64Array {
    this.check(frame);
    const n = this.trace.carFloats;
    return this.trace.carStates.subarray(frame * n, (frame + 1) * n);
  }

  /** Whether tile i had been touched (painted) by frame f. */
  painted(tile: number, frame: number): boolean {
    const at = this.trace.paintedAt[tile]!;
    return at >= 0 && at <= frame;
  }

  /** Tiles touched by frame f. */
  tilesTouched(frame: number): number {
    this.check(frame);
    return this.touched[frame]!;
  }

  /** Σ reward up to and including the step into this frame (the episode's score). */
  score(frame: number): number {
    return this.sumTo(frame);
  }

  /** The reward of the step into this frame alone. */
  stepReward(frame: number): number {
    return this.termAt(frame);
  }

  /** Hull speed (world units per second) and heading (radians) at frame f. */
  speed(frame: number): number {
    const c = this.car(frame);
    return Math.hypot(c[HULL_VX]!, c[HULL_VY]!);
  }

  heading(frame: number): number {
    return this.car(frame)[HULL_ANGLE]!;
  }
}
