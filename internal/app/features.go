package app

// Licensed features a use case may need (O14); RequireFeature checks them.
const (
	featureCustomRoles     = "custom_roles"
	featureViewerTeamRole  = "viewer_team_role"
	featureServiceAccounts = "service_accounts"
	featureSSO             = "sso"
	featureSCIM            = "scim"
)
