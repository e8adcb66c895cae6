/**
 * The observation pipeline (docs/METHOD.md#resample): cv2.resize(96×96 → 84×84, INTER_AREA), which for the non-integer scale
 * 96/84 is an area-weighted box filter rounded back to uint8; then /255 and swapaxes(0,2). swapaxes(0,2) of HWC
 * (y, x, c) is (c, x, y): the output index is c·84·84 + x·84 + y (x-major inside a channel, NOT row-major CHW).
 */
import { STATE_H, STATE_W } from './constants';

export const OBS_SIZE = 84;

/** Per output index: the first source pixel and the weights of the (at most 2) source pixels it overlaps. */
function areaWeights(src: number, dst: number): { first: Int32Array; w0: Float64Array; w1: Float64Array } {
  const scale = src / dst;
  const first = new Int32Array(dst), w0 = new Float64Array(dst), w1 = new Float64Array(dst);
  for (let d = 0; d < dst; d++) {
    const a = d * scale, b = (d + 1) * scale, s = Math.floor(a);
    first[d] = s;
    w0[d] = (Math.min(b, s + 1) - a) / scale;
    w1[d] = s + 1 < src ? Math.max(0, b - (s + 1)) / scale : 0;
  }
  return { first, w0, w1 };
}

const WX = areaWeights(STATE_W, OBS_SIZE);
const WY = areaWeights(STATE_H, OBS_SIZE);

/** Writes the 3×84×84 network input (layout above) from the 96×96×3 HWC state image. Allocation-free. */
export function resampleObservation(image: Uint8Array, out: Float32Array): void {
  for (let y = 0; y < OBS_SIZE; y++) {
    const sy = WY.first[y]!, wy0 = WY.w0[y]!, wy1 = WY.w1[y]!;
    const r0 = sy * STATE_W * 3, r1 = wy1 > 0 ? r0 + STATE_W * 3 : r0;
    for (let x = 0; x < OBS_SIZE; x++) {
      const sx = WX.first[x]!, wx0 = WX.w0[x]!, wx1 = WX.w1[x]!;
      const c0 = sx * 3, c1 = wx1 > 0 ? c0 + 3 : c0;
      for (let c = 0; c < 3; c++) {
        const v = wy0 * (wx0 * image[r0 + c0 + c]! + wx1 * image[r0 + c1 + c]!) + wy1 * (wx0 * image[r1 + c0 + c]! + wx1 * image[r1 + c1 + c]!);
        out[c * OBS_SIZE * OBS_SIZE + x * OBS_SIZE + y] = roundHalfEven(v) / 255;
      }
    }
  }
}

/** cv::saturate_cast<uchar>(float) rounds half to even (cvRound); 1e-9 absorbs the float sum's error. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
  return Math.round(v);
}
