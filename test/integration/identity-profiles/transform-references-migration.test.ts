/**
 * Migration 0010 on a database that already has profiles and transforms: the references they
 * hold are filled in (so the delete refusal holds from the start), a reference to a transform
 * that is already missing is left out, and the migration does not fail on it.
 */
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, migrateToLatest, type Database } from '../../../src/db/database.js';
import { migrationProvider } from '../../../src/db/migrations/index.js';
import { createRepositories } from '../../../src/db/repositories/index.js';
import type { IdentityProfile } from '../../../src/domain/identity-profiles/schema.js';
import { DATABASES, dropSchemas, POSTGRES_URL, postgresReachable, uniqueSchema } from '../../helpers/databases.js';

const PG_UP = await postgresReachable();

const profile = (id: string, sourceId: string, references: string[]): IdentityProfile => ({
  id,
  name: `profile ${id}`,
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
  description: null,
  owner: null,
  priority: 10,
  authoritativeSource: { type: 'SOURCE', id: sourceId, name: `source ${sourceId}` },
  identityRefreshRequired: false,
  identityCount: 0,
  identityAttributeConfig: {
    enabled: true,
    attributeTransforms: references.map((ref, i) => ({
      identityAttributeName: `a${i}`,
      transformDefinition: { type: 'reference', attributes: { id: ref } },
    })),
  },
  identityExceptionReportReference: null,
  hasTimeBasedAttr: false,
});

describe.each(DATABASES)('migration 0010 on existing data [%s]', (kind) => {
  let database: Database | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await database?.close();
    if (schema) await dropSchemas(schema);
  });

  it.skipIf(kind === 'postgres' && !PG_UP)(
    'fills the references of stored profiles and transforms, leaving out missing transforms',
    async () => {
      schema = kind === 'postgres' ? uniqueSchema('mig') : undefined;
      database = await createDatabase(
        kind === 'postgres' ? { databaseUrl: POSTGRES_URL, schema, poolSize: 2 } : { dataDir: 'memory://' },
      );
      const { db } = database;
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      const before = await migrator.migrateTo('0008-ordered-account-ids');
      expect(before.error).toBeUndefined();
      await sql`insert into sources (id, name) values ('s1', 'source s1'), ('s2', 'source s2')`.execute(db);
      await sql`insert into transforms (id, name, type, attributes) values
      ('t1', 'Lower Dept', 'lower', '{}'), ('t2', 'Uses Dept', 'reference', '{"id": "lower dept"}'), ('t3', 'Free', 'trim', '{}')`.execute(
        db,
      );
      const repos = createRepositories(db);
      await repos.profiles.insert(profile('p1', 's1', ['LOWER DEPT', 'gone already']));
      await repos.profiles.insert(profile('p2', 's2', ['Uses Dept']));

      expect(await migrateToLatest(database)).toContain('0010-transform-references');
      expect(await repos.profiles.referencingTransform('lower dept')).toEqual([{ id: 'p1', name: 'profile p1' }]);
      expect(await repos.profiles.referencingTransform('Uses Dept')).toEqual([{ id: 'p2', name: 'profile p2' }]);
      expect(await repos.transforms.referencing('Lower Dept')).toEqual([{ id: 't2', name: 'Uses Dept' }]);
      expect(await repos.profiles.referencingTransform('Free')).toEqual([]);
      await expect(repos.transforms.delete('t1')).rejects.toMatchObject({ status: 400 });
      await repos.transforms.delete('t3');
      expect(await repos.transforms.findById('t3')).toBeUndefined();
      expect((await repos.transforms.findByName('LOWER dept'))?.id).toBe('t1');
    },
  );
});
