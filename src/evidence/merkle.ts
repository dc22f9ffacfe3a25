/**
 * RFC 9162 §2.1 Merkle tree hashing, proofs and proof verification: pure functions, no storage.
 *
 * The log stores the hash of every *complete* subtree: the node at (level, index) covers leaves
 * [index·2^level, (index+1)·2^level). Any hash the RFC's recursive definitions need — a root at an
 * older size, an inclusion path, a consistency path — is a range [lo, hi) of leaves, and every such
 * range splits into at most ~log2(n) complete subtrees. So a proof is: list the ranges, list their
 * complete subtrees (`rangeKeys`), read those nodes in one query, combine (`hashRange`).
 */
import { hash } from 'node:crypto';
import { VigilError } from '../lib/errors.ts';

export const HASH_BYTES = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const sha256 = (data: Uint8Array | string): Buffer => hash('sha256', data, 'buffer') as unknown as Buffer;

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT = sha256(Buffer.alloc(0));

export const leafHash = (data: Uint8Array): Buffer => sha256(Buffer.concat([LEAF_PREFIX, data]));

export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(Buffer.concat([NODE_PREFIX, left, right]));

export interface NodeKey {
  level: number;
  index: number;
}

export type Range = readonly [lo: number, hi: number];

/** The largest power of two strictly smaller than n (n ≥ 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** The complete subtrees whose hashes make up MTH(D[lo:hi]), left to right. */
export function rangeKeys(lo: number, hi: number): NodeKey[] {
  const keys: NodeKey[] = [];
  while (hi > lo) {
    const n = hi - lo;
    const size = isPowerOfTwo(n) ? n : splitPoint(n);
    if (lo % size !== 0) throw new VigilError('Internal', `range [${lo}, ${hi}) does not split into aligned subtrees`);
    keys.push({ level: Math.log2(size), index: lo / size });
    lo += size;
  }
  return keys;
}

/** MTH(D[lo:hi]) from the hashes of its complete subtrees. */
export function hashRange(lo: number, hi: number, node: (key: NodeKey) => Buffer): Buffer {
  const keys = rangeKeys(lo, hi);
  if (keys.length === 0) return EMPTY_ROOT;
  let h = node(keys[keys.length - 1]!);
  for (let i = keys.length - 2; i >= 0; i--) h = nodeHash(node(keys[i]!), h);
  return h;
}

/** The ranges whose hashes form the inclusion path of leaf m in a tree of size n (RFC 9162 §2.1.3.1), leaf first. */
export function inclusionRanges(m: number, n: number): Range[] {
  if (!(m >= 0 && m < n)) throw new VigilError('InvalidInput', `leaf ${m} is not in a tree of size ${n}`);
  const out: Range[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const size = hi - lo;
    if (size <= 1) return;
    const k = splitPoint(size);
    if (m < k) {
      walk(m, lo, lo + k);
      out.push([lo + k, hi]);
    } else {
      walk(m - k, lo + k, hi);
      out.push([lo, lo + k]);
    }
  };
  walk(m, 0, n);
  return out;
}

/** The ranges whose hashes form the consistency proof from size m to size n (RFC 9162 §2.1.4.1). */
export function consistencyRanges(m: number, n: number): Range[] {
  if (!(m >= 0 && m <= n)) throw new VigilError('InvalidInput', `cannot prove consistency from size ${m} to size ${n}`);
  if (m === 0 || m === n) return [];
  const out: Range[] = [];
  const sub = (m: number, lo: number, hi: number, complete: boolean): void => {
    const size = hi - lo;
    if (m === size) {
      if (!complete) out.push([lo, hi]);
      return;
    }
    const k = splitPoint(size);
    if (m <= k) {
      sub(m, lo, lo + k, complete);
      out.push([lo + k, hi]);
    } else {
      sub(m - k, lo + k, hi, false);
      out.push([lo, lo + k]);
    }
  };
  sub(m, 0, n, true);
  return out;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** RFC 9162 §2.1.3.2: does `path` prove that `leaf` is leaf `index` of the tree of `size` with `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, path: Uint8Array[], root: Uint8Array): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  if (leaf.length !== HASH_BYTES || root.length !== HASH_BYTES) return false;
  // Shifts are done with division: tree sizes can pass 2^31, where JavaScript's >> wraps.
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (p.length !== HASH_BYTES || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(r, root);
}

/** RFC 9162 §2.1.4.2: does `path` prove that the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, path: Uint8Array[]): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size1 <= size2)) return false;
  if (root1.length !== HASH_BYTES || root2.length !== HASH_BYTES) return false;
  // The RFC's algorithm covers 0 < size1 < size2; the two edge cases have empty proofs.
  if (size1 === size2) return path.length === 0 && eq(root1, root2);
  if (size1 === 0) return path.length === 0 && eq(root1, EMPTY_ROOT);
  if (path.length === 0 || path.some((p) => p.length !== HASH_BYTES)) return false;
  const proof = isPowerOfTwo(size1) ? [root1, ...path] : path;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = proof[0]!;
  let sr: Uint8Array = proof[0]!;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return eq(fr, root1) && eq(sr, root2) && sn === 0;
}

/**
 * The right edge of the tree: the roots of its complete subtrees, largest first — one per set bit
 * of the size. Appending a leaf merges equal-sized subtrees like a binary counter carries, which
 * yields exactly the new complete-subtree nodes to store. The root is the frontier folded right
 * to left. Memory is O(log n) whatever the size of the log.
 */
export class Frontier {
  size: number;
  readonly hashes: Buffer[];

  constructor(size = 0, hashes: Buffer[] = []) {
    if (hashes.length !== popcount(size)) {
      throw new VigilError('IntegrityError', `the log head is damaged: a tree of size ${size} needs ${popcount(size)} frontier hashes, found ${hashes.length}`);
    }
    this.size = size;
    this.hashes = hashes;
  }

  /** Append a leaf hash; `onNode` receives each new complete subtree of level ≥ 1. */
  push(leaf: Buffer, onNode?: (level: number, index: number, hash: Buffer) => void): void {
    let h = leaf;
    let level = 0;
    let n = this.size;
    // Each trailing 1 bit of the old size is a complete subtree that now gains its right sibling.
    while (n % 2 === 1) {
      h = nodeHash(this.hashes.pop()!, h);
      level++;
      n = Math.floor(n / 2);
      onNode?.(level, Math.floor(this.size / 2 ** level), h);
    }
    this.hashes.push(h);
    this.size++;
  }

  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i]!, r);
    return r;
  }

  /** The node keys of the frontier, in the same order as `hashes`. */
  static keys(size: number): NodeKey[] {
    return rangeKeys(0, size);
  }

  clone(): Frontier {
    return new Frontier(this.size, [...this.hashes]);
  }

  encode(): Buffer {
    return Buffer.concat(this.hashes);
  }

  static decode(size: number, bytes: Uint8Array): Frontier {
    const hashes: Buffer[] = [];
    for (let i = 0; i + HASH_BYTES <= bytes.length; i += HASH_BYTES) hashes.push(Buffer.from(bytes.subarray(i, i + HASH_BYTES)));
    if (hashes.length * HASH_BYTES !== bytes.length) throw new VigilError('IntegrityError', 'the log head is damaged: its frontier is not a whole number of hashes');
    return new Frontier(size, hashes);
  }
}

export function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n % 2;
    n = Math.floor(n / 2);
  }
  return c;
}
