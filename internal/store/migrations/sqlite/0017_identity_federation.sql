-- Identity federation (issue 17): the JWT issuers an organization admin
-- registered, the subjects of external service accounts, the access
-- tokens exchanged for JWTs (stored as hashes), and the jti of every
-- exchanged JWT until it expires, so that each is used once on every
-- process. Self-contained: it needs no migration after 0015.
CREATE TABLE jwt_issuers (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    url        TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, url)
);

CREATE TABLE federated_subjects (
    service_account_id TEXT PRIMARY KEY REFERENCES service_accounts(id),
    org_id             TEXT NOT NULL REFERENCES organizations(id),
    subject            TEXT NOT NULL,
    UNIQUE (org_id, subject)
);

CREATE TABLE access_tokens (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    principal_id TEXT NOT NULL,
    issuer_id    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX access_tokens_principal ON access_tokens (principal_id);
CREATE INDEX access_tokens_issuer ON access_tokens (issuer_id);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);

CREATE TABLE jwt_replays (
    issuer_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, jti)
);
CREATE INDEX jwt_replays_expiry ON jwt_replays (expires_at);
