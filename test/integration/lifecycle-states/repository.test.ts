/**
 * The lifecycle-state repository (storage of migration 0012) on both databases: what the API and
 * processing build on — technical names unique within a profile whatever their case, identity
 * counts per state, lookups by id and by technical name, and states going with their profile.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/repositories/index.js';
import type { LifecycleState } from '../../../src/domain/lifecycle-states/model.js';
import { newId } from '../../../src/domain/shared/schema.js';
import type { TestApp } from '../../helpers/app.js';
import { describeOnDatabases, newProfile } from '../identity-profiles/helpers.js';

const state = (profileId: string, technicalName: string, fields: Partial<LifecycleState> = {}): LifecycleState => ({
  id: newId(),
  profileId,
  name: technicalName,
  technicalName,
  enabled: true,
  description: null,
  identityState: null,
  priority: null,
  emailNotificationOption: {
    notifyManagers: false,
    notifyAllAdmins: false,
    notifySpecificUsers: false,
    emailAddressList: [],
  },
  accountActions: [],
  accessProfileIds: [],
  accessActionConfiguration: { removeAllAccessEnabled: false },
  created: '2026-01-02T03:04:05.000Z',
  modified: '2026-01-02T03:04:05.000Z',
  ...fields,
});

async function addIdentities(t: TestApp, profileId: string, states: Array<string | null>): Promise<void> {
  const db = t.services.database.db;
  for (const s of states) {
    await sql`insert into identities (id, name, profile_id, lifecycle_state) values (${newId()}, ${newId()}, ${profileId}, ${s})`.execute(
      db,
    );
  }
}

describeOnDatabases('lifecycle states: storage', (app) => {
  it('stores every field and reads it back by id, by technical name and per profile', async () => {
    const t = app();
    const repos = createRepositories(t.services.database.db);
    const profile = await newProfile(t);
    const leaver = state(profile.id, 'leaver', {
      name: 'Leaver',
      description: 'gone',
      identityState: 'INACTIVE_LONG_TERM',
      priority: 30,
      enabled: false,
      emailNotificationOption: {
        notifyManagers: true,
        notifyAllAdmins: false,
        notifySpecificUsers: true,
        emailAddressList: ['a@example.com'],
      },
      accountActions: [{ action: 'DISABLE', allSources: true, excludeSourceIds: ['s1'] }],
      accessProfileIds: ['ap1', 'ap2'],
      accessActionConfiguration: { removeAllAccessEnabled: true },
    });
    const joiner = state(profile.id, 'joiner', { priority: 10 });
    await repos.lifecycleStates.insert([leaver, joiner]);

    expect(await repos.lifecycleStates.findById(leaver.id)).toEqual({ ...leaver, identityCount: 0 });
    expect(await repos.lifecycleStates.findById(leaver.id, { profileId: profile.id })).toBeDefined();
    expect(await repos.lifecycleStates.findById(leaver.id, { profileId: 'other' })).toBeUndefined();
    expect(await repos.lifecycleStates.findByTechnicalName(profile.id, 'LEAVER')).toEqual(leaver);
    // the defaults every new profile gets come first (priority 10, 20), then these by priority
    const all = await repos.lifecycleStates.allOf(profile.id);
    expect(all.map((s) => s.technicalName).filter((n) => n === 'joiner' || n === 'leaver')).toEqual([
      'joiner',
      'leaver',
    ]);
    const byName = await repos.lifecycleStates.byTechnicalName([profile.id, 'none']);
    expect(byName.get(profile.id)?.get('leaver')).toEqual(leaver);
    expect(byName.get('none')?.size).toBe(0);
  });

  it('refuses a technical name the profile already has, in any case, and allows it in another profile', async () => {
    const t = app();
    const repos = createRepositories(t.services.database.db);
    const [a, b] = [await newProfile(t), await newProfile(t)];
    await repos.lifecycleStates.insert([state(a.id, 'contractor')]);
    await expect(
      t.services.ctx.withTransaction((r) => r.lifecycleStates.insert([state(a.id, 'Contractor')])),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/already has a lifecycle state with this technical name/),
    });
    await repos.lifecycleStates.insert([state(b.id, 'contractor')]);
    expect((await repos.lifecycleStates.findByTechnicalName(b.id, 'contractor'))?.profileId).toBe(b.id);
  });

  it("counts the profile's identities in each state, pages and sorts, and updates and deletes", async () => {
    const t = app();
    const repos = createRepositories(t.services.database.db);
    const profile = await newProfile(t);
    const other = await newProfile(t);
    const [x, y] = [
      state(profile.id, 'x', { name: 'B', priority: 2 }),
      state(profile.id, 'y', { name: 'a', priority: 1 }),
    ];
    await repos.lifecycleStates.insert([x, y]);
    await addIdentities(t, profile.id, ['x', 'x', 'y', null, 'X']);
    await addIdentities(t, other.id, ['x']);
    const counts = await repos.lifecycleStates.identityCounts(profile.id);
    expect([counts.get(x.id), counts.get(y.id)]).toEqual([2, 1]);

    const page = await repos.lifecycleStates.list(profile.id, {
      sorters: [{ field: 'name', direction: 'asc' }],
      limit: 250,
      offset: 0,
      count: true,
    });
    const mine = page.items.filter((s) => s.id === x.id || s.id === y.id);
    expect(mine.map((s) => [s.name, s.identityCount])).toEqual([
      ['a', 1],
      ['B', 2],
    ]);
    expect(page.total).toBe(page.items.length);
    const second = await repos.lifecycleStates.list(profile.id, {
      sorters: [{ field: 'priority', direction: 'desc' }],
      limit: 1,
      offset: 0,
      count: false,
    });
    expect(second.items).toHaveLength(1);
    expect(second.total).toBeUndefined();

    await repos.lifecycleStates.update({ ...x, name: 'Renamed', enabled: false, modified: '2026-02-02T00:00:00.000Z' });
    expect(await repos.lifecycleStates.findById(x.id)).toMatchObject({
      name: 'Renamed',
      enabled: false,
      technicalName: 'x',
      modified: '2026-02-02T00:00:00.000Z',
      identityCount: 2,
    });
    expect(await repos.lifecycleStates.delete(other.id, x.id)).toBe(false);
    expect(await repos.lifecycleStates.delete(profile.id, x.id)).toBe(true);
    expect(await repos.lifecycleStates.findById(x.id)).toBeUndefined();
  });

  it("deletes a profile's states with the profile", async () => {
    const t = app();
    const repos = createRepositories(t.services.database.db);
    const profile = await newProfile(t);
    const s = state(profile.id, 'gone');
    await repos.lifecycleStates.insert([s]);
    await repos.profiles.deleteByIds([profile.id]);
    expect(await repos.lifecycleStates.findById(s.id)).toBeUndefined();
  });
});
