/**
 * Credentials never reach the log: `serve` at trace level, given the token request's query form
 * (as the README's curl example sends it), a wrong secret, an unknown route and a malformed request
 * that all carry the secret, writes it nowhere — while the lines still show what happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactCredentials } from '../../src/logger.js';
import { capturedLogger } from '../helpers/logs.js';
import { freePort, runCli, until } from '../helpers/processes.js';

const CLIENT_ID = 'log-redaction-admin';
const SECRET = 'S3cret-that-must-not-be-logged';

/** Sends raw bytes and waits for the server to answer or close. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('credentials in the log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-log-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serve at trace level logs every request without the secret or the token', async () => {
    const port = await freePort();
    const server = runCli(['serve'], {
      IDPROFILES_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      IDPROFILES_CLIENT_ID: CLIENT_ID,
      IDPROFILES_CLIENT_SECRET: SECRET,
    });
    let output = '';
    server.child.stdout!.on('data', (d) => (output += d));
    server.child.stderr!.on('data', (d) => (output += d));
    try {
      await server.logged('ready');
      const base = `http://127.0.0.1:${port}`;
      const query = `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${SECRET}`;
      const granted = await fetch(`${base}/oauth/token?${query}`, { method: 'POST' });
      expect(granted.status).toBe(200);
      const token = ((await granted.json()) as { access_token: string }).access_token;
      expect((await fetch(`${base}/oauth/token?${query}x`, { method: 'POST' })).status).toBe(401);
      expect(
        (
          await fetch(`${base}/v3/sources?password=${SECRET}&access_token=${token}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(200);
      expect((await fetch(`${base}/nowhere?client_secret=${SECRET}`)).status).toBe(404);
      expect(
        await rawRequest(
          port,
          `POST /oauth/token?client_secret=${SECRET} HTTP/1.1\r\nHost: x\r\nbroken header line\r\n\r\n`,
        ),
      ).toMatch(/^HTTP\/1.1 400/);

      // each of them was logged, with the credentials' values replaced
      const lines = await until(async () => {
        const parsed = output
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l));
        return parsed.some((l) => l.msg === 'client error') && parsed.filter((l) => l.msg === 'request').length >= 4
          ? parsed
          : undefined;
      }, 'the log lines of the five requests');
      const urls = lines.filter((l) => l.msg === 'request').map((l) => l.url);
      expect(urls).toEqual(
        expect.arrayContaining([
          `/oauth/token?grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=[redacted]`,
          '/v3/sources?password=[redacted]&access_token=[redacted]',
          '/nowhere?client_secret=[redacted]',
        ]),
      );
      expect(lines.find((l) => l.msg === 'client error').err.rawPacket).toBe('[redacted]');
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.split('.')[2]); // not even the signature
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('redacts credentials in messages, error messages and stacks, and known fields, whatever logs them', () => {
    const log = capturedLogger('trace');
    const url = `/oauth/token?client_id=a&client_secret=${SECRET}&grant_type=client_credentials`;
    log.logger.warn(`Reply was already sent, did you forget to "return reply" in the "${url}" (POST) route?`);
    log.logger.error({ err: new Error(`request to ${url} failed`) }, 'unhandled error');
    log.logger.child({ reqId: 'r1' }).info({ url, ms: 1200 }, 'slow request');
    log.logger.info(
      { body: { client_secret: SECRET }, req: { headers: { authorization: `Bearer ${SECRET}` } } },
      'fields',
    );
    expect(log.text()).not.toContain(SECRET);
    const [warn, error, slow, fields] = log.lines();
    expect(warn.msg).toContain('client_secret=[redacted]&grant_type=client_credentials');
    expect(error.err.message).toBe(
      'request to /oauth/token?client_id=a&client_secret=[redacted]&grant_type=client_credentials failed',
    );
    expect(slow).toMatchObject({
      reqId: 'r1',
      url: '/oauth/token?client_id=a&client_secret=[redacted]&grant_type=client_credentials',
      ms: 1200,
    });
    expect(fields.body.client_secret).toBe('[redacted]');
    expect(fields.req.headers.authorization).toBe('[redacted]');
  });

  it("redacts the password of a URL a driver puts in an error field (Node's ERR_INVALID_URL keeps it in `input`)", async () => {
    const log = capturedLogger('trace');
    const { Redis } = await import('ioredis');
    let thrown: unknown;
    try {
      new Redis(`redis://:${SECRET}@127.0.0.1:99999`, { lazyConnect: true }); // a port out of range: ioredis's URL parse throws
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_URL' });
    log.logger.error({ err: thrown }, 'could not start');
    log.logger.warn(
      { url: `postgres://idp:${SECRET}@db:5432/idp` },
      `connecting to postgres://idp:${SECRET}@db:5432/idp`,
    );
    expect(log.text()).not.toContain(SECRET);
    const [error, warn] = log.lines();
    expect(error.err.input).toBe('redis://:[redacted]@127.0.0.1:99999');
    expect(warn).toMatchObject({
      url: 'postgres://idp:[redacted]@db:5432/idp',
      msg: 'connecting to postgres://idp:[redacted]@db:5432/idp',
    });
  });

  it.each([
    ['?client_secret=abc&x=1', '?client_secret=[redacted]&x=1'],
    ['?CLIENT_SECRET=abc', '?CLIENT_SECRET=[redacted]'],
    [
      '?token=t&api_key=k&apikey=k&api-key=k',
      '?token=[redacted]&api_key=[redacted]&apikey=[redacted]&api-key=[redacted]',
    ],
    ['"/x?password=p\\"q\\u0000r"', '"/x?password=[redacted]"'],
    ['?mysecret=1&secretary=2&tokens=3', '?mysecret=1&secretary=2&tokens=3'],
    // a URL's password (a DATABASE_URL or REDIS_URL a driver repeats), to the last @ of its word
    ['postgres://idp:pa55@db:5432/idp', 'postgres://idp:[redacted]@db:5432/idp'],
    ['"input":"redis://:pa55@cache:99999"', '"input":"redis://:[redacted]@cache:99999"'],
    ['rediss://default:p@ss/w:rd@cache', 'rediss://default:[redacted]@cache'],
    ['"postgresql://u:p\\"w@db"', '"postgresql://u:[redacted]@db"'],
    [
      'Server listening at http://127.0.0.1:8080 for ann@example.com',
      'Server listening at http://127.0.0.1:8080 for ann@example.com',
    ],
    ['postgres://db/idp?user=u&password=pa55', 'postgres://db/idp?user=u&password=[redacted]'],
  ])('redactCredentials(%j) is %j', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });
});
