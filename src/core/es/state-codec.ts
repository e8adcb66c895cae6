/**
 * ES state ⇄ bytes, for checkpoints. Layout (little-endian):
 *   "HBES" · u32 format version · u32 header length · header JSON (UTF-8) · zero padding to 8 bytes
 *   · θ as float32[dim] · padding to 8 · Adam m, v as float64[dim] each (only when the optimizer is Adam)
 * The header holds the config and the scalars; JSON round-trips doubles exactly.
 */
import { z } from 'zod';
import { esConfigSchema, parseConfig } from '../config';
import type { EsState } from './openai-es';

export const ES_STATE_FORMAT_VERSION = 1;
const MAGIC = [0x48, 0x42, 0x45, 0x53]; // "HBES"

const headerSchema = z.object({
  config: esConfigSchema,
  generation: z.int().min(0),
  lr: z.number().finite(),
  sigma: z.number().finite(),
  dim: z.int().min(1),
  optimizerSteps: z.int().min(0),
});

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeEsState(state: EsState): Uint8Array {
  const dim = state.theta.length;
  const header = new TextEncoder().encode(
    JSON.stringify({
      config: state.config,
      generation: state.generation,
      lr: state.lr,
      sigma: state.sigma,
      dim,
      optimizerSteps: state.optimizer.t,
    }),
  );
  const moments = state.optimizer.m.length;
  const thetaAt = align8(12 + header.length);
  const momentsAt = align8(thetaAt + dim * 4);
  const total = momentsAt + moments * 16;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, ES_STATE_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  for (let j = 0; j < dim; j++) view.setFloat32(thetaAt + 4 * j, state.theta[j]!, true);
  for (let j = 0; j < moments; j++) {
    view.setFloat64(momentsAt + 8 * j, state.optimizer.m[j]!, true);
    view.setFloat64(momentsAt + 8 * (moments + j), state.optimizer.v[j]!, true);
  }
  return bytes;
}

/** Restores a state; a truncated, corrupt or newer-format blob gets an error saying which. */
export function decodeEsState(bytes: Uint8Array): EsState {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('ES state: not an ES checkpoint (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version > ES_STATE_FORMAT_VERSION) {
    throw new Error(`ES state: format version ${version} is newer than this workbench supports (${ES_STATE_FORMAT_VERSION})`);
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error('ES state: truncated header');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new Error('ES state: header is not valid JSON');
  }
  const header = parseConfig(headerSchema, json, 'ES state');
  const { dim } = header;
  const adam = header.config.optimizer === 'adam';
  const thetaAt = align8(12 + headerLength);
  const momentsAt = align8(thetaAt + dim * 4);
  const expected = adam ? momentsAt + dim * 16 : thetaAt + dim * 4;
  if (bytes.length < expected) throw new Error(`ES state: truncated (${bytes.length} bytes, expected ${expected})`);
  const theta = new Float32Array(dim);
  for (let j = 0; j < dim; j++) theta[j] = view.getFloat32(thetaAt + 4 * j, true);
  const m = new Float64Array(adam ? dim : 0);
  const v = new Float64Array(adam ? dim : 0);
  for (let j = 0; j < m.length; j++) {
    m[j] = view.getFloat64(momentsAt + 8 * j, true);
    v[j] = view.getFloat64(momentsAt + 8 * (dim + j), true);
  }
  return {
    config: header.config,
    generation: header.generation,
    lr: header.lr,
    sigma: header.sigma,
    theta,
    optimizer: { t: header.optimizerSteps, m, v },
  };
}
