/**
 * `vigil evidence …`: the signing key, manual evidence, proofs, checkpoints, export and verify.
 * `verify <bundle>` needs no database, config or key: only the bundle (and ideally --key).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { createControlService } from '../../catalog/index.ts';
import type { App } from '../../core/app.ts';
import {
  evidenceKinds,
  exportBundle,
  formatVerifierKey,
  isEvidenceKind,
  keyPath,
  openCheckpoint,
  openEvidence,
  originFor,
  publish,
  resolveWitnesses,
  splitNotes,
  verifyBundle,
  verifyConsistency,
  verifyStoredLog,
  type Evidence,
  type SignedCheckpoint,
} from '../../evidence/index.ts';
import { VigilError, invalidInput, notFound } from '../../lib/errors.ts';
import { optionsOf, withApp, type GlobalOptions } from '../context.ts';
import { resolveUserPath } from '../io.ts';
import { emit, progress, table } from '../output.ts';

function evidenceOf(app: App): Evidence {
  return openEvidence({ db: app.db, clock: app.clock, dataDir: app.loaded.dataDir });
}

function witnessesOf(app: App) {
  const base = app.loaded.file ? dirname(app.loaded.file) : process.cwd();
  return resolveWitnesses(app.loaded.config.evidence.witnesses, base);
}

/** Sign a checkpoint and send it to the configured witnesses. */
async function signAndPublish(app: App, ev: Evidence): Promise<SignedCheckpoint> {
  const cp = await ev.log.checkpoint(app.workspace.id);
  return (await publish({ log: ev.log, clock: app.clock }, cp, witnessesOf(app))).checkpoint!;
}

/** The latest checkpoint if it covers the whole log (but for its own record), else a new one. */
async function currentCheckpoint(app: App, ev: Evidence): Promise<SignedCheckpoint> {
  const latest = await ev.log.latestCheckpoint(app.workspace.id);
  const head = await ev.log.head(app.workspace.id);
  if (latest && head.treeSize <= latest.treeSize + 1) return latest;
  return signAndPublish(app, ev);
}

function date(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalidInput(`${flag} must be a date or time (ISO 8601), got "${value}"`, { where: flag });
  return d.toISOString();
}

function keyOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = resolveUserPath(value);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : value;
}

