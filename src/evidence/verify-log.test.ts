import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { HOUR_MS } from '../lib/clock.ts';
import { generateSigningKey, originFor } from './keys.ts';
import { Frontier, sha256 } from './merkle.ts';
import { parseNote, signNote } from './note.ts';
import { envelopeLeafHash } from './records.ts';
import { createEvidenceFixture, type EvidenceFixture } from './testing.ts';
import { verifyStoredLog } from './verify-log.ts';

let f: EvidenceFixture;
let ws: string;
let n = 0;
beforeAll(async () => {
  f = await createEvidenceFixture();
});
afterAll(async () => {
  await f?.close();
});
// Each test tampers with a log of its own (a workspace of its own): one database for the file.
beforeEach(async () => {
  ws = (await createWorkspaceRepo(f.db.orm).ensure(`t${++n}`, `T${n}`)).id;
  await f.log.append(
    ws,
    Array.from({ length: 20 }, (_, i) => ({ kind: 'event' as const, source: 'okta', subject: `u${i}`, content: { i, action: 'login' } })),
  );
  await f.log.append(ws, [
    { kind: 'manual', source: 'cli', subject: 'control:CC1.1', content: { note: 'policy' }, attachments: [{ name: 'policy.pdf', mediaType: 'application/pdf', data: Buffer.from(`policy v3 of ${ws}`) }] },
  ]);
  f.clock.advance(HOUR_MS);
  await f.log.checkpoint(ws); // size 21; its record is leaf 21
  await f.log.append(ws, Array.from({ length: 10 }, (_, i) => ({ kind: 'event' as const, source: 'okta', subject: `v${i}`, content: { i } })));
  await f.log.checkpoint(ws); // size 32
});

// Every tampering statement is scoped to this test's workspace ($1).
const q = (text: string, params: unknown[] = []) => f.db.query(text, [ws, ...params]);
const verify = () => verifyStoredLog(f, ws, { batch: 7 });
async function failure() {
  try {
    await verify();
  } catch (e) {
    return e as { _tag: string; message: string; where: string };
  }
  throw new Error('verify accepted a tampered log');
}

