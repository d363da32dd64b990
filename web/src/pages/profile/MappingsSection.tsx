import { useState } from 'preact/hooks';
import { defaultAttributeConfig, patchProfile } from '../../api/profiles';
import type { IdentityProfile, Mapping } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { useAction } from '../../lib/hooks';
import { errorsByMapping, sameMappings, summarize } from '../../lib/mappings';
import { useSources } from '../../lib/sources';
import { describeUnknown, unknownAttributes } from '../../lib/transform-form';
import { MappingDialog } from './MappingDialog';

interface Props {
  profile: IdentityProfile;
  draft: Mapping[];
  onDraft: (m: Mapping[]) => void;
  onSaved: (p: IdentityProfile) => void;
}

/** The mappings as a table; edits go to a draft (previewed live), saved as one JSON Patch. */
export function MappingsSection({ profile, draft, onDraft: setDraft, onSaved }: Props) {
  const [editing, setEditing] = useState<number>(); // index, or draft.length for a new one
  const { sources } = useSources();
  const dirty = !sameMappings(draft, profile.identityAttributeConfig.attributeTransforms);
  const save = useAction(async () => {
    const value = { ...profile.identityAttributeConfig, enabled: true, attributeTransforms: draft };
    onSaved(
      await patchProfile(profile.id, [
        { op: 'test', path: '/modified', value: profile.modified },
        { op: 'replace', path: '/identityAttributeConfig', value },
      ]),
    );
  });
  const suggest = useAction(async () => {
    const proposed = (await defaultAttributeConfig(profile.id)).attributeTransforms ?? [];
    const mapped = new Set(draft.map((m) => m.identityAttributeName));
    onDraft([...draft, ...proposed.filter((m) => !mapped.has(m.identityAttributeName))]);
  });
  // Server errors name mappings by index: any edit may shift them, so they go with the next edit.
  const onDraft = (m: Mapping[]) => {
    save.clearError();
    setDraft(m);
  };
  const errors = errorsByMapping(save.error);
  const general = errors.get(-1);
  const apply = (mapping: Mapping) => {
    const next = [...draft];
    next.splice(editing!, 1, mapping);
    onDraft(next);
    setEditing(undefined);
  };

  return (
    <section class="panel" aria-labelledby="mappings-title">
      <div class="section-head">
        <h2 id="mappings-title">Attribute mappings</h2>
        <div class="actions">
          <button
            type="button"
            onClick={() => void suggest.run()}
            disabled={suggest.busy}
            title="Add the standard attributes the authoritative source can fill"
          >
            Suggest mappings
          </button>
          <button type="button" onClick={() => setEditing(draft.length)}>
            Add mapping
          </button>
        </div>
      </div>
      {!profile.identityAttributeConfig.enabled && (
        <p class="hint">Attribute mapping is disabled for this profile; saving enables it.</p>
      )}
      <ErrorBox error={suggest.error} />
      <div class="table-wrap">
        <table class="mappings cards">
          <thead>
            <tr>
              <th scope="col">Identity attribute</th>
              <th scope="col">Source attribute or transform</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.map((m, i) => (
              <tr key={`${i}-${m.identityAttributeName}`} class={errors.has(i) ? 'has-error' : undefined}>
                <th scope="row">{m.identityAttributeName}</th>
                <td>
                  <code class="summary">{summarize(m.transformDefinition)}</code>
                  {unknownAttributes(m.transformDefinition, sources).map((u) => (
                    <p key={`${u.source}-${u.attributeName}`} class="warn-text unknown-attribute">
                      {describeUnknown(u)}
                    </p>
                  ))}
                  {errors.get(i)?.map((text) => (
                    <p key={text} class="field-error">
                      {text}
                    </p>
                  ))}
                </td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="quiet"
                    aria-label={`Edit mapping ${m.identityAttributeName}`}
                    onClick={() => setEditing(i)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="quiet"
                    aria-label={`Remove mapping ${m.identityAttributeName}`}
                    onClick={() => onDraft(draft.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {draft.length === 0 && (
        <p class="empty">
          No mappings: identities of this profile get no attributes. Add one, or let the console suggest the standard
          ones.
        </p>
      )}
      {save.error !== undefined && (
        <ErrorBox
          error={
            general
              ? new Error(general.join(' '))
              : errors.size
                ? new Error('Some mappings are not valid: see the rows marked above.')
                : save.error
          }
          title="Mappings not saved"
        />
      )}
      <div class="buttons">
        {dirty && <span class="muted">Unsaved changes</span>}
        <button
          type="button"
          disabled={!dirty || save.busy}
          onClick={() => (save.clearError(), onDraft(profile.identityAttributeConfig.attributeTransforms))}
        >
          Discard changes
        </button>
        <button type="button" class="primary" disabled={!dirty || save.busy} onClick={() => void save.run()}>
          {save.busy ? 'Saving…' : 'Save mappings'}
        </button>
      </div>
      {editing !== undefined && (
        <MappingDialog
          mapping={draft[editing]}
          serverErrors={errors.get(editing)}
          taken={draft.filter((_, j) => j !== editing).map((m) => m.identityAttributeName)}
          defaultSourceId={profile.authoritativeSource.id}
          onApply={apply}
          onClose={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}
