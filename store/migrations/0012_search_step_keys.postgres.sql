-- The index of version 11 finds a word's matches among the newest entries
-- with a range of steps, and GIN answers a range by first gathering every
-- entry of it into a bitmap sorted by place on disk. Once VACUUM has noted
-- the room left at the end of old pages, short new entries (most replies)
-- go there, so that the newest 20 000 entries lie on some 9 000 pages all
-- over the table: on a million cases building and sorting that bitmap was
-- about half of the 3.5 ms such a search took. This index holds each
-- entry's step as an element of an array, and a search asks for entries
-- whose array overlaps the list of the window's steps: each step is then a
-- key of its own, read in order with the word's, and nothing is sorted.
-- The same search takes 1.8 ms over 20 000 entries and 0.5 ms over 6 000
-- (1.2 ms before). A key per step costs each entry of the window a look at
-- every key, so the array also holds the entry's coarse step of 16 384
-- entries, negated so that it never equals a fine one, for windows too
-- wide for fine steps. Arrays and text search are built into PostgreSQL:
-- this index needs no extension, but version 11 still creates btree_gin.
CREATE INDEX case_search_steps ON case_search USING GIN (tsv, (ARRAY[id / 1024, -1 - id / 16384])) WITH (gin_pending_list_limit = 256);
DROP INDEX case_search_words;
