-- Service accounts and API keys, projects (issue 14).
-- Service accounts join restricted projects beside users; the accounts
-- are never deleted as rows (deleted_at), so the reference holds.
CREATE TABLE project_service_accounts (
    project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    service_account_id TEXT NOT NULL REFERENCES service_accounts(id),
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (project_id, service_account_id)
);
CREATE INDEX project_service_accounts_sa ON project_service_accounts (service_account_id);

-- The organization setting that stops personal API key creation.
ALTER TABLE organizations ADD COLUMN disable_api_key_creation BOOLEAN NOT NULL DEFAULT FALSE;

-- The key inventory lists the organization's keys newest first.
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

-- The break-glass local admin of LOCAL_RESTORE=true: at most one user.
ALTER TABLE users ADD COLUMN local_restore BOOLEAN NOT NULL DEFAULT FALSE;

-- projects.visibility gains 'open' (Open scope: any organization member
-- reads and logs runs).
ALTER TABLE projects DROP CONSTRAINT IF EXISTS projects_visibility_check;
ALTER TABLE projects ADD CONSTRAINT projects_visibility_check CHECK (visibility IN ('team', 'restricted', 'public', 'open'));
