/**
 * A hand-written racing driver that reads the car state, not pixels: aim at the centre-line point a few steps
 * ahead of the nearest one and steer toward it, holding a steady speed. It shows what the env rewards a competent
 * lap (tests) and drives the car through realistic contacts in the benchmarks; it is no learned policy.
 */
import type { RaceFrame } from './scene';
import { HULL_ANGLE, HULL_VX, HULL_VY, HULL_X, HULL_Y } from './scene';

/** Centre-line points searched forward from the last nearest one (the car never skips this many in a step). */
const SEARCH = 30;

export class CentreLineDriver {
  /** steer, gas, brake; rewritten by every `act`. */
  readonly action = new Float64Array(3);
  private nearest = 0;

  /**
   * @param lookAhead centre-line points (3.5 units each) between the nearest one and the aim
   * @param speed units/s below which it gives gas
   * @param gas the gas it gives then
   */
  constructor(
    private readonly lookAhead = 6,
    private readonly speed = 50,
    private readonly gas = 0.5,
  ) {}

  /** Forgets the last nearest point (a new episode). */
  reset(): void {
    this.nearest = 0;
  }

  act(frame: RaceFrame): Float64Array {
    const { track, car } = frame;
    const p = track.points;
    const n = track.tileCount;
    const x = car[HULL_X]!, y = car[HULL_Y]!, heading = car[HULL_ANGLE]!;
    let best = Infinity;
    for (let j = 0, from = this.nearest; j < SEARCH; j++) {
      const i = (from + j) % n;
      const ex = p[4 * i + 2]! - x, ey = p[4 * i + 3]! - y;
      const d = ex * ex + ey * ey;
      if (d < best) {
        best = d;
        this.nearest = i;
      }
    }
    const aim = (this.nearest + this.lookAhead) % n;
    const dx = p[4 * aim + 2]! - x, dy = p[4 * aim + 3]! - y;
    // The car's forward is its local +y, (−sin h, cos h); a positive error means the aim lies to the left, and a
    // positive steer action turns right.
    const fx = -Math.sin(heading), fy = Math.cos(heading);
    const error = Math.atan2(fx * dy - fy * dx, fx * dx + fy * dy);
    this.action[0] = Math.max(-1, Math.min(1, -2 * error));
    const vx = car[HULL_VX]!, vy = car[HULL_VY]!;
    this.action[1] = vx * vx + vy * vy < this.speed * this.speed ? this.gas : 0;
    this.action[2] = 0;
    return this.action;
  }
}
