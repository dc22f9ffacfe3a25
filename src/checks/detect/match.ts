/**
 * What a detection match says. The matchers (cloudtrail.ts, github.ts, okta.ts) are pure
 * functions of one event, so the same code runs in the checks and in the scoring against labelled
 * public sets (score.ts).
 */
export const detections = ['logging-stopped', 'mfa-removed', 'admin-granted', 'branch-protection-removed'] as const;
export type Detection = (typeof detections)[number];

export interface Match {
  detection: Detection;
  /** What happened, in words a person can act on (who, what, where). */
  reason: string;
  remediation: string;
  /** Who acted, when the event says. */
  actor: string | null;
  /** What was acted on: the trail, the user, the branch, the role. */
  subject: string | null;
}

/** A string field of an untyped provider record, or null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** An object field of an untyped provider record, or an empty object. */
export const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
