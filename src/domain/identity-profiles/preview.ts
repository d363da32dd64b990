import { AppError } from '../../errors.js';
import type { DomainContext } from '../context.js';
import type { VersionPolicy } from './policy.js';
import { compileMappings, evaluateIdentity, mappingsBudget } from '../identities/evaluate.js';
import { LIFECYCLE_ATTRIBUTE, readProfileStates, resolveState } from '../identities/lifecycle.js';
import type { IdentityPreviewRequest, IdentityPreviewResponse } from './schema.js';

/** Rules of the request's shape (decision 10); evaluation itself reports errors per attribute. */
export function assertPreviewRequestAllowed(request: IdentityPreviewRequest, policy: VersionPolicy): void {
  const allowed = policy.previewTopLevelTypes;
  if (!allowed) return;
  for (const [i, m] of (request.identityAttributeConfig?.attributeTransforms ?? []).entries()) {
    const type = m.transformDefinition.type;
    if (!allowed.includes(type)) {
      throw new AppError(
        'transform_type_not_allowed',
        `identityAttributeConfig.attributeTransforms[${i}] (${m.identityAttributeName}): transform type '${type}' is not allowed at the top of a mapping in this API version; allowed: ${allowed.join(', ')}.`,
      );
    }
  }
}

/**
 * Identity preview (decision 10): evaluates the given mappings against the identity's accounts
 * and returns, per attribute, the new value, the stored one and any errors. Nothing is written.
 * A mapping that fails to compile or evaluate is reported on its attribute; mappings too big to
 * compile together (the compile budget, which bounds what one request may cost) are a 400.
 */
export async function previewIdentity(
  ctx: DomainContext,
  request: IdentityPreviewRequest,
  policy: VersionPolicy,
): Promise<IdentityPreviewResponse> {
  assertPreviewRequestAllowed(request, policy);
  const identity = await ctx.repos.identities.findForProcessing(request.identityId);
  if (!identity) throw new AppError('preview_identity_missing', `Identity '${request.identityId}' was not found.`);
  const stored = new Map((await ctx.repos.transforms.all()).map((t) => [t.name.toLowerCase(), t]));
  const budget = mappingsBudget();
  const compiled = compileMappings(request.identityAttributeConfig, (name) => stored.get(name.toLowerCase()), budget);
  if (budget.exceeded) {
    const reason = budget.exceeded.reason;
    const i = compiled.mappings.findIndex((m) => m.compileError?.endsWith(reason));
    const where = `identityAttributeConfig.attributeTransforms[${i}] (${compiled.mappings[i]?.attribute})`;
    const error = compiled.mappings[i]?.compileError ?? reason;
    const at = error === reason ? `transformDefinition: ${error}` : `transformDefinition.${error}`;
    throw new AppError('mapping_invalid', `${where}: ${at}; nothing was evaluated.`);
  }
  const outcomes = evaluateIdentity(compiled, identity, ctx.now());
  const lifecycleProblem = await lifecycleProblemOf(ctx, identity.id, outcomes);
  return {
    identity: { type: 'IDENTITY', id: identity.id, name: identity.name },
    previewAttributes: outcomes.map((o) => {
      // fields without a value are left out, never null: the documents declare non-nullable strings (DEVELOP.md)
      const previous = identity.attributes[o.attribute];
      return {
        name: o.attribute,
        ...(!o.error && o.value !== null ? { value: o.value } : {}),
        ...(previous !== undefined && previous !== null ? { previousValue: String(previous) } : {}),
        errorMessages: o.error
          ? [{ locale: 'en-US', localeOrigin: 'DEFAULT', text: o.error }]
          : o.attribute === LIFECYCLE_ATTRIBUTE && lifecycleProblem
            ? [{ locale: 'en-US', localeOrigin: 'DEFAULT', text: lifecycleProblem }]
            : [],
      };
    }),
  };
}

/**
 * A `cloudLifecycleState` value that names no enabled state of the identity's profile: reported on
 * that attribute as processing would report it (identities/lifecycle.ts), with its value.
 */
async function lifecycleProblemOf(
  ctx: DomainContext,
  identityId: string,
  outcomes: Array<{ attribute: string; value: string | null; error?: string }>,
): Promise<string | undefined> {
  const outcome = outcomes.find((o) => o.attribute === LIFECYCLE_ATTRIBUTE && !o.error);
  if (!outcome) return undefined;
  const [placed] = await ctx.repos.identities.profilesOf([identityId]);
  if (!placed?.profileId) return undefined;
  const resolved = resolveState(await readProfileStates(ctx.repos, placed.profileId), outcome.value);
  return 'problem' in resolved ? resolved.problem : undefined;
}
