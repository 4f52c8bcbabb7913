-- User search that stays fast at a million users (issue #12). A match of
-- the query at the start of users.search is a username prefix, found by a
-- range of users_org_sort in list order; every other match lies in the
-- rest of the text, search without its first character, which the trigram
-- index now holds. A prefix like "scim99" among a million scimNNNN users
-- then costs a page of index entries, not a walk of the list.
DROP TRIGGER users_search_insert;
DROP TRIGGER users_search_delete;
DROP TRIGGER users_search_update;
DROP TABLE users_search;

CREATE VIRTUAL TABLE users_search USING fts5(tail, content='', tokenize='trigram');
INSERT INTO users_search (rowid, tail) SELECT rowid, substr(search, 2) FROM users WHERE search <> '';

CREATE TRIGGER users_search_insert AFTER INSERT ON users WHEN new.search <> '' BEGIN
    INSERT INTO users_search (rowid, tail) VALUES (new.rowid, substr(new.search, 2));
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users WHEN old.search <> '' BEGIN
    INSERT INTO users_search (users_search, rowid, tail) VALUES ('delete', old.rowid, substr(old.search, 2));
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF search ON users WHEN old.search IS NOT new.search BEGIN
    INSERT INTO users_search (users_search, rowid, tail) SELECT 'delete', old.rowid, substr(old.search, 2) WHERE old.search <> '';
    INSERT INTO users_search (rowid, tail) SELECT new.rowid, substr(new.search, 2) WHERE new.search <> '';
END;
