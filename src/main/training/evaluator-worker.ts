/**
 * An evaluator worker: for the quadruped one physics engine and one world per training and per held-out
 * morphology, for the car one racing env for training and tests alike (each lifetime's track comes from its
 * stream, a test's from the test streams: unseen tracks); one policy reused for every
 * lifetime. Candidates arrive as (index, noise offset, sign) and test lifetimes of the
 * centre as (index, held-out body, episode); parameters are rebuilt here from the shared centre and noise table,
 * never sent. A merging run's centre is a rule table: each candidate's table is expanded through the shared
 * assignment into the ordinary genome the policy loads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Env } from '../../core/envs/env';
import { makeQuadrupedEnv } from '../../core/envs/quadruped/make-env';
import { CURRENT_PHYSICS } from '../../core/envs/quadruped/physics';
import { RacingEnv } from '../../core/envs/racing/racing-env';
import { perturb, type Candidate } from '../../core/es/openai-es';
import { expandGenome, ruleGeometry } from '../../core/merge/merge';
import { parseMjcf } from '../../core/morphology/mjcf';
import { genomeLayout } from '../../core/policy/genome';
import { makePolicy } from '../../core/policy/make-policy';
import { evaluateCandidate } from '../../core/rollout/candidate';
import { testLifetime } from '../../core/rollout/lifetime';
import { taskProtocol } from '../../core/tasks';
import type { CandidateResult, EvaluateTask, TestResult, WorkerInit, WorkerReply } from './protocol';

const init = (workerData as { init: WorkerInit }).init;
const port = parentPort!;
const envName = init.env ?? 'quadruped';
const protocol = taskProtocol(envName);

async function quadrupedWorlds(): Promise<{ envs: Env[]; heldout: Env[] }> {
  const world = (m: { name: string; mjcf: string }): Promise<Env> => makeQuadrupedEnv(parseMjcf(m.mjcf, m.name), init.physics ?? CURRENT_PHYSICS);
  return { envs: await Promise.all(init.morphologies.map(world)), heldout: await Promise.all((init.heldout ?? []).map(world)) };
}

// The car's held-out tests (unseen tracks) drive the same env: every reset builds a fresh world on the track of its
// stream, so a test lifetime cannot depend on the training lifetimes before it.
const racing = (): { envs: Env[]; heldout: Env[] } => {
  const env = new RacingEnv();
  return { envs: [env], heldout: [env] };
};
const { envs, heldout } = envName === 'racing' ? racing() : await quadrupedWorlds();
const layout = genomeLayout(init.net, init.policy);
const theta = new Float32Array(init.theta);
const eps = new Float32Array(init.noise);
const genome = new Float32Array(layout.size);
const policy = makePolicy(init.net, init.policy, theta.slice());
const merging = init.assignment ? { geometry: ruleGeometry(init.net, init.policy), assignment: new Int32Array(init.assignment), table: new Float32Array(layout.size) } : null;

/** Writes the genome of the centre (sign 0) or of a candidate into `genome`. */
function build(centre: Float32Array, sigma: number, candidate: Candidate | null): void {
  const out = merging ? merging.table.subarray(0, centre.length) : genome;
  if (candidate) perturb(centre, sigma, eps, candidate, out);
  else out.set(centre);
  if (merging) expandGenome(merging.geometry, out, merging.assignment, genome);
}

function run(task: EvaluateTask): (CandidateResult | TestResult)[] {
  const centre = theta.subarray(0, task.centre);
  if (task.kind === 'candidates') {
    return task.candidates.map((c) => {
      build(centre, task.sigma, c);
      const r = evaluateCandidate(policy, envs, layout, genome, { seed: init.runSeed, generation: task.generation, candidate: c.index }, init.l2Coefficient, protocol);
      return { index: c.index, ...r };
    });
  }
  build(centre, 0, null);
  policy.load(genome);
  return task.tests.map((t) => {
    const r = testLifetime(heldout[t.morphology]!, policy, init.runSeed, task.generation, t.episode, protocol);
    return { index: t.index, fitness: r.fitness, distance: r.distance, envSteps: r.envSteps };
  });
}

port.on('message', (task: EvaluateTask) => {
  let reply: WorkerReply;
  try {
    reply = { kind: 'results', id: task.id, results: run(task) };
  } catch (e) {
    reply = { kind: 'failed', id: task.id, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
