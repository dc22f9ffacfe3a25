/**
 * API latency with 12 months of history for the demo organization, under 16 concurrent clients:
 * the overview (the one call the dashboard's overview makes), the controls list, the findings
 * summary, the SOC 2 coverage, a control's detail and its 90-day and 12-month operating-effectiveness
 * timeline, and the findings work queue — p50 and p95 of each, against `GET /api/v1/health` under
 * the same load.
 *
 * The workspace is built through the engine's own functions, not over HTTP:
 * - day 0: the demo organization's simulated providers are collected by the real connectors
 *   through the real monitor (resources, snapshot evidence, every built-in check judged, findings);
 * - days 0–365, one daily evaluation per day on a fixed clock advanced day by day: at scale m and
 *   l each of the demo's judged (check, resource) pairs gets 9 / 49 replicas (copies of the
 *   resources, some appearing or disappearing during the year); every pair follows a seeded
 *   pass ↔ fail history (most stable, some flapping), and a few source outages leave a check's
 *   results stale for a day or two. Each day's state changes become check.result evidence records
 *   (the evidence log's append) and findings opened, resolved and reopened by the real finding
 *   service (owners from owner rules, SLA due dates, finding events and their evidence); people
 *   acknowledge and mute some findings through the same service. Only the check_results rows are
 *   written in bulk (one multi-row INSERT and one UPDATE per day, as engine/results.ts writes them),
 *   because applyResults re-reads every current row of a check on each call — 365 × all pairs;
 * - monthly manual evidence for the controls no check tests.
 *
 * Then the server runs in a child process (bench/api-server.ts: openApp and the same createServer
 * as `vigil start`, on a loopback port, real HTTP), and 16 fetch loops in this process call each
 * endpoint for a fixed time, signed in with an API token.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { openApp, type App } from '../src/core/app.ts';
import { createAccountService } from '../src/core/accounts.ts';
import type { VigilConfig } from '../src/core/config/schema.ts';
import { analyzeBigTables } from '../src/core/runtime.ts';
import { checkResults, type CheckResultRow, type ResultStatus } from '../src/db/schema/check-results.ts';
import { controls as controlsTable } from '../src/db/schema/controls.ts';
import { findings } from '../src/db/schema/findings.ts';
import type { ResultChange, StoredResult } from '../src/engine/results.ts';
import type { NewRecord } from '../src/evidence/records.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../src/lib/clock.ts';
import { isVigilError } from '../src/lib/errors.ts';
import { startDemo } from '../src/demo/start.ts';
import { result, runIfMain, type BenchResult, type Scale, type Scenario } from './lib.ts';

/** Copies of each judged (check, resource) of the demo organization: 1×, 10×, 50× its results. */
const COPIES = { s: 1, m: 10, l: 50 } as const;
/** How long each endpoint is loaded, after a warm-up of a second. */
const LOAD_MS = { s: 4000, m: 6000, l: 8000 } as const;
const CLIENTS = 16;
/** How often `api.overview.changing` writes while its readers read. */
const CHANGE_EVERY_MS = 1000;
const DAYS = 365;
const SEED = 20260302;
/** The last simulated day; the server's clock is 09:00 that day. */
const END = Date.parse('2026-03-02T00:00:00Z');
const DAY0 = END - DAYS * DAY_MS;
const at = (day: number, hour: number) => new Date(DAY0 + day * DAY_MS + hour * HOUR_MS);

// Day states of a pair, one byte per day.
const ABSENT = 0;
const PASS = 1;
const FAIL = 2;
const STALE = 3;
const NA = 4;
const statusOf: Record<number, ResultStatus> = { [PASS]: 'pass', [FAIL]: 'fail', [STALE]: 'stale', [NA]: 'not_applicable' };

/** A small seeded generator (mulberry32): the same workspace on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pair {
  check: string;
  resource: string;
  /** Its state in the real collection on day 0. */
  base: ResultStatus;
  severity: string;
  reason: string;
  remediation: string | null;
  source: string | undefined;
  /** 0 for the demo's own pair, k for its k-th replica. */
  copy: number;
}

