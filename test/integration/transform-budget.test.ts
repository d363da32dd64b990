/**
 * Hostile transform definitions through the API (issue 13): a replaceAll of thousands of regex
 * keys, each under the per-regex limits, and mappings that are too big only together. Each is
 * refused with a 400 in ISC's format naming what is too big and the limit, after bounded work
 * (counted: regexes compiled), while /health keeps answering.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/expr/index.js';
import { regexCompilations } from '../../src/expr/regex/java-regex.js';
import { apiClient } from '../helpers/api/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';
import { accountAttr, loadAndProcess, sourceWithProfile } from '../helpers/identities.js';

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
/** ~1,930 RE2 instructions: far under one regex's caps (1,000 characters, 20,000 instructions). */
const bigRegex = (i: number) => `(x${i}|[a-z]{1000}|[0-9]{900})`;
const replaceAllOf = (n: number, from = 0) => ({
  type: 'replaceAll',
  attributes: { table: Object.fromEntries(Array.from({ length: n }, (_, i) => [bigRegex(from + i), 'y'])) },
});

describe.each(DATABASES)('hostile transform definitions on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
  });
  afterAll(async () => t?.close());
  const api = apiClient(() => t);

  /** Sends `request` and, while it is handled, asks /health; returns both answers and the regexes compiled meanwhile. */
  const withHealth = async (request: InjectOptions) => {
    const before = regexCompilations();
    const [res, health] = await Promise.all([t.app.inject(request), t.app.inject({ method: 'GET', url: '/health' })]);
    return { res, health, compiled: regexCompilations() - before };
  };

  it('refuses a named transform of 5,000 regex keys before compiling any, naming the limit', async () => {
    const { res, health, compiled } = await withHealth({
      method: 'POST',
      url: '/v3/transforms',
      headers: h,
      payload: { name: unique('T'), ...replaceAllOf(5000) },
    });
    expect(res.statusCode).toBe(400);
    const limit = DEFAULT_LIMITS.maxRegexes;
    expect(res.json()).toEqual({
      detailCode: '400.1 Bad Request Content',
      trackingId: expect.any(String),
      messages: [
        {
          locale: 'en-US',
          localeOrigin: 'DEFAULT',
          text: expect.stringMatching(
            new RegExp(
              `^Invalid transform 'T-\\w+': attributes\\.table: definition too big, references included: more than ${limit} regular expressions in all \\(limit ${limit}\\)$`,
            ),
          ),
        },
      ],
      causes: [expect.objectContaining({ text: expect.stringContaining(`more than ${limit} regular expressions`) })],
    });
    expect(compiled).toBe(0);
    expect(health.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v3/transforms', headers: h })).json()).toEqual([]);
  });

  it('refuses a profile whose mappings are too big only together, naming the mapping that crosses the limit', async () => {
    const src = await api.sources.create({ name: unique('src') });
    // 300 mappings of one regex each: every mapping alone is small; together they are ~580,000 of the 5,000 budget
    const attributeTransforms = Array.from({ length: 300 }, (_, i) => ({
      identityAttributeName: `a${i}`,
      transformDefinition: {
        ...replaceAllOf(1, i),
        attributes: { ...replaceAllOf(1, i).attributes, input: accountAttr(src.name, 'id') },
      },
    }));
    const { res, health, compiled } = await withHealth({
      method: 'POST',
      url: '/v3/identity-profiles',
      headers: h,
      payload: {
        name: unique('P'),
        authoritativeSource: { id: src.id },
        identityAttributeConfig: { enabled: true, attributeTransforms },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().messages[0].text).toMatch(
      /^Invalid identity attribute mapping: identityAttributeConfig\.attributeTransforms\[2\] \(a2\): transformDefinition\.attributes\.table\.\(x2\|.*: mappings too big together: more than 5000 characters and instructions of regular expressions in all \(limit 5000\)$/,
    );
    expect(res.json().causes).toHaveLength(1);
    expect(compiled).toBeLessThanOrEqual(3);
    expect(health.statusCode).toBe(200);
  });

  it('answers a preview whose mappings are too big together with a 400, and bounds their evaluation together', async () => {
    const name = unique('HR');
    const { sourceId } = await sourceWithProfile(
      t,
      h,
      { name },
      { name: unique('P'), mappings: { uid: accountAttr(name, 'id') } },
    );
    await loadAndProcess(t, h, sourceId, 'id\nann\n');
    const identity = (await t.app.inject({ method: 'GET', url: '/v2025/identities', headers: h }))
      .json()
      .find((i: { name: string }) => i.name === 'ann');
    const attributeTransforms = Array.from({ length: 300 }, (_, i) => ({
      identityAttributeName: `a${i}`,
      transformDefinition: replaceAllOf(1, i),
    }));
    const { res, health, compiled } = await withHealth({
      method: 'POST',
      url: '/v2025/identity-profiles/identity-preview',
      headers: h,
      payload: { identityId: identity.id, identityAttributeConfig: { enabled: true, attributeTransforms } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().messages[0].text).toMatch(
      /^identityAttributeConfig\.attributeTransforms\[2\] \(a2\): transformDefinition\.attributes\.table\.\(x2\|.*: mappings too big together: more than 5000 characters and instructions of regular expressions in all \(limit 5000\); nothing was evaluated\.$/,
    );
    expect(compiled).toBeLessThanOrEqual(3);
    expect(health.statusCode).toBe(200);
    // mappings cheap to compile but each as costly to run as one evaluation may be: together they stop at the identity's step budget
    const loops = Array.from({ length: 200 }, (_, i) => ({
      identityAttributeName: `l${i}`,
      transformDefinition: {
        type: 'static',
        attributes: { value: '#foreach($i in [1..9999])#foreach($j in [1..9999])#end#end' },
      },
    }));
    const slow = await withHealth({
      method: 'POST',
      url: '/v2025/identity-profiles/identity-preview',
      headers: h,
      payload: { identityId: identity.id, identityAttributeConfig: { enabled: true, attributeTransforms: loops } },
    });
    expect(slow.res.statusCode, slow.res.body).toBe(200);
    const errors = slow.res
      .json()
      .previewAttributes.map((a: { errorMessages: Array<{ text: string }> }) =>
        a.errorMessages[0]?.text.replace(/ \(at .*\)$/, ''),
      );
    // the first stops at one evaluation's 200,000 steps, the second at the identity's 400,000, every later one at once
    expect(errors[0]).toBe(`evaluation exceeded ${DEFAULT_LIMITS.maxSteps} steps`);
    expect(new Set(errors.slice(1))).toEqual(new Set(["the identity's mappings together exceeded 400000 steps"]));
    // a failed mapping has no value, and these attributes none stored: both fields left out, never null
    expect(slow.res.json().previewAttributes.filter((a: object) => 'value' in a || 'previousValue' in a)).toEqual([]);
    expect(slow.health.statusCode).toBe(200);
    // the same mappings, few enough, preview as before
    const ok = await t.app.inject({
      method: 'POST',
      url: '/v2025/identity-profiles/identity-preview',
      headers: h,
      payload: {
        identityId: identity.id,
        identityAttributeConfig: {
          enabled: true,
          attributeTransforms: [
            {
              identityAttributeName: 'nick',
              transformDefinition: {
                type: 'replaceAll',
                attributes: { table: { '[aeiou]': '*' }, input: accountAttr(name, 'id') },
              },
            },
          ],
        },
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // no stored value: previousValue is left out, not null (non-nullable in every version's document)
    expect(ok.json().previewAttributes).toEqual([{ name: 'nick', value: '*nn', errorMessages: [] }]);
  });
});
