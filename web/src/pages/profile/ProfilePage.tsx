import { useState } from 'preact/hooks';
import { getProfile } from '../../api/profiles';
import type { IdentityProfile, Mapping } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDate, plural } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { sameMappings } from '../../lib/mappings';
import { useProfileRuns } from '../../lib/profile-runs';
import { Link } from '../../lib/router';
import { MappingsSection } from './MappingsSection';
import { PreviewPanel } from './PreviewPanel';
import { ProcessPanel } from './ProcessPanel';
import { ProvisioningSection } from './ProvisioningSection';
import { SettingsForm } from './SettingsForm';

/** One profile: settings, mappings (edited as a draft), preview of the draft, processing, lifecycle states. */
export function ProfilePage({ id }: { id: string }) {
  const [profile, setProfile] = useState<IdentityProfile>();
  const [draft, setDraft] = useState<Mapping[]>([]);
  const [version, setVersion] = useState(0);
  const [started, setStarted] = useState(0);
  const loaded = useLoad(async () => {
    const p = await getProfile(id);
    // A reload (after processing) keeps unsaved mapping edits.
    setDraft((d) =>
      !profile || sameMappings(d, profile.identityAttributeConfig.attributeTransforms)
        ? p.identityAttributeConfig.attributeTransforms
        : d,
    );
    setProfile(p);
    return p;
  }, [id, version]);
  const saved = (p: IdentityProfile) => {
    setProfile(p);
    setDraft(p.identityAttributeConfig.attributeTransforms);
  };
  const reload = () => setVersion((v) => v + 1);
  const runs = useProfileRuns([id], `${version}.${started}`, reload);

  if (!profile) {
    return (
      <section>
        <p>
          <Link href="/">‹ Identity profiles</Link>
        </p>
        <h1 tabIndex={-1}>{loaded.error ? 'Profile not available' : 'Loading profile…'}</h1>
        <ErrorBox error={loaded.error} />
      </section>
    );
  }
  const dirty = !sameMappings(draft, profile.identityAttributeConfig.attributeTransforms);
  return (
    <section class="profile">
      <p class="crumbs">
        <Link href="/">‹ Identity profiles</Link>
      </p>
      <div class="page-head">
        <h1 tabIndex={-1}>{profile.name}</h1>
        <div class="facts">
          <StatusBadge profile={profile} run={runs.get(id)} />
          <span>{plural(profile.identityCount, 'identity', 'identities')}</span>
          <span>
            Source <b>{profile.authoritativeSource.name}</b>
          </span>
          <span>Last processed {formatDate(runs.get(id)?.lastProcessed)}</span>
        </div>
      </div>
      {profile.identityCount === 0 && (
        <p class="notice page-notice">
          No identities yet. Identities are formed when accounts are loaded into {profile.authoritativeSource.name}: if
          its file was loaded before this profile existed, <Link href="/sources">load it again</Link>.
        </p>
      )}
      <div class="grid">
        <SettingsForm profile={profile} onSaved={saved} />
        <ProcessPanel
          profile={profile}
          unsaved={dirty}
          onStarted={() => setStarted((n) => n + 1)}
          onFinished={reload}
        />
      </div>
      <MappingsSection profile={profile} draft={draft} onDraft={setDraft} onSaved={saved} />
      <PreviewPanel profile={profile} draft={draft} dirty={dirty} />
      <ProvisioningSection profile={profile} version={version} />
    </section>
  );
}
