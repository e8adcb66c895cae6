import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/core/rollout/lifetime';
import { encodeBlob } from '../../src/core/binary';
import { decodeRecording, encodeRecording, RECORDING_FORMAT_VERSION } from '../../src/core/rollout/recording-codec';

/** A small recording: 2 bodies, 3 env steps (1 burn-in), 2 actions, 2 reward terms, a 2-3-1 network. */
function fixture(): Recording {
  const seq = (n: number, from: number): Float32Array => Float32Array.from({ length: n }, (_, i) => from + i / 4);
  return {
    bodyNames: ['torso', 'leg'],
    rewardTerms: ['alive', 'progress'],
    actionSize: 2,
    observationSize: 3,
    burnIn: 1,
    envSteps: 3,
    poses: seq(4 * 2 * 7, 0),
    observations: seq(4 * 3, 100),
    actions: seq(3 * 2, -1),
    rewards: seq(3 * 2, 50),
    weightStride: 1,
    weightSteps: Int32Array.from([0, 1]),
    weights: seq(2 * 9, -2),
    synapses: 9,
    layerSizes: [2, 3, 1],
  };
}

describe('recorded episode codec', () => {
  it('round-trips every array and field exactly', () => {
    const r = fixture();
    expect(decodeRecording(encodeRecording(r))).toEqual(r);
  });

  it('starts with the HBEP magic and its format version', () => {
    const bytes = encodeRecording(fixture());
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('HBEP');
    // The top bit flags the CRC-32 trailer.
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe((RECORDING_FORMAT_VERSION | 0x8000_0000) >>> 0);
  });

  it('says which part is missing from a truncated blob, and refuses foreign or newer blobs', () => {
    const bytes = encodeRecording(fixture());
    expect(() => decodeRecording(bytes.subarray(0, bytes.length - 4))).toThrow(/episode: checksum mismatch/);
    // A format-1 blob (before the checksum) is read unchecked, so its structure still names what is missing.
    const legacy = Uint8Array.from(bytes.subarray(0, bytes.length - 8));
    new DataView(legacy.buffer).setUint32(4, 1, true);
    expect(() => decodeRecording(legacy)).toThrow(/episode: truncated in weights/);
    expect(() => decodeRecording(Uint8Array.from([0x48, 0x42, 0x45, 0x53, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/bad magic/);
    const newer = Uint8Array.from(bytes);
    new DataView(newer.buffer).setUint32(4, RECORDING_FORMAT_VERSION + 1, true);
    expect(() => decodeRecording(newer)).toThrow(/newer than this workbench supports/);
  });

  it('decodes a quadruped episode stored in format 2, before recordings named their task', () => {
    const r = fixture();
    const header = {
      bodyNames: r.bodyNames, rewardTerms: r.rewardTerms, actionSize: 2, observationSize: 3, burnIn: 1, envSteps: 3, weightStride: 1, snapshots: 2, synapses: 9, layerSizes: [2, 3, 1],
    };
    const v2 = encodeBlob('HBEP', 2, header, [r.poses, r.observations, r.actions, r.rewards, r.weightSteps, r.weights]);
    const decoded = decodeRecording(v2);
    expect(decoded).toEqual(r);
    expect(decoded.car).toBeUndefined();
  });

  it('round-trips a car recording: its trace in float64 and int32, no observations', () => {
    const carStates = Float64Array.from({ length: 4 * 2 }, (_, i) => Math.PI * i + 1e-12);
    const car = { ...fixture(), observations: new Float32Array(0), car: { trackSeed: 2 ** 40 + 3, carStates, carFloats: 2, paintedAt: Int32Array.from([0, -1, 2, 3, -1]) } };
    const decoded = decodeRecording(encodeRecording(car));
    expect(decoded).toEqual(car);
    // float64 exactly: π·i + 1e-12 does not survive float32.
    expect(decoded.car!.carStates[3]).toBe(3 * Math.PI + 1e-12);
    const bytes = encodeRecording(car);
    expect(() => decodeRecording(bytes.subarray(0, bytes.length - 1))).toThrow(/checksum mismatch/);
  });

  it('names the header field that does not fit', () => {
    const r = { ...fixture(), synapses: 8 };
    expect(() => decodeRecording(encodeRecording(r))).toThrow(/episode.synapses: 8 does not match the layer sizes \(9\)/);
    expect(() => decodeRecording(encodeRecording({ ...fixture(), actionSize: 0 }))).toThrow(/episode\.actionSize/);
  });
});
