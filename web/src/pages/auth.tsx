/** Pages before the dashboard: first-run setup, accepting an invitation, signing in. */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Session, SignedIn } from '../api/types.ts';
import { ErrorBox } from '../components/ui.tsx';
import { fmtTime } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="center" id="main">
      <div className="card">
        <div className="brand">
          <span className="brand-dot" aria-hidden="true" /> Vigil
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

const tokenFromHash = () => new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

function useLink(): { token: string; info?: { purpose: string; email: string | null; name: string | null; expiresAt: string }; error?: Error } {
  const [token] = useState(tokenFromHash);
  const [state, setState] = useState<{ info?: { purpose: string; email: string | null; name: string | null; expiresAt: string }; error?: Error }>({});
  useEffect(() => {
    if (!token) return;
    // The token stays out of the address bar once read: no one should copy it from a screen share.
    history.replaceState(null, '', location.pathname);
    api.post<{ purpose: string; email: string | null; name: string | null; expiresAt: string }>('/api/v1/auth/links/inspect', { token }).then(
      (info) => setState({ info }),
      (error: Error) => setState({ error }),
    );
  }, [token]);
  return { token, ...state };
}

export function SetupPage({ onDone }: { onDone: () => Promise<void> }) {
  const link = useLink();
  const [form, setForm] = useState({ email: '', name: '', password: '', confirm: '' });
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (!link.token) {
    return (
      <Frame title="Set up Vigil">
        <p>Open the one-time setup link that <code>vigil start</code> printed in its terminal. It looks like <code>http://localhost:7700/setup#token=…</code> and is valid for 24 hours.</p>
        <p className="muted small">Lost it? Restart <code>vigil start</code> to print a new one.</p>
      </Frame>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (form.password !== form.confirm) return setError(new Error('the two passwords differ'));
    setBusy(true);
    setError(undefined);
    try {
      await api.post<SignedIn>('/api/v1/auth/setup', { token: link.token, email: form.email, name: form.name, password: form.password });
      await onDone();
      navigate('/', { replace: true });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Frame title="Create the first admin">
      {link.error && <ErrorBox error={link.error} />}
      {link.info && <p className="muted small">This link works once, until {fmtTime(link.info.expiresAt)}. There is no default password: the account you create here administers Vigil.</p>}
      <form className="stack" onSubmit={submit}>
        <label>
          Email
          <input type="email" required autoComplete="username" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Name
          <input autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Password <span className="field-help">At least 12 characters.</span>
          <input type="password" required minLength={12} autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        <label>
          Password again
          <input type="password" required autoComplete="new-password" value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} />
        </label>
        {error && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create admin and sign in'}
        </button>
      </form>
    </Frame>
  );
}

export function InvitePage({ onDone }: { onDone: () => Promise<void> }) {
  const link = useLink();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post<SignedIn>('/api/v1/auth/invitations/accept', { token: link.token, password });
      await onDone();
      navigate('/', { replace: true });
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Frame title={link.info?.name ? `Welcome, ${link.info.name}` : 'Accept your invitation'}>
      {!link.token && <p>Open the invitation link an admin sent you.</p>}
      {link.error && <ErrorBox error={link.error} />}
      {link.info && <p className="muted small">Choose a password for {link.info.email}. The link works once, until {fmtTime(link.info.expiresAt)}.</p>}
      <form className="stack" onSubmit={submit}>
        <label>
          Password <span className="field-help">At least 12 characters.</span>
          <input type="password" required minLength={12} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <ErrorBox error={error} />}
        <button type="submit" disabled={!link.token}>
          Set password and sign in
        </button>
      </form>
    </Frame>
  );
}

export function SignInPage({ onDone, setupRequired, oidc }: { onDone: () => Promise<void>; setupRequired: boolean; oidc: Session['oidc'] }) {
  const [form, setForm] = useState({ email: '', password: '' });
  // A sign-in with the identity provider that failed comes back with its reason in the URL.
  const [error, setError] = useState<Error | undefined>(() => {
    const reason = new URLSearchParams(window.location.search).get('signInError');
    return reason ? new Error(reason) : undefined;
  });
  const [busy, setBusy] = useState(false);
  if (setupRequired) {
    return (
      <Frame title="Vigil is waiting for its first admin">
        <p>
          No one has set up this Vigil yet. Open the one-time setup link printed in the terminal where <code>vigil start</code> runs (it looks like{' '}
          <code>/setup#token=…</code>).
        </p>
      </Frame>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post<SignedIn>('/api/v1/auth/sign-in', form);
      await onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const returnTo = `${window.location.pathname}${window.location.search.replace(/[?&]signInError=[^&]*/, '')}`;
  return (
    <Frame title="Sign in">
      {oidc && (
        <p>
          <a className="button" href={`${oidc.startUrl}?returnTo=${encodeURIComponent(returnTo || '/')}`}>
            Sign in with {oidc.label}
          </a>
        </p>
      )}
      {oidc && <p className="muted small">or with your Vigil password:</p>}
      <form className="stack" onSubmit={submit}>
        <label>
          Email
          <input type="email" required autoComplete="username" autoFocus value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Password
          <input type="password" required autoComplete="current-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        {error && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">No account? Ask an admin for an invitation.</p>
    </Frame>
  );
}
