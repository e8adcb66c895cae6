import { describe, expect, it } from 'vitest';
import { generateTrack } from '../../src/core/envs/racing/track';
import { CAR_FLOATS, HULL_VX, HULL_VY, HULL_X, HULL_Y } from '../../src/core/envs/racing/scene';
import { recordingStreams, type Recording } from '../../src/core/rollout/lifetime';
import { parseDamage } from '../../src/core/rollout/damage';
import { carTraceOption } from '../../src/renderer/src/car-charts';
import { CarReplay } from '../../src/renderer/src/replay/car-model';
import { observationToRgba } from '../../src/renderer/src/replay/network-pixels';

const SEED = 4;
const TILES = generateTrack(recordingStreams(SEED).env).tileCount;

/**
 * 4 env steps of a made-up car: hull at (10f, −5f) moving at (3, 4) units/s, tile 0 painted by the reset step,
 * tiles 1 and 2 in step 2; rewards 3.4, −0.1, 6.8, −0.1; a 2-2-1 network snapshotted at t = 0 and 2.
 */
function recording(paintedTiles = TILES): Recording {
  const frames = 5;
  const carStates = new Float64Array(frames * CAR_FLOATS);
  for (let f = 0; f < frames; f++) {
    carStates[f * CAR_FLOATS + HULL_X] = 10 * f;
    carStates[f * CAR_FLOATS + HULL_Y] = -5 * f;
    carStates[f * CAR_FLOATS + HULL_VX] = 3;
    carStates[f * CAR_FLOATS + HULL_VY] = 4;
  }
  const paintedAt = new Int32Array(paintedTiles).fill(-1);
  paintedAt.set([0, 2, 2]);
  return {
    bodyNames: ['hull'], rewardTerms: ['reward'], actionSize: 3, observationSize: 3 * 84 * 84, burnIn: 0, envSteps: 4,
    poses: new Float32Array(frames * 7), observations: new Float32Array(0),
    actions: Float32Array.from([0.5, 1, 0, -1, 0, 1, 0.25, 0.5, 0.5, 0, 0, 0]),
    rewards: Float32Array.from([3.5, -0.1, 6.75, -0.1]),
    weightStride: 2, weightSteps: Int32Array.from([0, 2]),
    weights: Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]), synapses: 6, layerSizes: [2, 2, 1],
    car: { trackSeed: SEED, carStates, carFloats: CAR_FLOATS, paintedAt },
  };
}

describe('car replay model', () => {
  it('rebuilds the track of the recording seed and reads score, tiles, actions and speed per frame', () => {
    const r = CarReplay.from(recording());
    expect(r.frames).toBe(5);
    expect(r.track.tileCount).toBe(TILES);
    expect([0, 1, 2, 3, 4].map((f) => r.score(f))).toEqual([0, 3.5, 3.5 - 0.1, 3.4 + 6.75, 10.15 - 0.1].map((v) => expect.closeTo(v, 5)));
    expect(r.stepReward(3)).toBeCloseTo(6.75, 6);
    expect([0, 1, 2, 3, 4].map((f) => r.tilesTouched(f))).toEqual([1, 1, 3, 3, 3]);
    expect([r.painted(1, 1), r.painted(1, 2), r.painted(5, 4)]).toEqual([false, true, false]);
    expect(Array.from(r.action(0))).toEqual([0, 0, 0]);
    expect(Array.from(r.action(2))).toEqual([-1, 0, 1]); // the step into frame 2 is the second action row
    expect([r.policyStep(0), r.policyStep(1), r.policyStep(4)]).toEqual([null, 0, 3]);
    expect(r.speed(3)).toBe(5);
    expect(Array.from(r.path.subarray(6, 8))).toEqual([30, -15]);
    expect(r.bounds.maxX).toBeGreaterThanOrEqual(40);
    expect(r.bounds.minY).toBeLessThanOrEqual(-20);
    expect(() => r.score(5)).toThrow(RangeError);
  });

  it('hands the rasteriser the frame of the recording: the car state and the tiles painted by then', () => {
    const r = CarReplay.from(recording());
    const a = r.raceFrame(1);
    expect([a.car[HULL_X], a.painted[0], a.painted[1]]).toEqual([10, 1, 0]);
    const b = r.raceFrame(2);
    expect(b).toBe(a); // one reused frame, no allocation per call
    expect([b.car[HULL_X], b.painted[1], b.painted[2], b.painted[3]]).toEqual([20, 1, 1, 0]);
  });

  it('finds the weight snapshot in force by policy step and marks damage windows', () => {
    const r = CarReplay.from(recording(), parseDamage([{ kind: 'stopPlasticity', at: 2 }]));
    expect([0, 1, 2, 3, 4].map((f) => r.snapshotIndex(f))).toEqual([-1, 0, 0, 1, 1]);
    expect(r.weights(3)!.layers.map((l) => Array.from(l))).toEqual([[10, 20, 30, 40], [50, 60]]);
    expect(r.weights(3)!.step).toBe(2);
    expect(r.layerSnapshots(1).map((w) => Array.from(w))).toEqual([[5, 6], [50, 60]]);
    expect(r.damage).toEqual([{ kind: 'stopPlasticity', label: expect.any(String), fromFrame: 3, toFrame: 5 }]);
  });

  it('refuses a quadruped recording and a trace whose tiles are not its track', () => {
    const { car: _car, ...quadruped } = recording();
    expect(() => CarReplay.from(quadruped)).toThrow('not a car episode');
    expect(() => CarReplay.from(recording(TILES + 1))).toThrow(`the recording's ${TILES + 1} tiles are not its track's ${TILES}`);
  });
});

describe("the network's picture", () => {
  it('puts observation (c, x, y) at image row y, column x, channel c, back in 8-bit levels', () => {
    const obs = new Float32Array(3 * 84 * 84);
    // Pixel (row 2, column 70): red 255, green 51, blue 0; pixel (row 70, column 2) stays black.
    obs[0 * 7056 + 70 * 84 + 2] = 1;
    obs[1 * 7056 + 70 * 84 + 2] = 51 / 255;
    const out = new Uint8ClampedArray(84 * 84 * 4);
    observationToRgba(obs, out);
    const at = (row: number, col: number): number[] => Array.from(out.subarray(4 * (84 * row + col), 4 * (84 * row + col) + 4));
    expect(at(2, 70)).toEqual([255, 51, 0, 255]);
    expect(at(70, 2)).toEqual([0, 0, 0, 255]);
  });
});

describe('car traces', () => {
  it('stacks steer (−1 … 1), gas and brake (0 … 1) and the score on one frame axis', () => {
    const o = carTraceOption(Float32Array.from([0, 0, 0, -0.5, 1, 0]), Float64Array.from([0, 3.4]), []) as {
      yAxis: { name: string; min?: number; max?: number }[]; series: { data: number[][]; xAxisIndex: number }[]; xAxis: { max: number }[];
    };
    expect(o.yAxis.map((a) => [a.name, a.min, a.max])).toEqual([['steer', -1, 1], ['gas', 0, 1], ['brake', 0, 1], ['score', undefined, undefined]]);
    expect(o.series.map((s) => s.data[1])).toEqual([[1, -0.5], [1, 1], [1, 0], [1, 3.4]]);
    expect(o.xAxis.every((a) => a.max === 1)).toBe(true);
  });
});
