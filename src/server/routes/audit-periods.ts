/**
 * Audit periods: the windows auditors are invited to. An auditor sees only the evidence, results and
 * findings inside their periods, and can export a period's evidence bundle (verifiable offline).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuditPeriod } from '../../core/audit-periods.ts';
import { exportBundle } from '../../evidence/index.ts';
import { notFound } from '../../lib/errors.ts';
import type { Principal, ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { dateParam, idParam, isoTime } from '../http/schemas.ts';

const periodSchema = z.object({
  id: z.string(),
  name: z.string(),
  startsAt: isoTime(),
  endsAt: isoTime().describe('Exclusive.'),
  auditors: z.array(z.object({ id: z.string(), email: z.string(), name: z.string() })),
  createdAt: isoTime(),
});

const periodJson = (p: AuditPeriod): z.input<typeof periodSchema> => ({
  id: p.id,
  name: p.name,
  startsAt: p.startsAt.toISOString(),
  endsAt: p.endsAt.toISOString(),
  auditors: p.auditors,
  createdAt: p.createdAt.toISOString(),
});

/** A period the principal may see: any for an admin, only their own for an auditor (else not found). */
async function visiblePeriod(ctx: ServerContext, principal: Principal, id: string): Promise<AuditPeriod> {
  const p = await ctx.periods.get(id);
  if (principal.user.role !== 'admin' && !p.auditors.some((a) => a.id === principal.user.id)) throw notFound(`no audit period ${id}`);
  return p;
}

const tag = 'audit periods';
const auditorIds = z.array(z.string()).max(100).describe('Users with the auditor role invited to the period.');

export const auditPeriodRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/audit-periods',
    operationId: 'listAuditPeriods',
    summary: 'Audit periods (an auditor: the ones they are invited to), newest first',
    tag,
    access: 'audit:read',
    response: z.array(periodSchema),
    handler: async ({ ctx, principal }) =>
      (await ctx.periods.list(principal.user.role === 'admin' ? {} : { auditorId: principal.user.id })).map(periodJson),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/audit-periods',
    operationId: 'createAuditPeriod',
    summary: 'Define an audit period and invite auditors to it',
    tag,
    access: 'admin',
    status: 201,
    body: z.object({ name: z.string().max(200), startsAt: dateParam('First instant of the period.'), endsAt: dateParam('End of the period (exclusive).'), auditorIds: auditorIds.default([]) }),
    response: periodSchema,
    audit: ({ result }) => {
      const p = result as z.input<typeof periodSchema>;
      return { action: 'audit_period.create', subject: `audit-period/${p.id}`, details: { name: p.name, startsAt: p.startsAt, endsAt: p.endsAt, auditors: p.auditors.map((a) => a.email) } };
    },
    handler: async ({ ctx, body, principal }) => periodJson(await ctx.periods.create(body, principal.user.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/audit-periods/:id',
    operationId: 'getAuditPeriod',
    summary: 'One audit period',
    tag,
    access: 'audit:read',
    params: idParam('audit period'),
    response: periodSchema,
    handler: async ({ ctx, params, principal }) => periodJson(await visiblePeriod(ctx, principal, params.id)),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/audit-periods/:id/auditors',
    operationId: 'setAuditPeriodAuditors',
    summary: 'Replace the auditors invited to a period',
    tag,
    access: 'admin',
    params: idParam('audit period'),
    body: z.object({ auditorIds }),
    response: periodSchema,
    audit: ({ params, result }) => ({
      action: 'audit_period.set_auditors',
      subject: `audit-period/${params.id}`,
      details: { auditors: (result as z.input<typeof periodSchema>).auditors.map((a) => a.email) },
    }),
    handler: async ({ ctx, params, body, principal }) => periodJson(await ctx.periods.setAuditors(params.id, body.auditorIds, principal.user.id)),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/audit-periods/:id',
    operationId: 'deleteAuditPeriod',
    summary: 'Remove an audit period (its auditors lose access to it)',
    tag,
    access: 'admin',
    params: idParam('audit period'),
    response: z.object({ ok: z.literal(true) }),
    audit: ({ params }) => ({ action: 'audit_period.delete', subject: `audit-period/${params.id}` }),
    handler: async ({ ctx, params }) => {
      await ctx.periods.remove(params.id);
      return { ok: true as const };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/audit-periods/:id/bundle',
    operationId: 'exportAuditPeriodBundle',
    summary: "Download the period's evidence bundle (zip): records, attachments, proofs, signed checkpoint, public key",
    description: 'Verify it offline with `vigil evidence verify bundle.zip --key <verifier key>`; see docs/evidence-bundle.md.',
    tag,
    access: 'audit:read',
    params: idParam('audit period'),
    raw: { mediaType: 'application/zip', description: 'The evidence bundle.' },
    handler: async ({ ctx, params, principal }) => {
      const p = await visiblePeriod(ctx, principal, params.id);
      const dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
      const out = join(dir, 'bundle.zip');
      try {
        const { db } = ctx.app;
        const { blobs, key, log } = ctx.app.evidence;
        await exportBundle({ db, blobs, key, log }, ctx.workspaceId, { from: p.startsAt, to: p.endsAt, out });
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
      const file = createReadStream(out);
      file.on('close', () => rmSync(dir, { recursive: true, force: true }));
      const name = `vigil-evidence-${p.startsAt.toISOString().slice(0, 10)}-${p.endsAt.toISOString().slice(0, 10)}.zip`;
      return new Response(Readable.toWeb(file) as ReadableStream, {
        headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}"` },
      });
    },
  }),
];
