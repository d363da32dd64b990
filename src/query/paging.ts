/**
 * The paging query parameters `limit`, `offset` and `count`. Values usually
 * arrive as strings from the query string; numbers and booleans (already
 * coerced by a schema) are accepted too. Out-of-range values are rejected,
 * never clamped (product decision 2). An empty string counts as absent.
 */
import { QueryError } from './errors.js';
import type { QueryParameter } from './errors.js';

export interface PagingInput {
  readonly limit?: unknown;
  readonly offset?: unknown;
  readonly count?: unknown;
}

export interface PagingOptions {
  /** Largest accepted `limit` (ISC list endpoints: 250). */
  readonly maxLimit?: number;
  /** `limit` when none is given (ISC: 250; never more than `maxLimit`). */
  readonly defaultLimit?: number;
}

export interface Paging {
  readonly limit: number;
  readonly offset: number;
  /** Whether to report the total (ISC: in `X-Total-Count`). */
  readonly count: boolean;
}

/** ISC declares `limit` and `offset` as int32. */
const INT32_MAX = 2147483647;
const DIGITS = /^\d+$/;

/**
 * @example parsePaging({ limit: '20', offset: '40' }) // { limit: 20, offset: 40, count: false }
 * @throws QueryError (code `invalid_paging`) naming the parameter and the accepted range.
 */
export function parsePaging(input: PagingInput, options: PagingOptions = {}): Paging {
  const { maxLimit = 250, defaultLimit = Math.min(250, maxLimit) } = options;
  return {
    limit: parseInteger('limit', input.limit, defaultLimit, maxLimit),
    offset: parseInteger('offset', input.offset, 0, INT32_MAX),
    count: parseBoolean(input.count),
  };
}

function parseInteger(name: 'limit' | 'offset', raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && DIGITS.test(raw)) value = Number(raw);
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > max) {
    fail(name, `${name} must be an integer between 0 and ${max}`, raw);
  }
  return value;
}

function parseBoolean(raw: unknown): boolean {
  if (raw === undefined || raw === null || raw === '') return false;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return fail('count', 'count must be true or false', raw);
}

function fail(parameter: QueryParameter, detail: string, raw: unknown): never {
  const shown =
    typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
      ? `'${String(raw)}'`
      : 'a repeated or structured value';
  throw new QueryError({
    code: 'invalid_paging',
    parameter,
    detail,
    message: `Invalid ${parameter} ${shown}: ${detail}`,
  });
}
