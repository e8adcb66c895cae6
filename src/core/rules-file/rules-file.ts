/**
 * Evolved Hebbian coefficients in the reference code's files (enajx/HebbianMetaLearning): `torch.save(array)` of a
 * float32 numpy array of shape (synapses, coefficients) — row offset + i·n_out + j, columns the rule's
 * coefficients in its order (ABCD_lr: A, B, C, η, D), a 1-coefficient rule squeezed to (synapses,) — which is the
 * genome's rule segment exactly as it is laid out here (policy/genome.ts, plasticity/rules.ts).
 *
 * Read: torch.save's zip (torch ≥ 1.6), its legacy pickle sequence (older torch), and numpy's .npy, each holding a
 * little-endian float32 or float64 array, C or Fortran order. Written: the zip torch 1.13 writes (a protocol-2
 * pickle of a C-order float32 array) or a .npy file. Pure: bytes in, values out; the callers do the I/O.
 */
import { synapseCount, type MlpSpec } from '../nn/mlp';
import { RULE_NAMES, ruleDef, type RuleName } from '../plasticity/rules';
import { RulesFileError } from './errors';
import { isNpy, readNpy, writeNpy } from './npy';
import { pickleNdarray, unpickleNdarray, unpicklePlain, type NdArray } from './pickle';
import { isZip, readZip, writeZip } from './zip';

export { RulesFileError };

/**
 * The largest rules file read: the quadruped's largest rule (6 coefficients) in float64 is 590 KB, in a torch file
 * (bytes as UTF-8 latin-1 text) at most twice that. A larger file is refused from its size, before it is read.
 */
export const MAX_RULES_FILE_BYTES = 4 * 1024 * 1024;

export const RULES_FILE_FORMATS = ['torch', 'npy'] as const;
export type RulesFileFormat = (typeof RULES_FILE_FORMATS)[number];
/** What a file was read as. */
export type RulesFileKind = 'torch' | 'torch-legacy' | 'npy';

/** torch.save's magic number, the first record of its legacy (non-zip) format. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

export function sizeProblem(size: number): string | null {
  return size > MAX_RULES_FILE_BYTES ? `is ${size} bytes; a rules file is at most ${MAX_RULES_FILE_BYTES} bytes (the quadruped's largest rule in float64 is under 1 MB)` : null;
}

/** The numpy array a rules file holds, and which kind of file it was. Refuses anything else, saying why. */
export function readArray(bytes: Uint8Array, what: string): { kind: RulesFileKind; array: NdArray } {
  const size = sizeProblem(bytes.length);
  if (size) throw new RulesFileError(`${what} ${size}`);
  if (isNpy(bytes)) return { kind: 'npy', array: readNpy(bytes, what) };
  if (isZip(bytes)) {
    const entries = readZip(bytes, what);
    const pickles = entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
    if (pickles.length !== 1) {
      throw new RulesFileError(`${what}: a zip, but not one torch.save wrote (it has ${pickles.length === 0 ? 'no' : 'more than one'} <archive>/data.pkl)`);
    }
    const { array, end } = unpickleNdarray(pickles[0]!.data, 0, what);
    if (end !== pickles[0]!.data.length) throw new RulesFileError(`${what}: data.pkl has ${pickles[0]!.data.length - end} bytes after its pickle`);
    return { kind: 'torch', array };
  }
  if (bytes[0] === 0x80) {
    const magic = unpicklePlain(bytes, 0, what);
    if (magic.value !== LEGACY_MAGIC && magic.value !== Number(LEGACY_MAGIC)) {
      throw new RulesFileError(`${what}: a pickle, but not a torch.save file (read: torch.save zips, legacy torch.save files and .npy files)`);
    }
    const protocol = unpicklePlain(bytes, magic.end, what);
    if (protocol.value !== 1001) throw new RulesFileError(`${what}: legacy torch.save protocol ${String(protocol.value)}, expected 1001`);
    const system = unpicklePlain(bytes, protocol.end, what);
    const info = system.value instanceof Map ? system.value : new Map();
    if (info.get('little_endian') === false) throw new RulesFileError(`${what}: written on a big-endian machine; save it again on a little-endian one`);
    const { array, end } = unpickleNdarray(bytes, system.end, what);
    const keys = unpicklePlain(bytes, end, what);
    if (!Array.isArray(keys.value) || keys.value.length > 0) throw new RulesFileError(`${what}: the file holds tensor storages besides the array; only numpy arrays are read`);
    if (keys.end !== bytes.length) throw new RulesFileError(`${what}: ${bytes.length - keys.end} bytes after the legacy torch.save records`);
    return { kind: 'torch-legacy', array };
  }
  throw new RulesFileError(`${what}: not a torch.save file (zip or legacy) or a .npy file`);
}

