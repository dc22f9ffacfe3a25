-- A per-workspace change counter, for answers the server computes once and serves until what they
-- show changes (the overview, src/server/queries/read-cache.ts). Every transaction that writes any
-- row the overview reads — current results, findings, sources, controls and their links, setting
-- overrides — adds one to its workspace's version when it commits. The server compares the version
-- before using a kept answer; an answer computed while a write committed is kept under the older
-- version, so it is computed again on the next request.
--
-- The counter is bumped by a deferred constraint trigger, so at commit, after every other statement
-- of the transaction: the row lock it takes is the last lock the transaction takes and is held only
-- while it commits, so writers never wait on it mid-transaction and no lock order can deadlock on
-- it. The trigger is per row (constraint triggers have no statement form); all but the first row of
-- a workspace in a transaction return at once, on a transaction-local setting.
CREATE TABLE workspace_changes (
  workspace_id  text PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  version       bigint NOT NULL
);

INSERT INTO workspace_changes (workspace_id, version) SELECT id, 1 FROM workspaces;

CREATE FUNCTION workspace_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws text;
  done text;
BEGIN
  IF TG_OP = 'DELETE' THEN ws := OLD.workspace_id; ELSE ws := NEW.workspace_id; END IF;
  done := coalesce(current_setting('vigil.changed_workspaces', true), '');
  IF position(' ' || ws || ' ' IN done) > 0 THEN RETURN NULL; END IF;
  PERFORM set_config('vigil.changed_workspaces', done || ' ' || ws || ' ', true);
  -- A workspace deleted in this transaction has nothing left to count.
  INSERT INTO workspace_changes AS w (workspace_id, version)
    SELECT ws, 1 WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = ws)
    ON CONFLICT (workspace_id) DO UPDATE SET version = w.version + 1;
  RETURN NULL;
END $$;

-- The tables whose rows the overview reads: <table>_changes on each.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['check_results', 'findings', 'sources', 'controls', 'control_requirements', 'setting_overrides'] LOOP
    EXECUTE format(
      'CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION workspace_changes_bump()',
      t || '_changes', t);
  END LOOP;
END $$;
