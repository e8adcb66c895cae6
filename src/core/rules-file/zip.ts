/**
 * The zip container of `torch.save` (torch ≥ 1.6): entries stored, not compressed, each one's data aligned to 64
 * bytes by an "FB" padding field, sizes in a data descriptor after the data and in the central directory, and a
 * zip64 end record before the ordinary one (PyTorchStreamWriter over miniz). The reader takes any zip whose
 * entries are stored (whoever wrote it); the writer writes torch's layout byte for byte.
 */
import { crc32 } from '../crc32';
import { RulesFileError } from './errors';

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const DESCRIPTOR = 0x08074b50;
/** torch's kFieldAlignment: every entry's data starts at a multiple of this. */
const ALIGNMENT = 64;
const METHODS: Readonly<Record<number, string>> = { 8: 'deflate', 9: 'deflate64', 12: 'bzip2', 14: 'lzma', 93: 'zstandard', 95: 'xz' };

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) === LOCAL;
}

/** The entries of a zip whose entries are stored uncompressed; anything else is a RulesFileError saying what. */
export function readZip(bytes: Uint8Array, what: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (where: string): RulesFileError =>
    new RulesFileError(`${what}: the zip archive is truncated or damaged (${where}); copy the file again`);
  // The end record is the last 22 bytes, unless a comment (at most 65 535 bytes) follows it.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END && at + 22 + view.getUint16(at + 20, true) === bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0) throw truncated('no end-of-archive record');
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== LOCATOR64) throw truncated('no zip64 locator');
    const at = Number(view.getBigUint64(locator + 8, true));
    if (at + 56 > locator || view.getUint32(at, true) !== END64) throw truncated('no zip64 end record');
    count = Number(view.getBigUint64(at + 32, true));
    size = Number(view.getBigUint64(at + 40, true));
    offset = Number(view.getBigUint64(at + 48, true));
  }
  if (offset + size > end) throw truncated('the central directory runs past its end');
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > offset + size || view.getUint32(at, true) !== CENTRAL) throw truncated(`central directory entry ${i + 1}`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const length = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (next > offset + size) throw truncated(`central directory entry ${i + 1}`);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (flags & 1) throw new RulesFileError(`${what}: zip entry ${name} is encrypted; only unencrypted archives can be read`);
    if (method !== 0) {
      throw new RulesFileError(`${what}: zip entry ${name} is compressed (${METHODS[method] ?? `method ${method}`}); torch.save stores its entries uncompressed, so save the array again with torch.save (or np.save)`);
    }
    if (compressed === 0xffffffff || length === 0xffffffff || local === 0xffffffff) throw new RulesFileError(`${what}: zip entry ${name} is over 4 GiB`);
    if (compressed !== length) throw truncated(`entry ${name} is stored with two different sizes`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) throw truncated(`no local header for ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + length > bytes.length) throw truncated(`entry ${name} runs past the end of the file`);
    const data = bytes.subarray(start, start + length);
    if (crc32(data) !== crc) throw truncated(`entry ${name} fails its checksum`);
    entries.push({ name, data });
    at = next;
  }
  return entries;
}

/** A zip in torch.save's layout (PyTorchStreamWriter): what `torch.load` reads, byte for byte what torch writes. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const names = entries.map((e) => new TextEncoder().encode(e.name));
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  const crcs: number[] = [];
  let cursor = 0;
  const push = (part: Uint8Array): void => {
    parts.push(part);
    cursor += part.length;
  };
  entries.forEach((entry, i) => {
    const name = names[i]!;
    const start = cursor + 30 + name.length + 4;
    const padding = (ALIGNMENT - (start % ALIGNMENT)) % ALIGNMENT;
    const header = new Uint8Array(30 + name.length + 4 + padding);
    const h = new DataView(header.buffer);
    h.setUint32(0, LOCAL, true);
    h.setUint16(6, 0x0808, true); // sizes in a data descriptor; UTF-8 names
    h.setUint16(26, name.length, true);
    h.setUint16(28, 4 + padding, true);
    header.set(name, 30);
    header.set([0x46, 0x42, padding & 0xff, padding >> 8], 30 + name.length); // "FB" + padding length
    header.fill(0x5a, 34 + name.length); // 'Z'
    offsets.push(cursor);
    crcs.push(crc32(entry.data));
    push(header);
    push(entry.data);
    const descriptor = new DataView(new ArrayBuffer(16));
    descriptor.setUint32(0, DESCRIPTOR, true);
    descriptor.setUint32(4, crcs[i]!, true);
    descriptor.setUint32(8, entry.data.length, true);
    descriptor.setUint32(12, entry.data.length, true);
    push(new Uint8Array(descriptor.buffer));
  });
  const directory = cursor;
  entries.forEach((entry, i) => {
    const name = names[i]!;
    const record = new Uint8Array(46 + name.length);
    const r = new DataView(record.buffer);
    r.setUint32(0, CENTRAL, true);
    r.setUint16(8, 0x0808, true);
    r.setUint32(16, crcs[i]!, true);
    r.setUint32(20, entry.data.length, true);
    r.setUint32(24, entry.data.length, true);
    r.setUint16(28, name.length, true);
    r.setUint32(42, offsets[i]!, true);
    record.set(name, 46);
    push(record);
  });
  const directorySize = cursor - directory;
  const tail = new DataView(new ArrayBuffer(56 + 20 + 22));
  tail.setUint32(0, END64, true);
  tail.setBigUint64(4, 44n, true);
  tail.setUint16(12, 0x031e, true);
  tail.setUint16(14, 0x002d, true);
  tail.setBigUint64(24, BigInt(entries.length), true);
  tail.setBigUint64(32, BigInt(entries.length), true);
  tail.setBigUint64(40, BigInt(directorySize), true);
  tail.setBigUint64(48, BigInt(directory), true);
  tail.setUint32(56, LOCATOR64, true);
  tail.setBigUint64(64, BigInt(cursor), true);
  tail.setUint32(72, 1, true);
  tail.setUint32(76, END, true);
  tail.setUint16(84, entries.length, true);
  tail.setUint16(86, entries.length, true);
  tail.setUint32(88, directorySize, true);
  tail.setUint32(92, directory, true);
  push(new Uint8Array(tail.buffer));
  const out = new Uint8Array(cursor);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