/** An array's values as float32 in C order (row-major), with its shape; refuses other dtypes and non-finite values. */
export function arrayValues(array: NdArray, what: string): { shape: number[]; values: Float32Array } {
  const { descr, shape } = array;
  const width = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (width === 0) {
    const type = descr.slice(1);
    const reason = descr.startsWith('>') ? 'big-endian numbers' : type === 'f2' || type === 'e' ? 'float16 (half precision) numbers' : `numbers of numpy type '${descr}'`;
    throw new RulesFileError(`${what}: the array holds ${reason}; coefficients must be little-endian float32 or float64 (array.astype(numpy.float32))`);
  }
  const count = shape.reduce((n, d) => n * d, 1);
  if (array.data.length !== count * width) {
    throw new RulesFileError(`${what}: the array of shape (${shape.join(', ')}) needs ${count * width} bytes of data, the file holds ${array.data.length} (truncated?)`);
  }
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const values = new Float32Array(count);
  // Fortran order stores the first index fastest: element (r, c) of an (R, C) array sits at c·R + r.
  const rows = shape[0] ?? 1;
  const cols = count / Math.max(rows, 1);
  for (let k = 0; k < count; k++) {
    const source = array.fortran && shape.length === 2 ? (k % cols) * rows + Math.floor(k / cols) : k;
    const v = width === 4 ? view.getFloat32(4 * source, true) : view.getFloat64(8 * source, true);
    if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
      const place = shape.length === 2 ? `row ${Math.floor(k / cols)}, column ${k % cols}` : `index ${k}`;
      throw new RulesFileError(`${what}: the value at ${place} is ${Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? `${v}, too large for float32` : v > 0 ? 'Infinity' : '-Infinity'}; coefficients must be finite`);
    }
    values[k] = v;
  }
  return { shape: shape.slice(), values };
}

/** What a reference file's name says (HEBcoeffs__ENV__rew_R__RULE__init_INIT__pop_P__coeffs__G.dat), when it says it. */
export function namedInFile(fileName: string): { rule?: RuleName; init?: string; env?: string } {
  const parts = fileName.replace(/^.*[\\/]/, '').split('__');
  const rule = parts.find((p): p is RuleName => (RULE_NAMES as readonly string[]).includes(p));
  const init = parts.find((p) => p.startsWith('init_'))?.slice(5);
  const env = parts[0] === 'HEBcoeffs' ? parts[1] : undefined;
  return { ...(rule ? { rule } : {}), ...(init ? { init } : {}), ...(env ? { env } : {}) };
}

/** The rule a (synapses, K) array fits when its name does not say: the one rule with K coefficients, if only one has. */
export function rulesWithColumns(columns: number): RuleName[] {
  return RULE_NAMES.filter((r) => ruleDef(r).coefficients === columns);
}

/**
 * The rule segment (synapses × coefficients, row-major) a rules file holds for `rule` on network `net`: the shape
 * must be (synapses, K) — or (synapses,) for a one-coefficient rule, as the reference squeezes it.
 */
export function ruleSegment(array: { shape: readonly number[]; values: Float32Array }, rule: RuleName, net: MlpSpec, what: string): Float32Array {
  const synapses = synapseCount(net);
  const def = ruleDef(rule);
  const K = def.coefficients;
  const { shape } = array;
  const fits = (shape.length === 2 && shape[0] === synapses && shape[1] === K) || (K === 1 && shape.length === 1 && shape[0] === synapses);
  if (fits) return array.values;
  const network = net.sizes.join('→');
  const columns = shape.length === 2 ? shape[1]! : 1;
  const others = rulesWithColumns(columns).filter((r) => r !== rule);
  const hint = shape.length <= 2 && shape[0] === synapses && others.length > 0 ? `; ${columns} columns fit rule ${others.join(' or ')} (--rule)` : '';
  throw new RulesFileError(
    `${what}: the array's shape is (${shape.join(', ')}${shape.length === 1 ? ',' : ''}); rule ${rule} on the ${network} network needs (${synapses}, ${K}): ${synapses} synapses × ${K} coefficient${K === 1 ? '' : 's'} (${def.labels.join(', ')})${hint}`,
  );
}

/**
 * A rule segment as a file the reference's torch.load / evaluate_hebb.py reads: torch.save's zip (archive folder
 * `archive`, as the file's stem names it) holding a protocol-2 pickle of a C-order float32 numpy array, or a .npy
 * file. Shape (synapses, K); a one-coefficient rule (synapses,), as the reference's .squeeze() leaves it.
 */
export function encodeRulesFile(segment: Float32Array, coefficients: number, format: RulesFileFormat, archive = 'archive'): Uint8Array {
  const shape = coefficients === 1 ? [segment.length] : [segment.length / coefficients, coefficients];
  if (!Number.isInteger(shape[0])) throw new RangeError(`a segment of ${segment.length} values is not rows of ${coefficients}`);
  if (format === 'npy') return writeNpy(segment, shape);
  return writeZip([
    { name: `${archive}/data.pkl`, data: pickleNdarray(segment, shape) },
    { name: `${archive}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}

/** The archive folder torch.save would name for a file: its name without directory and extension. */
export function archiveName(fileName: string): string {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return /^[A-Za-z0-9_.-]{1,200}$/.test(stem) ? stem : 'archive';
}
