-- People in several organizations (#18). A users row stays a person in
-- one organization (role, status, seat, teams, keys, SCIM id); the rows of
-- one person in several organizations share an account: account_id is
-- the id of the account's first row, NULL for a row that is an account of
-- its own (every row an instance had before). The rows of an account
-- share one password, which the store writes to all of them at once.
ALTER TABLE users ADD COLUMN account_id TEXT;
CREATE INDEX users_account ON users (account_id) WHERE account_id IS NOT NULL;
-- One membership per organization: an account has at most one row, not
-- removed, in each (the join takes the organization's lock; this holds
-- whatever path writes).
CREATE UNIQUE INDEX users_account_org ON users (account_id, org_id) WHERE account_id IS NOT NULL AND status <> 'removed';
