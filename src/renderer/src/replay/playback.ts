/**
 * The replay clock: which frame to show as wall time passes, at a speed, with loop or stop at the end. Plain
 * state, no DOM, so the timeline logic is unit-tested apart from the viewport.
 */

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 4;

export class Playback {
  /** Fractional frame position; `frame` is its floor. */
  private position = 0;
  playing = false;
  loop = true;
  private rate = 1;

  /**
   * @param frames how many frames the episode has (frame 0 = the reset pose)
   * @param frameSeconds simulated seconds between frames, so speed 1 is real time
   */
  constructor(readonly frames: number, readonly frameSeconds: number) {
    if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`);
    if (!(frameSeconds > 0)) throw new RangeError(`frameSeconds must be positive, got ${frameSeconds}`);
  }

  get frame(): number {
    return Math.floor(this.position);
  }

  get last(): number {
    return this.frames - 1;
  }

  get speed(): number {
    return this.rate;
  }

  /** Clamped to [0.1, 4]; a non-number leaves the speed as it was. */
  set speed(s: number) {
    if (Number.isFinite(s)) this.rate = Math.min(MAX_SPEED, Math.max(MIN_SPEED, s));
  }

  seek(frame: number): number {
    this.position = Math.min(this.last, Math.max(0, Math.round(Number.isFinite(frame) ? frame : 0)));
    return this.frame;
  }

  /** One frame forward or back (pauses, like a player's step buttons). */
  step(by: number): number {
    this.playing = false;
    return this.seek(this.frame + by);
  }

  /** Play from the start when at the end, so the play button always does something. */
  play(): void {
    if (this.frame >= this.last) this.position = 0;
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  /** Advances by `ms` of wall time; returns the frame to show. */
  advance(ms: number): number {
    if (!this.playing || !(ms > 0)) return this.frame;
    const next = this.position + (ms / 1000 / this.frameSeconds) * this.rate;
    if (next <= this.last) {
      this.position = next;
    } else if (this.loop && this.frames > 1) {
      this.position = next % this.frames;
    } else {
      this.position = this.last;
      this.playing = false;
    }
    return this.frame;
  }
}
