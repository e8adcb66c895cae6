/**
 * `hebb train --indexing`: the synapse indexing is set from the command line (before, only through a config file),
 * reaches the stored run, and a bad value or a static policy is refused naming the flag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'hebb-indexing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args, '--db', join(dir, 'w.db')], { encoding: 'utf8', timeout: 60_000 });

describe('hebb train --indexing', () => {
  it('stores original or corrected indexing in the run, corrected by default', () => {
    for (const flags of [['--indexing', 'original'], ['--indexing', 'corrected'], []]) {
      const queued = hebb('train', '--queue', '--pop', '4', '--generations', '1', ...flags);
      expect(queued.status, queued.stderr).toBe(0);
    }
    const runs = [1, 2, 3].map((id) => JSON.parse(hebb('runs', 'show', String(id), '--json').stdout) as { config: { policy: { indexing: string } } });
    expect(runs.map((r) => r.config.policy.indexing)).toEqual(['original', 'corrected', 'corrected']);
  });

  it('refuses a bad value, a static policy and Evolve & Merge on the original indexing, naming the flag', () => {
    expect(hebb('train', '--queue', '--indexing', 'diagonal').stderr).toMatch(/--indexing: must be one of corrected, original/);
    expect(hebb('train', '--queue', '--policy', 'static', '--indexing', 'original').stderr).toMatch(/--rule, --indexing, --init and --normalise apply to --policy hebbian only/);
    const merged = hebb('train', '--queue', '--indexing', 'original', '--merge-every', '5');
    expect(merged.status).toBe(2);
    expect(merged.stderr).toMatch(/--merge-every: needs policy\.indexing "corrected"/);
  });
});
