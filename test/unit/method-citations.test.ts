/**
 * The repository stands on its own: code and docs cite the method reference by its headings
 * (`docs/METHOD.md#hebbian-rules`), never sections of a spec outside the repository. This checks that every
 * `NAME.md#anchor` cited anywhere names a heading of docs/NAME.md, with anchors computed as GitHub computes them,
 * and that no "spec §" citation (or a path to the outside spec) comes back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
const SCANNED_DIRS = ['src', 'docs', 'scripts', 'test', 'resources', 'bin'];
const TEXT = /\.(ts|vue|md|mjs|js|xml|sh|html|wat|css)$/;
/** Asserts the pattern's absence from `hebb --help`, so it names the pattern itself. */
const NAMES_THE_PATTERN = new Set(['test/integration/cli-help.test.ts']);

/** GitHub's heading anchor (github-slugger): lower case, punctuation dropped, each space a hyphen. */
export function githubSlug(heading: string): string {
  const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'); // a link's text only
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every heading's anchor in a markdown text (outside fenced code), repeated headings suffixed -1, -2, … */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = githubSlug(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Citations `NAME.md#anchor` (with or without `docs/`) in a text: the file's name and the anchor. */
export function citationsIn(text: string): { doc: string; anchor: string }[] {
  return [...text.matchAll(/\b([A-Z][A-Z0-9_-]*\.md)#([\p{L}\p{N}_-]+)/gu)].map((m) => ({ doc: m[1]!, anchor: m[2]! }));
}

/** Lines that cite sections of the outside spec, or point at it. */
export function outsideSpecLines(text: string): string[] {
  return text.split('\n').filter((line) => /spec\s*§|paper-spec\.md|\.\.\/shared\//.test(line));
}

function repositoryFiles(): string[] {
  const files = ['README.md'];
  for (const dir of SCANNED_DIRS) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
      const path = join(dir, entry);
      if (path.includes('node_modules') || !TEXT.test(path) || !statSync(join(ROOT, path)).isFile()) continue;
      files.push(path);
    }
  }
  return files.filter((f) => f !== SELF);
}

describe('anchors as GitHub computes them', () => {
  it('slugs headings by hand-checked cases', () => {
    expect(githubSlug("The car's policy")).toBe('the-cars-policy');
    expect(githubSlug('Weight trajectories (the attractor analysis)')).toBe('weight-trajectories-the-attractor-analysis');
    expect(githubSlug('From MJCF to rigid bodies (`assembly.ts`, pure, tested without the engine)')).toBe('from-mjcf-to-rigid-bodies-assemblyts-pure-tested-without-the-engine');
    expect(githubSlug('Pre- and post-synaptic activity')).toBe('pre--and-post-synaptic-activity');
    expect(githubSlug('Evolve & Merge')).toBe('evolve--merge');
    expect(githubSlug('See [the car](PHYSICS.md#x)')).toBe('see-the-car');
  });

  it('finds a wrong anchor in a constructed document', () => {
    const doc = ['# Title', '## Car dynamics', 'text', '### The car\'s policy', '```', '# not a heading', '```', '## Car dynamics'].join('\n');
    const anchors = anchorsOf(doc);
    expect([...anchors]).toEqual(['title', 'car-dynamics', 'the-cars-policy', 'car-dynamics-1']);
    const cited = citationsIn('see docs/METHOD.md#car-dynamics, METHOD.md#car-dynamics-1, (METHOD.md#the-cars-policy). '
      + 'Wrong: docs/METHOD.md#not-a-heading and docs/METHOD.md#the-car-s-policy.');
    expect(cited.map((c) => c.doc)).toEqual(Array(5).fill('METHOD.md'));
    expect(cited.filter((c) => !anchors.has(c.anchor)).map((c) => c.anchor)).toEqual(['not-a-heading', 'the-car-s-policy']);
  });

  it('flags a spec citation and leaves other section signs alone', () => {
    const sign = '§';
    const text = [`// the rule (spec ${sign}1.1)`, `Higham, ${sign}3.1`, 'see ../shared/spec/paper-spec.md', '// docs/METHOD.md#lifetime'].join('\n');
    expect(outsideSpecLines(text)).toEqual([`// the rule (spec ${sign}1.1)`, 'see ../shared/spec/paper-spec.md']);
  });
});

describe('the repository cites its own method reference', () => {
  const files = repositoryFiles();
  const texts = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));

  it('every NAME.md#anchor cited names a heading of docs/NAME.md', () => {
    const docs = new Map<string, Set<string>>();
    const anchorsOfDoc = (doc: string): Set<string> | undefined => {
      if (!docs.has(doc)) {
        try {
          docs.set(doc, anchorsOf(readFileSync(join(ROOT, 'docs', doc), 'utf8')));
        } catch {
          return undefined;
        }
      }
      return docs.get(doc);
    };
    const broken: string[] = [];
    let methodCitations = 0;
    for (const [file, text] of texts) {
      for (const { doc, anchor } of citationsIn(text)) {
        const anchors = anchorsOfDoc(doc);
        if (!anchors) continue; // not a file of docs/ (e.g. a README of another project)
        if (doc === 'METHOD.md') methodCitations++;
        if (!anchors.has(anchor)) broken.push(`${file}: ${doc}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
    // The scan sees the code's citations (about a hundred when this test was written), not nothing.
    expect(methodCitations).toBeGreaterThan(80);
  });

  it('no file cites "spec §…" or points at the spec outside the repository', () => {
    const found = files.filter((f) => !NAMES_THE_PATTERN.has(f)).flatMap((f) => outsideSpecLines(texts.get(f)!).map((line) => `${f}: ${line.trim()}`));
    expect(found).toEqual([]);
  });
});
