import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  Frontier,
  consistencyRanges,
  hashRange,
  inclusionRanges,
  leafHash,
  verifyConsistency,
  verifyInclusion,
  type NodeKey,
} from './merkle.ts';

// A deliberately naive RFC 9162 tree, written from the RFC's recursive definitions and sharing no
// code with merkle.ts: every hash is recomputed from the leaves.
const h = (...parts: Uint8Array[]) => {
  const c = createHash('sha256');
  for (const p of parts) c.update(p);
  return c.digest();
};
const naiveLeaf = (d: Uint8Array) => h(Buffer.from([0]), d);
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return h(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function naivePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...naivePath(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...naivePath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
function naiveSubproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  if (m === leaves.length) return b ? [] : [mth(leaves)];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m <= k
    ? [...naiveSubproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))]
    : [...naiveSubproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}
const naiveConsistency = (m: number, leaves: Buffer[]) => (m === 0 || m === leaves.length ? [] : naiveSubproof(m, leaves, true));

// Node lookup for the production code, answered from the naive tree.
const lookup = (leaves: Buffer[]) => (k: NodeKey) => mth(leaves.slice(k.index * 2 ** k.level, (k.index + 1) * 2 ** k.level));
const proofFrom = (ranges: readonly (readonly [number, number])[], leaves: Buffer[]) =>
  ranges.map(([lo, hi]) => hashRange(lo, hi, lookup(leaves)));

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// Certificate Transparency's reference leaves and tree heads (RFC 6962/9162 hashing).
const CT_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 9162 Merkle tree', () => {
  const ctLeaves = CT_DATA.map(leafHash);

  it('gives the Certificate Transparency reference root for every size 0..8', () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    const f = new Frontier();
    expect(hex(f.root())).toBe(CT_ROOTS[0]);
    ctLeaves.forEach((leaf, i) => {
      f.push(leaf);
      expect(hex(f.root()), `size ${i + 1}`).toBe(CT_ROOTS[i + 1]);
    });
  });

  it('produces the reference inclusion proofs for leaves 0 and 5 of 8', () => {
    expect(proofFrom(inclusionRanges(0, 8), ctLeaves).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    const p5 = proofFrom(inclusionRanges(5, 8), ctLeaves);
    expect(p5.map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(verifyInclusion(ctLeaves[5]!, 5, 8, p5, unhex(CT_ROOTS[8]!))).toBe(true);
  });

  it('produces the reference consistency proofs 2→8, 6→8 and 2→5', () => {
    const cases: [number, number, string[]][] = [
      [2, 8, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [
        6,
        8,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    ];
    for (const [m, n, want] of cases) {
      const proof = proofFrom(consistencyRanges(m, n), ctLeaves.slice(0, n));
      expect(proof.map(hex), `${m}→${n}`).toEqual(want);
      expect(verifyConsistency(m, n, unhex(CT_ROOTS[m]!), unhex(CT_ROOTS[n]!), proof)).toBe(true);
    }
  });

  const leaves = Array.from({ length: 70 }, (_, i) => naiveLeaf(Buffer.from(`leaf ${i}`)));

  it('agrees with the naive tree on every root, node and inclusion proof for sizes 1..70, and rejects altered proofs', () => {
    const f = new Frontier();
    const stored = new Map<string, Buffer>();
    for (let n = 1; n <= leaves.length; n++) {
      f.push(leaves[n - 1]!, (level, index, hash) => stored.set(`${level}/${index}`, hash));
      const tree = leaves.slice(0, n);
      const root = mth(tree);
      expect(hex(f.root())).toBe(hex(root));
      for (let m = 0; m < n; m++) {
        const path = proofFrom(inclusionRanges(m, n), tree);
        expect(path.map(hex)).toEqual(naivePath(m, tree).map(hex));
        expect(verifyInclusion(tree[m]!, m, n, path, root)).toBe(true);
        expect(verifyInclusion(tree[(m + 1) % n]!, m, n, path, root) && n > 1).toBe(false);
        if (path.length) {
          const bent = path.map((p) => Buffer.from(p));
          bent[path.length - 1]![0]! ^= 1;
          expect(verifyInclusion(tree[m]!, m, n, bent, root)).toBe(false);
          expect(verifyInclusion(tree[m]!, m, n, path.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(tree[m]!, m, n, [...path, root], root)).toBe(false);
        }
      }
    }
    // Every complete subtree the frontier emitted is the naive hash of its leaves.
    for (const [key, hash] of stored) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      expect(hex(hash)).toBe(hex(lookup(leaves)({ level, index })));
    }
    expect(stored.size).toBe(leaves.length - 3); // 70 leaves = 64 + 4 + 2: 63 + 3 + 1 internal nodes
  });

  it('agrees with the naive tree on every consistency proof for sizes up to 40, and rejects altered ones', () => {
    for (let n = 1; n <= 40; n++) {
      const tree = leaves.slice(0, n);
      const rootN = mth(tree);
      for (let m = 0; m <= n; m++) {
        const rootM = mth(tree.slice(0, m));
        const proof = proofFrom(consistencyRanges(m, n), tree);
        expect(proof.map(hex), `${m}→${n}`).toEqual(naiveConsistency(m, tree).map(hex));
        expect(verifyConsistency(m, n, rootM, rootN, proof)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, rootN, rootN, proof)).toBe(false);
          expect(verifyConsistency(m, n, rootM, rootM, proof)).toBe(false);
          expect(verifyConsistency(m, n, rootM, rootN, proof.slice(1))).toBe(false);
          const bent = proof.map((p) => Buffer.from(p));
          bent[0]![5]! ^= 0x80;
          expect(verifyConsistency(m, n, rootM, rootN, bent)).toBe(false);
        }
      }
    }
    expect(verifyConsistency(3, 2, mth(leaves.slice(0, 3)), mth(leaves.slice(0, 2)), [])).toBe(false);
  });

  it('keeps the frontier across encode/decode, so an append after a restart continues the same tree', () => {
    const f = new Frontier();
    for (const l of leaves.slice(0, 37)) f.push(l);
    const g = Frontier.decode(37, f.encode());
    for (const l of leaves.slice(37)) g.push(l);
    expect(hex(g.root())).toBe(hex(mth(leaves)));
    expect(() => Frontier.decode(36, f.encode())).toThrow(/frontier hashes/);
  });
});
