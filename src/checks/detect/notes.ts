/**
 * Why each false positive, false negative and alert on an unlabelled case happened, read after
 * running the report; the report test fails when one is missing, so a new error must be explained.
 */
import type { Notes } from './score.ts';

export const notes: Notes = {
  'panther:Okta.Group.Admin.Role.Assigned/Group Privilege Grant|admin-granted':
    'The event records outcome FAILURE: Okta did not grant the role. Vigil alerts on what happened, not on what was tried; Panther alerts on the attempt. A disagreement about the definition, kept as a miss.',
  'panther:GitHub.SupplyChain.SuspiciousUserAgents/NPM Pattern with CI - Malicious Action|admin-granted':
    'An org.update_member entry without a permission field. The only organization roles it moves between are member and owner, so without the field Vigil alerts on a possible promotion (the entry is also a supply-chain attack test, so the alert is welcome).',
  'panther:AWS.CloudTrail.VPCE.SensitiveAPICalls/CloudTrail API Call Via VPC Endpoint|logging-stopped':
    'UpdateTrail with isMultiRegionTrail false: the trail stops recording every other region. The case tests a VPC-endpoint rule, so it has no label here; by our definition it is a true alert.',
};
