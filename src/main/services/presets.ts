/**
 * The built-in morphologies shipped in resources/morphologies (docs/METHOD.md#morphologies), read from disk. The path resolves the
 * same from src/main/services (tsx) and from the bundled out/main.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMjcf } from '../../core/morphology/mjcf';
import type { Morphology } from '../../core/morphology/model';

export const PRESET_NAMES = ['standard', 'damaged-right', 'damaged-left'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

function resourcesDir(): URL {
  // src/main/services/presets.ts → ../../../resources; out/main/index.js → ../../resources.
  const here = fileURLToPath(import.meta.url);
  return new URL(here.includes('/src/main/') ? '../../../resources/' : '../../resources/', import.meta.url);
}

export function presetXml(name: PresetName): string {
  if (!PRESET_NAMES.includes(name)) throw new Error(`unknown morphology preset '${String(name)}' (known: ${PRESET_NAMES.join(', ')})`);
  return readFileSync(new URL(`morphologies/${name}.xml`, resourcesDir()), 'utf8');
}

export function loadPreset(name: PresetName): Morphology {
  return parseMjcf(presetXml(name), name);
}
