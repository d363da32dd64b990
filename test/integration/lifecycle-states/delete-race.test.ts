/**
 * A state's delete against a writer putting identities into it (what processing does, holding
 * `lockStates` in its transaction): on PostgreSQL the delete waits for the writer's commit and
 * then counts its identities, so it is refused instead of leaving identities in a deleted state.
 * PGlite runs one transaction at a time, so there the two cannot overlap at all.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { lifecycleStateRepository } from '../../../src/db/repositories/lifecycle-states.js';
import { newId } from '../../../src/domain/shared/schema.js';
import { until } from '../../helpers/processes.js';
import { describeOnDatabases, errorText, newProfile, V3 } from '../identity-profiles/helpers.js';
import { stateRequest } from './helpers.js';

describeOnDatabases('lifecycle states: delete against a writer', (app, kind) => {
  it.runIf(kind === 'postgres')(
    'a delete waits for a writer holding lockStates and counts the identities it committed',
    async () => {
      const t = app();
      const db = t.services.database.db;
      const profile = await newProfile(t, V3);
      const state = (
        await stateRequest(t, V3, 'POST', profile.id, '', { payload: { name: 'Temp', technicalName: 'temp' } })
      ).json();
      const identityId = newId();
      await sql`insert into identities (id, name, profile_id) values (${identityId}, ${identityId}, ${profile.id})`.execute(
        db,
      );

      let deleting: ReturnType<typeof stateRequest> | undefined;
      await db.transaction().execute(async (trx) => {
        await lifecycleStateRepository(trx).lockStates(profile.id);
        await sql`update identities set lifecycle_state = 'temp' where id = ${identityId}`.execute(trx);
        deleting = stateRequest(t, V3, 'DELETE', profile.id, `/${state.id}`);
        await until(async () => {
          const { rows } = await sql<{
            n: number;
          }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
            db,
          );
          return rows[0].n > 0;
        }, 'the delete to wait for the writer');
      });
      const res = await deleting!;
      expect(res.statusCode, res.body).toBe(400);
      expect(errorText(res)).toMatch(/cannot be deleted: 1 identity is in it/);
      expect((await stateRequest(t, V3, 'GET', profile.id, `/${state.id}`)).json().identityCount).toBe(1);
    },
  );

  it.runIf(kind === 'postgres')('a PATCH of a state does not wait for a writer holding lockStates', async () => {
    const t = app();
    const profile = await newProfile(t, V3);
    const active = (await stateRequest(t, V3, 'GET', profile.id)).json()[0];
    await t.services.database.db.transaction().execute(async (trx) => {
      await lifecycleStateRepository(trx).lockStates(profile.id);
      const res = await stateRequest(t, V3, 'PATCH', profile.id, `/${active.id}`, {
        patch: [{ op: 'replace', path: '/enabled', value: true }],
      });
      expect(res.statusCode, res.body).toBe(200);
    });
  });
});
