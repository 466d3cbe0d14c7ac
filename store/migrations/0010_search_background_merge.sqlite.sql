-- The search index no longer merges its larger segments inside the
-- transactions that write to it: casedesk serve merges them in short steps
-- of their own (store.MergeSearchIndex) once a level holds 16 segments, so
-- that each entry is rewritten about log16(entries) times. A writer still
-- merges a level that reaches 64 segments: only the newest, smallest level
-- fills that fast, and merging it is cheap.
INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0);
INSERT INTO case_search (case_search, rank) VALUES ('usermerge', 16);
INSERT INTO case_search (case_search, rank) VALUES ('crisismerge', 64);
