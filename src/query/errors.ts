/**
 * The one error type of the query language. It carries everything the HTTP
 * layer needs for a 400 in ErrorResponseDto form: which query parameter was
 * wrong, a stable code, the 0-based character position inside that parameter
 * (when there is one), a full `message` and a short `detail` without the
 * position. This module imports nothing from the app, so the HTTP error
 * handler maps `QueryError` to `AppError` itself.
 */

/** What went wrong, stable for clients and tests. */
export type QueryErrorCode =
  | 'syntax'
  | 'unsupported_field'
  | 'unsupported_operator'
  | 'invalid_value'
  | 'unsupported_sorter'
  | 'invalid_sorter'
  | 'invalid_paging';

/** The query-string parameter the error is about. */
export type QueryParameter = 'filters' | 'sorters' | 'limit' | 'offset' | 'count';

export interface QueryErrorInit {
  readonly code: QueryErrorCode;
  readonly parameter: QueryParameter;
  /** Short human-readable reason, without the position. */
  readonly detail: string;
  /** 0-based character offset inside the parameter's (decoded) text. */
  readonly position?: number;
  /** Full message; defaults to `detail`. */
  readonly message?: string;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly code: QueryErrorCode;
  readonly parameter: QueryParameter;
  readonly detail: string;
  readonly position: number | undefined;

  constructor(init: QueryErrorInit) {
    super(init.message ?? init.detail);
    this.code = init.code;
    this.parameter = init.parameter;
    this.detail = init.detail;
    this.position = init.position;
  }
}

export const isQueryError = (e: unknown): e is QueryError => e instanceof QueryError;

/**
 * A filter syntax error.
 * @example syntaxError(5, "expected an operator after 'name', found 'EQ'")
 *   // message: "Syntax error at position 5: expected an operator after 'name', found 'EQ'"
 */
export const syntaxError = (position: number, detail: string): QueryError =>
  new QueryError({
    code: 'syntax',
    parameter: 'filters',
    position,
    detail,
    message: `Syntax error at position ${position}: ${detail}`,
  });
