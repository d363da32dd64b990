import { useState } from 'preact/hooks';
import { previewIdentity } from '../../api/profiles';
import type { Identity, IdentityProfile, Mapping } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { IdentityPicker } from '../../components/IdentityPicker';
import { show } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';

/** The unsaved (draft) mappings evaluated on one identity: new value, current value and errors, side by side. */
export function PreviewPanel({
  profile,
  draft,
  dirty,
}: {
  profile: IdentityProfile;
  draft: Mapping[];
  dirty: boolean;
}) {
  const [identity, setIdentity] = useState<Identity>();
  const [onlyProfile, setOnlyProfile] = useState(profile.identityCount > 0);
  const mappings = useDebounced(draft, 400);
  const preview = useLoad(
    async () => (identity ? previewIdentity(identity.id, { enabled: true, attributeTransforms: mappings }) : undefined),
    [identity?.id, mappings],
  );
  const rows = preview.data?.previewAttributes ?? [];
  const changed = rows.filter((r) => r.value !== r.previousValue).length;

  return (
    <section class="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <p class="hint">
        {dirty ? 'Shows your unsaved mappings' : 'Shows the saved mappings'} on one identity; nothing is written.
      </p>
      <div class="preview-grid">
        <div>
          <label class="check-label">
            <input type="checkbox" checked={onlyProfile} onChange={(e) => setOnlyProfile(e.currentTarget.checked)} />{' '}
            Only identities of this profile
          </label>
          <IdentityPicker
            label="Identity to preview"
            profileId={onlyProfile ? profile.id : undefined}
            selected={identity?.id}
            onPick={setIdentity}
          />
        </div>
        <div aria-live="polite" aria-busy={preview.loading}>
          {!identity && <p class="empty">Pick an identity to see what the mappings give it.</p>}
          <ErrorBox error={preview.error} title="Preview failed" />
          {identity && preview.data && (
            <>
              <p>
                <b>{preview.data.identity.name}</b>:{' '}
                {changed ? `${changed} of ${rows.length} attributes would change` : 'no attribute would change'}
                {preview.loading && <span class="muted"> · updating…</span>}
              </p>
              <div class="table-wrap">
                <table class="preview-table">
                  <thead>
                    <tr>
                      <th scope="col">Attribute</th>
                      <th scope="col">New value</th>
                      <th scope="col">Current value</th>
                      <th scope="col">Errors</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => {
                      const isChanged = r.value !== r.previousValue;
                      return (
                        <tr
                          key={r.name}
                          class={r.errorMessages.length ? 'has-error' : isChanged ? 'changed' : undefined}
                        >
                          <th scope="row">
                            {r.name}
                            {isChanged && <span class="tag">changed</span>}
                          </th>
                          <td class="value">{show(r.value)}</td>
                          <td class="value muted">{show(r.previousValue)}</td>
                          <td>
                            {r.errorMessages.map((m) => (
                              <p key={m.text} class="field-error">
                                {m.text}
                              </p>
                            ))}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
