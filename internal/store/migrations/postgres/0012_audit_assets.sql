-- W&B's audit schema names the team and project by id beside their names
-- (entity_asset, project_asset), which anonymized reads keep, and the
-- status an API request was answered with (response_code). The index
-- serves the dashboard's filter by exact action.
ALTER TABLE audit_log ADD COLUMN entity_asset TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN project_asset TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN response_code INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_org_action_ts ON audit_log (org_id, action, ts, id);
