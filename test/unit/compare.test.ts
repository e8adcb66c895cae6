import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/common/model';
import { compareCsv, configDiff, groupCurve, type CompareRun } from '../../src/renderer/src/compare';
import { issuesByField, validate } from '../../src/renderer/src/forms/schema';

const gen = (generation: number, mean: number, wallMs = 1000): GenerationRecord => ({
  generation, mean, max: mean + 1, min: mean - 1, std: 0, perMorphology: {}, lr: 0.2, sigma: 0.1, envSteps: 1, wallMs, blownUp: 0,
});
const run = (id: number, means: number[], config: unknown = {}, wallMs = 1000): CompareRun => ({
  id, name: `r${id}`, config, generations: means.map((m, i) => gen(i, m, wallMs)),
});

describe('comparison math', () => {
  it('averages runs per generation with the population std, counting the runs that reached it', () => {
    const c = groupCurve([run(1, [0, 10, 20]), run(2, [2, 14])], 'generation');
    expect(c.x).toEqual([0, 1, 2]);
    expect(c.mean).toEqual([1, 12, 20]);
    expect(c.std).toEqual([1, 2, 0]);
    expect(c.n).toEqual([2, 2, 1]);
  });

  it('puts the group at the mean elapsed wall time on the wall-time axis', () => {
    const c = groupCurve([run(1, [0, 0], {}, 1000), run(2, [0, 0], {}, 3000)], 'wall');
    expect(c.x).toEqual([2, 4]); // (1 + 3) / 2 s, then (2 + 6) / 2 s
  });

  it('lists only the config keys that differ, nested keys dotted', () => {
    const a = run(1, [], { name: 'a', seed: 1, es: { popSize: 200, sigma: 0.1 }, policy: { kind: 'hebbian', rule: 'ABCD_lr' } });
    const b = run(2, [], { name: 'b', seed: 1, es: { popSize: 100, sigma: 0.1 }, policy: { kind: 'static' } });
    expect(configDiff([a, b])).toEqual([
      { key: 'es.popSize', values: ['200', '100'] },
      { key: 'name', values: ['"a"', '"b"'] },
      { key: 'policy.kind', values: ['"hebbian"', '"static"'] },
      { key: 'policy.rule', values: ['"ABCD_lr"', undefined] },
    ]);
  });

  it('exports one CSV row per run and generation, quoting labels that need it', () => {
    const csv = compareCsv([run(1, [5, 6])], [{ label: 'hebbian, ABCD_lr', runs: [1] }]).trim().split('\n');
    expect(csv).toEqual(['group,run,name,generation,mean,max,min,std,elapsed_s', '"hebbian, ABCD_lr",1,r1,0,5,6,4,0,1', '"hebbian, ABCD_lr",1,r1,1,6,7,5,0,2']);
  });
});

describe('new-run form validation', () => {
  it('maps the schema errors to field paths; a valid draft has none', () => {
    expect(validate({ name: 'ok' })).toEqual({});
    expect(Object.keys(validate({ name: ' ', es: { sigma: 0 }, generations: 0 })).sort()).toEqual(['es.sigma', 'generations', 'name']);
    expect(validate({ name: 'odd', es: { popSize: 7 } })).toEqual({ 'es.popSize': 'must be even (mirrored sampling)' });
    expect(issuesByField([{ path: 'run.es.popSize', message: 'must be even' }, { path: 'run.es.popSize', message: 'later' }])).toEqual({ 'es.popSize': 'must be even' });
  });
});
