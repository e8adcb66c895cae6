/** `hebb analyse pca` and `hebb analyse rules` through the real CLI on a small trained run: outputs and refusals. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEBB } from '../support/cli';

const hebb = (...args: string[]) => spawnSync(process.execPath, [HEBB, ...args], { encoding: 'utf8' });

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-analyse-'));
  db = join(dir, 'a.db');
  for (const policy of ['hebbian', 'static']) {
    const out = hebb('train', '--db', db, '--name', policy, '--policy', policy, '--pop', '4', '--generations', '1', '--morphologies', 'standard', '--workers', '2', '--seed', '1');
    expect(out.status, out.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hebb analyse', () => {
  it('pca writes the trajectories as CSV and the attractor figure as SVG, and prints the spread', () => {
    const csv = join(dir, 't.csv');
    const svg = join(dir, 't.svg');
    const out = hebb('analyse', 'pca', '1', '--db', db, '--lifetimes', '2', '--stride', '100', '--csv', csv, '--svg', svg, '--damage', '{"kind":"stopPlasticity","at":500}');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('run 1 hebbian, the centre after generation 0, on standard: 2 lifetimes (seeds 1,2), 20 snapshots of 12288 synapses (layers 0,1,2), every 100 steps');
    expect(out.stdout).toContain('damage: plasticity stopped at t 500');
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 2 * 10);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual(['1', '0']);
    const figure = readFileSync(svg, 'utf8');
    expect(figure.startsWith('<svg')).toBe(true);
    for (const text of ['PC1 (', 'PC2 (', 'PC3 (', 'Spread between lifetimes', 'plasticity stopped at t 500']) expect(figure).toContain(text);
  }, 120_000);

  it('pca --json is the service answer; the static run has one point per lifetime (its weights never change)', () => {
    const out = hebb('analyse', 'pca', '2', '--db', db, '--lifetimes', '2', '--stride', '200', '--json', '--layers', '2');
    expect(out.status, out.stderr).toBe(0);
    const t = JSON.parse(out.stdout) as { analysis: { synapses: number; spread: { meanPairwise: number[] } } };
    expect(t.analysis.synapses).toBe(64 * 8);
    expect(t.analysis.spread.meanPairwise).toEqual([0, 0, 0, 0, 0]); // two lifetimes of one static network: the same weights
  }, 60_000);

  it('rules prints each layer with its share off and coefficients; --json holds the histograms', () => {
    const out = hebb('analyse', 'rules', '1', '--db', db);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/layer 0 \(28 → 128, 3584 synapses\): off \d+ \(\d+\.\d%, strength < [\d.e-]+ = 0\.01 × median/);
    expect(out.stdout).toMatch(/ {4}η +median/);
    const json = JSON.parse(hebb('analyse', 'rules', '1', '--db', db, '--json', '--off-threshold', '0.2').stdout) as { offRelative: number; runs: { layers: unknown[] }[] };
    expect(json.offRelative).toBe(0.2);
    expect(json.runs[0]!.layers).toHaveLength(3);
  }, 60_000);

  it('refuses bad input with exit 2, naming what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['analyse'], /say what to analyse, pca or rules/],
      [['analyse', 'pca', '1', '--lifetimes', '1'], /--lifetimes must be between 2 and 50/],
      [['analyse', 'pca', '1', '--stride', '0'], /--stride must be between 1 and 1000/],
      [['analyse', 'pca', '1', '--layers', 'x'], /--layers must list layer numbers/],
      [['analyse', 'pca', '1', '--layers', '5'], /layers: layer 5 does not exist/],
      [['analyse', 'pca', '1', '--morphology', 'nope'], /--morphology: /],
      [['analyse', 'pca', '1', '--lifetimes', '50', '--stride', '1'], /use fewer lifetimes or a longer stride/],
      [['analyse', 'pca', '1', '--svg', db], /--out: .* SQLite|open store/],
      [['analyse', 'rules', '1', '2', '3'], /usage: hebb analyse/],
      [['analyse', 'rules', '2'], /run 2 is a static network: it has no plasticity rules to inspect/],
      [['analyse', 'rules', '1', '--off-threshold', '1'], /--off-threshold must be in \[0, 1\)/],
    ];
    for (const [args, message] of cases) {
      const out = hebb(...args, '--db', db);
      expect(out.status, args.join(' ')).toBe(2);
      expect(out.stderr, args.join(' ')).toMatch(message);
    }
  }, 120_000);
});
