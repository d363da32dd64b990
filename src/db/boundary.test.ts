import { describe, expect, it } from 'vitest';
import { AppError, ERRORS } from '../errors.js';
import { throughBoundary } from './boundary.js';
import { describeFailure, isConnectionFailure } from './errors.js';

const pgError = (code: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error('from the driver'), { code, ...fields });

/** A repository whose methods fail the way the driver does. */
const repository = (failure: unknown) => ({
  async insert(_name: string): Promise<void> {
    throw failure;
  },
  list(): string[] {
    throw failure;
  },
  async find(id: string) {
    return { id };
  },
  schema: 'public',
});

describe('the db boundary', () => {
  it.each([
    [
      'a profile name taken',
      pgError('23505', { constraint: 'identity_profiles_name_unique' }),
      'profile_name_taken',
      400,
    ],
    ["a source's name taken", pgError('23505', { constraint: 'sources_name_unique' }), 'source_name_taken', 400],
    [
      'another unique constraint',
      pgError('23505', { constraint: 'x_unique', detail: 'Key (x)=(1) already exists.' }),
      'duplicate_value',
      400,
    ],
    ['a foreign key', pgError('23503', { constraint: 'y_fkey' }), 'reference_violated', 400],
    ['a NUL character', pgError('22021'), 'unstorable_value', 400],
    ['a value out of range', pgError('22003'), 'invalid_value', 400],
    ['a deadlock', pgError('40P01'), 'concurrent_change', 409],
    ['a serialization failure', pgError('40001'), 'concurrent_change', 409],
    ['a statement timeout', pgError('57014'), 'unavailable', 503],
    ['a lost connection', new Error('Connection terminated unexpectedly'), 'unavailable', 503],
    [
      "the embedded database's thread exiting",
      new Error("the embedded database's thread exited (1)"),
      'unavailable',
      503,
    ],
  ])('turns %s into a domain error', async (_what, failure, code, status) => {
    const repo = throughBoundary(repository(failure));
    await expect(repo.insert('a')).rejects.toMatchObject({ code, status });
    expect(() => repo.list()).toThrow(AppError);
  });

  it('keeps a lost connection recognisable as one (jobs run again after an outage)', async () => {
    const lost = pgError('57P01');
    const translated = await throughBoundary(repository(lost))
      .insert('a')
      .catch((e: unknown) => e);
    expect(translated).toMatchObject({ code: 'unavailable', headers: { 'Retry-After': '5' } });
    expect(isConnectionFailure(translated)).toBe(true);
    expect((translated as Error).cause).toBe(lost);
    expect(describeFailure(translated)).toBe('from the driver (57P01)'); // what the logs of a job rerun say
  });

  it('passes our own errors and others as they are, and answers as the repository does', async () => {
    const ours = ERRORS.notFound('source_not_found', 's1');
    await expect(throughBoundary(repository(ours)).insert('a')).rejects.toBe(ours);
    const other = new TypeError('a bug');
    await expect(throughBoundary(repository(other)).insert('a')).rejects.toBe(other);
    const repo = throughBoundary(repository(other));
    expect(await repo.find('x')).toEqual({ id: 'x' });
    expect(repo.schema).toBe('public');
  });
});
