import type { IdentityProfile } from '../api/types';
import type { RunState } from '../lib/profile-runs';

/**
 * A profile's status: processing (with percent) or last run failed, from its processing tasks;
 * otherwise refresh required, never processed (no identities and no run), or up to date.
 */
export function StatusBadge({ profile, run }: { profile: IdentityProfile; run?: RunState }) {
  if (run?.running) return <span class="badge running">Processing {run.running.percentComplete}%</span>;
  if (run?.failed)
    return (
      <span class="badge failed" title={run.failed.messages.map((m) => m.localizedText.message).join(' ')}>
        Last run failed
      </span>
    );
  if (profile.identityRefreshRequired) return <span class="badge warn">Refresh required</span>;
  if (neverProcessed(profile, run)) return <span class="badge none">Never processed</span>;
  return <span class="badge ok">Up to date</span>;
}

/**
 * Nothing was ever processed: no identities (a load forms them, and a run keeps them) and no real
 * run in the profile's task history.
 */
export const neverProcessed = (profile: IdentityProfile, run?: RunState) =>
  profile.identityCount === 0 && !run?.lastProcessed && !run?.running && !run?.failed;
