/**
 * MJCF (MuJoCo XML) ⇄ Morphology. Reading follows MuJoCo's semantics for a body of the ant's kind — compiler
 * angle and eulerseq, default classes, frames, joint positions, capsules by fromto or by pos/size, any orientation —
 * and brings it to the model's canonical form: body frames unturned and placed at their hinge, capsules as
 * end points, angles in degrees. What would change the physics and is not reproduced is refused with element,
 * attribute and line; visual elements are ignored. Serialising writes a file pybullet and MuJoCo both load.
 */
import { add, quatMul, rotate, scale, sub, QUAT_IDENTITY, type Quat, type V3 } from '../math/rigid';
import { LIMITS, MAX_MJCF_CHARS, within } from './limits';
import { Defaults, type Attrs } from './mjcf-attrs';
import { apply, clean, compose, coordinates, direction, IDENTITY, orientation, position, type Compiler, type Frame } from './mjcf-frames';
import {
  ACTUATORS, DEFAULT_KNOWN, GEOM_TYPES, IGNORED_IN_BODY, IGNORED_SECTIONS, JOINT_TYPES, KNOWN, MASS_RULE, REFUSED_IF_USED, REFUSED_IN_BODY, REFUSED_SECTIONS,
} from './mjcf-schema';
import { fail, MjcfError, parseXml, type El } from './mjcf-xml';
import { bodies, type Body, type Geom, type HingeJoint, type Morphology, type Motor } from './model';

export { LIMITS, MAX_MJCF_CHARS, MjcfError };
export { serialiseMjcf } from './mjcf-write';

interface Ctx {
  readonly compiler: Compiler;
  readonly defaults: Defaults;
  bodies: number;
  geoms: number;
  /** Names given so far, by kind ("body:torso"), with the element that gave each; and the hinges by name. */
  readonly names: Map<string, El>;
  readonly hinges: Set<string>;
}

/** An element inside a body, with the transform of the <frame>s around it and the default class it inherits. */
interface Item {
  readonly el: El;
  readonly local: Frame;
  readonly cls: string;
}

const DEG = Math.PI / 180;
const plain = (ctx: Ctx, el: El, known: ReadonlySet<string>): Attrs => ctx.defaults.attrs(el, null, 'main', known);

export function parseMjcf(xml: string, name?: string): Morphology {
  const doc = parseXml(xml);
  if (doc.tag !== 'mujoco') fail(doc, null, 'the root element must be <mujoco>');
  const sections = (tag: string): El[] => doc.children.filter((c) => c.tag === tag);
  for (const s of doc.children) {
    if (['compiler', 'default', 'worldbody', 'actuator', 'contact'].includes(s.tag) || IGNORED_SECTIONS.has(s.tag)) continue;
    const refused = REFUSED_SECTIONS.get(s.tag) ?? (s.children.length > 0 ? REFUSED_IF_USED.get(s.tag) : undefined);
    if (refused) fail(s, null, refused);
    if (!REFUSED_IF_USED.has(s.tag)) fail(s, null, 'is not an MJCF section');
  }
  const defaults = new Defaults(sections('default'), DEFAULT_KNOWN);
  defaults.attrs(doc, null, 'main', KNOWN.mujoco);
  const c: Ctx = { compiler: readCompiler(sections('compiler'), defaults), defaults, bodies: 0, geoms: 0, names: new Map(), hinges: new Set() };
  for (const s of sections('contact')) {
    for (const el of s.children) {
      if (el.tag === 'pair') fail(el, null, 'is not supported: explicit contact pairs change contact parameters; the env sets them');
      if (el.tag !== 'exclude') fail(el, null, 'is not an element <contact> can hold');
      // Excludes are moot: the body's parts only ever touch the ground here.
    }
  }
  const root = readWorld(sections('worldbody'), c);
  const driven = new Map<string, El>();
  const motors = sections('actuator').flatMap((s) => s.children.map((el) => readMotor(el, c, driven)));
  return { name: name ?? doc.attrs['model'] ?? 'unnamed', root: nameUnnamed(root), motors };
}

