-- Version 8 tunes PostgreSQL's full-text index; SQLite's needs nothing.
SELECT 1;
