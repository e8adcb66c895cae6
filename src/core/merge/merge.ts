/**
 * Evolve & Merge (Pedersen & Risi, GECCO 2021; docs/METHOD.md): the ES evolves a table of R rules (R × K
 * coefficients) followed by the genome's other segments (co-evolved initial weights, the car's conv), and an
 * assignment says which row each synapse follows. At scheduled generations the rules are clustered by weighted
 * K-means into fewer; the centroids become the table and the assignment is remapped.
 *
 * The network never sees the table: a candidate's table is expanded into the ordinary genome (one row per
 * synapse, `genomeLayout`'s order) before the policy loads it, so kernels, policies, recordings and analyses are
 * those of any Hebbian run. Before the first merge the table is one row per synapse and the assignment the
 * identity, so a merging run's first generations are exactly those of the same run without merging.
 */
import type { MergeSchedule, PolicySpec, RunConfig } from '../config';
import type { EsState } from '../es/openai-es';
import { synapseCount, type MlpSpec } from '../nn/mlp';
import { genomeLayout } from '../policy/genome';
import { ruleDef } from '../plasticity/rules';
import { Domain, RandomStream } from '../random';
import { taskNet } from '../tasks';
import { weightedKMeans, type KMeansResult } from './kmeans';

/** How a Hebbian genome splits into the rule coefficients and the rest. */
export interface RuleGeometry {
  readonly synapses: number;
  /** Coefficients per rule (K). */
  readonly coefficients: number;
  /** Length of the ordinary genome (synapses × K + the other segments). */
  readonly genomeSize: number;
  /** Entries after the rule coefficients (co-evolved initial weights, conv weights). */
  readonly rest: number;
}

export function ruleGeometry(net: MlpSpec, policy: PolicySpec): RuleGeometry {
  if (policy.kind !== 'hebbian') throw new RangeError('only a Hebbian policy has rules to merge');
  const synapses = synapseCount(net);
  const coefficients = ruleDef(policy.rule).coefficients;
  const genomeSize = genomeLayout(net, policy).size;
  return { synapses, coefficients, genomeSize, rest: genomeSize - synapses * coefficients };
}

/** The rules of a merged centre θ (its table rows), refusing a length that is not a table plus the rest. */
export function tableRules(geometry: RuleGeometry, thetaLength: number): number {
  const rules = (thetaLength - geometry.rest) / geometry.coefficients;
  if (!Number.isInteger(rules) || rules < 1 || rules > geometry.synapses) {
    throw new RangeError(`a merged centre of ${thetaLength} parameters is not a table of whole rules (${geometry.coefficients} coefficients each, 1 to ${geometry.synapses}) followed by ${geometry.rest} other parameters`);
  }
  return rules;
}

/** Length of θ with `rules` rows in the table. */
export const mergedSize = (geometry: RuleGeometry, rules: number): number => rules * geometry.coefficients + geometry.rest;

/** The assignment before any merge: synapse s follows row s. */
export function identityAssignment(synapses: number): Int32Array {
  return Int32Array.from({ length: synapses }, (_, s) => s);
}

/**
 * Writes the ordinary genome of a merged θ into `out` (length geometry.genomeSize): synapse s gets table row
 * assignment[s]; the other segments are copied. Per candidate, not per step: S × K copies (docs/BENCHMARKS.md).
 */
export function expandGenome(geometry: RuleGeometry, theta: Float32Array, assignment: Int32Array, out: Float32Array): Float32Array {
  const { synapses: S, coefficients: K, genomeSize, rest } = geometry;
  if (assignment.length !== S) throw new RangeError(`the rule assignment has ${assignment.length} synapses; the network has ${S}`);
  if (out.length !== genomeSize) throw new RangeError(`the expanded genome needs ${genomeSize} parameters, got a buffer of ${out.length}`);
  const rules = tableRules(geometry, theta.length);
  for (let s = 0; s < S; s++) {
    const r = assignment[s]!;
    if (!(r >= 0 && r < rules)) throw new RangeError(`synapse ${s} is assigned rule ${r}; the table has rules 0 to ${rules - 1}`);
    for (let q = 0, from = r * K, to = s * K; q < K; q++) out[to + q] = theta[from + q]!;
  }
  if (rest > 0) out.set(theta.subarray(rules * K), S * K);
  return out;
}

/** The number of rules a merge leaves of `rules`: max(floor, ⌈rules / factor⌉), never more than before. */
export function mergedRuleCount(schedule: MergeSchedule, rules: number): number {
  return Math.min(rules, Math.max(schedule.floor, Math.ceil(rules / schedule.factor)));
}

