-- Teams matched by an identity provider's group id or path as well as by
-- name (issue #16): Entra ID sends group object ids, Keycloak sends paths
-- such as /ml/vision. group_key is the folded value the groups claim is
-- matched against; one group may map to several teams.
CREATE TABLE team_idp_groups (
    team_id   TEXT NOT NULL REFERENCES teams(id),
    org_id    TEXT NOT NULL REFERENCES organizations(id),
    idp_group TEXT NOT NULL,
    group_key TEXT NOT NULL,
    PRIMARY KEY (team_id, group_key)
);
CREATE INDEX team_idp_groups_org_key ON team_idp_groups (org_id, group_key);
