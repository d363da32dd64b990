import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, ERRORS, type ErrorCode } from './errors.js';

/**
 * The catalog is a contract: code and logs rely on a code, clients on its status. A change here
 * must be deliberate — this table says every code and status once more.
 */
const CATALOG: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_url: 400,
  request_refused: 400,
  invalid_token: 401,
  rights_missing: 403,
  route_closed: 403,
  route_not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  invalid_filter: 400,
  invalid_sorter: 400,
  invalid_paging: 400,
  invalid_patch: 400,
  field_not_updatable: 400,
  profile_not_found: 404,
  profile_name_taken: 400,
  profile_source_taken: 400,
  authoritative_source_missing: 400,
  profile_has_identities: 400,
  profile_invalid: 400,
  mapping_invalid: 400,
  transform_type_not_allowed: 400,
  preview_identity_missing: 400,
  source_not_found: 404,
  source_name_taken: 400,
  source_in_use: 400,
  source_invalid: 400,
  account_not_found: 404,
  invalid_upload: 400,
  upload_too_large: 413,
  upload_incomplete: 400,
  invalid_csv: 400,
  transform_not_found: 404,
  transform_name_taken: 400,
  transform_invalid: 400,
  transform_referenced: 400,
  transform_internal: 403,
  identity_not_found: 404,
  lifecycle_state_not_found: 404,
  lifecycle_state_name_taken: 400,
  lifecycle_state_invalid: 400,
  lifecycle_state_in_use: 400,
  lifecycle_state_not_assignable: 400,
  invalid_account_action: 400,
  invalid_identity_selection: 400,
  task_not_found: 404,
  unknown_authority: 400,
  duplicate_value: 400,
  reference_violated: 400,
  unstorable_value: 400,
  invalid_value: 400,
  concurrent_change: 409,
  unavailable: 503,
  internal: 500,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the error catalog', () => {
  it('has these codes, each with its HTTP status', () => {
    expect(ERROR_CODES).toEqual(CATALOG);
  });

  it('names each code once, in snake case', () => {
    const codes = Object.keys(ERROR_CODES);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(codes.map((c) => c.replace(/_/g, ''))).size).toBe(codes.length);
  });

  it('has no code that nothing throws', () => {
    const here = join(__dirname, 'errors.ts');
    const sources = sourceFiles(__dirname)
      .filter((f) => f !== here)
      .map((f) => readFileSync(f, 'utf8'));
    const usedOutside = (text: string) => sources.some((source) => source.includes(text));
    // a code is thrown where it is written, or through the ERRORS factory that makes it
    const factoryOf = new Map<string, string>();
    for (const [name, make] of Object.entries(ERRORS)) {
      if (name !== 'notFound') factoryOf.set((make as (...args: unknown[]) => AppError)('x', ['x']).code, name);
    }
    const unused = Object.keys(ERROR_CODES).filter((code) => {
      const factory = factoryOf.get(code);
      return !usedOutside(`'${code}'`) && !(factory && usedOutside(`ERRORS.${factory}(`));
    });
    expect(unused).toEqual([]);
  });

  it('takes the status from the code', () => {
    expect(new AppError('source_in_use', 'x')).toMatchObject({
      code: 'source_in_use',
      status: 400,
      message: 'x',
      causes: [],
      headers: {},
    });
    expect(ERRORS.notFound('profile_not_found', 'p1')).toMatchObject({
      status: 404,
      message: "Identity profile 'p1' was not found.",
    });
    expect(ERRORS.unavailable('away')).toMatchObject({
      code: 'unavailable',
      status: 503,
      headers: { 'Retry-After': '5' },
    });
  });

  it("keeps the framework's own status for a refusal it decided", () => {
    expect(ERRORS.refusedByFramework(406, 'the request is not multipart')).toMatchObject({
      code: 'request_refused',
      status: 406,
    });
  });
});
