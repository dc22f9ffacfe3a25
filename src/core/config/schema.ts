/**
 * The one zod schema for vigil.yaml. Every section is strict (unknown keys are errors), every
 * field has a description (the docs page and the starter file are written from it), and defaults
 * live here rather than in the code that reads them.
 *
 * Source `config` blocks are validated against each connector's own schema when the source is
 * set up (see src/engine), so that a connector's fields live with the connector.
 */
import { z } from 'zod';
import { evidenceKinds, isEvidenceKind } from '../../evidence/records.ts';

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
    http: z
      .object({
        requestsPerSecond: z
          .number()
          .positive()
          .optional()
          .describe("Stay under this request rate (default: the connector's, from the provider's documented limit)."),
        timeoutMs: z.number().int().min(100).max(600_000).optional().describe('Per-request timeout in milliseconds.'),
      })
      .strict()
      .optional()
      .describe('Tune HTTP for this source: a stricter rate limit to share a token with other tools, or a longer timeout.'),
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

/** The closed set of alert kinds; src/notify gives each a typed payload and a renderer per channel. */
export const alertKinds = [
  'finding.opened',
  'finding.sla_at_risk',
  'finding.sla_breached',
  'finding.reopened',
  'source.failing',
  'source.recovered',
  'mute.expiring',
  'digest',
] as const;
export const alertKindSchema = z.enum(alertKinds);
export type AlertKind = z.infer<typeof alertKindSchema>;

const channelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-_]*$/, 'a lower-case name of letters, digits, - and _')
  .describe('Unique name of this channel; rules and the digest refer to it.');
const channelTimeout = z
  .number()
  .int()
  .min(1000)
  .max(30_000)
  .default(10_000)
  .describe(
    'Milliseconds to wait for the receiver before the attempt counts as failed and is retried (for email: per SMTP step, and three times that for a whole send).',
  );

export const alertChannelSchema = z.discriminatedUnion('type', [
  z
    .object({
      name: channelName,
      type: z.literal('webhook').describe('A generic webhook: JSON body, signed with HMAC-SHA256 (see docs/alerts.md).'),
      url: z.url().describe('Receiver URL; each delivery is POSTed here.'),
      secret: z
        .string()
        .min(16, 'at least 16 characters')
        .describe('Shared secret for the Vigil-Signature header (write ${ENV_VAR}; never put it in the file).'),
      timeoutMs: channelTimeout,
    })
    .strict(),
  z
    .object({
      name: channelName,
      type: z.literal('slack').describe('A Slack incoming webhook: a Block Kit message with a link back to Vigil.'),
      url: z.url().describe('The incoming-webhook URL Slack gave you (it is a secret: write ${ENV_VAR}).'),
      timeoutMs: channelTimeout,
    })
    .strict(),
  z
    .object({
      name: channelName,
      type: z.literal('email').describe('Email over SMTP: plain text and simple HTML.'),
      to: z.array(z.email()).default([]).describe('Recipients of every alert this channel sends.'),
      toOwner: z
        .boolean()
        .default(false)
        .describe("Also send to the alert's owner when the owner is an email address (per-owner alerts and digests)."),
      from: z.string().min(3).describe('Sender, e.g. "Vigil <vigil@example.com>".'),
      smtp: z
        .object({
          host: z.string().min(1).describe('SMTP server host name.'),
          port: z.number().int().min(1).max(65535).default(587).describe('SMTP port: 587 (STARTTLS), 465 (TLS) or 25.'),
          secure: z.boolean().default(false).describe('true for implicit TLS (port 465); false upgrades with STARTTLS when offered.'),
          user: z.string().optional().describe('User name for SMTP AUTH; omit for a relay without authentication.'),
          password: z.string().optional().describe('Password for SMTP AUTH (write ${ENV_VAR}).'),
        })
        .strict()
        .describe('How to reach the SMTP server.'),
      timeoutMs: channelTimeout,
    })
    .strict(),
]);

export const alertRuleSchema = z
  .object({
    channel: z.string().describe('Name of the channel (in alerts.channels) that receives the matching alerts.'),
    kinds: z.array(alertKindSchema).min(1).describe('Alert kinds this rule sends.'),
    minSeverity: severitySchema
      .optional()
      .describe('Only findings at or above this severity. Alerts that carry no severity (source.*, digest) are not filtered by it.'),
    owners: z
      .array(z.string().min(1))
      .optional()
      .describe('Only alerts about things these owners own; alerts without an owner (source.*) do not match.'),
  })
  .strict();

