/**
 * `npm run bench`: runs every registered benchmark and prints a table, or with --json one JSON object
 * { key: median, … } and nothing else on stdout.
 */
import { loadAmmo } from '../core/envs/quadruped/ammo';
import { coreBenchmarks } from './bench/core';
import { poolBenchmarks } from './bench/pool';
import { quadrupedBenchmarks } from './bench/quadruped';
import { runBenchmarks, type BenchResult } from './bench/registry';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--json');
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown option ${unknown[0]} (usage: bench [--json])\n`);
  process.exit(2);
}
const json = args.includes('--json');
const REPETITIONS = 5;

const format = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));
const printRow = (r: BenchResult): void => {
  const { key, unit, description } = r.benchmark;
  process.stdout.write(`${key.padEnd(38)} ${format(r.median).padStart(9)} ${unit.padEnd(3)}  ${description}\n`);
};

if (!json) process.stdout.write(`${'benchmark'.padEnd(38)} ${'median'.padStart(9)}      (of ${REPETITIONS} runs)\n`);
const benchmarks = [...coreBenchmarks(), ...quadrupedBenchmarks(await loadAmmo()), ...poolBenchmarks()];
const results = await runBenchmarks(benchmarks, REPETITIONS, json ? undefined : printRow);
if (json) {
  const out: Record<string, number> = {};
  for (const r of results) out[r.benchmark.key] = Number(r.median.toPrecision(4));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
