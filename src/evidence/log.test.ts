import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { HOUR_MS } from '../lib/clock.ts';
import { rowsOf } from '../db/client.ts';
import { canonicalize } from './canonical-json.ts';
import { createEvidenceLog } from './log.ts';
import { leafHash, nodeHash, sha256, verifyConsistency, verifyInclusion } from './merkle.ts';
import { openCheckpoint } from './note.ts';
import { originFor } from './keys.ts';
import { envelopeJson } from './records.ts';
import { createEvidenceFixture, type EvidenceFixture } from './testing.ts';

// An independent tree over the leaf hashes read back from the database.
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
const unhex = (s: string) => Buffer.from(s, 'hex');

let f: EvidenceFixture;
beforeAll(async () => {
  f = await createEvidenceFixture();
});
afterAll(async () => {
  await f?.close();
});

const event = (i: number) => ({
  kind: 'event' as const,
  source: 'okta',
  subject: `user:${i % 3}`,
  effectiveAt: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
  content: { n: i, who: `user ${i}`, nested: { b: [1, 2], a: 'x' } },
});

describe('evidence log', () => {
  let leaves: Buffer[] = [];

  it('appends a batch, giving each record the next leaf index and a leaf hash over its canonical envelope', async () => {
    const out = await f.log.append(f.workspaceId, Array.from({ length: 13 }, (_, i) => event(i)));
    expect(out.map((r) => r.leafIndex)).toEqual([...Array(13).keys()]);
    const r = out[4]!;
    expect(r.id).toMatch(/^ev_/);
    expect(r.collectedAt).toBe('2026-01-15T09:00:00.000Z');
    expect(r.effectiveAt).toBe('2026-01-05T00:00:00.000Z');
    expect(r.contentHash).toBe(sha256(canonicalize(event(4).content)).toString('hex'));
    // The hand-written envelope writer agrees with the generic canonicalizer.
    const env = { id: r.id, workspace: r.workspace, kind: r.kind, source: r.source, subject: r.subject, collectedAt: r.collectedAt, effectiveAt: r.effectiveAt, contentHash: r.contentHash, attachments: r.attachments };
    expect(envelopeJson(env)).toBe(canonicalize(env));
    expect(r.leafHash).toBe(leafHash(Buffer.from(canonicalize(env))).toString('hex'));
    leaves = out.map((x) => unhex(x.leafHash));
  });

  it('continues the same tree across appends, and its root is the naive root of every leaf', async () => {
    for (let i = 13; i < 40; i += 9) {
      const out = await f.log.append(f.workspaceId, Array.from({ length: 9 }, (_, j) => event(i + j)));
      leaves.push(...out.map((x) => unhex(x.leafHash)));
    }
    const head = await f.log.head(f.workspaceId);
    expect(head.treeSize).toBe(40);
    expect(head.rootHash).toBe(mth(leaves).toString('hex'));
  });

  it('stores the record exactly: content as canonical text, times in UTC, and gets it back by id', async () => {
    const [rec] = await f.log.list(f.workspaceId, { after: 6, limit: 1 });
    const got = await f.log.get(f.workspaceId, rec!.id);
    expect(got!.leafIndex).toBe(7);
    expect(got!.content).toBe(canonicalize(event(7).content));
    expect(got!.expiredAt).toBeNull();
    expect(await f.log.get(f.workspaceId, 'ev_missing')).toBeUndefined();
  });

  it('proves every leaf against the current tree with proofs that verify independently', async () => {
    const root = mth(leaves);
    for (let i = 0; i < leaves.length; i += 3) {
      const p = await f.log.prove(f.workspaceId, i);
      expect(p.treeSize).toBe(40);
      expect(p.rootHash).toBe(root.toString('hex'));
      expect(p.checkpoint).toBeNull();
      expect(verifyInclusion(leaves[i]!, i, 40, p.hashes.map(unhex), root)).toBe(true);
    }
    const older = await f.log.prove(f.workspaceId, 5, 11);
    expect(verifyInclusion(leaves[5]!, 5, 11, older.hashes.map(unhex), mth(leaves.slice(0, 11)))).toBe(true);
    await expect(f.log.prove(f.workspaceId, 5, 5)).rejects.toThrow(/cannot prove leaf 5/);
    await expect(f.log.prove(f.workspaceId, 'ev_nope')).rejects.toThrow(/no evidence record/);
  });

  it('proves consistency between any two sizes', async () => {
    for (const [m, n] of [[1, 40], [7, 13], [16, 32], [13, 40], [40, 40], [0, 9]] as const) {
      const p = await f.log.consistency(f.workspaceId, m, n);
      expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), mth(leaves.slice(0, n)), p.hashes.map(unhex))).toBe(true);
    }
  });

  it('signs a checkpoint in the C2SP format, logs it as a record, and proves records against it', async () => {
    f.clock.advance(HOUR_MS);
    const cp = await f.log.checkpoint(f.workspaceId);
    expect(cp.treeSize).toBe(40);
    const body = openCheckpoint(cp.note, f.key.verifier(originFor(f.workspaceId)), 'checkpoint');
    expect(body).toMatchObject({ origin: originFor(f.workspaceId), treeSize: 40, time: '2026-01-15T10:00:00.000Z' });
    expect(body.rootHash.toString('hex')).toBe(mth(leaves).toString('hex'));
    expect(cp.note.split('\n').slice(0, 4)).toEqual([originFor(f.workspaceId), '40', body.rootHash.toString('base64'), 'time 2026-01-15T10:00:00.000Z']);
    expect(cp.note).toMatch(/\n\n\u2014 vigil\.evidence\/ws_\S+ [A-Za-z0-9+/]+=*\n$/);

    const logged = await f.log.get(f.workspaceId, cp.recordId!);
    expect(logged).toMatchObject({ kind: 'checkpoint', leafIndex: 40 });
    expect(JSON.parse(logged!.content!)).toMatchObject({ checkpoint: cp.id, treeSize: 40, note: cp.note });

    const p = await f.log.prove(f.workspaceId, 12);
    expect(p.treeSize).toBe(40);
    expect(p.checkpoint?.id).toBe(cp.id);
    expect(verifyInclusion(leaves[12]!, 12, 40, p.hashes.map(unhex), body.rootHash)).toBe(true);
  });

  it('appends inside the caller’s transaction, and a rollback leaves no trace in the tree', async () => {
    const before = await f.log.head(f.workspaceId);
    await expect(
      f.db.orm.transaction(async (tx) => {
        await f.log.append(f.workspaceId, [event(100)], tx);
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(await f.log.head(f.workspaceId)).toEqual(before);
    const [r] = await f.db.orm.transaction((tx) => f.log.append(f.workspaceId, [event(101)], tx));
    expect(r!.leafIndex).toBe(before.treeSize);
  });

  it('keeps one tree per workspace', async () => {
    const other = await createWorkspaceRepo(f.db.orm).ensure('other', 'Other');
    const [r] = await f.log.append(other.id, [event(1)]);
    expect(r!.leafIndex).toBe(0);
    expect(r!.workspace).toBe(other.id);
    expect(await f.log.get(f.workspaceId, r!.id)).toBeUndefined();
  });

  it('deletes a workspace’s whole log with the workspace', async () => {
    const gone = await createWorkspaceRepo(f.db.orm).ensure('gone', 'Gone');
    await f.log.append(gone.id, Array.from({ length: 5 }, (_, i) => event(i)));
    const count = async () =>
      rowsOf<{ n: number }>(
        await f.db.orm.execute(sql`SELECT (SELECT count(*) FROM evidence_records WHERE workspace_id = ${gone.id})::int + (SELECT count(*) FROM evidence_tiles WHERE workspace_id = ${gone.id})::int AS n`),
      )[0]!.n;
    expect(await count()).toBe(5 + 1); // five records, one (partial) level-0 tile
    await f.db.orm.execute(sql`DELETE FROM workspaces WHERE id = ${gone.id}`);
    expect(await count()).toBe(0);
  });

  it('lists by kind, subject and effective period, in leaf order, with paging', async () => {
    const jan3 = await f.log.list(f.workspaceId, { kind: 'event', from: '2026-01-03T00:00:00Z', to: '2026-01-04T00:00:00Z' });
    expect(jan3.map((r) => r.leafIndex)).toEqual([2, 30]);
    expect(jan3.every((r) => r.content === null)).toBe(true);
    const bySubject = await f.log.list(f.workspaceId, { subject: 'user:1', limit: 3, includeContent: true });
    expect(bySubject.map((r) => r.leafIndex)).toEqual([1, 4, 7]);
    expect(bySubject[0]!.content).toBe(canonicalize(event(1).content));
    const next = await f.log.list(f.workspaceId, { subject: 'user:1', limit: 3, after: 7 });
    expect(next[0]!.leafIndex).toBe(10);
  });

  it('stores attachments in the blob store and commits to their hash and size', async () => {
    const data = Buffer.from('%PDF-1.7 board minutes');
    const [r] = await f.log.append(f.workspaceId, [
      { kind: 'manual', source: 'cli', subject: 'control:CC1.1', content: { note: 'minutes' }, attachments: [{ name: 'minutes.pdf', mediaType: 'application/pdf', data }] },
    ]);
    expect(r!.attachments).toEqual([{ sha256: sha256(data).toString('hex'), size: data.length, name: 'minutes.pdf', mediaType: 'application/pdf' }]);
    expect(await f.blobs.get(r!.attachments[0]!.sha256)).toEqual(data);
    const refs = rowsOf<{ n: number }>(await f.db.orm.execute(sql`SELECT count(*)::int AS n FROM evidence_blob_refs WHERE record_id = ${r!.id}`));
    expect(refs[0]!.n).toBe(1);
    await expect(
      f.log.append(f.workspaceId, [{ kind: 'manual', source: 'cli', subject: 'x', content: {}, attachments: [{ name: 'a', mediaType: 'b', sha256: 'a'.repeat(64), size: 1 }] }]),
    ).rejects.toThrow(/not in the blob store/);
  });

  it('refuses malformed records before writing anything', async () => {
    const before = await f.log.head(f.workspaceId);
    const bad = [
      { kind: 'nope', source: 's', subject: 's', content: {} },
      { kind: 'event', source: '', subject: 's', content: {} },
      { kind: 'event', source: 's', subject: 's', content: { t: new Date() } },
      { kind: 'event', source: 's', subject: 's', effectiveAt: 'yesterday', content: {} },
    ];
    for (const b of bad) {
      // @ts-expect-error deliberately malformed input
      await expect(f.log.append(f.workspaceId, [event(1), b])).rejects.toMatchObject({ _tag: 'InvalidInput' });
    }
    expect(await f.log.head(f.workspaceId)).toEqual(before);
  });

  it('serialises concurrent appends to one log: every leaf index is used exactly once', async () => {
    const log2 = createEvidenceLog({ db: f.db, clock: f.clock, blobs: f.blobs });
    const before = (await f.log.head(f.workspaceId)).treeSize;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? f.log : log2).append(f.workspaceId, [event(i), event(i + 1)])));
    const indexes = results.flat().map((r) => r.leafIndex).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 12 }, (_, i) => before + i));
  });
});

