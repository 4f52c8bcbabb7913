-- Sessions an administrator can see on a user's page (#15 item 7): how
-- the session was opened, the browser that opened it, and when it was
-- last used (written at most once a minute). Older sessions show unknown.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