/** Whether the centre of generation `generation` is a merge of the one before (rules > the count it leaves). */
export function mergeDue(schedule: MergeSchedule | null, generation: number, rules: number): boolean {
  return schedule !== null && generation > 0 && generation % schedule.every === 0 && mergedRuleCount(schedule, rules) < rules;
}

/** One stage of a run: from generation `from` on, the table has `rules` rules. */
export interface MergeStage {
  readonly from: number;
  readonly rules: number;
}

/**
 * The table sizes over a run of `generations`, as the schedule fixes them (a merge always leaves exactly the
 * count it aims at: merge.ts, `mergeRules`): the first stage from generation 0, one more per merge.
 */
export function mergeStages(schedule: MergeSchedule | null, synapses: number, generations: number): MergeStage[] {
  const stages: MergeStage[] = [{ from: 0, rules: synapses }];
  if (schedule === null) return stages;
  for (let g = schedule.every; g < generations; g += schedule.every) {
    const rules = stages.at(-1)!.rules;
    if (!mergeDue(schedule, g, rules)) break;
    stages.push({ from: g, rules: mergedRuleCount(schedule, rules) });
  }
  return stages;
}

/** Rules in the table of generation g's centre. */
export function rulesAt(stages: readonly MergeStage[], generation: number): number {
  let rules = stages[0]!.rules;
  for (const s of stages) if (s.from <= generation) rules = s.rules;
  return rules;
}

/**
 * Merges the rules of an ES state into k: weighted K-means of the table rows (weight = synapses following the
 * row), k-means++ seeded from (run seed, generation of the state). The centroids become the table (float32), the
 * assignment is remapped, the other segments are kept; Adam's moments of a merged row are the same weighted mean
 * of the rows' moments as the centroid is of their coefficients, and its step count, α and σ go on unchanged.
 */
export function mergeRules(geometry: RuleGeometry, state: EsState, k: number, runSeed: number): { state: EsState; clusters: KMeansResult } {
  const assignment = state.assignment;
  if (!assignment) throw new RangeError('the ES state has no rule assignment (the run does not merge rules)');
  const K = geometry.coefficients;
  const rules = tableRules(geometry, state.theta.length);
  const weights = new Float64Array(rules);
  for (const r of assignment) weights[r]!++;
  const unused = weights.indexOf(0);
  if (unused >= 0) throw new RangeError(`rule ${unused} of the table has no synapse`);
  const points = Float64Array.from(state.theta.subarray(0, rules * K));
  const clusters = weightedKMeans(points, K, weights, k, RandomStream.of(runSeed, Domain.merge, state.generation));
  const { centroids, labels } = clusters;

  const theta = new Float32Array(mergedSize(geometry, k));
  theta.set(centroids);
  theta.set(state.theta.subarray(rules * K), k * K);
  const remapped = Int32Array.from(assignment, (r) => labels[r]!);
  const { m, v, t } = state.optimizer;
  const moments = (a: Float64Array): Float64Array => {
    if (a.length === 0) return a;
    const out = new Float64Array(theta.length);
    const mass = new Float64Array(k);
    for (let r = 0; r < rules; r++) {
      const c = labels[r]!;
      mass[c] = mass[c]! + weights[r]!;
      for (let q = 0; q < K; q++) out[c * K + q] = out[c * K + q]! + weights[r]! * a[r * K + q]!;
    }
    for (let c = 0; c < k; c++) for (let q = 0; q < K; q++) out[c * K + q] = out[c * K + q]! / mass[c]!;
    out.set(a.subarray(rules * K), k * K);
    return out;
  };
  return { state: { ...state, theta, assignment: remapped, optimizer: { t, m: moments(m), v: moments(v) } }, clusters };
}

/** The ordinary genome a centre stands for: θ itself, or for a merging run θ's table expanded through the assignment. */
export function centreGenome(net: MlpSpec, policy: PolicySpec, theta: Float32Array, assignment: Int32Array | undefined): Float32Array {
  if (!assignment) return theta;
  const geometry = ruleGeometry(net, policy);
  return expandGenome(geometry, theta, assignment, new Float32Array(geometry.genomeSize));
}

/** A merging run's table sizes over its generations, and the coefficients each rule has. */
export interface RuleStages {
  readonly stages: readonly MergeStage[];
  readonly perRule: number;
}

/**
 * A run's rule table over its generations (null when it does not merge): what the run page, `hebb runs show` and
 * the progress line show as rules and coefficients per generation.
 */
export function runRuleStages(config: Pick<RunConfig, 'env' | 'policy' | 'merge' | 'generations'>): RuleStages | null {
  if (config.merge === null || config.policy.kind !== 'hebbian') return null;
  const geometry = ruleGeometry(taskNet(config.env), config.policy);
  return { stages: mergeStages(config.merge, geometry.synapses, config.generations), perRule: geometry.coefficients };
}
