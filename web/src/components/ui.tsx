/** Shared pieces: links, page heading, the three states every page has, badges. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { humanize } from '../lib/format.ts';
import { linkClick } from '../lib/router.ts';
import type { Loaded } from '../lib/use-api.ts';

export function Link({ href, children, className, ...rest }: { href: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined; 'aria-label'?: string }) {
  return (
    <a href={href} className={className} onClick={(e) => linkClick(e, href)} {...rest}>
      {children}
    </a>
  );
}

export function PageHead({ title, intro, crumbs, children }: { title: string; intro?: ReactNode; crumbs?: { href: string; label: string }[]; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        {crumbs && (
          <nav className="crumbs" aria-label="Breadcrumb">
            {crumbs.map((c, i) => (
              <span key={c.href}>
                {i > 0 && ' / '}
                <Link href={c.href}>{c.label}</Link>
              </span>
            ))}
          </nav>
        )}
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
      </div>
      {children && <div className="actions">{children}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div className="error" role="alert">
      <strong>{e?.status === 403 ? 'Not allowed. ' : e?.status === 404 ? 'Not found. ' : 'Something went wrong. '}</strong>
      {error.message}
      {e?.where && <span className="small"> ({e.where})</span>}
      {e?.hint && <div className="small">What to do: {e.hint}</div>}
      {retry && (
        <div style={{ marginTop: '0.5rem' }}>
          <button className="secondary" onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** Render loading, error or the data; keeps showing old data while a refetch runs. */
export function Async<T>({ state, what, children }: { state: Loaded<T>; what: string; children: (data: T) => ReactNode }) {
  if (state.data !== undefined) {
    return (
      <>
        {state.error && <ErrorBox error={state.error} retry={state.reload} />}
        {children(state.data)}
      </>
    );
  }
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  return <Loading what={what} />;
}

const tone: Record<string, string> = {
  pass: 'pass', passing: 'pass', ok: 'pass', healthy: 'pass', resolved: 'pass', on_track: 'pass', direct: 'info', covered: 'pass', succeeded: 'pass', active: 'pass',
  fail: 'fail', failing: 'fail', error: 'fail', critical: 'fail', high: 'fail', overdue: 'fail', open: 'fail', failed: 'fail', gap: 'fail', uncovered: 'fail',
  stale: 'stale', muted: 'stale', degraded: 'warn', at_risk: 'warn', medium: 'warn', acknowledged: 'warn', partial: 'warn', supporting: 'none',
  no_data: 'none', not_applicable: 'none', low: 'none', info: 'none', never: 'none', disabled: 'none', pending: 'none',
};

export function Badge({ value, label }: { value: string | null | undefined; label?: string }) {
  const v = value ?? 'no_data';
  return <span className={`badge b-${tone[v] ?? 'none'}`}>{label ?? humanize(v)}</span>;
}

export function Bar({ parts, label }: { parts: { n: number; cls: string; label: string }[]; label: string }) {
  const total = parts.reduce((s, p) => s + p.n, 0);
  const text = parts.filter((p) => p.n).map((p) => `${p.n} ${p.label}`).join(', ') || 'no data';
  return (
    <div className="bar" role="img" aria-label={`${label}: ${text}`} title={text}>
      {total > 0 && parts.map((p) => (p.n ? <span key={p.cls} className={p.cls} style={{ width: `${(100 * p.n) / total}%` }} /> : null))}
    </div>
  );
}
