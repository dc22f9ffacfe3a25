/**
 * What a bench run leaves behind: the figures of its scale in bench/results/<scale>.json (a run of
 * some scenarios replaces only theirs), and docs/performance.md written from every scale kept there —
 * the machine, the figures against their goals, how each cost grows from s to m to l, the projection
 * to issue 7's full size, and bench/NOTES.md (the hand-written profile and cause of each goal not met).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../src/db/client.ts';
import type { BenchArgs, BenchResult, Scale, Scenario } from './lib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(root, 'bench', 'results');
const docPath = join(root, 'docs', 'performance.md');
const notesPath = join(root, 'bench', 'NOTES.md');

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  pglite: string;
  postgres: string | null;
}

export interface SavedRun {
  scale: Scale;
  /** When each scenario was last measured at this scale. */
  measuredAt: Record<string, string>;
  machine: Machine;
  results: BenchResult[];
  /** The full size of each scenario, for the projection. */
  fullScale: Record<string, { size: number; what: string }>;
}

async function machine(): Promise<Machine> {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  let postgres: string | null = null;
  const url = process.env.DATABASE_URL;
  if (url) {
    const db = await createDb({ url, poolSize: 1, migrate: false });
    try {
      const rows = await db.query<{ server_version: string }>('SHOW server_version');
      postgres = rows[0]?.server_version ?? null;
    } finally {
      await db.close();
    }
  }
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    pglite: pkg.version,
    postgres,
  };
}

/** The scenario a result belongs to: the part of its name before the first dot. */
const scenarioOf = (r: BenchResult) => r.scenario.split('.')[0]!;

export function readSaved(): SavedRun[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => /^[sml]\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as SavedRun)
    .sort((a, b) => 'sml'.indexOf(a.scale) - 'sml'.indexOf(b.scale));
}

export async function saveResults(scenarios: Scenario[], args: BenchArgs, results: BenchResult[]): Promise<string[]> {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${args.scale}.json`);
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedRun) : undefined;
  const ran = new Set(results.map((r) => `${scenarioOf(r)} ${r.db}`));
  const now = new Date().toISOString();
  const kept = (before?.results ?? []).filter((r) => !ran.has(`${scenarioOf(r)} ${r.db}`));
  const measuredAt = { ...before?.measuredAt };
  for (const r of results) measuredAt[scenarioOf(r)] = now;
  const fullScale = { ...before?.fullScale };
  for (const s of scenarios) if (s.fullScale) fullScale[s.name] = s.fullScale;
  const saved: SavedRun = { scale: args.scale, measuredAt, machine: await machine(), results: [...kept, ...results], fullScale };
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
  return [file.slice(root.length), writeReport()];
}

/** docs/performance.md from every scale kept and bench/NOTES.md; returns its path in the project. */
export function writeReport(): string {
  writeFileSync(docPath, renderPerformance(readSaved(), existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : ''));
  return docPath.slice(root.length);
}

const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(n < 0.1 ? 1 : 0)} %` : '—');
const seconds = (s: number) =>
  s < 120 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : s < 7200 ? `${(s / 60).toFixed(0)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} days`;

