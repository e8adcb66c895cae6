/**
 * The car's track from above on a 2-D canvas (no Babylon; create / dispose like BodyScene): grass, the road tiles
 * (touched ones in another colour), kerbs, the start line, the hull's path so far and the car — hull polygons and
 * wheels at their recorded pose, with a ring around it while the whole track is shown. "Follow" zooms onto the
 * car instead. World y is up, as in the env. The static layer of the whole-track view is drawn once per canvas
 * size; a frame then costs the touched tiles, the path and the car. Draws only when asked (a frame or a resize).
 */
import { GRASS_CHECK_COLOR, GRASS_COLOR, HULL_COLOR, HULL_POLYS, PLAYFIELD, SIZE, WHEEL_R, WHEEL_W } from '../../../core/envs/racing/constants';
import { HULL_ANGLE, HULL_X, HULL_Y, WHEEL_ANGLE, WHEEL_FLOATS, WHEEL_X, WHEEL_Y, WHEELS } from '../../../core/envs/racing/scene';
import type { CarReplay } from './car-model';

const css = (c: readonly number[]): string => `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`;

/** The colours of the view, also shown in its legend. */
export const TRACK_COLOURS = {
  grass: css(GRASS_COLOR),
  check: css(GRASS_CHECK_COLOR),
  road: 'rgb(102,102,102)',
  touched: 'rgb(79,134,217)',
  path: 'rgb(255,211,61)',
  car: css(HULL_COLOR),
} as const;

/** World units across the canvas when following the car. */
const FOLLOW_SPAN = 70;
/** World units of margin around the track in the whole-track view. */
const MARGIN = 20;
/** The scale bar's length (world units). */
const BAR = 50;

interface View {
  /** Screen px (CSS) per world unit. */
  readonly k: number;
  /** Where world (0, 0) lands, CSS px. */
  readonly ox: number;
  readonly oy: number;
}

export class TrackScene {
  /** Zoom onto the car (true) or show the whole track. */
  follow = false;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cache = document.createElement('canvas');
  private cacheKey = '';
  private readonly observer: ResizeObserver;
  private frame = 0;
  private width = 0;
  private height = 0;
  private dpr = 1;

  private constructor(private readonly canvas: HTMLCanvasElement, private readonly replay: CarReplay) {
    this.ctx = canvas.getContext('2d')!;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(canvas);
    this.resize();
  }

  static create(canvas: HTMLCanvasElement, replay: CarReplay): TrackScene {
    return new TrackScene(canvas, replay);
  }

  dispose(): void {
    this.observer.disconnect();
    this.cache.width = this.cache.height = 0;
  }

  /** The current world → canvas mapping as "k,ox,oy" (CSS px per unit; where the origin lands), for tests. */
  get transform(): string {
    const v = this.view();
    return `${v.k.toFixed(4)},${v.ox.toFixed(2)},${v.oy.toFixed(2)}`;
  }

  show(frame: number): void {
    this.frame = frame;
    this.draw();
  }

  private resize(): void {
    this.dpr = window.devicePixelRatio || 1;
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.canvas.width = Math.max(1, Math.round(this.width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(this.height * this.dpr));
    this.draw();
  }

  private view(): View {
    const { width: w, height: h } = this;
    if (this.follow) {
      const car = this.replay.car(this.frame);
      const k = w / FOLLOW_SPAN;
      return { k, ox: w / 2 - k * car[HULL_X]!, oy: h / 2 + k * car[HULL_Y]! };
    }
    const b = this.replay.bounds;
    const k = Math.min(w / (b.maxX - b.minX + 2 * MARGIN), h / (b.maxY - b.minY + 2 * MARGIN));
    return { k, ox: w / 2 - (k * (b.minX + b.maxX)) / 2, oy: h / 2 + (k * (b.minY + b.maxY)) / 2 };
  }

  /** Draws in world units from here on. */
  private toWorldUnits(ctx: CanvasRenderingContext2D, v: View): void {
    const d = this.dpr;
    ctx.setTransform(v.k * d, 0, 0, -v.k * d, v.ox * d, v.oy * d);
  }

  private draw(): void {
    if (this.width === 0 || this.height === 0) return;
    const ctx = this.ctx;
    const v = this.view();
    if (this.follow) {
      this.drawStatic(ctx, v);
    } else {
      const key = `${this.canvas.width}x${this.canvas.height}`;
      if (key !== this.cacheKey) {
        this.cache.width = this.canvas.width;
        this.cache.height = this.canvas.height;
        this.drawStatic(this.cache.getContext('2d')!, v);
        this.cacheKey = key;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.cache, 0, 0);
    }
    this.toWorldUnits(ctx, v);
    this.drawTouched(ctx, v);
    this.drawStartLine(ctx, v);
    this.drawPath(ctx, v);
    this.drawCar(ctx, v);
    this.drawScaleBar(ctx, v);
  }

  /** Grass with its checks, the untouched road, kerbs and the start line. */
  private drawStatic(ctx: CanvasRenderingContext2D, v: View): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#0d1117';
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    this.toWorldUnits(ctx, v);
    const P = PLAYFIELD;
    ctx.fillStyle = TRACK_COLOURS.grass;
    ctx.fillRect(-P, -P, 2 * P, 2 * P);
    ctx.fillStyle = TRACK_COLOURS.check;
    const k = P / 20;
    for (let x = -20; x < 20; x += 2) for (let y = -20; y < 20; y += 2) ctx.fillRect(k * x, k * y, k, k);
    const track = this.replay.track;
    this.tileStyle(ctx, TRACK_COLOURS.road, v);
    for (let i = 0; i < track.tileCount; i++) this.quad(ctx, track.tiles, 8 * i, true);
    for (let i = 0; i < track.kerbCount; i++) {
      const c = track.kerbColours;
      ctx.fillStyle = css([c[3 * i]!, c[3 * i + 1]!, c[3 * i + 2]!]);
      this.quad(ctx, track.kerbs, 8 * i);
    }
  }

