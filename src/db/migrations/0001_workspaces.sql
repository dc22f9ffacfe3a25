-- Tenants. Every other table references workspaces(id) with ON DELETE CASCADE.
CREATE TABLE workspaces (
  id          text PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
