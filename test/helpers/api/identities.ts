import type { Identity } from '../../../src/domain/identities/schema.js';
import { query, type ListOptions, type Send } from './request.js';

/** Identities (`/v2025/identities`: v3 has them too, but the suites read the current version's shape). */
export function identitiesClient(send: Send, base = '/v2025/identities') {
  return {
    get: (id: string) => send<Identity>({ method: 'GET', url: `${base}/${id}` }),
    list: (options: ListOptions = {}) => send<Identity[]>({ method: 'GET', url: `${base}${query(options)}` }),
  };
}
