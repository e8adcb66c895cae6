/**
 * The binary container shared by checkpoints and recorded episodes. Layout (little-endian):
 *   4-byte magic · u32 format version · u32 header length · header JSON (UTF-8)
 *   · then each array in order, starting at an 8-byte-aligned offset.
 *   · then a u32 CRC-32 of every byte before it, flagged by the version word's top bit.
 * The header says how long each array is, so a reader asks for them in order; a truncated, foreign, corrupted or
 * newer-format blob gets an error naming the kind of blob and what is wrong. Blobs written before the checksum
 * (no flag) are still read, unchecked.
 */
import { crc32 } from './crc32';

export type NumericArray = Float32Array | Float64Array | Int32Array;

const align8 = (n: number): number => (n + 7) & ~7;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Set in the version word when a CRC-32 trailer follows the data. */
const CHECKSUMMED = 0x8000_0000;

export class BlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobError';
  }
}

function magicBytes(magic: string): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(magic)) throw new RangeError(`magic must be 4 ASCII characters, got ${JSON.stringify(magic)}`);
  return Uint8Array.from(magic, (c) => c.charCodeAt(0));
}

/** Packs a JSON header and typed arrays; the arrays' lengths must be recoverable from the header. */
export function encodeBlob(magic: string, version: number, header: unknown, arrays: readonly NumericArray[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const offsets: number[] = [];
  let end = 12 + json.length;
  for (const a of arrays) {
    const at = align8(end);
    offsets.push(at);
    end = at + a.byteLength;
  }
  if (!Number.isInteger(version) || version < 0 || version >= CHECKSUMMED) throw new RangeError(`blob version must be a 31-bit integer, got ${version}`);
  const bytes = new Uint8Array(end + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(magicBytes(magic), 0);
  view.setUint32(4, (version | CHECKSUMMED) >>> 0, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  arrays.forEach((a, i) => {
    const at = offsets[i]!;
    if (LITTLE_ENDIAN) {
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      return;
    }
    for (let j = 0; j < a.length; j++) {
      if (a instanceof Float32Array) view.setFloat32(at + 4 * j, a[j]!, true);
      else if (a instanceof Float64Array) view.setFloat64(at + 8 * j, a[j]!, true);
      else view.setInt32(at + 4 * j, a[j]!, true);
    }
  });
  view.setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

/** An opened blob: its version and header, and its arrays read in the order they were written. */
export class BlobReader {
  private at: number;
  private readonly view: DataView;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    readonly version: number,
    readonly header: unknown,
    headerEnd: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = headerEnd;
  }

  /**
   * Checks magic, version and checksum and parses the header. `what` names the blob in errors ("ES state",
   * "episode"). Versions from `checksummedFrom` on must carry the checksum, so clearing its flag is detected too.
   */
  static open(bytes: Uint8Array, magic: string, newestVersion: number, what: string, checksummedFrom: number): BlobReader {
    const m = magicBytes(magic);
    if (bytes.length < 12 || m.some((b, i) => bytes[i] !== b)) throw new BlobError(`${what}: not a ${what} blob (bad magic)`);
    let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const word = view.getUint32(4, true);
    if (word & CHECKSUMMED) {
      const end = bytes.length - 4;
      if (end < 12 || view.getUint32(end, true) !== crc32(bytes.subarray(0, end))) {
        throw new BlobError(`${what}: checksum mismatch (the stored bytes are corrupt)`);
      }
      bytes = bytes.subarray(0, end);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const version = (word & ~CHECKSUMMED) >>> 0;
    if (!(word & CHECKSUMMED) && version >= checksummedFrom && version <= newestVersion) {
      throw new BlobError(`${what}: the checksum of a format-${version} blob is missing (the stored bytes are corrupt)`);
    }
    if (version > newestVersion) {
      throw new BlobError(`${what}: format version ${version} is newer than this workbench supports (${newestVersion})`);
    }
    const length = view.getUint32(8, true);
    if (12 + length > bytes.length) throw new BlobError(`${what}: truncated header`);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + length)));
    } catch {
      throw new BlobError(`${what}: header is not valid JSON`);
    }
    return new BlobReader(bytes, what, version, header, 12 + length);
  }

  f32(length: number, name: string): Float32Array {
    return this.read(length, 4, name, (n) => new Float32Array(n), (v, o) => v.getFloat32(o, true));
  }

  f64(length: number, name: string): Float64Array {
    return this.read(length, 8, name, (n) => new Float64Array(n), (v, o) => v.getFloat64(o, true));
  }

  i32(length: number, name: string): Int32Array {
    return this.read(length, 4, name, (n) => new Int32Array(n), (v, o) => v.getInt32(o, true));
  }

  private read<T extends NumericArray>(length: number, width: number, name: string, make: (n: number) => T, get: (v: DataView, at: number) => number): T {
    const at = align8(this.at);
    const end = at + length * width;
    if (end > this.bytes.length) throw new BlobError(`${this.what}: truncated in ${name} (${this.bytes.length} bytes, expected at least ${end})`);
    const out = make(length);
    if (LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(this.bytes.subarray(at, end));
    } else {
      for (let j = 0; j < length; j++) out[j] = get(this.view, at + width * j);
    }
    this.at = end;
    return out;
  }
}
