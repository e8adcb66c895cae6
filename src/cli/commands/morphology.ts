/** `hebb morphology list | show NAME | import FILE [--name N] | export NAME [--out FILE]`. */
import { basename, extname } from 'node:path';
import { MAX_MJCF_CHARS } from '../../core/morphology/limits';
import type { Store } from '../../main/store/store';
import { importMorphology, MorphologyError, summariseMorphology } from '../../main/services/morphologies';
import { flag, parseArgs, STORE_FLAGS, UsageError, type FlagTable, type ParsedArgs } from '../args';
import { readInputFile } from '../input';
import { writeOut } from '../output';

export const MORPHOLOGY_FLAGS = {
  ...STORE_FLAGS,
  name: { kind: 'string', help: 'import: the name to store the body under', absent: "the file's name without its extension" },
  out: { kind: 'string', value: 'FILE', help: 'export: write the MJCF to FILE', absent: 'standard output' },
} as const satisfies FlagTable;
const USAGE = 'hebb morphology list | show NAME | import FILE [--name NAME] | export NAME [--out FILE]';

export function morphologyCommand(argv: readonly string[], open: (args: ParsedArgs) => Store): void {
  const args = parseArgs(argv, MORPHOLOGY_FLAGS, 'hebb morphology');
  const [sub, target, ...rest] = args.positional;
  const json = flag(args, 'json', 'boolean');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" (usage: ${USAGE})`);
  if (sub === undefined || !['list', 'show', 'import', 'export'].includes(sub)) throw new UsageError(`usage: ${USAGE}`);
  if (sub !== 'list' && target === undefined) throw new UsageError(`usage: ${USAGE}`);
  // Read and check an imported file before the DB is opened: bad input leaves the store as it was.
  let imported: { name: string; mjcf: string } | undefined;
  if (sub === 'import') {
    imported = { name: flag(args, 'name', 'string') ?? basename(target!, extname(target!)), mjcf: readMjcfFile(target!) };
  }
  const store = open(args);
  try {
    switch (sub) {
      case 'list': {
        const list = store.listMorphologies();
        process.stdout.write(json ? `${JSON.stringify(list)}\n` : list.map((m) => `${m.name}${m.builtin ? '  (built in)' : ''}\n`).join(''));
        return;
      }
      case 'show': {
        const s = summariseMorphology(store.morphology(target!));
        if (json) {
          process.stdout.write(`${JSON.stringify(s)}\n`);
          return;
        }
        const lines = [`${s.name}${s.builtin ? ' (built in)' : ''}: ${s.mass.toFixed(2)} kg`];
        for (const j of s.joints) lines.push(`  joint ${j.name.padEnd(10)} range [${j.range[0]}°, ${j.range[1]}°]  gear ${j.gear ?? 'none'}`);
        for (const g of s.segments) lines.push(`  segment ${(g.name || '(unnamed)').padEnd(20)} length ${g.length.toFixed(3)} m  radius ${g.radius} m`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      case 'import': {
        try {
          importMorphology(store, imported!.name, imported!.mjcf);
        } catch (e) {
          if (e instanceof MorphologyError) throw new UsageError(e.message);
          throw e;
        }
        process.stdout.write(json ? `${JSON.stringify({ name: imported!.name })}\n` : `imported ${imported!.name}\n`);
        return;
      }
      case 'export':
        writeOut(store.morphology(target!).mjcf, flag(args, 'out', 'string'), store.path);
        return;
    }
  } finally {
    store.close();
  }
}

/** Reads an MJCF file of at most MAX_MJCF_CHARS characters (the API's limit too), so at most 3 bytes each in UTF-8. */
function readMjcfFile(path: string): string {
  const limit = `an MJCF file may have at most ${MAX_MJCF_CHARS} characters`;
  const text = readInputFile(path, 'MJCF file', 3 * MAX_MJCF_CHARS, (size) => `is ${size} bytes; ${limit}`).toString('utf8');
  if (text.length > MAX_MJCF_CHARS) throw new UsageError(`MJCF file: ${path} has ${text.length} characters; ${limit}`);
  return text;
}
