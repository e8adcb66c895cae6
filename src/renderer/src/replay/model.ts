/**
 * The replay model of a recorded lifetime (parse → model; the Babylon scene and the Vue panels sit on top): the
 * body's shapes from the episode's MJCF, and per frame the poses, the policy step, cumulative progress, the
 * applied actions, foot contacts, the weight snapshot in force and the damage windows. DOM- and GPU-free; every
 * per-frame accessor returns a view into the recording, never a copy of its data.
 *
 * Frame f is the state after env step f (frame 0: the reset pose); env step s is policy step s − burnIn.
 */
import { parseMjcf } from '../../../core/morphology/mjcf';
import { bodies, type Morphology, type Vec3 } from '../../../core/morphology/model';
import { findLegs, LEG_ORDER } from '../../../core/morphology/anatomy';
import { describeDamageEvent, type DamageEvent } from '../../../core/rollout/damage';
import type { Recording } from '../../../core/rollout/lifetime';
import { RecordedFrames } from './recorded-frames';

const POSE = 7;

export interface ReplayShape {
  /** Index into the recording's bodies (pose order). */
  readonly body: number;
  readonly kind: 'capsule' | 'sphere';
  readonly radius: number;
  /** In the body frame; a sphere has from = to = its centre. */
  readonly from: Vec3;
  readonly to: Vec3;
}

/** A damage event as a span of frames, for marking the timeline. */
export interface DamageWindow {
  readonly kind: DamageEvent['kind'];
  /** The event in words ("actuators held at 1.0, t 300–400"). */
  readonly label: string;
  readonly fromFrame: number;
  /** Exclusive; for events that last to the end, the frame count. */
  readonly toFrame: number;
}

/**
 * Damage events as spans of frames: policy step t acts in the step into frame t + burnIn + 1; an event without an
 * end lasts to the last frame, a weight zeroing marks the one frame it happens in.
 */
export function damageWindows(damage: readonly DamageEvent[], burnIn: number, frames: number): DamageWindow[] {
  const frameOf = (t: number): number => Math.min(frames, t + burnIn + 1);
  return damage.map((e): DamageWindow => {
    const label = describeDamageEvent(e);
    switch (e.kind) {
      case 'freezeActuators':
        return { kind: e.kind, label, fromFrame: frameOf(e.from), toFrame: frameOf(e.to) };
      case 'zeroWeights':
        return { kind: e.kind, label, fromFrame: frameOf(e.at), toFrame: frameOf(e.at) + 1 };
      default:
        return { kind: e.kind, label, fromFrame: frameOf(e.at), toFrame: frames };
    }
  });
}

/** A morphology's shapes, per body in `bodies()` (pose) order. */
export function shapesOf(m: Morphology): ReplayShape[] {
  return bodies(m).flatMap((b, body) =>
    b.geoms.map((g): ReplayShape => (g.type === 'capsule'
      ? { body, kind: 'capsule', radius: g.radius, from: g.from, to: g.to }
      : { body, kind: 'sphere', radius: g.radius, from: g.pos, to: g.pos })));
}

/** The body's pose as written in its MJCF (the reset pose before randomisation): frames at rest, unrotated. */
export function restPoses(m: Morphology): Float32Array {
  const list = bodies(m);
  const poses = new Float32Array(list.length * POSE);
  const at = new Map<string, readonly number[]>();
  const visit = (b: (typeof list)[number], parent: readonly number[]): void => {
    const p = [parent[0]! + b.pos[0], parent[1]! + b.pos[1], parent[2]! + b.pos[2]];
    at.set(b.name, p);
    b.children.forEach((c) => visit(c, p));
  };
  visit(m.root, [0, 0, 0]);
  list.forEach((b, i) => poses.set([...at.get(b.name)!, 0, 0, 0, 1], i * POSE));
  return poses;
}

/** Body indices of the ant's feet in `bodies()` order, in contact-flag order (−1 where the body has no such leg). */
export function feetOf(m: Morphology): number[] {
  const list = bodies(m);
  const { legs } = findLegs(m);
  return LEG_ORDER.map((label) => {
    const leg = legs.find((l) => l.label === label);
    return leg ? list.indexOf(leg.foot) : -1;
  });
}

/**
 * What each action drives, in action order: the legs front left, front right, back left, back right, hip then
 * ankle (the ant's interface), named by quadrant and joint ("front left hip · hip_1"); "action i" past the legs found.
 */
export function actionLabels(m: Morphology, actionSize: number): string[] {
  const { legs } = findLegs(m);
  const named = LEG_ORDER.flatMap((label) => {
    const leg = legs.find((l) => l.label === label);
    return leg ? [`${label} hip · ${leg.hip.joint!.name}`, `${label} ankle · ${leg.foot.joint!.name}`] : [];
  });
  return Array.from({ length: actionSize }, (_, i) => named[i] ?? `action ${i}`);
}

export class Replay extends RecordedFrames {
  /** What each action drives, in action order (`actionLabels`). */
  readonly actionLabels: readonly string[];
  readonly shapes: readonly ReplayShape[];
  readonly damage: readonly DamageWindow[];
  /** The body index of each foot-contact flag, in `contacts()` order (−1 where the body has no such foot). */
  readonly feet: readonly number[];

  private constructor(recording: Recording, shapes: ReplayShape[], feet: number[], damage: DamageWindow[], fitnessTerm: number, labels: string[]) {
    super(recording, fitnessTerm);
    this.actionLabels = labels;
    this.shapes = shapes;
    this.damage = damage;
    this.feet = feet;
  }

  /** Builds the model; the MJCF must describe the recording's bodies (same names, same order). */
  static from(recording: Recording, mjcf: string, damage: readonly DamageEvent[] = [], fitnessTerm = recording.rewardTerms.indexOf('progress')): Replay {
    const morphology = parseMjcf(mjcf);
    const names = bodies(morphology).map((b) => b.name);
    if (names.join(',') !== recording.bodyNames.join(',')) {
      throw new Error(`the MJCF's bodies [${names.join(', ')}] are not the recording's [${recording.bodyNames.join(', ')}]`);
    }
    const shapes = shapesOf(morphology);
    const windows = damageWindows(damage, recording.burnIn, recording.envSteps + 1);
    return new Replay(recording, shapes, feetOf(morphology), windows, Math.max(0, fitnessTerm), actionLabels(morphology, recording.actionSize));
  }

  /** Every body's (x, y, z, qx, qy, qz, qw) at `frame`, in recording body order. */
  poses(frame: number): Float32Array {
    this.check(frame);
    const n = this.recording.bodyNames.length * POSE;
    return this.recording.poses.subarray(frame * n, (frame + 1) * n);
  }

  /** (x, y, z, qx, qy, qz, qw) of `body` at `frame`. */
  pose(frame: number, body: number): Float32Array {
    this.check(frame);
    const o = (frame * this.recording.bodyNames.length + body) * POSE;
    return this.recording.poses.subarray(o, o + POSE);
  }

  /** Σ fitness term (progress) up to and including the step into this frame. */
  progress(frame: number): number {
    return this.sumTo(frame);
  }

  /** The fitness term (progress) earned by the step into this frame alone. */
  stepProgress(frame: number): number {
    return this.termAt(frame);
  }

  /** The observed foot-contact flags at this frame (the last `feet` entries of the observation). */
  contacts(frame: number, feet = this.feet.length): Float32Array {
    this.check(frame);
    const n = this.recording.observationSize;
    return this.recording.observations.subarray((frame + 1) * n - feet, (frame + 1) * n);
  }
}