/** An element's name, checked: printable, and unique among its kind (bodies, joints, geoms, actuators). */
function claim(ctx: Ctx, kind: string, a: Attrs): string {
  const name = a.text('name');
  if (name === undefined) return '';
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) a.fail('name', 'must be 1 to 100 characters, without control characters');
  const first = ctx.names.get(`${kind}:${name}`);
  if (first) a.fail('name', `another ${kind} is already named '${name}' (line ${first.line})`);
  ctx.names.set(`${kind}:${name}`, a.el);
  return name;
}

/** MuJoCo's compiler defaults for MJCF, then each <compiler> element in turn. */
function readCompiler(els: readonly El[], defaults: Defaults): Compiler {
  let c: Compiler = { degrees: true, eulerseq: 'xyz', autolimits: true, inertiaFromGeom: false, groupRange: [0, 5] };
  for (const el of els) {
    const a = defaults.attrs(el, null, 'main', KNOWN.compiler);
    const angle = a.keyword('angle', ['degree', 'radian']);
    const seq = a.text('eulerseq');
    if (seq !== undefined && !/^[xyzXYZ]{3}$/.test(seq)) a.fail('eulerseq', `must be 3 letters from x, y, z, X, Y, Z, got "${seq}"`);
    if (a.keyword('coordinate', ['local', 'global']) === 'global') a.fail('coordinate', '"global" is no longer supported (by MuJoCo either); write frames relative to their parent');
    const fromGeom = a.keyword('inertiafromgeom', ['false', 'true', 'auto']);
    if (fromGeom === 'false') a.fail('inertiafromgeom', `"false" is not supported: ${MASS_RULE}`);
    a.refuseNonZero('boundmass', MASS_RULE);
    a.refuseNonZero('boundinertia', MASS_RULE);
    if ((a.number('settotalmass') ?? -1) > 0) a.fail('settotalmass', `is not supported: ${MASS_RULE}`);
    const groups = a.numbers('inertiagrouprange', 2);
    if (groups && (!groups.every(Number.isInteger) || groups[0]! > groups[1]!)) a.fail('inertiagrouprange', `must be two integers, lower first, got ${groups.join(' ')}`);
    for (const child of el.children) if (child.tag !== 'lengthrange') fail(child, null, 'is not an element <compiler> can hold');
    c = {
      degrees: angle === undefined ? c.degrees : angle === 'degree',
      eulerseq: seq ?? c.eulerseq,
      autolimits: a.flag('autolimits') ?? c.autolimits,
      inertiaFromGeom: fromGeom === undefined ? c.inertiaFromGeom : fromGeom === 'true',
      groupRange: groups ? [groups[0]!, groups[1]!] : c.groupRange,
    };
  }
  return c;
}

/** The children of a body (or the world), <frame>s flattened into the transform and class of what they hold. */
function contents(parent: El, ctx: Ctx, cls: string, local: Frame): Item[] {
  const out: Item[] = [];
  for (const el of parent.children) {
    if (el.tag === 'frame') {
      const a = ctx.defaults.attrs(el, null, cls, KNOWN.frame);
      const frame = compose(local, { pos: position(a, 'pos') ?? [0, 0, 0], rot: orientation(a, ctx.compiler) });
      out.push(...contents(el, ctx, ctx.defaults.childClass(el, cls), frame));
    } else if (REFUSED_IN_BODY.has(el.tag)) {
      fail(el, null, REFUSED_IN_BODY.get(el.tag)!);
    } else if (['body', 'joint', 'freejoint', 'geom', 'inertial'].includes(el.tag)) {
      out.push({ el, local, cls });
    } else if (!IGNORED_IN_BODY.has(el.tag)) {
      fail(el, null, `is not an element a <${parent.tag}> can hold`);
    }
  }
  return out;
}

