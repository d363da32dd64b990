import type { Repositories } from '../context.js';

/**
 * After a load, or a profile's creation or change of priority or authoritative source: accounts
 * on the sources correlate to existing identities (by uid) or, on an authoritative source, form
 * new ones, identities move to their highest-priority profile (decision 6),
 * counts are refreshed, and every profile that gained or lost identities needs processing.
 */
export async function placeIdentities(repos: Repositories, sourceIds: readonly string[]): Promise<{ formed: number; affectedProfiles: string[] }> {
  let formed = 0;
  const gained = new Set<string>();
  for (const sourceId of sourceIds) {
    await repos.identities.correlateAccounts(sourceId);
    const f = await repos.identities.formIdentities(sourceId);
    formed += f.formed;
    if (f.profileId) gained.add(f.profileId);
  }
  const moved = await repos.identities.assignProfiles(sourceIds);
  const affectedProfiles = [...new Set([...gained, ...moved.affectedProfiles])];
  if (affectedProfiles.length === 0) return { formed, affectedProfiles };
  await repos.identities.refreshCounts();
  for (const profileId of affectedProfiles) {
    const p = await repos.profiles.findById(profileId);
    if (p && !p.identityRefreshRequired) await repos.profiles.update({ ...p, identityRefreshRequired: true });
  }
  return { formed, affectedProfiles };
}
