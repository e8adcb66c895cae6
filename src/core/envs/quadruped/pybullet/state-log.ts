/**
 * pybullet's state-log files (startStateLogging; bullet3 examples/Utils/RobotLoggingUtil.cpp, read in Python by
 * pybullet_utils' readLogFile): a line of comma-separated field names, a line of field types ('I'/'i' int32,
 * 'f' float32, 'B' uint8, little-endian), then records, each the two bytes 0xAA 0xBB followed by the fields.
 */

export interface StateLog {
  readonly keys: readonly string[];
  /** One array per record, the fields in `keys` order. */
  readonly records: readonly Float64Array[];
}

const SIZE: Record<string, number> = { I: 4, i: 4, f: 4, B: 1 };

export function parseStateLog(bytes: Uint8Array): StateLog {
  const lineEnd = (from: number): number => {
    const at = bytes.indexOf(0x0a, from);
    if (at < 0) throw new RangeError('state log: header line not terminated');
    return at;
  };
  const decoder = new TextDecoder();
  const keysEnd = lineEnd(0);
  const typesEnd = lineEnd(keysEnd + 1);
  const keys = decoder.decode(bytes.subarray(0, keysEnd)).split(',');
  const types = decoder.decode(bytes.subarray(keysEnd + 1, typesEnd));
  if (types.length !== keys.length || [...types].some((t) => !(t in SIZE))) {
    throw new RangeError(`state log: ${keys.length} fields but types '${types}'`);
  }
  const recordBytes = 2 + [...types].reduce((n, t) => n + SIZE[t]!, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Float64Array[] = [];
  for (let at = typesEnd + 1; at < bytes.length; at += recordBytes) {
    if (at + recordBytes > bytes.length) throw new RangeError(`state log: a record truncated at byte ${at}`);
    if (bytes[at] !== 0xaa || bytes[at + 1] !== 0xbb) throw new RangeError(`state log: no record marker at byte ${at}`);
    const record = new Float64Array(types.length);
    let o = at + 2;
    for (let k = 0; k < types.length; k++) {
      const t = types[k]!;
      record[k] = t === 'f' ? view.getFloat32(o, true) : t === 'B' ? view.getUint8(o) : t === 'I' ? view.getUint32(o, true) : view.getInt32(o, true);
      o += SIZE[t]!;
    }
    records.push(record);
  }
  return { keys, records };
}