function readWorld(worlds: readonly El[], ctx: Ctx): Body {
  if (worlds.length === 0) throw new MjcfError('missing <worldbody>');
  const roots: Item[] = [];
  for (const world of worlds) {
    plain(ctx, world, new Set());
    for (const item of contents(world, ctx, 'main', IDENTITY)) {
      if (item.el.tag === 'body') roots.push(item);
      else if (item.el.tag === 'geom') readWorldGeom(item, ctx);
      else fail(item.el, null, 'the world body cannot hold it (MuJoCo refuses it too)');
    }
  }
  if (roots.length !== 1) {
    if (roots.length > 1) fail(roots[1]!.el, null, `<worldbody> must hold exactly one body, the robot's root (found ${roots.length})`);
    throw new MjcfError('<worldbody> must hold exactly one body, the robot\'s root (found none)');
  }
  return readBody(roots[0]!, ctx, null);
}

/** The only world geometry the env has is its ground: a plane through z = 0 facing up. */
function readWorldGeom(item: Item, ctx: Ctx): void {
  const a = ctx.defaults.attrs(item.el, 'geom', ctx.defaults.resolve(item.el, item.cls), KNOWN.geom);
  if ((a.keyword('type', GEOM_TYPES) ?? 'sphere') === 'plane') {
    const plane = compose(item.local, { pos: position(a, 'pos') ?? [0, 0, 0], rot: orientation(a, ctx.compiler) });
    if (Math.abs(plane.pos[2]) < 1e-9 && rotate(plane.rot, [0, 0, 1])[2] > 1 - 1e-9) return;
  }
  fail(item.el, null, "is not supported: the env's ground is the plane z = 0 facing up; other world geometry (a raised or tilted floor, obstacles) is not");
}

/** Where the parent's frame is turned (world) and where its hinge sits in it; null for the root. */
interface ParentPlace {
  readonly rot: Quat;
  readonly at: V3;
}

function readBody(item: Item, ctx: Ctx, parent: ParentPlace | null): Body {
  if (++ctx.bodies > LIMITS.maxBodies) fail(item.el, null, `more than ${LIMITS.maxBodies} bodies`);
  const a = ctx.defaults.attrs(item.el, null, item.cls, KNOWN.body);
  const name = claim(ctx, 'body', a);
  if (a.flag('mocap')) a.fail('mocap', 'is not supported: mocap bodies are moved by data, not physics');
  a.refuseNonZero('gravcomp', 'gravity compensation is not part of the env');
  const own = compose(item.local, { pos: position(a, 'pos') ?? [0, 0, 0], rot: orientation(a, ctx.compiler) });
  const rot = quatMul(parent?.rot ?? QUAT_IDENTITY, own.rot);
  const items = contents(item.el, ctx, ctx.defaults.childClass(item.el, item.cls), IDENTITY);
  const hinge = readJoints(items, ctx, parent === null);
  const at: V3 = hinge?.at ?? [0, 0, 0];
  // The model's body origin is its hinge: relative to the parent's origin, in world-aligned axes.
  const pos = parent === null ? clean(own.pos) : clean(add(rotate(parent.rot, sub(own.pos, parent.at)), rotate(rot, at)));
  for (const it of items) {
    if (it.el.tag === 'inertial' && !ctx.compiler.inertiaFromGeom) {
      fail(it.el, null, `is not supported: ${MASS_RULE}; remove it, or set <compiler inertiafromgeom="true"> (then MuJoCo ignores it too)`);
    }
  }
  return {
    name,
    pos,
    joint: hinge ? { ...hinge.joint, axis: clean(rotate(rot, hinge.joint.axis)) } : null,
    geoms: items.filter((it) => it.el.tag === 'geom').map((it) => readGeom(it, ctx, rot, at)),
    children: items.filter((it) => it.el.tag === 'body').map((it) => readBody(it, ctx, { rot, at })),
  };
}

