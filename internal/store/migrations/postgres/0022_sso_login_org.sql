-- The organization an SSO sign-in asked for (#18): the sign-in page's
-- organization, carried from the start of the sign-in to its callback.
-- Empty when none was named: the identity's own organization, or the one
-- new users are provisioned into.
ALTER TABLE sso_logins ADD COLUMN organization TEXT NOT NULL DEFAULT '';
