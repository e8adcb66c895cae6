/**
 * The picture the car's network saw at a frame, redrawn from the recorded state by the env's own rasteriser and
 * resample (core/envs/racing), then written as 84×84 RGBA pixels: one canvas pixel per network input pixel, scaled
 * up by CSS with crisp edges.
 */
import { Rasteriser } from '../../../core/envs/racing/raster';
import { OBS_SIZE, resampleObservation } from '../../../core/envs/racing/resample';
import type { RaceFrame } from '../../../core/envs/racing/scene';
import { observationToRgba } from './network-pixels';

export class NetworkView {
  private readonly rasteriser = new Rasteriser();
  readonly observation = new Float32Array(3 * OBS_SIZE * OBS_SIZE);
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;

  constructor(canvas: HTMLCanvasElement) {
    canvas.width = OBS_SIZE;
    canvas.height = OBS_SIZE;
    this.ctx = canvas.getContext('2d')!;
    this.image = this.ctx.createImageData(OBS_SIZE, OBS_SIZE);
  }

  show(frame: RaceFrame): void {
    resampleObservation(this.rasteriser.render(frame), this.observation);
    observationToRgba(this.observation, this.image.data);
    this.ctx.putImageData(this.image, 0, 0);
  }
}
