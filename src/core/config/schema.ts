/**
 * The one zod schema for vigil.yaml. Every section is strict (unknown keys are errors), every
 * field has a description (the docs page and the starter file are written from it), and defaults
 * live here rather than in the code that reads them.
 *
 * Source `config` blocks are validated against each connector's own schema when the source is
 * set up (see src/engine), so that a connector's fields live with the connector.
 */
import { z } from 'zod';

const duration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO 8601 duration such as P15D or PT24H');

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

export const sourceSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-_]*$/, 'a lower-case name of letters, digits, - and _')
      .describe('Unique name of this source within the workspace.'),
    type: z.string().min(1).describe('Connector type, e.g. okta, github, aws, hris-csv.'),
    schedule: z
      .string()
      .optional()
      .describe('How often to collect: an ISO 8601 duration (PT1H) or a cron expression. Default: the connector default.'),
    enabled: z.boolean().default(true).describe('Set to false to keep the source configured but not collected.'),
    config: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The connector's own settings (baseUrl, token, …); checked against the connector's schema."),
  })
  .strict();

export const witnessSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      url: z.url().describe('Each new checkpoint is POSTed here as text/plain.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('file'),
      path: z.string().describe('Each new checkpoint is appended to this file.'),
    })
    .strict(),
]);

export const configSchema = z
  .object({
    workspace: z
      .object({
        slug: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
          .default('default')
          .describe('Short identifier of the workspace (tenant).'),
        name: z.string().min(1).default('My organization').describe('Display name of the organization.'),
      })
      .strict()
      .prefault({}),
    dataDir: z
      .string()
      .optional()
      .describe('Folder for the embedded database, keys and evidence blobs. Default: $VIGIL_HOME or ./.vigil'),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
          .optional()
          .describe('PostgreSQL server to use instead of the embedded database. DATABASE_URL overrides it.'),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(7700).describe('HTTP port (PORT overrides it).'),
        host: z.string().default('127.0.0.1').describe('Address to listen on.'),
        publicUrl: z.url().optional().describe('URL people reach Vigil at; used in links in alerts.'),
      })
      .strict()
      .prefault({}),
    controls: z
      .object({
        paths: z
          .array(z.string())
          .default([])
          .describe('YAML files or folders of controls as code: new controls, or overrides of library controls by id.'),
      })
      .strict()
      .prefault({}),
    checks: z
      .object({
        params: z
          .record(z.string(), z.record(z.string(), z.unknown()))
          .default({})
          .describe('Per-check parameter overrides, keyed by check id (e.g. access.leaver-deprovisioned: { slaHours: 8 }).'),
        paths: z.array(z.string()).default([]).describe('YAML files or folders of custom SQL checks.'),
      })
      .strict()
      .prefault({}),
    findings: z
      .object({
        sla: z
          .object({
            critical: duration.default('P15D'),
            high: duration.default('P30D'),
            medium: duration.default('P90D'),
            low: duration.default('P180D'),
            info: duration.default('P365D'),
          })
          .strict()
          .prefault({})
          .describe('Time to remediate a finding, per severity, from detection (defaults: common vulnerability SLAs).'),
      })
      .strict()
      .prefault({}),
    evidence: z
      .object({
        retention: z
          .record(z.string(), duration)
          .default({ default: 'P15M' })
          .describe('How long to keep evidence content, per record kind ("default" for the rest). Leaf hashes are kept forever.'),
        checkpointEvery: duration.default('PT1H').describe('How often to sign a checkpoint of the evidence log.'),
        witnesses: z.array(witnessSchema).default([]).describe('Where to send every new checkpoint.'),
      })
      .strict()
      .prefault({}),
    sources: z.array(sourceSchema).default([]).describe('Connectors and imports to collect from.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (seen.has(s.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name "${s.name}"` });
      }
      seen.add(s.name);
    });
  });

export type VigilConfig = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
