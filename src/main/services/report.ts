/**
 * The paper report: one self-contained HTML file about a set of runs (usually a Hebbian and a static arm over
 * seeds) — the settings and commit, learning and held-out curves over seeds with bands, the seen/unseen table per
 * seed and pooled, the damage experiments those runs took part in with per-seed recovery, and the paper's reported
 * numbers beside ours, marked as the paper's. Charts are SVG rendered here, inline; no script, no network; it
 * prints on white.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pkg from '../../../package.json';
import { configPaths, differingPaths } from '../../common/config-paths';
import type { ExperimentRow } from '../../common/model';
import { bodyColumn } from '../../common/tables';
import { PAPER_CLAIMS, PAPER_VALUES } from '../../core/paper-results';
import { describeRecipe, recipeSchema } from '../../core/rollout/recipes';
import { recoveryWords } from '../../core/rollout/recovery';
import { summarise } from '../../core/stats';
import { damageCurvesOption, freezeTimeOption } from '../../common/charts/charts';
import { compareOption, heldoutCompareOption, heldoutMorphologies, type CompareRun } from '../../common/charts/compare';
import type { Store } from '../store/store';
import { attractorOption, coefficientOption, strengthOption } from '../../common/charts/analysis-charts';
import type { RuleReport } from '../../common/analysis';
import { inspectRunRules, weightTrajectories } from './analysis';
import { compareRuns } from './evaluation';
import { loadSvgCharts, renderSvg } from './svg-charts';

export interface ReportInput {
  readonly runIds: readonly number[];
  /** Lifetimes of the attractor plot (0 leaves it out); it lives them now, on the first Hebbian run's centre. */
  readonly attractorLifetimes?: number;
  /** The source revision the report's runs were trained with, when known (a git commit). */
  readonly commit: string | null;
  readonly generatedAt: Date;
}

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const table = (head: readonly string[], rows: readonly (readonly string[])[], cls = ''): string =>
  `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
const section = (title: string, body: string, id: string): string => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
const chart = (option: Record<string, unknown>, height = 380): string => `<figure>${renderSvg(option, { width: 900, height, theme: 'light' })}</figure>`;

/** The workbench's source revision when it runs from a git checkout (short hash, "+ changes" if dirty); else null. */
export function sourceCommit(): string | null {
  try {
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head} (with uncommitted changes)` : head;
  } catch {
    return null; // an installed build: no checkout to ask
  }
}

