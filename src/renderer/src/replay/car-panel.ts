/**
 * The car replay's per-frame panel: the labelled readouts (frame, policy step, time, score, this step's reward,
 * tiles, speed, steer / gas / brake), the damage in force, the network's 84×84 view and the weight heat-maps.
 * Written imperatively into elements the view owns, since it runs every animation frame (as the quadruped's panel).
 */
import { FPS } from '../../../core/envs/racing/constants';
import type { CarReplay } from './car-model';
import { NetworkView } from './network-view';
import { WeightPainter, type ScaleMode } from './weights-painter';

/** The readouts, in display order, with their labels and units (the view renders these as its label column). */
export const CAR_READOUTS = [
  { key: 'frame', label: 'frame' },
  { key: 'step', label: 'policy step t' },
  { key: 'time', label: 'time', unit: 's' },
  { key: 'score', label: 'score (Σ reward)' },
  { key: 'reward', label: 'reward this step' },
  { key: 'tiles', label: 'tiles touched' },
  { key: 'speed', label: 'speed', unit: 'units/s' },
  { key: 'steer', label: 'steer (−1 … 1)' },
  { key: 'gas', label: 'gas (0 … 1)' },
  { key: 'brake', label: 'brake (0 … 1)' },
] as const;
export type CarReadout = (typeof CAR_READOUTS)[number]['key'];

export interface CarPanelElements {
  readonly values: Readonly<Record<CarReadout, HTMLElement>>;
  readonly damage: HTMLElement;
  readonly network: HTMLCanvasElement;
  readonly heatmaps: readonly HTMLCanvasElement[];
  readonly snapshot: HTMLElement;
}

export class CarPanel {
  readonly network: NetworkView;
  private readonly weights: WeightPainter;

  constructor(private readonly replay: CarReplay, private readonly els: CarPanelElements, scale: ScaleMode = 'episode') {
    this.network = new NetworkView(els.network);
    this.weights = new WeightPainter(replay, els.heatmaps, els.snapshot, scale);
  }

  get scale(): ScaleMode {
    return this.weights.scale;
  }

  set scale(m: ScaleMode) {
    this.weights.scale = m;
  }

  show(frame: number): void {
    const r = this.replay;
    const v = this.els.values;
    const t = r.policyStep(frame);
    const a = r.action(frame);
    const reward = r.stepReward(frame);
    v.frame.textContent = `${frame} / ${r.frames - 1}`;
    v.step.textContent = t === null ? '— (reset)' : String(t);
    v.time.textContent = (frame / FPS).toFixed(2);
    v.score.textContent = r.score(frame).toFixed(1);
    v.reward.textContent = `${reward >= 0 ? '+' : ''}${reward.toFixed(2)}`;
    v.tiles.textContent = `${r.tilesTouched(frame)} / ${r.track.tileCount}`;
    v.speed.textContent = r.speed(frame).toFixed(1);
    v.steer.textContent = `${a[0]! >= 0 ? '+' : ''}${a[0]!.toFixed(3)}`;
    v.gas.textContent = a[1]!.toFixed(3);
    v.brake.textContent = a[2]!.toFixed(3);
    let damage = '';
    for (const w of r.damage) if (frame >= w.fromFrame && frame < w.toFrame) damage += (damage ? '; ' : '') + w.label;
    this.els.damage.textContent = damage;
    this.network.show(r.raceFrame(frame));
    this.weights.show(frame);
  }
}
