/**
 * The observation pipeline (docs/METHOD.md#resample): cv2.resize(96×96 → 84×84, INTER_AREA), which for the non-integer scale
 * 96/84 is an area-weighted box filter rounded back to uint8; then /255 and swapaxes(0,2). swapaxes(0,2) of HWC
 * (y, x, c) is (c, x, y): the output index is c·84·84 + x·84 + y (x-major inside a channel, NOT row-major CHW).
 *
 * Exactly, in integers. Along each axis the scale is 8/7: output d = 7b + j (j = 0…6) covers
 * [8b + 8j/7, 8b + 8(j+1)/7), which overlaps source pixels 8b + j and 8b + j + 1 by (7 − j)/7 and (j + 1)/7 of a
 * pixel, i.e. weights (7 − j)/8 and (j + 1)/8. So every block of 8 source pixels makes 7 outputs on its own, with
 * fixed weights, and a pixel of the output is Σ wᵧ·wₓ·p / 64 with an integer numerator: rounded half to even (as
 * cv::saturate_cast) in integers, no float error to absorb. The filter is separable: rows first (each source row
 * to 84 columns, stored transposed so the second pass reads contiguous memory), then columns, both unrolled over a
 * block so the weights are constants.
 */
import { STATE_H, STATE_W } from './constants';

export const OBS_SIZE = 84;
const CHANNELS = 3;
const STRIP = STATE_H; // one (channel, output column) strip of the rows pass: the 96 source rows
const PLANE = OBS_SIZE * STRIP;
if (STATE_W !== 96 || STATE_H !== 96 || OBS_SIZE !== 84) throw new Error('resample: written for 96×96 → 84×84 (blocks of 8 → 7)');

/** q/255 as the float32 the network reads, for every uint8 q. */
const LEVELS = Float32Array.from({ length: 256 }, (_, q) => q / 255);

/** The rows pass: per (channel, output column), the 96 source rows weighted along x, in eighths (≤ 2 040). */
const rowsPass = new Int32Array(CHANNELS * PLANE);

/** v/64 rounded half to even as a level: + 31, plus 1 more when the quotient is odd, then drop the 6 bits. */
const level = (v: number): number => LEVELS[(v + 31 + ((v >> 6) & 1)) >> 6]!;

/** Writes the 3×84×84 network input (layout above) from the 96×96×3 HWC state image. Allocation-free. */
export function resampleObservation(image: Uint8Array, out: Float32Array): void {
  for (let sy = 0; sy < STATE_H; sy++) {
    for (let c = 0; c < CHANNELS; c++) {
      const row = sy * STATE_W * CHANNELS + c;
      let t = c * PLANE + sy; // output column 7b: strips are STRIP apart
      for (let b = 0; b < 12; b++) {
        const p = row + b * 8 * CHANNELS;
        const a0 = image[p]!, a1 = image[p + 3]!, a2 = image[p + 6]!, a3 = image[p + 9]!;
        const a4 = image[p + 12]!, a5 = image[p + 15]!, a6 = image[p + 18]!, a7 = image[p + 21]!;
        rowsPass[t] = 7 * a0 + a1;
        rowsPass[t + STRIP] = 6 * a1 + 2 * a2;
        rowsPass[t + 2 * STRIP] = 5 * a2 + 3 * a3;
        rowsPass[t + 3 * STRIP] = 4 * a3 + 4 * a4;
        rowsPass[t + 4 * STRIP] = 3 * a4 + 5 * a5;
        rowsPass[t + 5 * STRIP] = 2 * a5 + 6 * a6;
        rowsPass[t + 6 * STRIP] = a6 + 7 * a7;
        t += 7 * STRIP;
      }
    }
  }
  // Columns: strip (c, x) holds rows 0…95 of output column x; its 84 outputs are out[(c·84 + x)·84 + y].
  for (let strip = 0; strip < CHANNELS * OBS_SIZE; strip++) {
    let s = strip * STRIP, d = strip * OBS_SIZE;
    for (let b = 0; b < 12; b++) {
      const a0 = rowsPass[s]!, a1 = rowsPass[s + 1]!, a2 = rowsPass[s + 2]!, a3 = rowsPass[s + 3]!;
      const a4 = rowsPass[s + 4]!, a5 = rowsPass[s + 5]!, a6 = rowsPass[s + 6]!, a7 = rowsPass[s + 7]!;
      out[d] = level(7 * a0 + a1);
      out[d + 1] = level(6 * a1 + 2 * a2);
      out[d + 2] = level(5 * a2 + 3 * a3);
      out[d + 3] = level(4 * a3 + 4 * a4);
      out[d + 4] = level(3 * a4 + 5 * a5);
      out[d + 5] = level(2 * a5 + 6 * a6);
      out[d + 6] = level(a6 + 7 * a7);
      s += 8;
      d += 7;
    }
  }
}
