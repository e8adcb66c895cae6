/** Display helpers shared by the views. */
import type { Estimate, RunSummary } from './api';
import { generationText } from './generations';
import { normaliseModeOf, type ImportedFrom } from '../core/config';
export { generationText };
import { damageScheduleSchema, describeDamageEvent } from '../core/rollout/damage';

/** Where an imported run's rules came from (its config's `imported`), or null for a trained run. */
export function importedOf(r: Pick<RunSummary, 'config'>): ImportedFrom | null {
  return (r.config as { imported?: ImportedFrom | null }).imported ?? null;
}

/**
 * Whether a run has a centre to evaluate, record or analyse beyond its initial one: it has trained a generation,
 * or it was imported (its centre of generation 0 is the file's rules).
 */
export function hasCentre(r: Pick<RunSummary, 'config' | 'generation'>): boolean {
  return r.generation > 0 || importedOf(r) !== null;
}

/** The runs table's "generation 4 of 10", or "imported (torch)" for an imported run. */
export function progressText(r: Pick<RunSummary, 'config' | 'generation' | 'generations'>): string {
  const from = importedOf(r);
  return from ? `imported (${from.format})` : generationText(r.generation, r.generations);
}

/** "hebbian ABCD_lr", with the weight normalisation when there is one: "hebbian ABCD_lr, zscore". */
export function policyOf(r: Pick<RunSummary, 'config'>): string {
  const p = (r.config as { policy?: { kind?: string; rule?: string; normalise?: unknown } }).policy;
  if (p?.kind !== 'hebbian') return p?.kind ?? '?';
  const mode = normaliseModeOf(p.normalise);
  return `hebbian ${p.rule ?? ''}${typeof mode === 'string' && mode !== 'none' ? `, ${mode}` : ''}`;
}

/** The run's task: the quadruped (also for configs stored before the car existed) or the racing car. */
export function envOf(r: Pick<RunSummary, 'config'>): 'quadruped' | 'racing' {
  return (r.config as { env?: string }).env === 'racing' ? 'racing' : 'quadruped';
}

export function morphologiesOf(r: Pick<RunSummary, 'config'>): string {
  return ((r.config as { morphologies?: string[] }).morphologies ?? []).join(', ');
}

export function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A damage schedule in words, e.g. "actuators held at 1.0, t 300–400; 33% of weights zeroed at t 300". */
export function describeDamage(damage: unknown): string {
  const parsed = damageScheduleSchema.safeParse(damage ?? []);
  if (!parsed.success) return 'unreadable schedule';
  return parsed.data.length === 0 ? 'none' : parsed.data.map(describeDamageEvent).join('; ');
}

/** A run's status as the tables show it: a pending pause or stop, or a run whose training process is gone. */
export function statusText(r: Pick<RunSummary, 'status' | 'pending' | 'orphaned'>): string {
  if (r.pending) return `${r.pending === 'paused' ? 'pausing' : 'stopping'}…`;
  return r.orphaned ? 'interrupted (its process is gone)' : r.status;
}


/** Time left while a run trains, at its own pace so far ("ETA 12m30s"); empty when it is not training. */
export function etaText(r: Pick<RunSummary, 'status' | 'orphaned' | 'generation' | 'generations' | 'wallMs'>): string {
  if (r.status !== 'running' || r.orphaned || r.generation === 0 || r.generation >= r.generations) return '';
  return `ETA ${minutes(((r.generations - r.generation) * r.wallMs) / r.generation)}`;
}

/** An estimate in words: "about 1h20m on this machine (measured over …)", or why there is none yet. */
export function estimateText(e: Estimate): string {
  const lifetimes = `${e.lifetimes.toLocaleString('en')} lifetimes`;
  return e.seconds === null ? `${lifetimes}; time unknown: ${e.basis}` : `${lifetimes}, about ${minutes(e.seconds * 1000)} on this machine (${e.basis})`;
}

/** A kept ES centre as the forms list it. */
export interface CentreChoice {
  /** The checkpoint's generation, or '' for the latest (the trained centre once the run has finished). */
  readonly value: number | '';
  readonly label: string;
}

/**
 * The centres a user can replay or evaluate, from `runs.checkpoints`: the latest first (the default), then
 * generation 0's and every other kept one, oldest first, the best generation's marked. The centre of generation g
 * is the one whose candidates produced g's record, i.e. the centre after generation g − 1's update.
 */
export function centreChoices(checkpoints: readonly { generation: number; best: boolean }[]): CentreChoice[] {
  const latest = Math.max(0, ...checkpoints.map((c) => c.generation));
  const mark = (c: { best: boolean }): string => (c.best ? ', which produced the best generation' : '');
  const latestBest = checkpoints.find((c) => c.generation === latest)?.best ?? false;
  return [
    { value: '', label: latest === 0 ? 'the initial centre (generation 0)' : `the latest: after generation ${latest - 1}${mark({ best: latestBest })}` },
    ...checkpoints
      .filter((c) => c.generation !== latest)
      .map((c) => ({ value: c.generation, label: c.generation === 0 ? `the initial centre (generation 0)${mark(c)}` : `generation ${c.generation}'s (after generation ${c.generation - 1})${mark(c)}` })),
  ];
}

/** Which centre an episode or evaluation used, in words. */
export function centreText(generation: number): string {
  return generation === 0 ? 'the initial centre (generation 0)' : `the centre after generation ${generation - 1}`;
}
