/** How long a `hebb` command takes to start: what every CLI call (and every CLI test) pays before it does anything. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './registry';

/** The built CLI (`npm run build`): beside this module once bundled, under out/ when the bench runs from source. */
const HEBB = [new URL('./hebb.js', import.meta.url), new URL('../../../out/main/hebb.js', import.meta.url)].map((u) => fileURLToPath(u)).find(existsSync) ?? 'out/main/hebb.js';

export function cliStartBenchmarks(): Benchmark[] {
  if (!existsSync(HEBB)) {
    process.stderr.write(`bench: no built CLI at ${HEBB} (npm run build makes it); skipping cli_start_ms\n`);
    return [];
  }
  return [{
    key: 'cli_start_ms',
    unit: 'ms',
    description: 'wall time of `hebb --help` in a fresh node: loading the CLI and everything it imports, then exiting',
    measure: () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [HEBB, '--help'], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`hebb --help exited ${r.status}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    },
  }];
}