/** Each pair's state on each day [0, DAYS]: its whole year, decided before anything is written. */
function simulate(pairs: Pair[], checks: string[]): Uint8Array[] {
  const days: Uint8Array[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    const r = rng(SEED ^ Math.imul(i + 1, 0x9e3779b1));
    const s = new Uint8Array(DAYS + 1);
    // Replicas: some appear during the year (joiners, new repositories, merged pull requests), some go.
    const born = p.copy && r() < 0.3 ? 1 + Math.floor(r() * (DAYS - 1)) : 0;
    const gone = p.copy && r() < 0.1 ? born + 1 + Math.floor(r() * (DAYS - born)) : DAYS + 1;
    if (p.base === 'not_applicable' || p.base === 'error' || p.base === 'stale') {
      s.fill(p.base === 'not_applicable' ? NA : STALE, born, gone);
    } else {
      // Most pairs never change; some fail now and then; a few flap; the demo's planted failures are slow to fix.
      const u = r();
      let breakRate = u < 0.02 ? 1 / 30 : u < 0.1 ? 1 / 180 : 0;
      let fixRate = u < 0.02 ? 1 / 4 : 1 / 8;
      let state = p.base === 'fail' ? FAIL : PASS;
      if (p.base === 'fail') fixRate = 1 / 90;
      for (let d = born; d < gone; d++) {
        if (d > born) {
          if (state === PASS && r() < breakRate) state = FAIL;
          else if (state === FAIL && r() < fixRate) {
            state = PASS;
            if (p.base === 'fail') {
              // Fixed once; it may regress like any other resource.
              fixRate = 1 / 8;
              breakRate = 1 / 120;
            }
          }
        }
        s[d] = state;
      }
    }
    days.push(s);
  }
  // Source outages: every result of one check is stale for a day or two, then back as it was.
  const r = rng(SEED);
  const byCheck = new Map<string, number[]>();
  pairs.forEach((p, i) => byCheck.set(p.check, [...(byCheck.get(p.check) ?? []), i]));
  for (let o = 0; o < 6; o++) {
    const check = checks[Math.floor(r() * checks.length)]!;
    const from = 10 + Math.floor(r() * (DAYS - 20));
    const len = 1 + Math.floor(r() * 2);
    for (const i of byCheck.get(check) ?? []) {
      for (let d = from; d < from + len; d++) if (days[i]![d] === PASS || days[i]![d] === FAIL) days[i]![d] = STALE;
    }
  }
  return days;
}

interface Built {
  app: App;
  token: string;
  /** A write token, for the writer beside the readers of api.overview.changing. */
  writeToken: string;
  /** The control whose checks have the most result rows, and how many. */
  control: { id: string; rows: number };
  topOwner: string;
  counts: Record<string, number>;
}