/** A body's joints: none (fixed to the parent), one hinge, or — on the root only — a free joint. */
function readJoints(items: readonly Item[], ctx: Ctx, isRoot: boolean): { joint: HingeJoint; at: V3 } | null {
  let hinge: { joint: HingeJoint; at: V3 } | null = null;
  for (const it of items) {
    if (it.el.tag !== 'joint' && it.el.tag !== 'freejoint') continue;
    const a = it.el.tag === 'freejoint'
      ? plain(ctx, it.el, KNOWN.freejoint)
      : ctx.defaults.attrs(it.el, 'joint', ctx.defaults.resolve(it.el, it.cls), KNOWN.joint);
    const type = it.el.tag === 'freejoint' ? 'free' : (a.keyword('type', JOINT_TYPES) ?? 'hinge');
    const name = claim(ctx, 'joint', a);
    const field = it.el.tag === 'freejoint' ? null : 'type';
    if (type === 'free') {
      if (!isRoot) fail(it.el, field, 'only the root body may be free (MuJoCo allows free joints only in children of the world)');
      continue; // the root is free in the env anyway
    }
    if (isRoot) fail(it.el, field, `is a ${type} joint to the world; the root body must move freely`);
    if (type !== 'hinge') fail(it.el, field, `${type} joints are not supported (hinge)`);
    if (hinge) fail(it.el, null, 'is a second hinge in one body; not supported (one hinge per body)');
    hinge = readHinge(a, it, ctx.compiler, name);
    if (name) ctx.hinges.add(name);
  }
  return hinge;
}

function readHinge(a: Attrs, it: Item, c: Compiler, name: string): { joint: HingeJoint; at: V3 } {
  const axis = a.numbers('axis', 3) ?? [0, 0, 1];
  direction(a, 'axis', axis, 'hinge axis');
  const at = position(a, 'pos') ?? [0, 0, 0];
  const limited = a.keyword('limited', ['false', 'true', 'auto']) ?? 'auto';
  const range = a.numbers('range', 2);
  if (limited === 'auto' && range && !c.autolimits) a.fail('range', 'needs limited="true" when compiler autolimits is false (MuJoCo refuses it too)');
  if (!range && limited !== 'false') a.fail('range', 'is required: unlimited hinges are not supported');
  if (limited === 'false') a.fail('limited', '"false" makes the hinge unlimited, which is not supported');
  const [lower, upper] = (range ?? [0, 0]).map((x) => (c.degrees ? x : x / DEG)) as [number, number];
  if (!(lower < upper)) a.fail('range', `must have lower < upper, got ${(range ?? [0, 0]).join(' ')}`);
  if (lower < -LIMITS.maxAngle || upper > LIMITS.maxAngle) {
    a.fail('range', `must lie within ±${LIMITS.maxAngle} degrees (±${Number((LIMITS.maxAngle * DEG).toFixed(5))} radians), got ${range!.join(' ')}`);
  }
  a.refuseNonZero('stiffness', 'joint springs are not part of the env');
  a.refuseNonZero('springdamper', 'joint springs are not part of the env');
  a.refuseNonZero('ref', 'the angle at the built pose is 0 here');
  a.refuseNonZero('frictionloss', 'joint friction is not part of the env');
  const clamped = a.keyword('actuatorfrclimited', ['false', 'true', 'auto']) ?? 'auto';
  if (clamped === 'true' || (clamped === 'auto' && c.autolimits && a.has('actuatorfrcrange'))) {
    a.fail(a.has('actuatorfrcrange') ? 'actuatorfrcrange' : 'actuatorfrclimited', 'is not supported: torques are 250 N·m per unit action × gear / 150');
  }
  return { joint: { name, axis: rotate(it.local.rot, axis), range: [lower, upper] }, at: apply(it.local, at) };
}

