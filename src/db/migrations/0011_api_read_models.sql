-- Read models for the API at scale (measured by bench/api.ts): the overview, a control's detail and
-- the framework coverage must not cost a scan of every current result on each request.

-- How many current results (valid_to IS NULL) each check has in each status. The database keeps it
-- itself, in the same transaction as every write of check_results (the statement triggers below),
-- so it can never disagree with the rows it counts, whoever writes them. Reading it costs the
-- number of checks, not the number of resources.
CREATE TABLE check_result_counts (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  check_id      text NOT NULL,
  status        text NOT NULL,
  n             bigint NOT NULL,
  PRIMARY KEY (workspace_id, check_id, status)
);

INSERT INTO check_result_counts (workspace_id, check_id, status, n)
  SELECT workspace_id, check_id, status, count(*) FROM check_results WHERE valid_to IS NULL GROUP BY 1, 2, 3;

-- One function for the three triggers (a trigger with transition tables has a single event).
-- A delete only decrements (never inserts), so deleting a workspace, whose rows here go by the
-- same cascade, cannot fail on a row that references it.
CREATE FUNCTION check_result_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO check_result_counts AS c (workspace_id, check_id, status, n)
      SELECT workspace_id, check_id, status, count(*) FROM new_rows WHERE valid_to IS NULL GROUP BY 1, 2, 3
      ON CONFLICT (workspace_id, check_id, status) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO check_result_counts AS c (workspace_id, check_id, status, n)
      SELECT workspace_id, check_id, status, sum(delta) FROM (
        SELECT workspace_id, check_id, status, 1 AS delta FROM new_rows WHERE valid_to IS NULL
        UNION ALL
        SELECT workspace_id, check_id, status, -1 FROM old_rows WHERE valid_to IS NULL
      ) AS d
      GROUP BY 1, 2, 3 HAVING sum(delta) <> 0
      ON CONFLICT (workspace_id, check_id, status) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    UPDATE check_result_counts AS c SET n = c.n - d.n
      FROM (SELECT workspace_id, check_id, status, count(*) AS n FROM old_rows WHERE valid_to IS NULL GROUP BY 1, 2, 3) AS d
      WHERE c.workspace_id = d.workspace_id AND c.check_id = d.check_id AND c.status = d.status;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER check_result_counts_insert AFTER INSERT ON check_results
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_counts_apply();
CREATE TRIGGER check_result_counts_update AFTER UPDATE ON check_results
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_counts_apply();
CREATE TRIGGER check_result_counts_delete AFTER DELETE ON check_results
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_counts_apply();

-- A control's failures first (GET /api/v1/controls/:id, /api/v1/results?status=…): the current
-- results of some checks in some statuses, without reading the passing ones.
CREATE INDEX check_results_current_by_status ON check_results (workspace_id, check_id, status, resource) WHERE valid_to IS NULL;
