import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgementSchema } from '../../connectors/training-csv/resources/acknowledgements.ts';
import { completionSchema } from '../../connectors/training-csv/resources/completions.ts';
import { csvEmployee, seed, type Seeded } from '../access/hr-test-data.ts';
import type { CheckResult } from '../sdk/define.ts';
import { policyAcknowledgement } from './policy-acknowledgement.ts';
import { training } from './training.ts';

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'people' });
});
afterAll(() => store.close());
let ws = 0;
const workspace = () => seed({ db: store.db, slug: `people-${++ws}` });

const done = (email: string, course: string, completedAt: string) => completionSchema.parse({ email, course, completedAt, status: 'Passed' });
const ack = (email: string, policy: string, acknowledgedAt: string, version: string | null = null) => acknowledgementSchema.parse({ email, policy, version, acknowledgedAt });
const putPeople = (s: Seeded, rows: Record<string, unknown>[]) => s.put('hris-csv.employees', 'hr', 'email', rows);
const putCompletions = (s: Seeded, rows: Record<string, unknown>[]) =>
  s.put(
    'training-csv.completions',
    'training',
    'key',
    rows.map((r) => ({ ...r, key: `${String(r.email)}/${String(r.course)}/${String(r.completedAt)}` })),
  );
const summary = (results: CheckResult[]) => results.map((r) => [(r.details as { email: string }).email, r.status, r.reason]);

const NOW = '2026-03-01T12:00:00Z';

describe('people.training', () => {
  it('judges joiners on the onboarding deadline and everyone else on their latest completion', async () => {
    const s = await workspace();
    await putPeople(s, [
      csvEmployee({ email: 'ann@acme.test', name: 'Ann', startDate: '2020-01-06' }),
      csvEmployee({ email: 'bob@acme.test', name: 'Bob', startDate: '2021-05-03' }),
      csvEmployee({ email: 'cat@acme.test', name: 'Cat', startDate: '2026-01-05' }),
      csvEmployee({ email: 'dan@acme.test', name: 'Dan', startDate: '2025-10-01' }),
      csvEmployee({ email: 'eve@acme.test', name: 'Eve', startDate: '2026-02-20' }),
      csvEmployee({ email: 'fay@acme.test', name: 'Fay', startDate: '2025-09-01' }),
      csvEmployee({ email: 'gus@acme.test', name: 'Gus', startDate: '2019-01-01' }),
      // Left, and hired for next month: neither is judged.
      csvEmployee({ email: 'hal@acme.test', name: 'Hal', startDate: '2019-01-01', terminationDate: '2026-01-31' }),
      csvEmployee({ email: 'ivy@acme.test', name: 'Ivy', startDate: '2026-04-01' }),
    ]);
    await putCompletions(s, [
      done('ann@acme.test', 'Security Awareness 2025', '2025-03-02'),
      done('bob@acme.test', 'Security Awareness 2025', '2025-02-28'),
      done('bob@acme.test', 'Security Awareness 2024', '2024-03-01'),
      done('cat@acme.test', 'Security Awareness Onboarding', '2026-02-04'),
      done('dan@acme.test', 'Security Awareness Onboarding', '2025-11-15T10:00:00.000Z'),
      done('fay@acme.test', 'Security Awareness Onboarding', '2025-08-25'),
    ]);
    const results = await s.run(training, NOW);
    expect(summary(results)).toEqual([
      ['ann@acme.test', 'pass', 'Ann <ann@acme.test>: completed Security Awareness 2025 on 2025-03-02; next due by 2026-03-03 00:00 UTC'],
      ['bob@acme.test', 'fail', 'Bob <bob@acme.test>: last completed Security Awareness 2025 on 2025-02-28, more than 365 d ago (due 2026-03-01 00:00 UTC)'],
      ['cat@acme.test', 'pass', 'Cat <cat@acme.test>: completed Security Awareness Onboarding on 2026-02-04, 30 days after starting'],
      ['dan@acme.test', 'fail', 'Dan <dan@acme.test>: completed Security Awareness Onboarding on 2025-11-15 10:00 UTC, 45 days after starting on 2025-10-01, beyond 30 days'],
      ['eve@acme.test', 'pass', 'Eve <eve@acme.test>: security awareness training not completed yet; due by 2026-03-23 00:00 UTC (30 days after starting on 2026-02-20)'],
      ['fay@acme.test', 'pass', 'Fay <fay@acme.test>: completed Security Awareness Onboarding on 2025-08-25, before starting'],
      ['gus@acme.test', 'fail', 'Gus <gus@acme.test>: no security awareness training on record'],
    ]);
    const dan = results[3]!;
    expect(dan.status === 'fail' && dan.remediation).toBe('Record why security awareness training was late and make it part of onboarding (assigned on the first day, tracked to 30 days).');
    expect(dan.evidence).toEqual(['ev-hris-csv.employees-dan@acme.test', 'ev-training-csv.completions-dan@acme.test/Security Awareness Onboarding/2025-11-15T10:00:00.000Z']);
    // A joiner past the deadline with nothing: at Eve's deadline, the end of her 30th day.
    const late = await s.run(training, '2026-03-23T00:00:00Z');
    expect(late.find((r) => (r.details as { email: string }).email === 'eve@acme.test')?.reason).toBe('Eve <eve@acme.test>: security awareness training not completed, past its due date 2026-03-23 00:00 UTC (30 days after starting on 2026-02-20)');
  });

  it('counts only the listed courses when asked to', async () => {
    const s = await workspace();
    await putPeople(s, [csvEmployee({ email: 'ann@acme.test', name: 'Ann', startDate: '2020-01-06' })]);
    await putCompletions(s, [done('ann@acme.test', 'Fire Safety', '2026-01-10'), done('ann@acme.test', 'Security Awareness 2024', '2024-06-01')]);
    expect((await s.run(training, NOW))[0]!.status).toBe('pass');
    const [r] = await s.run(training, NOW, { courses: ['security awareness'] });
    expect(r!.reason).toBe('Ann <ann@acme.test>: last completed Security Awareness 2024 on 2024-06-01, more than 365 d ago (due 2025-06-02 00:00 UTC)');
  });

  it('is not applicable without any completion collected, and an error without an HR roster', async () => {
    const s = await workspace();
    await putPeople(s, [csvEmployee({ email: 'ann@acme.test', name: 'Ann', startDate: '2020-01-06' })]);
    expect((await s.run(training, NOW)).map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['training-csv.completions', 'not_applicable', 'no training completions are collected: give a training-csv source its completions export'],
    ]);
    const noHr = await workspace();
    await putCompletions(noHr, [done('ann@acme.test', 'X', '2026-01-10')]);
    await expect(noHr.run(training, NOW)).rejects.toThrow(/people.training needs the HR roster/);
  });
});

