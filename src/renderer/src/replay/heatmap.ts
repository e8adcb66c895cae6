/**
 * Weight matrices as heat-maps (the paper's Figure 1): a diverging colour table (blue − · dark 0 · + orange) and
 * a painter that writes one pixel per synapse straight into an ImageData buffer. No DOM here, so the colour
 * mapping is unit-tested; the panel puts the pixels on a canvas.
 */

/** 256 RGBA colours packed for a little-endian Uint32Array view of ImageData: index 0 = −scale, 255 = +scale. */
export function divergingLut(): Uint32Array {
  const lut = new Uint32Array(256);
  const negative = [88, 166, 255];
  const zero = [22, 27, 34];
  const positive = [255, 158, 64];
  for (let i = 0; i < 256; i++) {
    const v = (i - 127.5) / 127.5;
    const end = v < 0 ? negative : positive;
    const k = Math.abs(v) ** 0.75; // lifts small weights off the background
    const [r, g, b] = zero.map((z, c) => Math.round(z + (end[c]! - z) * k));
    lut[i] = (255 << 24) | (b! << 16) | (g! << 8) | r!;
  }
  return lut;
}

/** The LUT index of weight `w` at colour scale `scale` (|w| ≥ scale saturates). */
export function lutIndex(w: number, scale: number): number {
  const i = Math.round(((w / scale) + 1) * 127.5);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/** Paints `weights` ([out][in], row-major) into `pixels`, one pixel per synapse, same order. */
export function paintHeatmap(pixels: Uint32Array, weights: Float32Array, scale: number, lut: Uint32Array): void {
  for (let i = 0; i < weights.length; i++) pixels[i] = lut[lutIndex(weights[i]!, scale)]!;
}

export function maxAbs(w: Float32Array): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) {
    const a = Math.abs(w[i]!);
    if (a > m) m = a;
  }
  return m;
}

/**
 * A robust colour scale for one layer over a whole lifetime: the 99th percentile of |w| over a strided sample of
 * all its snapshots (a few outlier synapses would otherwise wash the matrix out). Never below 0.1, the initial
 * weights' bound, so a lifetime that barely changes still shows its random start.
 */
export function episodeScale(snapshots: readonly Float32Array[], maxSamples = 50_000): number {
  const total = snapshots.reduce((s, w) => s + w.length, 0);
  if (total === 0) return 0.1;
  const stride = Math.max(1, Math.floor(total / maxSamples));
  const sample = new Float32Array(Math.ceil(total / stride));
  let n = 0;
  let k = 0;
  for (const w of snapshots) {
    for (let i = 0; i < w.length; i++, k++) if (k % stride === 0) sample[n++] = Math.abs(w[i]!);
  }
  const sorted = sample.subarray(0, n).sort();
  return Math.max(0.1, sorted[Math.min(n - 1, Math.floor(n * 0.99))]!);
}

/**
 * Screen pixels per synapse for a layer of `inputs` → `outputs`: its longer side drawn about 400 px long, at least
 * 2 px a synapse (1 is too small to point at) and at most 8.
 */
export function heatmapScale(inputs: number, outputs: number): number {
  return Math.max(2, Math.min(8, Math.floor(400 / Math.max(inputs, outputs, 1))));
}

/** The synapse under a point of a heat-map drawn at `scale` px a synapse (columns: pre, rows: post), or null outside. */
export function synapseAt(x: number, y: number, scale: number, inputs: number, outputs: number): { post: number; pre: number } | null {
  const pre = Math.floor(x / scale);
  const post = Math.floor(y / scale);
  return pre >= 0 && pre < inputs && post >= 0 && post < outputs ? { post, pre } : null;
}
