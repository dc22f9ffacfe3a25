/** Frameworks and coverage: each requirement, the controls and checks behind it, and the gaps. */
import { useEffect } from 'react';
import type { Coverage, Framework } from '../api/shapes.ts';
import { Async, Badge, Empty, Link, PageHead } from '../components/ui.tsx';
import { setQuery, useLocation } from '../lib/router.ts';
import { useApi } from '../lib/use-api.ts';

export function FrameworksPage() {
  const state = useApi<Framework[]>('/api/v1/frameworks');
  return (
    <>
      <PageHead title="Frameworks" intro="One set of controls and evidence serves every framework; each link says whether it is direct or supporting evidence." />
      <Async state={state} what="frameworks">
        {(list) => (
          <div className="grid">
            {list.map((f) => (
              <section className="card" key={f.id} aria-labelledby={`fw-${f.id}`}>
                <h2 id={`fw-${f.id}`}>
                  <Link href={`/frameworks/${f.id}`}>{f.name}</Link>
                </h2>
                <p className="small muted">
                  Version {f.version} · {f.requirements} requirements
                </p>
                <p className="small muted">{f.source}</p>
              </section>
            ))}
          </div>
        )}
      </Async>
    </>
  );
}

const gapText: Record<string, string> = {
  uncovered: 'gap: no control covers it',
  supporting_only: 'gap: only supporting evidence',
  manual_only: 'manual only: no automated check',
};

export function FrameworkPage({ id }: { id: string }) {
  const fw = useApi<Framework & { requirementList: { group: string; groupTitle: string }[] }>(`/api/v1/frameworks/${encodeURIComponent(id)}`);
  const groupTitle = new Map((fw.data?.requirementList ?? []).map((r) => [r.group, r.groupTitle]));
  const state = useApi<Coverage>(`/api/v1/frameworks/${encodeURIComponent(id)}/coverage`, undefined, { live: true });
  const { search, hash } = useLocation();
  const show = search.get('show') ?? '';
  useEffect(() => {
    // Links from a control land on a requirement (#CC6.1) or a category (#group-CC6).
    if (state.data && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [state.data, hash]);
  return (
    <>
      <PageHead title={fw.data?.name ?? id} crumbs={[{ href: '/frameworks', label: 'Frameworks' }]} />
      <Async state={state} what="coverage">
        {(c) => {
          const reqs = c.requirements.filter((r) => (show === 'gaps' ? r.gap !== null : show === 'failing' ? r.status === 'fail' : true));
          const groups = [...new Set(reqs.map((r) => r.group))];
          return (
            <>
              <section className="card" style={{ marginBottom: '1rem' }} aria-labelledby="cov-h">
                <h2 id="cov-h">Coverage</h2>
                <div className="stats">
                  <div>
                    <div className="stat">{c.summary.total}</div>
                    <div className="small muted">requirements</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--pass)' }}>{c.summary.direct}</div>
                    <div className="small muted">direct control</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--warn)' }}>{c.summary.supportingOnly}</div>
                    <div className="small muted">supporting only</div>
                  </div>
                  <div>
                    <div className="stat" style={{ color: 'var(--fail)' }}>{c.summary.uncovered}</div>
                    <div className="small muted">uncovered</div>
                  </div>
                  <div>
                    <div className="stat">{c.summary.automated}</div>
                    <div className="small muted">tested automatically</div>
                  </div>
                </div>
              </section>
              <div className="filters">
                <label>
                  Show
                  <select value={show} onChange={(e) => setQuery({ show: e.target.value })}>
                    <option value="">every requirement</option>
                    <option value="gaps">gaps only</option>
                    <option value="failing">failing only</option>
                  </select>
                </label>
              </div>
              {!reqs.length && <Empty title="Nothing to show">No requirement matches.</Empty>}
              {groups.map((g) => (
                <section key={g} id={`group-${g}`} style={{ marginBottom: '1rem' }} aria-label={`Group ${g}`}>
                  <h2>
                    {g} <span className="muted">{groupTitle.get(g)}</span>
                  </h2>
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th>Requirement</th>
                          <th>Status</th>
                          <th>Controls and checks</th>
                        </tr>
                      </thead>
                      <tbody>
                        {reqs
                          .filter((r) => r.group === g)
                          .map((r) => (
                            <tr key={r.id} id={r.id} style={r.gap && r.gap !== 'manual_only' ? { background: 'var(--fail-bg)' } : undefined}>
                              <td>
                                <strong className="mono">{r.id}</strong> {r.title}
                                {r.gap && (
                                  <div>
                                    <Badge value={r.gap === 'manual_only' ? 'partial' : 'gap'} label={gapText[r.gap]} />
                                  </div>
                                )}
                              </td>
                              <td>
                                <Badge value={r.status} />
                              </td>
                              <td className="small">
                                {r.controls.length ? (
                                  <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                                    {r.controls.map((k) => (
                                      <li key={k.id}>
                                        <Link href={`/controls/${encodeURIComponent(k.id)}`}>{k.title}</Link> <Badge value={k.strength} /> <Badge value={k.status} />
                                        {k.checks.length > 0 && <div className="muted mono">{k.checks.join(', ')}</div>}
                                      </li>
                                    ))}
                                  </ul>
                                ) : (
                                  <span className="muted">none</span>
                                )}
                              </td>
                            </tr>
                          ))}
                      </tbody>
                    </table>
                  </div>
                </section>
              ))}
            </>
          );
        }}
      </Async>
    </>
  );
}
