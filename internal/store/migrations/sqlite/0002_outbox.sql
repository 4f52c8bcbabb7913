-- The mail outbox (E1-E2): use cases write a mail in the same transaction
-- as the change it tells about; workers send it after commit, retrying with
-- backoff. A worker claims a row by leasing it (lease_owner, lease_until),
-- so two workers never send the same mail at once. Times are Unix
-- microseconds (UTC). Bodies are erased once a mail is settled, so invite
-- links do not linger in the database.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    kind            TEXT NOT NULL,
    ref             TEXT NOT NULL DEFAULT '',
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'canceled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    reply           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER,
    sent_at         INTEGER,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     INTEGER
);
-- Due mail: only rows still waiting for an attempt are indexed.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX outbox_ref ON outbox (ref, created_at);
CREATE INDEX outbox_created ON outbox (created_at);
