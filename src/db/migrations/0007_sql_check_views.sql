-- Views for checks written as SQL in YAML (checks as code). They show one workspace's rows: the
-- one named by the transaction-local setting vigil.workspace_id, which the SQL check runner sets.
CREATE VIEW vigil_resources AS
  SELECT r.source, r.type, r.key, r.data, r.first_seen_at, r.changed_at,
         coalesce(r.evidence_id, s.evidence_id) AS evidence_id
  FROM resources r
  LEFT JOIN resource_snapshots s ON s.workspace_id = r.workspace_id AND s.source = r.source AND s.type = r.type
  WHERE r.workspace_id = current_setting('vigil.workspace_id', true) AND r.deleted_at IS NULL;

CREATE VIEW vigil_events AS
  SELECT source, stream, key, occurred_at, data, evidence_id
  FROM events
  WHERE workspace_id = current_setting('vigil.workspace_id', true);
