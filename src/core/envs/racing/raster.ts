/**
 * Software rasteriser for CarRacing-v0's 96×96 state image (docs/METHOD.md#rasteriser), drawn only from a RaceFrame.
 * World → window (1000×800, y up) by the camera; window → state pixels by the squeezed viewport
 * (px = X·0.096, py = Y·0.12), rows flipped. Polygons are filled without anti-aliasing: a pixel is covered when
 * its centre lies inside, half-open in x and y (left/bottom inclusive), like GL's rule. Allocation-free per frame.
 */
import {
  GRASS_CHECK_COLOR, GRASS_COLOR, HULL_COLOR, HULL_POLYS, PLAYFIELD, ROAD_COLOR, SCALE, SIZE, STATE_H, STATE_W,
  WHEEL_COLOR, WHEEL_R, WHEEL_STRIPE_COLOR, WHEEL_W, WINDOW_H, WINDOW_W, ZOOM,
} from './constants';
import {
  HULL_ANGLE, HULL_OMEGA, HULL_VX, HULL_VY, HULL_X, HULL_Y, SCORE, TIME, WHEEL_ANGLE, WHEEL_FLOATS, WHEEL_JOINT_ANGLE,
  WHEEL_OMEGA, WHEEL_PHASE, WHEEL_X, WHEEL_Y, WHEELS, type RaceFrame,
} from './scene';

const SX = STATE_W / WINDOW_W; // 0.096
const SY = STATE_H / WINDOW_H; // 0.12
/** The HUD's grid in window units (gym's s and h). */
const HUD_S = WINDOW_W / 40;
const HUD_H = WINDOW_H / 40;

/** GL's float → 8-bit colour. */
export const to8 = (c: number): number => Math.round(c * 255);

/** The camera's zoom at t seconds after the reset. */
export const cameraZoom = (t: number): number => 0.1 * SCALE * Math.max(1 - t, 0) + ZOOM * SCALE * Math.min(t, 1);

/**
 * 3×5 digit glyphs (rows top to bottom, 3 bits each) for the score. Pyglet's 36-pt label (48 px em at 96 dpi) has
 * digits ≈ 35 window units tall and ≈ 27 apart; squeezed into the state that is ≈ 4 px × 2.6 px per digit, so a
 * 3×5 block font scaled to 20×35 window units gives the same few white pixels in the lower left (an approximation:
 * glyph shapes differ from the real font at this size).
 */
