-- Version 10 tunes SQLite's full-text index; PostgreSQL's needs nothing.
SELECT 1;
