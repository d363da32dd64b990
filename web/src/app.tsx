import { useEffect, useState } from 'preact/hooks';
import { session } from './api/session';
import { Link, navigate, useRoute } from './lib/router';
import { IdentitiesPage } from './pages/identities/IdentitiesPage';
import { ProfilePage } from './pages/profile/ProfilePage';
import { ProfilesPage } from './pages/profiles/ProfilesPage';
import { SignIn } from './pages/SignIn';
import { SourcesPage } from './pages/sources/SourcesPage';
import { TransformPage } from './pages/transforms/TransformPage';
import { TransformsPage } from './pages/transforms/TransformsPage';

/** Signed in → the console; otherwise (or after a 401) the sign-in form. */
export function App() {
  const [signedIn, setSignedIn] = useState(() => !!session.token());
  const [reason, setReason] = useState<string>();
  useEffect(
    () =>
      session.subscribe((why) => {
        setSignedIn(!!session.token());
        setReason(why);
      }),
    [],
  );
  return signedIn ? <Shell /> : <SignIn notice={reason} />;
}

const NAV = [
  { href: '/', label: 'Identity profiles', match: (p: string) => p === '/' || p.startsWith('/profiles') },
  { href: '/sources', label: 'Sources', match: (p: string) => p.startsWith('/sources') },
  { href: '/identities', label: 'Identities', match: (p: string) => p.startsWith('/identities') },
  { href: '/transforms', label: 'Transforms', match: (p: string) => p.startsWith('/transforms') },
];

function Shell() {
  const { path } = useRoute();
  useEffect(() => {
    // Move focus to the new page's heading so screen readers announce the navigation.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">idprofiles</span>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} aria-current={n.match(path) ? 'page' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <span class="who muted" title="Signed in as this API client">
          {session.clientId()}
        </span>
        <button type="button" class="quiet" onClick={() => session.expire('You signed out.')}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Page path={path} />
      </main>
    </>
  );
}

function Page({ path }: { path: string }) {
  const profile = /^\/profiles\/([^/]+)$/.exec(path);
  if (path === '/' || path === '/profiles') return <ProfilesPage />;
  if (profile) return <ProfilePage key={profile[1]} id={decodeURIComponent(profile[1])} />;
  if (path === '/sources') return <SourcesPage />;
  if (path === '/transforms') return <TransformsPage />;
  const transform = /^\/transforms\/([^/]+)$/.exec(path);
  if (transform) return <TransformPage key={transform[1]} id={decodeURIComponent(transform[1])} />;
  const identity = /^\/identities(?:\/([^/]+))?$/.exec(path);
  if (identity) return <IdentitiesPage selectedId={identity[1] && decodeURIComponent(identity[1])} />;
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/ui/" onClick={(e) => (e.preventDefault(), navigate('/'))}>Go to the identity profiles</a>.
      </p>
    </section>
  );
}
