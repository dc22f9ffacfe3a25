/** Pieces that show check results: status counts as a bar, and the per-day timeline. */
import type { Timeline } from '../api/shapes.ts';
import { Bar } from './ui.tsx';

export function ResultsBar({ results, label }: { results: Record<string, number>; label: string }) {
  const fail = results.fail ?? 0;
  const pass = results.pass ?? 0;
  const other = (results.stale ?? 0) + (results.error ?? 0);
  return (
    <>
      <ResultBarOnly results={results} label={label} />
      <div className="small muted">
        {fail ? <span style={{ color: 'var(--fail)' }}>{fail} failing</span> : null}
        {fail && (pass || other) ? ' · ' : ''}
        {pass ? `${pass} passing` : ''}
        {other ? `${pass ? ' · ' : ''}${other} stale` : ''}
        {!fail && !pass && !other ? 'no results' : ''}
      </div>
    </>
  );
}

function ResultBarOnly({ results, label }: { results: Record<string, number>; label: string }) {
  return (
    <Bar
      label={label}
      parts={[
        { n: results.pass ?? 0, cls: 'pass', label: 'passing' },
        { n: results.fail ?? 0, cls: 'fail', label: 'failing' },
        { n: (results.stale ?? 0) + (results.error ?? 0), cls: 'stale', label: 'stale or error' },
        { n: results.not_applicable ?? 0, cls: 'none', label: 'not applicable' },
      ]}
    />
  );
}

const dayLabel: Record<string, string> = { passing: 'passing', failing: 'failing', stale: 'stale (evidence missing or old)', no_data: 'no data' };

export function TimelineView({ t }: { t: Timeline }) {
  const total = t.days.length;
  return (
    <div>
      <p className="small">
        {t.from.slice(0, 10)} to {new Date(new Date(t.to).getTime() - 1).toISOString().slice(0, 10)} (UTC): <strong>{t.summary.passing}</strong> of {total} days passing,{' '}
        <strong>{t.summary.failing}</strong> failing, <strong>{t.summary.stale}</strong> stale, <strong>{t.summary.no_data}</strong> without data.
      </p>
      <div className="timeline" role="list" aria-label="Operating effectiveness, one cell per day">
        {t.days.map((d) => (
          <span
            role="listitem"
            key={d.date}
            className={`d-${d.state}`}
            title={`${d.date}: ${dayLabel[d.state]}${d.failing.length ? ` — ${d.failing.join(', ')}` : ''}`}
            aria-label={`${d.date}: ${dayLabel[d.state]}`}
          />
        ))}
      </div>
      <div className="legend" aria-hidden="true">
        <span><i className="d-passing" />passing</span>
        <span><i className="d-failing" />failing</span>
        <span><i className="d-stale" />stale or error</span>
        <span><i className="d-no_data" />no data</span>
      </div>
    </div>
  );
}
