-- The alert outbox: one row per (alert, channel). A row is written in the same transaction as the
-- change that raised the alert, so a finding and its alert commit (or roll back) together, and a
-- dispatcher sends it later — after a crash too, since the row outlives the process.
CREATE TABLE outbox_deliveries (
  -- Sent to receivers as Vigil-Delivery-Id: stable across retries so they can de-duplicate.
  id               text PRIMARY KEY,
  workspace_id     text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  -- "<kind>:<alert key>@<channel>": raising the same alert twice enqueues it once.
  idempotency_key  text NOT NULL,
  channel          text NOT NULL,
  channel_type     text NOT NULL CHECK (channel_type IN ('webhook', 'slack', 'email')),
  kind             text NOT NULL,
  -- The alert itself ({ kind, payload }); rendered per channel at send time, so no secret and no
  -- channel-specific format is stored.
  alert            jsonb NOT NULL,
  raised_at        timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  -- Attempts started (counted when claimed, so a sender that dies mid-send still uses one up).
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  -- While status = 'sending': until when the claim holds, and whose claim it is. A row whose
  -- lease expired is claimable again (its sender died).
  lease_until      timestamptz,
  lease_token      text,
  last_error       text,
  last_attempt_at  timestamptz,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, idempotency_key)
);
-- What a dispatcher scans: due pending rows, and sending rows whose lease may have expired.
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (workspace_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_leased ON outbox_deliveries (workspace_id, lease_until) WHERE status = 'sending';
CREATE INDEX outbox_deliveries_by_status ON outbox_deliveries (workspace_id, status, created_at DESC);