/** A unit without the remark a run adds after it ("records/s (a bare COPY …)" → "records/s"), for tables across runs. */
const baseUnit = (unit: string) => unit.replace(/\s*\(.*$/, '');

/** A throughput's unit is `<items>/s`, maybe with a remark after it: a figure of items per second. */
const isRate = (r: BenchResult) => /^\S+\/s\b/.test(r.unit);

/**
 * How the cost per item grows between two sizes: the exponent k in time ∝ size^k. For a rate
 * (items/s) the time is size / rate; for anything else (latency, memory) the figure is the cost.
 */
function growthExponent(a: BenchResult, b: BenchResult): number | undefined {
  if (!a.size || !b.size || a.size === b.size || a.figure <= 0 || b.figure <= 0) return undefined;
  const costA = isRate(a) ? a.size / a.figure : a.figure;
  const costB = isRate(b) ? b.size / b.figure : b.figure;
  return Math.log(costB / costA) / Math.log(b.size / a.size);
}

function growthWord(k: number, rate: boolean): string {
  // A rate's time should grow linearly (k ≈ 1); a latency or a memory peak should stay flat (k ≈ 0).
  const expected = rate ? 1 : 0;
  if (k <= expected + 0.15) return rate ? (k < 0.85 ? 'better than linear' : 'linear') : 'flat';
  if (k <= expected + 0.5) return rate ? 'slightly worse than linear' : 'grows slowly';
  return rate ? 'worse than linear' : 'grows with size';
}

export function renderPerformance(runs: SavedRun[], notes: string): string {
  const out: string[] = [];
  out.push('# Performance');
  out.push('');
  out.push('Written by `npm run bench` (`-- --scale s|m|l`); do not edit by hand — the notes at the end come from');
  out.push('`bench/NOTES.md`. Every figure stands beside a limit measured on the same machine in the same run');
  out.push('(absolute times alone mean little on shared machines); `ratio` is figure / limit. With `DATABASE_URL`');
  out.push('set the suite runs each scenario on PostgreSQL as well as on the embedded PGlite; each scenario runs');
  out.push('in a process of its own, so its peak memory is its own.');
  out.push('');
  if (!runs.length) {
    out.push('No figures yet: run `npm run bench`.');
    return `${out.join('\n')}\n`;
  }
  out.push('## Machine');
  out.push('');
  out.push('| scale | measured | CPU | cores | memory | OS | Node.js | PGlite | PostgreSQL |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const times = Object.values(r.measuredAt).sort();
    const when = times.length ? `${times[0]!.slice(0, 10)}${times.at(-1)!.slice(0, 10) !== times[0]!.slice(0, 10) ? ` – ${times.at(-1)!.slice(0, 10)}` : ''}` : '';
    const m = r.machine;
    out.push(`| ${r.scale} | ${when} | ${m.cpu} | ${m.cores} | ${m.memoryGiB} GiB | ${m.os} | ${m.node} | ${m.pglite} | ${m.postgres ?? '—'} |`);
  }
  out.push('');

  for (const run of runs) {
    out.push(`## Scale ${run.scale}`);
    out.push('');
    out.push('| scenario | db | size | figure | limit | ratio | goal | met |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const r of run.results) {
      const goal = `${r.better === 'lower' ? '≤' : '≥'} ${pct(r.goal)}`;
      out.push(`| ${r.scenario} | ${r.db} | ${r.size === undefined ? '' : num(r.size)} | ${num(r.figure)} ${r.unit} | ${num(r.limit)} | ${pct(r.ratio)} | ${goal} | ${r.met ? 'yes' : '**no**'} |`);
    }
    out.push('');
  }

  // Growth: the same scenario and database across the scales measured.
  const series = new Map<string, BenchResult[]>();
  for (const run of runs) for (const r of run.results) series.set(`${r.scenario} ${r.db}`, [...(series.get(`${r.scenario} ${r.db}`) ?? []), r]);
  const growth = [...series.entries()].filter(([, rs]) => rs.length > 1 && rs.every((r) => r.size));
  out.push('## How each cost grows');
  out.push('');
  if (!growth.length) {
    out.push('Needs figures at two scales or more (`npm run bench -- --scale m`).');
  } else {
    out.push('The cost per item between the smallest and the largest scale measured, as the exponent k in');
    out.push('cost ∝ size^k: k ≈ 1 for a throughput means linear time (a constant rate); k ≈ 0 for a latency or');
    out.push('a memory peak means flat.');
    out.push('');
    out.push(`| figure | db | ${runs.map((r) => r.scale).join(' | ')} | k | growth |`);
    out.push(`|---|---|${runs.map(() => '---').join('|')}|---|---|`);
    for (const [, rs] of growth) {
      const first = rs[0]!;
      const last = rs.at(-1)!;
      const k = growthExponent(first, last);
      const cells = runs.map((run) => {
        const r = rs.find((x) => run.results.includes(x));
        return r ? `${num(r.figure)} @ ${num(r.size!)}` : '';
      });
      out.push(`| ${first.scenario} (${baseUnit(first.unit)}) | ${first.db} | ${cells.join(' | ')} | ${k === undefined ? '' : k.toFixed(2)} | ${k === undefined ? '' : growthWord(k, isRate(first))} |`);
    }
  }
  out.push('');

  // Projection: each throughput at the largest scale measured, carried to the full size with its growth.
  const full = Object.assign({}, ...runs.map((r) => r.fullScale)) as SavedRun['fullScale'];
  out.push('## Projection to the full size');
  out.push('');
  out.push('Issue 7 plans for a large customer: 20 000 people, 2 000 repositories, 500 000 cloud resources,');
  out.push('50 million audit-log events a month, 300 controls, 1 000 checks, a 12-month audit period. Each rate');
  out.push('measured at the largest scale is carried to that size, its per-item cost grown by the exponent above');
  out.push('(k = 1 when only one scale was measured). On one core of this machine; a bigger machine divides the');
  out.push('PostgreSQL figures further.');
  out.push('');
  out.push('| figure | db | full size | projected time |');
  out.push('|---|---|---|---|');
  let projected = 0;
  for (const [, rs] of series) {
    const last = rs.at(-1)!;
    const f = full[scenarioOf(last)];
    if (!f || !isRate(last) || !last.size) continue;
    const k = rs.length > 1 ? (growthExponent(rs[0]!, last) ?? 1) : 1;
    const t = (last.size / last.figure) * (f.size / last.size) ** Math.max(k, 1);
    out.push(`| ${last.scenario} | ${last.db} | ${num(f.size)} ${f.what} | ${seconds(t)} |`);
    projected++;
  }
  if (!projected) out.push('| — | | | |');
  out.push('');

  const unmet = runs.flatMap((run) => run.results.filter((r) => !r.met).map((r) => `${r.scenario} on ${r.db} at scale ${run.scale}`));
  out.push('## Goals not met');
  out.push('');
  out.push(unmet.length ? unmet.map((u) => `- ${u}`).join('\n') : 'None.');
  out.push('');
  if (notes.trim()) {
    out.push(notes.trim().replace(/^# /m, '## '));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
