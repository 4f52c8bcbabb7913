-- Emails compare by roster.CanonicalEmail (ASCII case folding of the local
-- part, IDNA A-label domain) rather than by Unicode lower-casing, which
-- maps look-alikes such as the Kelvin sign to ASCII letters. The keys are
-- recomputed by the same Go function right after this file runs
-- (internal/store/migrate_0009.go): users.email_key,
-- scim_users.user_name_key and scim_user_emails.email_key.
SELECT 1;
