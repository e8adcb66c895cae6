/**
 * The panel synchronised with the viewport: step and progress readouts, the actions as bars, the three weight
 * matrices as heat-maps and the damage in force. Written imperatively into elements the view owns, because it
 * runs every animation frame: going through Vue's reactivity there would cost a render per frame and hide the
 * work from the frame-time measurement.
 */
import type { Replay } from './model';
import { WeightPainter, type ScaleMode } from './weights-painter';

export type { ScaleMode } from './weights-painter';

export interface PanelElements {
  readonly readout: HTMLElement;
  readonly damage: HTMLElement;
  readonly actions: HTMLCanvasElement;
  /** One canvas per layer, in layer order. */
  readonly heatmaps: readonly HTMLCanvasElement[];
  readonly snapshot: HTMLElement;
}

export class ReplayPanel {
  private readonly weights: WeightPainter;
  private readonly actionsCtx: CanvasRenderingContext2D;
  private readonly startX: number;

  constructor(private readonly replay: Replay, private readonly els: PanelElements, scale: ScaleMode = 'episode') {
    this.weights = new WeightPainter(replay, els.heatmaps, els.snapshot, scale);
    this.actionsCtx = els.actions.getContext('2d')!;
    this.startX = replay.pose(0, 0)[0]!;
  }

  show(frame: number): void {
    const r = this.replay;
    const t = r.policyStep(frame);
    const x = r.pose(frame, 0)[0]! - this.startX;
    this.els.readout.textContent =
      `frame ${frame} / ${r.frames - 1} · ${t === null ? (frame === 0 ? 'reset' : 'burn-in') : `t = ${t}`} · ` +
      `progress ${r.progress(frame).toFixed(1)} (${r.stepProgress(frame) >= 0 ? '+' : ''}${r.stepProgress(frame).toFixed(2)}) · x ${x.toFixed(2)} m`;
    let damage = '';
    for (const w of r.damage) if (frame >= w.fromFrame && frame < w.toFrame) damage += (damage ? '; ' : '') + w.label;
    this.els.damage.textContent = damage;
    this.drawActions(r.action(frame));
    this.weights.show(frame);
  }

  get scale(): ScaleMode {
    return this.weights.scale;
  }

  set scale(m: ScaleMode) {
    this.weights.scale = m;
  }

  private drawActions(action: Float32Array): void {
    const ctx = this.actionsCtx;
    const { width, height } = ctx.canvas;
    const row = height / action.length;
    const mid = width / 2;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#30363d';
    ctx.fillRect(mid, 0, 1, height);
    for (let i = 0; i < action.length; i++) {
      const a = Math.max(-1, Math.min(1, action[i]!));
      ctx.fillStyle = a >= 0 ? '#f0883e' : '#58a6ff';
      const w = a * (mid - 2);
      ctx.fillRect(w >= 0 ? mid : mid + w, i * row + 2, Math.abs(w), row - 4);
    }
  }
}