/** The year of history, written through the engine's functions (see the header). */
async function build(app: App, clock: ReturnType<typeof fixedClock>, scale: Scale, note: (m: string) => void): Promise<Omit<Built, 'app'>> {
  const ws = app.workspace.id;
  const db = app.db;
  const resolvedById = new Map(app.monitor.checks.map((r) => [r.check.id, r]));

  // The demo's judged pairs and, for m and l, their replicas (with copies of the resources judged).
  const real = await db.orm
    .select()
    .from(checkResults)
    .where(and(eq(checkResults.workspaceId, ws), isNull(checkResults.validTo)));
  const sourceOf = new Map((await db.query<{ key: string; source: string }>('SELECT key, source FROM resources WHERE workspace_id = $1', [ws])).map((r) => [r.key, r.source]));
  const failReason = new Map<string, { reason: string; remediation: string | null }>();
  const passReason = new Map<string, string>();
  for (const r of real) {
    if (r.status === 'fail' && !failReason.has(r.checkId)) failReason.set(r.checkId, { reason: r.reason, remediation: r.remediation });
    if (r.status === 'pass' && !passReason.has(r.checkId)) passReason.set(r.checkId, r.reason);
  }
  const copies = COPIES[scale];
  const pairs: Pair[] = [];
  const currentId: (number | undefined)[] = [];
  for (let k = 0; k < copies; k++) {
    for (const r of real) {
      if (r.resource === '*' || !resolvedById.has(r.checkId)) continue;
      pairs.push({
        check: r.checkId,
        resource: k ? `${r.resource}#copy${k}` : r.resource,
        base: r.status,
        severity: r.severity,
        reason: r.reason,
        remediation: r.remediation,
        source: sourceOf.get(r.resource),
        copy: k,
      });
      currentId.push(k ? undefined : r.id);
    }
  }
  if (copies > 1) {
    await db.query(
      `INSERT INTO resources (workspace_id, source, type, key, data, data_hash, first_seen_at, last_seen_at, changed_at, evidence_id)
       SELECT r.workspace_id, r.source, r.type, r.key || '#copy' || k, r.data, r.data_hash, r.first_seen_at, r.last_seen_at, r.changed_at, r.evidence_id
       FROM resources r, generate_series(1, $2::int) AS k WHERE r.workspace_id = $1`,
      [ws, copies - 1],
    );
  }
  const checkIds = [...new Set(pairs.map((p) => p.check))].sort();
  const days = simulate(pairs, checkIds);
  note(`  ${real.length} results judged by the real engine on day 0; ${pairs.length} (check, resource) pairs over ${DAYS} days`);

  /** A pair's result in a state, as a check would have written it on day d. */
  const stored = (p: Pair, code: number, d: number): StoredResult => {
    const status = statusOf[code]!;
    const fail = failReason.get(p.check);
    let reason = p.reason;
    if (status === 'stale') reason = `data from source ${p.source ?? 'its source'} was collected ${at(d - 2, 2).toISOString()}, older than this check's freshness window`;
    else if (status === 'fail' && p.base !== 'fail') reason = fail?.reason ?? `${resolvedById.get(p.check)!.check.title}: not met for ${p.resource}`;
    else if (status === 'pass' && p.base !== 'pass') reason = passReason.get(p.check) ?? 'passes';
    const remediation = status === 'fail' ? ((p.base === 'fail' ? p.remediation : fail?.remediation) ?? undefined) : undefined;
    return { resource: p.resource, status, severity: p.severity, reason, remediation, evidence: [], source: p.source };
  };
  /** The day each pair's current state began. */
  const since = new Int16Array(pairs.length);

  const r = rng(SEED + 1);
  const planned = new Map<number, { id: string; action: 'acknowledge' | 'mute' }[]>();
  const people = ['it-lead', 'platform-lead', 'security-lead', 'eng-manager', 'people-ops', 'sre-oncall'].map((p) => `${p}@demo-corp.example`);
  let changesWritten = 0;

  for (let d = 0; d <= DAYS; d++) {
    // People work the queue in the morning: acknowledge or mute what opened in the days before.
    clock.set(at(d, 1));
    for (const a of planned.get(d) ?? []) {
      try {
        if (a.action === 'acknowledge') await app.monitor.findings.acknowledge(ws, a.id, `user:${people[d % people.length]}`, 'looking into it');
        else await app.monitor.findings.mute(ws, a.id, { reason: 'accepted until the migration lands', approver: 'ciso@demo-corp.example', expiresAt: at(d + 60, 0) }, `user:${people[0]}`);
      } catch (e) {
        // It was fixed (resolved) or acknowledged meanwhile: nothing to do, as a person would find.
        if (!isVigilError(e) || e._tag !== 'Conflict') throw e;
      }
    }
    planned.delete(d);

    // The daily evaluation.
    const now = at(d, 2);
    clock.set(now);
    const byCheck = new Map<string, { i: number; after: StoredResult | undefined }[]>();
    for (let i = 0; i < pairs.length; i++) {
      const prev = d ? days[i]![d - 1]! : ABSENT;
      const cur = days[i]![d]!;
      if (cur === prev || (d === 0 && pairs[i]!.copy === 0)) continue; // day 0 of the demo's own pairs: the real engine wrote it
      const p = pairs[i]!;
      const after = cur === ABSENT ? undefined : stored(p, cur, d);
      const list = byCheck.get(p.check) ?? [];
      list.push({ i, after });
      byCheck.set(p.check, list);
    }
    if (byCheck.size) {
      await db.orm.transaction(async (tx) => {
        for (const [checkId, changes] of byCheck) {
          const resolved = resolvedById.get(checkId)!;
          const withAfter = changes.filter((c) => c.after);
          const evidenceIds: string[] = [];
          for (let lo = 0; lo < withAfter.length; lo += 1000) {
            const records: NewRecord[] = withAfter.slice(lo, lo + 1000).map((c) => {
              const prev = d ? days[c.i]![d - 1]! : ABSENT;
              return {
                kind: 'check.result',
                source: 'vigil:evaluation',
                subject: `${checkId}/${c.after!.resource}`,
                collectedAt: now,
                effectiveAt: now,
                content: {
                  check: checkId,
                  controls: resolved.check.controls,
                  resource: c.after!.resource,
                  status: c.after!.status,
                  severity: c.after!.severity,
                  reason: c.after!.reason,
                  remediation: c.after!.remediation ?? null,
                  judgedOn: [],
                  params: resolved.params as never,
                  previous: prev === ABSENT ? null : { status: statusOf[prev]! },
                },
              };
            });
            evidenceIds.push(...(await app.evidence.log.append(ws, records, tx)).map((a) => a.id));
          }
          const closing = changes.map((c) => currentId[c.i]).filter((id): id is number => id !== undefined);
          for (let lo = 0; lo < closing.length; lo += 1000) {
            await tx
              .update(checkResults)
              .set({ validTo: now })
              .where(and(eq(checkResults.workspaceId, ws), inArray(checkResults.id, closing.slice(lo, lo + 1000))));
          }
          const before = (c: { i: number }): CheckResultRow | undefined => {
            const id = currentId[c.i];
            const prev = d ? days[c.i]![d - 1]! : ABSENT;
            if (id === undefined || prev === ABSENT) return undefined;
            const s = stored(pairs[c.i]!, prev, since[c.i]!);
            const from = at(since[c.i]!, 2);
            return { id, workspaceId: ws, checkId, ...s, remediation: s.remediation ?? null, details: null, validFrom: from, validTo: now, judgedAt: from, evidenceId: null };
          };
          const resultChanges: ResultChange[] = changes.map((c) => ({ resource: pairs[c.i]!.resource, before: before(c), after: c.after }));
          for (const c of changes) {
            since[c.i] = d;
            if (!c.after) currentId[c.i] = undefined;
          }
          for (let lo = 0; lo < withAfter.length; lo += 1000) {
            const slice = withAfter.slice(lo, lo + 1000);
            const ids = await tx
              .insert(checkResults)
              .values(
                slice.map((c, j) => ({
                  workspaceId: ws,
                  checkId,
                  resource: c.after!.resource,
                  status: c.after!.status,
                  severity: c.after!.severity,
                  reason: c.after!.reason,
                  remediation: c.after!.remediation ?? null,
                  evidence: [],
                  details: null,
                  validFrom: now,
                  validTo: null,
                  judgedAt: now,
                  evidenceId: evidenceIds[lo + j] ?? null,
                })),
              )
              .returning({ id: checkResults.id });
            slice.forEach((c, j) => (currentId[c.i] = ids[j]!.id));
          }
          changesWritten += changes.length;
          await app.monitor.findings.syncFromChanges(tx, ws, resolved, resultChanges, now);
        }
      });
      // What opened today: about half is acknowledged within three days, a few are muted.
      const opened = await db.orm
        .select({ id: findings.id })
        .from(findings)
        .where(and(eq(findings.workspaceId, ws), eq(findings.status, 'open'), eq(findings.openedAt, now)));
      for (const f of opened) {
        const u = r();
        if (u < 0.5 || u >= 0.96) {
          const day = d + 1 + Math.floor(r() * 3);
          if (day <= DAYS) planned.set(day, [...(planned.get(day) ?? []), { id: f.id, action: u < 0.5 ? 'acknowledge' : 'mute' }]);
        }
      }
    }
    if (d % 30 === 0) {
      // Monthly manual evidence for the controls no check tests (policies signed, reviews held).
      const manual = (await db.orm.select({ id: controlsTable.id }).from(controlsTable).where(eq(controlsTable.workspaceId, ws)))
        .map((c) => c.id)
        .filter((id) => !app.monitor.checks.some((x) => x.check.controls.includes(id)));
      await app.evidence.log.append(
        ws,
        manual.map((id) => ({ kind: 'manual', source: `user:${people[0]}`, subject: `control:${id}`, collectedAt: now, effectiveAt: now, content: { control: id, title: `Review of ${id}, month ${d / 30 + 1}`, note: 'reviewed and signed' } })),
      );
      note(`  day ${d}: ${changesWritten} state changes written`);
    }
  }

  // Someone to sign in as: an admin with a read token (an admin sees everything, as the lead does).
  const accounts = createAccountService({ db, clock }, ws);
  const admin = await accounts.completeSetup((await accounts.createSetupLink()).token, { email: 'bench@demo-corp.example', name: 'Bench', password: randomBytes(18).toString('base64url') });
  const { token } = await accounts.createToken(admin.id, { name: 'bench', scope: 'read' });
  // The writer of api.overview.changing.
  const { token: writeToken } = await accounts.createToken(admin.id, { name: 'bench-writer', scope: 'write' });

  const perCheck = new Map((await db.query<{ check_id: string; n: number }>('SELECT check_id, count(*)::int AS n FROM check_results WHERE workspace_id = $1 GROUP BY 1', [ws])).map((x) => [x.check_id, Number(x.n)]));
  const perControl = new Map<string, number>();
  for (const x of app.monitor.checks) for (const c of x.check.controls) perControl.set(c, (perControl.get(c) ?? 0) + (perCheck.get(x.check.id) ?? 0));
  const [top] = [...perControl].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [owner] = await db.query<{ owner: string }>(
    `SELECT owner FROM findings WHERE workspace_id = $1 AND status IN ('open', 'acknowledged', 'muted') AND owner IS NOT NULL GROUP BY owner ORDER BY count(*) DESC, owner LIMIT 1`,
    [ws],
  );
  const counts: Record<string, number> = {};
  for (const t of ['resources', 'check_results', 'findings', 'finding_events', 'evidence_records']) {
    const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE workspace_id = $1`, [ws]);
    counts[t] = Number(c!.n);
  }
  if (!top || !owner) throw new Error('the generated workspace has no results or no owned findings: the generator is broken');
  return { token, writeToken, control: { id: top[0], rows: top[1] }, topOwner: owner.owner, counts };
}

/** Start bench/api-server.ts on the same data and wait for its port. */
async function startServer(spec: { config: VigilConfig; dataDir: string; databaseUrl: string | undefined; now: string }, dir: string) {
  const file = join(dir, 'api-server.json');
  writeFileSync(file, JSON.stringify(spec));
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(root, 'bench/api-server.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the bench server did not start within 180 s: ${err}`)), 180_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited (${code}) before listening: ${err}`));
    });
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const pct = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/** One GET over a keep-alive agent; the body read to the end. */
function get(agent: Agent, url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/**
 * 16 clients calling one URL back to back for `ms`; every answer must be a 200. Each run has an
 * agent of its own, destroyed after it: a connection left idle between runs would be closed by
 * the server's keep-alive timeout, and a client reusing it at that moment sees a reset.
 */
async function load(base: string, path: string, token: string, ms: number, change?: () => Promise<void>): Promise<{ p50: number; p95: number; n: number }> {
  const run = async (duration: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const lat: number[] = [];
    const end = performance.now() + duration;
    // With `change`: one write a second beside the readers, as evaluations and people make them.
    const writer = async () => {
      while (change && performance.now() < end) {
        await change();
        await new Promise((r) => setTimeout(r, CHANGE_EVERY_MS));
      }
    };
    try {
      await Promise.all([
        writer(),
        ...Array.from({ length: CLIENTS }, async () => {
          do {
            const t = performance.now();
            const res = await get(agent, base + path, token);
            if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.slice(0, 400)}`);
            lat.push(performance.now() - t);
          } while (performance.now() < end);
        }),
      ]);
    } finally {
      agent.destroy();
    }
    return lat.sort((a, b) => a - b);
  };
  await run(1000); // warm-up: connections, caches, JIT
  const lat = await run(ms);
  return { p50: pct(lat, 0.5), p95: pct(lat, 0.95), n: lat.length };
}

