/**
 * One check per detection: every stored event of the last `lookbackDays` that a matcher flags is
 * one failing result (so it alerts through the normal findings path); events that match nothing
 * produce no result. The matchers are the pure functions scored in docs/detection.md.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import type { Severity } from '../../core/config/schema.ts';
import { defineCheck, type CheckArea, type CheckResult } from '../sdk/define.ts';
import type { EventInput } from '../sdk/inputs.ts';
import { matchCloudTrail } from './cloudtrail.ts';
import { auditEntryOfRow, matchGitHubAudit } from './github.ts';
import { obj, type Detection, type Match } from './match.ts';
import { matchOktaLog } from './okta.ts';

export const OKTA_SYSTEM_LOG = 'okta.system-log';
export const GITHUB_AUDIT_LOG = 'github.audit-log';
export const CLOUDTRAIL_EVENTS = 'aws.cloudtrail-events';
export type DetectStream = typeof OKTA_SYSTEM_LOG | typeof GITHUB_AUDIT_LOG | typeof CLOUDTRAIL_EVENTS;

const oktaRow = z.object({
  eventType: z.string(),
  outcomeResult: z.string().nullable(),
  outcomeReason: z.string().nullable(),
  actorId: z.string(),
  actorAlternateId: z.string().nullable(),
  targets: z.array(z.object({ id: z.string(), type: z.string(), alternateId: z.string().nullable(), displayName: z.string().nullable() })),
  debugData: z.record(z.string(), z.unknown()).nullable(),
});
const githubRow = z.object({ action: z.string(), actor: z.string().nullable(), user: z.string().nullable(), repo: z.string().nullable(), details: z.record(z.string(), z.unknown()) });
const cloudtrailRow = z.object({ cloudTrailEvent: z.record(z.string(), z.unknown()) });

function parse<T>(schema: z.ZodType<T>, e: EventInput): T {
  const r = schema.safeParse(e.data);
  if (r.success) return r.data;
  // A stored row of another shape means the connector changed: a detection must not guess.
  throw new Error(`stored ${e.stream} event ${e.key} does not have the fields the detections read (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect source ${e.source} again`);
}

/** The matches of one stored event of a stream. */
export function matchStored(stream: DetectStream, e: EventInput): Match[] {
  if (stream === OKTA_SYSTEM_LOG) return matchOktaLog(parse(oktaRow, e));
  if (stream === GITHUB_AUDIT_LOG) return matchGitHubAudit(auditEntryOfRow(parse(githubRow, e)));
  return matchCloudTrail(obj(parse(cloudtrailRow, e).cloudTrailEvent));
}

export interface DetectionSpec {
  detection: Detection;
  title: string;
  description: string;
  area: CheckArea;
  controls: string[];
  severity: Severity;
  streams: DetectStream[];
}

export function defineDetection(spec: DetectionSpec) {
  return defineCheck({
    id: `detect.${spec.detection}`,
    title: spec.title,
    description: spec.description,
    area: spec.area,
    controls: spec.controls,
    severity: spec.severity,
    // Each stream alone is enough: an organization with only AWS still wants AWS alerts.
    // Results move with the clock: events within lookbackDays before now.
    readsNow: true,
    inputs: { events: spec.streams, optional: spec.streams.length > 1 ? spec.streams : [] },
    params: z.object({
      lookbackDays: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .default(90)
        .describe('Events in this many days before now are judged (Okta and CloudTrail lookups keep 90 days). An event that falls out of the window resolves its finding, so keep it longer than triage takes.'),
    }),
    async evaluate({ inputs, params, now }) {
      const since = new Date(now.getTime() - params.lookbackDays * DAY_MS);
      const results: CheckResult[] = [];
      for (const stream of spec.streams) {
        for (const e of await inputs.events(stream, { since, until: new Date(now.getTime() + 1) })) {
          for (const m of matchStored(stream, e)) {
            if (m.detection !== spec.detection) continue;
            results.push({
              resource: `${stream}/${e.key}`,
              source: e.source,
              status: 'fail',
              evidence: e.evidenceId ? [e.evidenceId] : [],
              reason: `${m.reason} on ${e.occurredAt.toISOString()}`,
              remediation: m.remediation,
              details: { detection: spec.detection, at: e.occurredAt.toISOString(), actor: m.actor, subject: m.subject },
            });
          }
        }
      }
      return results;
    },
  });
}
