-- Settings changed through the API (the dashboard's Settings page) rather than vigil.yaml:
-- remediation SLAs per severity, the SLA-at-risk share, and check parameters. vigil.yaml stays the
-- base; a row here overrides one value of it for one workspace, and deleting the row falls back to
-- vigil.yaml (or the default). Each change is also a user.action evidence record with the values
-- before and after, so this table only holds what is in force now.
--
--   section          name          value
--   findings.sla     <severity>    an ISO 8601 duration, e.g. "P7D"
--   alerts           slaAtRisk     a number between 0 and 1 (exclusive)
--   checks.params    <check id>    an object: { <param>: <value>, … } (only the params overridden)

CREATE TABLE setting_overrides (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  section       text NOT NULL CHECK (section IN ('findings.sla', 'alerts', 'checks.params')),
  name          text NOT NULL,
  value         jsonb NOT NULL,
  -- Who made the change: the user's id (or "vigil" for a change made outside the API).
  updated_by    text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, section, name)
);