describe('full verification of the stored log', () => {
  it('accepts the untouched log and reports what it checked', async () => {
    expect(await verify()).toMatchObject({ treeSize: 33, records: 33, checkpoints: 2, attachments: 1, expired: 0 });
  });

  it('names the record whose content changed', async () => {
    await q(`UPDATE evidence_records SET content = replace(content, 'login', 'logout') WHERE workspace_id = $1 AND leaf_index = 5`);
    const e = await failure();
    expect(e._tag).toBe('IntegrityError');
    expect(e.message).toMatch(/content does not match its content hash/);
    expect(e.where).toMatch(/record ev_\w+ \(leaf 5\)/);
  });

  it('names the record whose attachment changed in the blob store', async () => {
    const [row] = await q(`SELECT attachments->0->>'sha256' AS h, id FROM evidence_records WHERE workspace_id = $1 AND leaf_index = 20`);
    const h = String(row!.h);
    const path = join(f.dir, 'blobs', h.slice(0, 2), h.slice(2, 4), h);
    const bytes = readFileSync(path);
    bytes[2]! ^= 0x20;
    writeFileSync(path, bytes);
    const e = await failure();
    expect(e.message).toMatch(/attachment "policy\.pdf" .*changed/);
    expect(e.where).toBe(`record ${row!.id} (leaf 20)`);
  });

  it('names the record whose timestamp changed', async () => {
    await q(`UPDATE evidence_records SET effective_at = effective_at + interval '1 millisecond' WHERE workspace_id = $1 AND leaf_index = 7`);
    const e = await failure();
    expect(e.message).toMatch(/fields do not hash to its leaf hash/);
    expect(e.where).toMatch(/\(leaf 7\)/);
  });

  it('catches a time changed by less than a millisecond, which the envelope cannot show', async () => {
    await q(`UPDATE evidence_records SET collected_at = collected_at + interval '1 microsecond' WHERE workspace_id = $1 AND leaf_index = 9`);
    const e = await failure();
    expect(e.message).toMatch(/part below the millisecond.*a time was changed/);
    expect(e.where).toMatch(/\(leaf 9\)/);
  });

  it('catches a changed timestamp even when the leaf hash was recomputed to match', async () => {
    await q(`UPDATE evidence_records SET effective_at = effective_at + interval '1 second' WHERE workspace_id = $1 AND leaf_index = 7`);
    const [rec] = await f.log.list(ws, { after: 6, limit: 1 });
    await q(`UPDATE evidence_records SET leaf_hash = decode($2, 'hex') WHERE workspace_id = $1 AND leaf_index = 7`, [envelopeLeafHash(rec!).toString('hex')]);
    const e = await failure();
    expect(e.message).toMatch(/stored tree hash over leaf 7 \(tile 0\/0, entry 7\) differs/);
    expect(e.where).toMatch(/leaf 7$/);
  });

  it('names the leaf of a deleted record', async () => {
    await q(`DELETE FROM evidence_records WHERE workspace_id = $1 AND leaf_index = 11`);
    const e = await failure();
    expect(e.message).toMatch(/leaf 11 has no record: it was deleted/);
  });

  it('catches two records swapped in place', async () => {
    await q(`UPDATE evidence_records SET leaf_index = 1000 + leaf_index WHERE workspace_id = $1 AND leaf_index IN (2, 9)`);
    await q(`UPDATE evidence_records SET leaf_index = 9 WHERE workspace_id = $1 AND leaf_index = 1002`);
    await q(`UPDATE evidence_records SET leaf_index = 2 WHERE workspace_id = $1 AND leaf_index = 1009`);
    const e = await failure();
    expect(e.message).toMatch(/hash over leaf 2 \(tile 0\/0, entry 2\) differs from the records at those leaves: records were reordered or replaced/);
  });

  it('catches a duplicated record appended outside the log', async () => {
    await q(`INSERT INTO evidence_records (workspace_id, leaf_index, id, kind, source, subject, collected_at, effective_at, content_hash, content, attachments, leaf_hash)
             SELECT workspace_id, 33, id || 'x', kind, source, subject, collected_at, effective_at, content_hash, content, attachments, leaf_hash FROM evidence_records WHERE workspace_id = $1 AND leaf_index = 3`);
    const e = await failure();
    expect(e.message).toMatch(/at leaf 33 is beyond the log's 33 leaves: it was inserted outside the log/);
  });

  it('catches a record inserted in the middle with a well-formed leaf hash', async () => {
    await q(`UPDATE evidence_records SET leaf_index = leaf_index + 1000 WHERE workspace_id = $1 AND leaf_index >= 4`);
    await q(`UPDATE evidence_records SET leaf_index = leaf_index - 999 WHERE workspace_id = $1 AND leaf_index >= 1004`);
    const [rec] = await f.log.list(ws, { after: 2, limit: 1, includeContent: true });
    const forged = { ...rec!, id: `${rec!.id}f`, subject: 'forged' };
    await q(
      `INSERT INTO evidence_records (workspace_id, leaf_index, id, kind, source, subject, collected_at, effective_at, content_hash, content, attachments, leaf_hash)
       SELECT workspace_id, 4, $2, kind, source, 'forged', collected_at, effective_at, content_hash, content, attachments, decode($3, 'hex') FROM evidence_records WHERE workspace_id = $1 AND leaf_index = 3`,
      [forged.id, envelopeLeafHash(forged).toString('hex')],
    );
    const e = await failure();
    expect(e.message).toMatch(/hash over leaf 4 \(tile 0\/0, entry 4\) differs/);
  });

  it('catches a rewrite of the whole tree by the checkpoint it no longer matches', async () => {
    // The most capable tamperer: changes a record and recomputes every hash, node and the head.
    await q(`UPDATE evidence_records SET content = '{"i":3,"action":"nothing"}', content_hash = decode($2, 'hex') WHERE workspace_id = $1 AND leaf_index = 3`, [
      sha256('{"i":3,"action":"nothing"}').toString('hex'),
    ]);
    const all = await f.log.list(ws, { limit: 5000 });
    const fr = new Frontier();
    const leaves: Buffer[] = [];
    for (const r of all) {
      const leaf = envelopeLeafHash(r);
      await q(`UPDATE evidence_records SET leaf_hash = decode($2, 'hex') WHERE workspace_id = $1 AND leaf_index = $3`, [leaf.toString('hex'), r.leafIndex]);
      fr.push(leaf);
      leaves.push(leaf);
    }
    // 33 leaves: the whole tree is one level-0 tile.
    await q(`UPDATE evidence_tiles SET hashes = decode($2, 'hex') WHERE workspace_id = $1 AND level = 0 AND idx = 0`, [Buffer.concat(leaves).toString('hex')]);
    await q(`UPDATE evidence_log_heads SET frontier = decode($2, 'hex') WHERE workspace_id = $1`, [fr.encode().toString('hex')]);
    const e = await failure();
    expect(e.message).toMatch(/do not rebuild the tree signed by checkpoint ckp_\w+ \(size 21\)/);
  });

  it('catches an altered tile entry that proofs would be built from', async () => {
    await q(`UPDATE evidence_tiles SET hashes = set_byte(hashes, 5 * 32 + 3, get_byte(hashes, 5 * 32 + 3) # 1) WHERE workspace_id = $1 AND level = 0 AND idx = 0`);
    const e = await failure();
    expect(e.message).toMatch(/hash over leaf 5 \(tile 0\/0, entry 5\) differs/);
    expect(e.where).toMatch(/leaf 5$/);
  });

  it('catches a checkpoint swapped for another one', async () => {
    const cps = await f.log.checkpoints(ws);
    await q(`UPDATE evidence_checkpoints SET note = $2 WHERE workspace_id = $1 AND id = $3`, [cps[0]!.note, cps[1]!.id]);
    const e = await failure();
    expect(e.message).toMatch(/does not say what its row says/);
    expect(e.where).toBe(`checkpoint ${cps[1]!.id}`);
  });

  it('catches a checkpoint signed with another key', async () => {
    const [cp] = await f.log.checkpoints(ws);
    const other = generateSigningKey().key;
    const { text } = parseNote(cp!.note, 'x');
    await q(`UPDATE evidence_checkpoints SET note = $2 WHERE workspace_id = $1 AND id = $3`, [signNote(text, [other.signer(originFor(ws))]), cp!.id]);
    const e = await failure();
    expect(e.message).toMatch(/not signed by the expected key/);
    expect(e.where).toBe(`checkpoint ${cp!.id}`);
  });

  it('catches records cut from the end of the log', async () => {
    await q(`DELETE FROM evidence_records WHERE workspace_id = $1 AND leaf_index >= 25`);
    await q(`UPDATE evidence_log_heads SET tree_size = 25 WHERE workspace_id = $1`);
    await expect(verify()).rejects.toThrow(/beyond the log's 25 leaves: records were removed from the end|frontier/);
  });
});

describe('full verification of a log spanning several tiles', () => {
  // 33 + 600 = 633 leaves: level-0 tiles 0/0 and 0/1 full, 0/2 with 121 hashes; level-1 tile 1/0
  // with 2 hashes (the roots of leaves 0–255 and 256–511).
  beforeEach(async () => {
    for (let lo = 0; lo < 600; lo += 200) {
      await f.log.append(ws, Array.from({ length: 200 }, (_, i) => ({ kind: 'event' as const, source: 'okta', subject: `w${lo + i}`, content: { i: lo + i } })));
    }
  });
  const tileLengths = async () =>
    (await q(`SELECT level, idx, octet_length(hashes) / 32 AS n FROM evidence_tiles WHERE workspace_id = $1 ORDER BY level, idx`)).map((r) => `${r.level}/${r.idx}:${r.n}`);

  it('stores the tree as tiles of 256 hashes and accepts them untouched', async () => {
    expect(await tileLengths()).toEqual(['0/0:256', '0/1:256', '0/2:121', '1/0:2']);
    expect(await verify()).toMatchObject({ treeSize: 633, records: 633 });
  });

  it('catches a changed byte in a tile above the leaves, naming the leaves its entry covers', async () => {
    await q(`UPDATE evidence_tiles SET hashes = set_byte(hashes, 32 + 17, get_byte(hashes, 32 + 17) # 128) WHERE workspace_id = $1 AND level = 1 AND idx = 0`);
    const e = await failure();
    expect(e.message).toMatch(/stored tree hash over leaves 256–511 \(tile 1\/0, entry 1\) differs from the records at those leaves/);
    expect(e.where).toMatch(/leaves 256–511$/);
  });

  it('catches a truncated tile', async () => {
    await q(`UPDATE evidence_tiles SET hashes = substring(hashes from 1 for 120 * 32) WHERE workspace_id = $1 AND level = 0 AND idx = 2`);
    const e = await failure();
    expect(e.message).toMatch(/hash over leaf 632 \(tile 0\/2, entry 120\) is missing for the records at those leaves: the tile was truncated or deleted/);
  });

  it('catches a tile extended past the tree, and an append refuses to extend it further', async () => {
    await q(`UPDATE evidence_tiles SET hashes = hashes || decode(repeat('ab', 32), 'hex') WHERE workspace_id = $1 AND level = 0 AND idx = 2`);
    const e = await failure();
    expect(e.message).toMatch(/stored tile 0\/2 holds 122 hashes where the log's 633 leaves allow 121: hashes over leaf 633 and after were added outside the log/);
    expect(e.where).toMatch(/tile 0\/2$/);
    await expect(f.log.append(ws, [{ kind: 'event', source: 'okta', subject: 'late', content: {} }])).rejects.toThrow(
      /tile 0\/2 should hold 121 hashes before this append, it holds 122/,
    );
    expect((await f.log.head(ws)).treeSize).toBe(633);
  });

  it('catches an extra tile at a level the tree does not reach', async () => {
    await q(`INSERT INTO evidence_tiles (workspace_id, level, idx, hashes) VALUES ($1, 2, 0, decode(repeat('cd', 32), 'hex'))`);
    expect((await failure()).message).toMatch(/stored tile 2\/0 holds 1 hashes where the log's 633 leaves allow 0: hashes over leaves 0–65535 and after/);
  });

  it('catches a deleted tile', async () => {
    await q(`DELETE FROM evidence_tiles WHERE workspace_id = $1 AND level = 0 AND idx = 1`);
    expect((await failure()).message).toMatch(/hash over leaf 256 \(tile 0\/1, entry 0\) is missing/);
  });

  it('catches two tiles whose contents were swapped', async () => {
    await q(`UPDATE evidence_tiles SET idx = 100 + idx WHERE workspace_id = $1 AND level = 0 AND idx IN (0, 1)`);
    await q(`UPDATE evidence_tiles SET idx = 1 WHERE workspace_id = $1 AND level = 0 AND idx = 100`);
    await q(`UPDATE evidence_tiles SET idx = 0 WHERE workspace_id = $1 AND level = 0 AND idx = 101`);
    expect((await failure()).message).toMatch(/hash over leaf 0 \(tile 0\/0, entry 0\) differs/);
  });
});
