import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import { parseDamage } from '../../src/core/rollout/damage';
import { DAMAGE_PRESETS, newRow, parseSeeds, rowsToSchedule } from '../../src/renderer/src/forms/damage';
import { describeDamage } from '../../src/common/format';

describe('damage form', () => {
  it("turns rows into the API's schedule: index lists from text, empty = all", () => {
    const schedule = rowsToSchedule([
      { ...newRow('freezeActuators'), from: 300, to: 400, actuators: '' },
      { ...newRow('zeroWeights'), at: 250, fraction: 0.5, layers: '0, 2' },
      { ...newRow('stopPlasticity'), at: 100 },
      { ...newRow('actuatorStrength'), at: 10, factor: 0.25, actuators: '6,7' },
    ]);
    expect(schedule).toEqual([
      { kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' },
      { kind: 'zeroWeights', at: 250, fraction: 0.5, layers: [0, 2] },
      { kind: 'stopPlasticity', at: 100 },
      { kind: 'actuatorStrength', at: 10, factor: 0.25, actuators: [6, 7] },
    ]);
    expect(() => parseDamage(schedule)).not.toThrow();
  });

  it('sends a bad index on, so the API names the field', () => {
    const schedule = rowsToSchedule([{ ...newRow('zeroWeights'), layers: '1, x' }]);
    expect(() => parseDamage(schedule)).toThrow(ConfigError);
    expect(() => parseDamage(schedule)).toThrow(/damage\.0\.layers\.1/);
  });

  it("offers the paper's perturbations as valid presets", () => {
    const schedules = DAMAGE_PRESETS.map((p) => parseDamage(rowsToSchedule(p.rows())));
    expect(schedules.map((s) => s[0]!.kind)).toEqual(['freezeActuators', 'zeroWeights', 'stopPlasticity']);
    expect(schedules[0]![0]).toEqual({ kind: 'freezeActuators', from: 300, to: 400, value: 1, hebbianSees: 'network' });
    expect(DAMAGE_PRESETS[0]!.name).toBe('Actuators held at 1.0, t 300–400');
  });

  it('describes a schedule in words', () => {
    expect(describeDamage([])).toBe('none');
    expect(describeDamage(parseDamage([{ kind: 'freezeActuators', from: 300, to: 400 }, { kind: 'zeroWeights', at: 300, fraction: 1 / 3, layers: [1] }]))).toBe(
      'actuators held at 1.0, t 300–400; 33% of weights in layers 1 zeroed at t 300',
    );
    // A stored episode from before 1.0 became the default keeps its explicit 0.
    expect(describeDamage([{ kind: 'freezeActuators', from: 50, to: 80, value: 0, actuators: [0, 3] }])).toBe('actuators 0,3 held at 0.0, t 50–80');
    expect(describeDamage([{ kind: 'freezeActuators', from: 1, to: 2, value: 0.25, hebbianSees: 'applied' }])).toBe('actuators held at 0.25, t 1–2, plasticity sees the held value');
    expect(describeDamage([{ kind: 'melt' }])).toBe('unreadable schedule');
  });
});

describe('seed lists', () => {
  it('reads ranges and lists, once each', () => {
    expect(parseSeeds('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds(' 7, 2-3 , 7')).toEqual([7, 2, 3]);
  });
  it('says what is wrong otherwise', () => {
    expect(parseSeeds('')).toBe('give at least one');
    expect(parseSeeds('1, x')).toBe('"x" is not a non-negative integer or a range like 1-5');
    expect(parseSeeds('5-1')).toMatch(/not a range/);
  });
});
