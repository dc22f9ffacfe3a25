/**
 * Evidence: search the log, read a record with its content and attachments, and get everything a
 * browser needs to verify it alone — the leaf (the envelope's canonical JSON), its inclusion proof,
 * the signed checkpoint and the public key. Members and admins upload manual evidence.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { canonicalize, evidenceKinds, formatVerifierKey, originFor, publish, resolveWitnesses, type SignedCheckpoint } from '../../evidence/index.ts';
import type { EvidenceRecordRow } from '../../db/schema/evidence-records.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { csvEnum, cursorParam, dateParam, idParam, isoTime, limitParam, page } from '../http/schemas.ts';
import { checkIdsOf } from '../queries/catalog.ts';
import type { EvidenceRow } from '../queries/evidence.ts';
import { assertCanAddEvidence } from '../queries/ownership.ts';

const attachmentSchema = z.object({ sha256: z.string(), size: z.number().int(), name: z.string(), mediaType: z.string() });

export const evidenceSummarySchema = z.object({
  id: z.string(),
  leafIndex: z.number().int(),
  kind: z.enum(evidenceKinds),
  source: z.string(),
  subject: z.string(),
  collectedAt: isoTime(),
  effectiveAt: isoTime().describe('The time it is about: decides the audit period it belongs to.'),
  contentHash: z.string().describe('SHA-256 (hex) of the content’s canonical JSON.'),
  attachments: z.array(attachmentSchema),
  expired: z.boolean().describe('Retention deleted its content and attachments; its leaf hash and proofs remain.'),
});

export const evidenceSummary = (r: EvidenceRow): z.input<typeof evidenceSummarySchema> => ({
  id: r.id,
  leafIndex: r.leafIndex,
  kind: r.kind as (typeof evidenceKinds)[number],
  source: r.source,
  subject: r.subject,
  collectedAt: r.collectedAt.toISOString(),
  effectiveAt: r.effectiveAt.toISOString(),
  contentHash: r.contentHash.toString('hex'),
  attachments: r.attachments,
  expired: r.expiredAt !== null,
});

/** The envelope exactly as the log hashed it (the leaf data). */
function envelopeOf(r: EvidenceRecordRow) {
  return {
    id: r.id,
    workspace: r.workspaceId,
    kind: r.kind,
    source: r.source,
    subject: r.subject,
    collectedAt: r.collectedAt.toISOString(),
    effectiveAt: r.effectiveAt.toISOString(),
    contentHash: r.contentHash.toString('hex'),
    attachments: r.attachments.map((a) => ({ sha256: a.sha256, size: a.size, name: a.name, mediaType: a.mediaType })),
  };
}

async function recordOr404(ctx: ServerContext, id: string, scope: Parameters<ServerContext['queries']['evidence']['get']>[1]) {
  const r = await ctx.queries.evidence.get(id, scope);
  if (!r) throw notFound(`no evidence record ${id} in this workspace`);
  return r;
}

const witnessesOf = (ctx: ServerContext) =>
  resolveWitnesses(ctx.app.loaded.config.evidence.witnesses, ctx.app.loaded.file ? dirname(ctx.app.loaded.file) : process.cwd());

async function signAndPublish(ctx: ServerContext): Promise<SignedCheckpoint> {
  const { log } = ctx.app.evidence;
  const cp = await log.checkpoint(ctx.workspaceId);
  return (await publish({ log, clock: ctx.app.clock }, cp, witnessesOf(ctx))).checkpoint!;
}

const checkpointSchema = z.object({
  id: z.string(),
  treeSize: z.number().int(),
  rootHash: z.string(),
  signedAt: isoTime(),
  note: z.string().describe('The C2SP signed-note checkpoint.'),
  witnesses: z.array(z.object({ witness: z.string(), ok: z.boolean(), attempts: z.number().int(), error: z.string().optional(), at: isoTime() })),
});
const checkpointJson = (c: SignedCheckpoint) => ({ id: c.id, treeSize: c.treeSize, rootHash: c.rootHash, signedAt: c.signedAt, note: c.note, witnesses: c.witnesses });

