import { describe, expect, it } from 'vitest';
import type { GenerationRecord, HeldoutRecord } from '../../src/common/model';
import { fitnessOption, heldoutCurves } from '../../src/common/charts/charts';
import { compareCsv, compareOption, configDiff, ema, groupColours, groupCurve, groupHeldoutCurve, heldoutCompareOption, logYBlocker, type CompareRun } from '../../src/common/charts/compare';
import { defaultDraft, forEnv, issuesByField, notApplying, validate } from '../../src/renderer/src/forms/schema';

const gen = (generation: number, mean: number, wallMs = 1000): GenerationRecord => ({
  generation, mean, max: mean + 1, min: mean - 1, std: 0, perMorphology: {}, lr: 0.2, sigma: 0.1, envSteps: 1, wallMs, blownUp: 0,
});
const run = (id: number, means: number[], config: unknown = {}, wallMs = 1000, heldout: HeldoutRecord[] = []): CompareRun => ({
  id, name: `r${id}`, config, generations: means.map((m, i) => gen(i, m, wallMs)), heldout,
});
const test = (generation: number, mean: number, std = 0, morphology = 'damaged-left'): HeldoutRecord => ({
  generation, morphology, episodes: 2, mean, std, fitness: [mean - std, mean + std], distance: [0, 0], envSteps: 10,
});
type Series = { name: string; data: [number, number][] };
const named = (option: Record<string, unknown>, name: string): [number, number][] => (option['series'] as Series[]).find((s) => s.name === name)!.data;

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
    const csv = compareCsv([run(1, [5, 6])], [{ key: '1', label: 'hebbian, ABCD_lr', runs: [1] }]).trim().split('\n');
    expect(csv).toEqual(['group,run,name,generation,mean,max,min,std,elapsed_s', '"hebbian, ABCD_lr",1,r1,0,5,6,4,0,1', '"hebbian, ABCD_lr",1,r1,1,6,7,5,0,2']);
  });
});

describe('held-out curves', () => {
  // Three seeds tested on damaged-left at generations 0 and 2; the third stopped after generation 0.
  const seeds = [
    run(1, [0, 0, 0], {}, 1000, [test(2, 30), test(0, 0)]),
    run(2, [0, 0, 0], {}, 3000, [test(0, 3), test(2, 50)]),
    run(3, [0], {}, 2000, [test(0, 6)]),
  ];

  it('averages the runs tested at each generation, with the population std over seeds', () => {
    const c = groupHeldoutCurve(seeds, 'damaged-left', 'generation');
    expect(c.x).toEqual([0, 2]);
    expect(c.mean).toEqual([3, 40]); // (0 + 3 + 6) / 3, (30 + 50) / 2
    expect(c.std[0]).toBeCloseTo(Math.sqrt(6), 12); // ((−3)² + 0² + 3²) / 3 = 6
    expect(c.std[1]).toBe(10);
    expect(c.n).toEqual([3, 2]);
    expect(groupHeldoutCurve(seeds, 'standard', 'generation').x).toEqual([]);
  });

  it('places a test at the mean time its runs committed that generation', () => {
    // Generation 0 ends at 1, 3 and 2 s; generation 2 at 3 and 9 s.
    expect(groupHeldoutCurve(seeds, 'damaged-left', 'wall').x).toEqual([2, 6]);
  });

  it('draws each group as a mean line in a ±std band (the band stacks std·2 on mean − std)', () => {
    const option = heldoutCompareOption(seeds, [{ key: '1', label: 'hebbian', runs: [1, 2, 3] }], 'generation');
    expect(named(option, 'hebbian · damaged-left')).toEqual([[0, 3], [2, 40]]);
    expect(named(option, 'hebbian · damaged-left ± std lower')).toEqual([[0, 3 - Math.sqrt(6)], [2, 30]]);
    expect(named(option, 'hebbian · damaged-left ± std')[1]).toEqual([2, 20]);
    expect(named(option, 'run 3 · r3 · damaged-left')).toEqual([[0, 6]]);
  });

  it("puts a run's own tests on its fitness chart, by generation, with a ±std band over the lifetimes", () => {
    const tests = [test(10, 50, 5), test(0, 20, 2), test(0, 1, 0, 'tripod')];
    expect(heldoutCurves(tests).get('damaged-left')).toEqual({ x: [0, 10], mean: [20, 50], std: [2, 5] });
    const option = fitnessOption([gen(0, 1), gen(10, 2)], tests);
    expect(named(option, 'held-out damaged-left (centre)')).toEqual([[0, 20], [10, 50]]);
    expect(named(option, 'held-out damaged-left (centre) ± std lower')).toEqual([[0, 18], [10, 45]]);
    expect(named(option, 'held-out damaged-left (centre) ± std')).toEqual([[0, 4], [10, 10]]);
    expect(named(option, 'held-out tripod (centre)')).toEqual([[0, 1]]);
    expect((option['legend'] as { data: string[] }).data).toContain('held-out tripod (centre)');
  });

  it('exports the held-out means beside the training columns, empty where a generation was not tested', () => {
    const csv = compareCsv([seeds[0]!], [{ key: '1', label: 'h', runs: [1] }]).trim().split('\n');
    expect(csv).toEqual(['group,run,name,generation,mean,max,min,std,elapsed_s,heldout_damaged-left', 'h,1,r1,0,0,1,-1,0,1,0', 'h,1,r1,1,0,1,-1,0,2,', 'h,1,r1,2,0,1,-1,0,3,30']);
  });
});

