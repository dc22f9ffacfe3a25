import { GITHUB_AUDIT_LOG, defineDetection } from './check.ts';

export const branchProtectionRemoved = defineDetection({
  detection: 'branch-protection-removed',
  title: 'Alert when branch protection is removed',
  description: 'Each GitHub protected_branch.destroy, ruleset deletion, or enforced ruleset switched to disabled is a failure.',
  area: 'change',
  controls: ['CHG-01'],
  severity: 'high',
  streams: [GITHUB_AUDIT_LOG],
});
