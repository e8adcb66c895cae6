import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('WebAssembly kernels', () => {
  it('the committed kernels-wasm.ts is compiled from the current kernels.wat', () => {
    // The script exits non-zero (so execFileSync throws) if the generated file is stale.
    expect(() => execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
