/** A benchmark measures one figure; suites register theirs here and `npm run bench` / `hebb bench` run them all. */
export interface Benchmark {
  /** The key in `bench --json` output. */
  readonly key: string;
  readonly unit: string;
  readonly description: string;
  /** One measurement (the runner repeats it and reports the median). */
  measure(): number | Promise<number>;
  /** Releases what the measurements held (workers). */
  dispose?(): void | Promise<void>;
}

export interface BenchResult {
  readonly benchmark: Benchmark;
  readonly median: number;
  readonly samples: readonly number[];
}

export async function runBenchmarks(benchmarks: readonly Benchmark[], repetitions: number, onResult?: (r: BenchResult) => void): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const benchmark of benchmarks) {
    await benchmark.measure(); // warm-up: JIT and caches
    const samples: number[] = [];
    for (let i = 0; i < repetitions; i++) samples.push(await benchmark.measure());
    const sorted = [...samples].sort((a, b) => a - b);
    const result = { benchmark, median: sorted[Math.floor(sorted.length / 2)]!, samples };
    await benchmark.dispose?.();
    onResult?.(result);
    results.push(result);
  }
  return results;
}

/** Nanoseconds elapsed while running fn. */
export function timeNs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
}
