// The paper's quadruped experiment over training seeds, reproducibly and resumably (issue 12 item 8): per seed a
// Hebbian ABCD_lr and a static run on standard + damaged-right with held-out tests on damaged-left; then each
// trained centre tested for K lifetimes on the three bodies; then the three damage recipes on standard; then one
// JSON summary. Re-running continues where it stopped: runs are found by name, finished work is not redone.
//   npx tsx scripts/paper-runs.ts --db PATH --seeds 1,2,3 --pop P --generations G [--workers N]
//        [--episodes 20] [--damage-seeds 1-10] [--stop-times 0,10,25,50,100,200,400] [--out docs/results/paper-runs.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runConfig, type RunConfigInput } from '../src/core/config';
import { parseRecipe, parseSeedList, type RecipeInput } from '../src/core/rollout/recipes';
import { summarise } from '../src/core/stats';
import type { ExperimentRow } from '../src/common/model';
import { stopSignal } from '../src/cli/commands/train';
import { compareRuns, evaluateRun } from '../src/main/services/evaluation';
import { runExperiment } from '../src/main/services/experiments';
import { Store } from '../src/main/store/store';
import { createRun, ensurePresets, train } from '../src/main/training/coordinator';

const BODIES = ['standard', 'damaged-right', 'damaged-left'];
const ARMS = { hebbian: { kind: 'hebbian', rule: 'ABCD_lr' }, static: { kind: 'static' } } as const;
type Arm = keyof typeof ARMS;

function usage(message: string): never {
  process.stderr.write(`paper-runs: ${message}\nusage: npx tsx scripts/paper-runs.ts --db PATH --seeds 1,2,3 --pop P --generations G [--workers N] [--episodes K] [--damage-seeds 1-10] [--stop-times 0,50] [--out FILE]\n`);
  process.exit(2);
}
const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  if (i + 1 >= args.length) usage(`${flag} needs a value`);
  return args.splice(i, 2)[1];
};
const positive = (flag: string, text: string | undefined): number => {
  const v = Number(text);
  if (text === undefined || !Number.isSafeInteger(v) || v < 1) usage(`${flag} must be a positive integer${text === undefined ? ' (required)' : `, got "${text}"`}`);
  return v;
};
const int = (flag: string, fallback?: number): number => {
  const text = take(flag);
  return text === undefined && fallback !== undefined ? fallback : positive(flag, text);
};
const list = (flag: string, fallback: string): number[] => {
  const l = parseSeedList(take(flag) ?? fallback);
  return typeof l === 'string' ? usage(`${flag}: ${l}`) : l;
};
const db = take('--db') ?? usage('--db is required');
const seeds = list('--seeds', '1,2,3');
const pop = int('--pop');
const generations = int('--generations');
const workersText = take('--workers');
const workers = workersText === undefined ? undefined : positive('--workers', workersText);
const episodes = int('--episodes', 20);
const damageSeeds = list('--damage-seeds', '1-10');
const stopTimes = list('--stop-times', '0,10,25,50,100,200,400');
const out = take('--out') ?? 'docs/results/paper-runs.json';
if (args.length > 0) usage(`unknown argument ${args[0]}`);

const store = Store.open(db);
ensurePresets(store);
const signal = stopSignal();

/** The run of an arm and seed at this budget: found by its name, created on the first call. */
function runFor(arm: Arm, seed: number): number {
  const name = `paper-runs ${arm} seed ${seed} pop ${pop} gen ${generations}`;
  const input: RunConfigInput = {
    name, seed, policy: ARMS[arm], morphologies: ['standard', 'damaged-right'], es: { popSize: pop }, generations,
    heldout: { morphologies: ['damaged-left'], every: 10, episodes: 5 },
  };
  const found = store.listRuns().filter((r) => r.name === name);
  if (found.length > 1) usage(`several runs are named "${name}" (${found.map((r) => r.id).join(', ')}): rename all but one`);
  if (found.length === 0) return createRun(store, input).id;
  if (JSON.stringify(runConfig(found[0]!.config)) !== JSON.stringify(runConfig(input))) usage(`run ${found[0]!.id} "${name}" has another config: rename it`);
  return found[0]!.id;
}

const runs = seeds.flatMap((seed) => (Object.keys(ARMS) as Arm[]).map((arm) => ({ arm, seed, id: runFor(arm, seed) })));
for (const r of runs) {
  if (store.generations(r.id).length >= generations) continue;
  process.stdout.write(`training run ${r.id} (${r.arm}, seed ${r.seed})\n`);
  const status = await train(store, r.id, { workers, interrupt: () => (signal.stop() ? 'paused' : null) });
  if (status !== 'finished') {
    process.stdout.write(`run ${r.id} ${status}: run the script again to continue\n`);
    process.exit(0);
  }
}
// From here on each step is stored whole or not at all: Ctrl-C may end the process again.
signal.dispose();

