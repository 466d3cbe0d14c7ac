-- Full-text search over cases and their replies: one row per subject and
-- description, and one per reply or note.
CREATE VIRTUAL TABLE case_search USING fts5 (
    body,
    case_id UNINDEXED,
    public UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
