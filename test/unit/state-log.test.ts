// pybullet's state-log format (RobotLoggingUtil.cpp), on bytes written by hand as that file writes them.
import { describe, expect, it } from 'vitest';
import { parseStateLog } from '../../src/core/envs/quadruped/pybullet/state-log';

/** A log with fields stepCount (I), x (f), link (i), flag (B) and the given records. */
function log(records: [number, number, number, number][]): Uint8Array {
  const header = new TextEncoder().encode('stepCount,x,link,flag\nIfiB\n');
  const out = new Uint8Array(header.length + records.length * 15);
  out.set(header);
  const view = new DataView(out.buffer);
  records.forEach(([step, x, link, flag], r) => {
    const o = header.length + 15 * r;
    out[o] = 0xaa;
    out[o + 1] = 0xbb;
    view.setUint32(o + 2, step, true);
    view.setFloat32(o + 6, x, true);
    view.setInt32(o + 10, link, true);
    out[o + 14] = flag;
  });
  return out;
}

describe('parseStateLog', () => {
  it('reads the field names and every record, ints, float32s and bytes', () => {
    const parsed = parseStateLog(log([[0, 0.25, -1, 1], [7, -1.5, 19, 0]]));
    expect(parsed.keys).toEqual(['stepCount', 'x', 'link', 'flag']);
    expect(parsed.records.map((r) => Array.from(r))).toEqual([[0, 0.25, -1, 1], [7, -1.5, 19, 0]]);
  });

  it('a header alone is a log with no records', () => {
    expect(parseStateLog(log([])).records).toEqual([]);
  });

  it('refuses a truncated record, a missing marker and a header that does not add up, saying which', () => {
    const whole = log([[1, 2, 3, 4]]);
    expect(() => parseStateLog(whole.subarray(0, whole.length - 1))).toThrow(/record truncated at byte 27/);
    const unmarked = whole.slice();
    unmarked[27] = 0;
    expect(() => parseStateLog(unmarked)).toThrow(/no record marker at byte 27/);
    expect(() => parseStateLog(new TextEncoder().encode('a,b\nI\n'))).toThrow(/2 fields but types 'I'/);
    expect(() => parseStateLog(new TextEncoder().encode('a,b'))).toThrow(/header line not terminated/);
  });
});
