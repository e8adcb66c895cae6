/**
 * A recorded car lifetime's frames, rebuilt from its trace (core/rollout/lifetime, CarTrace): the track from the
 * recording seed, the car state and the tiles painted by each step. Drawn with the env's own rasteriser and
 * resample, frame i is the picture the network saw after step i (tested bit for bit).
 */
import type { CarTrace } from '../../rollout/lifetime';
import { recordingStreams } from '../../rollout/lifetime';
import type { RaceFrame, Track } from './scene';
import { generateTrack } from './track';

/** The recorded episode's track: what the env's reset drew from the recording streams' env stream. */
export function recordedTrack(trace: CarTrace): Track {
  return generateTrack(recordingStreams(trace.trackSeed).env);
}

/** Frame i of the recording, written into `into` (a frame of this track, reused across calls) when given. */
export function recordedFrame(track: Track, trace: CarTrace, i: number, into?: RaceFrame): RaceFrame {
  const frames = trace.carStates.length / trace.carFloats;
  if (!Number.isInteger(i) || i < 0 || i >= frames) throw new RangeError(`frame ${i} is not in the recording (0…${frames - 1})`);
  if (trace.paintedAt.length !== track.tileCount) throw new RangeError(`the trace has ${trace.paintedAt.length} tiles but the track ${track.tileCount}`);
  const frame = into ?? { track, car: new Float64Array(trace.carFloats), painted: new Uint8Array(track.tileCount) };
  frame.car.set(trace.carStates.subarray(i * trace.carFloats, (i + 1) * trace.carFloats));
  const at = trace.paintedAt;
  for (let k = 0; k < at.length; k++) frame.painted[k] = at[k]! >= 0 && at[k]! <= i ? 1 : 0;
  return frame;
}