describe('evidence content', () => {
  let g: EvidenceFixture;
  beforeAll(async () => {
    g = await createEvidenceFixture();
  });
  afterAll(async () => {
    await g?.close();
  });

  it('stores content that needs escaping byte for byte as its canonical text, whose hash is the content hash', async () => {
    const content = { s: 'quote " backslash \\ nul \u0000 unit \u001f tab \t é 😀 \u2028', n: [1.5e-7, -0, 1e21], deep: { z: null, a: [true, {}] } };
    const [r] = await g.log.append(g.workspaceId, [{ kind: 'manual', source: 'cli', subject: 'escapes', content }]);
    const got = await g.log.get(g.workspaceId, r!.id);
    expect(got?.content).toBe(canonicalize(content));
    expect(sha256(got!.content!).toString('hex')).toBe(r!.contentHash);
  });

  it('stores metadata holding tabs, newlines and backslashes exactly (the COPY path escapes them)', async () => {
    const odd = 'tab\there\nnew line\\back\\slash \\N \r';
    const data = Buffer.from('odd attachment');
    const [r] = await g.log.append(g.workspaceId, [
      { kind: 'manual', source: `cli ${odd}`, subject: `subject ${odd}`, content: { odd }, attachments: [{ name: `a\\b\tc.txt`, mediaType: 'text/plain', data }] },
    ]);
    const got = await g.log.get(g.workspaceId, r!.id);
    expect(got).toMatchObject({ source: `cli ${odd}`, subject: `subject ${odd}`, content: canonicalize({ odd }), leafHash: r!.leafHash });
    expect(got!.attachments[0]!.name).toBe('a\\b\tc.txt');
    expect(envelopeJson(got!)).toBe(envelopeJson(r!));
  });
});

