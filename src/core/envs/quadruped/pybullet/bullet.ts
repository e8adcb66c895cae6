/**
 * Physics version 3's engine: pybullet 2.6.6's own physics server (bullet3 at 6e18cd0fd) compiled to WebAssembly
 * with native/pybullet-ant/ant-api.cpp (scripts/build-pybullet-wasm.mjs; docs/PHYSICS.md). Loaded once per thread.
 * Emscripten's module object is a thenable, so it is wrapped in a plain object before it crosses a promise.
 *
 * Bodies reach the engine as MJCF files in the module's in-memory file system, read by pybullet's own MJCF importer.
 */
import createBulletModule from './bullet-wasm.mjs';

interface BulletExports {
  _ant_create(mjcfPath: number, floorPath: number): number;
  _ant_destroy(id: number): void;
  _ant_num_links(id: number): number;
  _ant_num_motors(id: number): number;
  _ant_state(id: number): number;
  _ant_motor_joint(id: number, motor: number): number;
  _ant_joint_info(id: number, joint: number, out: number): number;
  _ant_joint_name(): number;
  _ant_link_name(): number;
  _ant_dynamics_info(id: number, link: number, out: number): number;
  _ant_reset_joints(id: number, angles: number): number;
  _ant_step(id: number, torques: number): number;
  _ant_set_solver(id: number, iterations: number, subSteps: number): number;
  _ant_log_start(id: number, contactsPath: number, robotPath: number): number;
  _ant_log_stop(id: number): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF64: Float64Array;
  UTF8ToString(pointer: number): string;
  stringToUTF8(text: string, pointer: number, maxBytes: number): void;
  lengthBytesUTF8(text: string): number;
  FS: { writeFile(path: string, data: string): void; readFile(path: string): Uint8Array; unlink(path: string): void; mkdir(path: string): void };
}

/** Per link: centre-of-mass world position (3), then the link frame's world position (3) and orientation (4). */
export const LINK_FLOATS = 10;
/** Base position (3), orientation (4), linear (3) and angular (3) velocity. */
export const BASE_FLOATS = 13;

/** What getJointInfo reports of one joint (pybullet's units: radians, N·m, rad/s; the axis in the parent's frame). */
export interface BulletJointInfo {
  readonly name: string;
  readonly linkName: string;
  /** 0 revolute, 4 fixed (pybullet's JOINT_REVOLUTE, JOINT_FIXED). */
  readonly type: number;
  readonly lower: number;
  readonly upper: number;
  readonly damping: number;
  readonly friction: number;
  readonly maxForce: number;
  readonly maxVelocity: number;
  readonly axis: readonly [number, number, number];
  readonly parent: number;
}

/** What getDynamicsInfo reports of a link (−1: the base). */
export interface BulletDynamicsInfo {
  readonly mass: number;
  readonly inertia: readonly [number, number, number];
  readonly lateralFriction: number;
  readonly restitution: number;
  readonly contactDamping: number;
  readonly contactStiffness: number;
  /** The centre of mass's frame in the link frame: position (3), orientation (x, y, z, w). */
  readonly inertialFrame: readonly number[];
}

const CREATE_ERRORS: Record<number, string> = {
  [-1]: 'too many pybullet worlds open in this thread (64)',
  [-2]: 'pybullet could not load the floor',
  [-3]: "pybullet's MJCF importer could not load the body",
  [-4]: 'the body has more than 64 links',
  [-5]: "could not read the body's state from pybullet",
};

/** One thread's engine: creates worlds and passes arrays in and out through one scratch block of its heap. */
export class BulletEngine {
  private readonly scratch: number;
  private files = 0;
  private readonly floorPath = '/floor.sdf';

  constructor(private readonly m: BulletExports) {
    this.scratch = m._malloc(64 * 8);
    m.FS.mkdir('/bodies');
    m.FS.writeFile(this.floorPath, FLOOR_SDF);
  }

  /** Writes an MJCF text into the module's file system; returns its path (remove it with `removeFile`). */
  writeBody(mjcf: string): string {
    const path = `/bodies/${this.files++}.xml`;
    this.m.FS.writeFile(path, mjcf);
    return path;
  }

  removeFile(path: string): void {
    this.m.FS.unlink(path);
  }

  /** A fresh pybullet client with the stadium floor and the body at `mjcfPath` loaded; returns its id. */
  create(mjcfPath: string): number {
    const id = this.withPaths(mjcfPath, this.floorPath, (mjcf, floor) => this.m._ant_create(mjcf, floor));
    if (id < 0) throw new Error(CREATE_ERRORS[id] ?? `pybullet failed to create a world (code ${id})`);
    return id;
  }

  /** setPhysicsEngineParameter(numSolverIterations, numSubSteps) on world `id` (pybullet_envs: 5 and 4). */
  setSolver(id: number, iterations: number, subSteps: number): void {
    if (this.m._ant_set_solver(id, iterations, subSteps) !== 0) throw new Error('pybullet refused the solver settings');
  }

  /**
   * Starts pybullet's contact-point and generic-robot state loggers on world `id` (every physics sub-step from
   * now on: the robot's contacts with the floor, its joint positions); `stopSubStepLogs` returns their files.
   */
  startSubStepLogs(id: number): void {
    const [contacts, robot] = this.logPaths(id);
    if (this.withPaths(contacts, robot, (c, r) => this.m._ant_log_start(id, c, r)) !== 0) throw new Error('pybullet could not start its state loggers');
  }

