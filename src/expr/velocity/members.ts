/**
 * Member access for template values, following Java/Velocity semantics: `String` methods,
 * `List`/`Map` methods and bean properties, plus the host objects of host-objects.ts.
 * Returns MISSING when the member does not exist (the renderer reports it).
 */
import { fail } from '../errors.js';
import {
  matchCost,
  matchesWhole,
  parseReplacement,
  RegexError,
  replaceAll,
  split,
  type JavaRegex,
} from '../regex/java-regex.js';
import { runtimeRegex } from '../regex/runtime-regex.js';
import { charge, CHARS_PER_STEP, type Run } from '../runtime.js';
import { HostObject, MISSING } from './host-objects.js';

/** Where a member access happens: for limits and error paths. */
export interface MemberSite {
  readonly run: Run;
  readonly path: string;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof HostObject);
}

/** `target.name` */
export function getProperty(target: unknown, name: string): unknown {
  if (target instanceof HostObject) return target.get(name);
  if (isMap(target)) return Object.hasOwn(target, name) ? (target[name] ?? null) : null;
  if (Array.isArray(target) && (name === 'empty' || name === 'size'))
    return name === 'empty' ? target.length === 0 : target.length;
  if (typeof target === 'string' && name === 'empty') return target.length === 0;
  return MISSING;
}

/** `target.name(args)` */
export function callMethod(target: unknown, name: string, args: readonly unknown[], site: MemberSite): unknown {
  if (target instanceof HostObject) return target.call(name, args);
  if (typeof target === 'string') {
    // a method over a long string is more work than a step (a loop upper-casing 100k characters)
    if (target.length >= CHARS_PER_STEP) charge(site.run, Math.floor(target.length / CHARS_PER_STEP), site.path);
    return stringMethod(target, name, args, site);
  }
  if (Array.isArray(target)) return listMethod(target, name, args);
  if (isMap(target)) return mapMethod(target, name, args);
  if (name === 'toString' && args.length === 0) return String(target);
  return MISSING;
}

function str(v: unknown): string {
  return v === null || v === undefined ? 'null' : String(v);
}

function int(v: unknown, site: MemberSite): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) fail(`expected an integer argument, got "${str(v)}"`, site.path);
  return n;
}

/** The pattern `source`, compiled (and paid for), and the cost of running it over `text`. */
function regex(source: unknown, text: string, site: MemberSite): JavaRegex {
  let rx: JavaRegex;
  try {
    rx = runtimeRegex(str(source), site.run, site.path);
  } catch (e) {
    if (e instanceof RegexError) return fail(e.message, site.path);
    throw e;
  }
  charge(site.run, matchCost(rx, text.length), site.path);
  return rx;
}

function outOfRange(site: MemberSite, what: string): never {
  return fail(`string index out of range: ${what}`, site.path);
}

function substring(s: string, args: readonly unknown[], site: MemberSite): string {
  const b = int(args[0], site);
  const e = args.length > 1 ? int(args[1], site) : s.length;
  if (b < 0 || e > s.length || b > e) outOfRange(site, `${b}, ${e}`);
  return s.slice(b, e);
}

function replaceRegex(s: string, args: readonly unknown[], site: MemberSite, first: boolean): string {
  const rx = regex(args[0], s, site);
  let parts;
  try {
    parts = parseReplacement(str(args[1]), rx);
  } catch (e) {
    return fail((e as RegexError).message, site.path);
  }
  if (first) {
    const m = rx.re.matcher(s);
    if (!m.find()) return s;
    const rep = parts.map((p) => (typeof p === 'string' ? p : (m.group(p.group) ?? ''))).join('');
    return s.slice(0, m.start()) + rep + s.slice(m.end());
  }
  const out = replaceAll(rx, s, parts, site.run.limits.maxStringLength);
  return out ?? fail('replacement result too long', site.path);
}

function stringMethod(s: string, name: string, args: readonly unknown[], site: MemberSite): unknown {
  switch (name) {
    case 'length':
      return s.length;
    case 'toString':
    case 'intern':
      return s;
    case 'toUpperCase':
      return s.toUpperCase();
    case 'toLowerCase':
      return s.toLowerCase();
    case 'trim':
      return s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
    case 'strip':
      return s.trim();
    case 'isEmpty':
      return s.length === 0;
    case 'isBlank':
      return s.trim().length === 0;
    case 'substring':
      return substring(s, args, site);
    case 'charAt': {
      const i = int(args[0], site);
      return i >= 0 && i < s.length ? s.charAt(i) : outOfRange(site, String(i));
    }
    case 'indexOf':
      return s.indexOf(str(args[0]), args.length > 1 ? int(args[1], site) : 0);
    case 'lastIndexOf':
      return s.lastIndexOf(str(args[0]));
    case 'contains':
      return s.includes(str(args[0]));
    case 'startsWith':
      return s.startsWith(str(args[0]));
    case 'endsWith':
      return s.endsWith(str(args[0]));
    case 'equals':
      return typeof args[0] === 'string' && s === args[0];
    case 'equalsIgnoreCase':
      return typeof args[0] === 'string' && s.toLowerCase() === args[0].toLowerCase();
    case 'concat':
      return checked(s + str(args[0]), site);
    case 'replace':
      return literalReplace(s, str(args[0]), str(args[1]), site);
    case 'replaceAll':
      return replaceRegex(s, args, site, false);
    case 'replaceFirst':
      return replaceRegex(s, args, site, true);
    case 'matches':
      return matchesWhole(regex(args[0], s, site), s);
    case 'split':
      return split(regex(args[0], s, site), s);
    case 'compareTo':
      return s < str(args[0]) ? -1 : s > str(args[0]) ? 1 : 0;
    default:
      return MISSING;
  }
}

/** Java `String.replace(CharSequence, CharSequence)`, checking the result size before building it. */
function literalReplace(s: string, target: string, replacement: string, site: MemberSite): string {
  const pieces = target === '' ? ['', ...s, ''] : s.split(target);
  const size = s.length + (pieces.length - 1) * (replacement.length - target.length);
  if (size > site.run.limits.maxStringLength) fail('string too long', site.path);
  return pieces.join(replacement);
}

function checked(s: string, site: MemberSite): string {
  return s.length > site.run.limits.maxStringLength ? fail('string too long', site.path) : s;
}

function listMethod(list: readonly unknown[], name: string, args: readonly unknown[]): unknown {
  switch (name) {
    case 'size':
      return list.length;
    case 'isEmpty':
      return list.length === 0;
    case 'get': {
      const i = Number(args[0]);
      return Number.isInteger(i) && i >= 0 && i < list.length ? list[i] : null;
    }
    case 'contains':
      return list.some((v) => v === args[0] || str(v) === str(args[0]));
    case 'indexOf':
      return list.findIndex((v) => str(v) === str(args[0]));
    case 'toString':
      return `[${list.map(str).join(', ')}]`;
    default:
      return MISSING;
  }
}

function mapMethod(map: Record<string, unknown>, name: string, args: readonly unknown[]): unknown {
  const has = (k: unknown) => Object.hasOwn(map, str(k));
  switch (name) {
    case 'get':
      return has(args[0]) ? (map[str(args[0])] ?? null) : null;
    case 'containsKey':
      return has(args[0]);
    case 'keySet':
      return Object.keys(map);
    case 'values':
      return Object.values(map);
    case 'size':
      return Object.keys(map).length;
    case 'isEmpty':
      return Object.keys(map).length === 0;
    default:
      return MISSING;
  }
}
