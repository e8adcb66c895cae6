/**
 * MJCF text → a plain element tree that remembers the line each element starts on, so every later complaint can
 * name element, attribute and line. Comments, text, declarations and processing instructions are dropped.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_MJCF_CHARS } from './limits';

export class MjcfError extends Error {
  constructor(message: string) {
    super(`MJCF: ${message}`);
    this.name = 'MjcfError';
  }
}

export interface El {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** 1-based line of the element's start tag. */
  readonly line: number;
  readonly children: readonly El[];
}

/** "line 12: <geom name="thigh">": how every message points at an element. */
export function where(el: El): string {
  const name = el.attrs['name'] ?? el.attrs['class'];
  const label = name === undefined ? '' : ` ${el.attrs['name'] !== undefined ? 'name' : 'class'}="${name}"`;
  return `line ${el.line}: <${el.tag}${label}>`;
}

/** Throws an MjcfError naming the element (and attribute, if given) at fault. */
export function fail(el: El, attr: string | null, problem: string): never {
  throw new MjcfError(`${where(el)}${attr ? ` ${attr}` : ''}: ${problem}`);
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const META = XMLParser.getMetaDataSymbol() as unknown as string;
/** Deeper nesting than this is no body of this kind (and would cost stack). */
const MAX_DEPTH = 100;
const parser = new XMLParser({
  maxNestedTags: MAX_DEPTH,
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
});

/** Parses MJCF text into its root element; malformed XML is an MjcfError with line and column. */
export function parseXml(xml: string): El {
  if (xml.length > MAX_MJCF_CHARS) throw new MjcfError(`the file has ${xml.length} characters; at most ${MAX_MJCF_CHARS} are accepted`);
  // Entity declarations could expand without bound; MJCF never needs them.
  if (/<!DOCTYPE/i.test(xml)) throw new MjcfError(`line ${lineAt(newlines(xml), xml.search(/<!DOCTYPE/i))}: <!DOCTYPE> is not allowed in MJCF`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MjcfError(`malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const breaks = newlines(xml);
  const convert = (n: Node): El | null => {
    const tag = Object.keys(n).find((k) => k !== ':@');
    if (tag === undefined || tag.startsWith('#') || tag.startsWith('?')) return null;
    const meta = n[META] as { startIndex?: number } | undefined;
    const children = ((n[tag] as Node[] | undefined) ?? []).map(convert).filter((c): c is El => c !== null);
    return { tag, attrs: { ...(n[':@'] ?? {}) }, line: lineAt(breaks, meta?.startIndex ?? 0), children };
  };
  let doc: Node[];
  try {
    doc = parser.parse(xml) as Node[];
  } catch (e) {
    // The validator passed, so what is left is the parser's own bound on nesting.
    throw new MjcfError(`elements may nest at most ${MAX_DEPTH} deep (${(e as Error).message})`);
  }
  const roots = doc.map(convert).filter((c): c is El => c !== null);
  if (roots.length !== 1) throw new MjcfError(`expected one root element <mujoco>, found ${roots.length}`);
  return roots[0]!;
}

function newlines(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** 1-based line of character `index`, by binary search over the newline offsets. */
function lineAt(breaks: readonly number[], index: number): number {
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
