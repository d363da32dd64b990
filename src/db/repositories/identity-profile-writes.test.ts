import type { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { IdentityProfile } from '../../domain/identity-profiles/schema.js';
import { jsonParts } from './identity-profile-json.js';
import { versionedWriter } from './identity-profile-writes.js';

function profile(id: string, name: string): IdentityProfile {
  return {
    id,
    name,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-02T00:00:00.000Z',
    description: null,
    owner: null,
    priority: 10,
    authoritativeSource: { type: 'SOURCE', id: 'src', name: 'Source' },
    identityRefreshRequired: false,
    identityCount: 0,
    identityAttributeConfig: { enabled: true, attributeTransforms: [] },
    identityExceptionReportReference: null,
    hasTimeBasedAttr: false,
  };
}

/** A PATCH's write: the profile as read (version 1) and as patched. */
function write(id: string, newName: string) {
  const read = profile(id, `old-${id}`);
  const { tail } = jsonParts(read);
  return [{ ...read, name: newName }, { profile: read, version: '1', json: '{}', tail }, { actor: 'test' }] as const;
}

/**
 * A database stand-in that records every statement the writer sends (the ids each writes) and
 * answers with `fail(ids)`'s error when it gives one, else with every row written.
 */
function database(fail: (ids: string[]) => Error | undefined, options?: { batched: boolean }) {
  const statements: string[][] = [];
  const records: Array<Array<Record<string, unknown>>> = [];
  const raw = async (query: CompiledQuery) => {
    const ids = query.parameters[2] as string[];
    statements.push(ids);
    records.push(JSON.parse(query.parameters[1] as string));
    const error = fail(ids);
    if (error) throw error;
    return { rows: ids.map((id) => ({ id, v: '2' })) };
  };
  return { statements, records, write: versionedWriter(raw, 'default', options) };
}

const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('versionedWriter: group commit of PATCH writes', () => {
  it('writes the PATCHes of one turn in one statement', async () => {
    const db = database(() => undefined);
    const written = await Promise.all(['a', 'b', 'c'].map((id) => db.write(...write(id, `new-${id}`))));
    expect(written.map((w) => [w?.profile.name, w?.version])).toEqual([
      ['new-a', '2'],
      ['new-b', '2'],
      ['new-c', '2'],
    ]);
    expect(db.statements).toEqual([['a', 'b', 'c']]);
  });

  it.each([
    ['a constraint one write broke (23505)', pgError('duplicate key value violates unique constraint', '23505')],
    ['a value one write holds (22021)', pgError('invalid byte sequence', '22021')],
  ])(
    'a batch failed by %s runs each write alone: only that write fails, the others are written',
    async (_what, error) => {
      const db = database((ids) => (ids.includes('bad') ? error : undefined));
      const results = await Promise.allSettled(['a', 'bad', 'c'].map((id) => db.write(...write(id, `new-${id}`))));
      expect(
        results.map((r) => (r.status === 'fulfilled' ? r.value?.profile.name : (r.reason as Error).message)),
      ).toEqual(['new-a', error.message, 'new-c']);
      expect(db.statements).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    },
  );

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['the session terminated (57P01)', pgError('terminating connection due to administrator command', '57P01')],
    ['a connection lost mid-statement', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a statement timeout (57014)', pgError('canceling statement due to statement timeout', '57014')],
    [
      'a connection failure wrapped with a class-23 code',
      Object.assign(pgError('wrapped', '23505'), { cause: pgError('lost', '08006') }),
    ],
  ])('a batch failed by %s fails every write at once: nothing is sent again write by write', async (_what, error) => {
    const db = database(() => error);
    const results = await Promise.allSettled(['a', 'b', 'c', 'a'].map((id) => db.write(...write(id, `new-${id}`))));
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : 'written'))).toEqual([error, error, error, error]);
    expect(db.statements).toEqual([['a', 'b', 'c']]);
  });

  it("a profile written twice in a failed batch: the second write reports a conflict (it reads again), not the first one's error", async () => {
    const db = database((ids) =>
      ids.includes('a') ? pgError('duplicate key value violates unique constraint', '23505') : undefined,
    );
    const results = await Promise.allSettled([db.write(...write('a', 'taken')), db.write(...write('a', 'other'))]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    expect(results[1]).toEqual({ status: 'fulfilled', value: undefined });
    expect(db.statements).toEqual([['a']]);
  });

  it('a write without a version or an audit note is sent as such (written whatever the row is, no audit entry); in a transaction each write is its own statement', async () => {
    const db = database(() => undefined, { batched: false });
    const [profileA] = write('a', 'new-a');
    const written = await Promise.all([db.write(profileA, undefined), db.write(...write('b', 'new-b'))]);
    expect(written.map((w) => w?.profile.name)).toEqual(['new-a', 'new-b']);
    expect(db.statements).toEqual([['a'], ['b']]);
    expect(db.records.map(([r]) => [r.version, r.actor])).toEqual([
      [null, null],
      ['1', 'test'],
    ]);
  });

  it('sends the fields stored in json_tail only when they change or the tail was not written by this process (a read)', async () => {
    const db = database(() => undefined);
    const [described, base] = write('a', 'new-a');
    const remapped = { ...described, identityAttributeConfig: { enabled: false, attributeTransforms: [] } };
    const read = { version: '1', profile: base.profile };
    const answers = [await db.write(described, base), await db.write(remapped, base), await db.write(described, read)];
    expect(db.records.map(([r]) => r.json_tail === undefined)).toEqual([true, false, false]);
    expect(answers.map((w) => w?.tail)).toEqual([base.tail, jsonParts(remapped).tail, jsonParts(described).tail]);
  });
});
