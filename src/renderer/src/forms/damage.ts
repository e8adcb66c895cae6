/**
 * The damage-schedule form's rows ⇄ the schedule the API takes, and the paper's damages as presets. Index lists
 * are edited as text ("0, 3"); all checking is the API's (`damage.<i>.<field>` messages), so a bad entry is sent
 * as is and comes back named.
 */
import { FREEZE_VALUE, formatValue, type DamageScheduleInput, type HebbianSees } from '../../../core/rollout/damage';

export { parseSeedList as parseSeeds } from '../../../core/rollout/recipes';

export type DamageKind = 'freezeActuators' | 'zeroWeights' | 'stopPlasticity' | 'actuatorStrength';

export interface DamageRow {
  kind: DamageKind;
  from: number;
  to: number;
  value: number;
  /** During a freeze: the output layer's post activity for the update (the network's own, or the held value). */
  hebbianSees: HebbianSees;
  at: number;
  fraction: number;
  factor: number;
  /** Comma-separated indices; empty = all (where the kind allows it). */
  actuators: string;
  layers: string;
}

export const DAMAGE_KINDS: { kind: DamageKind; label: string }[] = [
  { kind: 'freezeActuators', label: 'freeze actuators over [from, to)' },
  { kind: 'zeroWeights', label: 'zero a fraction of the weights at t' },
  { kind: 'stopPlasticity', label: 'stop plasticity from t' },
  { kind: 'actuatorStrength', label: 'scale motor strength from t' },
];

/** The two readings of the paper's freeze for the Hebbian update (docs/METHOD.md#actuator-freeze), as the forms offer them. */
export const HEBBIAN_SEES_OPTIONS: { value: HebbianSees; label: string }[] = [
  { value: 'network', label: "the network's outputs" },
  { value: 'applied', label: 'the held value' },
];

export function newRow(kind: DamageKind = 'freezeActuators'): DamageRow {
  return { kind, from: 300, to: 400, value: FREEZE_VALUE, hebbianSees: 'network', at: 300, fraction: 1 / 3, factor: 0.5, actuators: '', layers: '' };
}

/** "0, 3" → [0, 3]; "" → undefined; a token that is not a number stays in, as NaN, for the API to name. */
function indices(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  return parts.length === 0 ? undefined : parts.map((p) => (/^-?\d+(\.\d+)?$/.test(p) ? Number(p) : Number.NaN));
}

export function rowsToSchedule(rows: readonly DamageRow[]): DamageScheduleInput {
  return rows.map((r) => {
    switch (r.kind) {
      case 'freezeActuators':
        return { kind: r.kind, from: r.from, to: r.to, value: r.value, hebbianSees: r.hebbianSees, ...(indices(r.actuators) ? { actuators: indices(r.actuators) } : {}) };
      case 'zeroWeights':
        return { kind: r.kind, at: r.at, fraction: r.fraction, ...(indices(r.layers) ? { layers: indices(r.layers) } : {}) };
      case 'stopPlasticity':
        return { kind: r.kind, at: r.at };
      case 'actuatorStrength':
        return { kind: r.kind, at: r.at, factor: r.factor, actuators: indices(r.actuators) ?? [] };
    }
  }) as DamageScheduleInput;
}

/** The paper's perturbations (docs/METHOD.md#damage-experiments) as one-click schedules. */
export const DAMAGE_PRESETS: { name: string; rows: () => DamageRow[] }[] = [
  { name: `Actuators held at ${formatValue(FREEZE_VALUE)}, t 300–400`, rows: () => [{ ...newRow('freezeActuators'), from: 300, to: 400 }] },
  { name: 'A third of the weights zeroed at t 300', rows: () => [{ ...newRow('zeroWeights'), at: 300, fraction: 1 / 3 }] },
  { name: 'Plasticity stopped at t 100', rows: () => [{ ...newRow('stopPlasticity'), at: 100 }] },
];

