import { ERRORS } from '../../errors.js';
import type { DomainContext } from '../context.js';
import { parseCollectionQuery, type CollectionParams } from '../shared/collection.js';
import { ACCOUNT_FILTERS, ACCOUNT_SORTERS, type Account } from './schema.js';

export async function listAccounts(ctx: DomainContext, params: CollectionParams) {
  const query = parseCollectionQuery(params, {
    filters: ACCOUNT_FILTERS,
    sorters: ACCOUNT_SORTERS,
    defaultSort: [{ field: 'id', direction: 'asc' }],
  });
  return ctx.repos.accounts.list(query);
}

export async function getAccount(ctx: DomainContext, id: string): Promise<Account> {
  const account = await ctx.repos.accounts.findById(id);
  if (!account) throw ERRORS.notFound('account_not_found', id);
  return account;
}
