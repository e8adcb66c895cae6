/** Summary statistics of a sample (population standard deviation, as numpy's default). */
export function summarise(values: readonly number[]): { mean: number; max: number; min: number; std: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('cannot summarise an empty sample');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  return { mean, max: Math.max(...values), min: Math.min(...values), std: Math.sqrt(variance) };
}
