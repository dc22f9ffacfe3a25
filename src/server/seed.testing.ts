/**
 * Rows the API tests read and act on, inserted directly: check results (as state changes),
 * findings on a control the member owns and on one they do not, evidence with an attachment (one
 * inside the auditor's period, one before it), an audit period with the auditor invited, and a
 * second workspace with its own finding, evidence, user and token.
 */
import { createAccountService } from '../core/accounts.ts';
import { createAuditPeriodService } from '../core/audit-periods.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { checkResults } from '../db/schema/check-results.ts';
import { findings, type FindingRow } from '../db/schema/findings.ts';
import { newId } from '../lib/ids.ts';
import { createTestServer, type Credential, type TestServer } from './testing.ts';

export interface Seed {
  /** Open, on TST-01 (the member's control). */
  mine: string;
  /** Open, on TST-02 (someone else's control), unassigned. */
  theirs: string;
  /** Resolved before the auditor's period began. */
  old: string;
  /** Manual evidence for TST-01 with an attachment, effective now (inside the period). */
  evidence: { id: string; sha256: string };
  /** Evidence effective before the auditor's period. */
  oldEvidence: string;
  period: string;
  spareUser: string;
  /** An invitation never accepted, for inspecting links. */
  inviteToken: string;
  other: { workspaceId: string; finding: string; evidence: string; user: string; token: string; period: string; tokenId: string };
}

const day = (iso: string) => new Date(iso);

export function findingRow(workspaceId: string, over: Partial<FindingRow> & Pick<FindingRow, 'checkId' | 'resource' | 'controls'>): FindingRow {
  const openedAt = over.openedAt ?? day('2026-02-20T00:00:00Z');
  return {
    id: newId('fnd', openedAt.getTime()),
    workspaceId,
    source: 'hr',
    severity: 'high',
    status: 'open',
    owner: null,
    title: 'A failing check',
    reason: 'it failed',
    remediation: 'fix it',
    openedAt,
    dueAt: new Date(openedAt.getTime() + 30 * 86_400_000),
    resolvedAt: null,
    reopenedCount: 0,
    muteReason: null,
    muteApprover: null,
    muteExpiresAt: null,
    alertedAtRisk: null,
    alertedBreach: null,
    updatedAt: openedAt,
    ...over,
  };
}

