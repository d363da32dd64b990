import { useState } from 'preact/hooks';
import { FILTERABLE_ATTRIBUTE, getIdentity, listIdentities } from '../../api/others';
import { listProfiles } from '../../api/profiles';
import { ErrorBox } from '../../components/ErrorBox';
import { Pager } from '../../components/Pager';
import { useDebounced, useLoad } from '../../lib/hooks';
import { Link } from '../../lib/router';
import { IdentityDetail } from './IdentityDetail';

const PAGE = 50;

/**
 * Identities: filtered by name, profile, a computed attribute, manager (an identity's direct
 * reports) or managers only, in a compact list; one of them read in full beside it.
 */
export function IdentitiesPage({ selectedId }: { selectedId?: string }) {
  const [text, setText] = useState('');
  const [profileId, setProfileId] = useState('');
  const [attrName, setAttrName] = useState('');
  const [attrValue, setAttrValue] = useState('');
  const [managerId, setManagerId] = useState('');
  const [managersOnly, setManagersOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const name = useDebounced(text.trim(), 300);
  const [debouncedName, debouncedValue] = useDebounced(`${attrName.trim()}\n${attrValue.trim()}`, 300).split('\n');
  const attribute = { name: debouncedName, value: debouncedValue };
  const attributeBad = !!attribute.name && !FILTERABLE_ATTRIBUTE.test(attribute.name);
  const profiles = useLoad(() => listProfiles({ sorters: 'name', limit: 250, offset: 0 }), []);
  const manager = useLoad(async () => (managerId ? getIdentity(managerId) : undefined), [managerId]);
  const query = {
    nameStartsWith: name,
    profileId,
    managerId,
    managersOnly,
    attribute: attribute.name && !attributeBad ? attribute : undefined,
  };
  const list = useLoad(
    (signal) => listIdentities({ ...query, limit: PAGE, offset }, signal),
    [JSON.stringify(query), offset],
  );
  const items = list.data?.items ?? [];
  const profile = profiles.data?.items.find((p) => p.id === profileId);
  // the attribute names to suggest: the chosen profile's mappings (or every profile's)
  const attributeNames = [
    ...new Set(
      (profile ? [profile] : (profiles.data?.items ?? [])).flatMap((p) =>
        p.identityAttributeConfig.attributeTransforms.map((m) => m.identityAttributeName),
      ),
    ),
  ].sort();
  const filtered = !!(name || profileId || managerId || managersOnly || attribute.name);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => (set(v), setOffset(0));
  const clear = () => {
    setText(''),
      setProfileId(''),
      setAttrName(''),
      setAttrValue(''),
      setManagerId(''),
      setManagersOnly(false),
      setOffset(0);
  };

  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Identities</h1>
      </div>
      <div class="split">
        <div class="list-pane">
          <form
            class="identity-filters stack"
            role="search"
            aria-label="Filter identities"
            onSubmit={(e) => e.preventDefault()}
          >
            <label class="filter">
              <span>Search by name</span>
              <input
                type="search"
                name="search"
                value={text}
                placeholder="Name starts with…"
                onInput={(e) => reset(setText)(e.currentTarget.value)}
              />
            </label>
            <label class="filter">
              <span>Profile</span>
              <select name="profile" value={profileId} onChange={(e) => reset(setProfileId)(e.currentTarget.value)}>
                <option value="">All profiles</option>
                {profiles.data?.items.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <div class="row attribute-filter">
              <label class="filter grow">
                <span>Attribute</span>
                <input
                  name="attribute"
                  list="identity-attribute-names"
                  value={attrName}
                  placeholder="e.g. department"
                  onInput={(e) => reset(setAttrName)(e.currentTarget.value)}
                  aria-invalid={attributeBad}
                />
              </label>
              <label class="filter grow">
                <span>starts with</span>
                <input
                  name="attributeValue"
                  value={attrValue}
                  placeholder="any value"
                  onInput={(e) => reset(setAttrValue)(e.currentTarget.value)}
                  disabled={!attrName.trim()}
                />
              </label>
              <datalist id="identity-attribute-names">
                {attributeNames.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </div>
            {attributeBad && (
              <p class="field-error">An attribute name is letters, digits and _ (not starting with a digit).</p>
            )}
            <label class="check-label">
              <input
                type="checkbox"
                name="managersOnly"
                checked={managersOnly}
                onChange={(e) => reset(setManagersOnly)(e.currentTarget.checked)}
              />{' '}
              Managers only
            </label>
            {managerId && (
              <p class="chip" role="status">
                Reports of <b>{manager.data?.name ?? '…'}</b>
                <button
                  type="button"
                  class="quiet"
                  aria-label="Stop filtering by manager"
                  onClick={() => reset(setManagerId)('')}
                >
                  ✕
                </button>
              </p>
            )}
            {filtered && (
              <button type="button" class="quiet start" onClick={clear}>
                Clear filters
              </button>
            )}
          </form>
          <ErrorBox error={list.error} title="The identities could not be loaded" />
          <ul class="identity-list compact" aria-label="Identities" aria-busy={list.loading}>
            {items.map((i) => {
              const detail =
                [i.attributes.title, i.attributes.department].filter((v) => typeof v === 'string' && v).join(' · ') ||
                i.emailAddress ||
                '';
              return (
                <li key={i.id}>
                  <Link
                    href={`/identities/${encodeURIComponent(i.id)}`}
                    aria-current={i.id === selectedId ? 'true' : undefined}
                  >
                    <span class="line">
                      <b>{i.name}</b>
                      {i.isManager && <span class="badge running">manager</span>}
                    </span>
                    {detail && <span class="muted small line">{detail}</span>}
                  </Link>
                </li>
              );
            })}
          </ul>
          {!list.loading && items.length === 0 && (
            <p class="empty">
              {filtered
                ? 'No identity matches these filters.'
                : 'No identities yet: load accounts into an authoritative source.'}
            </p>
          )}
          <Pager label="Identities" offset={offset} limit={PAGE} total={list.data?.total ?? 0} onChange={setOffset} />
        </div>
        <div class="detail-pane">
          {selectedId ? (
            <IdentityDetail key={selectedId} id={selectedId} onShowReports={(id) => (setManagerId(id), setOffset(0))} />
          ) : (
            <p class="empty">Choose an identity to read its attributes, manager, direct reports and accounts.</p>
          )}
        </div>
      </div>
    </section>
  );
}
