/**
 * Hostile account files through the API: a file over the upload limit, a runaway row, an
 * over-long value, very wide rows. Each is answered in ISC's error format or loaded without the
 * bad row, and what was stored before is never half-replaced.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { CSV_LIMITS } from '../../src/domain/accounts/csv.js';
import { apiClient } from '../helpers/api/index.js';
import { startTestApp, waitForTask, type TestApp } from '../helpers/app.js';
import { DATABASES } from '../helpers/databases.js';
import { multipartFile } from '../helpers/multipart.js';
import { until } from '../helpers/processes.js';

const UPLOAD_LIMIT = 64 * 1024;
const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}`;
const rows = (from: number, to: number, extra = '') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${from + i},user${from + i}${extra}\n`).join('');

describe.each(DATABASES)('hostile account files on %s', (kind) => {
  let t: TestApp;
  let h: Record<string, string>;
  /** The same services behind an app whose upload limit is 64 KiB. */
  let small: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp(kind);
    h = await t.admin();
    small = await buildApp({
      services: t.services,
      config: { rateLimit: 'off', logLevel: 'silent', uploadLimitBytes: UPLOAD_LIMIT },
      logger: false,
    });
  });
  afterAll(async () => {
    await small?.close();
    await t?.close();
  });

  const api = apiClient(() => t);
  const newSource = () => api.sources.create({ name: unique('src') });
  const load = async (app: FastifyInstance, sourceId: string, csv: string, query = '') => {
    const m = multipartFile('file', 'accounts.csv', csv);
    return app.inject({
      method: 'POST',
      url: `/v3/sources/${sourceId}/load-accounts${query}`,
      payload: m.payload,
      headers: { ...h, ...m.headers },
    });
  };
  const accountIds = async (sourceId: string) => (await api.sources.accounts(sourceId)).map((a) => a.nativeIdentity);
  const failedLoadsOf = async (sourceId: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/v3/task-status?filters=${encodeURIComponent(`target.id eq "${sourceId}" and completionStatus eq "Error"`)}`,
        headers: h,
      })
    ).json();
  /** The source's newest load: `running` while it stages, `failed` once it failed. */
  const failedOrRunning = async (sourceId: string) => {
    const [task] = (
      await t.app.inject({
        method: 'GET',
        url: `/v3/task-status?filters=${encodeURIComponent(`target.id eq "${sourceId}"`)}&sorters=-launched&limit=1`,
        headers: h,
      })
    ).json();
    if (!task || task.completionStatus === 'Success') return undefined;
    return task.completionStatus === 'Error' ? { failed: task } : task.completed ? undefined : { running: task };
  };
  const stagedRows = async () =>
    Number(
      (
        await t.services.database.db
          .selectFrom('accountLoadRows')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const seeded = async () => {
    const src = await newSource();
    await waitForTask(t, (await load(t.app, src.id, `id,name\n${rows(1, 3)}`)).json().task.id);
    expect(await accountIds(src.id)).toEqual(['1', '2', '3']);
    return src;
  };

  it('refuses a file over the upload limit with a 413 naming the limit, and applies none of it', async () => {
    const src = await seeded();
    // rows 1..9999 would, applied as a full aggregation of a cut-off file, replace 1..3 with whatever fit
    const res = await load(small, src.id, `id,name\n${rows(1, 9999)}`);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      detailCode: '413 Payload Too Large',
      trackingId: expect.any(String),
      messages: [
        {
          locale: 'en-US',
          localeOrigin: 'DEFAULT',
          text: "The file is larger than this server's upload limit of 64 KiB (65536 bytes); nothing was loaded.",
        },
      ],
      causes: [],
    });
    expect(res.headers.connection).toBe('close');
    // no job was queued: the load's task failed at once, nothing is staged, the accounts are as they were
    const failed = await failedLoadsOf(src.id);
    expect(failed).toHaveLength(1);
    expect(failed[0].messages[0].localizedText.message).toMatch(/upload limit of 64 KiB/);
    expect(await stagedRows()).toBe(0);
    expect(await accountIds(src.id)).toEqual(['1', '2', '3']);
    // a file under the limit still loads through the same app
    const ok = await load(small, src.id, `id,name\n${rows(2, 4)}`);
    expect(ok.statusCode).toBe(202);
    await waitForTask(t, ok.json().task.id);
    expect(await accountIds(src.id)).toEqual(['2', '3', '4']);
  });

  it('refuses a row longer than the row limit (an unclosed quote) with a 400 naming its line', async () => {
    const src = await seeded();
    const filler = rows(100, 100 + Math.ceil(CSV_LIMITS.maxRecordChars / 8));
    const res = await load(t.app, src.id, `id,name\n1,ann\n2,"bob\n${filler}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detailCode).toBe('400.1 Bad Request Content');
    expect(res.json().messages[0].text).toMatch(
      /^The row starting on line 3 is longer than 1048576 characters, the limit for one row; nothing was loaded/,
    );
    expect((await failedLoadsOf(src.id))[0].messages[0].localizedText.message).toMatch(/line 3/);
    expect(await stagedRows()).toBe(0);
    expect(await accountIds(src.id)).toEqual(['1', '2', '3']);
  });

  it('refuses a header of 200,000 columns with a 400 at once (its duplicate check was quadratic: 47 s of a blocked event loop)', async () => {
    const src = await seeded();
    const header = ['id', ...Array.from({ length: 200_000 }, (_, i) => `c${i.toString(36)}`)].join(',');
    const res = await load(t.app, src.id, `${header}\n1\n`);
    expect(res.statusCode).toBe(400);
    expect(res.json().messages[0].text).toBe(
      `The header names 200001 columns; a file may have at most ${CSV_LIMITS.maxColumns}. Nothing was loaded.`,
    );
    expect(await stagedRows()).toBe(0);
    expect(await accountIds(src.id)).toEqual(['1', '2', '3']);
  });

  it('rejects a row with an over-long value by line and column, and loads the rest', async () => {
    const src = await seeded();
    // the file leaves out accounts 2 (its row is rejected) and 3: past the default deleteThreshold, so allowed explicitly
    const res = await load(
      t.app,
      src.id,
      `id,name\n1,ann\n2,${'b'.repeat(CSV_LIMITS.maxFieldChars + 1)}\n4,di\n`,
      '?allowDeletes=2',
    );
    expect(res.statusCode).toBe(202);
    const done = await waitForTask(t, res.json().task.id);
    expect(done.result).toMatchObject({
      rows: 2,
      rejected: 1,
      rejections: [
        { line: 3, reason: `the value in column 'name' is longer than ${CSV_LIMITS.maxFieldChars} characters` },
      ],
    });
    expect(await accountIds(src.id)).toEqual(['1', '4']);
  });

  it('fails the load of an upload the client cuts off, applying nothing', async () => {
    const src = await seeded();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const boundary = '----idprofilescut';
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/v3/sources/${src.id}/load-accounts`,
      headers: { ...h, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    req.on('error', () => {}); // we cut it ourselves
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nid,name\n${rows(1, 2000)}`,
    );
    // once the server is reading the file, the client goes away mid-file
    await until(async () => (await failedOrRunning(src.id))?.running, 'the upload to be staging');
    req.destroy();
    const failed = await until(async () => (await failedOrRunning(src.id))?.failed, 'the cut-off load to fail');
    expect(failed.messages[0].localizedText.message).toBe(
      'The upload ended before the end of the file (the connection was closed); nothing was loaded. Send the file again.',
    );
    expect(await stagedRows()).toBe(0);
    expect(await accountIds(src.id)).toEqual(['1', '2', '3']);
  });

  it('stages wide rows in batches bounded by size, not only by count', async () => {
    const src = await newSource();
    const wide = 'w'.repeat(CSV_LIMITS.maxFieldChars);
    const batches: number[] = [];
    const { accounts } = t.services.ctx.repos;
    const stage = accounts.stage;
    accounts.stage = async (taskId, batch) => {
      batches.push(
        batch.reduce((n, r) => n + Object.values(r.attributes).reduce((m, v) => m + String(v).length, 0), 0),
      );
      return stage.call(accounts, taskId, batch);
    };
    try {
      const res = await load(
        t.app,
        src.id,
        `id,a,b\n${Array.from({ length: 40 }, (_, i) => `${i},${wide},${wide}\n`).join('')}`,
      );
      expect(res.statusCode).toBe(202);
      await waitForTask(t, res.json().task.id);
    } finally {
      accounts.stage = stage;
    }
    expect((await accountIds(src.id)).length).toBe(40);
    // 40 rows of 512 Ki characters: batches of 2 rows, none past 1 Mi characters (the bound, reached by the row that closes it)
    expect(batches.length).toBe(20);
    expect(Math.max(...batches)).toBeLessThanOrEqual(1024 * 1024 + 100);
  });
});