/** A geom in the body's canonical frame: world-aligned axes, origin at the body's hinge (`at`, body frame). */
function readGeom(it: Item, ctx: Ctx, rot: Quat, at: V3): Geom {
  if (++ctx.geoms > LIMITS.maxGeoms) fail(it.el, null, `more than ${LIMITS.maxGeoms} geoms`);
  const a = ctx.defaults.attrs(it.el, 'geom', ctx.defaults.resolve(it.el, it.cls), KNOWN.geom);
  const type = a.keyword('type', GEOM_TYPES) ?? 'sphere';
  if (type !== 'sphere' && type !== 'capsule') a.fail('type', `${type} geoms are not supported (sphere or capsule)`);
  a.refusePresent('mass', MASS_RULE);
  a.refusePresent('mesh', 'fitting a shape to a mesh is not supported');
  a.refusePresent('hfield', 'height fields are not supported');
  if (a.flag('shellinertia')) a.fail('shellinertia', `is not supported: ${MASS_RULE}`);
  a.refuseNonZero('surfacevel', 'moving surfaces are not part of the env');
  a.refuseNonZero('adhesion', 'adhesion is not part of the env');
  const int = (attr: string, fallback: number): number => {
    const v = a.number(attr) ?? fallback;
    if (!Number.isInteger(v)) a.fail(attr, `must be an integer, got ${v}`);
    return v;
  };
  if (int('contype', 1) === 0 && int('conaffinity', 1) === 0) {
    a.fail(a.has('contype') ? 'contype' : 'conaffinity', 'a geom that never collides (contype = conaffinity = 0) is not supported: every geom here has mass and touches the ground');
  }
  const group = int('group', 0);
  const [g0, g1] = ctx.compiler.groupRange;
  if (group < g0 || group > g1) a.fail('group', `is outside compiler inertiagrouprange ${g0} ${g1}: such a geom has no mass in MuJoCo; not supported`);
  const size = a.numbers('size', 1, 3);
  if (!size) return fail(it.el, 'size', 'is required');
  const radius = size[0]!;
  if (!(radius >= LIMITS.minRadius && radius <= LIMITS.maxRadius)) a.fail('size', `radius must be ${within(LIMITS.minRadius, LIMITS.maxRadius, 'm')}, got ${radius}`);
  const name = claim(ctx, 'geom', a);
  const place = (p: readonly number[]): V3 => clean(rotate(rot, sub(apply(it.local, p), at)));
  if (type === 'sphere') {
    if (a.has('fromto')) a.fail('fromto', 'does not apply to spheres');
    const pos = position(a, 'pos') ?? [0, 0, 0];
    orientation(a, ctx.compiler); // checked; a sphere has no direction
    return { type: 'sphere', name, radius, pos: place(pos) };
  }
  const ends = capsuleEnds(a, ctx.compiler, size);
  return { type: 'capsule', name, radius, from: place(ends.from), to: place(ends.to) };
}

/** A capsule's segment in its body's frame: from `fromto` (MuJoCo then ignores pos and orientation), else pos/size. */
function capsuleEnds(a: Attrs, c: Compiler, size: readonly number[]): { from: V3; to: V3 } {
  const lengthOk = (l: number): boolean => l >= LIMITS.minLength && l <= LIMITS.maxLength;
  const ft = a.numbers('fromto', 6);
  if (ft) {
    coordinates(a, 'fromto', ft);
    const from: V3 = [ft[0]!, ft[1]!, ft[2]!];
    const to: V3 = [ft[3]!, ft[4]!, ft[5]!];
    const length = Math.hypot(...sub(to, from));
    if (!lengthOk(length)) a.fail('fromto', `capsule length must be ${within(LIMITS.minLength, LIMITS.maxLength, 'm')}, got ${length}`);
    return { from, to };
  }
  if (size.length < 2) a.fail('size', 'a capsule without fromto needs 2 numbers: radius and half-length');
  const half = size[1]!;
  if (!lengthOk(2 * half)) a.fail('size', `half-length must be ${within(LIMITS.minLength / 2, LIMITS.maxLength / 2, 'm')}, got ${half}`);
  const centre = position(a, 'pos') ?? [0, 0, 0];
  const axis = scale(rotate(orientation(a, c), [0, 0, 1]), half);
  return { from: sub(centre, axis), to: add(centre, axis) };
}

