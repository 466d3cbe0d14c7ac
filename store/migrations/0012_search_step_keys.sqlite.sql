-- Version 12 changes PostgreSQL's full-text index; SQLite's needs nothing.
SELECT 1;
