-- Sources and alert channels added through the API (the dashboard) rather than vigil.yaml. Their
-- secrets are sealed with AES-256-GCM by the application before they reach this table (see
-- src/core/secret-box.ts); only the fields the connector or channel marks secret are sealed.
-- A source's health and history stay in `sources`, `source_runs`, `resources`, `events` and the
-- evidence log, keyed by name: deleting a row here stops collection and keeps all of that.

CREATE TABLE source_configs (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL,
  type          text NOT NULL,
  schedule      text,
  enabled       boolean NOT NULL DEFAULT true,
  -- The connector config as entered, each secret field a sealed string.
  config        jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Optional HTTP tuning, as `http:` in vigil.yaml.
  http          jsonb,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, name)
);

CREATE TABLE alert_channel_configs (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL,
  type          text NOT NULL CHECK (type IN ('webhook', 'slack', 'email')),
  -- The channel's settings as in alerts.channels, each secret field a sealed string.
  config        jsonb NOT NULL,
  -- Which alerts it receives: rules as in alerts.rules, without the channel name.
  rules         jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, name)
);
