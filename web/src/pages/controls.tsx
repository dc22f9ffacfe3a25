/** Controls: the list (status, owner, frequency, coverage) and one control in full. */
import { useState } from 'react';
import type { Control, ControlDetail, Result, Timeline } from '../api/shapes.ts';
import type { Page } from '../api/types.ts';
import { ResultsBar, TimelineView } from '../components/results.tsx';
import { Async, Badge, Empty, Link, PageHead } from '../components/ui.tsx';
import { fmtTime, humanize, relTime } from '../lib/format.ts';
import { setQuery, useLocation } from '../lib/router.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';
import { UploadEvidence } from '../components/upload-evidence.tsx';

const statusOrder = ['fail', 'error', 'stale', 'no_data', 'pass', 'not_applicable'];

export function ControlsPage() {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const framework = search.get('framework') ?? '';
  const owner = search.get('owner') ?? '';
  const q = search.get('q') ?? '';
  const state = useApi<Control[]>('/api/v1/controls', { status, framework }, { live: true });
  return (
    <>
      <PageHead title="Controls" intro="Each control is tested by its checks; its status is the worst of their current results. Missing evidence is never green." />
      <div className="filters" role="search">
        <label>
          Search
          <input type="search" value={q} placeholder="title, id or area" onChange={(e) => setQuery({ q: e.target.value })} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setQuery({ status: e.target.value })}>
            <option value="">any</option>
            {statusOrder.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Framework
          <select value={framework} onChange={(e) => setQuery({ framework: e.target.value })}>
            <option value="">any</option>
            <option value="soc2">SOC 2</option>
            <option value="iso27001">ISO 27001</option>
            <option value="nist800-171">NIST 800-171</option>
          </select>
        </label>
        <label>
          Owner
          <input value={owner} placeholder="email" onChange={(e) => setQuery({ owner: e.target.value })} />
        </label>
      </div>
      <Async state={state} what="controls">
        {(all) => {
          const needle = q.toLowerCase();
          const list = all
            .filter((c) => !needle || `${c.id} ${c.title} ${c.area}`.toLowerCase().includes(needle))
            .filter((c) => !owner || (c.owner ?? '').toLowerCase().includes(owner.toLowerCase()))
            .sort((a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status) || a.id.localeCompare(b.id));
          if (!list.length) return <Empty title="No controls match">Clear a filter to see more.</Empty>;
          return (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Controls, failing first</caption>
                <thead>
                  <tr>
                    <th>Control</th>
                    <th>Status</th>
                    <th>Owner</th>
                    <th>Frequency</th>
                    <th>Results</th>
                    <th>Coverage</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => {
                    const fw = [...new Set(c.requirements.map((r) => r.framework))];
                    return (
                      <tr key={c.id}>
                        <td>
                          <Link href={`/controls/${encodeURIComponent(c.id)}`}>{c.title}</Link>
                          <div className="small muted mono">{c.id}</div>
                        </td>
                        <td>
                          <Badge value={c.status} />
                        </td>
                        <td className="small">{c.owner ?? <span className="muted">unowned ({c.ownerRole})</span>}</td>
                        <td className="small">{c.frequency}</td>
                        <td style={{ minWidth: 120 }}>
                          {c.automated ? <ResultsBar results={c.results} label={`Results of ${c.title}`} /> : <span className="small muted">manual evidence</span>}
                        </td>
                        <td className="small">
                          {c.requirements.length} requirement{c.requirements.length === 1 ? '' : 's'}
                          <div className="muted">{fw.join(', ') || 'not mapped'}</div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          );
        }}
      </Async>
    </>
  );
}

function ResultsTable({ control }: { control: string }) {
  const [status, setStatus] = useState('fail,error,stale');
  const state = useApi<Page<Result>>('/api/v1/results', { control, status, limit: 100 }, { live: true });
  return (
    <section className="card" aria-labelledby="results-h">
      <h2 id="results-h">
        Results per resource
        <label className="inline small">
          <span className="visually-hidden">Show</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Which results to show">
            <option value="fail,error,stale">not passing</option>
            <option value="">all</option>
            <option value="pass">passing</option>
          </select>
        </label>
      </h2>
      <Async state={state} what="results">
        {(p) =>
          p.items.length ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Resource</th>
                    <th>Check</th>
                    <th>Status</th>
                    <th>Why</th>
                    <th>Since</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((r) => (
                    <tr key={`${r.check}|${r.resource}`}>
                      <td className="mono small">{r.resource}</td>
                      <td className="small">{r.title}</td>
                      <td>
                        <Badge value={r.muted ? 'muted' : r.status} />
                      </td>
                      <td className="small">
                        {r.reason}
                        {r.finding && (
                          <div>
                            <Link href={`/findings/${encodeURIComponent(r.finding)}`}>Open the finding</Link>
                          </div>
                        )}
                      </td>
                      <td className="small" title={fmtTime(r.since)}>
                        {relTime(r.since)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {p.nextCursor && <p className="small muted">Showing the first 100. Use the CLI or API for the full list.</p>}
            </div>
          ) : (
            <Empty title={status ? 'Nothing here' : 'No results yet'}>{status ? 'Every resource passes this control’s checks.' : 'Its checks have not run yet.'}</Empty>
          )
        }
      </Async>
    </section>
  );
}

export function ControlDetailPage({ id }: { id: string }) {
  const state = useApi<ControlDetail>(`/api/v1/controls/${encodeURIComponent(id)}`, undefined, { live: true });
  const timeline = useApi<Timeline>(`/api/v1/controls/${encodeURIComponent(id)}/timeline`);
  const canUpload = useCan('evidence:add');
  return (
    <Async state={state} what="the control">
      {(c) => (
        <>
          <PageHead title={c.title} crumbs={[{ href: '/controls', label: 'Controls' }]} intro={c.description}>
            <Badge value={c.status} />
          </PageHead>
          <div className="grid wide">
            <section className="card" aria-labelledby="about-h">
              <h2 id="about-h">About</h2>
              <dl className="facts">
                <dt>Id</dt>
                <dd className="mono">{c.id}</dd>
                <dt>Owner</dt>
                <dd>{c.owner ?? `unowned (role: ${c.ownerRole})`}</dd>
                <dt>Frequency</dt>
                <dd>{c.frequency}</dd>
                <dt>Area</dt>
                <dd>{c.area}</dd>
                <dt>Defined in</dt>
                <dd>{c.origin === 'yaml' ? c.definedIn : 'the built-in library'}</dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="req-h">
              <h2 id="req-h">Requirements it satisfies</h2>
              {c.requirementDetails.length ? (
                <ul className="small">
                  {c.requirementDetails.map((r) => (
                    <li key={`${r.framework}:${r.id}`}>
                      <Link href={`/frameworks/${encodeURIComponent(r.framework)}#${encodeURIComponent(r.id)}`}>
                        {r.framework} {r.id}
                      </Link>{' '}
                      {r.title} <Badge value={r.strength} />
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">Not linked to any framework requirement.</p>
              )}
            </section>
          </div>
          <section className="card" aria-labelledby="tl-h" style={{ marginBottom: '1rem' }}>
            <h2 id="tl-h">Operating effectiveness</h2>
            <Async state={timeline} what="the timeline">
              {(t) => <TimelineView t={t} />}
            </Async>
          </section>
          <section className="card" aria-labelledby="checks-h" style={{ marginBottom: '1rem' }}>
            <h2 id="checks-h">Checks</h2>
            {c.checkDetails.length ? (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Check</th>
                      <th>Severity</th>
                      <th>Status</th>
                      <th>Results</th>
                      <th>Findings</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.checkDetails.map((k) => (
                      <tr key={k.id}>
                        <td>
                          {k.title}
                          <div className="small muted mono">{k.id}</div>
                        </td>
                        <td>
                          <Badge value={k.severity} />
                        </td>
                        <td>
                          <Badge value={k.status} />
                        </td>
                        <td style={{ minWidth: 120 }}>
                          <ResultsBar results={k.results} label={`Results of ${k.title}`} />
                        </td>
                        <td className="small">
                          <Link href={`/findings?check=${encodeURIComponent(k.id)}`}>Findings of this check</Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <Empty title="No automated checks">This control is evidenced by uploads (policies, screenshots, minutes). See Evidence.</Empty>
            )}
          </section>
          {c.automated && <ResultsTable control={c.id} />}
          <section className="card" aria-labelledby="ev-h" style={{ marginTop: '1rem' }}>
            <h2 id="ev-h">
              Recent evidence <Link href={`/evidence?control=${encodeURIComponent(c.id)}`}>All evidence for this control</Link>
            </h2>
            {c.evidence.length ? (
              <ul className="small">
                {c.evidence.map((e) => (
                  <li key={e.id}>
                    <Link href={`/evidence/${encodeURIComponent(e.id)}`}>{e.kind}</Link> · {e.subject} · effective {fmtTime(e.effectiveAt)}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No evidence yet.</p>
            )}
            {canUpload && <UploadEvidence control={c.id} onDone={state.reload} />}
          </section>
        </>
      )}
    </Async>
  );
}
