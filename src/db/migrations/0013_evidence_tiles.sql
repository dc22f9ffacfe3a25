-- The evidence log's tree stored sparsely, in tiles (src/evidence/tiles.ts): only the hashes at
-- tree levels 0, 8, 16, … are kept, 256 consecutive hashes to a row. Tile (level L, idx i) holds
-- the hashes of the nodes at tree level 8·L with indexes [256·i, 256·i + 256), concatenated
-- (32 bytes each); the right-most tile of each level is partial and grows. Every other complete
-- subtree is the Merkle root of entries of one tile, so a proof still reads O(log n) hashes (about
-- one tile per 8 levels), while an append writes one row per 256 new hashes instead of one row per
-- node. Leaf hashes stay on evidence_records too: verification compares the two.
CREATE TABLE evidence_tiles (
  workspace_id  text NOT NULL,
  level         smallint NOT NULL CHECK (level >= 0),
  idx           bigint NOT NULL CHECK (idx >= 0),
  hashes        bytea NOT NULL CHECK (octet_length(hashes) BETWEEN 32 AND 8192 AND octet_length(hashes) % 32 = 0),
  PRIMARY KEY (workspace_id, level, idx)
);

-- Level-0 tiles from the leaf hashes, level-L tiles from the stored nodes of tree level 8·L.
INSERT INTO evidence_tiles (workspace_id, level, idx, hashes)
SELECT workspace_id, 0, leaf_index / 256, string_agg(leaf_hash, ''::bytea ORDER BY leaf_index)
FROM evidence_records
GROUP BY workspace_id, leaf_index / 256;

INSERT INTO evidence_tiles (workspace_id, level, idx, hashes)
SELECT workspace_id, level / 8, idx / 256, string_agg(hash, ''::bytea ORDER BY idx)
FROM evidence_nodes
WHERE level % 8 = 0
GROUP BY workspace_id, level / 8, idx / 256;

DROP TABLE evidence_nodes;

-- The cascade from a deleted log head (migration 0003), now over the tiles.
CREATE OR REPLACE FUNCTION evidence_delete_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM evidence_records WHERE workspace_id = OLD.workspace_id;
  DELETE FROM evidence_tiles WHERE workspace_id = OLD.workspace_id;
  RETURN OLD;
END
$$;
