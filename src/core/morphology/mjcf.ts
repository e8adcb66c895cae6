/**
 * MJCF (MuJoCo XML) ⇄ Morphology for the subset the ant uses. Parsing validates and throws MjcfError with a
 * message naming the element and attribute at fault; serialising writes a file pybullet and MuJoCo both load.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { orderedJoints, bodies, capsuleLength, type Body, type Geom, type HingeJoint, type Morphology, type Motor, type Vec3 } from './model';

export class MjcfError extends Error {
  constructor(message: string) {
    super(`MJCF: ${message}`);
    this.name = 'MjcfError';
  }
}

/** Lengths and radii outside these bounds are rejected as absurd for a walking robot. */
export const LIMITS = { maxLength: 10, maxRadius: 2, maxGear: 10_000 } as const;

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const tagOf = (n: Node): string => Object.keys(n).find((k) => k !== ':@')!;
const childrenOf = (n: Node): Node[] => (n[tagOf(n)] as Node[]) ?? [];
const attrsOf = (n: Node): Record<string, string> => n[':@'] ?? {};

function numbers(value: string, count: number, where: string, attr: string): number[] {
  const parts = value.trim().split(/\s+/).map(Number);
  if (parts.length !== count || parts.some((v) => !Number.isFinite(v))) {
    throw new MjcfError(`${where}: attribute '${attr}' must be ${count} number${count > 1 ? 's' : ''}, got "${value}"`);
  }
  return parts;
}

function required(attrs: Record<string, string>, name: string, where: string): string {
  const v = attrs[name];
  if (v === undefined) throw new MjcfError(`${where}: missing attribute '${name}'`);
  return v;
}

/** Attributes from <default>: the ant declares joint `limited` and geom defaults there. */
interface Defaults {
  geomType: string;
}

function parseGeom(n: Node, where: string, defaults: Defaults): Geom {
  const a = attrsOf(n);
  const name = a['name'] ?? '';
  const at = `${where} geom${name ? ` '${name}'` : ''}`;
  const type = a['type'] ?? defaults.geomType;
  const radius = numbers(required(a, 'size', at), 1, at, 'size')[0]!;
  if (!(radius > 0) || radius > LIMITS.maxRadius) throw new MjcfError(`${at}: radius (size) must be in (0, ${LIMITS.maxRadius}] m, got ${radius}`);
  if (type === 'sphere') {
    const pos = (a['pos'] ? numbers(a['pos'], 3, at, 'pos') : [0, 0, 0]) as unknown as Vec3;
    return { type: 'sphere', name, radius, pos };
  }
  if (type === 'capsule') {
    const ft = numbers(required(a, 'fromto', at), 6, at, 'fromto');
    const g: Geom = { type: 'capsule', name, radius, from: [ft[0]!, ft[1]!, ft[2]!], to: [ft[3]!, ft[4]!, ft[5]!] };
    const length = capsuleLength(g);
    if (!(length > 0) || length > LIMITS.maxLength) {
      throw new MjcfError(`${at}: capsule length (fromto) must be in (0, ${LIMITS.maxLength}] m, got ${length}`);
    }
    return g;
  }
  throw new MjcfError(`${at}: geom type '${type}' is not supported (capsule or sphere)`);
}

function parseJoint(n: Node, where: string): HingeJoint {
  const a = attrsOf(n);
  const at = `${where} joint`;
  const name = required(a, 'name', at);
  const jat = `${where} joint '${name}'`;
  const type = a['type'] ?? 'hinge';
  if (type !== 'hinge') throw new MjcfError(`${jat}: joint type '${type}' is not supported (hinge)`);
  const axis = numbers(required(a, 'axis', jat), 3, jat, 'axis') as unknown as Vec3;
  if (Math.hypot(...axis) === 0) throw new MjcfError(`${jat}: axis must not be zero`);
  const range = numbers(required(a, 'range', jat), 2, jat, 'range') as unknown as [number, number];
  if (!(range[0] < range[1])) throw new MjcfError(`${jat}: range must have lower < upper, got ${range[0]} ${range[1]}`);
  if (range[0] < -360 || range[1] > 360) throw new MjcfError(`${jat}: range must lie within ±360 degrees`);
  return { name, axis, range };
}

function parseBody(n: Node, defaults: Defaults): Body {
  const a = attrsOf(n);
  const name = required(a, 'name', 'body');
  const where = `body '${name}'`;
  const pos = (a['pos'] ? numbers(a['pos'], 3, where, 'pos') : [0, 0, 0]) as unknown as Vec3;
  let joint: HingeJoint | null = null;
  const geoms: Geom[] = [];
  const children: Body[] = [];
  for (const c of childrenOf(n)) {
    const tag = tagOf(c);
    if (tag === 'joint') {
      if (joint) throw new MjcfError(`${where}: has more than one joint`);
      joint = parseJoint(c, where);
    } else if (tag === 'geom') geoms.push(parseGeom(c, where, defaults));
    else if (tag === 'body') children.push(parseBody(c, defaults));
    else if (tag !== '#comment' && tag !== 'inertial' && tag !== 'site') throw new MjcfError(`${where}: unsupported element <${tag}>`);
  }
  if (geoms.length === 0) throw new MjcfError(`${where}: has no geom`);
  return { name, pos, joint, geoms, children };
}

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', commentPropName: '#comment' });

