-- A GIN index gathers new entries in a pending list that every search reads
-- in full until the list is merged, by VACUUM or once it passes 4 MB. Under a
-- steady stream of cases and replies the list is nearly always megabytes
-- long: on the load benchmark a search spent most of its time there. Entries
-- now go into the index as they are written, which costs each write a little
-- and keeps every search's cost bounded.
ALTER INDEX case_search_tsv SET (fastupdate = off);
SELECT gin_clean_pending_list('case_search_tsv');
