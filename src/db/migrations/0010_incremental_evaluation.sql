-- Incremental evaluation: the instant from which a check's next run must re-judge changed rows.
-- A check that judges each resource on its own (scope 'resource') then re-judges only the rows
-- written (new, changed or deleted) at or after it, and keeps the current results of the others.
ALTER TABLE check_runs ADD COLUMN changes_since timestamptz;
