import { accountsOf, getIdentity, listIdentities } from '../../api/others';
import { ErrorBox } from '../../components/ErrorBox';
import { formatDate, show } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { Link } from '../../lib/router';
import { LifecycleStateControl } from './LifecycleStateControl';

const REPORTS = 25;

/** One identity: its computed attributes, manager, direct reports, profile, and the accounts it was formed from. */
export function IdentityDetail({ id, onShowReports }: { id: string; onShowReports?: (managerId: string) => void }) {
  const identity = useLoad(() => getIdentity(id), [id]);
  const accounts = useLoad(() => accountsOf(id), [id]);
  const reports = useLoad((signal) => listIdentities({ managerId: id, limit: REPORTS, offset: 0 }, signal), [id]);
  const i = identity.data;
  if (!i) return <ErrorBox error={identity.error} title="This identity could not be loaded" />;
  const attributes = Object.entries(i.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <article class="panel identity" aria-labelledby="identity-title">
      <h2 id="identity-title">
        {i.name}
        {i.isManager && <span class="badge running">manager</span>}
      </h2>
      <dl class="facts-grid">
        <div>
          <dt>Manager</dt>
          <dd>
            {i.managerRef ? (
              <Link href={`/identities/${encodeURIComponent(i.managerRef.id)}`}>{i.managerRef.name}</Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Profile</dt>
          <dd>
            {i.identityProfile ? (
              <Link href={`/profiles/${encodeURIComponent(i.identityProfile.id)}`}>{i.identityProfile.name}</Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Processing</dt>
          <dd>{i.processingState ?? '—'}</dd>
        </div>
        <div>
          <dt>Last refresh</dt>
          <dd>{formatDate(i.lastRefresh)}</dd>
        </div>
      </dl>
      <LifecycleStateControl
        identity={i}
        onChanged={() => {
          identity.reload();
          accounts.reload();
        }}
      />
      {i.isManager && (
        <section class="reports" aria-labelledby="reports-title">
          <div class="section-head">
            <h3 id="reports-title">Direct reports{reports.data ? ` (${reports.data.total.toLocaleString()})` : ''}</h3>
            {onShowReports && (
              <button type="button" class="quiet" onClick={() => onShowReports(i.id)}>
                List them on the left
              </button>
            )}
          </div>
          <ErrorBox error={reports.error} />
          <ul class="report-list">
            {reports.data?.items.map((r) => (
              <li key={r.id}>
                <Link href={`/identities/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                {r.isManager && <span class="badge running">manager</span>}
              </li>
            ))}
          </ul>
          {reports.data && reports.data.total > REPORTS && (
            <p class="muted small">and {(reports.data.total - REPORTS).toLocaleString()} more</p>
          )}
        </section>
      )}
      <h3>Attributes</h3>
      {attributes.length ? (
        <table class="kv">
          <tbody>
            {attributes.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td class="value">{show(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No attributes yet: process the identity's profile.</p>
      )}
      <h3>Accounts</h3>
      <ErrorBox error={accounts.error} />
      {accounts.data?.map((a) => (
        <details key={a.id} class="account">
          <summary>
            <b>{a.sourceName}</b> · {a.name} <span class="muted">({a.nativeIdentity})</span>
            {a.authoritative && <span class="tag">authoritative</span>}
            {a.disabled && <span class="tag disabled">disabled</span>}
          </summary>
          <table class="kv">
            <tbody>
              {Object.entries(a.attributes).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td class="value">{show(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      {accounts.data?.length === 0 && <p class="muted">No accounts.</p>}
    </article>
  );
}
