/** The overview: posture per framework and SOC 2 category, trend, findings, failing controls, sources. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Control, Coverage, Framework, FindingSummary, Source, Timeline } from '../api/shapes.ts';
import { Async, Badge, Bar, Empty, ErrorBox, Link, Loading, PageHead } from '../components/ui.tsx';
import { pct, relTime } from '../lib/format.ts';
import { pool } from '../lib/pool.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';

function statusParts(statuses: string[]) {
  const n = (f: (s: string) => boolean) => statuses.filter(f).length;
  return [
    { n: n((s) => s === 'pass'), cls: 'pass', label: 'passing' },
    { n: n((s) => s === 'fail'), cls: 'fail', label: 'failing' },
    { n: n((s) => s === 'stale' || s === 'error'), cls: 'stale', label: 'stale or error' },
    { n: n((s) => s === 'no_data' || s === 'not_applicable'), cls: 'none', label: 'no data' },
  ];
}

function PostureRow({ label, href, statuses, title }: { label: string; href: string; statuses: string[]; title?: string }) {
  const parts = statusParts(statuses);
  return (
    <div className="posture-row">
      <span>
        <Link href={href}>{label}</Link>
        {title && <span className="small muted"> {title}</span>}
      </span>
      <Bar parts={parts} label={label} />
      <span className="small" title={`${parts[0]!.n} of ${statuses.length} passing`}>
        {parts[0]!.n}/{statuses.length}
      </span>
    </div>
  );
}

function Legend() {
  return (
    <div className="legend" aria-hidden="true">
      <span><i className="d-passing" />passing</span>
      <span><i className="d-failing" />failing</span>
      <span><i className="d-stale" />stale or error</span>
      <span><i className="d-no_data" />no data yet</span>
    </div>
  );
}

function Posture() {
  const frameworks = useApi<Framework[]>('/api/v1/frameworks');
  const soc2Detail = useApi<{ requirementList: { group: string; groupTitle: string }[] }>('/api/v1/frameworks/soc2');
  const [coverage, setCoverage] = useState<Coverage[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (!frameworks.data) return;
    pool(frameworks.data, 2, (f) => api.get<Coverage>(`/api/v1/frameworks/${encodeURIComponent(f.id)}/coverage`)).then(setCoverage, setError);
  }, [frameworks.data]);
  if (frameworks.error || error) return <ErrorBox error={(frameworks.error ?? error)!} retry={frameworks.reload} />;
  if (!coverage || !frameworks.data) return <Loading what="posture" />;
  const soc2 = coverage.find((c) => c.framework === 'soc2');
  const groups = soc2 ? [...new Set(soc2.requirements.map((r) => r.group))] : [];
  const groupTitle = new Map((soc2Detail.data?.requirementList ?? []).map((r) => [r.group, r.groupTitle]));
  return (
    <div className="grid wide">
      <section className="card" aria-labelledby="fw-h">
        <h2 id="fw-h">Posture by framework</h2>
        <p className="small muted">Requirements by the current status of their controls (passing of all).</p>
        {frameworks.data.map((f, i) => (
          <PostureRow key={f.id} label={f.name} href={`/frameworks/${f.id}`} statuses={coverage[i]!.requirements.map((r) => r.status)} />
        ))}
        <Legend />
      </section>
      {soc2 && (
        <section className="card" aria-labelledby="soc2-h">
          <h2 id="soc2-h">SOC 2 by category</h2>
          <p className="small muted">Trust services criteria, by category.</p>
          {groups.map((g) => (
            <PostureRow key={g} label={g} title={groupTitle.get(g)} href={`/frameworks/soc2#group-${encodeURIComponent(g)}`} statuses={soc2.requirements.filter((r) => r.group === g).map((r) => r.status)} />
          ))}
          <Legend />
        </section>
      )}
    </div>
  );
}

interface Day {
  date: string;
  passing: number;
  failing: number;
  stale: number;
  total: number;
}

/**
 * Automated controls per day by state, stacked, from each control's timeline (the last 90 days;
 * for an auditor, their latest audit period). Days without data are shown as such, never as passing.
 */
