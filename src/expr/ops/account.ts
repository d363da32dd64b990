/**
 * accountAttribute (doc §4.1): the value of an attribute of one of the identity's accounts on
 * a source. Candidates: accounts on the source (matched by id when both sides have one, else
 * by display name, else by immutable `"Name [source]"` name), narrowed by accountFilter (over
 * nativeIdentity, displayName, entitlements) and accountPropertyFilter (over attributes),
 * sorted by accountSortAttribute (default `created`, ascending).
 * Decisions (doc §14.25): non-date sort keys compare as text; accounts without a sort key go
 * last in either direction; multi-valued results are returned as lists; an empty list counts
 * as no value when looking for the first non-null value.
 */
import { attrPath, boolLiteral, stringLiteral } from '../attrs.js';
import type { Compiler, NodeInfo, OpCompiler } from '../compiler.js';
import { compileFail } from '../errors.js';
import { matchFilter } from '../filter/match.js';
import { filterProperties, parseFilter, type FilterNode } from '../filter/parse.js';
import { isPresent, own, toValue, type Evaluator, type Value } from '../runtime.js';
import type { Account } from '../types.js';

const ACCOUNT_FILTER_PROPERTIES = new Set(['nativeIdentity', 'displayName', 'name', 'entitlements']);

function accountProperty(a: Account, prop: string): unknown {
  if (prop === 'nativeIdentity') return a.nativeIdentity ?? null;
  if (prop === 'entitlements') return a.hasEntitlements ?? false;
  return a.displayName ?? a.name ?? null;
}

function filterAttr(node: NodeInfo, key: string, c: Compiler, accountLevel: boolean): FilterNode | undefined {
  const source = stringLiteral(node, key, c);
  if (source === undefined || source.trim() === '') return undefined;
  const path = attrPath(node, key);
  const filter = parseFilter(source, path);
  if (accountLevel) {
    const bad = filterProperties(filter).find((p) => !ACCOUNT_FILTER_PROPERTIES.has(p));
    if (bad)
      compileFail(`accountFilter can only search nativeIdentity, displayName and entitlements, not "${bad}"`, path);
  }
  return filter;
}

/** Builds the source test for the node's source reference. */
function sourceMatcher(node: NodeInfo, c: Compiler): (a: Account) => boolean {
  const name = stringLiteral(node, 'sourceName', c);
  const id = stringLiteral(node, 'sourceId', c) ?? stringLiteral(node, 'applicationId', c);
  const appName = stringLiteral(node, 'applicationName', c);
  if (name === undefined && id === undefined && appName === undefined) {
    compileFail(
      'one of sourceName, sourceId, applicationId or applicationName is required',
      attrPath(node, 'sourceName'),
    );
  }
  return (a) => {
    if (id !== undefined && a.sourceId !== undefined) return a.sourceId === id;
    if (name !== undefined) return a.sourceName === name;
    if (appName !== undefined) return (a.applicationName ?? `${a.sourceName} [source]`) === appName;
    return false;
  };
}

function timeOf(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return raw.getTime();
  if (typeof raw === 'number') return raw;
  const ms = Date.parse(String(raw));
  return Number.isNaN(ms) ? null : ms;
}

/** Sort key extractor: `created`/`modified` are instants; any other name is an attribute's text. */
function sortKey(attr: string): (a: Account) => number | string | null {
  if (attr === 'created' || attr === 'modified') return (a) => timeOf(a[attr]);
  return (a) => {
    const v = toValue(own(a.attributes, attr) ?? own(a as unknown as Record<string, unknown>, attr));
    return v === null ? null : typeof v === 'string' ? v : v.join(',');
  };
}

function sortAccounts(list: Account[], key: (a: Account) => number | string | null, descending: boolean): Account[] {
  const keyed = list.map((a) => ({ a, k: key(a) }));
  keyed.sort((x, y) => {
    if (x.k === null || y.k === null) return x.k === y.k ? 0 : x.k === null ? 1 : -1;
    const c = x.k < y.k ? -1 : x.k > y.k ? 1 : 0;
    return descending ? -c : c;
  });
  return keyed.map((e) => e.a);
}

function accountAttribute(node: NodeInfo, c: Compiler): Evaluator {
  const attribute = stringLiteral(node, 'attributeName', c, true) as string;
  const onSource = sourceMatcher(node, c);
  const accountFilter = filterAttr(node, 'accountFilter', c, true);
  const propertyFilter = filterAttr(node, 'accountPropertyFilter', c, false);
  const key = sortKey(stringLiteral(node, 'accountSortAttribute', c) || 'created');
  const descending = boolLiteral(node, 'accountSortDescending', false);
  const firstLink = boolLiteral(node, 'accountReturnFirstLink', false);
  const accepts = (a: Account): boolean =>
    onSource(a) &&
    (!accountFilter || matchFilter(accountFilter, (p) => accountProperty(a, p))) &&
    (!propertyFilter || matchFilter(propertyFilter, (p) => own(a.attributes, p)));
  return (_input, run) => {
    const accounts = run.ctx.accounts;
    if (!accounts) return null;
    let candidates: Account[] | undefined;
    let only: Account | undefined;
    for (const a of accounts) {
      if (!accepts(a)) continue;
      if (only === undefined) only = a;
      else (candidates ??= [only]).push(a);
    }
    if (only === undefined) return null;
    if (!candidates) return pick(toValue(own(only.attributes, attribute)), firstLink);
    const sorted = sortAccounts(candidates, key, descending);
    if (firstLink) return toValue(own(sorted[0].attributes, attribute));
    for (const a of sorted) {
      const v = toValue(own(a.attributes, attribute));
      if (isPresent(v)) return v;
    }
    return null;
  };
}

function pick(value: Value, firstLink: boolean): Value {
  return firstLink || isPresent(value) ? value : null;
}

export const ACCOUNT_OPERATIONS: Record<string, OpCompiler> = { accountAttribute };
