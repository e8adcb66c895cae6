/**
 * Numbers typed by people (CLI flags, form fields), read strictly: decimal digits with an optional sign, fraction
 * and exponent, nothing around them. `Number()` alone would also take "0x10", "1e1" for a whole number, "  " (as 0) and "Infinity",
 * and `parseFloat` would take "12abc" as 12: a guess either way.
 */
const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number `text` spells, or undefined when it is not one (a whole number when `integer`). */
export function readDecimal(text: string, integer: boolean): number | undefined {
  if (!(integer ? INT : DECIMAL).test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && (!integer || Number.isSafeInteger(n)) ? n : undefined;
}