/**
 * The bench's workspace, built and closed: a PGlite data folder in `dir`, or the database at
 * `databaseUrl`. Exported so that a profile can keep one (open it with openApp and the config).
 */
export async function buildWorkspace({ dir, databaseUrl, scale, note }: { dir: string; databaseUrl: string | undefined; scale: Scale; note: (m: string) => void }): Promise<{ config: VigilConfig; built: Omit<Built, 'app'>; now: Date }> {
  const clock = fixedClock(at(0, 2));
  const demo = await startDemo({ clock, dataDir: dir, databaseUrl });
  const ownerRules = [
    { source: 'github', owner: 'platform-lead@demo-corp.example' },
    { source: 'git', owner: 'platform-lead@demo-corp.example' },
    { source: 'aws', owner: 'sre-oncall@demo-corp.example' },
    { source: 'okta', owner: 'it-lead@demo-corp.example' },
    { source: 'google-workspace', owner: 'it-lead@demo-corp.example' },
    { source: 'pagerduty', owner: 'sre-oncall@demo-corp.example' },
    { source: 'training', owner: 'people-ops@demo-corp.example' },
  ];
  const config: VigilConfig = { ...demo.loaded.config, findings: { ...demo.loaded.config.findings, ownerRules } };
  const loaded = { ...demo.loaded, config };
  let built: Omit<Built, 'app'>;
  const t0 = performance.now();
  const app = await openApp({ loaded, clock });
  try {
    const { outcomes } = await app.monitor.collect(app.workspace.id);
    // A source that could not read everything (partial) still judges what it read, as in production.
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length) throw new Error(`the demo's collection failed: ${failed.map((o) => `${o.source}: ${o.error ?? o.status}`).join('; ')}`);
    for (const o of outcomes.filter((x) => x.status === 'partial')) note(`  ${o.source} collected partly: ${o.items.filter((x) => x.status !== 'complete').map((x) => `${x.name} ${x.status}${x.message ? ` (${x.message})` : ''}`).join(', ')}`);
    built = await build(app, clock, scale, note);
    // A workspace with a year behind it has had the maintenance job's hourly ANALYZE (PGlite has no
    // autovacuum; on PostgreSQL it may not have come round yet after a bulk build).
    await analyzeBigTables(app.db);
  } finally {
    await demo.close();
    await app.close();
  }
  note(`  built in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${Object.entries(built.counts).map(([t, n]) => `${n} ${t}`).join(', ')}`);
  return { config, built, now: at(DAYS, 9) };
}

