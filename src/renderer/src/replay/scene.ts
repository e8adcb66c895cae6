/**
 * The 3-D viewport (scene layer; framework-free, `create` / `dispose`): a gridded ground, the body's capsules and
 * spheres placed from recorded poses, a sun with soft shadows, foot contacts highlighted, and a camera that
 * follows the torso (smoothed) or orbits freely. It only shows poses it is given — the simulation ran elsewhere.
 *
 * Physics is right-handed z-up; Babylon is left-handed y-up. Mapping (x, y, z) → (x, z, y) is a proper
 * correspondence (physics +y and Babylon +z both point away from a viewer looking along +x from the side),
 * so world points are computed in physics coordinates and swapped; no quaternion is converted.
 *
 * Deep imports only: the @babylonjs/core barrel costs seconds to load (measured when the stack was chosen).
 */
import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { Engine } from '@babylonjs/core/Engines/engine';
import { DirectionalLight } from '@babylonjs/core/Lights/directionalLight';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { ShadowGenerator } from '@babylonjs/core/Lights/Shadows/shadowGenerator';
import '@babylonjs/core/Lights/Shadows/shadowGeneratorSceneComponent';
import { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial';
import { DynamicTexture } from '@babylonjs/core/Materials/Textures/dynamicTexture';
import { Texture } from '@babylonjs/core/Materials/Textures/texture';
import { Color3, Color4 } from '@babylonjs/core/Maths/math.color';
import { Matrix, Quaternion, Vector3 } from '@babylonjs/core/Maths/math.vector';
import { CreateCapsule } from '@babylonjs/core/Meshes/Builders/capsuleBuilder';
import { CreateDisc } from '@babylonjs/core/Meshes/Builders/discBuilder';
import { CreateGround } from '@babylonjs/core/Meshes/Builders/groundBuilder';
import { CreateSphere } from '@babylonjs/core/Meshes/Builders/sphereBuilder';
import type { Mesh } from '@babylonjs/core/Meshes/mesh';
import { Scene } from '@babylonjs/core/scene';
import { rotateInto } from '../../../core/math/rigid';
import type { ReplayShape } from './model';

const POSE = 7;
/** Half the ground's side (m): the longest walks recorded are ~40 m. */
const GROUND_HALF = 200;
/** Camera follow: the target closes 1 − e^(−k·dt) of the gap per frame; jumps farther than SNAP are taken at once. */
const FOLLOW_RATE = 5;
const SNAP = 3;
/** Keep rendering this long after the last input, so the orbit camera's inertia plays out. */
const SETTLE_MS = 1500;

export interface BodySceneOptions {
  readonly shapes: readonly ReplayShape[];
  /** Body indices whose contacts are shown (in the order of the flags given to `setPose`). */
  readonly feet: readonly number[];
  readonly follow?: boolean;
  /** Keeps the drawing buffer readable (tests read pixels). */
  readonly preserveDrawingBuffer?: boolean;
  /** Called once per animation frame before drawing, with the wall time since the last one (ms). */
  readonly onTick?: (ms: number) => void;
}

interface PlacedShape {
  readonly shape: ReplayShape;
  readonly mesh: Mesh;
  readonly length: number;
}

function gridTexture(scene: Scene): DynamicTexture {
  // One tile = 5 m: a major line at its edge, minor lines every metre.
  const px = 320;
  const tex = new DynamicTexture('grid', { width: px, height: px }, scene, true);
  const ctx = tex.getContext() as CanvasRenderingContext2D;
  ctx.fillStyle = '#3a4048';
  ctx.fillRect(0, 0, px, px);
  ctx.strokeStyle = '#4b535d';
  ctx.lineWidth = 2;
  for (let i = 1; i < 5; i++) {
    const at = (i * px) / 5;
    ctx.beginPath();
    ctx.moveTo(at, 0);
    ctx.lineTo(at, px);
    ctx.moveTo(0, at);
    ctx.lineTo(px, at);
    ctx.stroke();
  }
  ctx.strokeStyle = '#69737e';
  ctx.lineWidth = 6;
  ctx.strokeRect(0, 0, px, px);
  tex.update();
  tex.wrapU = Texture.WRAP_ADDRESSMODE;
  tex.wrapV = Texture.WRAP_ADDRESSMODE;
  tex.uScale = (2 * GROUND_HALF) / 5;
  tex.vScale = (2 * GROUND_HALF) / 5;
  tex.anisotropicFilteringLevel = 8;
  return tex;
}

export class BodyScene {
  readonly engine: Engine;
  readonly scene: Scene;
  readonly camera: ArcRotateCamera;
  /** Follow the torso (smoothed) instead of orbiting a fixed point. */
  follow: boolean;
  /** Bumped by every `setPose`; `drawnVersion` catches up when a frame with that pose is rendered. */
  poseVersion = 0;
  drawnVersion = 0;
  private placed: PlacedShape[] = [];
  /** Per foot: its body, its shapes, and the point (body frame) its contact marker goes under. */
  private feetParts: { body: number; shapes: PlacedShape[]; tip: readonly number[] }[] = [];
  private contactMarkers: Mesh[] = [];
  private readonly bodyMaterial: StandardMaterial;
  private readonly shadows: ShadowGenerator;
  private readonly footMaterial: StandardMaterial;
  private readonly contactMaterial: StandardMaterial;
  private readonly sun: DirectionalLight;
  private readonly goal = new Vector3();
  private readonly tmpA = new Float64Array(3);
  private readonly tmpB = new Float64Array(3);
  private readonly dir = new Vector3();
  private readonly gap = new Vector3();
  private readonly probe = new Vector3();
  private readonly projected = new Vector3();
  /** Where the sun sits relative to the body: 15 m back along its direction. */
  private readonly sunOffset = new Vector3(-0.5, -1, 0.4).normalize().scaleInPlace(-15);
  private readonly up = Vector3.Up();
  private lastActivity = 0;
  private posed = false;
  /**
   * Any change of the canvas's box (window, layout, a scrollbar appearing) resizes the drawing buffer, which clears
   * it; the scene must then draw again even if it had gone idle, or the viewport stays blank.
   */
  private readonly resizes = new ResizeObserver(() => {
    this.engine.resize();
    this.wake();
  });
  private readonly onInput = (): void => this.wake();

  private constructor(private readonly canvas: HTMLCanvasElement, private readonly options: BodySceneOptions) {
    this.engine = new Engine(canvas, true, { preserveDrawingBuffer: options.preserveDrawingBuffer ?? false, stencil: false }, false);
    const scene = new Scene(this.engine);
    this.scene = scene;
    scene.clearColor = new Color4(0.07, 0.08, 0.1, 1);
    scene.ambientColor = new Color3(0.25, 0.25, 0.28);
    this.follow = options.follow ?? true;

    const camera = new ArcRotateCamera('camera', -Math.PI / 2.6, Math.PI / 2.9, 3.5, new Vector3(0, 0.4, 0), scene);
    camera.lowerRadiusLimit = 1.2;
    camera.upperRadiusLimit = 60;
    camera.upperBetaLimit = Math.PI / 2 - 0.03; // never below the ground
    camera.wheelDeltaPercentage = 0.02;
    camera.minZ = 0.05;
    camera.attachControl(true);
    this.camera = camera;

    const sky = new HemisphericLight('sky', new Vector3(0.2, 1, -0.3), scene);
    sky.intensity = 0.55;
    sky.groundColor = new Color3(0.22, 0.2, 0.2);
    const sun = new DirectionalLight('sun', new Vector3(-0.5, -1, 0.4).normalize(), scene);
    sun.intensity = 0.9;
    // Depth range of the shadow map around the body: left unset it spans the camera's 10 km and the bias
    // swallows every shadow.
    sun.shadowMinZ = 2;
    sun.shadowMaxZ = 40;
    this.sun = sun;

    const ground = CreateGround('ground', { width: 2 * GROUND_HALF, height: 2 * GROUND_HALF }, scene);
    const groundMaterial = new StandardMaterial('ground', scene);
    groundMaterial.diffuseTexture = gridTexture(scene);
    groundMaterial.specularColor = new Color3(0.05, 0.05, 0.05);
    ground.material = groundMaterial;
    ground.receiveShadows = true;
    // The start line: where forward distance is measured from.
    const start = CreateGround('start', { width: 0.04, height: 6 }, scene);
    start.position.y = 0.002;
    const startMaterial = new StandardMaterial('start', scene);
    startMaterial.emissiveColor = new Color3(0.85, 0.25, 0.2);
    startMaterial.disableLighting = true;
    start.material = startMaterial;
    // An arrow on the ground beside the start: the walking direction (+x), which the fitness rewards.
    const shaft = CreateGround('heading', { width: 0.9, height: 0.04 }, scene);
    shaft.position.set(0.45, 0.002, -1.6);
    shaft.material = startMaterial;
    const head = CreateDisc('heading-head', { radius: 0.12, tessellation: 3 }, scene);
    head.rotation.x = Math.PI / 2; // lie flat; one corner of the triangle points along +x
    head.position.set(0.9, 0.002, -1.6);
    head.material = startMaterial;

    this.bodyMaterial = new StandardMaterial('body', scene);
    this.bodyMaterial.diffuseColor = new Color3(0.78, 0.62, 0.42);
    this.bodyMaterial.specularColor = new Color3(0.25, 0.25, 0.25);
    this.footMaterial = new StandardMaterial('foot', scene);
    this.footMaterial.diffuseColor = new Color3(0.62, 0.5, 0.36);
    this.footMaterial.specularColor = new Color3(0.25, 0.25, 0.25);
    this.contactMaterial = new StandardMaterial('contact', scene);
    this.contactMaterial.diffuseColor = new Color3(1, 0.45, 0.15);
    this.contactMaterial.emissiveColor = new Color3(0.55, 0.18, 0.02);

    this.shadows = new ShadowGenerator(1024, sun);
    this.shadows.usePercentageCloserFiltering = true;
    this.shadows.bias = 0.001;
    this.setBody(options.shapes, options.feet);

    canvas.addEventListener('pointerdown', this.onInput);
    canvas.addEventListener('pointermove', this.onInput);
    canvas.addEventListener('wheel', this.onInput, { passive: true });
    this.resizes.observe(canvas);
    this.engine.runRenderLoop(() => this.frame());
  }

  /** Builds the scene on `canvas`; resolves once its shaders are compiled and it can draw. */
  static async create(canvas: HTMLCanvasElement, options: BodySceneOptions): Promise<BodyScene> {
    const s = new BodyScene(canvas, options);
    await s.scene.whenReadyAsync();
    return s;
  }

  /** Replaces the body's meshes (the morphology editor changes shapes live); pose it with `setPose` next. */
  setBody(shapes: readonly ReplayShape[], feet: readonly number[]): void {
    for (const p of this.placed) p.mesh.dispose();
    for (const m of this.contactMarkers) m.dispose();
    const footBodies = new Set(feet);
    this.placed = shapes.map((shape, i) => {
      const length = Math.hypot(shape.to[0] - shape.from[0], shape.to[1] - shape.from[1], shape.to[2] - shape.from[2]);
      const mesh = shape.kind === 'capsule' && length > 1e-9
        ? CreateCapsule(`shape${i}`, { radius: shape.radius, height: length + 2 * shape.radius, tessellation: 16, subdivisions: 1, capSubdivisions: 4 }, this.scene)
        : CreateSphere(`shape${i}`, { diameter: 2 * shape.radius, segments: 16 }, this.scene);
      mesh.material = footBodies.has(shape.body) ? this.footMaterial : this.bodyMaterial;
      mesh.rotationQuaternion = new Quaternion();
      this.shadows.addShadowCaster(mesh);
      return { shape, mesh, length };
    });
    this.feetParts = feet.map((body) => {
      const parts = this.placed.filter((p) => p.shape.body === body);
      return { body, shapes: parts, tip: parts.at(-1)?.shape.to ?? [0, 0, 0] };
    });
    // A disc under each foot tip, shown while the foot touches the ground.
    this.contactMarkers = feet.map((_, k) => {
      const disc = CreateSphere(`contact${k}`, { diameter: 0.22, segments: 8 }, this.scene);
      disc.scaling.y = 0.04;
      disc.material = this.contactMaterial;
      disc.isVisible = false;
      return disc;
    });
  }

  /**
   * Places every shape from `poses` (bodies × (x, y, z, qx, qy, qz, qw), physics frame) and lights the feet
   * whose flag in `contacts` is set.
   */
  setPose(poses: Float32Array, contacts?: ArrayLike<number>): void {
    const a = this.tmpA;
    const b = this.tmpB;
    for (const { shape, mesh, length } of this.placed) {
      const o = shape.body * POSE;
      rotateInto(poses, o + 3, shape.from, a);
      rotateInto(poses, o + 3, shape.to, b);
      const x = poses[o]!, y = poses[o + 1]!, z = poses[o + 2]!;
      // Physics (x, y, z) → Babylon (x, z, y).
      mesh.position.set(x + (a[0]! + b[0]!) / 2, z + (a[2]! + b[2]!) / 2, y + (a[1]! + b[1]!) / 2);
      if (length > 1e-9) {
        this.dir.set((b[0]! - a[0]!) / length, (b[2]! - a[2]!) / length, (b[1]! - a[1]!) / length);
        Quaternion.FromUnitVectorsToRef(this.up, this.dir, mesh.rotationQuaternion!);
      }
    }
    for (let k = 0; k < this.feetParts.length; k++) {
      const part = this.feetParts[k]!;
      const body = part.body;
      if (body < 0) continue; // a body without that foot
      const touching = (contacts?.[k] ?? 0) > 0.5;
      const marker = this.contactMarkers[k]!;
      marker.isVisible = touching;
      for (const p of part.shapes) p.mesh.material = touching ? this.contactMaterial : this.footMaterial;
      if (touching) {
        rotateInto(poses, body * POSE + 3, part.tip, a);
        marker.position.set(poses[body * POSE]! + a[0]!, 0.004, poses[body * POSE + 1]! + a[1]!);
      }
    }
    const t = poses;
    this.goal.set(t[0]!, Math.max(0.25, t[2]!), t[1]!);
    if (!this.posed || (this.follow && Vector3.Distance(this.goal, this.camera.target) > SNAP)) this.camera.target.copyFrom(this.goal);
    this.posed = true;
    this.poseVersion++;
    this.wake();
  }

  /**
   * Where a point given in physics coordinates (z up) appears on the canvas, in CSS pixels from its top-left corner,
   * as of the last drawn frame; null when it is behind the camera.
   */
  screenPoint(x: number, y: number, z: number): { x: number; y: number } | null {
    const width = this.engine.getRenderWidth();
    const height = this.engine.getRenderHeight();
    this.probe.set(x, z, y);
    Vector3.ProjectToRef(this.probe, Matrix.IdentityReadOnly, this.scene.getTransformMatrix(), this.camera.viewport.toGlobal(width, height), this.projected);
    if (this.projected.z < 0 || this.projected.z > 1) return null;
    return { x: (this.projected.x * this.canvas.clientWidth) / width, y: (this.projected.y * this.canvas.clientHeight) / height };
  }

  /** Puts the camera back on the body, at the default angle and distance. */
  resetView(): void {
    this.camera.alpha = -Math.PI / 2.6;
    this.camera.beta = Math.PI / 2.9;
    this.camera.radius = 3.5;
    this.camera.target.copyFrom(this.goal);
    this.wake();
  }

  /** Renders for a while (after a pose change or input); the loop idles otherwise, sparing the CPU training uses. */
  wake(): void {
    this.lastActivity = performance.now();
  }

  private frame(): void {
    const ms = this.engine.getDeltaTime();
    this.options.onTick?.(ms);
    if (performance.now() - this.lastActivity > SETTLE_MS) return;
    if (this.follow && this.posed) {
      const k = 1 - Math.exp((-FOLLOW_RATE * Math.min(ms, 100)) / 1000);
      const target = this.camera.target;
      this.goal.subtractToRef(target, this.gap);
      // Keep drawing until the camera has arrived: at a low frame rate the settle time alone would stop it short.
      if (this.gap.length() > 1e-3) this.wake();
      target.addInPlace(this.gap.scaleInPlace(k));
    }
    // The sun's shadow frustum travels with the body.
    this.sun.position.copyFrom(this.goal).addInPlace(this.sunOffset);
    const version = this.poseVersion;
    this.scene.render();
    this.drawnVersion = version;
  }

  dispose(): void {
    this.canvas.removeEventListener('pointerdown', this.onInput);
    this.canvas.removeEventListener('pointermove', this.onInput);
    this.canvas.removeEventListener('wheel', this.onInput);
    this.resizes.disconnect();
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}