export function parseMjcf(xml: string, name?: string): Morphology {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MjcfError(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const doc = parser.parse(xml) as Node[];
  const mujoco = doc.find((n) => tagOf(n) === 'mujoco');
  if (!mujoco) throw new MjcfError('root element must be <mujoco>');
  const sections = childrenOf(mujoco);
  const section = (tag: string): Node | undefined => sections.find((n) => tagOf(n) === tag);

  const compiler = section('compiler');
  if (compiler && (attrsOf(compiler)['angle'] ?? 'degree') !== 'degree') throw new MjcfError("<compiler angle> must be 'degree'");
  const defaults: Defaults = { geomType: 'sphere' };
  const geomDefault = childrenOf(section('default') ?? { default: [] }).find((n) => tagOf(n) === 'geom');
  if (geomDefault && attrsOf(geomDefault)['type']) defaults.geomType = attrsOf(geomDefault)['type']!;

  const world = section('worldbody');
  if (!world) throw new MjcfError('missing <worldbody>');
  const roots = childrenOf(world).filter((n) => tagOf(n) === 'body');
  if (roots.length !== 1) throw new MjcfError(`<worldbody> must contain exactly one root body, found ${roots.length}`);
  const root = parseBody(roots[0]!, defaults);

  const motors: Motor[] = childrenOf(section('actuator') ?? { actuator: [] })
    .filter((n) => tagOf(n) !== '#comment')
    .map((n) => {
      if (tagOf(n) !== 'motor') throw new MjcfError(`<actuator>: unsupported element <${tagOf(n)}>`);
      const a = attrsOf(n);
      const joint = required(a, 'joint', 'actuator motor');
      const at = `actuator motor for '${joint}'`;
      const gear = a['gear'] ? numbers(a['gear'], 1, at, 'gear')[0]! : 1;
      if (!(gear > 0) || gear > LIMITS.maxGear) throw new MjcfError(`${at}: gear must be in (0, ${LIMITS.maxGear}], got ${gear}`);
      const ctrlRange = (a['ctrlrange'] ? numbers(a['ctrlrange'], 2, at, 'ctrlrange') : [-1, 1]) as unknown as [number, number];
      return { joint, gear, ctrlRange };
    });

  const morphology: Morphology = { name: name ?? attrsOf(mujoco)['model'] ?? 'unnamed', root, motors };
  checkNames(morphology);
  return morphology;
}

/** Body, joint and geom names must be unique; every motor must drive a known joint, at most one per joint. */
export function checkNames(m: Morphology): void {
  const seen = new Set<string>();
  const claim = (kind: string, name: string): void => {
    if (!name) return;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new MjcfError(`${kind} name '${name}' may only contain letters, digits, '_', '.' and '-'`);
    const key = `${kind}:${name}`;
    if (seen.has(key)) throw new MjcfError(`duplicate ${kind} name '${name}'`);
    seen.add(key);
  };
  for (const b of bodies(m)) {
    claim('body', b.name);
    if (b.joint) claim('joint', b.joint.name);
    b.geoms.forEach((g) => claim('geom', g.name));
  }
  const joints = new Set(orderedJoints(m).map((j) => j.name));
  const driven = new Set<string>();
  for (const motor of m.motors) {
    if (!joints.has(motor.joint)) throw new MjcfError(`actuator motor references unknown joint '${motor.joint}'`);
    if (driven.has(motor.joint)) throw new MjcfError(`joint '${motor.joint}' has more than one motor`);
    driven.add(motor.joint);
  }
}

const fmt = (v: readonly number[]): string => v.map((x) => String(Number(x.toPrecision(12)))).join(' ');

function bodyXml(b: Body, indent: string): string {
  const lines = [`${indent}<body name="${b.name}" pos="${fmt(b.pos)}">`];
  const inner = `${indent}  `;
  if (b.joint) {
    lines.push(`${inner}<joint name="${b.joint.name}" type="hinge" axis="${fmt(b.joint.axis)}" pos="0 0 0" range="${fmt(b.joint.range)}"/>`);
  }
  for (const g of b.geoms) {
    const name = g.name ? ` name="${g.name}"` : '';
    lines.push(
      g.type === 'capsule'
        ? `${inner}<geom${name} type="capsule" fromto="${fmt([...g.from, ...g.to])}" size="${fmt([g.radius])}"/>`
        : `${inner}<geom${name} type="sphere" pos="${fmt(g.pos)}" size="${fmt([g.radius])}"/>`,
    );
  }
  for (const c of b.children) lines.push(bodyXml(c, inner));
  lines.push(`${indent}</body>`);
  return lines.join('\n');
}

/** MJCF text for a morphology, with the ant's compiler and default settings. */
export function serialiseMjcf(m: Morphology): string {
  const motors = m.motors.map(
    (mo) => `    <motor joint="${mo.joint}" gear="${fmt([mo.gear])}" ctrllimited="true" ctrlrange="${fmt(mo.ctrlRange)}"/>`,
  );
  return [
    `<mujoco model="${m.name}">`,
    '  <compiler angle="degree" coordinate="local" inertiafromgeom="true"/>',
    '  <default>',
    '    <joint armature="1" damping="1" limited="true"/>',
    '    <geom conaffinity="0" condim="3" density="5.0" friction="1.5 0.1 0.1" margin="0.01"/>',
    '  </default>',
    '  <worldbody>',
    bodyXml(m.root, '    '),
    '  </worldbody>',
    '  <actuator>',
    ...motors,
    '  </actuator>',
    '</mujoco>',
    '',
  ].join('\n');
}
