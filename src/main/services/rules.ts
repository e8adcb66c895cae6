/**
 * Rules in and out in the reference code's files (core/rules-file): importing a file creates a finished run whose
 * centre of generation 0 — its checkpoint 0, the only one — is the file's coefficients, so it is evaluated,
 * recorded, replayed, compared and analysed like a trained run; exporting writes a Hebbian run's centre rule
 * segment as torch.save's zip or a .npy file. Bytes in and out: the CLI and the transports do the file I/O.
 */
import { createHash } from 'node:crypto';
import { ConfigError, INIT_MODES, runConfig, type NormaliseMode, type RunConfig } from '../../core/config';
import { isPhysicsVersion, PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { encodeEsState, init } from '../../core/es';
import { QUADRUPED_MLP, synapseCount } from '../../core/nn/mlp';
import { ruleDef, type Indexing, type RuleName } from '../../core/plasticity/rules';
import { genomeLayout } from '../../core/policy/genome';
import {
  archiveName, arrayValues, encodeRulesFile, namedInFile, readArray, ruleSegment, rulesWithColumns, RulesFileError, type RulesFileFormat,
} from '../../core/rules-file/rules-file';
import { taskNet } from '../../core/tasks';
import { StoreError, type RunRow, type Store } from '../store/store';
import { centre } from './evaluation';

export { RulesFileError };

/** The reference's name for the quadruped's env, in its file names. */
const QUADRUPED_ENV = 'AntBulletEnv-v0';

export interface ImportOptions {
  /** The run's name (default: the file's name without its extension). */
  readonly name?: string;
  /** The rule the file holds (default: the one its reference-style name says, or the one rule with its columns). */
  readonly rule?: RuleName;
  readonly indexing?: Indexing;
  /** Lifetime-initial weights (default: what the file's name says, else uni, the reference's default). */
  readonly init?: 'uni' | 'normal';
  readonly normalise?: NormaliseMode;
  /** The quadruped physics version the run is evaluated in (default: the current one, pybullet's engine). */
  readonly physics?: number;
}

const invalid = (field: string, message: string): ConfigError => new ConfigError([{ path: `request.${field}`, message }]);

/**
 * Reads a rules file (`bytes`, named `fileName`) and stores it as a finished run; nothing is stored unless all of
 * it is good. Errors: RulesFileError (the file), ConfigError naming `request.<option>` (an option).
 */
export function importRules(store: Store, bytes: Uint8Array, fileName: string, options: ImportOptions = {}): { run: RunRow; config: RunConfig } {
  const file = fileName.replace(/^.*[\\/]/, '');
  const { kind, array } = readArray(bytes, file);
  const values = arrayValues(array, file);
  const named = namedInFile(file);
  if (named.env !== undefined && named.env !== QUADRUPED_ENV) {
    throw new RulesFileError(`${file}: its name says it was evolved on ${named.env}; only the quadruped's rules (${QUADRUPED_ENV}) can be imported — the car's policy also needs its evolved conv weights, which a coefficients file does not hold`);
  }
  const columns = values.shape.length === 2 ? values.shape[1]! : 1;
  const fitting = rulesWithColumns(columns);
  const rule = options.rule ?? named.rule ?? (fitting.length === 1 ? fitting[0]! : undefined);
  if (rule === undefined) {
    throw invalid('rule', fitting.length === 0
      ? `${file} has ${columns} columns, which no rule has (1 to 6 coefficients); choose the rule it holds`
      : `${file}'s name does not say its rule and ${columns} columns fit ${fitting.join(' or ')}: choose one`);
  }
  const namedInit = named.init !== undefined && (INIT_MODES as readonly string[]).includes(named.init) && named.init !== 'coevolve' ? (named.init as 'uni' | 'normal') : undefined;
  if (options.init === undefined && named.init !== undefined && namedInit === undefined) {
    throw invalid('init', `${file}'s name says its lifetimes started from init "${named.init}", which this workbench does not implement (uni, normal): choose one to import it anyway`);
  }
  if (options.physics !== undefined && !isPhysicsVersion(options.physics)) {
    throw invalid('physics', `must be one of ${PHYSICS_VERSION_NUMBERS.join(', ')}, got ${options.physics}`);
  }
  const segment = ruleSegment(values, rule, QUADRUPED_MLP, file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const name = (options.name ?? file.replace(/\.[^.]*$/, '')).trim().slice(0, 200) || 'imported rules';
  const config = runConfig({
    name,
    env: 'quadruped',
    policy: { kind: 'hebbian', rule, indexing: options.indexing ?? 'corrected', init: options.init ?? namedInit ?? 'uni', normalise: options.normalise ?? 'none' },
    generations: 0,
    ...(options.physics !== undefined ? { physics: options.physics } : {}),
    imported: { file: file.slice(0, 255), sha256, format: kind },
  });
  const layout = genomeLayout(QUADRUPED_MLP, config.policy);
  if (layout.size !== segment.length) throw new Error(`the genome of rule ${rule} has ${layout.size} parameters, the file ${segment.length}`);
  const state = encodeEsState(init({ ...config.es, seed: config.seed }, segment));
  return { run: store.createImportedRun({ name: config.name, config, seed: config.seed }, state), config };
}

/**
 * The rule segment of run `runId`'s centre of `generation` (default: the latest) as a rules file, with the name
 * the reference would give it (so importing it again finds its rule and init from the name). `saveAs`: the file
 * it will be written to, whose stem names the torch archive's folder as torch.save names it (default: that name).
 */
export function exportRules(store: Store, runId: number, format: RulesFileFormat, generation?: number, saveAs?: string): { bytes: Uint8Array; fileName: string; shape: number[] } {
  const c = centre(store, runId, generation);
  const { policy, env } = c.config;
  if (policy.kind !== 'hebbian') throw new StoreError(`run ${runId} is a static run: its network has no Hebbian rules to export (only Hebbian runs have)`, 'conflict');
  const K = ruleDef(policy.rule).coefficients;
  const synapses = synapseCount(taskNet(env));
  const segment = c.genome.slice(0, synapses * K);
  const envName = env === 'racing' ? 'CarRacing-v0' : QUADRUPED_ENV;
  const stem = `HEBcoeffs__${envName}__run_${runId}__${policy.rule}__init_${policy.init}__coeffs__${c.generation}`;
  const fileName = `${stem}.${format === 'npy' ? 'npy' : 'dat'}`;
  return { bytes: encodeRulesFile(segment, K, format, archiveName(saveAs ?? fileName)), fileName, shape: K === 1 ? [synapses] : [synapses, K] };
}
