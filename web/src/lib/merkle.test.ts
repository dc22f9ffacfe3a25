// The browser's proof checking must agree with the server's, byte for byte: these tests run the
// browser code (Web Crypto, which Node also has) against src/evidence on the same inputs.
import { describe, expect, it } from 'vitest';
import { inclusionRanges, leafHash as nodeLeaf, nodeHash as nodeNode } from '../../../src/evidence/merkle.ts';
import { canonicalize as serverCanonicalize } from '../../../src/evidence/canonical-json.ts';
import { envelopeLeafHash } from '../../../src/evidence/records.ts';
import { bytesToHex, canonicalize, envelopeOf, leafHash, verifyInclusion, verifyRecord, type Envelope } from './merkle.ts';

/** MTH(D[lo:hi]) by the RFC's recursive definition, with the server's hash functions. */
function mth(leaves: Buffer[], lo: number, hi: number): Buffer {
  if (hi - lo === 1) return leaves[lo]!;
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return nodeNode(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => nodeLeaf(Buffer.from(`record ${i}`)));

describe('browser inclusion proofs', () => {
  it('accepts every leaf of trees of 1 to 33 leaves, with the server-built path', async () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = leavesOf(n);
      const root = mth(leaves, 0, n);
      for (let m = 0; m < n; m++) {
        const path = inclusionRanges(m, n).map(([lo, hi]) => mth(leaves, lo, hi));
        expect(await verifyInclusion(leaves[m]!, m, n, path, root), `leaf ${m} of ${n}`).toBe(true);
      }
    }
  });

  it('rejects a wrong index, a flipped path hash, a short path and another root', async () => {
    const n = 13;
    const leaves = leavesOf(n);
    const root = mth(leaves, 0, n);
    const path = inclusionRanges(5, n).map(([lo, hi]) => mth(leaves, lo, hi));
    expect(await verifyInclusion(leaves[5]!, 6, n, path, root)).toBe(false);
    const flipped = path.map((p, i) => (i === 1 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
    expect(await verifyInclusion(leaves[5]!, 5, n, flipped, root)).toBe(false);
    expect(await verifyInclusion(leaves[5]!, 5, n, path.slice(1), root)).toBe(false);
    expect(await verifyInclusion(leaves[5]!, 5, n, path, mth(leaves, 0, n - 1))).toBe(false);
  });

  it('leaf hashes equal the server’s for the same bytes', async () => {
    const data = Buffer.from('{"a":1}');
    expect(bytesToHex(await leafHash(data))).toBe(nodeLeaf(data).toString('hex'));
  });
});

describe('browser canonical JSON', () => {
  it('writes the same text as the server for awkward values', () => {
    const values: unknown[] = [
      { b: 1, a: [true, null, 'x'], '€': 2, '\u0080': 3, é: { z: -0, y: 1e21, x: 1.5e-7 } },
      'quote " backslash \\ newline \n tab \t bell \u0007 emoji 😀',
      [0.1, 100, -5, 123456789012345680000],
    ];
    for (const v of values) expect(canonicalize(v)).toBe(serverCanonicalize(v));
  });

  it('hashes an envelope to the leaf the evidence log would append', async () => {
    const e: Envelope = {
      id: 'ev_01',
      workspace: 'ws_1',
      kind: 'resource.snapshot',
      source: 'okta',
      subject: 'user/ada@example.com',
      collectedAt: '2026-03-01T10:00:00.000Z',
      effectiveAt: '2026-03-01T09:59:00.000Z',
      contentHash: 'a'.repeat(64),
      attachments: [{ sha256: 'b'.repeat(64), size: 12, name: 'report "q1".pdf', mediaType: 'application/pdf' }],
    };
    const mine = await leafHash(new TextEncoder().encode(canonicalize(envelopeOf({ ...e, extra: 1 } as Envelope))));
    expect(bytesToHex(mine)).toBe(envelopeLeafHash(e as never).toString('hex'));
  });

  it('reports each step, and a content change fails the first', async () => {
    const content = { user: 'ada', mfa: true };
    const e: Envelope = {
      id: 'ev_2', workspace: 'w', kind: 'k', source: 's', subject: 'x',
      collectedAt: '2026-01-01T00:00:00.000Z', effectiveAt: '2026-01-01T00:00:00.000Z',
      contentHash: bytesToHex(await (await import('./merkle.ts')).sha256(serverCanonicalize(content))),
      attachments: [],
    };
    const leaves = [nodeLeaf(Buffer.from('zero')), envelopeLeafHash(e as never), nodeLeaf(Buffer.from('two'))];
    const root = mth(leaves, 0, 3);
    const proof = { leafIndex: 1, treeSize: 3, leafHash: leaves[1]!.toString('hex'), rootHash: root.toString('hex'), hashes: inclusionRanges(1, 3).map(([lo, hi]) => mth(leaves, lo, hi).toString('hex')) };
    expect((await verifyRecord(e, content, proof, undefined)).map((s) => s.ok)).toEqual([true, true, true]);
    expect((await verifyRecord(e, { ...content, mfa: false }, proof, undefined)).map((s) => s.ok)).toEqual([false, true, true]);
    expect((await verifyRecord({ ...e, subject: 'y' }, content, proof, undefined)).map((s) => s.ok)).toEqual([true, false, false]);
  });
});
