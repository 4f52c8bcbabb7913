-- Teams, memberships, custom roles, service accounts, projects and runs.
ALTER TABLE organizations ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';

CREATE TABLE custom_roles (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    base        TEXT NOT NULL CHECK (base IN ('member', 'viewer')),
    permissions TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (org_id, name_key)
);

CREATE TABLE teams (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations(id),
    name                  TEXT NOT NULL,
    name_key              TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    display_key           TEXT NOT NULL,
    storage               TEXT NOT NULL,
    settings              TEXT NOT NULL DEFAULT '{}',
    alerts                TEXT NOT NULL DEFAULT '{}',
    created_by            TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    archived_at           BIGINT,
    UNIQUE (org_id, name_key)
);
CREATE INDEX teams_display ON teams (org_id, display_key);

CREATE TABLE team_avatars (
    team_id      TEXT PRIMARY KEY REFERENCES teams(id),
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE service_accounts (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    team_id         TEXT REFERENCES teams(id),
    default_team_id TEXT REFERENCES teams(id),
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX service_accounts_team ON service_accounts (team_id);

CREATE TABLE team_members (
    team_id        TEXT NOT NULL REFERENCES teams(id),
    principal_id   TEXT NOT NULL,
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'service_account')),
    role           TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer', 'service', 'custom')),
    custom_role_id TEXT REFERENCES custom_roles(id),
    via_group      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (team_id, principal_id),
    CHECK ((role = 'custom') = (custom_role_id IS NOT NULL))
);
CREATE INDEX team_members_principal ON team_members (principal_id);
CREATE INDEX team_members_custom_role ON team_members (custom_role_id);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    team_id     TEXT NOT NULL REFERENCES teams(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL CHECK (visibility IN ('team', 'restricted', 'public')),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (team_id, name_key)
);

CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    team_id     TEXT NOT NULL REFERENCES teams(id),
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('running', 'finished', 'crashed', 'stopped')),
    config      TEXT NOT NULL DEFAULT '{}',
    summary     TEXT NOT NULL DEFAULT '{}',
    creator_id  TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX runs_project ON runs (project_id, created_at);
CREATE INDEX runs_team_created ON runs (team_id, created_at);

-- Run events that alerts (T9) deliver: written with the state change.
CREATE TABLE run_events (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    team_id    TEXT NOT NULL REFERENCES teams(id),
    run_id     TEXT NOT NULL,
    event      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    handled_at BIGINT
);
