-- A finding's owner is an email address (or a team alias), matched without regard to case: the
-- work queue's owner filter, "my findings" and `vigil findings --owner` all compare lower(owner).
-- The index of 0004 was on owner as written, which no such filter can use, so a person's queue
-- was a scan of every finding the workspace ever had. This one leads with the same workspace and
-- lower-cased owner, then status and due date (the queue's default order), so an owner's open or
-- acknowledged findings come out of one index range in due order.
DROP INDEX findings_by_owner;
CREATE INDEX findings_by_owner ON findings (workspace_id, lower(owner), status, due_at);
