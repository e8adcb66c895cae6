/**
 * What the tables print (GUI and CLI alike) where a number alone would mislead: a share of a base that is not
 * positive, and a body column whose cells are seen or unseen in training.
 */
import type { Comparison } from './model';

/** A value as a share of its base, or why there is none. */
export interface Share {
  /** "73%", or "—" when the base is not positive. */
  readonly text: string;
  /** Why there is no share (for a tooltip), or null. */
  readonly why: string | null;
}

/**
 * `value` as a whole percentage of `base`. A base at or below zero has no meaningful share (a negative speed
 * before a perturbation would turn a faster walk after it into a negative "percentage"), so it is "—" and `why`
 * names the base.
 */
export function shareOf(value: number, base: number, baseName: string): Share {
  if (!Number.isFinite(value) || !Number.isFinite(base)) return { text: '—', why: `${baseName} or the value is not a finite number` };
  if (!(base > 0)) return { text: '—', why: `no share: ${baseName} is ${Number(base.toPrecision(3))}, not positive` };
  return { text: `${Math.round((100 * value) / base)}%`, why: null };
}

/**
 * A comparison column's heading: the body, and whether the runs in the table trained on it. Only a column where
 * some did and some did not marks its unseen cells (`markUnseen`, with " *").
 */
export function bodyColumn(table: Comparison, morphology: string): { label: string; title: string; markUnseen: boolean } {
  const cells = table.rows.map((r) => r.cells[morphology]).filter((c) => c !== undefined);
  const unseen = cells.filter((c) => !c.seen).length;
  if (unseen === 0) return { label: `${morphology} · seen`, title: `every run in the table trained on ${morphology}`, markUnseen: false };
  if (unseen === cells.length) return { label: `${morphology} · unseen`, title: `no run in the table trained on ${morphology}: it tests generalisation`, markUnseen: false };
  return { label: `${morphology} · * unseen`, title: `some runs trained on ${morphology}; cells marked * are runs that did not`, markUnseen: true };
}
