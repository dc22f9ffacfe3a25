/**
 * Every built-in check. A test fails when a check file under src/checks/<area>/ is not listed here
 * or names a control the library does not have.
 */
import type { AnyCheck } from './sdk/define.ts';
import { adminGrantEvents } from './access/admin-grant-events.ts';
import { failedSigninBurst } from './access/failed-signin-burst.ts';
import { inactiveAccounts } from './access/inactive-accounts.ts';
import { mfaIdp } from './access/mfa-idp.ts';
import { privilegedIdp } from './access/privileged-idp.ts';
import { mfaCodeHost } from './access/mfa-code-host.ts';
import { joinerProvisioning } from './access/joiner-provisioning.ts';
import { leaverDeprovisioned } from './access/leaver-deprovisioned.ts';
import { orphanAccounts } from './access/orphan-accounts.ts';
import { branchProtection } from './change/branch-protection.ts';
import { directPush } from './change/direct-push.ts';
import { prChecksBeforeMerge } from './change/pr-checks-before-merge.ts';
import { prIndependentApproval } from './change/pr-independent-approval.ts';
import { keyRotation } from './access/key-rotation.ts';
import { mfaCloud } from './access/mfa-cloud.ts';
import { passwordPolicy } from './access/password-policy.ts';
import { rootAccount } from './access/root-account.ts';
import { adminPortsOpen } from './cloud/admin-ports-open.ts';
import { cloudtrailEnabled } from './cloud/cloudtrail-enabled.ts';
import { rdsEncryptionBackups } from './cloud/rds-encryption-backups.ts';
import { s3EncryptionPublicAccess } from './cloud/s3-encryption-public-access.ts';
import { ackResolveSla } from './incident/ack-resolve-sla.ts';
import { postmortem } from './incident/postmortem.ts';
import { irExercise } from './incident/ir-exercise.ts';
import { remediationSla } from './vulnerability/remediation-sla.ts';
import { scanCoverage } from './vulnerability/scan-coverage.ts';

export const builtInChecks: AnyCheck[] = [
  mfaIdp,
  inactiveAccounts,
  privilegedIdp,
  failedSigninBurst,
  adminGrantEvents,
  mfaCodeHost,
  leaverDeprovisioned,
  orphanAccounts,
  joinerProvisioning,
  branchProtection,
  prIndependentApproval,
  prChecksBeforeMerge,
  directPush,
  mfaCloud,
  rootAccount,
  keyRotation,
  passwordPolicy,
  cloudtrailEnabled,
  s3EncryptionPublicAccess,
  adminPortsOpen,
  rdsEncryptionBackups,
  ackResolveSla,
  postmortem,
  irExercise,
  remediationSla,
  scanCoverage,
];

export function getCheck(id: string): AnyCheck | undefined {
  return builtInChecks.find((c) => c.id === id);
}
