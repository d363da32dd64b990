import { useId, useState } from 'preact/hooks';
import { listIdentities } from '../api/others';
import type { Identity } from '../api/types';
import { useDebounced, useLoad } from '../lib/hooks';
import { ErrorBox } from './ErrorBox';

/** Search identities by name (server-side `name sw`), optionally within one profile, and pick one. */
export function IdentityPicker({
  label,
  profileId,
  onPick,
  selected,
}: {
  label: string;
  profileId?: string;
  onPick: (identity: Identity) => void;
  selected?: string;
}) {
  const [text, setText] = useState('');
  const query = useDebounced(text.trim(), 250);
  const id = useId();
  const found = useLoad(
    (signal) => listIdentities({ nameStartsWith: query, profileId, limit: 8, offset: 0 }, signal),
    [query, profileId],
  );
  return (
    <div class="picker">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder="Type a name…"
        autocomplete="off"
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <ErrorBox error={found.error} />
      <ul class="choices" aria-label={`${label}: matches`} aria-busy={found.loading}>
        {found.data?.items.map((identity) => (
          <li key={identity.id}>
            <button
              type="button"
              aria-pressed={identity.id === selected}
              onClick={() => onPick(identity)}
              title={identity.emailAddress ? `${identity.name} · ${identity.emailAddress}` : identity.name}
            >
              <span class="name">{identity.name}</span>
              {identity.emailAddress && <span class="muted"> · {identity.emailAddress}</span>}
            </button>
          </li>
        ))}
        {found.data && found.data.items.length === 0 && (
          <li class="muted">No identity{query ? ` starts with “${query}”` : ''}.</li>
        )}
      </ul>
    </div>
  );
}
