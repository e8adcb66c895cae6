/**
 * A recording's weight snapshots by policy step, shared by the quadruped's and the car's replay models: which
 * snapshot is in force at a step, its layers as [out][in] views, one layer over the whole lifetime. DOM-free;
 * every accessor returns views into the recording, never copies.
 */
import type { Recording } from '../../../core/rollout/lifetime';

export interface SnapshotAt {
  /** The policy step the snapshot was taken at. */
  readonly step: number;
  /** One [out][in] matrix view per layer. */
  readonly layers: Float32Array[];
}

/** What the heat-maps read from a replay model: the layer sizes and the snapshot in force at a frame. */
export interface WeightFrames {
  /** The network's layer sizes, input first. */
  readonly layerSizes: readonly number[];
  layerSnapshots(l: number): Float32Array[];
  /** The index of the snapshot in force at the frame (−1: none yet); cheap, for "did it change?". */
  snapshotIndex(frame: number): number;
  weights(frame: number): SnapshotAt | null;
}

export class WeightSnapshots {
  constructor(private readonly recording: Recording) {}

  /** Layer `l`'s matrix in every snapshot, in time order (views). */
  layer(l: number): Float32Array[] {
    const sizes = this.recording.layerSizes;
    if (!Number.isInteger(l) || l < 0 || l >= sizes.length - 1) throw new RangeError(`layer must be in [0, ${sizes.length - 2}], got ${l}`);
    let offset = 0;
    for (let k = 0; k < l; k++) offset += sizes[k + 1]! * sizes[k]!;
    const n = sizes[l + 1]! * sizes[l]!;
    return Array.from(this.recording.weightSteps, (_, s) => {
      const at = s * this.recording.synapses + offset;
      return this.recording.weights.subarray(at, at + n);
    });
  }

  /** The latest snapshot taken at or before policy step `t` (binary search); −1 for none or t = null. */
  indexAt(t: number | null): number {
    const steps = this.recording.weightSteps;
    if (t === null || steps.length === 0 || steps[0]! > t) return -1;
    let lo = 0;
    let hi = steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Snapshot `index` as one view per layer; null for −1. */
  at(index: number): SnapshotAt | null {
    if (index < 0) return null;
    const sizes = this.recording.layerSizes;
    const layers: Float32Array[] = [];
    let at = index * this.recording.synapses;
    for (let l = 1; l < sizes.length; l++) {
      const n = sizes[l]! * sizes[l - 1]!;
      layers.push(this.recording.weights.subarray(at, at + n));
      at += n;
    }
    return { step: this.recording.weightSteps[index]!, layers };
  }
}
