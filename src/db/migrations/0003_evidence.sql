-- The evidence log (src/evidence): one append-only Merkle tree per workspace (RFC 9162 hashing).

-- The head of each workspace's log. Appends lock this row (SELECT … FOR UPDATE), so appends to one
-- log are serialised across processes; the frontier (the roots of the complete subtrees on the
-- right edge, largest first, 32 bytes each) lets an append compute new nodes without reading any.
CREATE TABLE evidence_log_heads (
  workspace_id  text PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  tree_size     bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  frontier      bytea NOT NULL DEFAULT ''::bytea,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per leaf. The leaf data is the RFC 8785 canonical JSON of the envelope, rebuilt from
-- these columns (id, workspace, kind, source, subject, times, content hash, attachments), so the
-- columns themselves are what the leaf hash commits to. Content is the canonical JSON text,
-- exactly as hashed; NULL once retention expired it (the leaf hash and metadata stay).
CREATE TABLE evidence_records (
  workspace_id  text NOT NULL,
  leaf_index    bigint NOT NULL CHECK (leaf_index >= 0),
  id            text NOT NULL UNIQUE,
  kind          text NOT NULL,
  source        text NOT NULL,
  subject       text NOT NULL,
  collected_at  timestamptz NOT NULL,
  effective_at  timestamptz NOT NULL,
  content_hash  bytea NOT NULL,
  content       text,
  -- [{ sha256, size, name, mediaType }] in envelope order
  attachments   jsonb NOT NULL DEFAULT '[]',
  leaf_hash     bytea NOT NULL,
  expired_at    timestamptz,
  PRIMARY KEY (workspace_id, leaf_index)
);
CREATE INDEX evidence_records_effective_idx ON evidence_records (workspace_id, effective_at);
CREATE INDEX evidence_records_subject_idx ON evidence_records (workspace_id, subject);
-- Retention looks only at records that still have content.
CREATE INDEX evidence_records_live_idx ON evidence_records (workspace_id, effective_at) WHERE expired_at IS NULL;

-- Hashes of complete subtrees above the leaves: the node at (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Leaf hashes (level 0) live in evidence_records.
CREATE TABLE evidence_nodes (
  workspace_id  text NOT NULL,
  level         smallint NOT NULL CHECK (level > 0),
  idx           bigint NOT NULL CHECK (idx >= 0),
  hash          bytea NOT NULL,
  PRIMARY KEY (workspace_id, level, idx)
);

-- evidence_records and evidence_nodes carry no foreign key: a per-row check would cost an append
-- a third of its speed, and the head already guarantees the workspace (every append locks the
-- head row, which references workspaces). Deleting a workspace deletes its head, and this trigger
-- deletes the head's records and nodes: the same cascade, paid once at deletion.
CREATE FUNCTION evidence_delete_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM evidence_records WHERE workspace_id = OLD.workspace_id;
  DELETE FROM evidence_nodes WHERE workspace_id = OLD.workspace_id;
  RETURN OLD;
END
$$;
CREATE TRIGGER evidence_log_heads_delete AFTER DELETE ON evidence_log_heads FOR EACH ROW EXECUTE FUNCTION evidence_delete_log();

-- Signed checkpoints (C2SP signed-note checkpoint text). record_id is the `checkpoint` record that
-- logs this checkpoint into the log itself, at leaf tree_size.
CREATE TABLE evidence_checkpoints (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  tree_size     bigint NOT NULL CHECK (tree_size >= 0),
  root_hash     bytea NOT NULL,
  signed_at     timestamptz NOT NULL,
  note          text NOT NULL,
  record_id     text,
  -- Delivery to each configured witness: [{ witness, ok, attempts, error?, at }]
  witnesses     jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_checkpoints_size_idx ON evidence_checkpoints (workspace_id, tree_size);
CREATE INDEX evidence_checkpoints_time_idx ON evidence_checkpoints (workspace_id, signed_at);

-- Which live records use which blob, so retention deletes a blob only when nothing uses it any more.
CREATE TABLE evidence_blob_refs (
  sha256        text NOT NULL,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  record_id     text NOT NULL,
  PRIMARY KEY (sha256, workspace_id, record_id)
);
CREATE INDEX evidence_blob_refs_record_idx ON evidence_blob_refs (workspace_id, record_id);

-- Blobs whose last use expired, waiting out a grace period before deletion: an append that stored
-- the same bytes a moment ago may not have committed its use yet.
CREATE TABLE evidence_blob_releases (
  sha256       text PRIMARY KEY,
  released_at  timestamptz NOT NULL
);
