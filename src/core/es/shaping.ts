/**
 * Fitness shaping of the reference ES (docs/METHOD.md#fitness-shaping): centred ranks r/(P−1) − 0.5, then standardised to
 * zero mean and unit (population) standard deviation.
 *
 * Ties get the average of their ranks (the reference's unstable argsort orders them arbitrarily). With mirrored
 * pairs this matters: a pair with equal fitness then contributes nothing instead of a random push along ±ε.
 * If every fitness is equal the shaped values are all zero (no information, no step) instead of an error.
 */
export function centredRanks(fitness: ArrayLike<number>): Float64Array {
  const n = fitness.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]! || a - b);
  const u = new Float64Array(n);
  if (n < 2) return u;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && fitness[order[end]!] === fitness[order[start]!]) end++;
    const rank = (start + end - 1) / 2;
    for (let k = start; k < end; k++) u[order[k]!] = rank / (n - 1) - 0.5;
    start = end;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += u[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (u[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  for (let i = 0; i < n; i++) u[i] = std > 0 ? (u[i]! - mean) / std : 0;
  return u;
}
