/** Attributes typed as JSON: an object, or nothing (empty text = no attributes, stored as null). */
export type Parsed = { ok: true; value: Record<string, unknown> | null } | { ok: false; error: string };

export function parseAttributes(text: string): Parsed {
  if (!text.trim()) return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${where(text, (e as Error).message)}` };
  }
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'object' || Array.isArray(value))
    return { ok: false, error: 'The attributes are a JSON object ({ … }), not a list or a single value.' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** V8 names a character position; people read lines and columns. */
function where(text: string, message: string): string {
  if (/line \d+ column \d+/.test(message)) return message;
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}

export const pretty = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));
