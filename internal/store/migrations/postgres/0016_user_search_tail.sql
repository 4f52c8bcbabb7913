-- User search that stays fast at a million users (issue #12). A match of
-- the query at the start of users.search is a username prefix, found by a
-- range of users_org_sort in list order; every other match lies in the
-- rest of the text, search without its first character, which the trigram
-- index now holds. A prefix like "scim99" among a million scimNNNN users
-- then costs a page of index entries, not a walk of the list.
DROP INDEX IF EXISTS users_search_trgm;
CREATE INDEX IF NOT EXISTS users_search_tail_trgm ON users USING gin ((substr(search, 2)) gin_trgm_ops);
