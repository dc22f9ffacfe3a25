-- The latest complete collection of each resource type from each source: the evidence record
-- (resource.snapshot, with every row as an attachment) that checks name as what they judged.
CREATE TABLE resource_snapshots (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source        text NOT NULL,
  type          text NOT NULL,
  evidence_id   text NOT NULL,
  collected_at  timestamptz NOT NULL,
  rows          integer NOT NULL,
  complete      boolean NOT NULL,
  PRIMARY KEY (workspace_id, source, type)
);