for (const r of runs) {
  const done = new Set(store.evaluations(r.id).filter((e) => e.generation === generations && e.episodes === episodes).map((e) => e.morphology));
  const missing = BODIES.filter((m) => !done.has(m));
  if (missing.length === 0) continue;
  process.stdout.write(`testing run ${r.id} on ${missing.join(', ')}\n`);
  await evaluateRun(store, r.id, { morphologies: missing, episodes, generation: generations });
}

const recipes: [string, RecipeInput][] = [
  ['freeze', { kind: 'freezeActuators', from: 300, to: 400, value: 1 }],
  ['zero', { kind: 'zeroWeights', at: 300, fraction: 1 / 3 }],
  ['plasticity', { kind: 'stopPlasticity', times: stopTimes }],
];
const runIds = runs.map((r) => r.id);
const experiments: Record<string, ExperimentRow> = {};
for (const [key, input] of recipes) {
  const recipe = JSON.stringify(parseRecipe(input));
  const same = (e: ExperimentRow): boolean =>
    JSON.stringify(e.recipe) === recipe && e.morphology === 'standard' && JSON.stringify(e.seeds) === JSON.stringify(damageSeeds) &&
    JSON.stringify(e.runIds) === JSON.stringify(runIds) && e.results.every((x) => x.generation === generations);
  const stored = store.experiments().find(same);
  if (!stored) process.stdout.write(`damage experiment ${key} over seeds ${damageSeeds.join(',')}\n`);
  experiments[key] = stored ?? (await runExperiment(store, { recipe: input, runIds, morphology: 'standard', seeds: damageSeeds, generation: generations }));
}

const band = (xs: number[]): { mean: number; std: number } => ({ mean: summarise(xs).mean, std: summarise(xs).std });
const armSummary = (arm: Arm): unknown => {
  const mine = runs.filter((r) => r.arm === arm);
  const perSeed = mine.map((r) => {
    const curve = store.generations(r.id).map((g) => g.mean);
    const heldout = store.heldout(r.id).map((h) => ({ generation: h.generation, morphology: h.morphology, mean: h.mean, std: h.std }));
    const tests = Object.fromEntries(
      store.evaluations(r.id).filter((e) => e.generation === generations && e.episodes === episodes).map((e) => [e.morphology, { mean: e.mean, std: e.std, seen: e.seen }]),
    );
    return { seed: r.seed, run: r.id, finalMean: curve.at(-1)!, finalHeldout: heldout.at(-1)?.mean ?? null, curve, heldout, tests };
  });
  const damage = Object.fromEntries(
    Object.entries(experiments).map(([key, e]) => {
      const results = e.results.filter((x) => mine.some((r) => r.id === x.runId));
      if (results.length === 0) return [key, null];
      const conditions = results[0]!.conditions.map((c, ci) => {
        const each = results.map((x) => ({ seed: mine.find((r) => r.id === x.runId)!.seed, c: x.conditions[ci]! }));
        const rec = each.map(({ c: k }) => k.recovery ?? null);
        const recovered = rec.reduce((s, r) => s + (r?.recovered ?? 0), 0);
        const walking = rec.reduce((s, r) => s + (r?.walking ?? 0), 0);
        return {
          label: c.label, ...(c.at !== undefined ? { at: c.at } : {}),
          perSeed: each.map(({ seed, c: k }) => ({ seed, fitness: band(k.fitness), steps: k.recovery?.steps ?? null, recovered: k.recovery?.recovered ?? null, walking: k.recovery?.walking ?? null })),
          pooled: { fitness: band(each.flatMap(({ c: k }) => k.fitness)), ...(rec.every((r) => r === null) ? {} : { recovered, walking, share: walking > 0 ? recovered / walking : null }) },
        };
      });
      return [key, { experiment: e.id, conditions }];
    }),
  );
  const curves = perSeed.map((s) => s.curve);
  const pooledCurve = curves[0]!.map((_, g) => band(curves.map((c) => c[g]!)));
  return { perSeed, pooled: { finalMean: band(perSeed.map((s) => s.finalMean)), curve: pooledCurve }, damage };
};

const comparison = compareRuns(store, runIds);
const summary = {
  budget: {
    population: pop, generations, trainingSeeds: seeds, lifetimesPerRun: pop * generations * 2, testEpisodes: episodes, damageSeeds,
    paper: 'code defaults population 200, 300 generations; a published reproduction 500 × 500',
  },
  hebbian: armSummary('hebbian'),
  static: armSummary('static'),
  seenUnseen: comparison,
};
const text = `${JSON.stringify(summary, null, 1)}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
process.stdout.write(`summary written to ${out}\n`);
store.close();
