/**
 * Imports that run at the same time and want the same name: the database refuses the second
 * insert (a unique index), and that is an error for that object only; the import's other objects
 * are still imported (each object is a part of the transaction that fails alone). On PostgreSQL
 * the race is made to happen (gate.ts); PGlite has one session, so its imports run one after the
 * other and the second updates what the first created. The savepoint itself is checked on both.
 */
import { expect, it } from 'vitest';
import { newId } from '../../../src/domain/shared/schema.js';
import type { TestApp } from '../../helpers/app.js';
import { closeGate } from './gate.js';
import { describeOnDatabases, newSource, request, uniq, V3 } from './helpers.js';

/** An import of profiles named `names`, each on its own new source. */
async function importOf(t: TestApp, names: string[]) {
  const sources = await Promise.all(names.map(() => newSource(t)));
  return names.map((name, i) => ({
    version: 1,
    self: { type: 'IDENTITY_PROFILE', id: `origin-${i}`, name },
    object: { name, description: `from ${name}`, authoritativeSource: { id: sources[i].id } },
  }));
}

const runImport = async (t: TestApp, items: unknown[]) => {
  const res = await request(t, V3, 'POST', '/import', { payload: items as object[] });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

const exists = async (t: TestApp, name: string) =>
  (await request(t, V3, 'GET', `?filters=${encodeURIComponent(`name eq "${name}"`)}`)).json().length === 1;

describeOnDatabases('identity profiles: concurrent imports', (app, kind) => {
  it('two imports sharing a name at the same time: every object is imported or reported on its own', async () => {
    const t = app();
    const shared = uniq('shared');
    const [a, b] = [uniq('only-a'), uniq('only-b')];
    const results = await Promise.all([
      runImport(t, await importOf(t, [shared, a])),
      runImport(t, await importOf(t, [shared, b])),
    ]);
    for (const r of results) expect(r.importedObjects.length + r.errors.length).toBe(2);
    expect(results.flatMap((r) => r.importedObjects.map((o: any) => o.name))).toEqual(
      expect.arrayContaining([a, b, shared]),
    );
    for (const name of [shared, a, b]) expect(await exists(t, name)).toBe(true);
  });

  it('a part of a transaction that fails (TransactionScope.attempt) is undone alone; the transaction goes on and commits the rest', async () => {
    const t = app();
    const name = uniq('Part');
    const transform = (n: string) => ({ id: newId(), name: n, type: 'lower', attributes: {}, internal: false });
    const failure = await t.services.ctx.withTransaction(async (repos, scope) => {
      await repos.transforms.insert(transform(name));
      const failed = await scope
        .attempt(async () => {
          await repos.transforms.insert(transform(`${name}-undone`));
          await repos.transforms.insert(transform(name.toUpperCase())); // the unique index refuses it
        })
        .catch((e: unknown) => e);
      await repos.transforms.insert(transform(`${name}-after`));
      return failed;
    });
    expect(failure).toMatchObject({ status: 400, message: expect.stringMatching(/already exists/) });
    const { repos } = t.services.ctx;
    expect((await repos.transforms.findByName(name))?.name).toBe(name);
    expect(await repos.transforms.findByName(`${name}-undone`)).toBeUndefined();
    expect((await repos.transforms.findByName(`${name}-after`))?.name).toBe(`${name}-after`);
  });

  if (kind !== 'postgres') return;

  it('the import that inserts a name second reports that object and imports its others', async () => {
    const t = app();
    const shared = uniq('shared');
    const [a, b] = [uniq('only-a'), uniq('only-b')];
    const [first, second] = [await importOf(t, [shared, a]), await importOf(t, [shared, b])];
    const gate = await closeGate(t);
    const firstDone = runImport(t, first);
    await gate.waiting(1); // created `shared`, waits to write its audit entry
    const secondDone = runImport(t, second);
    await gate.waiting(2); // its insert of `shared` waits for the first import's outcome
    await gate.open();
    const [one, two] = [await firstDone, await secondDone];
    expect(one.errors).toEqual([]);
    expect(one.importedObjects.map((o: any) => o.name)).toEqual([shared, a]);
    expect(two.errors).toEqual([
      expect.objectContaining({
        key: 'IMPORT_FAILED',
        text: expect.stringMatching(new RegExp(`'${shared}' \\(item 0\\).*(already exists|Duplicate)`)),
        details: expect.objectContaining({ object: expect.objectContaining({ index: 0, name: shared }) }),
      }),
    ]);
    expect(two.importedObjects.map((o: any) => o.name)).toEqual([b]);
    const stored = (await request(t, V3, 'GET', `?filters=${encodeURIComponent(`name eq "${shared}"`)}`)).json();
    expect(stored.map((p: any) => p.description)).toEqual([`from ${shared}`]);
    expect(stored[0].authoritativeSource.id).toBe(first[0].object.authoritativeSource.id);
    for (const name of [a, b]) expect(await exists(t, name)).toBe(true);
  });
});