describe('people.policy-acknowledgement', () => {
  it('requires each listed policy, at hire and yearly', async () => {
    const s = await workspace();
    await putPeople(s, [csvEmployee({ email: 'ann@acme.test', name: 'Ann', startDate: '2020-01-06' }), csvEmployee({ email: 'cat@acme.test', name: 'Cat', startDate: '2026-01-05' })]);
    await s.put(
      'training-csv.acknowledgements',
      'training',
      'key',
      [
        ack('ann@acme.test', 'Information Security Policy', '2026-01-15', '2026.1'),
        ack('ann@acme.test', 'Acceptable Use Policy', '2024-12-01', '3'),
        ack('cat@acme.test', 'Information Security Policy', '2026-01-05T09:00:00.000Z'),
        ack('cat@acme.test', 'Acceptable Use Policy', '2026-01-06'),
      ].map((r) => ({ ...r, key: `${r.email}/${r.policy}/${r.acknowledgedAt}` })),
    );
    expect(summary(await s.run(policyAcknowledgement, NOW))).toEqual([
      ['ann@acme.test', 'pass', 'Ann <ann@acme.test>: acknowledged Information Security Policy 2026.1 on 2026-01-15; next due by 2027-01-16 00:00 UTC'],
      ['cat@acme.test', 'pass', 'Cat <cat@acme.test>: acknowledged Information Security Policy on 2026-01-05 09:00 UTC, 0 days after starting'],
    ]);
    const results = await s.run(policyAcknowledgement, NOW, { policies: ['Information Security Policy', 'Acceptable Use Policy'] });
    expect(summary(results)).toEqual([
      ['ann@acme.test', 'fail', 'Ann <ann@acme.test>: last acknowledged Acceptable Use Policy 3 on 2024-12-01, more than 365 d ago (due 2025-12-02 00:00 UTC)'],
      ['cat@acme.test', 'pass', 'Cat <cat@acme.test>: acknowledged Information Security Policy on 2026-01-05 09:00 UTC, 0 days after starting; acknowledged Acceptable Use Policy on 2026-01-06, 1 day after starting'],
    ]);
    expect(results[0]!.status === 'fail' && results[0]!.remediation).toBe('Have them acknowledge the Acceptable Use Policy again now, and make the yearly round reach everyone.');
  });
});
