/**
 * Shared helpers for the identity-profile integration tests: the six API versions, a request
 * function that validates every response against the version's SailPoint document, factories
 * for sources and profiles with unique names, and `describeOnDatabases`, which runs a suite once
 * per database on ONE app per file per database.
 *
 * Contract checks are skipped (with one warning) when `../shared` is absent, as in a user's clone.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { apiClient } from '../../helpers/api/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { expectContract, sharedDir, type ContractVersion } from '../../helpers/contract.js';
import { DATABASES, postgresReachable, type DbKind } from '../../helpers/databases.js';

export interface Version {
  name: ContractVersion;
  /** Where the profiles live in this version. */
  base: string;
  /** Where this version's tasks are read (v1: the per-service `/task-status/v1`, which shows them as task-status.v1 declares). */
  tasks: string;
}

export const VERSIONS: readonly Version[] = [
  { name: 'v3', base: '/v3/identity-profiles', tasks: '/v3/task-status' },
  { name: 'beta', base: '/beta/identity-profiles', tasks: '/beta/task-status' },
  { name: 'v2024', base: '/v2024/identity-profiles', tasks: '/v2024/task-status' },
  { name: 'v2025', base: '/v2025/identity-profiles', tasks: '/v2025/task-status' },
  { name: 'v2026', base: '/v2026/identity-profiles', tasks: '/v2026/task-status' },
  { name: 'v1', base: '/identity-profiles/v1', tasks: '/task-status/v1' },
];
export const V3 = VERSIONS[0];

export const CONTRACTS_PRESENT = sharedDir() !== undefined;
if (!CONTRACTS_PRESENT) {
  console.warn(
    "identity-profiles tests: ../shared is absent, so responses are NOT checked against SailPoint's OpenAPI documents.",
  );
}

const PG_UP = await postgresReachable();
if (!PG_UP) console.warn('identity-profiles tests: PostgreSQL is not reachable; its suites are skipped.');

/**
 * Runs `body` once per database, with one app per database shared by its tests.
 * @example describeOnDatabases('create', (app) => { it('...', async () => { const t = app(); ... }); });
 */
export function describeOnDatabases(title: string, body: (app: () => TestApp, kind: DbKind) => void): void {
  describe.each(DATABASES)(`${title} [%s]`, (kind) => {
    const skip = kind === 'postgres' && !PG_UP;
    let t: TestApp | undefined;
    beforeAll(async () => {
      if (!skip) t = await startTestApp(kind);
    });
    afterAll(async () => {
      await t?.close();
    });
    describe.skipIf(skip)(kind, () =>
      body(() => {
        if (!t) throw new Error('the test app did not start');
        return t;
      }, kind),
    );
  });
}

export interface RequestOptions {
  payload?: InjectOptions['payload'];
  headers?: Record<string, string>;
  /** Path to validate against when the URL is deliberately odd (e.g. `//v3/...`). */
  contractPath?: string;
  /** Authorization header to use instead of the admin's (`null`: none). */
  auth?: Record<string, string> | null;
}

/**
 * One request as the admin, its response validated against `version`'s contract whatever the status.
 * `path` is relative to the version's profile base: `''`, `'/export?limit=1'`, `'/{id}'`.
 */
export async function request(
  t: TestApp,
  v: Version,
  method: InjectOptions['method'],
  path: string,
  options: RequestOptions = {},
) {
  const url = `${v.base}${path}`;
  const auth = options.auth === undefined ? await t.admin() : (options.auth ?? {});
  const res = await t.app.inject({ method, url, payload: options.payload, headers: { ...auth, ...options.headers } });
  checkContract(v, String(method), options.contractPath ?? url, res);
  return res;
}

/** Validates a response against the version's document (no-op without `../shared`). */
export function checkContract(v: Version, method: string, url: string, res: LightMyRequestResponse): void {
  if (!CONTRACTS_PRESENT) return;
  const body = res.body === '' ? undefined : res.json();
  expectContract(v.name, method, url, res.statusCode, body, String(res.headers['content-type'] ?? 'application/json'));
}

let counter = 0;
/** A name unique across tests, runs and databases: `prefix-k3x9a1-7`. */
export const uniq = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-${counter++}`;

/** A new source (each profile needs its own: a source serves at most one profile). */
export const newSource = (t: TestApp, name = uniq('src')) => apiClient(t).sources.create({ name });

/** Creates a profile (201 expected) on its own new source unless one is given; returns the body. */
export async function newProfile(t: TestApp, v: Version = V3, fields: Record<string, unknown> = {}): Promise<any> {
  const source = fields.authoritativeSource ? undefined : await newSource(t);
  const payload = { name: uniq('prof'), authoritativeSource: source && { type: 'SOURCE', id: source.id }, ...fields };
  const res = await request(t, v, 'POST', '', { payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The ErrorResponseDto's text (messages and causes), for asserting what a 4xx says. */
export function errorText(res: LightMyRequestResponse): string {
  const body = res.json();
  expect(body).toMatchObject({
    detailCode: expect.any(String),
    trackingId: expect.any(String),
    messages: expect.any(Array),
  });
  return [...body.messages, ...(body.causes ?? [])].map((m: { text: string }) => m.text).join(' | ');
}

/** Asserts a 400 whose text matches every pattern. */
export function expect400(res: LightMyRequestResponse, ...patterns: RegExp[]): void {
  expect(res.statusCode, res.body).toBe(400);
  const text = errorText(res);
  expect(res.json().detailCode).toMatch(/^400/);
  for (const p of patterns) expect(text).toMatch(p);
}

/** Asserts a 404 in ErrorResponseDto shape. */
export function expect404(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(404);
  expect(res.json().detailCode).toBe('404 Not found');
  errorText(res);
}

/** An id that no object has (32 hex digits, as ISC's). */
export const unknownId = () => `${`${Date.now().toString(16)}${'0'.repeat(32)}`.slice(0, 31)}f`;
