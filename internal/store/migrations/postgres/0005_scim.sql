-- SCIM (section 9): what identity providers keep on users and groups.
-- Times are Unix microseconds (UTC).

-- One row per user provisioned or touched through SCIM: the userName and
-- externalId as sent, and every other attribute the provider sent
-- (name parts, displayName, title, emails, phoneNumbers, addresses, the
-- enterprise extension...) as one JSON document.
CREATE TABLE scim_users (
    user_id       TEXT PRIMARY KEY REFERENCES users(id),
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    user_name     TEXT NOT NULL,
    user_name_key TEXT NOT NULL,
    external_id   TEXT,
    attributes    TEXT NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (org_id, user_name_key)
);
CREATE INDEX scim_users_external ON scim_users (org_id, external_id);

-- Every email address a provider sent for a user, folded, so that
-- emails filters are answered by an index.
CREATE TABLE scim_user_emails (
    user_id   TEXT NOT NULL REFERENCES users(id),
    org_id    TEXT NOT NULL,
    email_key TEXT NOT NULL,
    PRIMARY KEY (user_id, email_key)
);
CREATE INDEX scim_user_emails_key ON scim_user_emails (org_id, email_key);

-- The externalId a provider gave a group (a team).
CREATE TABLE scim_groups (
    team_id     TEXT PRIMARY KEY REFERENCES teams(id),
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    external_id TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX scim_groups_external ON scim_groups (org_id, external_id);

-- SCIM lists page by creation order, which new rows never disturb.
CREATE INDEX users_org_created ON users (org_id, created_at, id);
CREATE INDEX teams_org_created ON teams (org_id, created_at, id);
