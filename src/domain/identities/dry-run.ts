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

  /** Records an identity's changes; `manager` (a new manager id) shows as the attribute `manager`. */
  add(identity: IdentityForProcessing, next: Record<string, unknown>, manager?: string | null): void {
    const names = new Set([...Object.keys(next), ...Object.keys(identity.attributes)]);
    for (const attribute of names)
      this.record(identity, attribute, identity.attributes[attribute] ?? null, next[attribute] ?? null);
    if (manager !== undefined) this.record(identity, 'manager', identity.managerId, manager);
  }

  private record(identity: IdentityForProcessing, attribute: string, before: unknown, after: unknown): void {
    if (before === after) return;
    let s = this.byAttribute.get(attribute);
    if (!s) this.byAttribute.set(attribute, (s = { attribute, identities: 0, samples: [] }));
    s.identities++;
    if (s.samples.length < SAMPLES_PER_ATTRIBUTE)
      s.samples.push({ identityId: identity.id, name: identity.name, before, after });
  }

  summary(): AttributeChangeSummary[] {
    return [...this.byAttribute.values()];
  }
}

/** Merges the per-chunk summaries of a run, attribute by attribute. */
export function mergeDryRunSummaries(chunks: AttributeChangeSummary[][]): AttributeChangeSummary[] {
  const merged = new Map<string, AttributeChangeSummary>();
  for (const chunk of chunks) {
    for (const s of chunk) {
      const m = merged.get(s.attribute) ?? { attribute: s.attribute, identities: 0, samples: [] };
      m.identities += s.identities;
      m.samples.push(...s.samples.slice(0, SAMPLES_PER_ATTRIBUTE - m.samples.length));
      merged.set(s.attribute, m);
    }
  }
  return [...merged.values()].sort((a, b) => b.identities - a.identities || a.attribute.localeCompare(b.attribute));
}
