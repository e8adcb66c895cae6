/** Morphology → MJCF text in the layout of pybullet's ant.xml (the workbench's canonical form; mjcf.ts reads it back). */
import type { Body, Morphology } from './model';

const fmt = (v: readonly number[]): string => v.map((x) => String(Number(x.toPrecision(12)))).join(' ');
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function bodyXml(b: Body, indent: string): string {
  const lines = [`${indent}<body name="${esc(b.name)}" pos="${fmt(b.pos)}">`];
  const inner = `${indent}  `;
  if (b.joint) {
    lines.push(`${inner}<joint name="${esc(b.joint.name)}" type="hinge" axis="${fmt(b.joint.axis)}" pos="0 0 0" range="${fmt(b.joint.range)}"/>`);
  }
  for (const g of b.geoms) {
    const name = g.name ? ` name="${esc(g.name)}"` : '';
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
    (mo) => `    <motor joint="${esc(mo.joint)}" gear="${fmt([mo.gear])}" ctrllimited="true" ctrlrange="${fmt(mo.ctrlRange)}"/>`,
  );
  return [
    `<mujoco model="${esc(m.name)}">`,
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
