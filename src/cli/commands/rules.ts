/** `hebb rules import FILE [options]` and `hebb rules export RUN --out FILE [options]`: the reference's rule files. */
import { ConfigError, INIT_MODES, NORMALISE_MODES, type NormaliseMode } from '../../core/config';
import { CURRENT_PHYSICS, PHYSICS_VERSION_NUMBERS } from '../../core/envs/quadruped/physics';
import { INDEXINGS, RULE_NAMES, type Indexing, type RuleName } from '../../core/plasticity/rules';
import { readInputFile } from '../input';
import { MAX_RULES_FILE_BYTES, RULES_FILE_FORMATS, sizeProblem, type RulesFileFormat } from '../../core/rules-file/rules-file';
import { exportRules, importRules, RulesFileError } from '../../main/services/rules';
import type { Store } from '../../main/store/store';
import { flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { writeOut } from '../output';

export const RULES_FLAGS = {
  ...STORE_FLAGS,
  name: { kind: 'string', help: 'import: the run\'s name', absent: "the file's name without its extension" },
  rule: { kind: 'string', value: 'RULE', help: `import: the rule the file holds (${RULE_NAMES.join(', ')})`, absent: "what a reference file's name says, else the one rule with the file's column count" },
  indexing: { kind: 'string', value: 'MODE', help: `import: synapse → coefficient row (${INDEXINGS.join(', ')}; original: the first release)`, default: 'corrected' },
  init: { kind: 'string', value: 'MODE', help: 'import: lifetime-initial weights (uni, normal)', absent: "what a reference file's name says, else uni" },
  normalise: { kind: 'string', value: 'MODE', help: `import: weights after every update (${NORMALISE_MODES.join(', ')})`, default: 'none' },
  physics: { kind: 'int', value: PHYSICS_VERSION_NUMBERS.join('|'), help: "import: the quadruped physics to evaluate the rules in (3: pybullet's engine, the reference's world)", default: CURRENT_PHYSICS },
  generation: { kind: 'int', value: 'G', help: 'export: the centre of generation G (0: the initial one)', absent: 'the latest' },
  out: { kind: 'string', value: 'FILE', help: 'export: the file to write (required; never a device or FIFO)' },
  format: { kind: 'string', value: 'FORMAT', help: `export: ${RULES_FILE_FORMATS.join(' or ')} (torch.save's zip, or numpy's .npy)`, default: 'torch' },
} as const satisfies FlagTable;
const USAGE = 'hebb rules import FILE [--name N] [--rule R] [--indexing original|corrected] | hebb rules export RUN --out FILE [--generation G] [--format torch|npy]';

function choice<T extends string>(args: ParsedArgs, name: string, values: readonly T[]): T | undefined {
  const v = flag(args, name, 'string');
  if (v !== undefined && !(values as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${values.join(', ')}, got "${v}"`);
  return v as T | undefined;
}

export function rulesCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, RULES_FLAGS, 'hebb rules');
  const [sub, target, ...rest] = args.positional;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" (usage: ${USAGE})`);
  if ((sub !== 'import' && sub !== 'export') || target === undefined) throw new UsageError(`usage: ${USAGE}`);
  const json = flag(args, 'json', 'boolean');
  const forSub = (names: readonly string[]): void => {
    for (const name of names) if (args.flags.has(name)) throw new UsageError(`--${name} applies to hebb rules ${sub === 'import' ? 'export' : 'import'}, not ${sub}`);
  };
  if (sub === 'import') {
    forSub(['generation', 'out', 'format']);
    const options = {
      name: flag(args, 'name', 'string'),
      rule: choice<RuleName>(args, 'rule', RULE_NAMES),
      indexing: choice<Indexing>(args, 'indexing', INDEXINGS),
      init: choice(args, 'init', INIT_MODES.filter((m): m is 'uni' | 'normal' => m !== 'coevolve')),
      normalise: choice<NormaliseMode>(args, 'normalise', NORMALISE_MODES),
      physics: flag(args, 'physics', 'int'),
    };
    // Read and check the file before the store is opened: bad input leaves the store as it was.
    const bytes = new Uint8Array(readInputFile(target, 'rules file', MAX_RULES_FILE_BYTES, (size) => sizeProblem(size)!));
    const store = open(args);
    try {
      const { run, config } = importRules(store, bytes, target, options);
      const policy = config.policy.kind === 'hebbian' ? config.policy : undefined;
      process.stdout.write(json
        ? `${JSON.stringify({ id: run.id, name: run.name, imported: config.imported, policy: config.policy })}\n`
        : `run ${run.id} "${run.name}": rule ${policy?.rule}, ${policy?.indexing} indexing, init ${policy?.init}, imported from ${config.imported!.file} (sha256 ${config.imported!.sha256})\n`);
    } catch (e) {
      if (e instanceof RulesFileError) throw new UsageError(e.message);
      // An option the file needs (its rule, its init) is named as the flag.
      if (e instanceof ConfigError) throw new UsageError(e.issues.map((i) => `${i.path.replace(/^request\./, '--')}: ${i.message}`).join('; '));
      throw e;
    } finally {
      store.close();
    }
    return;
  }
  forSub(['name', 'rule', 'indexing', 'init', 'normalise', 'physics']);
  const id = runIdArg(target, 'hebb rules export RUN --out FILE');
  const out = flag(args, 'out', 'string');
  if (out === undefined) throw new UsageError('--out is required: the rules file to write');
  const format = choice<RulesFileFormat>(args, 'format', RULES_FILE_FORMATS) ?? 'torch';
  const store = open(args);
  try {
    const file = exportRules(store, id, format, flag(args, 'generation', 'int'), out);
    writeOut(file.bytes, out, store.path);
    process.stdout.write(json ? `${JSON.stringify({ out, format, shape: file.shape })}\n` : `wrote ${out}: ${format}, float32 (${file.shape.join(', ')})\n`);
  } finally {
    store.close();
  }
}

