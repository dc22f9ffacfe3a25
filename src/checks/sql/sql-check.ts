/**
 * Checks written as SQL (checks as code): a YAML entry with the usual check fields and a query that
 * returns one row per judged resource — `resource`, `status` (pass | fail | not_applicable),
 * `reason`, and optionally `remediation` and `evidence` (an array of evidence ids; by default the
 * latest snapshots of the check's input types). The query reads the views `vigil_resources` and
 * `vigil_events`, which show only the workspace being judged, inside a read-only transaction with
 * a statement timeout. The YAML author is trusted like any admin of the database; the read-only
 * transaction keeps a mistake from writing.
 */
import { z } from 'zod';
import { severitySchema } from '../../core/config/schema.ts';
import { defineCheck, type AnyCheck, type CheckResult } from '../sdk/define.ts';

export const sqlCheckSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/, 'an id like custom.laptops-encrypted')
      .describe('Unique check id, area.name.'),
    title: z.string().min(1).describe('What the check asserts, in a sentence.'),
    description: z.string().default('').describe('Why it matters and what it looks at.'),
    controls: z.array(z.string().min(1)).min(1).describe('Control ids it tests.'),
    severity: severitySchema.describe('Severity of a failure.'),
    inputs: z
      .object({
        resources: z.array(z.string()).default([]).describe('Resource types the query reads (e.g. okta.users).'),
        events: z.array(z.string()).default([]).describe('Event streams the query reads.'),
      })
      .strict()
      .refine((i) => i.resources.length + i.events.length > 0, 'name at least one resource type or event stream')
      .describe('What the query reads; decides staleness.'),
    freshness: z.string().optional().describe('Maximum age of the inputs (ISO 8601 duration), default P1D.'),
    sql: z.string().min(1).describe('A SELECT returning resource, status, reason [, remediation, evidence].'),
  })
  .strict();

export type SqlCheckSpec = z.infer<typeof sqlCheckSchema>;

const rowSchema = z.object({
  resource: z.string().min(1),
  status: z.enum(['pass', 'fail', 'not_applicable']),
  reason: z.string().min(1),
  remediation: z.string().nullish(),
  evidence: z.array(z.string()).nullish(),
});

export function sqlCheck(spec: SqlCheckSpec, where: string): AnyCheck {
  return defineCheck({
    id: spec.id,
    title: spec.title,
    description: spec.description,
    area: 'custom',
    controls: spec.controls,
    severity: spec.severity,
    inputs: { resources: spec.inputs.resources, events: spec.inputs.events },
    // A query may call now() (or read beyond its declared inputs): an incremental run always re-judges it.
    readsNow: true,
    ...(spec.freshness ? { freshness: spec.freshness } : {}),
    params: z.object({}),
    async evaluate(ctx) {
      const defaults = await ctx.inputs.snapshots(spec.inputs.resources);
      let rows: Record<string, unknown>[];
      try {
        rows = await ctx.inputs.select(spec.sql);
      } catch (e) {
        // drizzle wraps the database's answer as the cause; that is the part a person can act on.
        const cause = (e as { cause?: { message?: string } }).cause?.message;
        throw new Error(`${where}: the query failed: ${cause ?? (e as Error).message}`);
      }
      return rows.map((raw, i): CheckResult => {
        const parsed = rowSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new Error(`${where}: row ${i + 1} of the query: column "${issue.path.join('.')}": ${issue.message}`);
        }
        const r = parsed.data;
        const evidence = r.evidence ?? defaults;
        if (r.status === 'fail') {
          return { resource: r.resource, status: 'fail', reason: r.reason, remediation: r.remediation ?? `see check ${spec.id} in ${where}`, evidence };
        }
        return { resource: r.resource, status: r.status, reason: r.reason, evidence };
      });
    },
  });
}
