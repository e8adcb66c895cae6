/**
 * The weight trajectories in 3-D (PC1, PC2, PC3) with Babylon.js, framework-free (create / dispose): one line per
 * lifetime coloured by time, a white sphere at each start, red boxes at damage marks, grey axes. All three axes share
 * one scale, so the picture keeps the components' proportions. Renders only while the user turns or zooms it.
 * Deep imports only: the @babylonjs/core barrel costs seconds to load.
 */
import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import '@babylonjs/core/Cameras/Inputs/arcRotateCameraPointersInput';
import { Engine } from '@babylonjs/core/Engines/engine';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial';
import { Color3, Color4 } from '@babylonjs/core/Maths/math.color';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import { CreateBox } from '@babylonjs/core/Meshes/Builders/boxBuilder';
import { CreateLines } from '@babylonjs/core/Meshes/Builders/linesBuilder';
import { CreateSphere } from '@babylonjs/core/Meshes/Builders/sphereBuilder';
import { Scene } from '@babylonjs/core/scene';
import type { WeightTrajectories } from '../../../common/analysis';
import { DAMAGE_COLOUR, START_COLOUR, TIME_COLOURS } from '../../../common/charts/analysis-charts';

/** The time colour at u ∈ [0, 1], interpolated between TIME_COLOURS. */
export function timeColour(u: number): Color4 {
  const stops = TIME_COLOURS.map((h) => Color3.FromHexString(h));
  const x = Math.min(1, Math.max(0, u)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const c = Color3.Lerp(stops[i]!, stops[i + 1]!, x - i);
  return new Color4(c.r, c.g, c.b, 1);
}

export class TrajectoryScene {
  private readonly engine: Engine;
  private readonly scene: Scene;
  private lastInput = 0;
  private looping = false;
  private readonly canvas: HTMLCanvasElement;

  constructor(canvas: HTMLCanvasElement, t: WeightTrajectories) {
    this.canvas = canvas;
    this.engine = new Engine(canvas, true, { preserveDrawingBuffer: true, stencil: false }, false);
    const scene = new Scene(this.engine);
    this.scene = scene;
    scene.clearColor = new Color4(0.06, 0.05, 0.16, 1);
    const camera = new ArcRotateCamera('camera', -Math.PI / 3, Math.PI / 3, 2.4, Vector3.Zero(), scene);
    camera.lowerRadiusLimit = 0.5;
    camera.upperRadiusLimit = 12;
    camera.wheelPrecision = 60;
    camera.attachControl(canvas, true);
    new HemisphericLight('light', new Vector3(0.3, 1, 0.2), scene);

    const lives = t.analysis.lifetimes;
    let scale = 0;
    for (const l of lives) for (const pc of l.scores) for (const v of pc) scale = Math.max(scale, Math.abs(v));
    const at = (l: (typeof lives)[number], i: number): Vector3 =>
      new Vector3((l.scores[0]?.[i] ?? 0) / (scale || 1), (l.scores[2]?.[i] ?? 0) / (scale || 1), (l.scores[1]?.[i] ?? 0) / (scale || 1));
    const last = Math.max(1, ...lives.map((l) => l.steps.at(-1) ?? 0));
    const material = (hex: string): StandardMaterial => {
      const m = new StandardMaterial(hex, scene);
      m.diffuseColor = Color3.FromHexString(hex);
      m.emissiveColor = Color3.FromHexString(hex).scale(0.6);
      return m;
    };
    const startMaterial = material(START_COLOUR);
    const damageMaterial = material(DAMAGE_COLOUR);
    for (const l of lives) {
      const points = l.steps.map((_, i) => at(l, i));
      if (points.length > 1) CreateLines(`seed ${l.seed}`, { points, colors: l.steps.map((s) => timeColour(s / last)) }, scene);
      const start = CreateSphere(`start ${l.seed}`, { diameter: 0.06 }, scene);
      start.position = points[0]!;
      start.material = startMaterial;
      l.eventSnapshots.forEach((i) => {
        if (i === null) return;
        const mark = CreateBox(`damage ${l.seed}`, { size: 0.05 }, scene);
        mark.position = points[i]!;
        mark.material = damageMaterial;
      });
    }
    // Axes: PC1 along x, PC2 along z, PC3 up (y).
    const grey = new Color4(0.55, 0.58, 0.62, 1);
    for (const axis of [new Vector3(1.1, 0, 0), new Vector3(0, 1.1, 0), new Vector3(0, 0, 1.1)]) {
      CreateLines('axis', { points: [axis.scale(-1), axis], colors: [grey, grey] }, scene);
    }
    for (const type of ['pointerdown', 'pointermove', 'wheel'] as const) canvas.addEventListener(type, this.wake);
    window.addEventListener('resize', this.resize);
    scene.executeWhenReady(() => this.wake());
  }

  /** Renders for a while after each input (the camera's inertia), then stops so an idle view costs nothing. */
  private readonly wake = (): void => {
    this.lastInput = performance.now();
    if (this.looping) return;
    this.looping = true;
    this.engine.runRenderLoop(() => {
      this.scene.render();
      if (performance.now() - this.lastInput > 1500) {
        this.engine.stopRenderLoop();
        this.looping = false;
        this.canvas.dataset['drawn'] = 'true';
      }
    });
  };

  private readonly resize = (): void => {
    this.engine.resize();
    this.wake();
  };

  dispose(): void {
    for (const type of ['pointerdown', 'pointermove', 'wheel'] as const) this.canvas.removeEventListener(type, this.wake);
    window.removeEventListener('resize', this.resize);
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}
