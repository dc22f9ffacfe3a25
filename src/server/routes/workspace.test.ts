/**
 * The overview is computed once and served until what it shows changes (queries/read-cache.ts):
 * a write by anyone — here straight to the database, as another process would — shows on the next
 * request, and so does the clock passing an SLA boundary or midnight with nothing written. An
 * auditor's overview, over their audit periods, is computed for every request.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findings } from '../../db/schema/findings.ts';
import { testDbKind } from '../../db/testing.ts';
import { startSeeded, type Seed } from '../seed.testing.ts';
import type { Credential, TestServer } from '../testing.ts';

let t: TestServer;
let s: Seed;
let admin: Credential;
let viewer: Credential;
let auditor: Credential;

beforeAll(async () => {
  ({ t, s, admin, viewer, auditor } = await startSeeded());
});
afterAll(async () => {
  await t?.close();
});

interface Overview {
  findings: { open: number; bySeverity: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[] };
  sources: unknown[];
  trend: { from: string; to: string } | null;
}
const overview = async (as: Credential) => {
  const res = await t.request('GET', '/api/v1/overview', { as });
  expect(res.status).toBe(200);
  return (await res.json()) as Overview;
};
const high = (o: Overview) => o.findings.bySeverity.find((b) => b.severity === 'high');

describe(`the overview, kept until it changes (${testDbKind()})`, () => {
  it('computes once while nothing changes, again after any write, and at the SLA boundary and midnight by the clock alone', async () => {
    const computed = vi.spyOn(t.server.context.queries.findings, 'summary');

    const first = await overview(admin);
    expect(first.findings.open).toBe(2);
    expect(await overview(admin)).toEqual(first);
    expect(computed).toHaveBeenCalledTimes(1);
    // Every role but an auditor sees the same overview, sources included: the same kept answer.
    expect(first.sources).not.toEqual([]);
    expect(await overview(viewer)).toEqual(first);
    expect(computed).toHaveBeenCalledTimes(1);

    // A write straight to the database, as another process makes it.
    await t.app.db.orm.update(findings).set({ status: 'resolved', resolvedAt: t.clock.now() }).where(eq(findings.id, s.theirs));
    expect((await overview(admin)).findings.open).toBe(1);
    expect(computed).toHaveBeenCalledTimes(2);

    // The member's finding (high, opened Feb 20, due in 30 days) is at risk from Mar 14 12:00.
    t.clock.set('2026-03-14T11:00:00Z');
    expect(high(await overview(admin))).toMatchObject({ on_track: 1, at_risk: 0 });
    expect(high(await overview(admin))).toMatchObject({ on_track: 1, at_risk: 0 });
    const before = computed.mock.calls.length;
    t.clock.set('2026-03-14T12:30:00Z');
    const atRisk = await overview(admin);
    expect(high(atRisk)).toMatchObject({ on_track: 0, at_risk: 1 });
    expect(computed).toHaveBeenCalledTimes(before + 1);

    // Past midnight the trend covers the next day, with nothing written.
    t.clock.set('2026-03-15T00:30:00Z');
    const next = await overview(admin);
    expect(Date.parse(next.trend!.to) - Date.parse(atRisk.trend!.to)).toBe(86_400_000);
    expect(computed).toHaveBeenCalledTimes(before + 2);
  });

  it('computes an auditor’s overview, over their audit periods, for every request', async () => {
    const computed = vi.spyOn(t.server.context.queries.findings, 'summary');
    computed.mockClear();
    const a = await overview(auditor);
    expect(a.sources).toEqual([]);
    expect(await overview(auditor)).toEqual(a);
    expect(computed).toHaveBeenCalledTimes(2);
  });
});
