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
import { gitReviewTrailer } from './change/git-review-trailer.ts';
import { gitSignedCommits } from './change/git-signed-commits.ts';
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
import { uptime } from './availability/uptime.ts';
import { slo } from './availability/slo.ts';
import { outageHasIncident } from './availability/outage-has-incident.ts';
import { restoreTest } from './backup/restore-test.ts';
import { jobsSucceeded } from './backup/jobs-succeeded.ts';
import { retention } from './logging/retention.ts';
import { training } from './people/training.ts';
import { policyAcknowledgement } from './people/policy-acknowledgement.ts';
import { remediationSla } from './vulnerability/remediation-sla.ts';
import { scanCoverage } from './vulnerability/scan-coverage.ts';
import { loggingStopped } from './detect/logging-stopped.ts';
import { mfaRemoved } from './detect/mfa-removed.ts';
import { adminGranted } from './detect/admin-granted.ts';
import { branchProtectionRemoved } from './detect/branch-protection-removed.ts';

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
  gitReviewTrailer,
  gitSignedCommits,
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
  uptime,
  slo,
  outageHasIncident,
  restoreTest,
  jobsSucceeded,
  retention,
  training,
  policyAcknowledgement,
  remediationSla,
  scanCoverage,
  loggingStopped,
  mfaRemoved,
  adminGranted,
  branchProtectionRemoved,
];

export function getCheck(id: string): AnyCheck | undefined {
  return builtInChecks.find((c) => c.id === id);
}
