/**
 * The overview: posture per framework and SOC 2 group, trend, findings, failing controls, sources —
 * all from one call (GET /api/v1/overview), refreshed on live events.
 */
import type { ControlStatus, Overview } from '../api/shapes.ts';
import { Async, Badge, Bar, Empty, Link, PageHead } from '../components/ui.tsx';
import { pct, relTime } from '../lib/format.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';

type Counts = Record<ControlStatus, number>;

function statusParts(c: Counts) {
  return [
    { n: c.pass, cls: 'pass', label: 'passing' },
    { n: c.fail, cls: 'fail', label: 'failing' },
    { n: c.stale + c.error, cls: 'stale', label: 'stale or error' },
    { n: c.no_data + c.not_applicable, cls: 'none', label: 'no data' },
  ];
}

function PostureRow({ label, href, byStatus, total, title }: { label: string; href: string; byStatus: Counts; total: number; title?: string }) {
  const parts = statusParts(byStatus);
  return (
    <div className="posture-row">
      <span>
        <Link href={href}>{label}</Link>
        {title && <span className="small muted"> {title}</span>}
      </span>
      <Bar parts={parts} label={label} />
      <span className="small" title={`${parts[0]!.n} of ${total} passing`}>
        {parts[0]!.n}/{total}
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

function Posture({ overview }: { overview: Overview }) {
  return (
    <div className="grid wide">
      <section className="card" aria-labelledby="fw-h">
        <h2 id="fw-h">Posture by framework</h2>
        <p className="small muted">Requirements by the current status of their controls (passing of all).</p>
        {overview.frameworks.map((f) => (
          <PostureRow key={f.id} label={f.name} href={`/frameworks/${f.id}`} byStatus={f.byStatus} total={f.requirements} />
        ))}
        <Legend />
      </section>
      {overview.soc2Groups.length > 0 && (
        <section className="card" aria-labelledby="soc2-h">
          <h2 id="soc2-h">SOC 2 by category</h2>
          <p className="small muted">Trust services criteria, by category.</p>
          {overview.soc2Groups.map((g) => (
            <PostureRow key={g.group} label={g.group} title={g.title} href={`/frameworks/soc2#group-${encodeURIComponent(g.group)}`} byStatus={g.byStatus} total={g.requirements} />
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
 * Automated controls per day by state, stacked (the last 90 days; for an auditor, their latest
 * audit period), as the server counts them from each control's timeline. Days without data are
 * shown as such, never as passing.
 */
function Trend({ trend }: { trend: Overview['trend'] }) {
  if (!trend) return <p className="muted">No audit period yet.</p>;
  if (!trend.controls || !trend.days.length) return <p className="muted">No automated controls yet.</p>;
  const days: Day[] = trend.days.map((d) => ({ date: d.date, passing: d.passing, failing: d.failing, stale: d.stale, total: trend.controls }));
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
          {trend.controls} automated controls, {days[0]!.date} → {last.date} (UTC days).{' '}
          {first ? `Evidence since ${first.date}; ` : ''}today {pct(last.passing, last.total)} passing, {pct(last.failing, last.total)} failing.
        </p>
      </figcaption>
    </figure>
  );
}

function FindingsCard({ findings }: { findings: Overview['findings'] }) {
  const rows = findings.bySeverity.filter((r) => r.on_track + r.at_risk + r.overdue + r.muted > 0);
  return (
    <section className="card" aria-labelledby="f-h">
      <h2 id="f-h">
        Open findings <Link href="/findings">Work queue</Link>
      </h2>
      {!rows.length ? (
        <p className="muted">No open findings.</p>
      ) : (
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
      )}
    </section>
  );
}

function SourcesCard({ sources }: { sources: Overview['sources'] }) {
  return (
    <section className="card" aria-labelledby="s-h">
      <h2 id="s-h">
        Source health <Link href="/sources">Sources</Link>
      </h2>
      {sources.length ? (
        <ul className="steps">
          {sources.map((s) => (
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
      )}
</section>
  );
}

export function OverviewPage() {
  const overview = useApi<Overview>('/api/v1/overview', undefined, { live: true });
  const canSeeSources = useCan('read:operations');
  return (
    <>
      <PageHead title="Overview" intro="Where the compliance program stands right now, and how it got here." />
      <Async state={overview} what="the overview">
        {(o) => {
          const c = o.controls;
          const total = Object.values(c).reduce((n, x) => n + x, 0);
          return (
            <>
              <section className="card" aria-labelledby="c-h" style={{ marginBottom: '1rem' }}>
                <h2 id="c-h">Controls</h2>
                <div className="stats">
                  <div>
                    <div className="stat">{total}</div>
                    <div className="small muted">controls</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--pass)' }}>{c.pass}</div>
                    <div className="small muted">passing</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--fail)' }}>{c.fail + c.error}</div>
                    <div className="small muted">failing</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--stale)' }}>{c.stale}</div>
                    <div className="small muted">stale</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--muted)' }}>{c.no_data}</div>
                    <div className="small muted">no data</div>
                  </div>
                </div>
              </section>
              <Posture overview={o} />
              <div className="grid wide">
                <section className="card" aria-labelledby="fc-h">
                  <h2 id="fc-h">
                    Failing controls <Link href="/controls?status=fail">All</Link>
                  </h2>
                  {o.failingControls.length ? (
                    <ul className="steps">
                      {o.failingControls.slice(0, 12).map((f) => (
                        <li key={f.id}>
                          <Badge value={f.status} /> <Link href={`/controls/${encodeURIComponent(f.id)}`}>{f.title}</Link>{' '}
                          <span className="small muted">
                            {f.failingResults} failing resource{f.failingResults === 1 ? '' : 's'} · {f.owner ?? f.ownerRole}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">No control is failing.</p>
                  )}
                </section>
                <FindingsCard findings={o.findings} />
              </div>
              <div className="grid wide">
                <section className="card" aria-labelledby="t-h">
                  <h2 id="t-h">Trend</h2>
                  <Trend trend={o.trend} />
                </section>
                {canSeeSources && <SourcesCard sources={o.sources} />}
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}
