-- A customer's or partner's queue: their organisation's open cases in queue
-- order, read from one index instead of filtering the whole queue.
CREATE INDEX cases_org_queue ON cases (org_id, is_open, priority, plan_rank, sort_due, id);
