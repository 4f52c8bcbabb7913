package roster

import "time"

// JWTIssuer is an identity provider whose JWTs the organization accepts
// in exchange for access tokens (identity federation, issue 17).
type JWTIssuer struct {
	ID        string
	OrgID     string
	URL       string // the iss claim its JWTs carry
	CreatedBy string
	CreatedAt time.Time
}

// AccessToken is a short-lived credential exchanged for a JWT; only the
// hash of its secret is stored.
type AccessToken struct {
	ID          string
	OrgID       string
	PrincipalID string
	IssuerID    string
	Hash        []byte
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// AccessTokenLifetime is how long an exchanged access token works.
const AccessTokenLifetime = time.Hour

// JWTLeeway is the clock skew allowed on a JWT's exp, nbf and iat.
const JWTLeeway = time.Minute

// MaxFederatedSubjectLen bounds an external service account's subject.
const MaxFederatedSubjectLen = 255

// FederationAudience is the audience W&B's SDK documents besides the
// organization's name.
const FederationAudience = "wandb"
