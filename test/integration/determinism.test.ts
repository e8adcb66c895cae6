import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../src/core/policy/genome';
import { bytesOf, inChildProcess } from './fixtures/child-process';
import { closedLoopLifetime } from './fixtures/closed-loop-lifetime';

const specs: [string, PolicySpec][] = [
  ['Hebbian ABCD_lr', { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none' }],
  ['Hebbian ABCD_lr, normalised', { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'normal', normalise: 'maxabs' }],
  ['static', { kind: 'static' }],
];

/**
 * SHA-256 of the 300 × 8 float32 outputs of closedLoopLifetime(spec, 42, 300), recorded when this test was
 * written (the same at d9990a8, before the finiteness check entered the forward pass): the arithmetic must not drift between versions, machines or Node releases. A deliberate change of the
 * network arithmetic changes them; the failure shows the new digest.
 */
const RECORDED: Record<string, string> = {
  'Hebbian ABCD_lr': '861253f5c33050bdbd0a9e5586f789e76cefb5c47782b320230d0adf9d4f771c',
  'Hebbian ABCD_lr, normalised': 'cd17028807d7d37ae4a65efbd62d5cf5d932059ec3f199f8a1eb125af502a029',
  static: 'a272bb4bb16768d6e0ab9c6915c976242d52b2f270d28065f25ebacb298412a2',
};

describe('determinism of the network arithmetic', () => {
  it.each(specs)('%s: another process, compiled differently, reproduces this one bit for bit', async (_name, spec) => {
    const here = bytesOf(closedLoopLifetime(spec, 42, 300));
    const there = await inChildProcess(new URL('./fixtures/closed-loop-lifetime.ts', import.meta.url), 'closedLoopLifetime', [spec, 42, 300]);
    expect(there.equals(here)).toBe(true);
    expect(bytesOf(closedLoopLifetime(spec, 43, 300)).equals(here)).toBe(false);
  });

  it.each(specs)('%s: the outputs are the ones recorded in the fixture', (name, spec) => {
    expect(createHash('sha256').update(bytesOf(closedLoopLifetime(spec, 42, 300))).digest('hex')).toBe(RECORDED[name]);
  });
});