  /** One quad; `seal` also strokes it in its own colour, so anti-aliasing leaves no seams between adjacent tiles. */
  private quad(ctx: CanvasRenderingContext2D, q: Float64Array, o: number, seal = false): void {
    ctx.beginPath();
    ctx.moveTo(q[o]!, q[o + 1]!);
    for (let j = 1; j < 4; j++) ctx.lineTo(q[o + 2 * j]!, q[o + 2 * j + 1]!);
    ctx.closePath();
    ctx.fill();
    if (seal) ctx.stroke();
  }

  /** Fill and seam stroke in one colour, the stroke a pixel wide at the view's scale. */
  private tileStyle(ctx: CanvasRenderingContext2D, colour: string, v: View): void {
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1 / v.k;
  }

  private drawTouched(ctx: CanvasRenderingContext2D, v: View): void {
    const r = this.replay;
    this.tileStyle(ctx, TRACK_COLOURS.touched, v);
    for (let i = 0; i < r.track.tileCount; i++) if (r.painted(i, this.frame)) this.quad(ctx, r.track.tiles, 8 * i, true);
  }

  /** Tile 0's leading edge (its first two corners), over the touched tiles that would hide it. */
  private drawStartLine(ctx: CanvasRenderingContext2D, v: View): void {
    const t = this.replay.track.tiles;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 3 / v.k;
    ctx.beginPath();
    ctx.moveTo(t[0]!, t[1]!);
    ctx.lineTo(t[2]!, t[3]!);
    ctx.stroke();
  }

  private drawPath(ctx: CanvasRenderingContext2D, v: View): void {
    const p = this.replay.path;
    ctx.strokeStyle = TRACK_COLOURS.path;
    ctx.lineWidth = 2 / v.k;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(p[0]!, p[1]!);
    for (let f = 1; f <= this.frame; f++) ctx.lineTo(p[2 * f]!, p[2 * f + 1]!);
    ctx.stroke();
  }

  /** Wheels, then the hull's four polygons (as the env's rasteriser draws them), at the recorded pose. */
  private drawCar(ctx: CanvasRenderingContext2D, v: View): void {
    const car = this.replay.car(this.frame);
    const hw = WHEEL_W * SIZE, hr = WHEEL_R * SIZE;
    ctx.fillStyle = '#000000';
    for (let w = 0; w < 4; w++) {
      const o = WHEELS + w * WHEEL_FLOATS;
      ctx.save();
      ctx.translate(car[o + WHEEL_X]!, car[o + WHEEL_Y]!);
      ctx.rotate(car[o + WHEEL_ANGLE]!);
      ctx.fillRect(-hw, -hr, 2 * hw, 2 * hr);
      ctx.restore();
    }
    ctx.save();
    ctx.translate(car[HULL_X]!, car[HULL_Y]!);
    ctx.rotate(car[HULL_ANGLE]!);
    ctx.fillStyle = TRACK_COLOURS.car;
    for (const poly of HULL_POLYS) {
      ctx.beginPath();
      poly.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(x * SIZE, y * SIZE) : ctx.lineTo(x * SIZE, y * SIZE)));
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
    if (!this.follow) {
      // At the whole track's scale the car is a few pixels long: a ring makes it easy to find.
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2 / v.k;
      ctx.beginPath();
      ctx.arc(car[HULL_X]!, car[HULL_Y]!, 11 / v.k, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  /** A labelled bar of BAR world units (or 10 when following) in the lower left, in screen units. */
  private drawScaleBar(ctx: CanvasRenderingContext2D, v: View): void {
    const units = this.follow ? 10 : BAR;
    const d = this.dpr;
    ctx.setTransform(d, 0, 0, d, 0, 0);
    const x = 12, y = this.height - 14, len = units * v.k;
    ctx.fillStyle = 'rgba(13,17,23,0.7)';
    ctx.fillRect(x - 6, y - 18, len + 12, 26);
    ctx.fillStyle = '#e6e6e6';
    ctx.fillRect(x, y, len, 2);
    ctx.fillRect(x, y - 4, 1, 6);
    ctx.fillRect(x + len - 1, y - 4, 1, 6);
    ctx.font = '11px sans-serif';
    ctx.fillText(`${units} world units`, x, y - 6);
  }
}
