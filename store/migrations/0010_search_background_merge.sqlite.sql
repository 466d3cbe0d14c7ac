-- The search index no longer merges its segments inside the transactions
-- that write to it: casedesk serve merges them in short steps of their own
-- (store.MergeSearchIndex). A level is still merged at once should it ever
-- hold 16 segments.
INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0);
INSERT INTO case_search (case_search, rank) VALUES ('crisismerge', 16);
