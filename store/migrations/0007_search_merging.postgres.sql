-- Version 7 tunes SQLite's full-text index; PostgreSQL's needs nothing.
SELECT 1;
