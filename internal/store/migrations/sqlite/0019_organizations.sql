-- Several organizations on one instance (#18). An organization gets a
-- name that follows the team-name rule and is unique per instance
-- case-insensitively (name_key, NULL once the organization is deleted, so
-- the name can be used again), a display name and a status: a suspended
-- organization refuses its members' sign-ins and keys; a deleted one is
-- kept (the audit log is append-only, L3) but answers as if it never was.
-- Instance admins create and manage organizations; the admins an existing
-- instance had are its instance admins, as they were in all but name.
ALTER TABLE organizations ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN name_key TEXT;
ALTER TABLE organizations ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'suspended', 'deleted'));
ALTER TABLE organizations ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE organizations SET name_key = lower(name), display_name = name;
CREATE UNIQUE INDEX organizations_name_key ON organizations (name_key);

ALTER TABLE users ADD COLUMN instance_admin INTEGER NOT NULL DEFAULT 0;
UPDATE users SET instance_admin = 1 WHERE org_id = 'org_default' AND role = 'admin' AND status = 'active';
