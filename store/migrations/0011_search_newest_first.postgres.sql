-- A search for a common word ranks its newest matches (see searchPostgres).
-- Walking the newest entries until enough match reads every entry on the
-- way, most of them replies without the word: about 10 000 rows, 5-20 ms,
-- per search of a word in one case in twenty. This index holds, besides
-- the words, each entry's place in the order of writing in steps of 1 024
-- entries, so that one index scan finds the matches among the newest
-- entries alone: 1-2 ms for the same search on a million cases. Words and
-- steps in one GIN index need btree_gin, an extension shipped with
-- PostgreSQL (contrib) that a database owner may create; it goes into the
-- public schema, so that dropping the schema of one casedesk does not take
-- another's index with it. The old index is covered by the new one.
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;
CREATE INDEX case_search_words ON case_search USING GIN (tsv, (id / 1024)) WITH (gin_pending_list_limit = 256);
DROP INDEX case_search_tsv;
