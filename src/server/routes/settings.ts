/**
 * Settings in force — remediation SLAs, the SLA-at-risk share, check parameters (vigil.yaml merged
 * with this workspace's overrides, each value with its origin) and evidence settings — and the
 * change of SLAs and check parameters (src/core/settings.ts). Evidence settings stay in vigil.yaml.
 */
import { z } from 'zod';
import { severities } from '../../core/config/schema.ts';
import type { EffectiveSettings } from '../../core/settings.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';

const origin = z.enum(['default', 'config', 'override']).describe('Where the value comes from: the default, vigil.yaml (config), or a change made here (override).');

const field = z.object({
  path: z.string().describe('The value’s path as in vigil.yaml (findings.sla.high, alerts.slaAtRisk, checks.params.<check>.<param>); errors name it.'),
  name: z.string(),
  value: z.unknown().describe('In force now.'),
  origin,
  base: z.unknown().describe('What resetting the override falls back to: vigil.yaml’s value, else the default.'),
  input: z.enum(['number', 'integer', 'boolean', 'string', 'enum', 'string-list', 'json']).describe('The kind of value, for a form: anything not a number, boolean, string or list of strings is edited as JSON.'),
  nullable: z.boolean(),
  options: z.array(z.string()).optional().describe('The values allowed (enum, or each item of a string list).'),
  description: z.string().optional(),
  locked: z.string().nullable().describe('Why the value cannot be changed here (one Vigil sets itself), or null.'),
  updatedBy: z.string().nullable().describe('User id of whoever set the override (null without one).'),
  updatedAt: z.string().nullable().describe('When the override was set (ISO 8601).'),
});

const settingsView = z.object({
  findings: z.object({
    sla: z.record(z.string(), z.string()).describe('Time to remediate per severity (ISO 8601 durations), from detection, in force for new findings.'),
    slaAtRisk: z.number().describe('Share of the time after which a finding is at risk.'),
    fields: z.array(field).describe('The SLA per severity and alerts.slaAtRisk, with their origin.'),
  }),
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      params: z.unknown().describe('Parameters in force: defaults, vigil.yaml checks.params, overrides made here and the values Vigil sets itself, merged.'),
      overridden: z.array(z.string()).describe('Parameters set in vigil.yaml (the rest are defaults or overrides; see fields).'),
      fields: z.array(field).describe('Each parameter with its origin and the kind of input it takes.'),
    }),
  ),
  evidence: z.object({ retention: z.record(z.string(), z.string()), checkpointEvery: z.string(), witnesses: z.number().int() }).describe('From vigil.yaml only.'),
  publicUrl: z.string().nullable(),
});

const change = z.object({
  path: z.string(),
  check: z.string().optional().describe('The check whose parameter it is.'),
  before: z.object({ value: z.unknown(), origin }),
  after: z.object({ value: z.unknown(), origin }),
});

const severityPatch = z
  .object(Object.fromEntries(severities.map((s) => [s, z.string().nullable().optional().describe(`Time to remediate a ${s} finding (ISO 8601 duration, e.g. P15D); null: back to vigil.yaml or the default.`)])))
  .strict();

export const settingsPatchSchema = z
  .object({
    findings: z
      .object({
        sla: severityPatch.optional(),
        slaAtRisk: z.number().nullable().optional().describe('Share of the time to remediate after which finding.sla_at_risk is raised (0 < x < 1); null: back to vigil.yaml or the default.'),
      })
      .strict()
      .optional(),
    checks: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe('Per check id, the parameters to set ({ "access.inactive-accounts": { "maxInactiveDays": 60 } }); a parameter sent as null goes back to vigil.yaml or the default.'),
  })
  .strict();

function render(ctx: ServerContext, s: EffectiveSettings) {
  const cfg = ctx.app.loaded.config;
  return {
    findings: s.findings,
    checks: s.checks.map((c) => ({ ...c, overridden: Object.keys(cfg.checks.params[c.id] ?? {}) })),
    evidence: { retention: cfg.evidence.retention, checkpointEvery: cfg.evidence.checkpointEvery, witnesses: cfg.evidence.witnesses.length },
    publicUrl: cfg.server.publicUrl ?? null,
  };
}

export const settingsRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/settings',
    operationId: 'getSettings',
    summary: 'SLAs, SLA-at-risk threshold, check parameters and evidence settings in force, each with its origin',
    description:
      'vigil.yaml (findings.sla, alerts.slaAtRisk, checks.params, evidence) merged with the overrides made through PATCH /api/v1/settings. Each SLA and parameter says where it comes from: `default`, `config` (vigil.yaml) or `override`.',
    tag: 'settings',
    access: 'read',
    response: settingsView,
    handler: async ({ ctx }) => render(ctx, await ctx.app.monitor.settings.effective(ctx.workspaceId)),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/settings',
    operationId: 'updateSettings',
    summary: 'Change remediation SLAs, the SLA-at-risk share or check parameters for this workspace',
    description:
      'Overrides vigil.yaml for this workspace; a value sent as null removes the override (back to vigil.yaml or the default). All of the change applies or none: a bad value answers 400 naming it (`findings.sla.high`, `alerts.slaAtRisk`, `checks.params.<check>.<param>`). ' +
      'Parameters Vigil sets itself (logging.retention’s evidenceRetention, from evidence.retention) cannot be overridden. ' +
      'An SLA change applies to findings opened from now on: existing findings keep their deadline. The checks whose parameters changed are judged again at once, in full. ' +
      'Every change is a user.action evidence record with each value before and after.',
    tag: 'settings',
    access: 'admin',
    body: settingsPatchSchema,
    response: settingsView.extend({
      changes: z.array(change).describe('Each value that changed, before and after.'),
      record: z.string().nullable().describe('The evidence record of the change (null when nothing changed).'),
      evaluated: z.array(z.object({ check: z.string(), outcome: z.string(), results: z.number(), changes: z.number() })).describe('The checks judged again with their new parameters.'),
    }),
    audit: ({ result }) => {
      const r = result as { changes: { path: string }[]; record: string | null };
      return { action: 'settings.update', subject: 'settings', details: { changed: r.changes.map((c) => c.path), record: r.record } };
    },
    handler: async ({ ctx, body, principal }) => {
      const via = principal.via === 'token' ? `token:${principal.token?.id}` : 'session';
      const out = await ctx.app.monitor.settings.update(ctx.workspaceId, body, { id: principal.user.id, email: principal.user.email, role: principal.user.role, via });
      const checkIds = [...new Set(out.changes.flatMap((c) => (c.check ? [c.check] : [])))];
      const evaluated = checkIds.length ? await ctx.app.monitor.evaluate(ctx.workspaceId, { checkIds, onlyChanged: false }) : [];
      return {
        ...render(ctx, out.settings),
        changes: out.changes,
        record: out.record,
        evaluated: evaluated.map((e) => ({ check: e.check, outcome: e.outcome, results: e.results, changes: e.changes })),
      };
    },
  }),
];
