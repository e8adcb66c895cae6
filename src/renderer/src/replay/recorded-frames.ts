/**
 * What every replay model reads off a recording frame by frame, whatever the body: the frame bounds, the policy
 * step, the running sum of one reward term, the applied action and the weight snapshot in force. Per-frame
 * accessors return views into the recording, never copies.
 *
 * Frame f is the state after env step f (frame 0: the reset state); env step s is policy step s − burnIn.
 */
import type { Recording } from '../../../core/rollout/lifetime';
import { WeightSnapshots, type SnapshotAt, type WeightFrames } from './snapshots';

export abstract class RecordedFrames implements WeightFrames {
  readonly frames: number;
  /** Σ of the summed reward term up to each frame (0 through the burn-in). */
  private readonly cumulative: Float64Array;
  /** The action of frame 0 (nothing was applied yet). */
  private readonly noAction: Float32Array;
  private readonly snapshots: WeightSnapshots;

  /** `term`: the reward term the replay sums (the quadruped's progress, the car's one reward). */
  protected constructor(readonly recording: Recording, term: number) {
    this.frames = recording.envSteps + 1;
    this.noAction = new Float32Array(recording.actionSize);
    this.snapshots = new WeightSnapshots(recording);
    const terms = recording.rewardTerms.length;
    this.cumulative = new Float64Array(this.frames);
    for (let f = 1; f < this.frames; f++) {
      const counted = f - 1 >= recording.burnIn ? recording.rewards[(f - 1) * terms + term]! : 0;
      this.cumulative[f] = this.cumulative[f - 1]! + counted;
    }
  }

  get layerSizes(): readonly number[] {
    return this.recording.layerSizes;
  }

  protected check(frame: number): void {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.frames) throw new RangeError(`frame must be an integer in [0, ${this.frames - 1}], got ${frame}`);
  }

  /** The policy step that chose the action of the step into this frame, or null for the reset frame and the burn-in. */
  policyStep(frame: number): number | null {
    this.check(frame);
    const t = frame - 1 - this.recording.burnIn;
    return t >= 0 ? t : null;
  }

  /** Σ of the summed term up to and including the step into this frame. */
  protected sumTo(frame: number): number {
    this.check(frame);
    return this.cumulative[frame]!;
  }

  /** The summed term earned by the step into this frame alone. */
  protected termAt(frame: number): number {
    return frame === 0 ? 0 : this.sumTo(frame) - this.sumTo(frame - 1);
  }

  /** The action applied in the step into this frame (zeros for frame 0; the burn-in's zero actions as recorded). */
  action(frame: number): Float32Array {
    this.check(frame);
    const n = this.recording.actionSize;
    return frame === 0 ? this.noAction : this.recording.actions.subarray((frame - 1) * n, frame * n);
  }

  /** Layer `l`'s matrix in every snapshot, in time order (views). */
  layerSnapshots(l: number): Float32Array[] {
    return this.snapshots.layer(l);
  }

  /** Which snapshot is in force at this frame (−1: none yet); cheap and allocation-free, for "did it change?". */
  snapshotIndex(frame: number): number {
    return this.snapshots.indexAt(this.policyStep(frame));
  }

  /**
   * The weight snapshot in force at this frame: the latest taken at or before its policy step, as one [out][in]
   * matrix view per layer; null before the first snapshot or when none were recorded.
   */
  weights(frame: number): SnapshotAt | null {
    return this.snapshots.at(this.snapshotIndex(frame));
  }
}
