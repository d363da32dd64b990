import { ERRORS } from '../../errors.js';
import type { DomainContext } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import { identityFilterRules, IDENTITY_SORTERS, type Identity } from './schema.js';

export async function listIdentities(ctx: DomainContext, params: CollectionParams) {
  const query = parseCollectionQuery(params, {
    filters: identityFilterRules(params.filters),
    sorters: IDENTITY_SORTERS,
    defaultSort: [{ field: 'name', direction: 'asc' }],
  });
  return ctx.repos.identities.list(query);
}

export async function getIdentity(ctx: DomainContext, id: string): Promise<Identity> {
  const identity = await ctx.repos.identities.findById(id);
  if (!identity) throw ERRORS.notFound('identity_not_found', id);
  return identity;
}
