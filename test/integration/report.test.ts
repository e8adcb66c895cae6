import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryWords } from '../../src/core/rollout/recovery';
import { evaluateRun } from '../../src/main/services/evaluation';
import { runExperiment } from '../../src/main/services/experiments';
import { paperReport } from '../../src/main/services/report';
import { Store } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';
import { HEBB } from '../support/cli';

const BASE = { es: { popSize: 4, noiseTableSize: 1 << 20 }, generations: 2, morphologies: ['standard'], heldout: { morphologies: ['damaged-left'], every: 1, episodes: 1 } };
let dir: string;
let db: string;
const ids: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hebb-report-'));
  db = join(dir, 'w.db');
  const store = Store.open(db);
  ensurePresets(store);
  for (const [name, seed, policy] of [['h1', 1, 'hebbian'], ['h2', 2, 'hebbian'], ['s1', 1, 'static']] as const) {
    const { id } = createRun(store, { ...BASE, name, seed, policy: { kind: policy } });
    await train(store, id, { workers: 2 });
    await evaluateRun(store, id, { morphologies: ['standard', 'damaged-left'], episodes: 2 });
    ids.push(id);
  }
  await runExperiment(store, { recipe: { kind: 'freezeActuators' }, runIds: ids, morphology: 'standard', seeds: [1, 2] });
  store.close();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text of the HTML with tags and SVG dropped, entities as written. */
const text = (html: string): string => html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the paper report', () => {
  it('puts the settings, curves, per-seed tests, damage recovery, rules, attractors and the paper numbers in one file with nothing to fetch', async () => {
    const store = Store.open(db);
    const html = await paperReport(store, { runIds: ids, commit: 'abc123', generatedAt: new Date(0), attractorLifetimes: 2 });
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // no script, no address but SVG's namespace
    expect([...html.matchAll(/<section id="(\w+)"/g)].map((m) => m[1])).toEqual(['settings', 'learning', 'heldout', 'tests', 'damage', 'rules', 'attractors', 'paper']);
    // learning, held-out, the freeze experiment, two charts per plastic layer, the attractor plot
    expect(html.match(/<svg/g)).toHaveLength(3 + 2 * 3 + 1);
    const t = text(html);
    expect(t).toContain('commit abc123');
    // Every run's latest evaluation, per seed, as the store holds it.
    for (const id of ids) {
      const standard = store.evaluations(id).filter((e) => e.morphology === 'standard').at(-1)!;
      expect(t).toContain(`#${id} (seed ${store.getRun(id).seed}) ${standard.mean.toFixed(1)} ± ${standard.std.toFixed(1)} (2)`);
    }
    // The freeze experiment: per run and condition, the recovery of each lifetime seed as the experiment stored it.
    const experiment = store.experiments()[0]!;
    for (const r of experiment.results) {
      const damaged = r.conditions[1]!;
      expect(t).toContain(`${damaged.label} `);
      expect(t).toContain(recoveryWords(damaged.recovery!).join(', '));
    }
    // The rules of the first Hebbian group's first run, per layer: 28 → 128 → 64 → 8 synapses.
    for (const [layer, synapses] of [['W1', 128 * 28], ['W2', 64 * 128], ['W3', 8 * 64]] as const) expect(t).toMatch(new RegExp(`#${ids[0]} h1 ${layer} ABCD_lr ${synapses} \\d+ \\(`));
    expect(t).toContain(`2 lifetimes of run #${ids[0]}'s centre on standard, each from its own random initial weights (recording seeds 1, 2)`);
    expect(t).toContain('paper static a seen body (column not named) 1604 ± 171');
    expect(t).not.toContain('872 ± 11'); // the car's numbers belong to a racing report
    store.close();
  });

  it('hebb report writes the file whole, and refuses a run that does not exist', () => {
    const out = join(dir, 'report.html');
    const ok = spawnSync(process.execPath, [HEBB, 'report', ...ids.map(String), '--db', db, '--out', out, '--attractor-lifetimes', '0'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    expect(readFileSync(out, 'utf8')).not.toContain('id="attractors"'); // 0 lifetimes: left out
    const missing = spawnSync(process.execPath, [HEBB, 'report', '99', '--db', db], { encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('no run with id 99');
  });
});
