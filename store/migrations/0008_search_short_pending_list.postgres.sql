-- A GIN index gathers new entries in a pending list that every search reads
-- in full until the list is merged into the index, by VACUUM or by the
-- write that takes it past gin_pending_list_limit (4 MB by default). Under a
-- steady stream of cases and replies the list was nearly always megabytes
-- long: on the load benchmark a search spent most of its time there. A
-- 256 kB list keeps that read short, and new entries still go into the
-- index in batches, which costs writes less than one at a time. On the
-- 100k-case benchmark, against the 4 MB default: creations 391 -> 452/s,
-- common-word searches 129 -> 176/s, error-code searches 122 -> 339/s; with
-- no pending list at all, searches were a little faster again but
-- creations fell to 351/s.
ALTER INDEX case_search_tsv SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list('case_search_tsv');
