import type { Source } from '../sources/schema.js';

/**
 * Account attributes that mappings name but whose source has never had: `jobtitle` when every
 * file loaded into the source had `title`. The engine reads attribute names exactly, so such a
 * mapping is saved and evaluates to nothing, silently. Pure (no imports but types): the console
 * uses the same rule to warn while a mapping is edited; mapping-warnings.ts gives it to the API.
 */
export interface UnknownAttribute {
  source: string;
  attributeName: string;
  /** The column with the same name in another case, when there is one. */
  suggestion?: string;
}

export type KnownSource = Pick<Source, 'id' | 'name' | 'accountAttributeNames'>;
type Attrs = Record<string, unknown>;
const isObject = (v: unknown): v is Attrs => !!v && typeof v === 'object' && !Array.isArray(v);
const MAX_DEPTH = 64;

/** Every `accountAttribute` transform inside `definition` (at any depth), with its attributes. */
export function accountAttributeRefs(definition: unknown): Attrs[] {
  const refs: Attrs[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    if (!isObject(v)) return;
    if (v.type === 'accountAttribute' && isObject(v.attributes)) refs.push(v.attributes);
    Object.values(v).forEach((x) => walk(x, depth + 1));
  };
  walk(definition, 0);
  return refs;
}

/**
 * The account attributes `definition` reads that their source has never seen in a loaded file
 * (`accountAttributeNames`). A source that has loaded nothing yet knows no columns: nothing is
 * reported for it, nor for a source not among `sources`.
 */
export function unknownAttributes(definition: unknown, sources: readonly KnownSource[]): UnknownAttribute[] {
  const out: UnknownAttribute[] = [];
  for (const a of accountAttributeRefs(definition)) {
    const source =
      sources.find((s) => s.id === a.sourceId) ??
      (typeof a.sourceName === 'string'
        ? sources.find((s) => s.name.toLowerCase() === String(a.sourceName).toLowerCase())
        : undefined);
    const name = a.attributeName;
    if (
      !source ||
      typeof name !== 'string' ||
      !name ||
      !source.accountAttributeNames.length ||
      source.accountAttributeNames.includes(name)
    )
      continue;
    const suggestion = source.accountAttributeNames.find((n) => n.toLowerCase() === name.toLowerCase());
    if (!out.some((u) => u.source === source.name && u.attributeName === name))
      out.push({ source: source.name, attributeName: name, suggestion });
  }
  return out;
}

export const describeUnknown = (u: UnknownAttribute) =>
  `“${u.attributeName}” is not a column of ${u.source}${u.suggestion ? ` (did you mean “${u.suggestion}”?)` : ''}: its files have never had it, so it will be empty.`;
