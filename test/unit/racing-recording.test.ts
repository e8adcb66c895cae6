import { describe, expect, it } from 'vitest';
import { pixelObserver, RacingEnv } from '../../src/core/envs/racing/racing-env';
import { recordedFrame, recordedTrack } from '../../src/core/envs/racing/replay-frame';
import { CAR_NET } from '../../src/core/nn/mlp';
import { CAR_HEBBIAN } from '../../src/core/policy/car-policy';
import { genomeLayout, initialCentre } from '../../src/core/policy/genome';
import { makePolicy } from '../../src/core/policy/make-policy';
import { Domain, RandomStream } from '../../src/core/random';
import { RACING_PROTOCOL, recordingStreams, runLifetime } from '../../src/core/rollout/lifetime';
import { decodeRecording, encodeRecording } from '../../src/core/rollout/recording-codec';

const SEED = 11;
const STEPS = 60;

/** A Hebbian car lifetime recorded twice over: its trace, and (for the check) every observation the policy saw. */
function recordCar() {
  const layout = genomeLayout(CAR_NET, CAR_HEBBIAN);
  const policy = makePolicy(CAR_NET, CAR_HEBBIAN, initialCentre(CAR_NET, layout, RandomStream.of(3, Domain.initialCentre)));
  const env = new RacingEnv();
  const r = runLifetime(env, policy, recordingStreams(SEED), {
    protocol: { ...RACING_PROTOCOL, maxEnvSteps: STEPS, negativePatience: STEPS },
    record: { weightStride: 20, observations: true, car: { trackSeed: SEED, source: env } },
  });
  return r.recording!;
}

describe('car recordings', () => {
  it('redraw, from the stored trace alone, every picture the network saw, bit for bit', () => {
    const live = recordCar();
    expect(live.envSteps).toBe(STEPS);
    // Stored without the pictures: 61 frames of 21 168 floats would be 5 MB; the trace is 61 × 32 float64 + tiles.
    const stored = decodeRecording(encodeRecording({ ...live, observations: new Float32Array(0) }));
    expect(stored.observations.length).toBe(0);
    const trace = stored.car!;
    expect(trace.trackSeed).toBe(SEED);
    // Tiles are painted after the reset step too, so frames differ in more than the car's pose.
    expect(trace.paintedAt.some((s) => s > 0)).toBe(true);
    const track = recordedTrack(trace);
    const observe = pixelObserver();
    const picture = new Float32Array(live.observationSize);
    let frame;
    for (let i = 0; i <= STEPS; i++) {
      frame = recordedFrame(track, trace, i, frame);
      observe(frame, picture);
      const seen = live.observations.subarray(i * live.observationSize, (i + 1) * live.observationSize);
      if (!Buffer.from(picture.buffer).equals(Buffer.from(seen.buffer, seen.byteOffset, seen.byteLength))) expect.fail(`frame ${i} differs`);
    }
    // The weight snapshots are the fully connected layers': 648·128 + 128·64 + 64·3 per snapshot, at t 0, 20, 40.
    expect([stored.synapses, [...stored.weightSteps], stored.layerSizes]).toEqual([91_328, [0, 20, 40], [648, 128, 64, 3]]);
    expect(stored.weights).toEqual(live.weights);
    expect(stored.actions).toEqual(live.actions);
  });

  it('refuses a frame outside the recording', () => {
    const trace = decodeRecording(encodeRecording({ ...recordCar(), observations: new Float32Array(0) })).car!;
    expect(() => recordedFrame(recordedTrack(trace), trace, STEPS + 1)).toThrow(`frame ${STEPS + 1} is not in the recording (0…${STEPS})`);
  });
});
