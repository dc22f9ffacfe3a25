import { describe, expect, it } from 'vitest';
import { Frontier, hashRange, leafHash, rangeKeys, type NodeKey } from './merkle.ts';
import { TILE_HEIGHT, TileSet, entryLeaves, groupTileWrites, locate, tileId, tileLength, type TileWrite } from './tiles.ts';

// Every complete subtree of a tree of `size` leaves, as the frontier produces them, and the tiles
// written the way an append writes them (in batches of `batch` leaves, extending partial tiles).
function build(size: number, batch: number) {
  const all = new Map<string, Buffer>();
  const tiles = new Map<string, Buffer>();
  const writes: TileWrite[] = [];
  const f = new Frontier();
  for (let lo = 0; lo < size; lo += batch) {
    const entries: { level: number; index: number; hash: Buffer }[] = [];
    for (let i = lo; i < Math.min(lo + batch, size); i++) {
      const leaf = leafHash(Buffer.from(`leaf ${i}`));
      all.set(`0/${i}`, leaf);
      entries.push({ level: 0, index: i, hash: leaf });
      f.push(leaf, (level, index, hash) => {
        all.set(`${level}/${index}`, hash);
        if (level % TILE_HEIGHT === 0) entries.push({ level: level / TILE_HEIGHT, index, hash });
      });
    }
    for (const w of groupTileWrites(entries)) {
      writes.push(w);
      const id = tileId(w.tile);
      const before = tiles.get(id) ?? Buffer.alloc(0);
      // What the guarded SQL extension enforces: the write starts exactly where the tile ends.
      expect(before.length, `write to tile ${id}`).toBe(w.offset * 32);
      tiles.set(id, Buffer.concat([before, w.bytes]));
    }
  }
  return { all, tiles, writes, frontier: f };
}

describe('tiles', () => {
  it('locates a node in the tile of its level group, as the root of 2^(ℓ−8L) consecutive entries', () => {
    expect(locate({ level: 0, index: 700 })).toEqual({ tile: { level: 0, index: 2 }, offset: 188, width: 1 });
    expect(locate({ level: 3, index: 5 })).toEqual({ tile: { level: 0, index: 0 }, offset: 40, width: 8 });
    expect(locate({ level: 8, index: 257 })).toEqual({ tile: { level: 1, index: 1 }, offset: 1, width: 1 });
    expect(locate({ level: 15, index: 3 })).toEqual({ tile: { level: 1, index: 1 }, offset: 128, width: 128 });
    expect(locate({ level: 17, index: 1 })).toEqual({ tile: { level: 2, index: 0 }, offset: 2, width: 2 });
  });

  it('answers every complete subtree of a 70 000-leaf tree (three tile levels) from the tiles alone', () => {
    const size = 70_000;
    const { all, tiles } = build(size, 999);
    expect([...tiles.keys()].filter((k) => k.startsWith('2/'))).toEqual(['2/0']);
    expect(tiles.get('2/0')!.length).toBe(32);
    expect(tiles.get('1/0')!.length).toBe(256 * 32);
    expect(tiles.get('1/1')!.length).toBe((Math.floor(size / 256) - 256) * 32);
    expect(tiles.has('1/2')).toBe(false);
    const set = new TileSet(tiles);
    const wrong: string[] = [];
    let checked = 0;
    for (const [key, hash] of all) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      // Every node from level 5 up, and a sample of the many below.
      if (level < 5 && index % 31 !== 0) continue;
      checked++;
      if (!set.node({ level, index })?.equals(hash)) wrong.push(key);
    }
    expect(checked).toBeGreaterThan(5000);
    expect(wrong).toEqual([]);
  });

  it('stores exactly the hashes the tree size implies, tile by tile', () => {
    const size = 70_000;
    const { tiles } = build(size, 4093);
    for (const [id, bytes] of tiles) {
      const [level, index] = id.split('/').map(Number) as [number, number];
      expect(bytes.length / 32, id).toBe(tileLength(size, { level, index }));
    }
    expect(tileLength(size, { level: 0, index: 273 })).toBe(70_000 - 273 * 256);
    expect(tileLength(size, { level: 0, index: 274 })).toBe(0);
    expect(tileLength(size, { level: 3, index: 0 })).toBe(0);
  });

  it('gives every root and proof hash of older sizes the same as the full tree would', () => {
    const { all, tiles } = build(1500, 256);
    const set = new TileSet(tiles);
    const fromAll = (k: NodeKey) => all.get(`${k.level}/${k.index}`)!;
    const fromTiles = (k: NodeKey) => set.node(k)!;
    for (const [lo, hi] of [[0, 1500], [0, 1024], [512, 1499], [7, 8], [1024, 1500], [0, 1]] as const) {
      expect(hashRange(lo, hi, fromTiles), `[${lo}, ${hi})`).toEqual(hashRange(lo, hi, fromAll));
      expect(rangeKeys(lo, hi).every((k) => set.node(k) !== undefined)).toBe(true);
    }
  });

  it('has no answer for a node whose entries the tile does not hold', () => {
    const { tiles } = build(300, 300);
    const set = new TileSet(tiles);
    expect(set.node({ level: 0, index: 299 })).toBeDefined();
    expect(set.node({ level: 0, index: 300 })).toBeUndefined();
    expect(set.node({ level: 6, index: 0 })).toBeDefined();
    expect(set.node({ level: 6, index: 4 })).toBeUndefined(); // leaves 256–319: only 256–299 exist
    expect(set.node({ level: 8, index: 1 })).toBeUndefined();
  });

  it('groups new hashes into one write per tile, starting where the partial tile ends', () => {
    const h = (n: number) => Buffer.alloc(32, n);
    const writes = groupTileWrites([
      { level: 0, index: 254, hash: h(1) },
      { level: 0, index: 255, hash: h(2) },
      { level: 1, index: 0, hash: h(3) },
      { level: 0, index: 256, hash: h(4) },
    ]);
    expect(writes.map((w) => [tileId(w.tile), w.offset, w.bytes.length / 32])).toEqual([
      ['0/0', 254, 2],
      ['1/0', 0, 1],
      ['0/1', 0, 1],
    ]);
    expect(() => groupTileWrites([{ level: 0, index: 3, hash: h(1) }, { level: 0, index: 5, hash: h(2) }])).toThrow(/out of order at level 0: expected 4, got 5/);
  });

  it('names the leaves a tile entry covers', () => {
    expect(entryLeaves(0, 7)).toBe('leaf 7');
    expect(entryLeaves(1, 1)).toBe('leaves 256–511');
    expect(entryLeaves(2, 0)).toBe('leaves 0–65535');
  });
});
