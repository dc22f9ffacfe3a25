import { cpSync, createWriteStream, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../lib/clock.ts';
import { generateSigningKey, originFor } from '../keys.ts';
import { formatVerifierKey, parseNote, signNote } from '../note.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../testing.ts';
import { exportBundle } from './export.ts';
import { verifyBundle } from './verify.ts';

let f: EvidenceFixture;
let bundle: string;
let trusted: string;
const attachment = Buffer.from('signed access review, Q1');

beforeAll(async () => {
  f = await createEvidenceFixture('2026-04-01T08:00:00.000Z');
  const recs = Array.from({ length: 40 }, (_, i) => ({
    kind: 'resource.snapshot' as const,
    source: 'github',
    subject: `repo:${i}`,
    effectiveAt: new Date(Date.UTC(2026, 0, 1) + i * 2.5 * 24 * HOUR_MS),
    content: { repo: i, branchProtection: i % 4 !== 0, note: 'é ✓ "quoted"' },
  }));
  await f.log.append(f.workspaceId, recs.slice(0, 25));
  await f.log.append(f.workspaceId, [
    { kind: 'manual', source: 'cli', subject: 'control:CC6.2', effectiveAt: '2026-02-10T00:00:00Z', content: { note: 'review' }, attachments: [{ name: 'review.pdf', mediaType: 'application/pdf', data: attachment }] },
    { kind: 'manual', source: 'cli', subject: 'control:CC6.3', effectiveAt: '2026-02-11T00:00:00Z', content: { note: 'same file' }, attachments: [{ name: 'copy.pdf', mediaType: 'application/pdf', data: attachment }] },
  ]);
  await f.log.append(f.workspaceId, recs.slice(25));
  bundle = join(f.dir, 'feb');
  await exportBundle(f, f.workspaceId, { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z', out: bundle, page: 4 });
  trusted = formatVerifierKey(originFor(f.workspaceId), f.key.publicKey);
});
afterAll(async () => {
  await f?.close();
});

let n = 0;
function copy(): string {
  const dst = join(f.dir, `tamper-${n++}`);
  cpSync(bundle, dst, { recursive: true });
  return dst;
}
const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
const writeLines = (dir: string, file: string, ls: string[]) => writeFileSync(join(dir, file), ls.map((l) => `${l}\n`).join(''));

async function failure(dir: string, key?: string) {
  try {
    await verifyBundle(dir, key ? { key } : {});
  } catch (e) {
    return e as { _tag: string; message: string; where: string };
  }
  throw new Error('verify accepted a tampered bundle');
}

describe('evidence bundle', () => {
  it('exports the period by effective date with proofs against one checkpoint, and verifies with nothing else', async () => {
    const report = await verifyBundle(bundle, { key: trusted });
    // 2.5-day spacing: records 12..22 fall in February, plus the two manual uploads.
    expect(report).toMatchObject({ ok: true, records: 13, attachments: 1, expired: 0, keySource: 'given', period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' } });
    expect(report.checkpoint.treeSize).toBe(42);
    expect(readdirSync(join(bundle, 'attachments'))).toHaveLength(1);
    expect((await verifyBundle(bundle)).keySource).toBe('bundle');
  });

  it('writes the same bundle as a .zip, which verifies the same way', async () => {
    const zip = join(f.dir, 'feb.zip');
    const r = await exportBundle(f, f.workspaceId, { from: '2026-02-01', to: '2026-03-01', out: zip });
    expect(r.records).toBe(13);
    expect(await verifyBundle(zip, { key: trusted })).toMatchObject({ records: 13, attachments: 1 });
  });

  it('refuses to write over an existing bundle', async () => {
    await expect(exportBundle(f, f.workspaceId, { from: '2026-02-01', to: '2026-03-01', out: bundle })).rejects.toThrow(/already exists/);
  });

  it('fails naming the record when a byte of its content changes', async () => {
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    ls[3] = ls[3]!.replace('"repo\\":', '"repo\\" :');
    writeLines(d, 'records.jsonl', ls);
    const e = await failure(d, trusted);
    expect(e._tag).toBe('IntegrityError');
    expect(e.message).toMatch(/content does not match/);
    expect(e.where).toMatch(/records\.jsonl line 4 \(record ev_\w+, leaf \d+\)/);
  });

  it('fails naming the record when a byte of an attachment changes', async () => {
    const d = copy();
    const [file] = readdirSync(join(d, 'attachments'));
    const bytes = readFileSync(join(d, 'attachments', file!));
    bytes[0]! ^= 1;
    writeFileSync(join(d, 'attachments', file!), bytes);
    const e = await failure(d, trusted);
    expect(e.message).toMatch(/attachment "review\.pdf" was changed/);
    expect(e.where).toMatch(/record ev_/);
  });

  it('fails naming the record when a byte of a timestamp changes', async () => {
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    ls[5] = ls[5]!.replace(/(collectedAt\\":\\"2026-04-01T08:00:00\.)000/, '$1001');
    expect(ls[5]).toContain('08:00:00.001Z');
    writeLines(d, 'records.jsonl', ls);
    expect((await failure(d, trusted)).message).toMatch(/envelope .* was changed/);
  });

  it('fails naming the deleted record when a record is removed', async () => {
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    const gone = JSON.parse(ls[6]!) as { leaf: string };
    const id = (JSON.parse(gone.leaf) as { id: string }).id;
    writeLines(d, 'records.jsonl', ls.filter((_, i) => i !== 6));
    const e = await failure(d, trusted);
    expect(e.message).toContain(`record ${id}`);
    expect(e.message).toMatch(/deleted/);
  });

  it('fails when a record is removed from both the records and the index', async () => {
    const d = copy();
    writeLines(d, 'records.jsonl', lines(d, 'records.jsonl').slice(1));
    writeLines(d, 'index.txt', lines(d, 'index.txt').slice(1));
    expect((await failure(d, trusted)).message).toMatch(/index\.txt is not the list of records the statement signs/);
  });

  it('fails when records are reordered or duplicated', async () => {
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    [ls[2], ls[3]] = [ls[3]!, ls[2]!];
    writeLines(d, 'records.jsonl', ls);
    expect((await failure(d, trusted)).message).toMatch(/inserted, duplicated or reordered|deleted/);

    const d2 = copy();
    const l2 = lines(d2, 'records.jsonl');
    l2.splice(4, 0, l2[4]!);
    writeLines(d2, 'records.jsonl', l2);
    const e = await failure(d2, trusted);
    expect(e.where).toMatch(/line 6/);
    expect(e.message).toMatch(/inserted, duplicated or reordered/);
  });

  it('fails when a genuine record from outside the period is inserted', async () => {
    const jan = join(f.dir, 'jan');
    await exportBundle(f, f.workspaceId, { from: '2026-01-01', to: '2026-02-01', out: jan });
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    ls.splice(0, 0, lines(jan, 'records.jsonl').at(-1)!);
    writeLines(d, 'records.jsonl', ls);
    const e = await failure(d, trusted);
    expect(e.where).toMatch(/line 1 \(record ev_\w+, leaf 12\)/);
    expect(e.message).toMatch(/deleted|inserted/);
  });

  it('fails when the checkpoint is swapped for another genuine checkpoint of the same log', async () => {
    await f.log.append(f.workspaceId, [{ kind: 'event', source: 's', subject: 'late', content: {} }]);
    const later = await f.log.checkpoint(f.workspaceId);
    const d = copy();
    writeFileSync(join(d, 'checkpoint.txt'), later.note);
    expect((await failure(d, trusted)).message).toMatch(/checkpoint was swapped/);
  });

  it('fails when the checkpoint is signed with another key', async () => {
    const other = generateSigningKey().key;
    const d = copy();
    const { text } = parseNote(readFileSync(join(d, 'checkpoint.txt'), 'utf8'), 'x');
    writeFileSync(join(d, 'checkpoint.txt'), signNote(text, [other.signer(originFor(f.workspaceId))]));
    const e = await failure(d);
    expect(e.where).toBe('checkpoint.txt');
    expect(e.message).toMatch(/not signed by the expected key/);
  });

  it('fails against the trusted key when everything is re-signed with another key', async () => {
    const other = generateSigningKey().key;
    const origin = originFor(f.workspaceId);
    const d = copy();
    for (const file of ['checkpoint.txt', 'statement.txt']) {
      const { text } = parseNote(readFileSync(join(d, file), 'utf8'), file);
      writeFileSync(join(d, file), signNote(text, [other.signer(origin)]));
    }
    writeFileSync(join(d, 'public-key.txt'), `${formatVerifierKey(origin, other.publicKey)}\n`);
    const e = await failure(d, trusted);
    expect(e.message).toMatch(/not the key you trust/);
    // Self-consistent under its own key, which is why the report says whose key it trusted.
    expect(await verifyBundle(d)).toMatchObject({ keySource: 'bundle', keyId: other.verifier(origin).keyId.toString('hex') });
  });

  it('fails when the statement is altered, even by one record count', async () => {
    const d = copy();
    const note = readFileSync(join(d, 'statement.txt'), 'utf8');
    writeFileSync(join(d, 'statement.txt'), note.replace(/records 13 /, 'records 12 '));
    expect((await failure(d, trusted)).message).toMatch(/signature by .* does not verify/);
  });

  it('fails on a file no record uses', async () => {
    const d = copy();
    writeFileSync(join(d, 'attachments', 'a'.repeat(64)), 'planted');
    expect((await failure(d, trusted)).where).toBe(`attachments/${'a'.repeat(64)}`);
  });

  it('fails on a tampered .zip bundle too', async () => {
    const d = copy();
    const ls = lines(d, 'records.jsonl');
    ls[0] = ls[0]!.replace('branchProtection\\":true', 'branchProtection\\":false');
    writeLines(d, 'records.jsonl', ls);
    const zip = new yazl.ZipFile();
    const walk = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
        else zip.addFile(join(dir, e.name), `${prefix}${e.name}`);
      }
    };
    walk(d, '');
    zip.end();
    const out = join(f.dir, 'tampered.zip');
    await pipeline(zip.outputStream, createWriteStream(out));
    const e = await failure(out, trusted);
    expect(e.message).toMatch(/content does not match/);
    expect(e.where).toMatch(/line 1/);
  });
});