  /** Stops world `id`'s state loggers and returns their files' bytes (pybullet's state-log format), removing them. */
  stopSubStepLogs(id: number): { readonly contacts: Uint8Array; readonly robot: Uint8Array } {
    if (this.m._ant_log_stop(id) !== 0) throw new Error('pybullet could not stop its state loggers');
    const [contacts, robot] = this.logPaths(id).map((path) => {
      const bytes = this.m.FS.readFile(path);
      this.m.FS.unlink(path);
      return bytes;
    }) as [Uint8Array, Uint8Array];
    return { contacts, robot };
  }

  private logPaths(id: number): [string, string] {
    return [`/logs-${id}-contacts.bin`, `/logs-${id}-robot.bin`];
  }

  /** Calls `body` with two paths written as C strings into the heap. */
  private withPaths<T>(a: string, b: string, body: (a: number, b: number) => T): T {
    const m = this.m;
    const bytesA = m.lengthBytesUTF8(a) + 1;
    const bytes = bytesA + m.lengthBytesUTF8(b) + 1;
    const text = m._malloc(bytes);
    try {
      m.stringToUTF8(a, text, bytesA);
      m.stringToUTF8(b, text + bytesA, bytes - bytesA);
      return body(text, text + bytesA);
    } finally {
      m._free(text);
    }
  }

  destroy(id: number): void {
    this.m._ant_destroy(id);
  }

  numLinks(id: number): number {
    return this.m._ant_num_links(id);
  }

  numMotors(id: number): number {
    return this.m._ant_num_motors(id);
  }

  motorJoint(id: number, motor: number): number {
    return this.m._ant_motor_joint(id, motor);
  }

  /** A view of the world's state array in the heap: base, then (angle, speed) per motor, then links, then contacts. */
  stateView(id: number): Float64Array {
    const links = this.numLinks(id);
    const length = BASE_FLOATS + 2 * this.numMotors(id) + (LINK_FLOATS + 1) * links;
    return new Float64Array(this.m.HEAPF64.buffer, this.m._ant_state(id), length);
  }

  jointInfo(id: number, joint: number): BulletJointInfo {
    const m = this.m;
    if (m._ant_joint_info(id, joint, this.scratch) !== 0) throw new RangeError(`no joint ${joint}`);
    const v = m.HEAPF64.subarray(this.scratch >> 3, (this.scratch >> 3) + 11);
    return {
      name: m.UTF8ToString(m._ant_joint_name()),
      linkName: m.UTF8ToString(m._ant_link_name()),
      type: v[0]!,
      lower: v[1]!,
      upper: v[2]!,
      damping: v[3]!,
      friction: v[4]!,
      maxForce: v[5]!,
      maxVelocity: v[6]!,
      axis: [v[7]!, v[8]!, v[9]!],
      parent: v[10]!,
    };
  }

  dynamicsInfo(id: number, link: number): BulletDynamicsInfo {
    const m = this.m;
    if (m._ant_dynamics_info(id, link, this.scratch) !== 0) throw new RangeError(`no link ${link}`);
    const v = m.HEAPF64.subarray(this.scratch >> 3, (this.scratch >> 3) + 15);
    return {
      mass: v[0]!, inertia: [v[1]!, v[2]!, v[3]!], lateralFriction: v[4]!, restitution: v[5]!, contactDamping: v[6]!, contactStiffness: v[7]!,
      inertialFrame: Array.from(v.subarray(8, 15)),
    };
  }

  /** resetJointState for every motor joint (motor order), then the motors switched off, as pybullet_envs resets. */
  resetJoints(id: number, angles: ArrayLike<number>): void {
    this.writeScratch(angles);
    if (this.m._ant_reset_joints(id, this.scratch) !== 0) throw new Error('pybullet could not reset the joints');
  }

  /** Torques (N·m, motor order) applied, one stepSimulation, the state read back into the state array. */
  step(id: number, torques: ArrayLike<number>): void {
    this.writeScratch(torques);
    if (this.m._ant_step(id, this.scratch) !== 0) throw new Error('pybullet could not step the world');
  }

  private writeScratch(values: ArrayLike<number>): void {
    if (values.length > 64) throw new RangeError('at most 64 values');
    const heap = this.m.HEAPF64;
    const base = this.scratch >> 3;
    for (let i = 0; i < values.length; i++) heap[base + i] = values[i]!;
  }
}

/**
 * The floor of pybullet_envs' stadium scene (pybullet_data's plane_stadium.sdf without its visual mesh): a static
 * plane, link 'floor', mass 0. Its friction and restitution are set after loading, as scene_stadium.py does.
 */
const FLOOR_SDF = `<sdf version='1.6'>
  <world name='default'>
    <model name='floor_obj'>
      <static>1</static>
      <pose frame=''>0 0 0 0 0 0</pose>
      <link name='floor'>
        <inertial>
          <mass>0</mass>
          <inertia><ixx>0.166667</ixx><ixy>0</ixy><ixz>0</ixz><iyy>0.166667</iyy><iyz>0</iyz><izz>0.166667</izz></inertia>
        </inertial>
        <collision name='collision_1'>
          <geometry><plane><normal>0 0 1</normal><size>100 100</size></plane></geometry>
        </collision>
      </link>
    </model>
  </world>
</sdf>
`;

let loading: Promise<{ readonly engine: BulletEngine }> | undefined;

export async function loadBullet(): Promise<BulletEngine> {
  loading ??= new Promise((resolve, reject) => {
    (createBulletModule as () => Promise<BulletExports>)().then((m) => resolve({ engine: new BulletEngine(m) }), reject);
  });
  return (await loading).engine;
}
