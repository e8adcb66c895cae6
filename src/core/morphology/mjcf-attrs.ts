/**
 * Reading MJCF attributes the way MuJoCo does: an element's own attributes over those of its active default
 * class (MuJoCo's rules: `class` on the element, else the nearest enclosing `childclass`, else "main"; a nested
 * class starts as a copy of its parent). Every value remembers where it was written, so a bad one is reported at
 * its own line — the element's, or the default's that set it.
 */
import { fail, type El } from './mjcf-xml';

/** Element kinds that take defaults and that this reader uses; the rest of a <default> is visual or unused. */
export type DefaultKind = 'joint' | 'geom' | 'actuator';

const ACTUATOR_TAGS = new Set(['general', 'motor', 'position', 'velocity', 'intvelocity', 'orientation', 'pid', 'damper', 'cylinder', 'muscle', 'adhesion', 'dcmotor']);
const IGNORED_DEFAULT_TAGS = new Set(['mesh', 'material', 'site', 'camera', 'light', 'pair', 'equality', 'tendon']);

interface Value {
  readonly text: string;
  /** The element the value was written on, and the class when it came from a default. */
  readonly from: El;
  readonly cls: string | null;
}

type ClassValues = Record<DefaultKind, ReadonlyMap<string, Value>>;

export class Defaults {
  private readonly classes = new Map<string, ClassValues>([['main', { joint: new Map(), geom: new Map(), actuator: new Map() }]]);

  /**
   * Reads the <default> sections in document order. `known` lists the attributes each kind may carry, so a
   * misspelt default is refused where it is written rather than silently dropped.
   */
  constructor(sections: readonly El[], known: Readonly<Record<DefaultKind, ReadonlySet<string>>>) {
    const read = (section: El, name: string, parent: ClassValues | null): void => {
      const own = parent ? copy(parent) : this.classes.get('main')!;
      if (parent) this.classes.set(name, own);
      for (const child of section.children) {
        if (child.tag === 'default') continue;
        const kind: DefaultKind | null = child.tag === 'joint' || child.tag === 'geom' ? child.tag : ACTUATOR_TAGS.has(child.tag) ? 'actuator' : null;
        if (kind === null) {
          if (!IGNORED_DEFAULT_TAGS.has(child.tag)) fail(child, null, `<${child.tag}> is not an element a <default> can hold`);
          continue;
        }
        const values = own[kind] as Map<string, Value>;
        for (const [attr, text] of Object.entries(child.attrs)) {
          // Settings of other actuator kinds (kp, gainprm, …) only matter to actuators this reader refuses anyway.
          if (kind === 'actuator' && child.tag !== 'motor' && !known.actuator.has(attr)) continue;
          if (!known[kind].has(attr)) fail(child, attr, `is not an attribute of a default <${child.tag}>`);
          values.set(attr, { text, from: child, cls: name });
        }
      }
      for (const child of section.children) {
        if (child.tag !== 'default') continue;
        const cls = child.attrs['class'];
        if (!cls) fail(child, 'class', 'a nested <default> needs a class name');
        if (this.classes.has(cls)) fail(child, 'class', `default class '${cls}' is defined twice`);
        read(child, cls, own);
      }
    };
    for (const section of sections) {
      const cls = section.attrs['class'];
      if (cls !== undefined && cls !== 'main') fail(section, 'class', `the top-level default class is always 'main', got '${cls}'`);
      read(section, 'main', null);
    }
  }

  /** The class an element uses, checked to exist. */
  resolve(el: El, inherited: string): string {
    const cls = el.attrs['class'] ?? inherited;
    if (!this.classes.has(cls)) fail(el, 'class', `no default class named '${cls}'`);
    return cls;
  }

  /** `childclass` of a body or frame, checked to exist; else what it inherited. */
  childClass(el: El, inherited: string): string {
    const cls = el.attrs['childclass'];
    if (cls === undefined) return inherited;
    if (!this.classes.has(cls)) fail(el, 'childclass', `no default class named '${cls}'`);
    return cls;
  }

  /** The attributes of `el` (of `kind`) over its class's defaults; `known` are those the element may carry. */
  attrs(el: El, kind: DefaultKind | null, cls: string, known: ReadonlySet<string>): Attrs {
    const values = new Map<string, Value>(kind ? this.classes.get(cls)![kind] : []);
    for (const [attr, text] of Object.entries(el.attrs)) {
      if (!known.has(attr)) fail(el, attr, `is not an attribute of <${el.tag}>`);
      values.set(attr, { text, from: el, cls: null });
    }
    return new Attrs(el, values);
  }
}

function copy(c: ClassValues): ClassValues {
  return { joint: new Map(c.joint), geom: new Map(c.geom), actuator: new Map(c.actuator) };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const shown = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** One element's resolved attributes; every accessor reports a bad value at the line it was written on. */
export class Attrs {
  constructor(readonly el: El, private readonly values: ReadonlyMap<string, Value>) {}

  has(attr: string): boolean {
    return this.values.has(attr);
  }

  text(attr: string): string | undefined {
    return this.values.get(attr)?.text;
  }

  /** Whether the element itself wrote `attr` (rather than a default). */
  own(attr: string): boolean {
    return this.values.get(attr)?.cls === null;
  }

  /** Fails naming the element and attribute, and the default that set the value if it came from one. */
  fail(attr: string, problem: string): never {
    const v = this.values.get(attr);
    if (v && v.cls !== null) fail(this.el, attr, `${problem} (set by <default class="${v.cls}"> on line ${v.from.line})`);
    fail(this.el, attr, problem);
  }

  /** Between `min` and `max` finite numbers, or undefined when absent. */
  numbers(attr: string, min: number, max = min): number[] | undefined {
    const text = this.text(attr);
    if (text === undefined) return undefined;
    const parts = text.trim().split(/\s+/).filter((p) => p.length > 0);
    const count = min === max ? `${min}` : `${min} to ${max}`;
    if (parts.length < min || parts.length > max || parts.some((p) => !NUMBER.test(p))) {
      this.fail(attr, `must be ${count} number${max > 1 ? 's' : ''}, got "${shown(text)}"`);
    }
    const values = parts.map(Number);
    if (values.some((v) => !Number.isFinite(v))) this.fail(attr, `must be finite numbers, got "${shown(text)}"`);
    return values;
  }

  number(attr: string): number | undefined {
    return this.numbers(attr, 1)?.[0];
  }

  /** A keyword attribute, checked against the values MuJoCo allows. */
  keyword<T extends string>(attr: string, allowed: readonly T[]): T | undefined {
    const text = this.text(attr);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text)) this.fail(attr, `must be one of ${allowed.join(', ')}, got "${shown(text)}"`);
    return text as T;
  }

  flag(attr: string): boolean | undefined {
    const v = this.keyword(attr, ['true', 'false']);
    return v === undefined ? undefined : v === 'true';
  }

  /** Refuses an attribute that is set to anything but its MuJoCo default (zero or false): it would change the physics. */
  refuseNonZero(attr: string, why: string): void {
    const text = this.text(attr);
    if (text === undefined) return;
    const zero = text === 'false' || (text.trim().split(/\s+/).every((p) => NUMBER.test(p) && Number(p) === 0));
    if (!zero) this.fail(attr, `is not supported (${why})`);
  }

  refusePresent(attr: string, why: string): void {
    if (this.has(attr)) this.fail(attr, `is not supported (${why})`);
  }
}