/** The report as one HTML document. Throws StoreError for a run that does not exist. */
export async function paperReport(store: Store, input: ReportInput): Promise<string> {
  await loadSvgCharts();
  const ids = [...input.runIds];
  const rows = new Map(ids.map((id) => [id, store.getRun(id)]));
  const runs: CompareRun[] = ids.map((id) => {
    const r = rows.get(id)!;
    return { id, name: r.name, config: r.config, generations: store.generations(id), heldout: store.heldout(id) };
  });
  const seedOf = new Map(ids.map((id) => [id, rows.get(id)!.seed]));
  const comparison = compareRuns(store, ids);
  const groups = comparison.rows.map((r) => ({ key: r.key, label: r.label, runs: r.runs }));
  const groupOf = new Map(groups.flatMap((g) => g.runs.map((id) => [id, g.label] as const)));
  const parts: string[] = [];

  // Settings: what all runs share, then what tells them apart.
  const flat = runs.map((r) => configPaths(r.config));
  const differing = new Set(differingPaths(runs.map((r) => r.config)).map((d) => d.key));
  const shared = Object.entries(flat[0] ?? {}).filter(([k]) => !differing.has(k));
  parts.push(section('Runs and settings', [
    table(['run', 'name', 'group', 'seed', 'status', 'generations trained'], runs.map((r) => {
      const row = rows.get(r.id)!;
      return [`#${r.id}`, esc(r.name), esc(groupOf.get(r.id) ?? ''), String(row.seed), esc(row.status), `${r.generations.length} of ${esc((r.config as { generations?: number }).generations ?? '?')}`];
    })),
    '<h3>Shared by every run</h3>',
    table(['setting', 'value'], shared.map(([k, v]) => [`<code>${esc(k)}</code>`, `<code>${esc(v)}</code>`]), 'settings'),
    differing.size > 0 ? '<h3>Different between runs</h3>' : '',
    differing.size > 0 ? table(['setting', ...runs.map((r) => `#${r.id}`)], [...differing].sort().map((k) => [`<code>${esc(k)}</code>`, ...flat.map((f) => `<code>${esc(f[k] ?? '—')}</code>`)]), 'settings') : '',
  ].join(''), 'settings'));

  parts.push(section('Learning curves over seeds', `<p>Population mean fitness per generation: per group the mean over its runs (seeds) with a ±std band, each run faint behind.</p>${chart(compareOption(runs, groups, 'generation'))}`, 'learning'));
  if (heldoutMorphologies(runs).length > 0) {
    parts.push(section('Held-out curves', `<p>The ES centre of generation g tested, as the runs train, on bodies they never train on — or, for the car, on unseen tracks, which no training lifetime drives: mean over seeds ± std.</p>${chart(heldoutCompareOption(runs, groups, 'generation'))}`, 'heldout'));
  }

  // Seen / unseen: each run's latest evaluation per body, and the group pooled over its runs' lifetimes.
  if (comparison.morphologies.length > 0) {
    const heads = comparison.morphologies.map((m) => esc(bodyColumn(comparison, m).label));
    const rows: string[][] = [];
    for (const row of comparison.rows) {
      for (const id of row.runs) {
        const latest = new Map(store.evaluations(id).map((e) => [e.morphology, e]));
        rows.push([esc(row.label), `#${id} (seed ${seedOf.get(id)})`, ...comparison.morphologies.map((m) => {
          const e = latest.get(m);
          return e ? `${num(e.mean)} ± ${num(e.std)} <span class="n">(${e.episodes})</span>` : '—';
        })]);
      }
      rows.push([`<b>${esc(row.label)}</b>`, '<b>pooled</b>', ...comparison.morphologies.map((m) => {
        const c = row.cells[m];
        return c ? `<b>${num(c.mean)} ± ${num(c.std)}</b> <span class="n">(${c.episodes})</span>` : '—';
      })]);
    }
    parts.push(section('Tests on bodies seen and unseen in training', `<p>Fitness (Σ progress) of each run's evaluated centre, mean ± std over its test lifetimes (how many in brackets); pooled: over all the group's lifetimes.</p>${table(['group', 'run', ...heads], rows)}`, 'tests'));
  }

  const experiments = store.experiments().filter((e) => e.runIds.some((id) => ids.includes(id)));
  if (experiments.length > 0) parts.push(section('Damage during a lifetime', experiments.map((e) => experimentBlock(e, seedOf)).join(''), 'damage'));

  const task = runs.some((r) => (r.config as { env?: string }).env === 'racing') ? 'racing' : 'quadruped';
  // The evolved rules of each Hebbian group's first run, and the weights' trajectories of the first one's lifetimes.
  const hebbian = comparison.rows.filter((r) => r.label.startsWith('hebbian')).map((r) => r.runs[0]!).slice(0, 2);
  if (hebbian.length > 0) parts.push(section('Evolved rules', rulesBlock(inspectRunRules(store, hebbian)), 'rules'));
  const lifetimes = input.attractorLifetimes ?? 5;
  if (hebbian.length > 0 && task === 'quadruped' && lifetimes > 1) {
    const morphology = (runs.find((r) => r.id === hebbian[0])!.config as { morphologies: string[] }).morphologies[0]!;
    const t = await weightTrajectories(store, hebbian[0]!, { morphology, lifetimes, stride: 10 });
    parts.push(section('Weight trajectories (attractors)', `<p>${lifetimes} lifetimes of run #${t.runId}'s centre on ${esc(morphology)}, each from its own random initial weights (recording seeds ${esc(t.seeds.join(', '))}); the flattened weights every ${t.stride} steps projected on their top principal components, and how far apart the lifetimes are over time.</p>${chart(attractorOption(t), 460)}`, 'attractors'));
  }
  const paper = PAPER_VALUES.filter((v) => v.task === task);
  parts.push(section("The paper's numbers, beside ours", [
    "<p class=\"paper\">Marked <b>paper</b>: reported by Najarro &amp; Risi (2020) in pybullet and gym, as quoted by secondary sources (the paper's tables could not be read); not comparable in absolute value with this simulator's.</p>",
    table(['', 'network', 'condition', 'value', 'note'], paper.map((v) => ['<b>paper</b>', v.network, esc(v.condition), `${v.mean} ± ${v.std} ${esc(v.units)}`, esc(v.note)])),
    '<h3>Claims to check</h3>',
    `<ul>${PAPER_CLAIMS.filter((c) => c.task === task).map((c) => `<li><b>paper:</b> ${esc(c.claim)}</li>`).join('')}</ul>`,
  ].join(''), 'paper'));

  const title = `Hebbian Workbench report: ${groups.map((g) => g.label).join(' vs ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1>
<p class="meta">Generated ${esc(input.generatedAt.toISOString())} by Hebbian Workbench ${esc(pkg.version)}${input.commit ? `, commit <code>${esc(input.commit)}</code>` : ''}; runs ${ids.map((id) => `#${id}`).join(', ')}.</p></header>
${parts.join('\n')}
</body></html>
`;
}

/** Per plastic layer: the share of synapses whose rule is effectively off, A's distribution and the strengths. */
function rulesBlock(report: RuleReport): string {
  const layers = report.runs[0]?.layers ?? [];
  const rows = report.runs.flatMap((r) => r.layers.map((l, k) => [`#${r.runId} ${esc(r.name)}`, `W${k + 1}`, esc(r.rule), String(l.synapses), `${l.off} (${num(100 * l.offShare)} %)`]));
  return [
    `<p>A synapse's rule is off when its update's strength (max |a|, |b|, |c|, |d|) is below ${report.offRelative} × its layer's median (docs/METHOD.md#rule-inspection).</p>`,
    table(['run', 'layer', 'rule', 'synapses', 'off'], rows),
    ...layers.map((_, k) => `<h3>W${k + 1}</h3>${chart(coefficientOption(report, k, 'A'), 260)}${chart(strengthOption(report, k), 260)}`),
  ].join('');
}

