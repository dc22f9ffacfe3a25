/**
 * backup.restore-test — every database under a restore-test source has a recent successful restore
 * test within its recovery objectives. One result per database (server and name): the latest test
 * must have passed, within `rto` (restore duration) and `rpo` (age of the backup restored), and the
 * latest passing test must be no older than `interval` (default a year, as auditors expect).
 */
import { z } from 'zod';
import { durationMs } from '../../lib/duration.ts';
import { formatSpan, showTime } from '../access/hr-roster.ts';
import { isoDuration } from '../availability/uptime.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';

export const RESTORE_TESTS = 'postgres-backup.restore-tests';

const row = z.object({
  server: z.string(),
  database: z.string(),
  mode: z.string(),
  backupFile: z.string().nullable(),
  backupTakenAt: z.string().nullable(),
  backupAgeSeconds: z.number().nullable(),
  testedAt: z.string(),
  restoreSeconds: z.number().nullable(),
  outcome: z.enum(['passed', 'failed']),
  error: z.string().nullable(),
  tablesCompared: z.number(),
  tablesDiffering: z.number(),
  exact: z.boolean(),
});

type Test = z.infer<typeof row> & { at: Date; evidence: string[]; source: string };

const params = z.object({
  interval: isoDuration('P365D', 'A successful restore test is needed at least this often.'),
  rto: isoDuration('PT4H', 'Recovery time objective: the longest a restore may take.'),
  rpo: isoDuration('PT24H', 'Recovery point objective: the oldest the latest backup may be when it is tested (the data a restore would lose).'),
});

type Params = z.infer<typeof params>;

/** How far past a limit: to the second when it is under a minute, so "4 h, 4 h RTO" never reads as equal. */
const excess = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : formatSpan(ms));

function problemsOf(t: Test, p: Params): { text: string; fix: string }[] {
  const out: { text: string; fix: string }[] = [];
  if (t.outcome === 'failed') {
    out.push({
      text: `the latest restore test (${showTime(t.at)}) failed: ${t.error ?? 'no reason recorded'}`,
      fix: t.backupFile === null ? 'make the backup job write its files where the restore test looks, and check that it runs' : `find out why ${t.backupFile} does not restore cleanly, fix the backup job, and run the restore test again`,
    });
    return out;
  }
  if (t.restoreSeconds !== null && t.restoreSeconds * 1000 > durationMs(p.rto)) {
    const over = t.restoreSeconds * 1000 - durationMs(p.rto);
    out.push({ text: `the restore took ${formatSpan(t.restoreSeconds * 1000)}, ${excess(over)} beyond the ${formatSpan(durationMs(p.rto))} RTO`, fix: 'make the restore faster (parallel pg_restore jobs, a smaller or partitioned database, a physical backup) or agree a longer RTO' });
  }
  if (t.backupAgeSeconds !== null && t.backupAgeSeconds * 1000 > durationMs(p.rpo)) {
    out.push({
      text: `the backup restored (${t.backupFile}, taken ${showTime(new Date(t.backupTakenAt!))}) was ${formatSpan(t.backupAgeSeconds * 1000)} old, ${excess(t.backupAgeSeconds * 1000 - durationMs(p.rpo))} beyond the ${formatSpan(durationMs(p.rpo))} RPO`,
      fix: 'check that the backup job runs on schedule and writes where the restore test reads; back up at least as often as the RPO',
    });
  }
  return out;
}

function judge(tests: Test[], now: Date, p: Params): CheckResult {
  const latest = tests.at(-1)!;
  const lastPass = [...tests].reverse().find((t) => t.outcome === 'passed');
  const problems = problemsOf(latest, p);
  const intervalMs = durationMs(p.interval);
  if (!lastPass) problems.push({ text: 'no restore test has ever passed', fix: 'make the restore test pass' });
  else if (now.getTime() - lastPass.at.getTime() > intervalMs && lastPass === latest) {
    problems.push({ text: `the last successful restore test was ${formatSpan(now.getTime() - lastPass.at.getTime())} ago (${showTime(lastPass.at)}), more than the ${formatSpan(intervalMs)} allowed`, fix: 'run the restore test (the source schedule should be shorter than the interval)' });
  } else if (now.getTime() - lastPass.at.getTime() > intervalMs) {
    problems.push({ text: `no restore test has passed for ${formatSpan(now.getTime() - lastPass.at.getTime())} (since ${showTime(lastPass.at)}), more than the ${formatSpan(intervalMs)} allowed`, fix: 'make the restore test pass' });
  }
  const base = {
    resource: `${RESTORE_TESTS}/${latest.server}/${latest.database}`,
    source: latest.source,
    evidence: [...new Set([...latest.evidence, ...(lastPass?.evidence ?? [])])],
    details: {
      server: latest.server,
      database: latest.database,
      latestTestAt: latest.testedAt,
      latestOutcome: latest.outcome,
      lastPassedAt: lastPass?.testedAt ?? null,
      restoreSeconds: latest.restoreSeconds,
      backupAgeSeconds: latest.backupAgeSeconds,
      rtoSeconds: durationMs(p.rto) / 1000,
      rpoSeconds: durationMs(p.rpo) / 1000,
      tablesCompared: latest.tablesCompared,
      tablesDiffering: latest.tablesDiffering,
      testsInHistory: tests.length,
    },
  };
  const name = `${latest.database} on ${latest.server}`;
  if (problems.length) {
    return { ...base, status: 'fail', reason: `${name}: ${problems.map((x) => x.text).join('; ')}`, remediation: `${[...new Set(problems.map((x) => x.fix))].join('; ')}.` };
  }
  return {
    ...base,
    status: 'pass',
    reason: `${name}: restored ${latest.backupFile} (${formatSpan((latest.backupAgeSeconds ?? 0) * 1000)} old) in ${formatSpan((latest.restoreSeconds ?? 0) * 1000)} on ${showTime(latest.at)}; ${latest.tablesCompared} tables ${latest.exact ? 'identical to the source' : 'present'} — within the ${formatSpan(durationMs(p.rto))} RTO and ${formatSpan(durationMs(p.rpo))} RPO`,
  };
}

export const restoreTest = defineCheck({
  id: 'backup.restore-test',
  title: 'Backups are restored successfully within RTO and RPO',
  description:
    'The latest restore test of each database passed (restored, every table present and matching), the restore took no longer than the RTO, the backup was no older than the RPO, and a test passed within the interval (default a year).',
  area: 'backup',
  controls: ['BCK-04', 'BCK-01'],
  severity: 'high',
  // Results move with the clock: the last passing test ages with the clock.
  readsNow: true,
  inputs: { events: [RESTORE_TESTS] },
  // Restore tests run weekly to monthly; the interval is judged here, so the source may be quiet for long.
  freshness: 'P400D',
  params,
  async evaluate({ inputs, params: p, now }) {
    const byDb = new Map<string, Test[]>();
    for (const e of await inputs.events(RESTORE_TESTS, { until: new Date(now.getTime() + 1) })) {
      const r = row.safeParse(e.data);
      if (!r.success) throw new Error(`stored ${RESTORE_TESTS} row ${e.key} does not have the fields this check reads: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const key = `${r.data.server}/${r.data.database}`;
      const list = byDb.get(key) ?? [];
      list.push({ ...r.data, at: e.occurredAt, evidence: e.evidenceId ? [e.evidenceId] : [], source: e.source });
      byDb.set(key, list);
    }
    return [...byDb.keys()].sort().map((k) => judge(byDb.get(k)!, now, p));
  },
});
