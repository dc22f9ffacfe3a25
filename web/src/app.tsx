/** The dashboard: session, then either a sign-in/setup page or the shell with the signed-in pages. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, onSignedOut } from './api/client.ts';
import type { Session } from './api/types.ts';
import { ErrorBox, Link, Loading } from './components/ui.tsx';
import { setLiveAllowed, useLive, useLiveStatus } from './lib/live.ts';
import { match, navigate, useLocation } from './lib/router.ts';
import { SessionContext, type SessionState } from './lib/session.tsx';
import { InvitePage, SetupPage, SignInPage } from './pages/auth.tsx';
import { ControlDetailPage, ControlsPage } from './pages/controls.tsx';
import { EvidenceDetailPage, EvidencePage } from './pages/evidence.tsx';
import { FindingDetailPage, FindingsPage } from './pages/findings.tsx';
import { FrameworkPage, FrameworksPage } from './pages/frameworks.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { SourcesPage } from './pages/sources.tsx';

const nav: { href: string; label: string; needs?: string }[] = [
  { href: '/', label: 'Overview' },
  { href: '/controls', label: 'Controls' },
  { href: '/findings', label: 'Findings' },
  { href: '/evidence', label: 'Evidence' },
  { href: '/sources', label: 'Sources', needs: 'read:operations' },
  { href: '/frameworks', label: 'Frameworks' },
  { href: '/settings', label: 'Settings' },
];

const routes: [string, (p: Record<string, string>) => ReactNode][] = [
  ['/', () => <OverviewPage />],
  ['/controls', () => <ControlsPage />],
  ['/controls/:id', (p) => <ControlDetailPage id={p.id!} />],
  ['/findings', () => <FindingsPage />],
  ['/findings/:id', (p) => <FindingDetailPage id={p.id!} />],
  ['/evidence', () => <EvidencePage />],
  ['/evidence/:id', (p) => <EvidenceDetailPage id={p.id!} />],
  ['/sources', () => <SourcesPage />],
  ['/frameworks', () => <FrameworksPage />],
  ['/frameworks/:id', (p) => <FrameworkPage id={p.id!} />],
  ['/settings', () => <SettingsPage />],
];

const noop = () => undefined;

function isCurrent(href: string, path: string) {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

function Shell({ session, children }: { session: SessionState; children: ReactNode }) {
  const { path } = useLocation();
  const firstPath = useRef(path);
  useEffect(() => {
    // After a client-side navigation, start keyboard and screen-reader users at the new content.
    if (path !== firstPath.current) document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  const live = useLiveStatus();
  // The stream stays open on every page, so the indicator below tells the truth everywhere.
  useLive(noop);
  const signOut = async () => {
    await api.post('/api/v1/auth/sign-out').catch(() => undefined);
    await session.refresh();
    navigate('/');
  };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="side">
        <Link href="/" className="brand">
          <span className="brand-dot" aria-hidden="true" /> Vigil
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav
              .filter((n) => !n.needs || session.permissions.includes(n.needs))
              .map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={isCurrent(n.href, path) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          <div>
            {session.user?.name || session.user?.email} · <span>{session.user?.role}</span>
          </div>
          {session.permissions.includes('read:operations') && (
            <div className={`live ${live.status === 'live' ? 'on' : ''}`} title={live.lastEvent ? `last change: ${live.lastEvent}` : undefined}>
              {live.status === 'live' ? 'Live updates on' : live.status === 'connecting' ? 'Connecting…' : 'Live updates off'}
            </div>
          )}
          <button className="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function App() {
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<Error>();
  const { path } = useLocation();
  const refresh = useCallback(async () => {
    try {
      setSession(await api.get<Session>('/api/v1/auth/session'));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, []);
  useEffect(() => {
    void refresh();
    return onSignedOut(() => void refresh());
  }, [refresh]);
  const canLive = session?.permissions.includes('read:operations') ?? false;
  useEffect(() => setLiveAllowed(canLive), [canLive]);

  if (path === '/setup') return <SetupPage onDone={refresh} />;
  if (path === '/invite') return <InvitePage onDone={refresh} />;
  if (error && !session) return <main className="center"><ErrorBox error={error} retry={() => void refresh()} /></main>;
  if (!session) return <main className="center"><Loading what="Vigil" /></main>;
  if (!session.user) return <SignInPage onDone={refresh} setupRequired={session.setupRequired} oidc={session.oidc} />;

  const state: SessionState = { ...session, refresh };
  let page: ReactNode = null;
  for (const [pattern, render] of routes) {
    const p = match(pattern, path);
    if (p) {
      page = render(p);
      break;
    }
  }
  return (
    <SessionContext.Provider value={state}>
      <Shell session={state}>
        {page ?? (
          <div className="state">
            <h3>No page here</h3>
            <Link href="/">Go to the overview</Link>
          </div>
        )}
      </Shell>
    </SessionContext.Provider>
  );
}
