-- FTS5 merges its index segments inside the transaction that crosses the
-- threshold, which made some case creations wait tens of milliseconds.
-- Merging 16 segments at a time instead of 4 makes merges rarer; searches
-- read a few more segments, which the load benchmark shows costs nothing
-- measurable.
INSERT INTO case_search (case_search, rank) VALUES ('automerge', 16);
