/**
 * The closed set of alerts: each kind has a zod payload (the wire format of the webhook body's
 * `data`), a key that identifies "the same alert" (so raising it twice enqueues it once), and
 * accessors the router needs (severity, owner). Times are ISO 8601 UTC strings.
 */
import { z } from 'zod';
import { alertKinds, severitySchema, type AlertKind, type Severity } from '../core/config/schema.ts';
import { VigilError } from '../lib/errors.ts';

export { alertKinds, type AlertKind };

const iso = z.iso.datetime().describe('UTC time, ISO 8601');

const finding = z
  .object({
    findingId: z.string().min(1).describe('Finding id.'),
    check: z.string().min(1).describe('Id of the check that fails.'),
    title: z.string().min(1).describe('What fails, in a sentence.'),
    resource: z.string().min(1).describe('The resource that fails the check.'),
    controls: z.array(z.string()).default([]).describe('Controls the check tests.'),
    source: z.string().nullable().default(null).describe('Source the resource was collected from.'),
    severity: severitySchema,
    owner: z.string().nullable().describe('Who must fix it (null when nobody owns it yet).'),
    reason: z.string().describe('Why it fails, for a person to act on.'),
    remediation: z.string().nullable().default(null).describe('How to fix it.'),
    openedAt: iso,
    dueAt: iso.describe('SLA due date.'),
  })
  .strict();

const digestItem = z
  .object({
    findingId: z.string().min(1),
    title: z.string().min(1),
    severity: severitySchema,
    resource: z.string().min(1),
    status: z.enum(['open', 'acknowledged', 'muted']),
    dueAt: iso,
  })
  .strict();

export const alertPayloads = {
  'finding.opened': finding,
  'finding.sla_at_risk': finding.extend({
    elapsedShare: z.number().min(0).max(1).describe('Share of the remediation time already used.'),
  }),
  'finding.sla_breached': finding,
  'finding.reopened': finding.extend({
    reopenedAt: iso,
    previouslyResolvedAt: iso.nullable().default(null),
    reopenedCount: z.number().int().min(1).describe('How many times this finding has reopened, this time included.'),
  }),
  'source.failing': z
    .object({
      source: z.string().min(1),
      type: z.string().min(1).describe('Connector type.'),
      error: z.string().min(1).describe("The source's last error, with the provider's message."),
      errorTag: z.string().nullable().default(null),
      failingSince: iso,
      lastSuccessAt: iso.nullable(),
    })
    .strict(),
  'source.recovered': z
    .object({
      source: z.string().min(1),
      type: z.string().min(1),
      failingSince: iso,
      recoveredAt: iso,
    })
    .strict(),
  'mute.expiring': finding.extend({
    mute: z.object({ reason: z.string().min(1), approver: z.string().min(1), expiresAt: iso }).strict(),
  }),
  digest: z
    .object({
      owner: z.string().nullable().describe('Whose findings (null: findings nobody owns).'),
      schedule: z.enum(['daily', 'weekly']),
      periodStart: iso,
      periodEnd: iso,
      totals: z
        .object({
          open: z.number().int().min(0),
          overdue: z.number().int().min(0),
          openedInPeriod: z.number().int().min(0),
          resolvedInPeriod: z.number().int().min(0),
        })
        .strict(),
      findings: z.array(digestItem).max(50).describe('The most urgent open findings, at most 50.'),
    })
    .strict(),
} satisfies Record<AlertKind, z.ZodType>;

export type AlertPayload<K extends AlertKind> = z.infer<(typeof alertPayloads)[K]>;
/** What callers pass: optional fields may be left out (their defaults fill them). */
export type AlertPayloadInput<K extends AlertKind> = z.input<(typeof alertPayloads)[K]>;
export type Alert = { [K in AlertKind]: { kind: K; payload: AlertPayload<K> } }[AlertKind];
export type AlertInput = { [K in AlertKind]: { kind: K; payload: AlertPayloadInput<K> } }[AlertKind];
export type FindingAlertPayload = z.infer<typeof finding>;

/** Validate an alert; a wrong payload is the caller's bug, reported with the field at fault. */
export function parseAlert(input: unknown, where = 'alert'): Alert {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(alertKinds as readonly string[]).includes(kind)) {
    throw new VigilError('InvalidInput', `unknown alert kind ${JSON.stringify(kind)}`, {
      where,
      hint: `use one of ${alertKinds.join(', ')}`,
    });
  }
  const schema: z.ZodType = alertPayloads[kind as AlertKind];
  const parsed = schema.safeParse((input as { payload?: unknown }).payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(payload)';
    throw new VigilError('InvalidInput', `${kind} payload.${path}: ${issue.message}`, { where });
  }
  return { kind, payload: parsed.data } as Alert;
}

const isFindingAlert = (a: Alert): a is Extract<Alert, { payload: FindingAlertPayload }> =>
  a.kind.startsWith('finding.') || a.kind === 'mute.expiring';

/** Severity for routing; source and digest alerts carry none. */
export function alertSeverity(a: Alert): Severity | undefined {
  return isFindingAlert(a) ? a.payload.severity : undefined;
}

/** Owner for routing; null when the alert is about something nobody owns (a source). */
export function alertOwner(a: Alert): string | null {
  if (isFindingAlert(a)) return a.payload.owner;
  if (a.kind === 'digest') return a.payload.owner;
  return null;
}

/**
 * What makes two raises "the same alert". A finding opens once; it can reach "at risk" and
 * "breached" again only with a new due date; it can reopen many times; a source can fail many
 * times, each from a new failingSince.
 */
export function alertKey(a: Alert): string {
  switch (a.kind) {
    case 'finding.opened':
      return a.payload.findingId;
    case 'finding.sla_at_risk':
    case 'finding.sla_breached':
      return `${a.payload.findingId}/${a.payload.dueAt}`;
    case 'finding.reopened':
      return `${a.payload.findingId}/${a.payload.reopenedAt}`;
    case 'source.failing':
      return `${a.payload.source}/${a.payload.failingSince}`;
    case 'source.recovered':
      return `${a.payload.source}/${a.payload.recoveredAt}`;
    case 'mute.expiring':
      return `${a.payload.findingId}/${a.payload.mute.expiresAt}`;
    case 'digest':
      return `${a.payload.owner ?? '(unowned)'}/${a.payload.schedule}/${a.payload.periodStart}`;
  }
}

const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export const atLeast = (s: Severity, min: Severity) => severityRank[s] >= severityRank[min];
