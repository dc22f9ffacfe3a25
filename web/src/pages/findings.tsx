/** Findings: the work queue (filters, paging, bulk actions) and one finding with its history. */
import { useEffect, useState } from 'react';
import type { Finding, FindingDetail } from '../api/shapes.ts';
import type { Page } from '../api/types.ts';
import { api } from '../api/client.ts';
import { FindingActions } from '../components/finding-actions.tsx';
import { Async, Badge, Empty, ErrorBox, Link, Loading, PageHead } from '../components/ui.tsx';
import { fmtTime, humanize, relTime } from '../lib/format.ts';
import { useLive } from '../lib/live.ts';
import { setQuery, useLocation } from '../lib/router.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';

const FILTERS = ['status', 'severity', 'sla', 'owner', 'source', 'control', 'check', 'sort'] as const;

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: [string, string][] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => setQuery({ [name]: e.target.value })}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

function useQueue(query: Record<string, string>) {
  const key = JSON.stringify(query);
  const [pages, setPages] = useState<{ items: Finding[]; next: string | null; total?: number }>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    api
      .get<Page<Finding>>('/api/v1/findings', { ...query, limit: 50, includeTotal: true }, { signal: ctl.signal })
      .then((p) => {
        setPages({ items: p.items, next: p.nextCursor, total: p.total });
        setError(undefined);
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(e))
      .finally(() => setLoading(false));
    return () => ctl.abort();
    // The key stands for the query.
  }, [key, tick]);
  const more = async () => {
    if (!pages?.next) return;
    setLoading(true);
    try {
      const p = await api.get<Page<Finding>>('/api/v1/findings', { ...query, limit: 50, cursor: pages.next });
      setPages({ items: [...pages.items, ...p.items], next: p.nextCursor, total: pages.total });
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };
  const reload = () => setTick((t) => t + 1);
  return { pages, error, loading, more, reload };
}

