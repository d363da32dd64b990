import { useEffect, useState } from 'preact/hooks';
import { session } from './api/session';
import { Link, navigate, useRoute } from './lib/router';
import { IdentitiesPage } from './pages/identities/IdentitiesPage';
import { ProfilePage } from './pages/profile/ProfilePage';
import { ProfilesPage } from './pages/profiles/ProfilesPage';
import { SignIn, SignInAgain } from './pages/SignIn';
import { SourcesPage } from './pages/sources/SourcesPage';
import { TransformPage } from './pages/transforms/TransformPage';
import { TransformsPage } from './pages/transforms/TransformsPage';

/**
 * Signed in → the console; a new tab (or after signing out) → the sign-in page. When the session
 * ends otherwise (its time is up, or the server refused its token), sign-in comes over the console
 * and then leaves the person where they were, unsaved work included.
 */
export function App() {
  const [signedIn, setSignedIn] = useState(() => !!session.token());
  const [shown, setShown] = useState(signedIn);
  const [reason, setReason] = useState<string>();
  useEffect(
    () =>
      session.subscribe((change, why) => {
        setSignedIn(!!session.token());
        if (change === 'started') setShown(true);
        if (change === 'signed-out') setShown(false);
        setReason(why);
      }),
    [],
  );
  useEndOnTime(signedIn);
  if (!shown) return <SignIn notice={reason} />;
  return (
    <>
      <Shell />
      {!signedIn && <SignInAgain notice={reason} />}
    </>
  );
}

/** Ends the session when its time is up, so sign-in comes back before an action fails, not after. */
function useEndOnTime(signedIn: boolean) {
  useEffect(() => {
    const expiresAt = session.expiresAt();
    if (!signedIn || expiresAt === undefined) return;
    const timer = setTimeout(() => session.token() || session.end(), Math.max(0, expiresAt - Date.now()) + 100);
    return () => clearTimeout(timer);
  }, [signedIn, session.expiresAt()]);
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
        <button type="button" class="quiet" onClick={() => session.signOut()}>
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
        There is nothing at this address.{' '}
        <a href="/ui/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          Go to the identity profiles
        </a>
        .
      </p>
    </section>
  );
}