/** Media types a browser may show inline; anything else is a download, never rendered as a page. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/plain)$/;

const tag = 'evidence';

export const evidenceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence',
    operationId: 'searchEvidence',
    summary: 'Search the evidence log by control, source, kind, subject and effective period',
    description: 'Newest first by default; paged by leaf index. An auditor sees only records effective inside their audit periods.',
    tag,
    access: 'read',
    query: z.object({
      control: z.string().optional().describe('Evidence for this control: its manual evidence and the judgements of its checks.'),
      kind: csvEnum(evidenceKinds, 'Record kinds.').optional(),
      source: z.string().optional(),
      subject: z.string().optional(),
      from: dateParam('Effective at or after.').optional(),
      to: dateParam('Effective before.').optional(),
      order: z.enum(['asc', 'desc']).default('desc'),
      limit: limitParam(50, 500),
      cursor: cursorParam(),
    }),
    response: page(evidenceSummarySchema),
    handler: async ({ ctx, query, scope }) => {
      const control = query.control ? { id: query.control, checks: checkIdsOf(ctx.app, query.control) } : undefined;
      const r = await ctx.queries.evidence.search({ ...query, control }, scope);
      return { items: r.items.map(evidenceSummary), nextCursor: r.nextCursor };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/evidence',
    operationId: 'addEvidence',
    summary: 'Upload manual evidence for a control (a screenshot, signed policy, board minute)',
    description: 'multipart/form-data with `control`, `file`, and optionally `note` and `effectiveAt`. At most 100 MiB.',
    tag,
    access: 'evidence:add',
    status: 201,
    bodyType: 'multipart',
    maxBody: 100 * 1024 * 1024,
    body: z.object({
      control: z.string().min(1).max(200),
      file: z.file(),
      note: z.string().max(2000).optional(),
      effectiveAt: dateParam('The date it is about (default now).').optional(),
    }),
    response: evidenceSummarySchema,
    audit: ({ body, result }) => ({
      action: 'evidence.add',
      subject: `control:${body.control}`,
      details: { record: (result as { id: string }).id, file: body.file.name, note: body.note },
    }),
    handler: async ({ ctx, body, principal }) => {
      const controls = await ctx.app.db.query<{ id: string }>('SELECT id FROM controls WHERE workspace_id = $1 AND id = $2', [ctx.workspaceId, body.control]);
      if (!controls.length) throw notFound(`no control "${body.control}" in this workspace`, { where: 'body.control' });
      await assertCanAddEvidence(ctx.app.db, ctx.workspaceId, principal, body.control);
      if (body.file.size === 0) throw invalidInput('the file is empty', { where: 'body.file' });
      const { blobs, log } = ctx.app.evidence;
      const blob = await blobs.put(new Uint8Array(await body.file.arrayBuffer()));
      const name = body.file.name || 'upload';
      const [r] = await log.append(ctx.workspaceId, [
        {
          kind: 'manual',
          source: `user:${principal.user.id}`,
          subject: `control:${body.control}`,
          ...(body.effectiveAt ? { effectiveAt: body.effectiveAt } : {}),
          content: { control: body.control, file: name, uploadedBy: principal.user.email, ...(body.note ? { note: body.note } : {}) },
          attachments: [{ ...blob, name, mediaType: body.file.type || 'application/octet-stream' }],
        },
      ]);
      const stored = await ctx.queries.evidence.get(r!.id, null);
      return evidenceSummary(stored!);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence/key',
    operationId: 'getEvidenceKey',
    summary: "The public key that verifies this workspace's checkpoints and bundles",
    tag,
    access: 'read',
    response: z.object({
      origin: z.string(),
      keyId: z.string(),
      verifierKey: z.string().describe('name+keyid+base64, as `vigil evidence verify --key` takes it.'),
      publicKey: z.string().describe('The raw 32-byte Ed25519 public key, base64.'),
    }),
    handler: async ({ ctx }) => {
      const origin = originFor(ctx.workspaceId);
      const key = ctx.app.evidence.key;
      return { origin, keyId: key.verifier(origin).keyId.toString('hex'), verifierKey: formatVerifierKey(origin, key.publicKey), publicKey: key.publicKey.toString('base64') };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence/checkpoints',
    operationId: 'listCheckpoints',
    summary: 'The latest signed checkpoints of the log',
    tag,
    access: 'read',
    query: z.object({ limit: limitParam(20, 200) }),
    response: z.array(checkpointSchema),
    handler: async ({ ctx, query }) => (await ctx.app.evidence.log.checkpoints(ctx.workspaceId, { limit: query.limit })).map(checkpointJson),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/evidence/checkpoints',
    operationId: 'signCheckpoint',
    summary: 'Sign a checkpoint of the log now and send it to the configured witnesses',
    tag,
    access: 'admin',
    status: 201,
    response: checkpointSchema,
    audit: ({ result }) => ({ action: 'evidence.checkpoint', subject: `checkpoint/${(result as { id: string }).id}`, details: { treeSize: (result as { treeSize: number }).treeSize } }),
    handler: async ({ ctx }) => checkpointJson(await signAndPublish(ctx)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence/:id',
    operationId: 'getEvidence',
    summary: 'One record: envelope, content and attachments',
    tag,
    access: 'read',
    params: idParam('evidence record'),
    response: evidenceSummarySchema.extend({
      leafHash: z.string(),
      content: z.unknown().describe('The content (JSON); null when retention expired it.'),
      expiredAt: isoTime().nullable(),
    }),
    handler: async ({ ctx, params, scope }) => {
      const r = await recordOr404(ctx, params.id, scope);
      return { ...evidenceSummary(r), leafHash: r.leafHash.toString('hex'), content: r.content === null ? null : (JSON.parse(r.content) as unknown), expiredAt: r.expiredAt?.toISOString() ?? null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence/:id/proof',
    operationId: 'proveEvidence',
    summary: 'Everything needed to verify a record in the browser: leaf, inclusion proof, signed checkpoint, public key',
    description:
      'Verify: SHA-256(content) = record.contentHash; leafHash = SHA-256(0x00 ‖ leaf); walk `hashes` (RFC 9162 §2.1.3.2) from leafHash to rootHash; rootHash is the base64 root in the checkpoint note; the note’s signature verifies with publicKey (Ed25519, C2SP signed note). If no signed checkpoint covers the record yet, one is signed first.',
    tag,
    access: 'read',
    params: idParam('evidence record'),
    response: z.object({
      record: z.object({
        id: z.string(),
        workspace: z.string(),
        kind: z.string(),
        source: z.string(),
        subject: z.string(),
        collectedAt: isoTime(),
        effectiveAt: isoTime(),
        contentHash: z.string(),
        attachments: z.array(attachmentSchema),
      }),
      leaf: z.string().describe('RFC 8785 canonical JSON of the record envelope: the leaf data.'),
      content: z.string().nullable().describe('Canonical JSON text of the content, exactly as hashed; null when expired.'),
      leafIndex: z.number().int(),
      treeSize: z.number().int(),
      leafHash: z.string(),
      rootHash: z.string(),
      hashes: z.array(z.string()).describe('Inclusion path, hex, leaf side first.'),
      checkpoint: checkpointSchema,
      origin: z.string(),
      verifierKey: z.string(),
      publicKey: z.string().describe('Raw Ed25519 public key, base64.'),
    }),
    handler: async ({ ctx, params, scope }) => {
      const r = await recordOr404(ctx, params.id, scope);
      const { log, key } = ctx.app.evidence;
      let proof = await log.prove(ctx.workspaceId, r.id);
      if (!proof.checkpoint) {
        const cp = await signAndPublish(ctx);
        proof = await log.prove(ctx.workspaceId, r.id, cp.treeSize);
      }
      const origin = originFor(ctx.workspaceId);
      const envelope = envelopeOf(r);
      return {
        record: envelope,
        leaf: canonicalize(envelope),
        content: r.content,
        leafIndex: proof.leafIndex,
        treeSize: proof.treeSize,
        leafHash: proof.leafHash,
        rootHash: proof.rootHash,
        hashes: proof.hashes,
        checkpoint: checkpointJson(proof.checkpoint!),
        origin,
        verifierKey: formatVerifierKey(origin, key.publicKey),
        publicKey: key.publicKey.toString('base64'),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/evidence/:id/attachments/:sha256',
    operationId: 'getEvidenceAttachment',
    summary: 'Download an attachment of a record (checked against its SHA-256 on the way out)',
    tag,
    access: 'read',
    params: z.object({ id: z.string().min(1).max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits') }),
    query: z.object({ inline: z.enum(['true', 'false']).optional().describe('Show images, PDFs and plain text in the browser instead of downloading.') }),
    raw: { mediaType: 'application/octet-stream', description: 'The attachment bytes.' },
    handler: async ({ ctx, params, query, scope }) => {
      const r = await recordOr404(ctx, params.id, scope);
      const a = r.attachments.find((x) => x.sha256 === params.sha256);
      if (!a) throw notFound(`record ${r.id} has no attachment ${params.sha256}`);
      if (r.expiredAt) throw notFound(`the attachments of ${r.id} were deleted by retention on ${r.expiredAt.toISOString()}`);
      const bytes = await ctx.app.evidence.blobs.get(a.sha256);
      const inline = query.inline === 'true' && INLINE.test(a.mediaType);
      const safeName = a.name.replace(/[^\w.\- ]/g, '_');
      return new Response(new Uint8Array(bytes), {
        headers: {
          'content-type': inline ? a.mediaType : 'application/octet-stream',
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "sandbox; default-src 'none'",
        },
      });
    },
  }),
];
