-- Read models for the API with a year of history (measured by bench/api.ts): a control's timeline,
-- the overview's trend and a control's recent evidence must not read every state interval or every
-- evidence record of the period on each request.

-- How many closed result intervals (valid_to set) of each check touched each UTC day in each
-- status. An interval [valid_from, valid_to) touches the days from the one holding valid_from to
-- the one holding the last microsecond before valid_to (none when both are the same midnight),
-- exactly the days the timeline's rule counts it for. Open intervals (the current results) are not
-- here: they run up to "now", which moves without any write, so the timeline reads them from
-- check_results (the first valid_from of each check and status among its current rows, an index
-- probe each). The database keeps this table itself, in the same transaction as every write of
-- check_results (the statement triggers below), as it keeps check_result_counts (migration 0011).
-- Its size is checks × days × statuses, whatever the number of resources.
CREATE TABLE check_result_days (
  workspace_id  text NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  check_id      text NOT NULL,
  day           date NOT NULL,
  status        text NOT NULL,
  n             bigint NOT NULL,
  -- Status before day: a timeline reads each (check, status)'s days in order, without a sort.
  PRIMARY KEY (workspace_id, check_id, status, day)
);

-- The days a closed interval touches, as an offset series from its first day (UTC).
CREATE FUNCTION check_result_days_of(valid_from timestamptz, valid_to timestamptz) RETURNS SETOF date
  LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (valid_from AT TIME ZONE 'UTC')::date + i
  FROM generate_series(0, ((valid_to - interval '1 microsecond') AT TIME ZONE 'UTC')::date - (valid_from AT TIME ZONE 'UTC')::date) AS i
$$;

INSERT INTO check_result_days (workspace_id, check_id, day, status, n)
  SELECT r.workspace_id, r.check_id, d.day, r.status, count(*)
  FROM check_results r CROSS JOIN LATERAL check_result_days_of(r.valid_from, r.valid_to) AS d(day)
  WHERE r.valid_to IS NOT NULL
  GROUP BY 1, 2, 3, 4;

-- One function for the three triggers, as check_result_counts_apply. An update subtracts the old
-- closed intervals and adds the new ones (what nets to nothing writes nothing); a delete only
-- decrements, so deleting a workspace (whose rows here go by the same cascade) cannot
-- fail on a row that references it.
CREATE FUNCTION check_result_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO check_result_days AS c (workspace_id, check_id, day, status, n)
      SELECT r.workspace_id, r.check_id, d.day, r.status, count(*)
      FROM new_rows r CROSS JOIN LATERAL check_result_days_of(r.valid_from, r.valid_to) AS d(day)
      WHERE r.valid_to IS NOT NULL
      GROUP BY 1, 2, 3, 4
      ON CONFLICT (workspace_id, check_id, status, day) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Closing a current result (the engine's only update) subtracts nothing: its old row was open.
    INSERT INTO check_result_days AS c (workspace_id, check_id, day, status, n)
      SELECT x.workspace_id, x.check_id, d.day, x.status, sum(x.delta)
      FROM (
        SELECT workspace_id, check_id, status, valid_from, valid_to, 1 AS delta FROM new_rows WHERE valid_to IS NOT NULL
        UNION ALL
        SELECT workspace_id, check_id, status, valid_from, valid_to, -1 FROM old_rows WHERE valid_to IS NOT NULL
      ) AS x CROSS JOIN LATERAL check_result_days_of(x.valid_from, x.valid_to) AS d(day)
      GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0
      ON CONFLICT (workspace_id, check_id, status, day) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    UPDATE check_result_days AS c SET n = c.n - d.n
      FROM (
        SELECT r.workspace_id, r.check_id, d.day, r.status, count(*) AS n
        FROM old_rows r CROSS JOIN LATERAL check_result_days_of(r.valid_from, r.valid_to) AS d(day)
        WHERE r.valid_to IS NOT NULL
        GROUP BY 1, 2, 3, 4
      ) AS d
      WHERE c.workspace_id = d.workspace_id AND c.check_id = d.check_id AND c.day = d.day AND c.status = d.status;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER check_result_days_insert AFTER INSERT ON check_results
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_days_apply();
CREATE TRIGGER check_result_days_update AFTER UPDATE ON check_results
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_days_apply();
CREATE TRIGGER check_result_days_delete AFTER DELETE ON check_results
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION check_result_days_apply();

-- When each check's current results in each status began: the timeline's open intervals, one
-- index probe per (check, status) for the first valid_from.
CREATE INDEX check_results_current_since ON check_results (workspace_id, check_id, status, valid_from) WHERE valid_to IS NULL;

-- A control's recent evidence (GET /api/v1/controls/:id, /api/v1/evidence?control=…): the newest
-- check.result records of each of its checks, read backwards from the end of the log per check
-- instead of filtering every record of the workspace. Check ids never contain "/" (the check SDK's
-- id pattern), so the first part of the subject `<check>/<resource>` is the check.
CREATE INDEX evidence_records_by_check ON evidence_records (workspace_id, split_part(subject, '/', 1), leaf_index) WHERE kind = 'check.result';
