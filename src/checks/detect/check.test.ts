import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogEventSchema } from '../../connectors/github/events/audit-log.ts';
import { cloudtrailEventSchema } from '../../connectors/aws/events/cloudtrail-events.ts';
import { systemLogEventSchema } from '../../connectors/okta/events/system-log.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { events } from '../../db/schema/events.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createInputReader } from '../sdk/inputs.ts';
import type { AnyCheck } from '../sdk/define.ts';
import { adminGranted } from './admin-granted.ts';
import { branchProtectionRemoved } from './branch-protection-removed.ts';
import { CLOUDTRAIL_EVENTS, GITHUB_AUDIT_LOG, OKTA_SYSTEM_LOG } from './check.ts';
import { pantherLog, stratusEvents } from './fixtures.testing.ts';
import { loggingStopped } from './logging-stopped.ts';
import { mfaRemoved } from './mfa-removed.ts';

const NOW = '2026-06-01T12:00:00.000Z';

/** Stored rows shaped exactly as each connector writes them: every one passes the connector's schema. */
const okta = (uuid: string, published: string, log: Record<string, unknown>) => systemLogEventSchema.parse({ ...log, uuid, published });
const github = (id: string, createdAt: string, log: Record<string, unknown>) => {
  const { action, actor, user, repo, created_at: _c, p_log_type: _p, ...details } = log;
  return auditLogEventSchema.parse({ id, action, actor: actor ?? null, user: user ?? null, repo: repo ?? null, createdAt, countryCode: null, details });
};
const cloudtrail = (eventTime: string, e: Record<string, unknown>) => {
  const id = e.userIdentity as { type?: string; arn?: string };
  return cloudtrailEventSchema.parse({
    eventId: String(e.eventID),
    eventTime,
    eventName: String(e.eventName),
    eventSource: String(e.eventSource),
    region: String(e.awsRegion),
    username: null,
    userIdentityType: id.type ?? null,
    userArn: id.arn ?? null,
    sourceIpAddress: String(e.sourceIPAddress),
    readOnly: false,
    errorCode: null,
    mfaUsed: null,
    resources: [],
    cloudTrailEvent: e,
  });
};

let db: TestDb;
let run: (check: AnyCheck, params?: Record<string, unknown>) => Promise<{ resource: string; status: string; reason: string; evidence: string[]; source?: string }[]>;

beforeAll(async () => {
  db = await createTestDb();
  const ws = await createWorkspaceRepo(db.orm).ensure(`detect-${process.pid}`, 'Detect test');
  const store = (source: string, stream: string, rows: { key: string; at: string; data: Record<string, unknown> }[]) =>
    db.orm.insert(events).values(
      rows.map((r) => ({ workspaceId: ws.id, source, stream, key: r.key, occurredAt: new Date(r.at), collectedAt: new Date(NOW), data: r.data, evidenceId: `ev:${r.key}` })),
    );
  const suspend = pantherLog('okta', 'Okta.User.MFA.Factor.Suspend', 'Suspend Event');
  const grant = pantherLog('okta', 'Okta.AdminRoleAssigned', 'Admin Access Assigned');
  const login = pantherLog('okta', 'Okta.Global.MFA.Disabled', 'Login Event');
  await store('okta', OKTA_SYSTEM_LOG, [
    { key: 'o-suspend', at: '2026-05-30T10:00:00.000Z', data: okta('o-suspend', '2026-05-30T10:00:00.000Z', suspend) },
    { key: 'o-grant', at: '2026-05-31T10:00:00.000Z', data: okta('o-grant', '2026-05-31T10:00:00.000Z', grant) },
    { key: 'o-login', at: '2026-05-31T11:00:00.000Z', data: okta('o-login', '2026-05-31T11:00:00.000Z', login) },
    // Older than the 90-day lookback: not judged.
    { key: 'o-old-grant', at: '2026-02-01T10:00:00.000Z', data: okta('o-old-grant', '2026-02-01T10:00:00.000Z', grant) },
  ]);
  await store('github', GITHUB_AUDIT_LOG, [
    { key: 'g-destroy', at: '2026-05-29T09:00:00.000Z', data: github('g-destroy', '2026-05-29T09:00:00.000Z', pantherLog('github', 'GitHub.Branch.ProtectionDisabled', 'GitHub - Branch Protection Disabled')) },
    { key: 'g-2fa', at: '2026-05-29T10:00:00.000Z', data: github('g-2fa', '2026-05-29T10:00:00.000Z', pantherLog('github', 'GitHub.Org.AuthChange', 'GitHub - Two Factor Requirement Disabled')) },
    { key: 'g-rename', at: '2026-05-29T11:00:00.000Z', data: github('g-rename', '2026-05-29T11:00:00.000Z', pantherLog('github', 'GitHub.Branch.ProtectionDisabled', 'GitHub - Protected Branch Name Updated')) },
  ]);
  const [stop] = stratusEvents('aws.defense-evasion.cloudtrail-stop');
  const adminUser = stratusEvents('aws.persistence.iam-create-admin-user');
  await store('aws', CLOUDTRAIL_EVENTS, [
    { key: 'a-stop', at: '2026-05-28T08:00:00.000Z', data: cloudtrail('2026-05-28T08:00:00.000Z', stop!) },
    ...adminUser.map((e, i) => ({ key: `a-admin-${i}`, at: '2026-05-28T09:00:00.000Z', data: cloudtrail('2026-05-28T09:00:00.000Z', e) })),
  ]);
  run = (check, params = {}) => check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now: new Date(NOW), inputs: createInputReader(db.orm, ws.id) });
});
afterAll(() => db.close());

