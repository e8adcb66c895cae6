/**
 * The rule-file fixtures (test/fixtures/rules, written by scripts/reference/make_rule_fixtures.py with the real
 * torch and numpy) and the script's formula for their contents, written again here so tests never take an
 * expected array from our own reader.
 */
import { readFileSync } from 'node:fs';

/** The (12288, 5) ABCD_lr file, named as the reference code names its files. */
export const REFERENCE_NAME = 'HEBcoeffs__AntBulletEnv-v0__rew_1234__ABCD_lr__init_uni__pop_200__coeffs__100.dat';

export const fixturePath = (name: string): string => new URL(`../fixtures/rules/${name}`, import.meta.url).pathname;
export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));

/** The script's formula: value[r, c] = ((r·cols + c) mod 2001 − 1000) / 256, row-major (exact in float32). */
export function formula(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, k) => ((k % 2001) - 1000) / 256);
}