export const api: Scenario = {
  name: 'api',
  description: `API p50/p95 under ${CLIENTS} concurrent clients with 12 months of history (overview, controls, coverage, control detail and timeline, findings) vs GET /api/v1/health`,
  // An estimate: 1 000 checks over 500 000 cloud resources, 20 000 people and 2 000 repositories, with a year of changes.
  fullScale: { size: 3_000_000, what: 'check result states (12 months)' },
  async run({ db, scale, dir, note }) {
    const kind = db.kind;
    // The bench's own handle is closed (PGlite: one process per data folder) and the workspace is
    // opened as `vigil start` opens it, on the same data folder or database.
    const databaseUrl = db.driver.kind === 'postgres' ? db.driver.pool.options.connectionString : undefined;
    if (kind === 'pglite') await db.close();
    const { config, built } = await buildWorkspace({ dir, databaseUrl, scale, note });

    const server = await startServer({ config, dataDir: dir, databaseUrl, now: at(DAYS, 9).toISOString() }, dir);
    const base = `http://127.0.0.1:${server.port}`;
    const ms = LOAD_MS[scale];
    const year = `from=${at(1, 0).toISOString().slice(0, 10)}&to=${at(DAYS + 1, 0).toISOString().slice(0, 10)}`;
    const c = encodeURIComponent(built.control.id);
    const endpoints: [string, string][] = [
      // The dashboard's overview page makes this one call (web/src/pages/overview.tsx).
      ['overview', '/api/v1/overview'],
      ['controls', '/api/v1/controls'],
      ['overview.findings-summary', '/api/v1/findings/summary'],
      ['overview.soc2-coverage', '/api/v1/frameworks/soc2/coverage'],
      ['overview.trend-90d', `/api/v1/controls/${c}/timeline`],
      ['control', `/api/v1/controls/${c}`],
      ['control.timeline-12m', `/api/v1/controls/${c}/timeline?${year}`],
      ['findings', '/api/v1/findings?limit=50&includeTotal=true'],
      ['findings.filtered', `/api/v1/findings?owner=${encodeURIComponent(built.topOwner)}&sla=overdue,at_risk&severity=critical,high&limit=50&includeTotal=true`],
    ];
    // The size each latency is measured at: the result states of 12 months.
    const size = built.counts.check_results!;
    const out: BenchResult[] = [];
    try {
      const health = await load(base, '/api/v1/health', built.token, ms);
      note(`  health: p50 ${health.p50.toFixed(1)} ms, p95 ${health.p95.toFixed(1)} ms (${health.n} requests)`);
      note(`  control ${built.control.id} (${built.control.rows} result rows); findings owner ${built.topOwner}`);
      for (const [name, path] of endpoints) {
        const m = await load(base, path, built.token, ms);
        note(`  ${name}: p50 ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms (${m.n} requests)  GET ${path}`);
        out.push(result({ scenario: `api.${name}`, db: kind, figure: m.p95, unit: `ms p95 (p50 ${m.p50.toFixed(1)})`, limit: health.p95, goal: 10, better: 'lower', size }));
        if (name === 'overview') {
          out.push(result({ scenario: 'api.overview-under-100ms', db: kind, figure: m.p95, unit: 'ms p95 (goal at scale m)', limit: 100, goal: 1, better: 'lower', size }));
          // The overview is kept until what it shows changes (src/server/queries/read-cache.ts): the
          // same load while a finding is reassigned every second, so that the answer is computed again
          // each second, shows what a request pays when it is not kept.
          const [finding] = (JSON.parse((await get(new Agent(), `${base}/api/v1/findings?limit=1`, built.token)).body) as { items: { id: string }[] }).items;
          if (!finding) throw new Error('the bench workspace has no open finding to reassign');
          let turn = 0;
          const reassign = async () => {
            const res = await fetch(`${base}/api/v1/findings/${finding.id}/assign`, {
              method: 'POST',
              headers: { authorization: `Bearer ${built.writeToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ owner: `owner-${turn++ % 2}@demo-corp.example` }),
            });
            if (res.status !== 200) throw new Error(`reassigning ${finding.id} answered ${res.status}: ${(await res.text()).slice(0, 400)}`);
          };
          const c = await load(base, path, built.token, ms, reassign);
          note(`  overview while a finding changes every second: p50 ${c.p50.toFixed(1)} ms, p95 ${c.p95.toFixed(1)} ms (${c.n} requests)`);
          out.push(result({ scenario: 'api.overview.changing', db: kind, figure: c.p95, unit: `ms p95 (p50 ${c.p50.toFixed(1)}), a write every second`, limit: health.p95, goal: 10, better: 'lower', size }));
          out.push(result({ scenario: 'api.overview.changing-under-100ms', db: kind, figure: c.p95, unit: 'ms p95, a write every second (goal at scale m)', limit: 100, goal: 1, better: 'lower', size }));
        }
      }
    } finally {
      await server.stop();
    }
    return out;
  },
};

await runIfMain(import.meta.url, api);
