-- Proof of email ownership (H2, M5). users.email_proven says that Roster
-- knows the account belongs to whoever owns its email address: the person
-- accepted an invite through its link (mailed, or handed over by an
-- organization admin), or the account was made by SCIM, by SSO or on the
-- server's command line. SSO links an identity by verified email only to a
-- proven account. Backfill: accounts linked to an SSO identity, managed by
-- SCIM, created on the command line, or whose accepted invite was mailed or
-- came from a current organization admin are proven; the rest (the first
-- sign-up, invites a team admin handed over) are not, until a later proof.
ALTER TABLE users ADD COLUMN email_proven BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET email_proven = TRUE WHERE
    id IN (SELECT user_id FROM sso_identities)
    OR id IN (SELECT user_id FROM scim_users)
    OR id IN (SELECT user_asset FROM audit_log WHERE action = 'user:create' AND via = 'cli')
    OR id IN (SELECT i.user_id FROM invites i WHERE i.accepted_at IS NOT NULL AND (
        EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'invite' AND o.ref = i.id AND o.status = 'sent')
        OR EXISTS (SELECT 1 FROM users a WHERE a.id = i.inviter_id AND a.role = 'admin' AND a.status = 'active')));

-- An invite a non-admin made without a mail sink has no usable link until
-- an organization admin resends it (its token_hash is of a token nobody
-- knows). Invite mails no longer keep their body: the mail worker mints the
-- link when it sends, so erase the links queued by older versions; such a
-- mail is rendered anew, with a new link, when it goes out.
ALTER TABLE invites ADD COLUMN awaiting_admin BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE outbox SET text_body = '', html_body = '' WHERE kind = 'invite';
