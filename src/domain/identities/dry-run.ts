import type { IdentityForProcessing } from './repository.js';

const SAMPLES_PER_ATTRIBUTE = 3;

export interface AttributeChangeSummary {
  attribute: string;
  identities: number;
  samples: Array<{ identityId: string; name: string; before: unknown; after: unknown }>;
}

/** Counts, per identity attribute, how many identities a run would change, with a few samples. */
export class DryRunCollector {
  private readonly byAttribute = new Map<string, AttributeChangeSummary>();

  add(identity: IdentityForProcessing, next: Record<string, unknown>): void {
    const names = new Set([...Object.keys(next), ...Object.keys(identity.attributes)]);
    for (const attribute of names) {
      const before = identity.attributes[attribute] ?? null;
      const after = next[attribute] ?? null;
      if (before === after) continue;
      let s = this.byAttribute.get(attribute);
      if (!s) this.byAttribute.set(attribute, (s = { attribute, identities: 0, samples: [] }));
      s.identities++;
      if (s.samples.length < SAMPLES_PER_ATTRIBUTE) s.samples.push({ identityId: identity.id, name: identity.name, before, after });
    }
  }

  summary(): AttributeChangeSummary[] {
    return [...this.byAttribute.values()];
  }
}

/** Merges the per-chunk summaries of a run, attribute by attribute. */
export function mergeDryRunSummaries(chunks: unknown[]): AttributeChangeSummary[] {
  const merged = new Map<string, AttributeChangeSummary>();
  for (const chunk of chunks as AttributeChangeSummary[][]) {
    for (const s of chunk) {
      const m = merged.get(s.attribute) ?? { attribute: s.attribute, identities: 0, samples: [] };
      m.identities += s.identities;
      m.samples.push(...s.samples.slice(0, SAMPLES_PER_ATTRIBUTE - m.samples.length));
      merged.set(s.attribute, m);
    }
  }
  return [...merged.values()].sort((a, b) => b.identities - a.identities || a.attribute.localeCompare(b.attribute));
}
