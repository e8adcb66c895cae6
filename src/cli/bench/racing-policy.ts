/**
 * Benchmarks of the car's policy alone, on fixed 84×84 pixel inputs — no env, no physics, no rasteriser: the conv
 * front end, the plastic fully connected part, and whole Hebbian and static policy steps.
 */
import type { NormaliseMode } from '../../core/config';
import { CAR_CONV, ConvNet } from '../../core/nn/conv';
import { CAR_NET } from '../../core/nn/mlp';
import { CAR_HEBBIAN, type CarPolicy } from '../../core/policy/car-policy';
import { genomeLayout, initialCentre, type PolicySpec } from '../../core/policy/genome';
import { makePolicy } from '../../core/policy/make-policy';
import { Domain, RandomStream } from '../../core/random';
import { AFTER_UPDATE } from './core';
import { timeNs, type Benchmark } from './registry';

const STEPS = 1000; // one lifetime at most

/** A few U(0, 1) pixel frames, cycled: the conv's speed does not depend on what it sees. */
function frames(): Float32Array[] {
  const rng = RandomStream.of(1, 5);
  return Array.from({ length: 8 }, () => {
    const x = new Float32Array(3 * CAR_CONV.size * CAR_CONV.size);
    rng.fillUniform(x, 0, 1);
    return x;
  });
}

/** The car policy at the initial ES centre of seed 1. */
export function carCentrePolicy(spec: PolicySpec): CarPolicy {
  return makePolicy(CAR_NET, spec, initialCentre(CAR_NET, genomeLayout(CAR_NET, spec), RandomStream.of(1, Domain.initialCentre))) as CarPolicy;
}

function cnnForward(): Benchmark {
  const net = new ConvNet(CAR_CONV);
  const w = new Float32Array(net.weightCount);
  RandomStream.of(1, 6).fillNormal(w, 0, 1);
  net.setWeights(w);
  const x = frames();
  return {
    key: 'racing_cnn_forward_us',
    unit: 'µs',
    description: 'car conv stack 3×84×84 → 648 (2 × conv + tanh + max pool, ≈ 1.5 M multiply-adds), per step',
    measure: () => timeNs(() => {
      for (let t = 0; t < STEPS; t++) net.forward(x[t & 7]!);
    }) / STEPS / 1e3,
  };
}

/** `racing_hebbian_fc_step_us` is the paper's car (max-abs); the other modes carry a suffix. */
function fcStep(normalise: NormaliseMode): Benchmark {
  const policy = carCentrePolicy({ ...CAR_HEBBIAN, normalise });
  const features = Array.from({ length: 8 }, (_, k) => {
    const f = new Float32Array(648);
    RandomStream.of(1, 7, k).fillUniform(f, -1, 1);
    return f;
  });
  return {
    key: normalise === 'maxabs' ? 'racing_hebbian_fc_step_us' : `racing_hebbian_fc_step_us_${normalise}`,
    unit: 'µs',
    description: `car plastic 648→128→64→3 alone: fused ABCD_lr update + ${AFTER_UPDATE[normalise]} + forward, per step`,
    measure: () => {
      policy.reset(RandomStream.of(1, 8));
      return timeNs(() => {
        for (let t = 0; t < STEPS; t++) policy.fc.act(features[t & 7]!);
      }) / STEPS / 1e3;
    },
  };
}

function policySteps(spec: PolicySpec, key: string, what: string): Benchmark {
  const policy = carCentrePolicy(spec);
  const x = frames();
  return {
    key,
    unit: '/s',
    description: `${what} policy only (conv + FC + squash) on fixed 84×84 frames, env excluded: steps per second`,
    measure: () => {
      policy.reset(RandomStream.of(1, 9));
      const ns = timeNs(() => {
        for (let t = 0; t < STEPS; t++) policy.act(x[t & 7]!);
      });
      return STEPS / (ns / 1e9);
    },
  };
}

export const racingPolicyBenchmarks = (): Benchmark[] => [
  cnnForward(),
  ...(['maxabs', 'none', 'zscore', 'clip'] as const).map(fcStep),
  policySteps(CAR_HEBBIAN, 'racing_hebbian_policy_steps_per_s', 'Hebbian ABCD_lr car'),
  policySteps({ kind: 'static' }, 'racing_static_policy_steps_per_s', 'static car'),
];
