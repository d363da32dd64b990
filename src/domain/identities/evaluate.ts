import {
  compileTransform,
  createBudget,
  DEFAULT_LIMITS,
  valueToText,
  type CompileBudget,
  type CompiledTransform,
  type NamedTransform,
  type StepMeter,
} from '../../expr/index.js';
import type { IdentityAttributeConfig } from '../identity-profiles/schema.js';
import { mappingFingerprint } from './purity.js';
import type { IdentityForProcessing } from './repository.js';

/** A profile's mappings compiled once per run; a mapping that does not compile carries its error. */
export interface CompiledMappings {
  enabled: boolean;
  /** Set when results depend on accounts alone (see purity.ts): unchanged identities can be skipped. */
  fingerprint?: string;
  mappings: Array<{ attribute: string; compiled?: CompiledTransform; compileError?: string }>;
}

/**
 * Compiles a profile's mappings. They share one compile budget (`mappingsBudget`): a profile of a
 * thousand mappings costs no more to compile than the budget allows, and those past it carry
 * the budget's error.
 */
export function compileMappings(
  config: IdentityAttributeConfig | undefined,
  transforms: (name: string) => NamedTransform | undefined,
  budget: CompileBudget = mappingsBudget(),
): CompiledMappings {
  const mappings = (config?.attributeTransforms ?? []).map((m) => {
    try {
      return {
        attribute: m.identityAttributeName,
        compiled: compileTransform(m.transformDefinition, { transforms, budget }),
      };
    } catch (e) {
      return { attribute: m.identityAttributeName, compileError: (e as Error).message };
    }
  });
  return { enabled: config?.enabled ?? false, mappings, fingerprint: mappingFingerprint(config, transforms) };
}

/** The compile budget a profile's mappings share. */
export const mappingsBudget = () => createBudget({ scope: 'mappings too big together' });

export interface AttributeOutcome {
  attribute: string;
  value: string | null;
  error?: string;
}

/** Steps an identity's mappings may take together: a few milliseconds, however many mappings there are. */
export const IDENTITY_STEPS = 2 * DEFAULT_LIMITS.maxSteps;

/**
 * Evaluates every mapping for one identity. Errors are per attribute (one broken mapping never
 * hides the others); a failed attribute keeps its previous value. The mappings share one step
 * meter (IDENTITY_STEPS), so a thousand mappings cost no more than two could.
 */
export function evaluateIdentity(
  compiled: CompiledMappings,
  identity: IdentityForProcessing,
  now: Date,
): AttributeOutcome[] {
  const meter: StepMeter = { steps: 0, max: IDENTITY_STEPS, label: "the identity's mappings together" };
  const context = {
    accounts: identity.accounts,
    identity: { ...identity.attributes, id: identity.id, name: identity.name },
    manager: identity.managerAttributes,
    now,
  };
  return compiled.mappings.map(({ attribute, compiled: c, compileError }) => {
    const previous = textOf(identity.attributes[attribute]);
    if (!c) return { attribute, value: previous, error: compileError };
    const result = c.evaluate(context, meter);
    if (!result.ok)
      return { attribute, value: previous, error: result.path ? `${result.error} (at ${result.path})` : result.error };
    return { attribute, value: valueToText(result.value) };
  });
}

const textOf = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** The attributes an identity would have after processing (mapped attributes only, in mapping order). */
export function attributesFrom(outcomes: AttributeOutcome[]): Record<string, string | null> {
  const attributes: Record<string, string | null> = {};
  for (const o of outcomes) {
    if (o.attribute === '__proto__')
      Object.defineProperty(attributes, o.attribute, {
        value: o.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else attributes[o.attribute] = o.value;
  }
  return attributes;
}

/** Do two attribute maps hold the same values (key order ignored)? */
export function sameAttributes(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
