import { ERRORS } from '../../errors.js';
import type { DomainContext } from '../context.js';
import type { VersionPolicy } from './policy.js';
import type { IdentityPreviewRequest } from './schema.js';

/** Rules of the request's shape (decision 10); evaluation itself reports errors per attribute. */
export function assertPreviewRequestAllowed(request: IdentityPreviewRequest, policy: VersionPolicy): void {
  const allowed = policy.previewTopLevelTypes;
  if (!allowed) return;
  for (const [i, m] of (request.identityAttributeConfig?.attributeTransforms ?? []).entries()) {
    const type = m.transformDefinition.type;
    if (!allowed.includes(type)) {
      throw ERRORS.badRequest(
        `identityAttributeConfig.attributeTransforms[${i}] (${m.identityAttributeName}): transform type '${type}' is not allowed at the top of a mapping in this API version; allowed: ${allowed.join(', ')}.`,
      );
    }
  }
}

/**
 * Identity preview. Identities arrive with the identities issue; until then no identity exists,
 * so every request with a valid shape names an unknown identity (400, decision 10).
 */
export async function previewIdentity(_ctx: DomainContext, request: IdentityPreviewRequest, policy: VersionPolicy): Promise<never> {
  assertPreviewRequestAllowed(request, policy);
  throw ERRORS.badRequest(`Identity '${request.identityId}' was not found.`);
}
