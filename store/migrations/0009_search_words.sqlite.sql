-- Search matches whole words, stemmed, as PostgreSQL's does, instead of
-- every word that begins with what was typed: a prefix made SQLite gather
-- and merge the entries of all such words for every search, which on a
-- million cases cost tens of milliseconds for a common word. The Porter
-- stemmer (English rules, applied alike to what is stored and what is
-- searched) lets "backups" find "backup". The index is rebuilt once here.
CREATE VIRTUAL TABLE case_search_words USING fts5 (
    body,
    case_id UNINDEXED,
    public UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO case_search_words (rowid, body, case_id, public) SELECT rowid, body, case_id, public FROM case_search;
DROP TABLE case_search;
ALTER TABLE case_search_words RENAME TO case_search;
INSERT INTO case_search (case_search, rank) VALUES ('automerge', 16);
INSERT INTO case_search (case_search) VALUES ('optimize');
