import { describe, expect, it } from 'vitest';
import { AppError, ERRORS } from '../errors.js';
import { isConnectionFailure, mapDatabaseError } from './errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('connection failures', () => {
  it.each([
    ['administrator ended the session', withCode('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', withCode('57P02')],
    ['starting up / in recovery', withCode('57P03', 'the database system is starting up')],
    ['too many connections', withCode('53300')],
    ['connection exception class 08', withCode('08006')],
    ['refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    [
      'refused on every address',
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''), {
        code: 'ECONNREFUSED',
      }),
    ],
    ['pg: lost', new Error('Connection terminated unexpectedly')],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg: pool wait', new Error('timeout exceeded when trying to connect')],
    ['pg: client unusable after a loss', new Error('Client has encountered a connection error and is not queryable')],
    ["PGlite's thread died", new Error("the embedded database's thread exited (1)")],
    ['PGlite aborted', new Error('the embedded database failed: RuntimeError: unreachable')],
  ])('%s → 503 with Retry-After, nothing done', (_what, e) => {
    expect(isConnectionFailure(e)).toBe(true);
    const mapped = mapDatabaseError(e) as AppError;
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ status: 503, code: 'unavailable', headers: { 'Retry-After': '5' } });
    expect(isConnectionFailure(mapped)).toBe(true); // still one to whoever retries (a job)
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['serialization failure', withCode('40001')],
    ['a statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['our own errors', ERRORS.notFound('profile_not_found', 'x')],
    ['anything else', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not one', (_what, e) => {
    expect(isConnectionFailure(e)).toBe(false);
  });

  it("answers a statement timeout with 503 too (a timeout set in the URL's options), without retrying it", () => {
    expect(mapDatabaseError(withCode('57014'))).toMatchObject({ status: 503, code: 'unavailable' });
  });
});
