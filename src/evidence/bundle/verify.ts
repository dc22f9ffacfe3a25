/**
 * `vigil evidence verify <bundle>`: checks a bundle with nothing but the bundle (and, ideally, the
 * verifier key obtained from the organisation out of band). Every hash, signature and proof is
 * recomputed; the first thing that does not verify stops it with an IntegrityError naming the file,
 * line and record. The steps are the ones docs/evidence-bundle.md gives auditors.
 */
import { createHash } from 'node:crypto';
import { VigilError } from '../../lib/errors.ts';
import { parseCanonical } from '../canonical-json.ts';
import { leafHash, sha256, verifyInclusion } from '../merkle.ts';
import { openCheckpoint, openNote, parseVerifierKey, type NoteVerifier } from '../note.ts';
import { parseEnvelope } from '../records.ts';
import { openReader, type BundleReader } from './files.ts';
import { ATTACHMENT_DIR, FILES, parseStatement, type RecordLine } from './format.ts';

export interface VerifyBundleOptions {
  /** The verifier key you trust (origin+keyid+base64). Without it, the bundle's own public-key.txt is used. */
  key?: string;
  onProgress?: (records: number) => void;
}

export interface BundleReport {
  ok: true;
  origin: string;
  keyId: string;
  /** 'given' when checked against the key you passed; 'bundle' when trusting public-key.txt. */
  keySource: 'given' | 'bundle';
  checkpoint: { treeSize: number; rootHash: string; signedAt: string | undefined };
  period: { from: string; to: string };
  records: number;
  expired: number;
  attachments: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

export async function verifyBundle(path: string, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const reader = await openReader(path);
  try {
    return await verify(reader, options);
  } finally {
    await reader.close();
  }
}

async function verify(reader: BundleReader, options: VerifyBundleOptions): Promise<BundleReport> {
  const fail = (message: string, where: string, hint?: string): never => {
    throw new VigilError('IntegrityError', message, { where, ...(hint ? { hint } : {}) });
  };
  const required = async (name: string) => (await reader.text(name)) ?? fail(`the bundle has no ${name}`, name);

  // 1. The key: the one the caller trusts, else the bundle's own.
  const bundleKey = (await required(FILES.publicKey)).trim();
  let verifier: NoteVerifier;
  if (options.key) {
    verifier = parseVerifierKey(options.key, '--key');
    if (bundleKey !== options.key.trim()) {
      fail(`public-key.txt is not the key you trust (key id ${safeKeyId(bundleKey)}, expected ${verifier.keyId.toString('hex')}): the bundle was signed with another key`, FILES.publicKey);
    }
  } else {
    verifier = parseVerifierKey(bundleKey, FILES.publicKey);
  }

  // 2. The checkpoint and the statement, both signed by that key; the statement names the checkpoint.
  const cp = openCheckpoint(await required(FILES.checkpoint), verifier, FILES.checkpoint);
  if (cp.origin !== verifier.name) fail(`the checkpoint is of log "${cp.origin}", not of "${verifier.name}"`, FILES.checkpoint);
  const st = parseStatement(openNote(await required(FILES.statement), verifier, FILES.statement), FILES.statement);
  if (st.origin !== cp.origin || st.treeSize !== cp.treeSize || st.rootHash !== cp.rootHash.toString('base64')) {
    fail(
      `checkpoint.txt (size ${cp.treeSize}) is not the checkpoint the statement names (size ${st.treeSize}): the checkpoint was swapped`,
      FILES.checkpoint,
    );
  }
  const workspace = cp.origin.slice(cp.origin.indexOf('/') + 1);

  // 3. index.txt is authentic when it hashes to the statement's digest; it lists the records in order.
  const indexText = await reader.open(FILES.index);
  if (!indexText) fail('the bundle has no index.txt', FILES.index);
  const digest = createHash('sha256');
  for await (const chunk of indexText!) digest.update(chunk as Buffer);
  if (digest.digest('base64') !== st.indexDigest) {
    fail('index.txt is not the list of records the statement signs: records were deleted, inserted, duplicated or reordered in it', FILES.index);
  }

  // 4. Each record, in lockstep with the index.
  const index = reader.lines(FILES.index)[Symbol.asyncIterator]();
  const used = new Map<string, number>(); // sha256 → size, of attachments already hashed
  let n = 0;
  let expired = 0;
  let prev = -1;
  for await (const text of reader.lines(FILES.records)) {
    n++;
    let at = `${FILES.records} line ${n}`;
    const next = await index.next();
    let line: RecordLine;
    try {
      line = JSON.parse(text) as RecordLine;
    } catch {
      return fail('not valid JSON', at);
    }
    if (!Number.isSafeInteger(line.leafIndex) || typeof line.leaf !== 'string' || !Array.isArray(line.proof)) fail('not a record line (leafIndex, leaf, content, proof)', at);
    const leaf = leafHash(Buffer.from(line.leaf, 'utf8'));
    const envelope = parseEnvelope(parseCanonical(line.leaf, at), at);
    at = `${FILES.records} line ${n} (record ${envelope.id}, leaf ${line.leafIndex})`;
    if (next.done) fail('this record is not in index.txt: it was inserted or duplicated', at);
    const [iIndex, iHash, iId] = (next.value as string).split(' ');
    if (Number(iIndex) !== line.leafIndex) {
      if (Number(iIndex) < line.leafIndex) fail(`record ${iId} (leaf ${iIndex}) listed in index.txt is missing here: it was deleted`, at);
      fail(`leaf ${line.leafIndex} is not where index.txt puts it: a record was inserted, duplicated or reordered`, at);
    }
    if (line.leafIndex <= prev) fail('records are out of leaf order: reordered or duplicated', at);
    prev = line.leafIndex;
    if (iHash !== leaf.toString('hex') || iId !== envelope.id) fail("the record's envelope (times, kind, subject, hashes) was changed: its leaf hash is not the one the statement signs", at);
    if (line.leafIndex >= cp.treeSize) fail(`leaf ${line.leafIndex} is beyond the checkpoint's ${cp.treeSize} leaves`, at);
    if (envelope.workspace !== workspace) fail(`the record belongs to workspace ${envelope.workspace}, not to this log's ${workspace}`, at);
    if (envelope.effectiveAt < st.from || envelope.effectiveAt >= st.to) fail(`its effective time ${envelope.effectiveAt} is outside the bundle's period`, at);

    if (line.content === null) expired++;
    else if (typeof line.content !== 'string' || sha256(Buffer.from(line.content, 'utf8')).toString('hex') !== envelope.contentHash) {
      fail('its content does not match the content hash in its envelope: the content was changed', at);
    }
    for (const a of envelope.attachments) {
      const name = `${ATTACHMENT_DIR}${a.sha256}`;
      if (used.has(a.sha256)) {
        if (used.get(a.sha256) !== a.size) fail(`its attachment "${a.name}" claims ${a.size} bytes, but ${name} has ${used.get(a.sha256)}`, at);
        continue; // already hashed for an earlier record
      }
      const s = await reader.open(name);
      if (!s) {
        if (line.content === null) continue; // expired with the content
        fail(`its attachment "${a.name}" is missing (${name})`, at);
      }
      const h = createHash('sha256');
      let size = 0;
      for await (const chunk of s!) {
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      if (h.digest('hex') !== a.sha256 || size !== a.size) fail(`its attachment "${a.name}" was changed: ${name} does not hash to its name`, at);
      used.set(a.sha256, size);
    }

    const proof = line.proof.map((p) => (typeof p === 'string' && HEX64.test(p) ? Buffer.from(p, 'hex') : fail('its proof holds something that is not a hash', at)));
    if (!verifyInclusion(leaf, line.leafIndex, cp.treeSize, proof, cp.rootHash)) {
      fail(`its inclusion proof does not lead to the checkpoint's root: the record or its proof was changed`, at);
    }
    if (n % 1000 === 0) options.onProgress?.(n);
  }
  const rest = await index.next();
  if (!rest.done) {
    const [iIndex, , iId] = (rest.value as string).split(' ');
    fail(`record ${iId} (leaf ${iIndex}) listed in index.txt is missing from ${FILES.records}: it was deleted`, FILES.records);
  }
  if (n !== st.records) fail(`the statement lists ${st.records} records, the bundle has ${n}`, FILES.records);

  // 5. Nothing else may be in the bundle.
  const known = new Set<string>(Object.values(FILES));
  for (const name of reader.names()) {
    if (known.has(name)) continue;
    if (name.startsWith(ATTACHMENT_DIR) && used.has(name.slice(ATTACHMENT_DIR.length))) continue;
    fail(`${name} is not part of the evidence: no record uses it`, name);
  }

  return {
    ok: true,
    origin: cp.origin,
    keyId: verifier.keyId.toString('hex'),
    keySource: options.key ? 'given' : 'bundle',
    checkpoint: { treeSize: cp.treeSize, rootHash: cp.rootHash.toString('hex'), signedAt: cp.time },
    period: { from: st.from, to: st.to },
    records: n,
    expired,
    attachments: used.size,
  };
}

function safeKeyId(vkey: string): string {
  return vkey.split('+')[1] ?? '?';
}
