import { useState } from 'preact/hooks';
import { signIn } from '../api/auth';
import { ErrorBox } from '../components/ErrorBox';
import { useAction } from '../lib/hooks';

/** Sign in with an API client's id and secret (client credentials, like any API client). */
export function SignIn({ notice }: { notice?: string }) {
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const action = useAction(signIn);
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(clientId.trim(), clientSecret);
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={submit} class="card" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to idprofiles</h1>
        <p class="muted">Use an API client's id and secret (the server prints one on first start; more with <code>idprofiles clients create</code>).</p>
        {notice && !action.error && <p class="notice" role="status">{notice}</p>}
        <ErrorBox error={action.error} title="Sign-in failed" />
        <label for="clientId">Client id</label>
        <input id="clientId" name="clientId" autocomplete="username" required value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} />
        <label for="clientSecret">Client secret</label>
        <input id="clientSecret" name="clientSecret" type="password" autocomplete="current-password" required value={clientSecret} onInput={(e) => setClientSecret(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
