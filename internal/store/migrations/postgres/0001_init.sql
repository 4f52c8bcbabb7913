-- Organizations, users, invites, sessions, API keys and the audit log.
-- Times are Unix microseconds (UTC) so both engines compare them alike.
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
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
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    last_active_at BIGINT
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
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX invites_user ON invites (user_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
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
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX api_keys_principal ON api_keys (principal_id);

CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        TEXT NOT NULL,
    ts            BIGINT NOT NULL,
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
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log entries cannot be changed or deleted';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
