-- Access to Vigil: local users and their roles, sessions, API tokens, one-time links (first-admin
-- setup and invitations), sign-in attempts (rate limiting), and audit periods with the auditors
-- invited to each. Secrets are never stored: passwords as scrypt hashes, every token as SHA-256.

CREATE TABLE users (
  id               text PRIMARY KEY,
  workspace_id     text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  -- Lower-cased; matched against controls.owner to decide what a member may work on.
  email            text NOT NULL,
  name             text NOT NULL,
  role             text NOT NULL CHECK (role IN ('admin', 'member', 'auditor', 'viewer')),
  -- scrypt$<log2 N>$<r>$<p>$<salt>$<hash>; NULL until the user sets a password through a link.
  password_hash    text,
  disabled_at      timestamptz,
  last_sign_in_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, email)
);

CREATE TABLE sessions (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash    text NOT NULL UNIQUE,
  -- The double-submit CSRF token of this session, hashed: a cookie value set by anyone else fails.
  csrf_hash     text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  ip            text,
  user_agent    text
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  -- The first characters of the token, so a person can tell their tokens apart.
  prefix        text NOT NULL,
  scope         text NOT NULL CHECK (scope IN ('read', 'write')),
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_by_user ON api_tokens (workspace_id, user_id);

-- One-time links: `setup` lets the first admin choose a password (printed by `vigil start` while no
-- admin exists); `invite` lets an invited user (or one whose password was reset) choose theirs.
CREATE TABLE account_links (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  purpose       text NOT NULL CHECK (purpose IN ('setup', 'invite')),
  user_id       text REFERENCES users(id) ON DELETE CASCADE,
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz,
  created_by    text,
  CHECK ((purpose = 'setup') = (user_id IS NULL))
);

-- Recent sign-in attempts, for rate limiting per account and per address; kept for a day.
CREATE TABLE sign_in_attempts (
  id            bigserial PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  email         text NOT NULL,
  ip            text NOT NULL,
  at            timestamptz NOT NULL,
  ok            boolean NOT NULL
);
CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (workspace_id, email, at);
CREATE INDEX sign_in_attempts_by_ip ON sign_in_attempts (workspace_id, ip, at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (at);

-- An audit period (a Type II window, or a Type I date as a one-day window): auditors see only the
-- evidence, results and findings of the periods they are invited to.
CREATE TABLE audit_periods (
  id            text PRIMARY KEY,
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  created_by    text,
  created_at    timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX audit_periods_by_time ON audit_periods (workspace_id, starts_at);

CREATE TABLE audit_period_auditors (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  period_id     text NOT NULL REFERENCES audit_periods(id) ON DELETE CASCADE,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  invited_at    timestamptz NOT NULL,
  invited_by    text,
  PRIMARY KEY (period_id, user_id)
);
CREATE INDEX audit_period_auditors_by_user ON audit_period_auditors (user_id);

-- The findings work queue pages by due date (the default order) with the id as tie-breaker.
CREATE INDEX findings_by_due ON findings (workspace_id, due_at, id);
