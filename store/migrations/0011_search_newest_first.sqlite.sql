-- Version 11 indexes PostgreSQL's search entries by age too; SQLite's
-- full-text index already finds a word's entries newest first.
SELECT 1;
