import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/clock.ts';
import { createDemoOrg, employedAt, plantedBy } from './org.ts';

const anchor = new Date('2026-11-26T12:34:00Z');

describe('the demo organization', () => {
  it('is the same company on every run for the same anchor day', () => {
    const a = createDemoOrg({ anchor });
    const b = createDemoOrg({ anchor: new Date('2026-11-26T23:00:00Z') });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('has about 150 people at the anchor, with joiners and leavers over the year', () => {
    const org = createDemoOrg({ anchor });
    const now = org.people.filter((p) => employedAt(p, org.anchor)).length;
    expect(now).toBeGreaterThanOrEqual(140);
    expect(now).toBeLessThanOrEqual(165);
    const left = org.people.filter((p) => p.terminationDate && p.terminationDate <= org.anchor && p.terminationDate > org.periodStart);
    const joined = org.people.filter((p) => p.startDate > org.periodStart && p.startDate <= org.anchor);
    expect(left.length).toBeGreaterThanOrEqual(15);
    expect(joined.length).toBeGreaterThanOrEqual(20);
    expect(new Set(org.people.map((p) => p.email)).size).toBe(org.people.length);
  });

  it('plants each failure in the data it describes', () => {
    const org = createDemoOrg({ anchor });
    const byEmail = new Map(org.people.map((p) => [p.email, p]));
    for (const f of org.planted) {
      if (f.kind === 'leaver-deprovisioned-late') {
        const p = byEmail.get(f.email)!;
        expect(p.okta.deactivatedAt!.getTime() - p.terminationDate!.getTime()).toBeGreaterThan(2 * DAY_MS);
      }
      if (f.kind === 'leaver-still-active' && f.system === 'okta') expect(byEmail.get(f.email)!.okta.deactivatedAt).toBeNull();
      if (f.kind === 'leaver-still-active' && f.system === 'github') expect(byEmail.get(f.email)!.github!.removedAt).toBeNull();
      if (f.kind === 'mfa-missing' && f.system === 'okta') expect(org.people.find((p) => p.okta.login === f.account)!.okta.mfa).toBe(false);
      if (f.kind === 'pr-without-independent-approval') {
        const pr = org.pullRequests.find((p) => p.repo === f.repo && p.number === f.number)!;
        expect(pr.reviews.some((r) => r.state === 'APPROVED' && r.reviewer !== pr.author)).toBe(false);
      }
    }
    expect(org.planted.filter((f) => f.kind === 'leaver-deprovisioned-late')).toHaveLength(3);
    expect(org.planted.filter((f) => f.kind === 'mfa-missing')).toHaveLength(6);
    const unapproved = org.planted.filter((f) => f.kind === 'pr-without-independent-approval');
    const merged = (f: (typeof unapproved)[number]) => org.pullRequests.find((p) => f.kind === 'pr-without-independent-approval' && p.repo === f.repo && p.number === f.number)!.mergedAt;
    expect(unapproved.filter((f) => merged(f) < org.anchor)).toHaveLength(4);
    // The live tail: on the anchor day one in seven of the 20-minute merges has no approval.
    expect(unapproved.filter((f) => merged(f) >= org.anchor)).toHaveLength(10);
  });

  it('keeps living: pull requests and leavers after the anchor appear as time passes', () => {
    const org = createDemoOrg({ anchor });
    expect(org.pullRequests.some((p) => p.mergedAt > org.anchor)).toBe(true);
    expect(plantedBy(org, org.anchor).length).toBeLessThanOrEqual(plantedBy(org, org.horizon).length);
    // Every past unapproved merge is planted by the anchor; nothing in the future is reported early.
    expect(plantedBy(org, org.anchor).every((f) => f.kind !== 'pr-without-independent-approval' || org.pullRequests.find((p) => p.repo === f.repo && p.number === f.number)!.mergedAt <= org.anchor)).toBe(true);
  });
});
