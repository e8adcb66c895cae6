/**
 * The replay's clock wired to its controls, shared by the quadruped's and the car's replays: play / pause, step,
 * seek, loop, speed, the keyboard (Space, ←/→, Shift for 10) and the scrubber's position. The view supplies
 * `show(frame)`, which puts a frame on screen imperatively, and `wake()`, which restarts its render loop; its loop
 * calls `advance(ms)` every animation frame. Only the control state is reactive, never the frame.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import { MAX_SPEED, MIN_SPEED, Playback } from '../../replay/playback';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4].filter((s) => s >= MIN_SPEED && s <= MAX_SPEED);

export interface ReplayControls {
  readonly playing: Ref<boolean>;
  readonly loop: Ref<boolean>;
  readonly speed: Ref<number>;
  /** The keyboard acts only once the replay is ready. */
  readonly ready: Ref<boolean>;
  /** Registers the timeline's range input (a template ref callback); its value then follows the frame on screen. */
  bindScrubber(el: unknown): void;
  /** The frame on screen (−1 before the first); plain, read when needed. */
  shown(): number;
  /** Starts controlling a loaded episode's clock. */
  attach(playback: Playback): void;
  /** Shows frame f now (a seek without the clock: the first frame, a repaint after a setting changed). */
  show(frame: number): void;
  /** One animation frame of `ms`: shows the next frame while playing. */
  advance(ms: number): void;
  togglePlay(): void;
  step(by: number): void;
  /** The scrubber moved. */
  scrubbed(): void;
  setSpeed(s: number): void;
  setLoop(on: boolean): void;
}

export function useReplayControls(show: (frame: number) => void, wake: () => void = () => {}): ReplayControls {
  const playing = ref(false);
  const loop = ref(true);
  const speed = ref(1);
  const ready = ref(false);
  let scrubber: HTMLInputElement | undefined;
  let playback: Playback | null = null;
  let shown = -1;

  function display(f: number): void {
    show(f);
    if (scrubber) scrubber.value = String(f);
    shown = f;
  }

  const controls: ReplayControls = {
    playing, loop, speed, ready,
    bindScrubber(el) {
      scrubber = el instanceof HTMLInputElement ? el : undefined;
    },
    shown: () => shown,
    attach(p) {
      playback = p;
      p.loop = loop.value;
      p.speed = speed.value;
    },
    show: display,
    advance(ms) {
      if (!playback?.playing) return;
      const f = playback.advance(ms);
      if (f !== shown) display(f);
      if (!playback.playing) playing.value = false;
    },
    togglePlay() {
      if (!playback) return;
      if (playback.playing) playback.pause();
      else playback.play();
      playing.value = playback.playing;
      wake();
    },
    step(by) {
      if (!playback) return;
      display(playback.step(by));
      playing.value = false;
    },
    scrubbed() {
      if (playback && scrubber) display(playback.seek(Number(scrubber.value)));
    },
    setSpeed(s) {
      if (playback) playback.speed = s;
      speed.value = playback?.speed ?? s;
    },
    setLoop(on) {
      loop.value = on;
      if (playback) playback.loop = on;
    },
  };

  function onKey(e: KeyboardEvent): void {
    const tag = (e.target as HTMLElement | null)?.tagName;
    if (!ready.value || tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    if (e.key === ' ') controls.togglePlay();
    else if (e.key === 'ArrowRight') controls.step(e.shiftKey ? 10 : 1);
    else if (e.key === 'ArrowLeft') controls.step(e.shiftKey ? -10 : -1);
    else return;
    e.preventDefault();
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
  return controls;
}
