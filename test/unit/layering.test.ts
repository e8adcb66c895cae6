// Imports run one way: core ← common ← main / cli; the renderer is never imported by main, the CLI, common or core,
// and core imports neither common nor main nor the CLI. Checked on every relative import of every source file.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const layerOf = (file: string): string => relative(SRC, file).split('/')[0]!;
/** Layers each layer must not import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['common', 'main', 'cli', 'renderer', 'preload'],
  common: ['main', 'cli', 'renderer', 'preload'],
  main: ['renderer', 'cli'],
  cli: ['renderer'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mts|vue)$/.test(e.name) && !e.name.endsWith('.d.mts') ? [path] : [];
  });
}

describe('layering', () => {
  it('no source file imports a layer it sits below', () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const banned = FORBIDDEN[layerOf(file)];
      if (!banned) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = layerOf(resolve(dirname(file), m[1]!));
        if (banned.includes(target)) wrong.push(`${relative(SRC, file)} imports ${m[1]} (${target})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
