/**
 * access.mfa-idp over Google Workspace users: rows built with the connector's own schema, so a
 * change to the connector's fields fails here instead of silently blinding the check.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userSchema } from '../../connectors/google-workspace/resources/users.ts';
import { resources } from '../../db/schema/resources.ts';
import { GOOGLE_USERS, mfaIdp } from './mfa-idp.ts';
import { OKTA_FACTORS, OKTA_USERS } from './okta-rows.ts';
import { createTestDb, factor, seedOkta, user, type OktaSeed, type TestDb } from './okta-test-data.ts';

const NOW = '2026-03-01T12:00:00.000Z';
let db: TestDb;
let s: OktaSeed;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  s = await seedOkta(db);
});

function gUser(id: string, u: Partial<z.input<typeof userSchema>> = {}) {
  return userSchema.parse({
    id,
    primaryEmail: `${id}@example.com`,
    fullName: null,
    orgUnitPath: '/',
    suspended: false,
    suspensionReason: null,
    archived: false,
    isAdmin: false,
    isDelegatedAdmin: false,
    isEnrolledIn2Sv: true,
    isEnforcedIn2Sv: false,
    creationTime: '2025-01-01T09:00:00.000Z',
    lastLoginTime: null,
    agreedToTerms: true,
    ...u,
  });
}

async function putGoogle(rows: z.output<typeof userSchema>[], source = 'google-workspace') {
  const at = new Date('2026-01-01T00:00:00Z');
  await db.orm.insert(resources).values(
    rows.map((data) => ({
      workspaceId: s.workspaceId,
      source,
      type: GOOGLE_USERS,
      key: data.id,
      data,
      dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
      firstSeenAt: at,
      lastSeenAt: at,
      changedAt: at,
      evidenceId: `ev:${GOOGLE_USERS}:${data.id}`,
    })),
  );
}

describe('access.mfa-idp for Google Workspace', () => {
  it('fails every active Google user not enrolled in 2SV, says whether it is enforced, and skips suspended and archived accounts', async () => {
    await putGoogle([
      gUser('g1'),
      gUser('g2', { isEnrolledIn2Sv: false, orgUnitPath: '/Sales' }),
      gUser('g3', { isEnrolledIn2Sv: false, isEnforcedIn2Sv: true }),
      gUser('g4', { isEnrolledIn2Sv: false, suspended: true, suspensionReason: 'ADMIN' }),
      gUser('g5', { isEnrolledIn2Sv: false, archived: true }),
    ]);
    const results = await s.run(mfaIdp, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['google-workspace.users/g1', 'pass', 'g1@example.com is enrolled in Google 2-Step Verification'],
      ['google-workspace.users/g2', 'fail', 'g2@example.com can sign in to Google Workspace without 2-Step Verification: not enrolled, and not enforced for /Sales'],
      ['google-workspace.users/g3', 'fail', 'g3@example.com can sign in to Google Workspace without 2-Step Verification: it is enforced for them but they have not enrolled'],
    ]);
    expect(results.map((r) => r.evidence)).toEqual([['ev:google-workspace.users:g1'], ['ev:google-workspace.users:g2'], ['ev:google-workspace.users:g3']]);
    expect(results[1]).toMatchObject({ source: 'google-workspace', remediation: expect.stringContaining('enforce 2-Step Verification for /Sales') });
    expect(results[2]).toMatchObject({ remediation: expect.stringContaining('g3@example.com') });
  });

  it('judges Okta and Google accounts side by side, each in its own source', async () => {
    await s.put(OKTA_USERS, [user({ id: 'ana' })]);
    await s.put(OKTA_FACTORS, [factor('ana', { factorType: 'push' })]);
    await putGoogle([gUser('ana-g', { primaryEmail: 'ana@example.com', isEnrolledIn2Sv: false })], 'gws-prod');
    const results = await s.run(mfaIdp, NOW);
    expect(results.map((r) => [r.source, r.resource, r.status])).toEqual([
      ['okta', 'okta.users/ana', 'pass'],
      ['gws-prod', 'google-workspace.users/ana-g', 'fail'],
    ]);
  });

  it('treats Google Workspace as optional: Okta alone is judged as before', () => {
    expect(mfaIdp.inputs.resources).toContain(GOOGLE_USERS);
    expect(mfaIdp.inputs.optional).toEqual([GOOGLE_USERS]);
  });

  it('refuses a stored Google row without the fields it judges, rather than guessing', async () => {
    await db.orm.insert(resources).values({
      workspaceId: s.workspaceId,
      source: 'google-workspace',
      type: GOOGLE_USERS,
      key: 'old',
      data: { id: 'old', primaryEmail: 'old@example.com' },
      dataHash: 'x',
      firstSeenAt: new Date(NOW),
      lastSeenAt: new Date(NOW),
      changedAt: new Date(NOW),
      evidenceId: null,
    });
    await expect(s.run(mfaIdp, NOW)).rejects.toThrow(/google-workspace.users row old does not have the fields/);
  });
});
