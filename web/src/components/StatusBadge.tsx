import type { IdentityProfile } from '../api/types';
import type { RunState } from '../lib/profile-runs';

/**
 * A profile's status: processing (with percent) or last run failed, from its processing tasks;
 * otherwise refresh required or up to date, from the profile.
 */
export function StatusBadge({ profile, run }: { profile: IdentityProfile; run?: RunState }) {
  if (run?.running) return <span class="badge running">Processing {run.running.percentComplete}%</span>;
  if (run?.failed) return <span class="badge failed" title={run.failed.messages.map((m) => m.localizedText.message).join(' ')}>Last run failed</span>;
  if (profile.identityRefreshRequired) return <span class="badge warn">Refresh required</span>;
  return <span class="badge ok">Up to date</span>;
}
