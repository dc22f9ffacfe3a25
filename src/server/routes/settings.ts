/** Settings in force (from vigil.yaml, read-only here): remediation SLAs, check parameters, evidence retention. */
import { z } from 'zod';
import { defineRoute } from '../http/route.ts';

export const settingsRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/settings',
    operationId: 'getSettings',
    summary: 'SLAs, SLA-at-risk threshold, check parameters and evidence settings in force',
    description: 'Edit them in vigil.yaml (findings.sla, alerts.slaAtRisk, checks.params, evidence); changing an SLA applies to new findings.',
    tag: 'settings',
    access: 'read',
    response: z.object({
      findings: z.object({
        sla: z.record(z.string(), z.string()).describe('Time to remediate per severity (ISO 8601 durations), from detection.'),
        slaAtRisk: z.number().describe('Share of the time after which a finding is at risk.'),
      }),
      checks: z.array(z.object({ id: z.string(), params: z.unknown(), overridden: z.array(z.string()).describe('Parameters set in vigil.yaml (the rest are defaults).') })),
      evidence: z.object({ retention: z.record(z.string(), z.string()), checkpointEvery: z.string(), witnesses: z.number().int() }),
      publicUrl: z.string().nullable(),
    }),
    handler: async ({ ctx }) => {
      const cfg = ctx.app.loaded.config;
      return {
        findings: { sla: cfg.findings.sla, slaAtRisk: cfg.alerts.slaAtRisk },
        checks: ctx.app.monitor.checks.map((r) => ({ id: r.check.id, params: r.params, overridden: Object.keys(cfg.checks.params[r.check.id] ?? {}) })),
        evidence: { retention: cfg.evidence.retention, checkpointEvery: cfg.evidence.checkpointEvery, witnesses: cfg.evidence.witnesses.length },
        publicUrl: cfg.server.publicUrl ?? null,
      };
    },
  }),
];
