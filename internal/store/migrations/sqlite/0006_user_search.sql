-- Substring search of the user list (O12) through a trigram index, so that
-- a query matching few users need not read every row. The index holds
-- users.search by rowid (external content); the triggers keep it in step.
CREATE VIRTUAL TABLE users_search USING fts5(search, content='users', content_rowid='rowid', tokenize='trigram');
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF search ON users WHEN old.search IS NOT new.search BEGIN
    INSERT INTO users_search (users_search, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO users_search (rowid, search) VALUES (new.rowid, new.search);
END;
