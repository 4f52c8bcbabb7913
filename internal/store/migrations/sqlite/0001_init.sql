-- Organizations, users, invites, sessions, API keys and the audit log.
-- Times are Unix microseconds (UTC) so both engines compare them alike.
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO organizations (id, name, created_at) VALUES ('org_default', 'Roster', 0);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    username       TEXT NOT NULL DEFAULT '',
    username_key   TEXT UNIQUE,
    email          TEXT NOT NULL,
    email_key      TEXT UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    status         TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated', 'removed')),
    password_hash  TEXT NOT NULL DEFAULT '',
    sort_key       TEXT NOT NULL,
    search         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_active_at INTEGER
);
CREATE INDEX users_org_sort ON users (org_id, sort_key, id);
CREATE INDEX users_org_status_role ON users (org_id, status, role);

CREATE TABLE invites (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    inviter_id  TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX invites_user ON invites (user_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    principal_id   TEXT NOT NULL,
    name           TEXT NOT NULL,
    hint           TEXT NOT NULL,
    hash           TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER
);
CREATE INDEX api_keys_principal ON api_keys (principal_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id        TEXT NOT NULL,
    ts            INTEGER NOT NULL,
    action        TEXT NOT NULL,
    actor_user_id TEXT NOT NULL DEFAULT '',
    actor_email   TEXT NOT NULL DEFAULT '',
    actor_ip      TEXT NOT NULL DEFAULT '',
    user_asset    TEXT NOT NULL DEFAULT '',
    user_email    TEXT NOT NULL DEFAULT '',
    entity_name   TEXT NOT NULL DEFAULT '',
    project_name  TEXT NOT NULL DEFAULT '',
    via           TEXT NOT NULL,
    details       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_org_ts ON audit_log (org_id, ts, id);

-- L3: the audit log is append-only, whatever writes to the database.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be deleted'); END;
