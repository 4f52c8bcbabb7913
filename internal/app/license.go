package app

import (
	"context"
	"fmt"
	"time"

	"roster"
	"roster/internal/license"
	"roster/internal/store"
)

// License statuses (O14): only a valid license limits seats and features.
const (
	LicenseNone    = "none"
	LicenseValid   = "valid"
	LicenseExpired = "expired"
	LicenseInvalid = "invalid"
)

// licenseState is the configured license, verified once at start-up; its
// expiry is checked on every use.
type licenseState struct {
	lic *license.License // nil when none is configured or it failed to verify
	err error            // why a configured license failed to verify
}

// loadLicense verifies the configured document; failures become state,
// since a bad license is reported and treated as absent (O14).
func loadLicense(doc, publicKey string) licenseState {
	if doc == "" {
		return licenseState{}
	}
	if publicKey == "" {
		return licenseState{err: license.ErrNoPublicKey}
	}
	pub, err := license.ParsePublicKey(publicKey)
	if err != nil {
		return licenseState{err: fmt.Errorf("ROSTER_LICENSE_PUBLIC_KEY: %w", err)}
	}
	l, err := license.Parse(doc, pub)
	return licenseState{lic: l, err: err}
}

// LicenseStatus tells whether the configured license is in force at now.
type LicenseStatus struct {
	Status  string           // none, valid, expired or invalid
	Reason  string           // why an expired or invalid license is ignored
	License *license.License // the license's content; nil when none or invalid
}

// LicenseStatusAt reports the configured license's status at now, for the
// start-up log and the license page.
func (s *Service) LicenseStatusAt(now time.Time) LicenseStatus {
	switch l := s.license; {
	case l.err != nil:
		return LicenseStatus{Status: LicenseInvalid, Reason: l.err.Error()}
	case l.lic == nil:
		return LicenseStatus{Status: LicenseNone}
	case l.lic.Expired(now):
		return LicenseStatus{Status: LicenseExpired, License: l.lic,
			Reason: fmt.Sprintf("%v on %s", license.ErrExpired, l.lic.Expires)}
	}
	return LicenseStatus{Status: LicenseValid, License: s.license.lic}
}

// activeLicense is the license in force at now, or nil: without one there
// is no seat limit and every feature is on.
func (s *Service) activeLicense(now time.Time) *license.License {
	if st := s.LicenseStatusAt(now); st.Status == LicenseValid {
		return st.License
	}
	return nil
}

// RequireFeature refuses with feature_not_licensed when a license is in
// force that does not list the feature (O14).
func (s *Service) RequireFeature(name string) error {
	l := s.activeLicense(s.db.Now())
	if l == nil {
		return nil
	}
	f, err := license.ParseFeature(name)
	if err != nil {
		return fmt.Errorf("require feature: %w", err)
	}
	if !l.Has(f) {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonFeatureNotLicensed,
			"the license of %s does not include %s (%s); ask for a license with it, or choose another option", l.Licensee, f.Label(), f)
	}
	return nil
}

// FeatureRefusal says in people's words why the license in force refuses
// feature f, as RequireFeature would, or "" when f is on; pages disable
// the options that need it with this reason instead of offering them.
func (s *Service) FeatureRefusal(f license.Feature) string {
	if err := s.RequireFeature(string(f)); err != nil {
		return roster.ErrorMessage(err)
	}
	return ""
}

// ReserveSeat makes the transaction take one more seat in org (O13),
// refused at commit when the license's limit is reached. Every path that
// creates a user holding a seat or makes one hold a seat again calls it in
// its transaction, and every path that frees one calls freeSeat, so that
// the organization's seat counter stays the number of seat holders. The
// counter is written last with a conditional update (store.AddSeatHolders):
// no organization lock, and with no seat limit no wait beyond a commit.
func (s *Service) ReserveSeat(ctx context.Context, tx *store.Tx, org string) error {
	limit := 0
	if l := s.activeLicense(tx.Now()); l != nil {
		limit = l.Seats
	}
	tx.AddSeatHolders(org, 1, limit, func(used int) error {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonSeatLimitReached,
			"seat limit reached (%d of %d used); deactivate or remove a user, or revoke an invite, to free one", used, limit)
	})
	return nil
}

// freeSeat makes the transaction give back the seat of a user who stops
// holding one (deactivated, removed, invite revoked).
func freeSeat(tx *store.Tx, org string) { tx.AddSeatHolders(org, -1, 0, nil) }

// LicenseInfo is the license page: status, seats and features (O14, O15).
type LicenseInfo struct {
	LicenseStatus
	SeatLimit int // 0 when unlimited
	SeatsUsed int
	Features  []license.Feature // the features on now
}

// License shows the license and the seat count to admins.
func (s *Service) License(ctx context.Context, a roster.Actor) (*LicenseInfo, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var info LicenseInfo
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		info.LicenseStatus = s.LicenseStatusAt(tx.Now())
		var err error
		info.SeatsUsed, err = tx.SeatCount(ctx, orgID(a))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	info.Features = license.AllFeatures()
	if info.Status == LicenseValid {
		info.SeatLimit, info.Features = info.License.Seats, info.License.Features
	}
	return &info, nil
}
