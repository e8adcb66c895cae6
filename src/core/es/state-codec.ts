/**
 * ES state ⇄ bytes, for checkpoints: the shared blob container (`core/binary.ts`) with magic "HBES", a header of
 * the config and the scalars (JSON round-trips doubles exactly), then θ as float32[dim], with Adam the
 * moments m and v as float64[dim] each, and for a run that merges rules the synapse → rule assignment as int32.
 */
import { z } from 'zod';
import { BlobReader, encodeBlob } from '../binary';
import { esConfigSchema, parseConfig } from '../config';
import type { EsState } from './openai-es';

/** 2: a CRC-32 trailer (1 is read unchecked). 3: the Evolve & Merge assignment (absent, length 0, before). */
export const ES_STATE_FORMAT_VERSION = 3;
const MAGIC = 'HBES';

const headerSchema = z.object({
  config: esConfigSchema,
  generation: z.int().min(0),
  lr: z.number().finite(),
  sigma: z.number().finite(),
  dim: z.int().min(1),
  optimizerSteps: z.int().min(0),
  /** Synapses in the assignment; 0 when the run does not merge rules. */
  assignment: z.int().min(0).default(0),
});

export function encodeEsState(state: EsState): Uint8Array {
  const { theta, optimizer } = state;
  const assignment = state.assignment ?? new Int32Array(0);
  const header = { config: state.config, generation: state.generation, lr: state.lr, sigma: state.sigma, dim: theta.length, optimizerSteps: optimizer.t, assignment: assignment.length };
  return encodeBlob(MAGIC, ES_STATE_FORMAT_VERSION, header, [theta, optimizer.m, optimizer.v, assignment]);
}

/** Restores a state; a truncated, corrupt or newer-format blob gets an error saying which. */
export function decodeEsState(bytes: Uint8Array): EsState {
  const blob = BlobReader.open(bytes, MAGIC, ES_STATE_FORMAT_VERSION, 'ES state', 2);
  const header = parseConfig(headerSchema, blob.header, 'ES state');
  const moments = header.config.optimizer === 'adam' ? header.dim : 0;
  const theta = blob.f32(header.dim, 'θ');
  const m = blob.f64(moments, 'Adam m');
  const v = blob.f64(moments, 'Adam v');
  const state: EsState = { config: header.config, generation: header.generation, lr: header.lr, sigma: header.sigma, theta, optimizer: { t: header.optimizerSteps, m, v } };
  return header.assignment > 0 ? { ...state, assignment: blob.i32(header.assignment, 'rule assignment') } : state;
}
