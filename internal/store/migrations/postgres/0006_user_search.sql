-- Substring search of the user list (O12) through a trigram index, so that
-- a query matching few users need not read every row. pg_trgm ships with
-- PostgreSQL and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_trgm ON users USING gin (search gin_trgm_ops);
