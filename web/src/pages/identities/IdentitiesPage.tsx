import { useState } from 'preact/hooks';
import { listIdentities } from '../../api/others';
import { ErrorBox } from '../../components/ErrorBox';
import { Pager } from '../../components/Pager';
import { useDebounced, useLoad } from '../../lib/hooks';
import { Link } from '../../lib/router';
import { IdentityDetail } from './IdentityDetail';

const PAGE = 50;

/** Search identities by name and read one: attributes, manager, profile, accounts. */
export function IdentitiesPage({ selectedId }: { selectedId?: string }) {
  const [text, setText] = useState('');
  const [offset, setOffset] = useState(0);
  const name = useDebounced(text.trim(), 300);
  const list = useLoad((signal) => listIdentities({ nameStartsWith: name, limit: PAGE, offset }, signal), [name, offset]);
  const items = list.data?.items ?? [];
  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Identities</h1>
      </div>
      <div class="split">
        <div class="list-pane">
          <label class="filter">
            <span>Search by name</span>
            <input type="search" name="search" value={text} placeholder="Name starts with…" onInput={(e) => (setText(e.currentTarget.value), setOffset(0))} />
          </label>
          <ErrorBox error={list.error} title="The identities could not be loaded" />
          <ul class="identity-list" aria-label="Identities" aria-busy={list.loading}>
            {items.map((i) => (
              <li key={i.id}>
                <Link href={`/identities/${encodeURIComponent(i.id)}`} aria-current={i.id === selectedId ? 'true' : undefined}>
                  <b>{i.name}</b>
                  <span class="muted small">{i.emailAddress ?? 'no email'}</span>
                </Link>
              </li>
            ))}
          </ul>
          {!list.loading && items.length === 0 && <p class="empty">{name ? `No identity name starts with “${name}”.` : 'No identities yet: load accounts into an authoritative source.'}</p>}
          <Pager label="Identities" offset={offset} limit={PAGE} total={list.data?.total ?? 0} onChange={setOffset} />
        </div>
        <div class="detail-pane">{selectedId ? <IdentityDetail key={selectedId} id={selectedId} /> : <p class="empty">Choose an identity to read its attributes and accounts.</p>}</div>
      </div>
    </section>
  );
}