export function register(program: Command): void {
  const evidence = program.command('evidence').description('the evidence log: keys, manual evidence, proofs, checkpoints, export and verify');

  evidence
    .command('key')
    .description("print the public key that verifies this workspace's checkpoints and bundles")
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<GlobalOptions>(cmd);
      const out = await withApp(opts, async (app) => {
        const { key } = evidenceOf(app);
        const origin = originFor(app.workspace.id);
        return {
          origin,
          keyId: key.verifier(origin).keyId.toString('hex'),
          verifierKey: formatVerifierKey(origin, key.publicKey),
          publicKey: key.publicKey.toString('base64'),
          file: keyPath(app.loaded.dataDir),
        };
      });
      emit(opts, out, (k) =>
        [k.verifierKey, '', `origin      ${k.origin}`, `key id      ${k.keyId}`, `Ed25519     ${k.publicKey}`, `private key ${k.file} (keep it secret; back it up)`].join('\n'),
      );
    });

  evidence
    .command('add')
    .description('add manual evidence (a screenshot, signed policy, board minute) for a control')
    .requiredOption('--control <id>', 'the control it is evidence for (see `vigil controls`)')
    .requiredOption('--file <path>', 'the file to keep')
    .option('--effective <date>', 'the date it is about (default: now)')
    .option('--note <text>', 'what it shows')
    .option('--media-type <type>', 'its media type (default: guessed from the extension)')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<{ control: string; file: string; effective?: string; note?: string; mediaType?: string }>(cmd);
      const file = resolveUserPath(opts.file);
      if (!existsSync(file)) throw notFound('file not found', { where: file });
      const effectiveAt = date(opts.effective, '--effective');
      const out = await withApp(opts, async (app) => {
        const controls = await createControlService({ db: app.db, workspaceId: app.workspace.id }).list();
        if (!controls.some((c) => c.id === opts.control)) {
          throw notFound(`no control "${opts.control}" in this workspace`, { where: '--control', hint: 'list them with `vigil controls`' });
        }
        const ev = evidenceOf(app);
        const blob = await ev.blobs.putFile(file);
        const name = basename(file);
        const [r] = await ev.log.append(app.workspace.id, [
          {
            kind: 'manual',
            source: 'cli',
            subject: `control:${opts.control}`,
            ...(effectiveAt ? { effectiveAt } : {}),
            content: { control: opts.control, file: name, ...(opts.note ? { note: opts.note } : {}) },
            attachments: [{ ...blob, name, mediaType: opts.mediaType ?? mediaTypeOf(name) }],
          },
        ]);
        return r!;
      });
      emit(opts, out, (r) => `added ${r.id} (leaf ${r.leafIndex}) for ${r.subject}, effective ${r.effectiveAt}\nsha256 ${r.attachments[0]!.sha256}`);
    });

  evidence
    .command('prove <record-id>')
    .description('inclusion proof of a record against a signed checkpoint (signing one if needed)')
    .option('--size <n>', 'prove against the tree of this size instead')
    .action(async (recordId: string, _o, cmd: Command) => {
      const opts = optionsOf<{ size?: string }>(cmd);
      const size = opts.size === undefined ? undefined : Number(opts.size);
      if (size !== undefined && !Number.isSafeInteger(size)) throw invalidInput(`--size must be a whole number, got "${opts.size}"`, { where: '--size' });
      const out = await withApp(opts, async (app) => {
        const ev = evidenceOf(app);
        let proof = await ev.log.prove(app.workspace.id, recordId, size);
        if (!proof.checkpoint && size === undefined) {
          const cp = await signAndPublish(app, ev);
          proof = await ev.log.prove(app.workspace.id, recordId, cp.treeSize);
        }
        return proof;
      });
      emit(opts, out, (p) =>
        [
          `record     ${p.recordId}`,
          `leaf       ${p.leafIndex} of ${p.treeSize}`,
          `leaf hash  ${p.leafHash}`,
          `root hash  ${p.rootHash}`,
          'proof:',
          ...p.hashes.map((h) => `  ${h}`),
          ...(p.checkpoint ? ['', 'checkpoint:', p.checkpoint.note.trimEnd()] : ['', '(no signed checkpoint of this size)']),
        ].join('\n'),
      );
    });

  evidence
    .command('consistency')
    .description('prove that the log today extends the checkpoints in a file someone kept (e.g. a file witness)')
    .requiredOption('--from <checkpoint-file>', 'a file with one or more signed checkpoints of this log')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<{ from: string }>(cmd);
      const file = resolveUserPath(opts.from);
      if (!existsSync(file)) throw notFound('checkpoint file not found', { where: file });
      const notes = splitNotes(readFileSync(file, 'utf8'));
      if (notes.length === 0) throw invalidInput('the file holds no signed checkpoint', { where: file });
      const out = await withApp(opts, async (app) => {
        const ev = evidenceOf(app);
        const origin = originFor(app.workspace.id);
        const now = await currentCheckpoint(app, ev);
        const nowRoot = Buffer.from(now.rootHash, 'hex');
        const results = [];
        for (const [i, note] of notes.entries()) {
          const where = `${file} (checkpoint ${i + 1})`;
          const old = openCheckpoint(note, ev.key.verifier(origin), where);
          if (old.treeSize > now.treeSize) {
            throw new VigilError('IntegrityError', `the kept checkpoint has ${old.treeSize} leaves, more than the log's ${now.treeSize}: the log was truncated`, { where });
          }
          const proof = await ev.log.consistency(app.workspace.id, old.treeSize, now.treeSize);
          const hashes = proof.hashes.map((h) => Buffer.from(h, 'hex'));
          if (!verifyConsistency(old.treeSize, now.treeSize, old.rootHash, nowRoot, hashes)) {
            throw new VigilError('IntegrityError', `the log today does not extend the kept checkpoint of size ${old.treeSize}: history was rewritten`, { where });
          }
          results.push({ oldSize: old.treeSize, oldRoot: old.rootHash.toString('hex'), signedAt: old.time, proof: proof.hashes });
        }
        return { checkpoint: { treeSize: now.treeSize, rootHash: now.rootHash, note: now.note }, consistent: results };
      });
      emit(opts, out, (r) =>
        [
          ...r.consistent.map((c) => `consistent: size ${c.oldSize} (${c.signedAt ?? 'no time'}) → size ${r.checkpoint.treeSize}, proof of ${c.proof.length} hashes`),
          '',
          'against checkpoint:',
          r.checkpoint.note.trimEnd(),
        ].join('\n'),
      );
    });

  evidence
    .command('checkpoint')
    .description('sign a checkpoint of the log now and send it to the configured witnesses')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<GlobalOptions>(cmd);
      const out = await withApp(opts, async (app) => signAndPublish(app, evidenceOf(app)));
      emit(opts, out, (cp) =>
        [cp.note.trimEnd(), '', ...cp.witnesses.map((w) => `${w.ok ? 'sent to' : 'FAILED  '} ${w.witness}${w.error ? ` (${w.error}, ${w.attempts} attempts)` : ''}`)].join('\n'),
      );
    });

  evidence
    .command('export')
    .description('write the evidence of a period (by effective date) with proofs, as a folder or .zip')
    .requiredOption('--from <date>', 'first day of the period (inclusive)')
    .requiredOption('--to <date>', 'end of the period (exclusive)')
    .requiredOption('--out <dir|file.zip>', 'a new folder, or a path ending in .zip')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<{ from: string; to: string; out: string }>(cmd);
      const out = await withApp(opts, async (app) => {
        const ev = evidenceOf(app);
        return exportBundle({ db: app.db, ...ev }, app.workspace.id, {
          from: date(opts.from, '--from')!,
          to: date(opts.to, '--to')!,
          out: resolveUserPath(opts.out),
          onProgress: (n) => progress(opts, `${n} records…`),
        });
      });
      emit(opts, out, (r) =>
        [
          `wrote ${r.out}`,
          `${r.records} records effective ${r.from} to ${r.to} (${r.expired} with content expired), ${r.attachments} attachments`,
          `proved against checkpoint ${r.checkpoint.id} (size ${r.checkpoint.treeSize}, signed ${r.checkpoint.signedAt})`,
          `verify with: vigil evidence verify ${r.out} --key '${r.publicKey}'`,
        ].join('\n'),
      );
    });

  evidence
    .command('verify [bundle]')
    .description('verify an exported bundle offline (or, with --log, the whole stored log); exit 7 if anything does not verify')
    .option('--key <vkey|file>', 'the verifier key you trust (as `vigil evidence key` prints it); default: the bundle’s own')
    .option('--log', "verify this workspace's stored log instead: every record and its hashes, the stored tree (its tiles) and every checkpoint")
    .action(async (bundle: string | undefined, _o, cmd: Command) => {
      const opts = optionsOf<{ key?: string; log?: boolean }>(cmd);
      if (opts.log) {
        const out = await withApp(opts, async (app) => {
          const ev = evidenceOf(app);
          return verifyStoredLog({ db: app.db, ...ev }, app.workspace.id, { onProgress: (d, t) => progress(opts, `${d}/${t} records…`) });
        });
        emit(opts, out, (r) =>
          `the log verifies: ${r.records} records (${r.expired} with content expired), ${r.attachments} attachments, ${r.checkpoints} checkpoints; root ${r.rootHash}`,
        );
        return;
      }
      if (!bundle) throw invalidInput('name the bundle to verify (a folder or .zip), or pass --log', { where: 'vigil evidence verify' });
      const key = keyOption(opts.key);
      const r = await verifyBundle(resolveUserPath(bundle), { ...(key ? { key } : {}), onProgress: (n) => progress(opts, `${n} records…`) });
      emit(opts, r, (x) =>
        [
          `the bundle verifies: ${x.records} records effective ${x.period.from} to ${x.period.to} (${x.expired} with content expired), ${x.attachments} attachments`,
          `checkpoint of ${x.origin}: size ${x.checkpoint.treeSize}, root ${x.checkpoint.rootHash}, signed ${x.checkpoint.signedAt ?? '(no time)'}`,
          x.keySource === 'given'
            ? `signed by the key you gave (key id ${x.keyId})`
            : `signed by the key inside the bundle (key id ${x.keyId}): check it is the organisation's published key, or pass --key`,
        ].join('\n'),
      );
    });

  evidence
    .command('list')
    .description('list evidence records, oldest first')
    .option('--kind <kind>', `one of: ${evidenceKinds.join(', ')}`)
    .option('--subject <subject>', 'only records about this subject (e.g. control:CC6.2)')
    .option('--source <source>', 'only records from this source')
    .option('--from <date>', 'effective at or after')
    .option('--to <date>', 'effective before')
    .option('--after <leaf>', 'only records after this leaf index (paging)')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf<{ kind?: string; subject?: string; source?: string; from?: string; to?: string; after?: string; limit?: string }>(cmd);
      if (opts.kind !== undefined && !isEvidenceKind(opts.kind)) throw invalidInput(`unknown kind "${opts.kind}"; one of: ${evidenceKinds.join(', ')}`, { where: '--kind' });
      const num = (v: string | undefined, flag: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < 0) throw invalidInput(`${flag} must be a whole number, got "${v}"`, { where: flag });
        return n;
      };
      const filter = {
        ...(opts.kind ? { kind: opts.kind as (typeof evidenceKinds)[number] } : {}),
        ...(opts.subject ? { subject: opts.subject } : {}),
        ...(opts.source ? { source: opts.source } : {}),
        ...(opts.from ? { from: date(opts.from, '--from')! } : {}),
        ...(opts.to ? { to: date(opts.to, '--to')! } : {}),
        ...(opts.after !== undefined ? { after: num(opts.after, '--after')! } : {}),
        ...(opts.limit !== undefined ? { limit: num(opts.limit, '--limit')! } : {}),
      };
      const out = await withApp(opts, (app) => evidenceOf(app).log.list(app.workspace.id, filter));
      emit(opts, out, (rs) =>
        rs.length === 0
          ? 'no evidence matches'
          : table(
              ['LEAF', 'ID', 'KIND', 'SUBJECT', 'SOURCE', 'EFFECTIVE', 'COLLECTED', 'CONTENT'],
              rs.map((r) => [r.leafIndex, r.id, r.kind, r.subject, r.source, r.effectiveAt, r.collectedAt, r.expiredAt ? `expired ${r.expiredAt}` : 'kept']),
            ),
      );
    });
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
};

function mediaTypeOf(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}
