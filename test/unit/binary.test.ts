import { describe, expect, it } from 'vitest';
import { BlobReader, encodeBlob } from '../../src/core/binary';
import { crc32 } from '../../src/core/crc32';

describe('blob container', () => {
  it('CRC-32 gives the standard check values', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  const blob = (): Uint8Array => encodeBlob('TEST', 3, { n: 3 }, [Float32Array.of(1.5, -2, 3), Int32Array.of(7)]);

  it('round-trips header and arrays', () => {
    const r = BlobReader.open(blob(), 'TEST', 3, 'test blob', 3);
    expect(r.version).toBe(3);
    expect(r.header).toEqual({ n: 3 });
    expect([...r.f32(3, 'a')]).toEqual([1.5, -2, 3]);
    expect([...r.i32(1, 'b')]).toEqual([7]);
  });

  it('detects any single corrupted byte, in the header, the data or the checksum', () => {
    const good = blob();
    for (let i = 0; i < good.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = good.slice();
        bad[i] = bad[i]! ^ flip;
        expect(() => {
          const r = BlobReader.open(bad, 'TEST', 3, 'test blob', 3);
          r.f32(3, 'a');
          r.i32(1, 'b');
        }, `byte ${i} ^ ${flip}`).toThrow(/test blob/);
      }
    }
  });

  it('reads blobs written before the checksum existed (no flag, no trailer)', () => {
    // Hand-built legacy layout: magic · version 2 · header length · header · 8-aligned f32 array.
    const json = new TextEncoder().encode('{"n":1}');
    const at = (12 + json.length + 7) & ~7;
    const bytes = new Uint8Array(at + 4);
    const view = new DataView(bytes.buffer);
    bytes.set([0x54, 0x45, 0x53, 0x54], 0);
    view.setUint32(4, 2, true);
    view.setUint32(8, json.length, true);
    bytes.set(json, 12);
    view.setFloat32(at, 0.25, true);
    const r = BlobReader.open(bytes, 'TEST', 3, 'test blob', 3);
    expect(r.version).toBe(2);
    expect([...r.f32(1, 'a')]).toEqual([0.25]);
  });
});
