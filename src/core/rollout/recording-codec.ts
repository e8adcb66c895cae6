/**
 * Recorded lifetime ⇄ bytes, for stored episodes: the shared blob container (`core/binary.ts`) with magic "HBEP",
 * a header of the recording's sizes and names, then poses, observations, actions, rewards (float32),
 * the snapshot steps (int32) and the weight snapshots (float32).
 */
import { z } from 'zod';
import { BlobError, BlobReader, encodeBlob } from '../binary';
import { parseConfig } from '../config';
import { POSE_FLOATS } from '../envs/env';
import type { Recording } from './lifetime';

/** 2: a CRC-32 trailer (1 is read unchecked). */
export const RECORDING_FORMAT_VERSION = 2;
const MAGIC = 'HBEP';

const count = z.int().min(0);
const headerSchema = z.object({
  bodyNames: z.array(z.string()).min(1),
  rewardTerms: z.array(z.string()).min(1),
  actionSize: z.int().min(1),
  observationSize: z.int().min(1),
  burnIn: count,
  envSteps: count,
  weightStride: count,
  snapshots: count,
  synapses: count,
  layerSizes: z.array(z.int().min(1)).min(2),
});

export function encodeRecording(r: Recording): Uint8Array {
  const header = {
    bodyNames: r.bodyNames, rewardTerms: r.rewardTerms, actionSize: r.actionSize, observationSize: r.observationSize,
    burnIn: r.burnIn, envSteps: r.envSteps, weightStride: r.weightStride, snapshots: r.weightSteps.length,
    synapses: r.synapses, layerSizes: r.layerSizes,
  };
  return encodeBlob(MAGIC, RECORDING_FORMAT_VERSION, header, [r.poses, r.observations, r.actions, r.rewards, r.weightSteps, r.weights]);
}

/** Restores a recording; a truncated, corrupt or newer-format blob gets an error saying which part. */
export function decodeRecording(bytes: Uint8Array): Recording {
  const blob = BlobReader.open(bytes, MAGIC, RECORDING_FORMAT_VERSION, 'episode', 2);
  const h = parseConfig(headerSchema, blob.header, 'episode');
  const frames = h.envSteps + 1;
  const synapses = h.layerSizes.slice(1).reduce((s, n, l) => s + n * h.layerSizes[l]!, 0);
  if (synapses !== h.synapses) throw new BlobError(`episode.synapses: ${h.synapses} does not match the layer sizes (${synapses})`);
  return {
    bodyNames: h.bodyNames,
    rewardTerms: h.rewardTerms,
    actionSize: h.actionSize,
    observationSize: h.observationSize,
    burnIn: h.burnIn,
    envSteps: h.envSteps,
    poses: blob.f32(frames * h.bodyNames.length * POSE_FLOATS, 'poses'),
    observations: blob.f32(frames * h.observationSize, 'observations'),
    actions: blob.f32(h.envSteps * h.actionSize, 'actions'),
    rewards: blob.f32(h.envSteps * h.rewardTerms.length, 'rewards'),
    weightStride: h.weightStride,
    weightSteps: blob.i32(h.snapshots, 'weight steps'),
    weights: blob.f32(h.snapshots * h.synapses, 'weights'),
    synapses: h.synapses,
    layerSizes: h.layerSizes,
  };
}