describe('new-run form validation', () => {
  it('maps the schema errors to field paths; a valid draft has none', () => {
    expect(validate({ name: 'ok' })).toEqual({});
    expect(Object.keys(validate({ name: ' ', es: { sigma: 0 }, generations: 0 })).sort()).toEqual(['es.sigma', 'generations', 'name']);
    expect(validate({ name: 'odd', es: { popSize: 7 } })).toEqual({ 'es.popSize': 'must be even (mirrored sampling)' });
    expect(issuesByField([{ path: 'run.es.popSize', message: 'must be even' }, { path: 'run.es.popSize', message: 'later' }])).toEqual({ 'es.popSize': 'must be even' });
    expect(validate({ name: 'x', morphologies: ['standard'], heldout: { morphologies: ['standard'] } })).toEqual({
      'heldout.morphologies': 'must not include a training morphology (held-out bodies are never trained on)',
    });
  });

  it('offers held-out testing, off by default (no bodies), every 10 generations, 5 lifetimes', () => {
    expect(defaultDraft()['heldout']).toEqual({ morphologies: [], every: 10, episodes: 5 });
  });

  it("keeps each task's held-out fields: bodies for the quadruped, unseen tracks for the car", () => {
    // A draft edited under both tasks: whichever env is chosen, the other task's fields are left out of the config.
    const draft = { ...defaultDraft(), name: 'x', heldout: { morphologies: ['damaged-left'], tracks: true, every: 2, episodes: 1 } };
    const car = forEnv({ ...draft, env: 'racing' });
    expect(car['heldout']).toEqual({ tracks: true, every: 2, episodes: 1 });
    expect(['morphologies', 'physics'].filter((k) => k in car)).toEqual([]);
    expect(validate(car)).toEqual({});
    const ant = forEnv({ ...draft, env: 'quadruped' });
    expect(ant['heldout']).toEqual({ morphologies: ['damaged-left'], every: 2, episodes: 1 });
    expect(validate(ant)).toEqual({});
    expect(notApplying('racing')).toContain('heldout.morphologies');
    expect(notApplying('quadruped')).toEqual(['heldout.tracks']);
    expect(validate({ name: 'x', heldout: { tracks: true } })).toEqual({ 'heldout.tracks': 'applies to racing runs only (a quadruped run is tested on held-out bodies: heldout.morphologies)' });
  });
});

