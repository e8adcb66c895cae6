/**
 * A deliberately naive float64 reference of the car's network, written from the definition (docs/METHOD.md, "The
 * car's policy"): nested loops over PyTorch-shaped tensors, Conv2d without padding or bias, tanh, MaxPool2d(2, 2)
 * with floor, Flatten as [c][p][q], Linear layers as [out][in].
 *
 * Every value carries an error bound for a float32 computation of the same quantity, so tests compare with a
 * tolerance that is justified rather than guessed. `worst`: a dot product of n float32 terms, summed in any
 * sequential order, is within γₙ·Σ|wᵢxᵢ| of the exact one (γₙ = nu/(1 − nu), u = 2⁻²⁴; Higham, Accuracy and
 * Stability of Numerical Algorithms, §3.1), and inputs that carry error eᵢ add Σ|wᵢ|·eᵢ. Through three dense layers
 * of normalised weights that compounds to bounds larger than the values, so `probable` uses the probabilistic
 * bound λ√n·u·Σ|wᵢxᵢ| (Higham & Mary, SIAM J. Sci. Comput. 41(5), 2019: it fails with probability below
 * 2n·exp(−λ²/2), < 1e-10 for λ = 8 and n ≤ 648) and adds independent input errors in quadrature, √Σ(wᵢeᵢ)².
 * Max pooling and tanh are 1-Lipschitz; storing a result in float32 adds u·|value|. The conv layers' tanh is the
 * kernels' rational approximation, within SIMD_TANH_ERROR of tanh (conv.test.ts measures it).
 */
export interface Bounded {
  readonly value: Float64Array;
  readonly bound: Float64Array;
}

export const U = 2 ** -24;
export const SIMD_TANH_ERROR = 4e-7;
export type ErrorModel = 'worst' | 'probable';
const LAMBDA = 8;

/** The bound of a dot product of n terms with Σ|terms| = magnitude whose inputs carry errors (Σ and Σ² of w·e). */
function dotBound(model: ErrorModel, n: number, magnitude: number, carried: number, carriedSq: number): number {
  return model === 'worst' ? ((n * U) / (1 - n * U)) * magnitude + carried : LAMBDA * Math.sqrt(n) * U * magnitude + Math.sqrt(carriedSq);
}
/** Math.tanh and the float64 sums are themselves inexact; far below every float32 term. */
const F64_SLACK = 1e-12;

export function exact(values: ArrayLike<number>): Bounded {
  return { value: Float64Array.from(values), bound: new Float64Array(values.length) };
}

/** tanh of each value, stored in float32; `approximation` is the error of the tanh used (0: Math.tanh). */
export function tanhOf(z: Bounded, approximation = 0): Bounded {
  const value = z.value.map(Math.tanh);
  return { value, bound: z.bound.map((e, k) => e + U * Math.abs(value[k]!) + approximation + F64_SLACK) };
}

/** x: [C][S][S]; weights from `offset` as [O][C][k][k]. Returns the tanh'd pooled maps [O][P][P]. */
function convTanhPool(
  model: ErrorModel, x: Bounded, C: number, S: number, w: Float32Array, offset: number, O: number, k: number, stride: number,
): { out: Bounded; P: number } {
  const convSize = Math.floor((S - k) / stride) + 1;
  const P = Math.floor(convSize / 2);
  const n = C * k * k;
  const z = new Float64Array(O * convSize * convSize);
  const ez = new Float64Array(z.length);
  for (let o = 0; o < O; o++) {
    for (let r = 0; r < convSize; r++) {
      for (let s = 0; s < convSize; s++) {
        let sum = 0, magnitude = 0, carried = 0, carriedSq = 0;
        for (let c = 0; c < C; c++) {
          for (let kh = 0; kh < k; kh++) {
            for (let kw = 0; kw < k; kw++) {
              const wi = w[offset + ((o * C + c) * k + kh) * k + kw]!;
              const at = (c * S + r * stride + kh) * S + s * stride + kw;
              sum += wi * x.value[at]!;
              magnitude += Math.abs(wi) * (Math.abs(x.value[at]!) + x.bound[at]!);
              carried += Math.abs(wi) * x.bound[at]!;
              carriedSq += (wi * x.bound[at]!) ** 2;
            }
          }
        }
        z[(o * convSize + r) * convSize + s] = sum;
        ez[(o * convSize + r) * convSize + s] = dotBound(model, n, magnitude, carried, carriedSq);
      }
    }
  }
  const pooled = new Float64Array(O * P * P);
  const ep = new Float64Array(pooled.length);
  for (let o = 0; o < O; o++) {
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < P; q++) {
        let m = -Infinity, e = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const at = (o * convSize + 2 * p + dy) * convSize + 2 * q + dx;
            m = Math.max(m, z[at]!);
            e = Math.max(e, ez[at]!);
          }
        }
        pooled[(o * P + p) * P + q] = m;
        ep[(o * P + p) * P + q] = e;
      }
    }
  }
  return { out: tanhOf({ value: pooled, bound: ep }, SIMD_TANH_ERROR), P };
}

/** The car's two conv layers on a [3][84][84] input with weights [162 | 1 200]: the 648 features. */
export function naiveCarConv(weights: Float32Array, input: Float32Array, model: ErrorModel, offset = 0): Bounded {
  const one = convTanhPool(model, exact(input), 3, 84, weights, offset, 6, 3, 1);
  return convTanhPool(model, one.out, 6, one.P, weights, offset + 162, 8, 5, 2).out;
}

/**
 * Pre-activations scale·W·x for W [nOut][nIn] (float64 values with per-weight error bounds) — the scale (max-abs
 * normalisation) is applied in float64 after the float32 sum, as the network does, with relative error `scaleError`.
 */
export function dense(model: ErrorModel, W: Float64Array, eW: Float64Array, nOut: number, x: Bounded, scale = 1, scaleError = 0): Bounded {
  const nIn = x.value.length;
  const value = new Float64Array(nOut);
  const bound = new Float64Array(nOut);
  for (let j = 0; j < nOut; j++) {
    let sum = 0, magnitude = 0, carried = 0, carriedSq = 0;
    for (let i = 0; i < nIn; i++) {
      const w = W[j * nIn + i]!, xi = x.value[i]!;
      sum += w * xi;
      magnitude += (Math.abs(w) + eW[j * nIn + i]!) * (Math.abs(xi) + x.bound[i]!);
      const e = Math.abs(w) * x.bound[i]! + eW[j * nIn + i]! * (Math.abs(xi) + x.bound[i]!);
      carried += e;
      carriedSq += e * e;
    }
    value[j] = scale * sum;
    bound[j] = scale * dotBound(model, nIn, magnitude, carried, carriedSq) + Math.abs(scale * sum) * scaleError + F64_SLACK;
  }
  return { value, bound };
}
