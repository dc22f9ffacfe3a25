-- The workspace's controls: the built-in library plus controls as code (YAML), kept in step by
-- syncControls at start. A control links to framework requirements, each link direct or supporting.
CREATE TABLE controls (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id            text NOT NULL,
  title         text NOT NULL,
  description   text NOT NULL,
  area          text NOT NULL,
  owner_role    text NOT NULL,
  -- A named person or email beside the role; null until someone is named.
  owner         text,
  frequency     text NOT NULL CHECK (frequency IN ('continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'event-driven')),
  -- library: shipped with Vigil (possibly overridden by YAML); yaml: defined only in a YAML file.
  origin        text NOT NULL CHECK (origin IN ('library', 'yaml')),
  -- file:line of the YAML that defines or overrides the control; null for an untouched library control.
  defined_in    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX controls_by_area ON controls (workspace_id, area);

CREATE TABLE control_requirements (
  workspace_id    text NOT NULL,
  control_id      text NOT NULL,
  framework       text NOT NULL,
  requirement_id  text NOT NULL,
  strength        text NOT NULL CHECK (strength IN ('direct', 'supporting')),
  PRIMARY KEY (workspace_id, control_id, framework, requirement_id),
  FOREIGN KEY (workspace_id, control_id) REFERENCES controls (workspace_id, id) ON DELETE CASCADE
);
-- Coverage reads every link to one framework's requirements.
CREATE INDEX control_requirements_by_requirement ON control_requirements (workspace_id, framework, requirement_id);