export async function seed(t: TestServer): Promise<Seed> {
  const { app, server } = t;
  const ws = app.workspace.id;
  const orm = app.db.orm;

  // test.mfa: u1 passed since Feb 1 then failed since Feb 20; u2 passing throughout. test.branch: r1 failing, stale since Mar 1.
  await orm.insert(checkResults).values([
    { workspaceId: ws, checkId: 'test.mfa', resource: 'test.users/u1', status: 'pass', severity: 'high', reason: 'has MFA', validFrom: day('2026-02-01T00:00:00Z'), validTo: day('2026-02-20T00:00:00Z'), judgedAt: day('2026-02-01T00:00:00Z') },
    { workspaceId: ws, checkId: 'test.mfa', resource: 'test.users/u1', status: 'fail', severity: 'high', reason: 'no MFA', remediation: 'enrol', validFrom: day('2026-02-20T00:00:00Z'), judgedAt: day('2026-02-20T00:00:00Z') },
    { workspaceId: ws, checkId: 'test.mfa', resource: 'test.users/u2', status: 'pass', severity: 'high', reason: 'has MFA', validFrom: day('2026-02-01T00:00:00Z'), judgedAt: day('2026-02-01T00:00:00Z') },
    { workspaceId: ws, checkId: 'test.branch', resource: 'test.repos/r1', status: 'fail', severity: 'medium', reason: 'unprotected', remediation: 'protect', validFrom: day('2026-02-10T00:00:00Z'), validTo: day('2026-03-01T00:00:00Z'), judgedAt: day('2026-02-10T00:00:00Z') },
    { workspaceId: ws, checkId: 'test.branch', resource: 'test.repos/r1', status: 'stale', severity: 'medium', reason: 'source stale', validFrom: day('2026-03-01T00:00:00Z'), judgedAt: day('2026-03-01T00:00:00Z') },
  ]);

  const mine = findingRow(ws, { checkId: 'test.mfa', resource: 'test.users/u1', controls: ['TST-01'], title: 'Every user has MFA', reason: 'no MFA' });
  const theirs = findingRow(ws, { checkId: 'test.branch', resource: 'test.repos/r1', controls: ['TST-02'], severity: 'medium', title: 'Default branches are protected' });
  const old = findingRow(ws, {
    checkId: 'test.mfa',
    resource: 'test.users/u9',
    controls: ['TST-01'],
    status: 'resolved',
    openedAt: day('2025-10-01T00:00:00Z'),
    resolvedAt: day('2025-11-01T00:00:00Z'),
  });
  await orm.insert(findings).values([mine, theirs, old]);

  const { blobs, log } = app.evidence;
  const blob = await blobs.put(Buffer.from('%PDF-1.4 signed policy'));
  const [evidence] = await log.append(ws, [
    { kind: 'manual', source: 'cli', subject: 'control:TST-01', content: { control: 'TST-01', file: 'policy.pdf' }, attachments: [{ ...blob, name: 'policy.pdf', mediaType: 'application/pdf' }] },
  ]);
  const [oldEvidence] = await log.append(ws, [{ kind: 'manual', source: 'cli', subject: 'control:TST-01', effectiveAt: '2025-06-01T00:00:00Z', content: { control: 'TST-01', note: 'last year' } }]);

  const periods = server.context.periods;
  const period = await periods.create({ name: 'FY26 H1', startsAt: day('2026-01-01T00:00:00Z'), endsAt: day('2026-04-01T00:00:00Z'), auditorIds: [t.users.auditor.id] }, t.users.admin.id);
  const accounts = server.context.accounts;
  const spare = await accounts.create({ email: 'spare@example.com', role: 'viewer' }, t.users.admin.id);
  const invitee = await accounts.create({ email: 'invitee@example.com', role: 'viewer' }, t.users.admin.id);

  // A second workspace in the same database.
  const other = await createWorkspaceRepo(orm).ensure('other', 'Other Org');
  const otherFinding = findingRow(other.id, { checkId: 'test.mfa', resource: 'test.users/x', controls: ['TST-01'] });
  await orm.insert(findings).values(otherFinding);
  const [otherEvidence] = await log.append(other.id, [{ kind: 'manual', source: 'cli', subject: 'control:TST-01', content: { other: true }, attachments: [{ ...blob, name: 'policy.pdf', mediaType: 'application/pdf' }] }]);
  const otherAccounts = createAccountService({ db: app.db, clock: app.clock }, other.id, { scrypt: { log2N: 10, r: 8, p: 1 } });
  const link = await otherAccounts.createSetupLink();
  const otherAdmin = await otherAccounts.completeSetup(link.token, { email: 'admin@example.com', name: 'Other', password: 'another long password' });
  const otherToken = await otherAccounts.createToken(otherAdmin.id, { name: 'x', scope: 'write' });
  const otherPeriod = await createAuditPeriodService({ db: app.db, clock: app.clock }, other.id).create(
    { name: 'other', startsAt: day('2026-01-01T00:00:00Z'), endsAt: day('2026-04-01T00:00:00Z'), auditorIds: [] },
    otherAdmin.id,
  );

  return {
    mine: mine.id,
    theirs: theirs.id,
    old: old.id,
    evidence: { id: evidence!.id, sha256: blob.sha256 },
    oldEvidence: oldEvidence!.id,
    period: period.id,
    spareUser: spare.user.id,
    inviteToken: invitee.invite.token,
    other: { workspaceId: other.id, finding: otherFinding.id, evidence: otherEvidence!.id, user: otherAdmin.id, token: otherToken.token, tokenId: otherToken.record.id, period: otherPeriod.id },
  };
}

/**
 * A test server with the seed and API tokens for the admin, a viewer and the auditor — tokens, not
 * sessions, for tests that move the clock by days past a session's idle timeout.
 */
export async function startSeeded(): Promise<{ t: TestServer; s: Seed; admin: Credential; viewer: Credential; auditor: Credential }> {
  const t = await createTestServer();
  const s = await seed(t);
  return {
    t,
    s,
    admin: { kind: 'token', token: t.users.admin.token },
    viewer: { kind: 'token', token: t.users.viewer.token },
    auditor: { kind: 'token', token: t.users.auditor.token },
  };
}
