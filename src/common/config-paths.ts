/** A run config as dotted paths, for telling configs apart (the compare page's diff, the group labels). */

/** Flattens a config into dotted paths → JSON values (arrays are one value). */
export function configPaths(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) configPaths(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

/** The paths whose values are not the same in every config, sorted, with each config's value (undefined: absent). */
export function differingPaths(configs: readonly unknown[]): { key: string; values: (string | undefined)[] }[] {
  const flat = configs.map((c) => configPaths(c));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys.map((key) => ({ key, values: flat.map((f) => f[key]) })).filter(({ values }) => new Set(values).size > 1);
}

/** 32-bit FNV-1a of a string, as 8 hex digits: a short stable id for a group key. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
