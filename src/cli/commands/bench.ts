/**
 * `hebb bench` / `npm run bench`: runs the registered benchmarks and prints a table, or with --json one JSON object
 * { key: median, … } and nothing else on stdout. `--only a,b` picks benchmarks by key.
 */
import { loadAmmo } from '../../core/envs/quadruped/ammo';
import { loadBullet } from '../../core/envs/quadruped/pybullet/bullet';
import { flag, parseArgs, UsageError, type FlagTable } from '../args';
import { analysisBenchmarks } from '../bench/analysis';
import { cliStartBenchmarks } from '../bench/cli-start';
import { coreBenchmarks } from '../bench/core';
import { poolBenchmarks } from '../bench/pool';
import { quadrupedBenchmarks } from '../bench/quadruped';
import { racingBenchmarks } from '../bench/racing';
import { racingPolicyBenchmarks } from '../bench/racing-policy';
import { racingRolloutBenchmarks } from '../bench/racing-rollout';
import { REDIS_BENCH_KEYS, redisBenchmarks } from '../bench/redis';
import { runBenchmarks, type BenchResult } from '../bench/registry';

export const BENCH_FLAGS = {
  json: { kind: 'boolean', help: 'print one JSON object { key: median } and nothing else' },
  only: { kind: 'list', value: 'KEY,KEY', help: 'run only these benchmarks (docs/BENCHMARKS.md lists the keys)', absent: 'every benchmark' },
  repetitions: { kind: 'int', help: 'runs of each benchmark, the median is printed (1–100)', default: 5 },
} as const satisfies FlagTable;

const format = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));

export async function benchCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, BENCH_FLAGS, 'hebb bench');
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}" (usage: hebb bench [--only key,key] [--repetitions N] [--json])`);
  const json = flag(args, 'json', 'boolean');
  const repetitions = flag(args, 'repetitions', 'int') ?? BENCH_FLAGS.repetitions.default;
  if (repetitions < 1 || repetitions > 100) throw new UsageError(`--repetitions must be in [1, 100], got ${repetitions}`);
  const all = [...coreBenchmarks(), ...quadrupedBenchmarks(await loadAmmo(), await loadBullet()), ...racingBenchmarks(), ...racingPolicyBenchmarks(), ...racingRolloutBenchmarks(), ...poolBenchmarks(), ...redisBenchmarks(), ...analysisBenchmarks(), ...cliStartBenchmarks()];
  const only = flag(args, 'only', 'list');
  // The Redis keys are known even when redis-server is missing (their suite said so and skipped them).
  const unknown = only?.filter((k) => !all.some((b) => b.key === k) && !(REDIS_BENCH_KEYS as readonly string[]).includes(k)) ?? [];
  if (unknown.length > 0) throw new UsageError(`--only: unknown benchmark "${unknown[0]}" (known: ${all.map((b) => b.key).join(', ')})`);
  const chosen = only ? all.filter((b) => only.includes(b.key)) : all;

  const printRow = (r: BenchResult): void => {
    const { key, unit, description } = r.benchmark;
    process.stdout.write(`${key.padEnd(38)} ${format(r.median).padStart(9)} ${unit.padEnd(3)}  ${description}\n`);
  };
  if (!json) process.stdout.write(`${'benchmark'.padEnd(38)} ${'median'.padStart(9)}      (of ${repetitions} runs)\n`);
  const results = await runBenchmarks(chosen, repetitions, json ? undefined : printRow);
  if (json) {
    const out: Record<string, number> = {};
    for (const r of results) out[r.benchmark.key] = Number(r.median.toPrecision(4));
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}
