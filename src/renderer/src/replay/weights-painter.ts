/**
 * Paints a replay's weight snapshots onto one canvas per layer (one pixel per synapse; CSS scales it up) and says
 * which snapshot is shown. Shared by the quadruped's and the car's panels; repaints only when the snapshot in
 * force or the colour-scale mode changes, so calling it every animation frame costs a lookup.
 */
import { divergingLut, episodeScale, heatmapScale, maxAbs, paintHeatmap } from './heatmap';
import type { WeightFrames } from './snapshots';

/** Colour scale: one for the whole lifetime (robust, per layer), or each snapshot's own max |w|. */
export type ScaleMode = 'episode' | 'step';

interface Layer {
  readonly ctx: CanvasRenderingContext2D;
  readonly image: ImageData;
  readonly pixels: Uint32Array;
  readonly episodeScale: number;
}

export class WeightPainter {
  private readonly lut = divergingLut();
  private readonly layers: Layer[];
  private shownSnapshot = -2;
  private shownScale: ScaleMode | null = null;

  /** `canvases`: one per layer, in layer order; `snapshot`: where "weights at t = …" is written. */
  constructor(private readonly source: WeightFrames, canvases: readonly HTMLCanvasElement[], private readonly snapshot: HTMLElement, public scale: ScaleMode = 'episode') {
    const sizes = source.layerSizes;
    this.layers = canvases.map((canvas, l) => {
      canvas.width = sizes[l]!;
      canvas.height = sizes[l + 1]!;
      const px = heatmapScale(canvas.width, canvas.height);
      canvas.style.width = `${px * canvas.width}px`;
      canvas.style.height = `${px * canvas.height}px`;
      const ctx = canvas.getContext('2d')!;
      const image = ctx.createImageData(canvas.width, canvas.height);
      return { ctx, image, pixels: new Uint32Array(image.data.buffer), episodeScale: episodeScale(source.layerSnapshots(l)) };
    });
  }

  show(frame: number): void {
    const key = this.source.snapshotIndex(frame);
    if (key === this.shownSnapshot && this.scale === this.shownScale) return;
    this.shownSnapshot = key;
    this.shownScale = this.scale;
    const snap = this.source.weights(frame);
    this.snapshot.textContent = snap ? `weights at t = ${snap.step}` : 'no weights yet (burn-in)';
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
