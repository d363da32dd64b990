import { createHash } from 'node:crypto';
import type { NamedTransform } from '../../expr/index.js';
import type { IdentityAttributeConfig } from '../identity-profiles/schema.js';
import { walkTransforms } from '../identity-profiles/transform-tree.js';

/**
 * Operations whose result depends only on the identity's accounts (and the definition itself):
 * no clock, no randomness, no identity or manager attributes, no rules.
 */
const ACCOUNT_ONLY = new Set([
  'accountAttribute',
  'base64Decode',
  'base64Encode',
  'concat',
  'conditional',
  'dateFormat',
  'decomposeDiacriticalMarks',
  'e164phone',
  'firstValid',
  'indexOf',
  'iso3166',
  'join',
  'lastIndexOf',
  'leftPad',
  'lookup',
  'lower',
  'normalizeNames',
  'reference',
  'replace',
  'replaceAll',
  'rfc5646',
  'rightPad',
  'split',
  'static',
  'substring',
  'trim',
  'upper',
]);
/** Template variables that read something other than the definition's own values. */
const OUTSIDE_VARIABLES = /\$!?\{?(identity|manager|oldValue)\b/;

/**
 * A fingerprint of the mappings (and the stored transforms they reference) when their results
 * depend on the identity's accounts alone; undefined otherwise. An identity whose accounts are
 * unchanged since it was processed with the same fingerprint cannot change, so a run skips
 * evaluating it.
 */
export function mappingFingerprint(
  config: IdentityAttributeConfig | undefined,
  transforms: (name: string) => NamedTransform | undefined,
): string | undefined {
  const referenced = new Map<string, NamedTransform>();
  const pending: unknown[] = (config?.attributeTransforms ?? []).map((m) => m.transformDefinition);
  while (pending.length) {
    for (const node of walkTransforms(pending.pop(), '')) {
      if (!ACCOUNT_ONLY.has(node.type) || node.attributes.requiresPeriodicRefresh) return undefined;
      if (node.type === 'static' && OUTSIDE_VARIABLES.test(JSON.stringify(node.attributes))) return undefined;
      if (node.type !== 'reference' || typeof node.attributes.id !== 'string' || referenced.has(node.attributes.id))
        continue;
      const target = transforms(node.attributes.id);
      if (!target) return undefined;
      referenced.set(node.attributes.id, target);
      pending.push({ type: target.type, attributes: target.attributes });
    }
  }
  const canonical = JSON.stringify({
    config,
    referenced: [...referenced.entries()].sort(([a], [b]) => a.localeCompare(b)),
  });
  return createHash('md5').update(canonical).digest('hex');
}
