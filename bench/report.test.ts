import { describe, expect, it } from 'vitest';
import { result, type BenchResult } from './lib.ts';
import { renderPerformance, type SavedRun } from './report.ts';

const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20.20.2', pglite: '0.5.16', postgres: '15.20' };

function run(scale: 's' | 'm' | 'l', results: BenchResult[]): SavedRun {
  return { scale, measuredAt: { ingest: '2026-11-26T10:00:00.000Z' }, machine, results, fullScale: { ingest: { size: 50_000_000, what: 'events (a month)' } } };
}

const rate = (size: number, figure: number) => result({ scenario: 'ingest.events', db: 'postgres', figure, unit: 'events/s', limit: 100_000, goal: 0.7, size });
const latency = (size: number, figure: number) => result({ scenario: 'api.overview-p95', db: 'postgres', figure, unit: 'ms', limit: 5, goal: 10, better: 'lower', size });

const rowOf = (doc: string, start: string) => doc.split('\n').find((l) => l.startsWith(start)) ?? '';

describe('docs/performance.md', () => {
  it('calls a constant rate linear and a rate that halves with ten times the size worse than linear', () => {
    const doc = renderPerformance([run('s', [rate(10_000, 80_000)]), run('m', [rate(100_000, 80_000)])], '');
    expect(rowOf(doc, '| ingest.events (events/s) | postgres')).toMatch(/\| 1\.00 \| linear \|$/);

    const slower = renderPerformance([run('s', [rate(10_000, 80_000)]), run('m', [rate(100_000, 8_000)])], '');
    expect(rowOf(slower, '| ingest.events (events/s) | postgres')).toMatch(/\| 2\.00 \| worse than linear \|$/);
  });

  it('calls a latency that stays put flat, and one that grows with the data what it is', () => {
    const flat = renderPerformance([run('s', [latency(1_000, 40)]), run('m', [latency(10_000, 42)])], '');
    expect(rowOf(flat, '| api.overview-p95 (ms) | postgres')).toMatch(/\| flat \|$/);
    const growing = renderPerformance([run('s', [latency(1_000, 40)]), run('m', [latency(10_000, 400)])], '');
    expect(rowOf(growing, '| api.overview-p95 (ms) | postgres')).toMatch(/\| 1\.00 \| grows with size \|$/);
  });

  it('projects a rate to the full size with its growth: 50 M events at 1 M/s take 50 s when linear', () => {
    const doc = renderPerformance([run('s', [rate(10_000, 1_000_000)]), run('m', [rate(100_000, 1_000_000)])], '');
    expect(rowOf(doc, '| ingest.events | postgres | 50,000,000 events (a month) |')).toContain('| 50 s |');
  });

  it('lists every goal not met, with its scale, and includes the hand-written notes', () => {
    const missed = result({ scenario: 'ingest.events', db: 'pglite', figure: 10_000, unit: 'events/s', limit: 100_000, goal: 0.5, size: 10_000 });
    const doc = renderPerformance([run('s', [rate(10_000, 80_000), missed])], '# Notes\n\nIngest on PGlite is bound by the WASM heap.');
    expect(doc).toContain('- ingest.events on pglite at scale s');
    expect(doc).not.toContain('- ingest.events on postgres');
    expect(doc).toContain('## Notes\n\nIngest on PGlite is bound by the WASM heap.');
    expect(rowOf(doc, '| ingest.events | pglite |')).toContain('| **no** |');
  });

  it('says there is nothing yet rather than an empty table', () => {
    expect(renderPerformance([], '')).toContain('No figures yet: run `npm run bench`.');
  });

  it('takes a unit with a remark after items/s for a rate, and a latency in ms for none', () => {
    const remarked = (size: number, figure: number) =>
      result({ scenario: 'ingest.events', db: 'postgres', figure, unit: 'events/s (JSON.parse alone 200,000/s)', limit: 100_000, goal: 0.7, size });
    const doc = renderPerformance([run('s', [remarked(10_000, 1_000_000)]), run('m', [remarked(100_000, 1_000_000)])], '');
    expect(rowOf(doc, '| ingest.events | postgres | 50,000,000 events (a month) |')).toContain('| 50 s |');
    expect(renderPerformance([run('s', [latency(1_000, 40)])], '')).not.toContain('| api.overview-p95 | postgres | 50,000,000');
  });
});
