/**
 * Random mutations of MJCF files (issue 13's robustness suite): attribute values replaced by random and boundary
 * numbers or junk, attributes removed, elements deleted or duplicated. Each mutant must either be refused by the
 * import check with a message saying what is wrong, or assemble into a body that simulates finitely for 50
 * control steps of random actions on the real ammo.js env. fast-check is not installed here, so this is a
 * seeded loop over the project's counter-based random streams: the same cases every run, any case replayable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAmmo } from '../../src/core/envs/quadruped/ammo';
import { QuadrupedEnv } from '../../src/core/envs/quadruped/quadruped-env';
import { parseXml, type El } from '../../src/core/morphology/mjcf-xml';
import { RandomStream } from '../../src/core/random';
import { checkMorphology, MorphologyError } from '../../src/main/services/morphologies';

const SEED = 20_251_013;
const CASES_PER_FILE = 200;
const STEPS = 50;

const FILES = {
  standard: readFileSync(new URL('../../resources/morphologies/standard.xml', import.meta.url), 'utf8'),
  gym: readFileSync(new URL('../fixtures/mjcf/gym-ant.xml', import.meta.url), 'utf8'),
  renamed: readFileSync(new URL('../fixtures/mjcf/renamed-ant.xml', import.meta.url), 'utf8'),
};

/** Numbers at and around every bound the reader has, and the ones that broke it before (issue 13). */
const BOUNDARY = ['0', '-0', '1e-320', '5e-324', '1e-7', '1e-6', '0.001', '0.0009', '1', '-1', '2', '2.0001', '10', '10.0001', '-10', '360', '361',
  '6.2832', '1e6', '1e300', '-1e300', '1e308', '1e400', 'nan', 'inf', '-inf', '0x10', '', 'abc'];

interface Node {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
}

const copy = (e: El): Node => ({ tag: e.tag, attrs: { ...e.attrs }, children: e.children.map(copy) });
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const write = (n: Node): string => {
  const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  return n.children.length === 0 ? `<${n.tag}${attrs}/>` : `<${n.tag}${attrs}>\n${n.children.map(write).join('\n')}\n</${n.tag}>`;
};
/** Every element with its parent (the root has none). */
const all = (n: Node, parent: Node | null = null): { node: Node; parent: Node | null }[] => [{ node: n, parent }, ...n.children.flatMap((c) => all(c, n))];

function randomNumber(rng: RandomStream): string {
  if (rng.nextInt(2) === 0) return BOUNDARY[rng.nextInt(BOUNDARY.length)]!;
  const magnitude = 10 ** rng.uniform(-8, 4);
  return String((rng.nextInt(2) === 0 ? -1 : 1) * magnitude);
}

/** One mutation of the tree; returns what it did, for the failure message. */
function mutate(root: Node, rng: RandomStream): string {
  const nodes = all(root);
  const { node, parent } = nodes[rng.nextInt(nodes.length)]!;
  const names = Object.keys(node.attrs);
  const kind = rng.nextInt(5);
  if (kind <= 2 && names.length > 0) {
    const attr = names[rng.nextInt(names.length)]!;
    if (kind === 2) {
      delete node.attrs[attr];
      return `removed ${node.tag}@${attr}`;
    }
    const parts = node.attrs[attr]!.trim().split(/\s+/);
    if (kind === 0) parts[rng.nextInt(parts.length)] = randomNumber(rng);
    else for (let i = 0; i < parts.length; i++) parts[i] = randomNumber(rng);
    node.attrs[attr] = parts.join(' ');
    return `${node.tag}@${attr}="${node.attrs[attr]}"`;
  }
  if (!parent) return 'nothing';
  const at = parent.children.indexOf(node);
  if (kind === 3) {
    parent.children.splice(at, 1);
    return `deleted <${node.tag}>`;
  }
  parent.children.splice(at + 1, 0, structuredClone(node));
  return `duplicated <${node.tag}>`;
}

/** 50 random-action control steps; returns the first non-finite number seen, or null. */
function simulate(env: QuadrupedEnv, rng: RandomStream): string | null {
  const poses = new Float32Array(env.bodyNames.length * 7);
  const action = new Float32Array(env.actionSize);
  const bad = (what: string, values: ArrayLike<number>): string | null => (Array.from(values).every(Number.isFinite) ? null : what);
  let problem = bad('reset observation', env.reset(rng));
  for (let t = 0; t < STEPS && !problem; t++) {
    for (let i = 0; i < action.length; i++) action[i] = rng.uniform(-1, 1);
    const r = env.step(action);
    env.poses(poses);
    problem = bad(`observation at step ${t}`, r.observation) ?? bad(`rewards at step ${t}`, r.rewards) ?? bad(`poses at step ${t}`, poses);
  }
  return problem;
}

describe('mutated MJCF is refused with a message, or simulates finitely', () => {
  it.each(Object.keys(FILES) as (keyof typeof FILES)[])(`%s: ${CASES_PER_FILE} seeded mutants`, async (file) => {
    const ammo = await loadAmmo();
    const base = parseXml(FILES[file]);
    let refused = 0;
    let simulated = 0;
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const rng = RandomStream.of(SEED, Object.keys(FILES).indexOf(file), i);
      const tree = copy(base);
      const done = Array.from({ length: 1 + rng.nextInt(3) }, () => mutate(tree, rng));
      const xml = write(tree);
      const label = `case ${i} (${done.join('; ')})`;
      let morphology;
      try {
        morphology = checkMorphology('mutant', xml);
      } catch (e) {
        // A refusal must be ours and say something; anything else (TypeError, RangeError…) is a crash.
        expect(e, label).toBeInstanceOf(MorphologyError);
        expect((e as Error).message, label).toMatch(/^mutant.{10,}/);
        refused++;
        continue;
      }
      const env = new QuadrupedEnv(ammo, morphology);
      try {
        expect(simulate(env, RandomStream.of(SEED, 100, i)), label).toBeNull();
      } finally {
        env.dispose();
      }
      simulated++;
    }
    // Both outcomes occur, so the loop tests both paths.
    expect(refused).toBeGreaterThan(CASES_PER_FILE / 10);
    expect(simulated).toBeGreaterThan(CASES_PER_FILE / 10);
  });
});
