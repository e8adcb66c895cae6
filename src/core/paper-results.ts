/**
 * The numbers Najarro & Risi (NeurIPS 2020) report, for putting beside ours. The paper's own tables could not be
 * read when this project was written: these are the values secondary sources quote from it, marked unverified, and
 * the conditions they belong to. docs/RESULTS.md says how ours were measured; the two are not the same simulator.
 */
export interface PaperValue {
  readonly task: 'quadruped' | 'racing';
  readonly network: 'hebbian' | 'static';
  /** The body (quadruped) or the evaluation (racing) the value is for. */
  readonly condition: string;
  readonly mean: number;
  readonly std: number;
  readonly units: string;
  readonly note: string;
}

export const PAPER_VALUES: readonly PaperValue[] = [
  { task: 'racing', network: 'hebbian', condition: 'CarRacing-v0 test episodes', mean: 872, std: 11, units: 'average reward', note: 'ABCD_lr, random U(−0.1, 0.1) weights; quoted by a secondary source, unverified' },
  { task: 'racing', network: 'static', condition: 'CarRacing-v0 test episodes', mean: 711, std: 16, units: 'average reward', note: 'the same ES; quoted by a secondary source, unverified' },
  { task: 'quadruped', network: 'static', condition: 'a seen body (column not named)', mean: 1604, std: 171, units: 'Σ progress in pybullet', note: 'quoted by a secondary source without its column; unverified' },
  { task: 'quadruped', network: 'hebbian', condition: 'a seen body (column not named)', mean: 1051, std: 113, units: 'Σ progress in pybullet', note: 'quoted by a secondary source without its column; unverified' },
];

/** What the paper says without a number: its qualitative claims, for the report's side-by-side. */
export const PAPER_CLAIMS: readonly { readonly task: PaperValue['task']; readonly claim: string }[] = [
  { task: 'quadruped', claim: 'Static weights walk further on the bodies seen in training; the Hebbian network does better on the unseen damaged body.' },
  { task: 'quadruped', claim: 'The Hebbian quadruped learns to walk from random weights in less than 100 time steps.' },
  { task: 'quadruped', claim: 'With its actuators held at 1.0 for t ∈ [300, 400), the Hebbian quadruped recovers in around 50 time steps.' },
  { task: 'racing', claim: 'The Hebbian car (872 ± 11) beats the static one (711 ± 16); both are below the 900 that solves CarRacing-v0.' },
];