const brief = (rs: Awaited<ReturnType<typeof run>>) => rs.map((r) => [r.resource, r.status, r.reason, r.evidence]);

describe('the detect.* checks over collected events', () => {
  it('detect.logging-stopped fails each CloudTrail event that stopped logging', async () => {
    expect(brief(await run(loggingStopped))).toEqual([
      [
        'aws.cloudtrail-events/a-stop',
        'fail',
        'arn:aws:iam::143434273843:user/christophe stopped logging on CloudTrail trail stratus-red-team-ct-stop-trail-buykxbqejv in apiso-centralnorth-2r on 2026-05-28T08:00:00.000Z',
        ['ev:a-stop'],
      ],
    ]);
  });

  it('detect.mfa-removed fails the Okta factor suspension and the GitHub 2FA requirement turned off, and nothing else', async () => {
    expect(brief(await run(mfaRemoved))).toEqual([
      [
        'okta.system-log/o-suspend',
        'fail',
        'homer.simpson@duff.com suspended an MFA factor of peter.griffin@company.com (User suspended SIGNED_NONCE factor) on 2026-05-30T10:00:00.000Z',
        ['ev:o-suspend'],
      ],
      ['github.audit-log/g-2fa', 'fail', 'admin-user turned off the two-factor authentication requirement for my-org on 2026-05-29T10:00:00.000Z', ['ev:g-2fa']],
    ]);
  });

  it('detect.admin-granted fails the Okta grant and the AWS AdministratorAccess attachment within the lookback', async () => {
    const results = await run(adminGranted);
    expect(brief(results)).toEqual([
      ['okta.system-log/o-grant', 'fail', 'jack@acme.io granted Organization administrator, Application administrator (all) to alice@acme.io on 2026-05-31T10:00:00.000Z', ['ev:o-grant']],
      ['aws.cloudtrail-events/a-admin-0', 'fail', 'arn:aws:iam::229654561268:user/christophe attached AdministratorAccess to IAM user malicious-iam-user on 2026-05-28T09:00:00.000Z', ['ev:a-admin-0']],
    ]);
    expect(results[0]).toMatchObject({ source: 'okta', remediation: expect.stringContaining('revoke it') });
    expect((await run(adminGranted, { lookbackDays: 180 })).map((r) => r.resource)).toContain('okta.system-log/o-old-grant');
  });

  it('detect.branch-protection-removed fails the protection destroyed, not the branch renamed', async () => {
    expect(brief(await run(branchProtectionRemoved))).toEqual([
      ['github.audit-log/g-destroy', 'fail', 'cat removed branch protection in my-org/my-repo on 2026-05-29T09:00:00.000Z', ['ev:g-destroy']],
    ]);
  });
});