const GLYPHS: readonly (readonly number[])[] = [
  [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
  [0, 0, 7, 0, 0],
];
/** The glyph index of the minus sign (digits are their own index). */
export const MINUS = 10;
const DIGIT_ADVANCE = 27;
const DIGIT_W = 20;
const DIGIT_H = 35;

/**
 * The glyphs of "%04i" of the reward as Python formats it (truncation toward zero, the sign inside the width,
 * wider when the number needs it), written into `out`; returns how many. Allocation-free.
 */
export function scoreGlyphs(score: number, out: Uint8Array): number {
  const n = Math.trunc(score);
  const a = Math.abs(n);
  let digits = 1;
  while (digits < 16 && 10 ** digits <= a) digits++;
  const sign = n < 0 ? 1 : 0;
  const width = Math.max(4, sign + digits);
  if (sign) out[0] = MINUS;
  for (let d = sign; d < width; d++) out[d] = Math.floor(a / 10 ** (width - 1 - d)) % 10;
  return width;
}

export class Rasteriser {
  /** The state image, HWC uint8, row 0 = top. */
  readonly image = new Uint8Array(STATE_W * STATE_H * 3);
  // Pixel-space polygon scratch (at most 8 vertices).
  private readonly px = new Float64Array(8);
  private readonly py = new Float64Array(8);
  private cos = 1;
  private sin = 0;
  private zoom = 1;
  private tx = 0;
  private ty = 0;
  private readonly glyphs = new Uint8Array(16);
  private r = 0;
  private g = 0;
  private b = 0;

  render(frame: RaceFrame): Uint8Array {
    const car = frame.car;
    const t = car[TIME]!;
    const zoom = cameraZoom(t);
    const vx = car[HULL_VX]!, vy = car[HULL_VY]!;
    const angle = Math.hypot(vx, vy) > 0.5 ? Math.atan2(vx, vy) : -car[HULL_ANGLE]!;
    const c = Math.cos(angle), s = Math.sin(angle);
    const sx = car[HULL_X]!, sy = car[HULL_Y]!;
    this.cos = c; this.sin = s; this.zoom = zoom;
    this.tx = WINDOW_W / 2 - (sx * zoom * c - sy * zoom * s);
    this.ty = WINDOW_H / 4 - (sx * zoom * s + sy * zoom * c);

    this.image.fill(0);
    const P = PLAYFIELD;
    this.colour(GRASS_COLOR[0], GRASS_COLOR[1], GRASS_COLOR[2]);
    this.worldRect(-P, -P, P, P);
    this.colour(GRASS_CHECK_COLOR[0], GRASS_CHECK_COLOR[1], GRASS_CHECK_COLOR[2]);
    const k = PLAYFIELD / 20;
    for (let x = -20; x < 20; x += 2) for (let y = -20; y < 20; y += 2) this.worldRect(k * x, k * y, k * x + k, k * y + k);

    const track = frame.track;
    for (let i = 0; i < track.tileCount; i++) {
      if (frame.painted[i]) this.colour(ROAD_COLOR[0], ROAD_COLOR[1], ROAD_COLOR[2]);
      else this.colour(track.tileColours[3 * i]!, track.tileColours[3 * i + 1]!, track.tileColours[3 * i + 2]!);
      this.worldQuad(track.tiles, 8 * i);
    }
    for (let i = 0; i < track.kerbCount; i++) {
      this.colour(track.kerbColours[3 * i]!, track.kerbColours[3 * i + 1]!, track.kerbColours[3 * i + 2]!);
      this.worldQuad(track.kerbs, 8 * i);
    }
    for (let w = 0; w < 4; w++) this.wheel(car, WHEELS + w * WHEEL_FLOATS);
    this.colour(HULL_COLOR[0], HULL_COLOR[1], HULL_COLOR[2]);
    const hc = Math.cos(car[HULL_ANGLE]!), hs = Math.sin(car[HULL_ANGLE]!);
    for (const poly of HULL_POLYS) {
      for (let j = 0; j < poly.length; j++) {
        const lx = poly[j]![0] * SIZE, ly = poly[j]![1] * SIZE;
        this.worldVertex(j, sx + hc * lx - hs * ly, sy + hs * lx + hc * ly);
      }
      this.fill(poly.length);
    }
    this.hud(car);
    return this.image;
  }

  private colour(r: number, g: number, b: number): void {
    this.r = to8(r); this.g = to8(g); this.b = to8(b);
  }

  /** Vertex j from world coordinates through the camera into pixel space (y up). */
  private worldVertex(j: number, x: number, y: number): void {
    const zx = x * this.zoom, zy = y * this.zoom;
    this.px[j] = (this.cos * zx - this.sin * zy + this.tx) * SX;
    this.py[j] = (this.sin * zx + this.cos * zy + this.ty) * SY;
  }

  private worldRect(x0: number, y0: number, x1: number, y1: number): void {
    this.worldVertex(0, x1, y0); this.worldVertex(1, x0, y0); this.worldVertex(2, x0, y1); this.worldVertex(3, x1, y1);
    this.fill(4);
  }

  private worldQuad(quads: Float64Array, o: number): void {
    for (let j = 0; j < 4; j++) this.worldVertex(j, quads[o + 2 * j]!, quads[o + 2 * j + 1]!);
    this.fill(4);
  }

  /** A wheel: black quad, then gym's rotating stripe (car_dynamics.draw) when its phase shows it. */
  private wheel(car: Float64Array, o: number): void {
    const x = car[o + WHEEL_X]!, y = car[o + WHEEL_Y]!;
    const c = Math.cos(car[o + WHEEL_ANGLE]!), s = Math.sin(car[o + WHEEL_ANGLE]!);
    const hw = WHEEL_W * SIZE, hr = WHEEL_R * SIZE;
    this.colour(WHEEL_COLOR[0], WHEEL_COLOR[1], WHEEL_COLOR[2]);
    this.localQuad(x, y, c, s, -hw, hr, hw, -hr);
    const a1 = car[o + WHEEL_PHASE]!, a2 = a1 + 1.2;
    const s1 = Math.sin(a1), s2 = Math.sin(a2);
    let c1 = Math.cos(a1), c2 = Math.cos(a2);
    if (s1 > 0 && s2 > 0) return;
    if (s1 > 0) c1 = Math.sign(c1);
    if (s2 > 0) c2 = Math.sign(c2);
    this.colour(WHEEL_STRIPE_COLOR[0], WHEEL_STRIPE_COLOR[1], WHEEL_STRIPE_COLOR[2]);
    this.localQuad(x, y, c, s, -hw, hr * c1, hw, hr * c2);
  }

  /** Quad (lx0,ly0),(lx1,ly0),(lx1,ly1),(lx0,ly1) in a body frame at (x, y) rotated by (c, s). */
  private localQuad(x: number, y: number, c: number, s: number, lx0: number, ly0: number, lx1: number, ly1: number): void {
    this.worldVertex(0, x + c * lx0 - s * ly0, y + s * lx0 + c * ly0);
    this.worldVertex(1, x + c * lx1 - s * ly0, y + s * lx1 + c * ly0);
    this.worldVertex(2, x + c * lx1 - s * ly1, y + s * lx1 + c * ly1);
    this.worldVertex(3, x + c * lx0 - s * ly1, y + s * lx0 + c * ly1);
    this.fill(4);
  }

  /** Window-coordinate rectangle (HUD), untransformed. */
  private windowRect(x0: number, y0: number, x1: number, y1: number): void {
    const ax = Math.min(x0, x1) * SX, bx = Math.max(x0, x1) * SX, ay = Math.min(y0, y1) * SY, by = Math.max(y0, y1) * SY;
    this.px[0] = ax; this.py[0] = ay; this.px[1] = bx; this.py[1] = ay;
    this.px[2] = bx; this.py[2] = by; this.px[3] = ax; this.py[3] = by;
    this.fill(4);
  }

  private hud(car: Float64Array): void {
    this.colour(0, 0, 0);
    this.windowRect(0, 0, WINDOW_W, 5 * HUD_H);
    this.colour(1, 1, 1);
    this.verticalBar(5, 0.02 * Math.hypot(car[HULL_VX]!, car[HULL_VY]!));
    this.colour(0, 0, 1);
    this.verticalBar(7, 0.01 * car[WHEELS + WHEEL_OMEGA]!);
    this.verticalBar(8, 0.01 * car[WHEELS + WHEEL_FLOATS + WHEEL_OMEGA]!);
    this.colour(0.2, 0, 1);
    this.verticalBar(9, 0.01 * car[WHEELS + 2 * WHEEL_FLOATS + WHEEL_OMEGA]!);
    this.verticalBar(10, 0.01 * car[WHEELS + 3 * WHEEL_FLOATS + WHEEL_OMEGA]!);
    this.colour(0, 1, 0);
    this.horizontalBar(20, -10 * car[WHEELS + WHEEL_JOINT_ANGLE]!);
    this.colour(1, 0, 0);
    this.horizontalBar(30, -0.8 * car[HULL_OMEGA]!);
    this.score(car[SCORE]!);
  }

  /** gym's vertical_ind: a bar at column `place` (in HUD_S units) rising from y = HUD_H by HUD_H·val. */
  private verticalBar(place: number, val: number): void {
    this.windowRect(place * HUD_S, HUD_H, (place + 1) * HUD_S, HUD_H + HUD_H * val);
  }

  /** gym's horiz_ind: a bar from column `place` (in HUD_S units), val columns long, between 2·HUD_H and 4·HUD_H. */
  private horizontalBar(place: number, val: number): void {
    this.windowRect(place * HUD_S, 2 * HUD_H, (place + val) * HUD_S, 4 * HUD_H);
  }

  private score(score: number): void {
    this.colour(1, 1, 1);
    const cell = DIGIT_W / 3, row = DIGIT_H / 5, top = 50 + DIGIT_H / 2;
    const count = scoreGlyphs(score, this.glyphs);
    for (let d = 0; d < count; d++) {
      const glyph = GLYPHS[this.glyphs[d]!]!;
      const x0 = 20 + d * DIGIT_ADVANCE;
      for (let r = 0; r < 5; r++) for (let b = 0; b < 3; b++) {
        if (glyph[r]! & (4 >> b)) this.windowRect(x0 + b * cell, top - (r + 1) * row, x0 + (b + 1) * cell, top - r * row);
      }
    }
  }

  /**
   * Fills the convex polygon of n pixel-space vertices (px, py; y up). Row j's centre line y = j + 0.5 meets edges
   * half-open in y; pixel i is inside when xl ≤ i + 0.5 < xr. Off-screen polygons cost only the bounding box test.
   */
  private fill(n: number): void {
    const px = this.px, py = this.py;
    let ymin = Infinity, ymax = -Infinity, xmin = Infinity, xmax = -Infinity;
    for (let j = 0; j < n; j++) {
      const x = px[j]!, y = py[j]!;
      if (y < ymin) ymin = y; if (y > ymax) ymax = y;
      if (x < xmin) xmin = x; if (x > xmax) xmax = x;
    }
    if (xmax <= 0 || xmin >= STATE_W || ymax <= 0 || ymin >= STATE_H) return;
    const j0 = Math.max(0, Math.ceil(ymin - 0.5)), j1 = Math.min(STATE_H - 1, Math.ceil(ymax - 0.5) - 1);
    const img = this.image, r = this.r, g = this.g, b = this.b;
    for (let j = j0; j <= j1; j++) {
      const yc = j + 0.5;
      let xl = Infinity, xr = -Infinity;
      for (let e = 0; e < n; e++) {
        const x0 = px[e]!, y0 = py[e]!, x1 = px[(e + 1) % n]!, y1 = py[(e + 1) % n]!;
        if ((y0 <= yc && yc < y1) || (y1 <= yc && yc < y0)) {
          const x = x0 + ((yc - y0) * (x1 - x0)) / (y1 - y0);
          if (x < xl) xl = x; if (x > xr) xr = x;
        }
      }
      const i0 = Math.max(0, Math.ceil(xl - 0.5)), i1 = Math.min(STATE_W - 1, Math.ceil(xr - 0.5) - 1);
      let o = ((STATE_H - 1 - j) * STATE_W + i0) * 3;
      for (let i = i0; i <= i1; i++, o += 3) { img[o] = r; img[o + 1] = g; img[o + 2] = b; }
    }
  }
}
