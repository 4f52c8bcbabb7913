package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"roster"
	"roster/internal/store"
)

// KeyQuery filters the organization's key inventory.
type KeyQuery struct {
	Query      string // substring of key name or owner, or a key's last four characters
	Kind       string // "user", "service_account" or ""
	Owner      string // an owner's id, username or service account name
	UnusedDays int    // >0: dormant keys, not used in this many days (never used: since created)
	Limit      int
	Cursor     string
}

// KeyPage is a page of the inventory.
type KeyPage struct {
	Keys       []store.OrgKey
	NextCursor string
}

// maxRevokeBatch bounds one bulk revocation.
const maxRevokeBatch = 500

// parse checks the query and makes the store's filter.
func (q KeyQuery) parse() (store.KeyFilter, error) {
	f := store.KeyFilter{Query: q.Query, Owner: q.Owner, Limit: q.Limit}
	switch q.Kind {
	case "", string(roster.KindUser), string(roster.KindServiceAccount):
		f.Kind = roster.PrincipalKind(q.Kind)
	default:
		return f, roster.Errorf(roster.EInvalid, "kind must be user or service_account, not %q", truncate(q.Kind, 32))
	}
	if err := roster.ValidateText("query", q.Query, 256); err != nil {
		return f, err
	}
	if err := roster.ValidateText("owner", q.Owner, 256); err != nil {
		return f, err
	}
	if q.UnusedDays < 0 || q.UnusedDays > 36500 {
		return f, roster.Errorf(roster.EInvalid, "unused_days must be 1 to 36500 days")
	}
	f.UnusedFor = time.Duration(q.UnusedDays) * 24 * time.Hour
	switch {
	case f.Limit == 0:
		f.Limit = 100
	case f.Limit < 1 || f.Limit > 500:
		return f, roster.Errorf(roster.EInvalid, "limit must be 1 to 500")
	}
	if q.Cursor != "" {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n < 0 {
			return f, roster.Errorf(roster.EInvalid, "cursor must be the next_cursor of the previous page")
		}
		f.Offset = n
	}
	return f, nil
}

// ListOrgAPIKeys lists every API key of the organization with its owner,
// newest first, filtered (organization admins only). Secrets are never
// stored, so none is shown.
func (s *Service) ListOrgAPIKeys(ctx context.Context, a roster.Actor, q KeyQuery) (*KeyPage, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	f, err := q.parse()
	if err != nil {
		return nil, err
	}
	page := &KeyPage{}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		keys, err := tx.ListOrgAPIKeys(ctx, orgID(a), f)
		if err != nil {
			return err
		}
		if len(keys) > f.Limit {
			keys, page.NextCursor = keys[:f.Limit], strconv.Itoa(f.Offset+f.Limit)
		}
		page.Keys = keys
		return nil
	})
	return page, err
}

// RevokeAPIKeys deletes keys of any owner in the organization (organization
// admins only), all or none, writing one audit entry per key. An unknown
// id refuses the whole batch, naming it.
func (s *Service) RevokeAPIKeys(ctx context.Context, a roster.Actor, ids []string) (int, error) {
	if err := requireAdmin(a); err != nil {
		return 0, err
	}
	if len(ids) == 0 || len(ids) > maxRevokeBatch {
		return 0, roster.Errorf(roster.EInvalid, "give 1 to %d key ids to revoke", maxRevokeBatch)
	}
	seen := map[string]bool{}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := revokeKey(ctx, tx, a, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("revoke api keys: %w", err)
	}
	return len(seen), nil
}

// revokeKey deletes one key of the organization and audits it against its
// owner.
func revokeKey(ctx context.Context, tx *store.Tx, a roster.Actor, id string) error {
	k, err := tx.APIKeyByID(ctx, orgID(a), id)
	if roster.IsNotFound(err) {
		return roster.Errorf(roster.ENotFound, "no API key %q in the organization; nothing was revoked", truncate(id, 64))
	} else if err != nil {
		return err
	}
	if err := tx.DeleteAPIKey(ctx, k.PrincipalID, k.ID); err != nil {
		return err
	}
	w, details := where{}, "key "+k.ID+" "+truncate(k.Name, 64)
	if u, err := tx.UserByID(ctx, k.OrgID, k.PrincipalID); err == nil {
		w.user = u
	} else if sa, err := tx.ServiceAccount(ctx, k.OrgID, k.PrincipalID); err == nil {
		w.team, details = sa.TeamName, saKeyDetails(sa, k)
	}
	return auditAt(ctx, tx, a, roster.ActAPIKeyRevoke, w, details)
}

// errKeyCreationDisabled says why a personal key was refused and who can
// change it.
func errKeyCreationDisabled() error {
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonAPIKeyCreationDisabled,
		"API key creation has been disabled by your organization administrator; an organization admin can turn it back on "+
			"(organization settings, \"Disable API key creation\"). You can still rename, delete and use existing API keys")
}

// KeyCreationDisabled reports whether personal API key creation is off.
func (s *Service) KeyCreationDisabled(ctx context.Context, a roster.Actor) (bool, error) {
	if err := requirePrincipal(a); err != nil && !isSystem(a) {
		return false, err
	}
	var off bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		off, err = tx.KeyCreationDisabled(ctx, orgID(a))
		return err
	})
	return off, err
}

// SetKeyCreationDisabled turns personal API key creation off or on
// (organization admins only). Existing keys keep working.
func (s *Service) SetKeyCreationDisabled(ctx context.Context, a roster.Actor, off bool) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.SetKeyCreationDisabled(ctx, orgID(a), off); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActOrgUpdateSettings, where{}, "disable_api_key_creation "+strconv.FormatBool(off))
	})
}