/** One damage experiment: its chart, and per run (seed) and condition the fitness and the recovery per lifetime. */
function experimentBlock(e: ExperimentRow, seedOf: ReadonlyMap<number, number>): string {
  const recipe = recipeSchema.parse(e.recipe);
  const option = recipe.kind === 'stopPlasticity' ? freezeTimeOption(e) : damageCurvesOption(e);
  const rows = e.results.flatMap((r) =>
    r.conditions.map((c) => {
      const fit = summarise(c.fitness);
      const rec = c.recovery;
      return [
        `#${r.runId} ${esc(r.name)} <span class="n">(${r.policy}${seedOf.has(r.runId) ? `, seed ${seedOf.get(r.runId)}` : ''})</span>`,
        esc(c.label),
        `${num(fit.mean)} ± ${num(fit.std)}`,
        rec ? (rec.share === null ? 'none walking before' : `${rec.recovered} of ${rec.walking}`) : '—',
        rec ? esc(recoveryWords(rec).join(', ')) : '—',
      ];
    }));
  return `<h3>Experiment ${e.id}: ${esc(describeRecipe(recipe))} on ${esc(e.morphology)}, lifetime seeds ${esc(e.seeds.join(', '))}</h3>
${chart(option, 340)}
${table(['run', 'condition', 'fitness over seeds', 'recovered (80 % of the speed before)', 'steps to recover, per lifetime seed'], rows)}`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; background: #fff; margin: 2rem auto; max-width: 960px; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #d0d7de; text-align: left; vertical-align: top; }
table.settings td { font-size: 12px; } code { font-size: 12px; } .meta, .n, .paper { color: #57606a; }
figure { margin: 0.5rem 0; } figure svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } section, figure, table { break-inside: avoid; } }
`;
