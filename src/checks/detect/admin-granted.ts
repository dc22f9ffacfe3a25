import { CLOUDTRAIL_EVENTS, GITHUB_AUDIT_LOG, OKTA_SYSTEM_LOG, defineDetection } from './check.ts';

export const adminGranted = defineDetection({
  detection: 'admin-granted',
  title: 'Alert when administrator rights are granted',
  description:
    'Each Okta admin-role grant to a user or group, each AWS AttachUser/Role/GroupPolicy of AdministratorAccess or inline policy allowing * on *, and each GitHub promotion to organization or enterprise owner is a failure to confirm.',
  area: 'access',
  controls: ['ACC-07', 'LOG-09'],
  severity: 'high',
  streams: [OKTA_SYSTEM_LOG, CLOUDTRAIL_EVENTS, GITHUB_AUDIT_LOG],
});
