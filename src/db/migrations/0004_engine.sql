-- The monitoring engine: sources and their health, collected inventory (resources) and events,
-- check results as state changes, findings and their history.

-- A configured source (declared in vigil.yaml or added through the API) and its health.
CREATE TABLE sources (
  workspace_id     text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name             text NOT NULL,
  type             text NOT NULL,
  schedule         text,
  enabled          boolean NOT NULL DEFAULT true,
  status           text NOT NULL DEFAULT 'never_run' CHECK (status IN ('never_run', 'ok', 'partial', 'failing')),
  last_run_at      timestamptz,
  last_success_at  timestamptz,
  last_error_at    timestamptz,
  last_error       text,
  last_error_tag   text,
  -- What the last run could not read: [{ what, message, kind: 'permission' | 'not_applicable' }]
  missing          jsonb NOT NULL DEFAULT '[]',
  -- Resource types and event streams this source's connector provides (for staleness).
  provides         text[] NOT NULL DEFAULT '{}',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, name)
);

-- One row per collection run, for history and the source-health timeline.
CREATE TABLE source_runs (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source        text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  status        text NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
  error         text,
  stats         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX source_runs_by_source ON source_runs (workspace_id, source, started_at DESC);

-- Current inventory: one row per (source, type, key), written only when its content changes.
CREATE TABLE resources (
  workspace_id   text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source         text NOT NULL,
  type           text NOT NULL,
  key            text NOT NULL,
  data           jsonb NOT NULL,
  data_hash      text NOT NULL,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  changed_at     timestamptz NOT NULL,
  deleted_at     timestamptz,
  -- The evidence record (resource.snapshot) of the collection that last saw it.
  evidence_id    text,
  PRIMARY KEY (workspace_id, source, type, key)
);
CREATE INDEX resources_by_type ON resources (workspace_id, type) WHERE deleted_at IS NULL;
CREATE INDEX resources_changed ON resources (workspace_id, type, changed_at);

-- Things that happened: append-only, de-duplicated by the provider's key.
CREATE TABLE events (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source        text NOT NULL,
  stream        text NOT NULL,
  key           text NOT NULL,
  occurred_at   timestamptz NOT NULL,
  collected_at  timestamptz NOT NULL,
  data          jsonb NOT NULL,
  evidence_id   text,
  PRIMARY KEY (workspace_id, source, stream, key)
);
CREATE INDEX events_by_time ON events (workspace_id, stream, occurred_at);

-- Where each incremental stream left off.
CREATE TABLE event_cursors (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source        text NOT NULL,
  stream        text NOT NULL,
  cursor        text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, source, stream)
);

-- Check results as state changes: a new row only when (status, reason) changes for a
-- (check, resource); valid_to is NULL for the current state. "Was this control passing on every
-- day of the period?" is an interval query over this table.
CREATE TABLE check_results (
  id            bigserial PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  check_id      text NOT NULL,
  resource      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'stale', 'not_applicable')),
  severity      text NOT NULL,
  reason        text NOT NULL,
  remediation   text,
  evidence      jsonb NOT NULL DEFAULT '[]',
  details       jsonb,
  valid_from    timestamptz NOT NULL,
  valid_to      timestamptz,
  judged_at     timestamptz NOT NULL,
  evidence_id   text
);
CREATE UNIQUE INDEX check_results_current ON check_results (workspace_id, check_id, resource) WHERE valid_to IS NULL;
CREATE INDEX check_results_history ON check_results (workspace_id, check_id, valid_from);

-- When each check last ran, over which inputs, and how it went as a whole.
CREATE TABLE check_runs (
  workspace_id   text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  check_id       text NOT NULL,
  last_run_at    timestamptz NOT NULL,
  inputs_version text,
  params_hash    text,
  status         text NOT NULL,
  error          text,
  PRIMARY KEY (workspace_id, check_id)
);

-- A failure that needs work: at most one open (not resolved) finding per (check, resource).
CREATE TABLE findings (
  id              text PRIMARY KEY,
  workspace_id    text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  check_id        text NOT NULL,
  resource        text NOT NULL,
  controls        text[] NOT NULL DEFAULT '{}',
  source          text,
  severity        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved', 'muted')),
  owner           text,
  title           text NOT NULL,
  reason          text NOT NULL,
  remediation     text,
  opened_at       timestamptz NOT NULL,
  due_at          timestamptz NOT NULL,
  resolved_at     timestamptz,
  reopened_count  integer NOT NULL DEFAULT 0,
  mute_reason     text,
  mute_approver   text,
  mute_expires_at timestamptz,
  alerted_at_risk timestamptz,
  alerted_breach  timestamptz,
  updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX findings_one_per_failure ON findings (workspace_id, check_id, resource);
CREATE INDEX findings_by_status ON findings (workspace_id, status, due_at);
CREATE INDEX findings_by_owner ON findings (workspace_id, owner, status);

CREATE TABLE finding_events (
  id           bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  finding_id   text NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  action       text NOT NULL,
  from_status  text,
  to_status    text,
  note         text,
  evidence_id  text
);
CREATE INDEX finding_events_by_finding ON finding_events (finding_id, at);
