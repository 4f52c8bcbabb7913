-- The dashboard orders users by any column (issue #14); these serve the
-- orders a large organization cannot sort whole on every page: by last
-- activity and by email (creation order has its index since 0005). Role,
-- status and name orders sort the organization's users, or the few a
-- search matched.
CREATE INDEX users_org_last_active ON users (org_id, (COALESCE(last_active_at, 0)), id);
CREATE INDEX users_org_email ON users (org_id, email_key, id);
