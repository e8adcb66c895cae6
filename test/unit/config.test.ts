import { describe, expect, it } from 'vitest';
import { ConfigError, esConfig, parseConfig, policySpecSchema, runConfig, runConfigSchema } from '../../src/core/config';
import { summarise } from '../../src/core/stats';

describe('experiment config', () => {
  it("defaults to the reference code's ES hyper-parameters (docs/METHOD.md#es-hyper-parameters)", () => {
    expect(esConfig()).toMatchObject({
      popSize: 200, sigma: 0.1, sigmaDecay: 0.999, sigmaFloor: 0.01, lr: 0.2, lrDecay: 0.995, lrFloor: 0.001,
      l2Coefficient: 0.01, optimizer: 'sgd',
    });
  });

  it('defaults a Hebbian policy to ABCD_lr, corrected indexing, U(−0.1, 0.1) init, no normalisation', () => {
    expect(parseConfig(policySpecSchema, { kind: 'hebbian' }, 'policy')).toEqual({
      kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'none',
    });
  });

  it('names every offending field', () => {
    try {
      esConfig({ popSize: 5, sigma: -1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as Error).message;
      expect(message).toMatch(/es\.popSize: must be even/);
      expect(message).toMatch(/es\.sigma:/);
    }
    expect(() => parseConfig(policySpecSchema, { kind: 'hebbian', rule: 'XYZ' }, 'policy')).toThrow(/policy\.rule/);
    expect(() => parseConfig(policySpecSchema, { kind: 'plastic' }, 'policy')).toThrow(/policy\.kind/);
  });

  it("words every refusal for people, never a validator's phrase; a schema's own message wins", () => {
    const issues = (input: unknown): string[] => {
      try {
        runConfig(input);
      } catch (e) {
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(issues({ name: '', es: { popSize: 'abc', optimizer: 'rmsprop' }, generations: 1.5, seed: -1, morphologies: 'standard', heldout: { every: 0 } })).toEqual([
      'run.name: must not be empty',
      'run.morphologies: must be a list, not string',
      'run.es.popSize: enter a number',
      'run.es.optimizer: must be one of sgd, adam',
      'run.generations: must be a whole number',
      'run.seed: must be at least 0',
      'run.heldout.every: must be at least 1',
    ]);
    expect(issues({ name: 'x', es: { popSize: 7 }, generations: 2_000_000, policy: { kind: 'plastic' } })).toEqual([
      'run.policy.kind: must be one of hebbian, static',
      'run.es.popSize: must be even (mirrored sampling)',
      'run.generations: must be at most 1000000',
    ]);
  });
});

describe('run config per task', () => {
  it('a racing run has no morphologies and its Hebbian policy normalises by max-abs unless told otherwise', () => {
    const car = runConfig({ name: 'car', env: 'racing' });
    expect(car.morphologies).toEqual([]);
    expect(car.policy).toEqual({ kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise: 'maxabs' });
    expect(runConfig({ name: 'car', env: 'racing', policy: { kind: 'hebbian', rule: 'A', normalise: undefined } }).policy).toMatchObject({ rule: 'A', normalise: 'maxabs' });
    expect(runConfig({ name: 'car', env: 'racing', policy: { kind: 'hebbian', normalise: 'none' } }).policy).toMatchObject({ normalise: 'none' });
    expect(runConfig({ name: 'car', env: 'racing', policy: { kind: 'hebbian', normalise: 'zscore' } }).policy).toMatchObject({ normalise: 'zscore' });
    expect(runConfig({ name: 'car', env: 'racing', policy: { kind: 'static' } }).policy).toEqual({ kind: 'static' });
    // The API parses with the schema itself: the same car defaults at that boundary.
    expect(runConfigSchema.parse({ name: 'car', env: 'racing' })).toEqual(car);
    // A stored racing config parses to itself.
    expect(runConfig(car)).toEqual(car);
    // The quadruped keeps its defaults.
    const walker = runConfig({ name: 'walker' });
    expect([walker.env, walker.morphologies, walker.policy.kind === 'hebbian' && walker.policy.normalise]).toEqual(['quadruped', ['standard', 'damaged-right'], 'none']);
  });

  it('reads a config stored before the normalisation modes: normalise true is maxabs, false is none', () => {
    // As the store, an export or a Redis job of that version holds it: every field written out, normalise a boolean.
    const old = (env: 'quadruped' | 'racing', normalise: boolean): Record<string, unknown> => ({
      name: 'old', env, physics: 1, policy: { kind: 'hebbian', rule: 'ABCD_lr', indexing: 'corrected', init: 'uni', normalise },
      morphologies: env === 'racing' ? [] : ['standard', 'damaged-right'], es: esConfig({ popSize: 10 }), generations: 3, seed: 4,
      heldout: { morphologies: [], every: 10, episodes: 5 }, checkpoints: { keep: 'latest', count: 3 },
    });
    const modeOf = (input: unknown): unknown => {
      const { policy } = runConfig(input);
      return policy.kind === 'hebbian' ? policy.normalise : undefined;
    };
    expect([modeOf(old('quadruped', false)), modeOf(old('quadruped', true)), modeOf(old('racing', true)), modeOf(old('racing', false))])
      .toEqual(['none', 'maxabs', 'maxabs', 'none']);
    // The API's schema reads them alike, and an old config parses to exactly the config a new one spelling the mode
    // does: the same run, the same hashes (Redis job and run keys are sha256 of the parsed config).
    expect(runConfigSchema.parse(old('racing', true))).toEqual(runConfig({ ...old('racing', true), policy: { ...(old('racing', true)['policy'] as object), normalise: 'maxabs' } }));
    expect(runConfig(old('quadruped', false))).toEqual(runConfig({ ...old('quadruped', false), policy: { ...(old('quadruped', false)['policy'] as object), normalise: 'none' } }));
  });

  it('refuses an unknown normalisation, naming the field and the modes', () => {
    expect(() => runConfig({ name: 'x', policy: { kind: 'hebbian', normalise: 'l2' } })).toThrow(/^run\.policy\.normalise: must be one of none, maxabs, zscore, clip$/);
    expect(() => runConfig({ name: 'x', policy: { kind: 'hebbian', normalise: 1 } })).toThrow(/^run\.policy\.normalise: must be one of none, maxabs, zscore, clip$/);
  });

  it('refuses bodies for the car and no bodies for the quadruped, naming the field', () => {
    expect(() => runConfig({ name: 'car', env: 'racing', morphologies: ['standard'] })).toThrow(/^run\.morphologies: does not apply to a racing run/);
    expect(() => runConfig({ name: 'car', env: 'racing', heldout: { morphologies: ['damaged-left'] } })).toThrow(/^run\.heldout\.morphologies: does not apply to a racing run.*unseen tracks/);
    expect(() => runConfig({ name: 'walker', morphologies: [] })).toThrow(/^run\.morphologies: must name at least one morphology$/);
    expect(() => runConfig({ name: 'walker', env: 'boat' })).toThrow(/^run\.env:/);
  });
});

describe('summary statistics', () => {
  it('mean, max, min and the population standard deviation', () => {
    expect(summarise([1, 2, 3, 4])).toEqual({ mean: 2.5, max: 4, min: 1, std: Math.sqrt(1.25) });
    expect(() => summarise([])).toThrow(/empty/);
  });
});