describe('the comparison chart as a researcher reads it', () => {
  const groupsOf = (...g: [string, string, number[]][]) => g.map(([key, label, runs]) => ({ key, label, runs }));

  it('smooths with a debiased EMA: the first point is kept, later ones pulled towards the past', () => {
    // weight 0.5: s0 = 0.5·10 / (1 − 0.5) = 10; s1 = (0.25·10 + 0.5·20) / (1 − 0.25) = 12.5 / 0.75
    expect(ema([10, 20], 0.5)).toEqual([10, 12.5 / 0.75]);
    expect(ema([3, -1, 7], 0)).toEqual([3, -1, 7]);
  });

  it('draws the smoothed mean and band over the smoothed runs, with the raw mean faint behind', () => {
    const runs = [run(1, [10, 20]), run(2, [30, 40])];
    const option = compareOption(runs, groupsOf(['a', 'hebbian', [1, 2]]), 'generation', { smoothing: 0.5, logY: false, zoom: false });
    // Runs smoothed: [10, 16.67] and [30, 36.67]; their mean [20, 26.67]; the raw mean [20, 30].
    expect(named(option, 'hebbian').map(([, y]) => y)).toEqual([20, (12.5 / 0.75 + 27.5 / 0.75) / 2]);
    expect(named(option, 'hebbian (raw)')).toEqual([[0, 20], [1, 30]]);
  });

  it('gives every group its own legend entry, even when two could not be told apart by config', () => {
    const option = compareOption([run(1, [1]), run(2, [2]), run(3, [3])], groupsOf(['a', 'hebbian · pop 16', [1]], ['b', 'hebbian', [2]], ['c', 'hebbian', [3]]), 'generation');
    expect((option['legend'] as { data: string[] }).data).toEqual(['hebbian · pop 16', 'hebbian (runs 2)', 'hebbian (runs 3)']);
  });

  it('keeps a group\'s colour whatever it is compared with, and never gives two groups one colour', () => {
    // Keys 0x0a and 0x14 both hash to palette slot 0 (10 colours): the second takes the next free one.
    const [alone] = groupColours(groupsOf(['00000014', 'x', [1]]));
    const [first, second] = groupColours(groupsOf(['0000000a', 'y', [1]], ['00000014', 'x', [2]]));
    expect(first).toBe(alone);
    expect(second).not.toBe(first);
    expect(groupColours(groupsOf(['00000015', 'z', [1]], ['00000014', 'x', [2]]))[1]).toBe(alone);
  });

  it('tooltips give the generation as an integer, values rounded, group mean ± std and run names', () => {
    const runs = [{ ...run(1, [100.456, 200.4]), name: 'seed one' }, run(2, [101.1, 210.9])];
    const option = compareOption(runs, groupsOf(['a', 'hebbian', [1, 2]]), 'generation');
    const format = (option['tooltip'] as { formatter: (p: unknown) => string }).formatter;
    const params = ['run 1 · seed one', 'run 2 · r2', 'hebbian ± std', 'hebbian'].map((seriesName) => ({ seriesName, dataIndex: 1, marker: '', value: [1.0000001, seriesName === 'hebbian' ? 205.65 : 1] }));
    expect(format(params).split('<br>')).toEqual(['generation 1', '<b>hebbian</b>: 206 ± 5.3', '&nbsp;&nbsp;&nbsp;run 1 · seed one: 1.0', '&nbsp;&nbsp;&nbsp;run 2 · r2: 1.0']);
  });

  it('offers a log axis only when every value is above 0, and says which run is in the way', () => {
    expect(logYBlocker([run(1, [1, 2]), run(2, [5, 0])])).toBe('run 2 has fitness 0: a log axis shows only values above 0');
    expect(logYBlocker([run(1, [1, 2])])).toBeNull();
    const blocked = compareOption([run(1, [-3, 2])], groupsOf(['a', 'h', [1]]), 'generation', { smoothing: 0, logY: true, zoom: false });
    expect((blocked['yAxis'] as { type: string }).type).toBe('value');
    const log = compareOption([run(1, [3, 2]), run(2, [1, 20])], groupsOf(['a', 'h', [1, 2]]), 'generation', { smoothing: 0, logY: true, zoom: true });
    expect((log['yAxis'] as { type: string }).type).toBe('log');
    // mean 2, std 1 at generation 0: the band's lower edge 1 is above 0 and kept; at generation 1 mean 11 − std 9 = 2.
    expect(named(log, 'h ± std lower')).toEqual([[0, 1], [1, 2]]);
    expect(log['dataZoom']).toBeDefined();
  });

  it('ends the generation axis at the last generation drawn, with integer ticks', () => {
    const axis = compareOption([run(1, [1, 2, 3])], groupsOf(['a', 'h', [1]]), 'generation')['xAxis'] as Record<string, unknown>;
    expect([axis['min'], axis['max'], axis['minInterval']]).toEqual([0, 'dataMax', 1]);
  });
});
