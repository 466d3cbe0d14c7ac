-- Version 9 rebuilds SQLite's full-text index; PostgreSQL's already matches
-- whole, stemmed words.
SELECT 1;