export const alertsSchema = z
  .object({
    channels: z.array(alertChannelSchema).default([]).describe('Where alerts can go: webhook, slack or email.'),
    rules: z.array(alertRuleSchema).default([]).describe('Which alerts go to which channel; an alert matching no rule is not sent.'),
    slaAtRisk: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.75)
      .describe('Share of a finding\'s remediation time after which finding.sla_at_risk is raised (0.75 = three quarters).'),
    digest: z
      .object({
        schedule: z.enum(['daily', 'weekly']).default('daily').describe('How often each owner gets a digest of their findings.'),
        channel: z.string().describe('Name of the channel the digests go to.'),
      })
      .strict()
      .optional()
      .describe('A digest per owner; omit for none.'),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    const names = new Set<string>();
    alerts.channels.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'name'], message: `duplicate channel name "${c.name}"` });
      names.add(c.name);
      if (c.type === 'email' && c.to.length === 0 && !c.toOwner) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'to'], message: 'an email channel needs recipients in "to", or toOwner: true' });
      }
    });
    const known = () => (names.size ? [...names].map((n) => `"${n}"`).join(', ') : 'none is declared');
    alerts.rules.forEach((r, i) => {
      if (!names.has(r.channel)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'channel'], message: `no channel named "${r.channel}" (channels: ${known()})` });
      }
    });
    if (alerts.digest && !names.has(alerts.digest.channel)) {
      ctx.addIssue({
        code: 'custom',
        path: ['digest', 'channel'],
        message: `no channel named "${alerts.digest.channel}" (channels: ${known()})`,
      });
    }
  });

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
        publicUrl: z.url().optional().describe('URL people reach Vigil at; used in links in alerts and as the base of the OpenID Connect redirect URI.'),
        oidc: z
          .object({
            issuer: z.url().describe('The identity provider\'s issuer URL (its discovery document is at <issuer>/.well-known/openid-configuration).'),
            clientId: z.string().min(1),
            clientSecret: z.string().min(1).describe('Use ${ENV} interpolation; never commit it.'),
            label: z.string().default('your identity provider').describe('Shown on the sign-in button: "Sign in with <label>".'),
            scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
            createUsers: z
              .enum(['viewer', 'member', 'auditor'])
              .optional()
              .describe('Give a person the provider vouches for, with no Vigil account yet, this role (only for emails in allowedDomains). Default: only existing accounts may sign in.'),
            allowedDomains: z.array(z.string()).default([]).describe('Email domains whose people get an account on first sign-in (with createUsers).'),
            requireVerifiedEmail: z.boolean().default(true).describe('Refuse an ID token whose email_verified is not true.'),
          })
          .strict()
          .refine((o) => !o.createUsers || o.allowedDomains.length > 0, { message: 'createUsers needs allowedDomains (the email domains whose people may get an account)', path: ['allowedDomains'] })
          .optional()
          .describe('Sign-in with OpenID Connect (authorization code flow with PKCE), beside local passwords. Redirect URI to register at the provider: <publicUrl>/api/v1/auth/oidc/callback.'),
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
        ownerRules: z
          .array(
            z
              .object({
                owner: z.string().min(1).describe('Who owns matching findings (an email address or a team name).'),
                check: z.string().optional().describe('Only findings of this check id.'),
                control: z.string().optional().describe('Only findings of checks testing this control id.'),
                source: z.string().optional().describe('Only findings on resources from this source.'),
                resource: z
                  .string()
                  .optional()
                  .describe('Only resources whose id starts with this prefix (e.g. github.repositories/acme/payments).'),
                attributes: z
                  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
                  .optional()
                  .describe("Only results whose details have these values (e.g. { department: Engineering })."),
              })
              .strict(),
          )
          .default([])
          .describe("Who owns a finding, first matching rule wins; otherwise the owner of the check's control, else its owner role."),
      })
      .strict()
      .prefault({}),
    evidence: z
      .object({
        retention: z
          .record(z.string(), duration)
          .superRefine((r, ctx) => {
            for (const k of Object.keys(r)) {
              if (k !== 'default' && !isEvidenceKind(k)) {
                ctx.addIssue({ code: 'custom', path: [k], message: `unknown evidence kind "${k}": use "default" or one of ${evidenceKinds.join(', ')}` });
              }
            }
          })
          .default({ default: 'P15M' })
          .describe(
            'How long to keep evidence content, per record kind ("default" for the rest), counted from the later of its effective and collected times. Expiry deletes content and attachments; metadata and leaf hashes are kept forever, so proofs still verify.',
          ),
        checkpointEvery: duration.default('PT1H').describe('How often to sign a checkpoint of the evidence log.'),
        witnesses: z.array(witnessSchema).default([]).describe('Where to send every new checkpoint.'),
      })
      .strict()
      .prefault({}),
    sources: z.array(sourceSchema).default([]).describe('Connectors and imports to collect from.'),
    alerts: alertsSchema.prefault({}).describe('Alert channels, routing rules, SLA-at-risk threshold and digests.'),
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
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type AlertChannelConfig = z.infer<typeof alertChannelSchema>;
export type AlertRule = z.infer<typeof alertRuleSchema>;
