import type { Transform, TransformInput } from '../../../src/domain/transforms/schema.js';
import { query, type ListOptions, type Send } from './request.js';

/** Named transforms (`/v3/transforms`). */
export function transformsClient(send: Send, base = '/v3/transforms') {
  return {
    create: (transform: TransformInput) =>
      send<Transform>({ method: 'POST', url: base, payload: transform, status: 201 }),
    get: (id: string) => send<Transform>({ method: 'GET', url: `${base}/${id}` }),
    list: (options: ListOptions = {}) => send<Transform[]>({ method: 'GET', url: `${base}${query(options)}` }),
    replace: (id: string, transform: TransformInput) =>
      send<Transform>({ method: 'PUT', url: `${base}/${id}`, payload: transform }),
    delete: (id: string) => send<void>({ method: 'DELETE', url: `${base}/${id}`, status: 204 }),
  };
}
