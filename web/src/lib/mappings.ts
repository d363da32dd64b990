import { ApiError } from '../api/client';
import type { Mapping, Source, TransformDefinition } from '../api/types';

type Attrs = Record<string, unknown>;
const attrsOf = (d: TransformDefinition): Attrs => (d.attributes ?? {}) as Attrs;
const isDefinition = (v: unknown): v is TransformDefinition =>
  !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';

/** The common case the form edits: `accountAttribute` with a source and an attribute name, nothing else. */
export function isSimpleMapping(d: TransformDefinition): boolean {
  if (d.type !== 'accountAttribute') return false;
  const keys = Object.keys(attrsOf(d));
  return keys.includes('attributeName') && keys.every((k) => ['attributeName', 'sourceName', 'sourceId'].includes(k));
}

export function accountAttribute(source: Pick<Source, 'id' | 'name'>, attributeName: string): TransformDefinition {
  return { type: 'accountAttribute', attributes: { sourceName: source.name, sourceId: source.id, attributeName } };
}

/** "HR · mail", "lower(HR · mail)", "concat(HR · first, " ", HR · last)", "transform ‘X’": readable, bounded. */
export function summarize(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (!isDefinition(value))
    return Array.isArray(value)
      ? `[${value.map((v) => summarize(v, depth + 1)).join(', ')}]`
      : (JSON.stringify(value) ?? '');
  const a = attrsOf(value);
  if (value.type === 'accountAttribute')
    return `${String(a.sourceName ?? a.sourceId ?? '?')} · ${String(a.attributeName ?? '?')}`;
  if (value.type === 'reference') return `transform ‘${String(a.id ?? '?')}’`;
  if (value.type === 'static') return `“${String(a.value ?? '')}”`;
  if (depth > 2) return `${value.type}(…)`;
  if (value.type === 'conditional')
    return `if ${String(a.expression ?? '?')} then ${JSON.stringify(a.positiveCondition ?? '')} else ${JSON.stringify(a.negativeCondition ?? '')}`;
  const inner = a.input ?? a.values ?? a.value;
  const args =
    inner === undefined
      ? ''
      : Array.isArray(inner)
        ? inner.map((v) => summarize(v, depth + 1)).join(', ')
        : summarize(inner, depth + 1);
  return `${value.type}(${args})`;
}

/**
 * The server names the mapping a validation error belongs to
 * (`identityAttributeConfig.attributeTransforms[2] (email): …`): errors grouped by mapping index.
 * Errors that name no mapping are under -1.
 */
export function errorsByMapping(error: unknown): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!(error instanceof ApiError)) return out;
  const lines = error.causes.length ? error.causes : error.messages;
  for (const line of lines) {
    const m = /attributeTransforms\[(\d+)\][^:]*:\s*(.*)$/s.exec(line);
    const index = m ? Number(m[1]) : -1;
    out.set(index, [...(out.get(index) ?? []), m ? m[2] : line]);
  }
  return out;
}

export const sameMappings = (a: Mapping[], b: Mapping[]) => JSON.stringify(a) === JSON.stringify(b);
