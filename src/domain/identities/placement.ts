import type { Repositories } from '../context.js';
import type { AccountRange } from './repository.js';

/**
 * After a load, or a profile's creation or change of priority or authoritative source: accounts
 * on the sources correlate to existing identities (by uid) or, on an authoritative source, form
 * new ones, identities move to their highest-priority profile (decision 6),
 * counts are refreshed, and every profile that gained or lost identities needs processing.
 */
export async function placeIdentities(
  repos: Repositories,
  sourceIds: readonly string[],
): Promise<{ formed: number; affectedProfiles: string[] }> {
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
  await needProcessing(repos, affectedProfiles);
  return { formed, affectedProfiles };
}

/** What writing a load's batch did about placement (see `AccountRepository.upsertStaged`). */
export interface WrittenBatch {
  /** New accounts joined to an existing identity. */
  correlated: number;
  /** New accounts that formed an identity of their own, under `profileId`. */
  formed: number;
  profileId?: string;
  /** Accounts of the batch that were there before without an identity. */
  unplaced: number;
}

/**
 * Placement of one batch of a load applied in steps (`range`: the accounts it wrote). Its new
 * accounts were written placed (`written`); accounts there before without an identity correlate
 * or form identities now; identities that gained an account are placed. Counts and flags are the
 * caller's, once for the whole load (`refreshCounts`, `needProcessing`).
 */
export async function placeAccounts(
  repos: Repositories,
  range: AccountRange,
  written: WrittenBatch,
): Promise<{ formed: number; affectedProfiles: string[] }> {
  let correlated = written.correlated;
  let formed = written.formed;
  const gained = new Set(written.profileId ? [written.profileId] : []);
  if (written.unplaced > 0) {
    correlated += await repos.identities.correlateAccounts(range.sourceId, range);
    const f = await repos.identities.formIdentities(range.sourceId, range);
    formed += f.formed;
    if (f.profileId) gained.add(f.profileId);
  }
  // formed identities are under their profile already; only identities that gained an account may move
  const moved =
    correlated > 0 ? await repos.identities.assignProfiles([range.sourceId], range) : { affectedProfiles: [] };
  return { formed, affectedProfiles: [...new Set([...gained, ...moved.affectedProfiles])] };
}

/** Profiles that gained or lost identities are flagged as needing processing. */
export async function needProcessing(repos: Repositories, profileIds: readonly string[]): Promise<void> {
  for (const profileId of profileIds) {
    const p = await repos.profiles.findById(profileId);
    if (p && !p.identityRefreshRequired) await repos.profiles.update({ ...p, identityRefreshRequired: true });
  }
}
