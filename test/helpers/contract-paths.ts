/**
 * Matching concrete request paths against OpenAPI path templates.
 *
 * Rules (mirroring how a router such as find-my-way picks a route):
 * - Matching is per method: only operations with the request's method are candidates.
 * - A literal segment beats a parameter at the first position where two templates differ,
 *   so `GET /identity-profiles/export` is `exportIdentityProfiles`, not `getIdentityProfile`.
 * - A parameter matches exactly one non-empty segment; the query string and fragment are ignored.
 */

/** A compiled template: one entry per segment, a literal string or a RegExp for `{param}` segments. */
export interface CompiledTemplate {
  template: string;
  segments: Array<string | RegExp>;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileTemplate(template: string): CompiledTemplate {
  const segments = template
    .split('/')
    .slice(1)
    .map((seg) => {
      if (!seg.includes('{')) return seg;
      // `{id}` or a mixed segment such as `{id}.json`: each parameter matches one or more non-slash chars.
      const source = seg
        .split(/(\{[^}]+\})/)
        .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : escapeRegExp(part)))
        .join('');
      return new RegExp(`^${source}$`);
    });
  return { template, segments };
}

/** Remove `?query` / `#fragment`; keep the path exactly as given otherwise (no trailing-slash folding). */
export function pathOnly(concretePath: string): string {
  return concretePath.replace(/[?#].*$/, '');
}

function matches(compiled: CompiledTemplate, parts: string[]): boolean {
  if (compiled.segments.length !== parts.length) return false;
  return compiled.segments.every((seg, i) => {
    const part = parts[i];
    if (typeof seg === 'string') return seg === part || seg === safeDecode(part);
    return part.length > 0 && seg.test(part);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Negative when `a` is more specific than `b` (a literal earlier on). */
function bySpecificity(a: CompiledTemplate, b: CompiledTemplate): number {
  for (let i = 0; i < a.segments.length; i++) {
    const aLiteral = typeof a.segments[i] === 'string';
    const bLiteral = typeof b.segments[i] === 'string';
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/**
 * The most specific template among `candidates` matching `relativePath` (already stripped of any
 * server base path), or undefined.
 */
export function bestMatch<T extends CompiledTemplate>(candidates: T[], relativePath: string): T | undefined {
  const parts = pathOnly(relativePath).split('/').slice(1);
  return candidates.filter((c) => matches(c, parts)).sort(bySpecificity)[0];
}

/**
 * The path component of the document's first server URL, without a trailing slash:
 * `https://{tenant}.api.identitynow.com/v3` → `/v3`; the v1 document's server has no path (its
 * paths themselves start with `/identity-profiles/v1`) → `''`.
 */
export function serverBasePath(servers: Array<{ url?: unknown }> | undefined): string {
  const url = servers?.[0]?.url;
  if (typeof url !== 'string') return '';
  const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return withoutOrigin.replace(/\/+$/, '');
}
