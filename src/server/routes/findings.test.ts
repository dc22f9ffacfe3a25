/**
 * The findings summary is kept like the overview (queries/read-cache.ts): counted once and served
 * until a write by anyone, or until the clock passes the next SLA boundary of an open finding. An
 * auditor's summary, over their audit periods, is counted for every request.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findings } from '../../db/schema/findings.ts';
import { testDbKind } from '../../db/testing.ts';
import { startSeeded } from '../seed.testing.ts';
import type { Credential } from '../testing.ts';

let server: Awaited<ReturnType<typeof startSeeded>>;
beforeAll(async () => {
  server = await startSeeded();
});
afterAll(async () => {
  await server?.t.close();
});

interface Summary {
  active: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[];
  byStatus: Record<string, number>;
}
const summary = async (as: Credential) => {
  const res = await server.t.request('GET', '/api/v1/findings/summary', { as });
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
};
const high = (x: Summary) => x.active.find((b) => b.severity === 'high');

describe(`the findings summary, kept until it changes (${testDbKind()})`, () => {
  it('counts once while nothing changes, again after any write, and at the next SLA boundary by the clock alone', async () => {
    const counted = vi.spyOn(server.t.server.context.queries.findings, 'summary');

    const first = await summary(server.admin);
    expect(first.byStatus).toMatchObject({ open: 2, resolved: 1 });
    expect(await summary(server.admin)).toEqual(first);
    expect(await summary(server.viewer)).toEqual(first);
    expect(counted).toHaveBeenCalledTimes(1);

    // A write straight to the database, as another process makes it.
    await server.t.app.db.orm.update(findings).set({ status: 'resolved', resolvedAt: server.t.clock.now() }).where(eq(findings.id, server.s.theirs));
    expect((await summary(server.admin)).byStatus).toMatchObject({ open: 1, resolved: 2 });
    expect(counted).toHaveBeenCalledTimes(2);

    // The member's finding (high, opened Feb 20, due in 30 days) is at risk from Mar 14 12:00:
    // before then the kept counts stand, after it they are counted again with nothing written.
    server.t.clock.set('2026-03-14T11:00:00Z');
    expect(high(await summary(server.admin))).toMatchObject({ on_track: 1, at_risk: 0 });
    expect(counted).toHaveBeenCalledTimes(2);
    server.t.clock.set('2026-03-14T12:30:00Z');
    expect(high(await summary(server.admin))).toMatchObject({ on_track: 0, at_risk: 1 });
    expect(counted).toHaveBeenCalledTimes(3);
  });

  it('counts an auditor’s summary, over their audit periods, for every request', async () => {
    const counted = vi.spyOn(server.t.server.context.queries.findings, 'summary');
    counted.mockClear();
    const a = await summary(server.auditor);
    expect(await summary(server.auditor)).toEqual(a);
    expect(counted).toHaveBeenCalledTimes(2);
  });
});
