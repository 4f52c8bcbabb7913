-- Service accounts and API keys, projects (issue 14).
-- Service accounts join restricted projects beside users; the accounts
-- are never deleted as rows (deleted_at), so the reference holds.
CREATE TABLE project_service_accounts (
    project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    service_account_id TEXT NOT NULL REFERENCES service_accounts(id),
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (project_id, service_account_id)
);
CREATE INDEX project_service_accounts_sa ON project_service_accounts (service_account_id);

-- The organization setting that stops personal API key creation.
ALTER TABLE organizations ADD COLUMN disable_api_key_creation INTEGER NOT NULL DEFAULT 0;

-- The key inventory lists the organization's keys newest first.
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

-- The break-glass local admin of LOCAL_RESTORE=true: at most one user.
ALTER TABLE users ADD COLUMN local_restore INTEGER NOT NULL DEFAULT 0;

-- projects.visibility gains 'open': SQLite cannot change a CHECK without
-- rebuilding the table (which would cascade into runs), so the Go step of
-- this migration widens the CHECK in the stored schema (a relaxation,
-- which SQLite documents as safe through writable_schema).
