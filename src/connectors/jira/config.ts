/**
 * What a user writes under `config:` for a Jira source in vigil.yaml. Every Jira site names its
 * issue types and custom fields its own way, so the kinds of issue Vigil judges (incidents,
 * changes, security issues, corrective actions, postmortems, exercises) and the fields holding a
 * severity, a root cause or a postmortem are configured here, with the Jira Service Management
 * names as defaults.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

const names = (what: string, defaults: string[]) => z.array(z.string().min(1)).default(defaults).describe(what);

const kind = (label: string, issueTypes: string[], labels: string[]) =>
  z
    .strictObject({
      issueTypes: names(`Issue type names that are ${label}.`, issueTypes),
      labels: names(`Labels that make an issue of any type count as ${label}.`, labels),
    })
    .default({ issueTypes, labels })
    .describe(`Which issues are ${label}: by issue type, or by label.`);

/** A custom field, by id (`customfield_10050`) or by its name as shown in Jira. */
const field = (what: string) =>
  z
    .string()
    .min(1)
    .optional()
    .describe(`The custom field holding ${what}: its id (customfield_10050) or its name as Jira shows it. Leave out if the site has none.`);

export const kindNames = ['incident', 'security', 'change', 'postmortem', 'correctiveAction', 'exercise'] as const;
export type KindName = (typeof kindNames)[number];

export const configSchema = z
  .strictObject({
    ...httpFields({ example: 'https://your-domain.atlassian.net (or https://api.atlassian.com/ex/jira/<cloudId> with an OAuth token)' }),
    authScheme: z
      .enum(['basic', 'bearer'])
      .default('basic')
      .describe('basic: the email address of an Atlassian account and an API token; bearer: an OAuth 2.0 access token (base URL https://api.atlassian.com/ex/jira/<cloudId>).'),
    email: z.email().optional().describe('The Atlassian account email address the API token belongs to (basic auth only).'),
    apiToken: secret(
      'An API token of that account (id.atlassian.com → Security → API tokens), or the OAuth 2.0 access token when authScheme is bearer. The account needs Browse projects on every project read.',
    ),
    projects: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a Jira project key such as OPS'))
      .default([])
      .describe('Project keys to read; empty reads every project the account can browse.'),
    kinds: z
      .strictObject({
        incident: kind('incidents', ['Incident'], []),
        security: kind('security issues', ['Security Incident'], ['security-incident']),
        change: kind('changes', ['Change'], []),
        postmortem: kind('postmortems (post-incident reviews)', ['Post-incident review'], ['postmortem']),
        correctiveAction: kind('corrective actions from a postmortem', ['Corrective Action'], ['corrective-action']),
        exercise: kind('incident-response exercises (tabletop or live)', [], ['ir-exercise']),
      })
      .default({
        incident: { issueTypes: ['Incident'], labels: [] },
        security: { issueTypes: ['Security Incident'], labels: ['security-incident'] },
        change: { issueTypes: ['Change'], labels: [] },
        postmortem: { issueTypes: ['Post-incident review'], labels: ['postmortem'] },
        correctiveAction: { issueTypes: ['Corrective Action'], labels: ['corrective-action'] },
        exercise: { issueTypes: [], labels: ['ir-exercise'] },
      })
      .describe('The kinds of issue collected; an issue is classed by its type first, then by its labels, in the order listed.'),
    fields: z
      .strictObject({
        severity: field('the incident severity (when the site does not use the priority for it)'),
        rootCause: field('the root cause'),
        postmortem: field('the postmortem (a link or text); the time it was first filled in is the postmortem time'),
        pagerdutyIncident: field('the PagerDuty incident id or URL the issue was raised for'),
        approvals: field('Jira Service Management approvals'),
      })
      .default({})
      .describe('Custom fields to read. Find ids at Settings → Issues → Custom fields, or GET /rest/api/3/field.'),
    jql: z.string().min(1).optional().describe('An extra JQL condition every collected issue must also meet, e.g. `component = Production`.'),
    lookbackDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(400)
      .describe('Collect issues updated within this many days, plus every issue not yet done whatever its age (an open corrective action stays in view).'),
    pageSize: z.number().int().min(1).max(100).default(100).describe('Issues per search page (Jira returns at most 100 with changelogs); lower it only to test pagination.'),
  })
  .refine((c) => c.authScheme !== 'basic' || c.email !== undefined, { message: 'basic auth needs the email address the API token belongs to', path: ['email'] });

export type JiraConfig = z.output<typeof configSchema>;
