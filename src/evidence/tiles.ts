/**
 * Sparse storage of the Merkle tree in tiles (the layout of tlog tiles, C2SP tlog-tiles): only the
 * hashes at tree levels 0, 8, 16, … are stored, 256 consecutive hashes to a tile. Tile (L, i) holds
 * the hashes of the nodes at level 8·L with indexes [256·i, 256·i + 256), concatenated, 32 bytes
 * each; the right-most tile of each level is partial and grows as the log does.
 *
 * Any complete subtree (ℓ, j) with 8·L ≤ ℓ < 8·L + 8 is the Merkle root of tile-L entries
 * [j·2^(ℓ−8L), (j+1)·2^(ℓ−8L)) — all in one tile — so a proof reads at most about one tile per 8
 * levels, and an append writes one row per 256 new hashes instead of one row per node.
 * Pure functions here; SQL in store.ts.
 */
import { VigilError } from '../lib/errors.ts';
import { HASH_BYTES, nodeHash, type NodeKey } from './merkle.ts';

/** Hashes per full tile. */
export const TILE_WIDTH = 256;
/** Tree levels per tile level: log2(TILE_WIDTH). */
export const TILE_HEIGHT = 8;

export interface TileKey {
  /** Tile level L: the tile holds nodes of tree level 8·L. */
  level: number;
  index: number;
}

export const tileId = (t: TileKey) => `${t.level}/${t.index}`;

/** Where node (ℓ, j) lives: its tile, and the entries [offset, offset + width) it is the root of. */
export function locate(k: NodeKey): { tile: TileKey; offset: number; width: number } {
  const level = Math.floor(k.level / TILE_HEIGHT);
  const width = 2 ** (k.level - level * TILE_HEIGHT);
  const first = k.index * width;
  return { tile: { level, index: Math.floor(first / TILE_WIDTH) }, offset: first % TILE_WIDTH, width };
}

/** How many hashes a tree of `size` leaves has at tile level L (complete nodes of level 8·L). */
export const entriesAt = (size: number, level: number): number => Math.floor(size / TILE_WIDTH ** level);

/** How many entries tile (L, i) holds in a tree of `size` leaves (0: the tile should not exist). */
export function tileLength(size: number, t: TileKey): number {
  return Math.max(0, Math.min(TILE_WIDTH, entriesAt(size, t.level) - t.index * TILE_WIDTH));
}

/** The leaves a tile entry (L, j) covers, for messages: "leaves a–b" or "leaf a". */
export function entryLeaves(level: number, entry: number): string {
  const span = TILE_WIDTH ** level;
  const first = entry * span;
  return span === 1 ? `leaf ${first}` : `leaves ${first}–${first + span - 1}`;
}

/**
 * New hashes at tile levels grouped into tile writes: for each tile touched, the offset of the
 * first new entry (0: a new tile) and the bytes to add. `entries` must be in order per level.
 */
export interface TileWrite {
  tile: TileKey;
  offset: number;
  bytes: Buffer;
}

export function groupTileWrites(entries: { level: number; index: number; hash: Buffer }[]): TileWrite[] {
  const out: TileWrite[] = [];
  const open = new Map<string, { tile: TileKey; offset: number; next: number; parts: Buffer[] }>();
  for (const e of entries) {
    const tile = { level: e.level, index: Math.floor(e.index / TILE_WIDTH) };
    const id = tileId(tile);
    let w = open.get(id);
    if (!w) {
      w = { tile, offset: e.index % TILE_WIDTH, next: e.index, parts: [] };
      open.set(id, w);
    }
    if (e.index !== w.next) throw new VigilError('Internal', `tile entries out of order at level ${e.level}: expected ${w.next}, got ${e.index}`);
    w.parts.push(e.hash);
    w.next++;
  }
  for (const w of open.values()) out.push({ tile: w.tile, offset: w.offset, bytes: Buffer.concat(w.parts) });
  return out;
}

/**
 * Tiles read from storage, answering node hashes. Inner nodes are computed from the tile entries
 * and remembered, so the proofs of neighbouring records (which share most nodes) cost one hash per
 * distinct node. Returns undefined for a node whose entries the stored tile does not have.
 */
export class TileSet {
  private readonly tiles: Map<string, Buffer>;
  private readonly memo = new Map<string, Buffer>();

  constructor(tiles: Map<string, Buffer>) {
    this.tiles = tiles;
  }

  tile(t: TileKey): Buffer | undefined {
    return this.tiles.get(tileId(t));
  }

  node(k: NodeKey): Buffer | undefined {
    const { tile, offset, width } = locate(k);
    const bytes = this.tiles.get(tileId(tile));
    if (!bytes || bytes.length % HASH_BYTES !== 0 || (offset + width) * HASH_BYTES > bytes.length) return undefined;
    return this.subtree(tile, bytes, offset, width);
  }

  private subtree(tile: TileKey, bytes: Buffer, offset: number, width: number): Buffer {
    if (width === 1) return bytes.subarray(offset * HASH_BYTES, (offset + 1) * HASH_BYTES);
    const id = `${tile.level}/${tile.index}/${offset}/${width}`;
    let h = this.memo.get(id);
    if (!h) {
      const half = width / 2;
      h = nodeHash(this.subtree(tile, bytes, offset, half), this.subtree(tile, bytes, offset + half, half));
      this.memo.set(id, h);
    }
    return h;
  }
}

/** The tiles holding the given nodes, de-duplicated. */
export function tilesFor(keys: NodeKey[]): TileKey[] {
  const out = new Map<string, TileKey>();
  for (const k of keys) {
    const { tile } = locate(k);
    out.set(tileId(tile), tile);
  }
  return [...out.values()];
}
