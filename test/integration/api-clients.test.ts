import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallFailed, apiClient } from '../helpers/api/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** The typed test clients (`test/helpers/api/`): what setup relies on, and the error it reads when a call fails. */
describe('typed test clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite');
  });
  afterAll(async () => t?.close());
  const api = apiClient(() => t);

  it('answers the bodies of calls that succeed', async () => {
    const source = await api.sources.create({ name: 'Clients' });
    expect(await api.sources.get(source.id)).toEqual(source);
    const profile = await api.identityProfiles.create({ name: 'Clients', authoritativeSource: { id: source.id } });
    const load = await api.sources.load(source.id, 'id,name\n1,ann\n');
    expect(load.result).toMatchObject({ rows: 1, added: 1 });
    const run = await api.tasks.succeeded(load.result.processingTaskIds[0]);
    expect(run.target).toMatchObject({ id: profile.id });
    expect((await api.identities.list()).map((i) => i.name)).toEqual(['ann']);
  });

  it('throws, on any other status, an error naming the call, its status and its body', async () => {
    const failed = await api.sources.get('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiCallFailed);
    expect((failed as ApiCallFailed).statusCode).toBe(404);
    expect((failed as Error).message).toMatch(
      /^GET \/v3\/sources\/0123456789abcdef0123456789abcdef answered 404, not 200: \{.*"detailCode":"404 Not found"/,
    );
    await expect(api.transforms.create({ name: 'bad', type: '' })).rejects.toThrow(
      /^POST \/v3\/transforms answered 400, not 201: /,
    );
  });
});
