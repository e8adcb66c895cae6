/**
 * numpy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", the version, the
 * header's length, a header that is a Python dict literal ({'descr': '<f4', 'fortran_order': False,
 * 'shape': (12288, 5), }), then the raw data. The header is read as that literal only, never evaluated.
 */
import { RulesFileError } from './errors';
import type { NdArray } from './pickle';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function readNpy(bytes: Uint8Array, what: string): NdArray {
  const fail = (message: string): never => {
    throw new RulesFileError(`${what}: ${message}`);
  };
  if (bytes.length < 10) fail('the .npy file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not one numpy writes (1.0, 2.0 or 3.0)`);
  const headerAt = major === 1 ? 10 : 12;
  if (bytes.length < headerAt) fail('the .npy file is truncated');
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerAt + length > bytes.length) fail('the .npy file is truncated (in its header)');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerAt, headerAt + length)).trim();
  const field = (key: string, pattern: string): RegExpExecArray =>
    new RegExp(`['"]${key}['"]\\s*:\\s*${pattern}\\s*[,}]`).exec(header) ?? fail(`the .npy header has no valid '${key}' (${JSON.stringify(header.slice(0, 120))})`);
  if (!/^\{.*\}$/s.test(header)) fail('the .npy header is not a dict');
  const descr = field('descr', `(?:'([^']*)'|"([^"]*)"|\\[)`);
  if (descr[0].trimEnd().endsWith('[')) fail('the .npy file holds a structured array (fields), not plain numbers');
  const fortran = field('fortran_order', '(True|False)')[1] === 'True';
  const shapeText = field('shape', '\\(([^)]*)\\)')[1]!;
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : fail(`the .npy shape (${shapeText}) is not a tuple of whole numbers`)));
  return { shape, descr: descr[1] ?? descr[2]!, fortran, data: bytes.subarray(headerAt + length) };
}

/** A C-order little-endian float32 .npy file (format 1.0), as np.save writes it. */
export function writeNpy(values: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  // As numpy.lib.format does: room for the first axis to grow to 21 digits, then spaces so the data starts at a
  // multiple of 64, then a newline.
  header += ' '.repeat(21 - String(shape[0]).length);
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const data = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => data.setFloat32(4 * i, v, true));
  return out;
}