function Trend({ controls }: { controls: Control[] }) {
  const [days, setDays] = useState<Day[]>();
  const [error, setError] = useState<Error>();
  const ids = controls.filter((c) => c.automated).map((c) => c.id);
  const key = ids.join(',');
  useEffect(() => {
    if (!ids.length) return setDays([]);
    pool(ids, 3, (id) => api.get<Timeline>(`/api/v1/controls/${encodeURIComponent(id)}/timeline`)).then((ts) => {
      const by = new Map<string, Day>();
      for (const t of ts)
        for (const d of t.days) {
          const e = by.get(d.date) ?? { date: d.date, passing: 0, failing: 0, stale: 0, total: 0 };
          e.total++;
          if (d.state === 'passing') e.passing++;
          else if (d.state === 'failing') e.failing++;
          else if (d.state === 'stale') e.stale++;
          by.set(d.date, e);
        }
      setDays([...by.values()].sort((a, b) => a.date.localeCompare(b.date)));
    }, setError);
    // `key` stands for the list of ids.
  }, [key]);
  if (error) return <ErrorBox error={error} />;
  if (!days) return <Loading what="the trend" />;
  if (!days.length) return <p className="muted">No automated controls yet.</p>;
  const h = 100;
  const bw = 6;
  const last = days[days.length - 1]!;
  const first = days.find((d) => d.passing + d.failing + d.stale > 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="trend"
        viewBox={`0 0 ${days.length * bw} ${h}`}
        width="100%"
        height="120"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Automated controls by state each day from ${days[0]!.date} to ${last.date}. On ${last.date}: ${last.passing} passing, ${last.failing} failing, ${last.stale} stale, ${last.total - last.passing - last.failing - last.stale} without data.`}
      >
        {days.map((d, i) => {
          const seg = [
            ['pass', d.passing],
            ['fail', d.failing],
            ['stale', d.stale],
            ['none', d.total - d.passing - d.failing - d.stale],
          ] as const;
          let y = h;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.passing} passing, ${d.failing} failing, ${d.stale} stale`}</title>
              {seg.map(([cls, n]) => {
                const height = d.total ? (n / d.total) * h : 0;
                y -= height;
                return n ? <rect key={cls} className={cls} x={i * bw} y={y} width={bw - 1} height={height} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <div className="legend">
          <span><i className="d-passing" />passing</span>
          <span><i className="d-failing" />failing</span>
          <span><i className="d-stale" />stale or error</span>
          <span><i className="d-no_data" />no data</span>
        </div>
        <p className="small muted" style={{ margin: '0.25rem 0 0' }}>
          {ids.length} automated controls, {days[0]!.date} → {last.date} (UTC days).{' '}
          {first ? `Evidence since ${first.date}; ` : ''}today {pct(last.passing, last.total)} passing, {pct(last.failing, last.total)} failing.
        </p>
      </figcaption>
    </figure>
  );
}

function FindingsCard() {
  const state = useApi<FindingSummary>('/api/v1/findings/summary', undefined, { live: true });
  return (
    <section className="card" aria-labelledby="f-h">
      <h2 id="f-h">
        Open findings <Link href="/findings">Work queue</Link>
      </h2>
      <Async state={state} what="findings">
        {(s) => {
          const rows = s.active.filter((r) => r.on_track + r.at_risk + r.overdue + r.muted > 0);
          if (!rows.length) return <p className="muted">No open findings.</p>;
          return (
            <table>
              <thead>
                <tr>
                  <th>Severity</th>
                  <th className="num">Overdue</th>
                  <th className="num">At risk</th>
                  <th className="num">On track</th>
                  <th className="num">Muted</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.severity}>
                    <td>
                      <Link href={`/findings?severity=${r.severity}`}>
                        <Badge value={r.severity} />
                      </Link>
                    </td>
                    <td className="num">{r.overdue ? <Link href={`/findings?severity=${r.severity}&sla=overdue`}>{r.overdue}</Link> : 0}</td>
                    <td className="num">{r.at_risk ? <Link href={`/findings?severity=${r.severity}&sla=at_risk`}>{r.at_risk}</Link> : 0}</td>
                    <td className="num">{r.on_track}</td>
                    <td className="num">{r.muted}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Async>
    </section>
  );
}

function SourcesCard() {
  const state = useApi<Source[]>('/api/v1/sources', undefined, { live: true });
  return (
    <section className="card" aria-labelledby="s-h">
      <h2 id="s-h">
        Source health <Link href="/sources">Sources</Link>
      </h2>
      <Async state={state} what="sources">
        {(list) =>
          list.length ? (
            <ul className="steps">
              {list.map((s) => (
                <li key={s.name} className="actions" style={{ justifyContent: 'space-between' }}>
                  <span>
                    <strong>{s.name}</strong> <span className="small muted">{s.title}</span>
                  </span>
                  <span className="small">
                    <Badge value={s.status === 'ok' ? 'healthy' : s.status === 'partial' ? 'degraded' : s.status === 'failing' ? 'failing' : 'never'} label={s.status === 'never_run' ? 'never run' : s.status} />{' '}
                    {s.lastSuccessAt ? `ok ${relTime(s.lastSuccessAt)}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty title="No sources">Add one on the Sources page.</Empty>
          )
        }
      </Async>
    </section>
  );
}

export function OverviewPage() {
  const controls = useApi<Control[]>('/api/v1/controls', undefined, { live: true });
  const canSeeSources = useCan('read:operations');
  return (
    <>
      <PageHead title="Overview" intro="Where the compliance program stands right now, and how it got here." />
      <Async state={controls} what="controls">
        {(list) => {
          const failing = list.filter((c) => c.status === 'fail' || c.status === 'error');
          const count = (s: string[]) => list.filter((c) => s.includes(c.status)).length;
          return (
            <>
              <section className="card" aria-labelledby="c-h" style={{ marginBottom: '1rem' }}>
                <h2 id="c-h">Controls</h2>
                <div className="stats">
                  <div>
                    <div className="stat">{list.length}</div>
                    <div className="small muted">controls</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--pass)' }}>{count(['pass'])}</div>
                    <div className="small muted">passing</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--fail)' }}>{count(['fail', 'error'])}</div>
                    <div className="small muted">failing</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--stale)' }}>{count(['stale'])}</div>
                    <div className="small muted">stale</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--muted)' }}>{count(['no_data'])}</div>
                    <div className="small muted">no data</div>
                  </div>
                </div>
              </section>
              <Posture />
              <div className="grid wide">
                <section className="card" aria-labelledby="fc-h">
                  <h2 id="fc-h">
                    Failing controls <Link href="/controls?status=fail">All</Link>
                  </h2>
                  {failing.length ? (
                    <ul className="steps">
                      {failing.slice(0, 12).map((c) => (
                        <li key={c.id}>
                          <Badge value={c.status} /> <Link href={`/controls/${encodeURIComponent(c.id)}`}>{c.title}</Link>{' '}
                          <span className="small muted">
                            {c.results.fail ?? 0} failing resource{c.results.fail === 1 ? '' : 's'} · {c.owner ?? c.ownerRole}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">No control is failing.</p>
                  )}
                </section>
                <FindingsCard />
              </div>
              <div className="grid wide">
                <section className="card" aria-labelledby="t-h">
                  <h2 id="t-h">Trend</h2>
                  <Trend controls={list} />
                </section>
                {canSeeSources && <SourcesCard />}
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}
