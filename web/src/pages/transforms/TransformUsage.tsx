import { allProfiles, allTransforms } from '../../api/transforms';
import type { Transform } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { useLoad } from '../../lib/hooks';
import { Link } from '../../lib/router';
import { referencedNames } from '../../lib/transform-types';

/** Profiles are few in an org; past this many the list says it checked only the first ones. */
const PROFILE_CAP = 500;

/**
 * Where the transform is referenced directly (`reference` with its name, any case): identity
 * profile mappings and other transforms, found from the lists (the API has no "used by" query).
 */
export function TransformUsage({ transform }: { transform: Transform }) {
  const used = useLoad(
    async (signal) => {
      const [profiles, transforms] = await Promise.all([allProfiles(PROFILE_CAP, signal), allTransforms(signal)]);
      const name = transform.name.toLowerCase();
      return {
        profiles: profiles.items.filter((p) =>
          referencedNames(p.identityAttributeConfig.attributeTransforms).has(name),
        ),
        transforms: transforms.items.filter((t) => t.id !== transform.id && referencedNames(t.attributes).has(name)),
        partial: profiles.more || transforms.more,
      };
    },
    [transform.id, transform.name],
  );
  const data = used.data;
  return (
    <section class="panel" aria-labelledby="t-usage-title" aria-busy={used.loading}>
      <h2 id="t-usage-title">Used by</h2>
      <ErrorBox error={used.error} title="Where it is used could not be found" />
      {!data && !used.error && <p class="muted">Looking…</p>}
      {data && data.profiles.length + data.transforms.length === 0 && (
        <p class="muted">No identity profile or transform references it.</p>
      )}
      {data && data.profiles.length > 0 && (
        <>
          <h3>Identity profiles</h3>
          <ul class="summary-list" aria-label="Identity profiles using it">
            {data.profiles.map((p) => (
              <li key={p.id}>
                <Link href={`/profiles/${encodeURIComponent(p.id)}`}>{p.name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {data && data.transforms.length > 0 && (
        <>
          <h3>Transforms</h3>
          <ul class="summary-list" aria-label="Transforms using it">
            {data.transforms.map((t) => (
              <li key={t.id}>
                <Link href={`/transforms/${encodeURIComponent(t.id)}`}>{t.name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {data?.partial && <p class="hint">Only the first {PROFILE_CAP} profiles and 2,000 transforms were checked.</p>}
    </section>
  );
}
