/** `hebb runs` and `hebb runs show RUN`. */
import { generationText } from '../../common/generations';
import { runConfig, type ImportedFrom } from '../../core/config';
import { rulesAt, runRuleStages, type RuleStages } from '../../core/merge/merge';
import { BLOWN_UP_FITNESS } from '../../core/rollout/lifetime';
import type { Store } from '../../main/store/store';
import { flag, parseArgs, runIdArg, STORE_FLAGS, UsageError, type ParsedArgs } from '../args';

export const RUNS_FLAGS = STORE_FLAGS;

/** A stored run's rule table over its generations; null when it does not merge (or its config no longer reads). */
function ruleStagesOf(config: unknown): RuleStages | null {
  try {
    return runRuleStages(runConfig(config));
  } catch {
    return null;
  }
}

/** Where an imported run's rules came from (config `imported`), or null for a trained run. */
function importedFrom(config: unknown): ImportedFrom | null {
  try {
    return runConfig(config).imported;
  } catch {
    return null;
  }
}

export function runsCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, RUNS_FLAGS, 'hebb runs');
  const json = flag(args, 'json', 'boolean');
  const [sub, idText, ...rest] = args.positional;
  if (sub !== undefined && sub !== 'show') throw new UsageError(`unknown subcommand "${sub}" (usage: hebb runs [show RUN])`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const id = sub === 'show' ? runIdArg(idText, 'hebb runs show RUN') : undefined;
  const store = open(args);
  try {
    if (id !== undefined) {
      const run = store.getRun(id);
      const merging = ruleStagesOf(run.config);
      // A merging run's generations say how many rules (and rule coefficients) their centre had.
      const generations = store.generations(id).map((g) => {
        if (!merging) return g;
        const rules = rulesAt(merging.stages, g.generation);
        return { ...g, rules, coefficients: rules * merging.perRule };
      });
      const heldout = store.heldout(id);
      if (json) {
        process.stdout.write(`${JSON.stringify({ ...run, generation: generations.length, generations, heldout })}\n`);
      } else {
        process.stdout.write(`run ${run.id} "${run.name}"  ${run.status}${run.error ? ` (${run.error})` : ''}\n`);
        const from = importedFrom(run.config);
        if (from) process.stdout.write(`imported from ${from.file} (${from.format}, sha256 ${from.sha256}): its centre of generation 0 is the file's rules\n`);
        process.stdout.write(`config ${JSON.stringify(run.config)}\n`);
        for (const g of generations) {
          const blown = (g.blownUp > 0 ? `  blown up ${g.blownUp}` : '') + ('rules' in g ? `  rules ${g.rules}` : '');
          const tests = heldout.filter((h) => h.generation === g.generation).map((h) => `  held-out ${h.morphology} ${h.mean.toFixed(2)} ± ${h.std.toFixed(2)}`);
          process.stdout.write(`  ${String(g.generation).padStart(5)}  mean ${g.mean.toFixed(2).padStart(9)}  max ${g.max.toFixed(2).padStart(9)}${blown}${tests.join('')}\n`);
        }
        const blownUp = generations.reduce((n, g) => n + g.blownUp, 0);
        if (blownUp > 0) process.stdout.write(`${blownUp} lifetimes ended on a non-finite state and scored ${BLOWN_UP_FITNESS} (docs/METHOD.md#non-finite-state)\n`);
      }
      return;
    }
    const runs = store.listRuns().map((r) => {
      const generations = store.generations(r.id);
      const last = generations.at(-1);
      const total = (r.config as { generations?: number }).generations ?? 0;
      return { id: r.id, name: r.name, status: r.status, generation: generations.length, generations: total, mean: last?.mean ?? null, max: last?.max ?? null, imported: importedFrom(r.config), config: r.config };
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
    } else {
      for (const r of runs) {
        process.stdout.write(`${String(r.id).padStart(4)}  ${r.status.padEnd(9)} ${(r.imported ? `imported ${r.imported.format}` : generationText(r.generation, r.generations)).padEnd(24)}  mean ${r.mean === null ? '—' : r.mean.toFixed(1)}  ${r.name}\n`);
      }
    }
  } finally {
    store.close();
  }
}
