import { useEffect, useRef, useState } from 'preact/hooks';
import { signIn } from '../api/auth';
import { session } from '../api/session';
import { ErrorBox } from '../components/ErrorBox';
import { useAction } from '../lib/hooks';

/** The sign-in page (a new tab, or after signing out). */
export function SignIn({ notice }: { notice?: string }) {
  return (
    <main id="main" class="signin">
      <SignInForm notice={notice} Title="h1" />
    </main>
  );
}

/**
 * Sign-in over the console when the session ended without the person signing out: the page behind
 * stays as it was (unsaved edits too) and is inert until they sign in. It cannot be dismissed: a
 * browser that closes it anyway (Escape twice) gets it back.
 */
export function SignInAgain({ notice }: { notice?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const previous = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      setTimeout(() => previous?.isConnected && previous.focus(), 0);
    };
  }, []);
  const reopen = () => {
    if (!session.token()) ref.current?.showModal();
  };
  return (
    <dialog
      ref={ref}
      class="signin-again"
      aria-labelledby="signin-title"
      onCancel={(e) => e.preventDefault()}
      onClose={reopen}
    >
      <SignInForm notice={notice} Title="h2" />
    </dialog>
  );
}

/** Sign in with an API client's id and secret (client credentials, like any API client). */
function SignInForm({ notice, Title }: { notice?: string; Title: 'h1' | 'h2' }) {
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const action = useAction(signIn);
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(clientId.trim(), clientSecret);
  };
  return (
    <form onSubmit={submit} class="card" aria-labelledby="signin-title">
      <Title id="signin-title">Sign in to idprofiles</Title>
      <p class="muted">
        Use an API client's id and secret (the server prints one on first start; more with{' '}
        <code>idprofiles clients create</code>).
      </p>
      {notice && !action.error && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={action.error} title="Sign-in failed" />
      <label for="clientId">Client id</label>
      <input
        id="clientId"
        name="clientId"
        autocomplete="username"
        required
        value={clientId}
        onInput={(e) => setClientId(e.currentTarget.value)}
      />
      <label for="clientSecret">Client secret</label>
      <input
        id="clientSecret"
        name="clientSecret"
        type="password"
        autocomplete="current-password"
        required
        value={clientSecret}
        onInput={(e) => setClientSecret(e.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled={action.busy}>
        {action.busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
