/**
 * Prometheus metrics: HTTP request counts and durations, counted in this process, plus gauges read
 * from the database when scraped (findings, sources, check results, evidence log size). Rendered
 * in the text exposition format 0.0.4.
 */
import type { MetricsSnapshot } from './queries/metrics.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `${k}="${label(v)}"`).join(',')}}`;

export function createMetrics() {
  const requests = new Map<string, { method: string; route: string; status: string; n: number }>();
  const durations = new Map<string, { method: string; route: string; h: Histogram }>();

  return {
    /** One finished request; `route` is the route pattern (never the raw path: ids would explode the label set). */
    observe(method: string, route: string, status: number, seconds: number): void {
      const rk = `${method} ${route} ${status}`;
      const r = requests.get(rk) ?? { method, route, status: String(status), n: 0 };
      r.n++;
      requests.set(rk, r);
      const dk = `${method} ${route}`;
      const d = durations.get(dk) ?? { method, route, h: { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 } };
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) d.h.buckets[i]!++;
      });
      d.h.sum += seconds;
      d.h.count++;
      durations.set(dk, d);
    },

    render(s: MetricsSnapshot): string {
      const out: string[] = [];
      const gauge = (name: string, help: string, rows: { labels: Record<string, string>; value: number }[]) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
        for (const r of rows) out.push(`${name}${Object.keys(r.labels).length ? labels(r.labels) : ''} ${r.value}`);
      };
      gauge('vigil_findings', 'Findings by severity and status.', s.findings.map((f) => ({ labels: { severity: f.severity, status: f.status }, value: f.n })));
      gauge('vigil_findings_overdue', 'Open or acknowledged findings past their SLA due date, by severity.', s.overdue.map((f) => ({ labels: { severity: f.severity }, value: f.n })));
      gauge('vigil_sources', 'Enabled sources by health status.', s.sources.map((x) => ({ labels: { status: x.status }, value: x.n })));
      gauge('vigil_check_results', 'Current check results by status.', s.results.map((x) => ({ labels: { status: x.status }, value: x.n })));
      gauge('vigil_evidence_log_size', 'Records in the evidence log (its Merkle tree size).', [{ labels: {}, value: s.evidenceLogSize }]);
      out.push('# HELP vigil_http_requests_total HTTP requests served, by method, route pattern and status.', '# TYPE vigil_http_requests_total counter');
      for (const r of requests.values()) out.push(`vigil_http_requests_total${labels({ method: r.method, route: r.route, status: r.status })} ${r.n}`);
      out.push('# HELP vigil_http_request_duration_seconds Time to serve HTTP requests.', '# TYPE vigil_http_request_duration_seconds histogram');
      for (const d of durations.values()) {
        const base = { method: d.method, route: d.route };
        BUCKETS.forEach((b, i) => out.push(`vigil_http_request_duration_seconds_bucket${labels({ ...base, le: String(b) })} ${d.h.buckets[i]}`));
        out.push(`vigil_http_request_duration_seconds_bucket${labels({ ...base, le: '+Inf' })} ${d.h.count}`);
        out.push(`vigil_http_request_duration_seconds_sum${labels(base)} ${d.h.sum}`);
        out.push(`vigil_http_request_duration_seconds_count${labels(base)} ${d.h.count}`);
      }
      return `${out.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
