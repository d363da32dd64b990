/**
 * The filter and sorter language of ISC's "standard collection parameters".
 * A pure leaf: imports nothing from the app. Every failure is a `QueryError`
 * (400 in the HTTP layer).
 */
export {
  AndNode,
  ComparisonNode,
  IsNullNode,
  ListNode,
  LiteralNode,
  NotNode,
  OrNode,
  PresentNode,
} from './ast.js';
export type { FieldRef, FilterNode, LiteralType, QueryNode } from './ast.js';
export { QueryError, isQueryError } from './errors.js';
export type { QueryErrorCode, QueryErrorInit, QueryParameter } from './errors.js';
export { defineFieldMap, OPERATORS_BY_TYPE } from './fields.js';
export type { FieldMap, FieldRule, FieldSpec, FieldType, FilterRules } from './fields.js';
export { compileFilterSafe, filterFromQuery, parseValidFilter } from './filter.js';
export { formatFilter } from './format.js';
export { OPERATORS } from './operators.js';
export type { BinaryOperator, ListOperator, Operator } from './operators.js';
export { parsePaging } from './paging.js';
export type { Paging, PagingInput, PagingOptions } from './paging.js';
export { MAX_FILTER_DEPTH, parseFilter } from './parser.js';
export { parseSorters } from './sorters.js';
export type { Sorter, SorterMap, SortDirection } from './sorters.js';
export { compileFilter, escapeLike } from './to-kysely.js';
export type { FilterExpression } from './to-kysely.js';
export { validateFilter } from './validate.js';
