import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../lib/clock.ts';
import { exportBundle } from './bundle/export.ts';
import { verifyBundle } from './bundle/verify.ts';
import { expireEvidence } from './retention.ts';
import { createEvidenceFixture, type EvidenceFixture } from './testing.ts';
import { verifyStoredLog } from './verify-log.ts';
import { join } from 'node:path';

let f: EvidenceFixture;
const shared = Buffer.from('shared screenshot');
const own = Buffer.from('own screenshot');
const ids: Record<string, string> = {};

beforeAll(async () => {
  f = await createEvidenceFixture('2026-01-10T00:00:00.000Z');
  const out = await f.log.append(f.workspaceId, [
    { kind: 'event', source: 'okta', subject: 'old-event', effectiveAt: '2026-01-01T00:00:00Z', content: { secret: 'old' } },
    { kind: 'manual', source: 'cli', subject: 'old-manual', effectiveAt: '2026-01-02T00:00:00Z', content: { n: 1 }, attachments: [{ name: 'a.png', mediaType: 'image/png', data: shared }, { name: 'b.png', mediaType: 'image/png', data: own }] },
    { kind: 'check.result', source: 'engine', subject: 'short-lived', effectiveAt: '2026-01-03T00:00:00Z', content: { pass: true } },
  ]);
  f.clock.set('2026-09-01T00:00:00.000Z');
  const later = await f.log.append(f.workspaceId, [
    { kind: 'manual', source: 'cli', subject: 'new-manual', content: { n: 2 }, attachments: [{ name: 'a.png', mediaType: 'image/png', data: shared }] },
  ]);
  for (const r of [...out, ...later]) ids[r.subject] = r.id;
});
afterAll(async () => {
  await f?.close();
});

describe('retention', () => {
  it('expires by kind: a short policy for one kind, the default for the rest', async () => {
    f.clock.set('2026-09-01T00:00:00.000Z');
    const r = await expireEvidence(f, f.workspaceId, { 'check.result': 'P6M', default: 'P15M' });
    expect(r.expired).toBe(1);
    expect((await f.log.get(f.workspaceId, ids['short-lived']!))!.content).toBeNull();
    expect((await f.log.get(f.workspaceId, ids['old-event']!))!.content).not.toBeNull();
  });

  it('deletes content and attachments but keeps metadata and leaf hash, and logs the expiry', async () => {
    const before = await f.log.get(f.workspaceId, ids['old-manual']!);
    f.clock.set('2027-04-11T00:00:00.000Z'); // 15 months after they were collected (Jan 10), the later of the two times
    const r = await expireEvidence(f, f.workspaceId, { default: 'P15M' });
    expect(r.expired).toBe(2);
    const after = await f.log.get(f.workspaceId, ids['old-manual']!);
    expect(after).toMatchObject({ content: null, expiredAt: '2027-04-11T00:00:00.000Z', leafHash: before!.leafHash, contentHash: before!.contentHash, attachments: before!.attachments });
    // The blob only this record used is gone; the one a live record still uses stays.
    const [a, b] = before!.attachments;
    expect(await f.blobs.head(b!.sha256)).toBeUndefined();
    expect(await f.blobs.get(a!.sha256)).toEqual(shared);
    expect(r.blobsDeleted).toBe(1);

    const logged = await f.log.get(f.workspaceId, r.expiryRecords.at(-1)!);
    expect(logged!.kind).toBe('retention.expiry');
    const content = JSON.parse(logged!.content!) as { keep: string; records: { id: string; contentHash: string }[] };
    expect(content.keep).toBe('P15M');
    expect(content.records.map((x) => x.id).sort()).toContain(ids['old-manual']);
    expect(content.records.find((x) => x.id === ids['old-manual'])!.contentHash).toBe(before!.contentHash);
  });

  it('leaves a log that still verifies in full, and proofs of expired records still verify', async () => {
    await f.log.checkpoint(f.workspaceId);
    const report = await verifyStoredLog(f, f.workspaceId);
    expect(report.expired).toBe(3);
    const p = await f.log.prove(f.workspaceId, ids['old-manual']!);
    expect(p.checkpoint).not.toBeNull();
  });

  it('exports expired records without content or attachments, and the bundle verifies', async () => {
    const out = join(f.dir, 'jan');
    await exportBundle(f, f.workspaceId, { from: '2026-01-01', to: '2026-02-01', out });
    expect(await verifyBundle(out)).toMatchObject({ records: 3, expired: 3, attachments: 0 });
  });

  it('does nothing more when run again, and the last blob goes when its last user expires', async () => {
    expect((await expireEvidence(f, f.workspaceId)).expired).toBe(0);
    f.clock.advance(400 * DAY_MS);
    const r = await expireEvidence(f, f.workspaceId);
    expect(r.expired).toBeGreaterThanOrEqual(1);
    expect(await f.blobs.head((await f.log.get(f.workspaceId, ids['new-manual']!))!.attachments[0]!.sha256)).toBeUndefined();
  });

  it('restores a blob that retention deleted while an append was using it', async () => {
    // The append stored the bytes, then retention removed them before the append committed.
    const blob = await f.blobs.put(Buffer.from('raced'));
    await f.blobs.delete(blob.sha256);
    const [r] = await f.log.append(f.workspaceId, [{ kind: 'manual', source: 'cli', subject: 'raced', content: {}, attachments: [{ name: 'r', mediaType: 'text/plain', data: Buffer.from('raced') }] }]);
    expect(await f.blobs.get(r!.attachments[0]!.sha256)).toEqual(Buffer.from('raced'));
  });
});