describe('a log spanning several tiles', () => {
  let g: EvidenceFixture;
  const all: Buffer[] = [];
  beforeAll(async () => {
    g = await createEvidenceFixture();
    // Batches that end inside tiles, so later appends extend partial tiles at both tile levels.
    for (const count of [150, 300, 250, 70]) {
      const out = await g.log.append(g.workspaceId, Array.from({ length: count }, (_, i) => event(all.length + i)));
      all.push(...out.map((r) => unhex(r.leafHash)));
    }
  });
  afterAll(async () => {
    await g?.close();
  });

  it('writes one row per tile, not one per node', async () => {
    const tiles = rowsOf<{ level: number; idx: number | string; n: number }>(
      await g.db.orm.execute(sql`SELECT level, idx, octet_length(hashes) / 32 AS n FROM evidence_tiles WHERE workspace_id = ${g.workspaceId} ORDER BY level, idx`),
    );
    expect(tiles.map((t) => `${t.level}/${Number(t.idx)}:${t.n}`)).toEqual(['0/0:256', '0/1:256', '0/2:256', '0/3:2', '1/0:3']);
  });

  it('proves leaves in every tile, at older sizes too, with proofs that verify independently', async () => {
    for (const [m, n] of [[0, 770], [255, 770], [256, 770], [767, 770], [769, 770], [300, 512], [511, 513], [100, 257]] as const) {
      const p = await g.log.prove(g.workspaceId, m, n);
      expect(verifyInclusion(all[m]!, m, n, p.hashes.map(unhex), mth(all.slice(0, n))), `leaf ${m} in ${n}`).toBe(true);
    }
    for (const [m, n] of [[256, 770], [255, 513], [768, 770], [1, 770]] as const) {
      const p = await g.log.consistency(g.workspaceId, m, n);
      expect(verifyConsistency(m, n, mth(all.slice(0, m)), mth(all.slice(0, n)), p.hashes.map(unhex)), `${m} → ${n}`).toBe(true);
    }
  });
});
