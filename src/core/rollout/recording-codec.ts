/**
 * Recorded lifetime ⇄ bytes, for stored episodes: the shared blob container (`core/binary.ts`) with magic "HBEP",
 * a header of the recording's task, sizes and names, then poses, observations, actions, rewards (float32),
 * the snapshot steps (int32) and the weight snapshots (float32); a car recording then adds its trace: the car
 * states (float64, so the rasteriser redraws the frames bit for bit) and the tiles' painted steps (int32), and
 * keeps no observations.
 */
import { z } from 'zod';
import { BlobError, BlobReader, encodeBlob } from '../binary';
import { ENV_NAMES, parseConfig } from '../config';
import { POSE_FLOATS } from '../envs/env';
import type { Recording } from './lifetime';

/** 2: a CRC-32 trailer (1 is read unchecked). 3: the task (`env`) and the car's trace; older blobs are quadrupeds. */
export const RECORDING_FORMAT_VERSION = 3;
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
  env: z.enum(ENV_NAMES).default('quadruped'),
  /** Observation floats stored per frame: observationSize, or 0 when they are redrawn from the car's trace. */
  keptObservation: count.optional(),
  car: z.object({ trackSeed: z.int().min(0).max(Number.MAX_SAFE_INTEGER), carFloats: z.int().min(1), tiles: count }).optional(),
}).refine((h) => (h.env === 'racing') === (h.car !== undefined), { message: 'a racing recording, and only one, carries the car trace', path: ['car'] });

/** Observation floats per frame a recording holds. */
function keptObservation(r: Recording): number {
  return r.observations.length / (r.envSteps + 1);
}

export function encodeRecording(r: Recording): Uint8Array {
  const header = {
    bodyNames: r.bodyNames, rewardTerms: r.rewardTerms, actionSize: r.actionSize, observationSize: r.observationSize,
    burnIn: r.burnIn, envSteps: r.envSteps, weightStride: r.weightStride, snapshots: r.weightSteps.length,
    synapses: r.synapses, layerSizes: r.layerSizes, env: r.car ? 'racing' : 'quadruped', keptObservation: keptObservation(r),
    ...(r.car ? { car: { trackSeed: r.car.trackSeed, carFloats: r.car.carFloats, tiles: r.car.paintedAt.length } } : {}),
  };
  const trace = r.car ? [r.car.carStates, r.car.paintedAt] : [];
  return encodeBlob(MAGIC, RECORDING_FORMAT_VERSION, header, [r.poses, r.observations, r.actions, r.rewards, r.weightSteps, r.weights, ...trace]);
}

/** Restores a recording; a truncated, corrupt or newer-format blob gets an error saying which part. */
export function decodeRecording(bytes: Uint8Array): Recording {
  const blob = BlobReader.open(bytes, MAGIC, RECORDING_FORMAT_VERSION, 'episode', 2);
  const h = parseConfig(headerSchema, blob.header, 'episode');
  const frames = h.envSteps + 1;
  const synapses = h.layerSizes.slice(1).reduce((s, n, l) => s + n * h.layerSizes[l]!, 0);
  if (synapses !== h.synapses) throw new BlobError(`episode.synapses: ${h.synapses} does not match the layer sizes (${synapses})`);
  const kept = h.keptObservation ?? h.observationSize;
  if (kept !== 0 && kept !== h.observationSize) throw new BlobError(`episode.keptObservation: ${kept} is neither 0 nor the observation size (${h.observationSize})`);
  const recording: Recording = {
    bodyNames: h.bodyNames,
    rewardTerms: h.rewardTerms,
    actionSize: h.actionSize,
    observationSize: h.observationSize,
    burnIn: h.burnIn,
    envSteps: h.envSteps,
    poses: blob.f32(frames * h.bodyNames.length * POSE_FLOATS, 'poses'),
    observations: blob.f32(frames * kept, 'observations'),
    actions: blob.f32(h.envSteps * h.actionSize, 'actions'),
    rewards: blob.f32(h.envSteps * h.rewardTerms.length, 'rewards'),
    weightStride: h.weightStride,
    weightSteps: blob.i32(h.snapshots, 'weight steps'),
    weights: blob.f32(h.snapshots * h.synapses, 'weights'),
    synapses: h.synapses,
    layerSizes: h.layerSizes,
  };
  if (!h.car) return recording;
  const carStates = blob.f64(frames * h.car.carFloats, 'car states');
  const paintedAt = blob.i32(h.car.tiles, 'painted tiles');
  return { ...recording, car: { trackSeed: h.car.trackSeed, carStates, carFloats: h.car.carFloats, paintedAt } };
}
