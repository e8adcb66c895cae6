/**
 * The panel synchronised with the viewport: step and progress readouts, the actions as bars, the three weight
 * matrices as heat-maps and the damage in force. Written imperatively into elements the view owns, because it
 * runs every animation frame: going through Vue's reactivity there would cost a render per frame and hide the
 * work from the frame-time measurement.
 */
import { divergingLut, episodeScale, heatmapScale, maxAbs, paintHeatmap } from './heatmap';
import type { Replay } from './model';

export type ScaleMode = 'episode' | 'step';

export interface PanelElements {
  readonly readout: HTMLElement;
  readonly damage: HTMLElement;
  readonly actions: HTMLCanvasElement;
  /** One canvas per layer, in layer order. */
  readonly heatmaps: readonly HTMLCanvasElement[];
  readonly snapshot: HTMLElement;
}

interface Layer {
  readonly ctx: CanvasRenderingContext2D;
  readonly image: ImageData;
  readonly pixels: Uint32Array;
  readonly episodeScale: number;
}

export class ReplayPanel {
  private readonly lut = divergingLut();
  private readonly layers: Layer[];
  private readonly actionsCtx: CanvasRenderingContext2D;
  private shownSnapshot = -2;
  private shownScale: ScaleMode | null = null;
  private readonly startX: number;

  constructor(private readonly replay: Replay, private readonly els: PanelElements, public scale: ScaleMode = 'episode') {
    const sizes = replay.recording.layerSizes;
    this.layers = els.heatmaps.map((canvas, l) => {
      canvas.width = sizes[l]!;
      canvas.height = sizes[l + 1]!;
      const scale = heatmapScale(canvas.width, canvas.height);
      canvas.style.width = `${scale * canvas.width}px`;
      canvas.style.height = `${scale * canvas.height}px`;
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(canvas.width, canvas.height);
      return { ctx, image, pixels: new Uint32Array(image.data.buffer), episodeScale: episodeScale(replay.layerSnapshots(l)) };
    });
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
    this.drawWeights(frame);
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

  /** Repaints the heat-maps only when the snapshot in force (or the scale mode) changes. */
  private drawWeights(frame: number): void {
    const key = this.replay.snapshotIndex(frame);
    if (key === this.shownSnapshot && this.scale === this.shownScale) return;
    this.shownSnapshot = key;
    this.shownScale = this.scale;
    const snap = this.replay.weights(frame);
    this.els.snapshot.textContent = snap ? `weights at t = ${snap.step}` : 'no weights yet (burn-in)';
    this.layers.forEach((layer, l) => {
      if (snap) {
        const w = snap.layers[l]!;
        paintHeatmap(layer.pixels, w, this.scale === 'episode' ? layer.episodeScale : Math.max(1e-6, maxAbs(w)), this.lut);
      } else {
        layer.pixels.fill(this.lut[128]!);
      }
      layer.ctx.putImageData(layer.image, 0, 0);
    });
  }

}
