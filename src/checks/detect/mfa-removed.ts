import { CLOUDTRAIL_EVENTS, GITHUB_AUDIT_LOG, OKTA_SYSTEM_LOG, defineDetection } from './check.ts';

export const mfaRemoved = defineDetection({
  detection: 'mfa-removed',
  title: 'Alert when MFA is removed',
  description:
    'Each Okta factor reset, suspension or deactivation (per user or for the whole org), each AWS DeactivateMFADevice or DeleteVirtualMFADevice, and each GitHub 2FA requirement or account 2FA turned off is a failure.',
  area: 'access',
  controls: ['ACC-01', 'ACC-02', 'ACC-03'],
  severity: 'high',
  streams: [OKTA_SYSTEM_LOG, CLOUDTRAIL_EVENTS, GITHUB_AUDIT_LOG],
});
