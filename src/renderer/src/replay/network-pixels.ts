/**
 * The car network's input back to pixels, DOM-free (unit-tested): the observation is (c, x, y), x-major inside a
 * channel (core/envs/racing/resample), an image is rows of RGBA.
 */
import { OBS_SIZE } from '../../../core/envs/racing/resample';

const PLANE = OBS_SIZE * OBS_SIZE;

/**
 * The network's input (c, x, y) layout, values in [0, 1], as an image's RGBA pixels (row y, column x), each value
 * back to its 8-bit level (v · 255 is a whole number up to float rounding).
 */
export function observationToRgba(observation: Float32Array, out: Uint8ClampedArray): void {
  for (let y = 0; y < OBS_SIZE; y++) {
    for (let x = 0; x < OBS_SIZE; x++) {
      const o = 4 * (y * OBS_SIZE + x);
      const i = x * OBS_SIZE + y;
      out[o] = Math.round(observation[i]! * 255);
      out[o + 1] = Math.round(observation[PLANE + i]! * 255);
      out[o + 2] = Math.round(observation[2 * PLANE + i]! * 255);
      out[o + 3] = 255;
    }
  }
}