function readMotor(el: El, ctx: Ctx, driven: Map<string, El>): Motor {
  if (el.tag !== 'motor') {
    if (ACTUATORS.has(el.tag)) fail(el, null, 'only <motor> actuators are supported (torque = gear × action)');
    fail(el, null, 'is not an element <actuator> can hold');
  }
  const a = ctx.defaults.attrs(el, 'actuator', ctx.defaults.resolve(el, 'main'), KNOWN.motor);
  for (const attr of ['tendon', 'site', 'refsite', 'jointinparent', 'slidersite', 'cranksite', 'cranklength']) a.refusePresent(attr, 'a motor drives a hinge through joint=');
  a.refuseNonZero('delay', 'actuator delays are not part of the env');
  a.refuseNonZero('damping', 'actuator damping is not part of the env');
  a.refuseNonZero('armature', 'actuator armature is not part of the env');
  claim(ctx, 'actuator', a);
  const joint = a.text('joint');
  if (joint === undefined) fail(el, 'joint', 'is required (the hinge this motor drives)');
  if (!ctx.hinges.has(joint)) a.fail('joint', `no hinge is named '${joint}'`);
  const other = driven.get(joint);
  if (other) a.fail('joint', `hinge '${joint}' already has a motor (line ${other.line})`);
  driven.set(joint, el);
  const gears = a.numbers('gear', 1, 6) ?? [1];
  const gear = gears[0]!;
  if (!(gear > 0 && gear <= LIMITS.maxGear)) a.fail('gear', `must be in (0, ${LIMITS.maxGear}], got ${gear}`);
  if (gears.some((g) => Math.abs(g) > LIMITS.maxGear)) a.fail('gear', `each component must be within ±${LIMITS.maxGear}, got ${gears.join(' ')}`);
  const autolimits = ctx.compiler.autolimits;
  const limited = (flag: string, range: string): boolean => {
    const v = a.keyword(flag, ['false', 'true', 'auto']) ?? 'auto';
    if (v === 'auto' && a.has(range) && !autolimits) a.fail(range, `needs ${flag}="true" when compiler autolimits is false (MuJoCo refuses it too)`);
    return v === 'true' || (v === 'auto' && a.has(range));
  };
  if (limited('forcelimited', 'forcerange')) a.fail(a.has('forcerange') ? 'forcerange' : 'forcelimited', 'is not supported: torques are 250 N·m per unit action × gear / 150');
  let ctrlRange: [number, number] = [-1, 1];
  if (limited('ctrllimited', 'ctrlrange')) {
    const [lo, hi] = a.numbers('ctrlrange', 2) ?? [0, 0];
    if (!(lo! < hi!)) a.fail('ctrlrange', `must have lower < upper, got ${lo} ${hi}`);
    if (Math.abs(lo!) > LIMITS.maxComponent || Math.abs(hi!) > LIMITS.maxComponent) a.fail('ctrlrange', `each end must be within ±${LIMITS.maxComponent}, got ${lo} ${hi}`);
    // Actions are in [−1, 1]; a narrower clamp would change what the policy's outputs do.
    if (lo! > -1 || hi! < 1) a.fail('ctrlrange', `must contain [-1, 1] (the policy's actions), got ${lo} ${hi}`);
    ctrlRange = [lo!, hi!];
  }
  return { joint, gear, ctrlRange };
}

/** Unnamed bodies, joints and geoms get `body_N`, `joint_N`, `geom_N` (N: their place in the file, by kind). */
function nameUnnamed(root: Body): Body {
  const list = bodies({ name: '', root, motors: [] });
  const taken = new Set(list.flatMap((b) => [`body:${b.name}`, `joint:${b.joint?.name ?? ''}`, ...b.geoms.map((g) => `geom:${g.name}`)]));
  const count = { body: 0, joint: 0, geom: 0 };
  const named = (kind: keyof typeof count, name: string): string => {
    const n = count[kind]++;
    if (name) return name;
    let candidate = `${kind}_${n}`;
    while (taken.has(`${kind}:${candidate}`)) candidate += '_';
    taken.add(`${kind}:${candidate}`);
    return candidate;
  };
  // Depth-first, as bodies() lists them.
  const rename = (b: Body): Body => {
    const name = named('body', b.name);
    const joint = b.joint ? { ...b.joint, name: named('joint', b.joint.name) } : null;
    const geoms = b.geoms.map((g) => ({ ...g, name: named('geom', g.name) }));
    return { ...b, name, joint, geoms, children: b.children.map(rename) };
  };
  return rename(root);
}