export function FindingsPage() {
  const { search } = useLocation();
  const f = Object.fromEntries(FILTERS.map((k) => [k, search.get(k) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const query: Record<string, string> = Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  const q = useQueue(query);
  useLive(q.reload);
  const canWork = useCan('findings:work');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const items = q.pages?.items ?? [];
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));
  const toggle = (id: string) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setSelected(s);
  };
  const done = () => {
    setSelected(new Set());
    q.reload();
  };
  return (
    <>
      <PageHead title="Findings" intro="One finding per failing check and resource, with an owner and a due date from its severity's SLA." />
      <div className="filters" role="search" aria-label="Filter findings">
        <Select name="status" label="Status" value={f.status} options={[['', 'active (open, acknowledged, muted)'], ['open', 'open'], ['acknowledged', 'acknowledged'], ['muted', 'muted'], ['resolved', 'resolved']]} />
        <Select name="severity" label="Severity" value={f.severity} options={[['', 'any'], ['critical', 'critical'], ['high', 'high'], ['medium', 'medium'], ['low', 'low'], ['info', 'info']]} />
        <Select name="sla" label="SLA" value={f.sla} options={[['', 'any'], ['overdue', 'overdue'], ['at_risk', 'at risk'], ['on_track', 'on track']]} />
        <label>
          Owner
          <input value={f.owner} placeholder="email, or me" onChange={(e) => setQuery({ owner: e.target.value })} />
        </label>
        <label>
          Source
          <input value={f.source} placeholder="e.g. okta" onChange={(e) => setQuery({ source: e.target.value })} />
        </label>
        <Select name="sort" label="Sort by" value={f.sort} options={[['', 'due date'], ['severity', 'severity'], ['opened', 'opened'], ['updated', 'last change']]} />
        {(f.control || f.check) && (
          <div className="small">
            {f.control && <>Control <code>{f.control}</code> </>}
            {f.check && <>Check <code>{f.check}</code> </>}
            <button className="link" onClick={() => setQuery({ control: undefined, check: undefined })}>
              clear
            </button>
          </div>
        )}
      </div>
      {canWork && selected.size > 0 && (
        <div className="notice actions" style={{ marginBottom: '0.75rem' }}>
          <strong>{selected.size} selected</strong>
          <FindingActions ids={[...selected]} onDone={done} />
          <button className="link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {q.error && <ErrorBox error={q.error} retry={q.reload} />}
      {!q.pages && !q.error && <Loading what="findings" />}
      {q.pages && !items.length && (
        <Empty title="No findings match">{Object.keys(query).length ? 'Clear a filter to see more.' : 'Nothing is failing. Findings appear here when a check fails.'}</Empty>
      )}
      {items.length > 0 && (
        <>
          <p className="small muted" aria-live="polite">
            {q.pages?.total !== undefined ? `${q.pages.total} finding${q.pages.total === 1 ? '' : 's'}` : ''} · showing {items.length}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  {canWork && (
                    <th>
                      <input type="checkbox" aria-label="Select all shown" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.id)))} />
                    </th>
                  )}
                  <th>Finding</th>
                  <th>Severity</th>
                  <th>Status</th>
                  <th>Owner</th>
                  <th>Due</th>
                  <th>Source</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.id}>
                    {canWork && (
                      <td>
                        <input type="checkbox" aria-label={`Select ${i.title} on ${i.resource}`} checked={selected.has(i.id)} onChange={() => toggle(i.id)} />
                      </td>
                    )}
                    <td>
                      <Link href={`/findings/${encodeURIComponent(i.id)}`}>{i.title}</Link>
                      <div className="small mono muted">{i.resource}</div>
                    </td>
                    <td>
                      <Badge value={i.severity} />
                    </td>
                    <td>
                      <Badge value={i.status} />
                    </td>
                    <td className="small">{i.owner ?? <span className="muted">unassigned</span>}</td>
                    <td className="small">
                      {i.slaState ? <Badge value={i.slaState} /> : null}
                      <div title={fmtTime(i.dueAt)}>{relTime(i.dueAt)}</div>
                    </td>
                    <td className="small">{i.source ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.pages?.next && (
            <p>
              <button className="secondary" onClick={() => void q.more()} disabled={q.loading}>
                {q.loading ? 'Loading…' : 'Show more'}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

export function FindingDetailPage({ id }: { id: string }) {
  const state = useApi<FindingDetail>(`/api/v1/findings/${encodeURIComponent(id)}`, undefined, { live: true });
  return (
    <Async state={state} what="the finding">
      {(f) => (
        <>
          <PageHead title={f.title} crumbs={[{ href: '/findings', label: 'Findings' }]} intro={<span className="mono">{f.resource}</span>}>
            <Badge value={f.severity} />
            <Badge value={f.status} />
            {f.slaState && <Badge value={f.slaState} />}
          </PageHead>
          {f.canWork && f.status !== 'resolved' && (
            <div style={{ marginBottom: '1rem' }}>
              <FindingActions ids={[f.id]} onDone={state.reload} />
            </div>
          )}
          <div className="grid wide">
            <section className="card" aria-labelledby="what-h">
              <h2 id="what-h">What failed and why</h2>
              <p>{f.reason}</p>
              <h3>How to fix it</h3>
              <p>{f.remediation ?? <span className="muted">The check gives no remediation.</span>}</p>
            </section>
            <section className="card" aria-labelledby="facts-h">
              <h2 id="facts-h">Details</h2>
              <dl className="facts">
                <dt>Owner</dt>
                <dd>{f.owner ?? 'unassigned'}</dd>
                <dt>Due</dt>
                <dd>
                  {fmtTime(f.dueAt)} ({relTime(f.dueAt)})
                </dd>
                <dt>Opened</dt>
                <dd>{fmtTime(f.openedAt)}</dd>
                <dt>Check</dt>
                <dd className="mono">{f.check}</dd>
                <dt>Controls</dt>
                <dd>
                  {f.controls.map((c, i) => (
                    <span key={c}>
                      {i > 0 && ', '}
                      <Link href={`/controls/${encodeURIComponent(c)}`}>{c}</Link>
                    </span>
                  ))}
                </dd>
                <dt>Source</dt>
                <dd>{f.source ?? '—'}</dd>
                {f.reopenedCount > 0 && (
                  <>
                    <dt>Reopened</dt>
                    <dd>{f.reopenedCount} times</dd>
                  </>
                )}
                {f.mute && (
                  <>
                    <dt>Muted</dt>
                    <dd>
                      “{f.mute.reason}” — approved by {f.mute.approver ?? '—'}, until {fmtTime(f.mute.expiresAt)}
                    </dd>
                  </>
                )}
              </dl>
            </section>
          </div>
          <section className="card" aria-labelledby="hist-h">
            <h2 id="hist-h">History</h2>
            {f.history.length ? (
              <ol className="steps">
                {f.history.map((h, i) => (
                  <li key={i}>
                    <span className="small muted">{fmtTime(h.at)}</span> — <strong>{humanize(h.action)}</strong>
                    {h.from || h.to ? ` (${h.from ?? '—'} → ${h.to ?? '—'})` : ''} by {h.actor}
                    {h.note && <div className="small">“{h.note}”</div>}
                    {h.evidence && (
                      <div className="small">
                        <Link href={`/evidence/${encodeURIComponent(h.evidence)}`}>evidence record</Link>
                      </div>
                    )}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">No history yet.</p>
            )}
          </section>
        </>
      )}
    </Async>
  );
}
