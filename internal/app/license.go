package app

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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

// What governs an organization (issue #18): the instance license, or a
// license naming the organization.
const (
	ScopeInstance     = "instance"
	ScopeOrganization = "organization"
)

// licenseDoc is one document of the LICENSE setting, verified once at
// start-up; its expiry is checked on every use.
type licenseDoc struct {
	n   int              // its place in LICENSE, from 1
	lic *license.License // nil when it failed to verify
	err error            // why it failed to verify
}

// licenseState is the configured licenses: at most one for the instance
// and one per organization name (a license naming an organization governs
// it; the instance license every other one).
type licenseState struct {
	docs     []licenseDoc
	instance *licenseDoc            // the verified instance license, or nil
	byOrg    map[string]*licenseDoc // verified organization licenses by folded name
}

// loadLicense verifies the configured documents (one, or several separated
// by whitespace or commas). A document that fails to verify becomes state,
// since a bad license is reported and treated as absent (O14); two for the
// instance or for one organization are an error, as which holds would be
// a guess.
func loadLicense(setting, publicKey string) (licenseState, error) {
	st := licenseState{byOrg: map[string]*licenseDoc{}}
	docs := license.Split(setting)
	if len(docs) == 0 {
		return st, nil
	}
	var keyErr error
	pub, err := license.ParsePublicKey(publicKey)
	switch {
	case publicKey == "":
		keyErr = license.ErrNoPublicKey
	case err != nil:
		keyErr = fmt.Errorf("ROSTER_LICENSE_PUBLIC_KEY: %w", err)
	}
	st.docs = make([]licenseDoc, len(docs))
	for i, doc := range docs {
		d := &st.docs[i]
		d.n = i + 1
		if d.err = keyErr; keyErr == nil {
			d.lic, d.err = license.Parse(doc, pub)
		}
		if d.lic == nil {
			continue
		}
		if d.lic.ForInstance() {
			if st.instance != nil {
				return licenseState{}, fmt.Errorf("LICENSE: documents %d and %d are both instance licenses; keep one", st.instance.n, d.n)
			}
			st.instance = d
			continue
		}
		key := roster.Fold(d.lic.Organization)
		if o := st.byOrg[key]; o != nil {
			return licenseState{}, fmt.Errorf("LICENSE: documents %d and %d are both licenses of organization %s; keep one", o.n, d.n, d.lic.Organization)
		}
		st.byOrg[key] = d
	}
	return st, nil
}

// status is d's status at now.
func (d *licenseDoc) status(now time.Time) LicenseStatus {
	scope := ScopeInstance
	if d.lic != nil && !d.lic.ForInstance() {
		scope = ScopeOrganization
	}
	switch {
	case d.err != nil:
		return LicenseStatus{Status: LicenseInvalid, Reason: d.err.Error(), Scope: scope, Err: d.err}
	case d.lic.Expired(now):
		return LicenseStatus{Status: LicenseExpired, License: d.lic, Scope: scope,
			Reason: fmt.Sprintf("%v on %s", license.ErrExpired, d.lic.Expires)}
	}
	return LicenseStatus{Status: LicenseValid, License: d.lic, Scope: scope}
}

// valid reports whether d is a verified license in force at now.
func (d *licenseDoc) valid(now time.Time) bool {
	return d != nil && d.lic != nil && !d.lic.Expired(now)
}

// LicenseStatus tells whether a configured license is in force at now.
type LicenseStatus struct {
	Status  string           // none, valid, expired or invalid
	Reason  string           // why an expired or invalid license is ignored
	License *license.License // the license's content; nil when none or invalid
	Scope   string           // ScopeInstance or ScopeOrganization: what the license is for
	Err     error            // why an invalid document failed to verify
}

// CheckLicenses verifies a LICENSE setting as New does and reports each
// document's status at now, for `roster license check`.
func CheckLicenses(setting, publicKey string, now time.Time) ([]LicenseStatus, error) {
	st, err := loadLicense(setting, publicKey)
	if err != nil {
		return nil, err
	}
	s := &Service{license: st}
	return s.LicenseStatuses(now), nil
}

// LicenseStatusAt reports the instance license's status at now, for the
// start-up log: the verified instance license's; else, when a document
// failed to verify, invalid with why (it may have been meant for the
// instance); else none.
func (s *Service) LicenseStatusAt(now time.Time) LicenseStatus {
	if s.license.instance != nil {
		return s.license.instance.status(now)
	}
	var reasons []string
	for _, d := range s.license.docs {
		if d.err == nil {
			continue
		}
		if len(s.license.docs) == 1 {
			reasons = append(reasons, d.err.Error())
		} else {
			reasons = append(reasons, fmt.Sprintf("document %d: %v", d.n, d.err))
		}
	}
	if len(reasons) > 0 {
		return LicenseStatus{Status: LicenseInvalid, Reason: strings.Join(reasons, "; "), Scope: ScopeInstance}
	}
	return LicenseStatus{Status: LicenseNone, Scope: ScopeInstance}
}

// LicenseStatuses reports every configured document's status at now, in
// the order configured, for the start-up log and `roster license check`.
func (s *Service) LicenseStatuses(now time.Time) []LicenseStatus {
	out := make([]LicenseStatus, 0, len(s.license.docs))
	for i := range s.license.docs {
		out = append(out, s.license.docs[i].status(now))
	}
	return out
}

// governing is the status of the license that governs the organization
// named key (folded) at now: its own when valid, else the instance's. An
// organization whose own license expired under no valid instance license
// sees its own, expired.
func (s *Service) governing(key string, now time.Time) LicenseStatus {
	own := s.license.byOrg[key]
	if own.valid(now) {
		return own.status(now)
	}
	inst := s.LicenseStatusAt(now)
	if own != nil && inst.Status != LicenseValid {
		return own.status(now)
	}
	return inst
}

// orgKey is the folded name of organization org, which licenses name it
// by; "" when no license names an organization, as then none is needed.
// Names are cached: renames in this service drop the entry (forgetOrg).
func (s *Service) orgKey(ctx context.Context, tx *store.Tx, org string) (string, error) {
	if len(s.license.byOrg) == 0 {
		return "", nil
	}
	if k, ok := s.orgKeys.Load(org); ok {
		return k.(string), nil
	}
	gen := s.orgGen.Load() // a rename since the read must not be cached over
	var o *roster.Organization
	read := func(tx *store.Tx) error {
		var err error
		o, err = tx.Organization(ctx, org)
		return err
	}
	var err error
	if tx != nil {
		err = read(tx)
	} else {
		err = s.db.ReadNow(ctx, read)
	}
	if err != nil {
		return "", fmt.Errorf("license of organization %s: %w", org, err)
	}
	key := roster.Fold(o.Name)
	if s.orgGen.Load() == gen {
		s.orgKeys.Store(org, key)
	}
	return key, nil
}

// licenseOf is the status of the license governing organization org now.
func (s *Service) licenseOf(ctx context.Context, tx *store.Tx, org string, now time.Time) (LicenseStatus, error) {
	key, err := s.orgKey(ctx, tx, org)
	if err != nil {
		return LicenseStatus{}, err
	}
	return s.governing(key, now), nil
}

// RequireFeature refuses with feature_not_licensed when a license governs
// organization org that does not list the feature (O14).
func (s *Service) RequireFeature(ctx context.Context, org, name string) error {
	return s.requireFeatureIn(ctx, nil, org, name)
}

// requireFeatureIn is RequireFeature reading in tx (nil: outside one).
func (s *Service) requireFeatureIn(ctx context.Context, tx *store.Tx, org, name string) error {
	now := s.db.Now()
	if tx != nil {
		now = tx.Now()
	}
	st, err := s.licenseOf(ctx, tx, org, now)
	if err != nil {
		return err
	}
	if st.Status != LicenseValid {
		return nil
	}
	l := st.License
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

// FeatureRefusal says in people's words why the license governing the
// actor's organization refuses feature f, as RequireFeature would, or ""
// when f is on; pages disable the options that need it with this reason
// instead of offering them.
func (s *Service) FeatureRefusal(ctx context.Context, a roster.Actor, f license.Feature) string {
	if err := s.RequireFeature(ctx, orgID(a), string(f)); err != nil {
		return roster.ErrorMessage(err)
	}
	return ""
}

// seatPlan is who counts in the instance license's seat pool
// (instance_seats, migration 0021), fixed when the pool was last recounted
// (recountSeats): seat changes keep the pool as the plan it was counted
// for says, whatever the clock says since, until the next recount.
type seatPlan struct {
	key  string          // which documents were in force, and the organization generation
	pool bool            // an instance license was in force: governed organizations' seats are pooled
	own  map[string]bool // folded names of the organizations with their own license in force
}

// planKey names which licenses are in force at now, and how many
// organization renames and deletions this service has seen (gen).
func (s *Service) planKey(now time.Time, gen int64) string {
	var b strings.Builder
	for i := range s.license.docs {
		if s.license.docs[i].valid(now) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	fmt.Fprintf(&b, "/%d", gen)
	return b.String()
}

// recountSeats makes the seat plan for now and, when an instance license
// is in force, recounts the pool for it in one transaction (see
// store.Tx.RecountInstanceSeats). The service does it when it starts, when
// a license expires (noticed by the next seat change), and after an
// organization is renamed or deleted.
func (s *Service) recountSeats(ctx context.Context) error {
	s.recountMu.Lock()
	defer s.recountMu.Unlock()
	now := s.db.Now()
	p := &seatPlan{key: s.planKey(now, s.orgGen.Load()), own: map[string]bool{}}
	for key, d := range s.license.byOrg {
		if d.valid(now) {
			p.own[key] = true
		}
	}
	p.pool = s.license.instance.valid(now)
	if p.pool {
		own := make([]string, 0, len(p.own))
		for key := range p.own {
			own = append(own, key)
		}
		if err := s.db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.RecountInstanceSeats(ctx, own)
			return err
		}); err != nil {
			return fmt.Errorf("recount the instance license's seats: %w", err)
		}
	}
	s.plan.Store(p)
	return nil
}

// seatPlanAt is the plan seat changes follow. When the licenses in force
// changed since it was made (one expired), a recount starts in the
// background: until it commits, changes follow the old plan, which the
// pool was counted for.
func (s *Service) seatPlanAt(now time.Time) *seatPlan {
	p := s.plan.Load()
	if p.key != s.planKey(now, s.orgGen.Load()) && s.recounting.CompareAndSwap(false, true) {
		go func() {
			defer s.recounting.Store(false)
			if err := s.recountSeats(context.Background()); err != nil {
				s.log.Error("licenses in force changed: seat recount failed", "err", err)
			}
		}()
	}
	return p
}

// orgChanged drops what the service knows of org's name and recounts the
// pool: a rename may give it a license of its own or take it away, and a
// deleted organization's seats leave the pool.
func (s *Service) orgChanged(ctx context.Context, org string) {
	s.orgGen.Add(1)
	s.orgKeys.Delete(org)
	if len(s.license.byOrg) == 0 && s.license.instance == nil {
		return
	}
	if err := s.recountSeats(ctx); err != nil {
		s.log.Error("organization changed: seat recount failed", "org", org, "err", err)
	}
}

// seatRule is how a seat change in org is counted: against its own
// license's limit, or in the instance pool against the instance's.
type seatRule struct {
	pooled bool // the change counts in the instance pool
	limit  int  // the limit to check an addition against; 0 for none
}

func (s *Service) seatRuleOf(ctx context.Context, tx *store.Tx, org string) (seatRule, error) {
	key, err := s.orgKey(ctx, tx, org)
	if err != nil {
		return seatRule{}, err
	}
	now := tx.Now()
	p := s.seatPlanAt(now)
	if d := s.license.byOrg[key]; d != nil && p.own[key] {
		if d.valid(now) {
			return seatRule{limit: d.lic.Seats}, nil
		}
		return seatRule{}, nil
	}
	r := seatRule{pooled: p.pool}
	if s.license.instance.valid(now) {
		r.limit = s.license.instance.lic.Seats
	}
	return r, nil
}

// ReserveSeat makes the transaction take one more seat in org (O13),
// refused at commit when the governing license's limit is reached: its
// own license's, checked against its own count, or the instance
// license's, checked against the seats of every organization it governs
// (the pool). Every path that creates a user holding a seat or makes one
// hold a seat again calls it in its transaction, and every path that frees
// one calls freeSeat, so that the counters stay the number of seat
// holders. They are written last with a conditional update
// (store.AddSeatHolders, AddInstanceSeats): no organization lock, and
// with no seat limit no wait beyond a commit.
func (s *Service) ReserveSeat(ctx context.Context, tx *store.Tx, org string) error {
	r, err := s.seatRuleOf(ctx, tx, org)
	if err != nil {
		return err
	}
	limit := r.limit
	refuse := func(used int) error {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonSeatLimitReached,
			"seat limit reached (%d of %d used); deactivate or remove a user, or revoke an invite, to free one", used, limit)
	}
	if !r.pooled {
		tx.AddSeatHolders(org, 1, limit, refuse)
		return nil
	}
	// The pool's count is every governed organization's together: the
	// refusal tells it only when it is this organization's own.
	tx.AddSeatHolders(org, 1, 0, nil)
	tx.AddInstanceSeats(1, limit, func(used int) error {
		own, err := tx.SeatCount(ctx, org)
		if err != nil || own == used {
			return cmp.Or(err, refuse(used))
		}
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonSeatLimitReached,
			"seat limit reached: the instance license's %d seats, shared by the instance's organizations, are all taken; deactivate or remove a user, or revoke an invite, to free one, or ask your instance admin", limit)
	})
	return nil
}

// freeSeat makes the transaction give back the seat of a user who stops
// holding one (deactivated, removed, invite revoked).
func (s *Service) freeSeat(ctx context.Context, tx *store.Tx, org string) error {
	r, err := s.seatRuleOf(ctx, tx, org)
	if err != nil {
		return err
	}
	tx.AddSeatHolders(org, -1, 0, nil)
	if r.pooled {
		tx.AddInstanceSeats(-1, 0, nil)
	}
	return nil
}

// LicenseInfo is the license page: status, seats and features (O14, O15)
// of the license governing the caller's organization.
type LicenseInfo struct {
	LicenseStatus
	SeatLimit int // 0 when unlimited
	SeatsUsed int // the organization's
	// SeatsLeft is how many seats the organization may still take: under
	// its own license, its limit less its use; under the instance
	// license, the instance's limit less every governed organization's
	// use taken together. 0 when unlimited.
	SeatsLeft int
	// SeatsLeftShown says SeatsLeft may be shown to the caller.
	SeatsLeftShown bool
	Features       []license.Feature // the features on now
}

// License shows the license governing the admin's organization and its
// seat count to admins.
func (s *Service) License(ctx context.Context, a roster.Actor) (*LicenseInfo, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var info LicenseInfo
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		org := orgID(a)
		if info.LicenseStatus, err = s.licenseOf(ctx, tx, org, tx.Now()); err != nil {
			return err
		}
		if info.SeatsUsed, err = tx.SeatCount(ctx, org); err != nil {
			return err
		}
		if info.Status == LicenseValid {
			info.SeatLimit = info.License.Seats
			taken, err := s.seatsTaken(ctx, tx, info.LicenseStatus, info.SeatsUsed)
			info.SeatsLeft = max(info.SeatLimit-taken, 0)
			// What is left of a shared limit tells the other organizations'
			// count: only an instance admin learns it.
			info.SeatsLeftShown = !s.pooled(info.LicenseStatus) || IsInstanceAdmin(a)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	info.Features = license.AllFeatures()
	if info.Status == LicenseValid {
		info.Features = info.License.Features
	}
	return &info, nil
}

// seatsTaken is how many seats count against the limit of st, the valid
// license governing an organization using used seats: those, or under the
// instance license the pool's.
func (s *Service) seatsTaken(ctx context.Context, tx *store.Tx, st LicenseStatus, used int) (int, error) {
	if !s.pooled(st) {
		return used, nil
	}
	return tx.InstanceSeatCount(ctx)
}

// pooled reports whether st, the license governing an organization, is the
// instance license whose seats the organizations it governs share.
func (s *Service) pooled(st LicenseStatus) bool {
	return st.Scope == ScopeInstance && s.plan.Load().pool
}

// seatState is the Service's seat plan and what it is made from.
type seatState struct {
	plan       atomic.Pointer[seatPlan]
	recountMu  sync.Mutex
	recounting atomic.Bool
	orgGen     atomic.Int64
	orgKeys    sync.Map // organization id -> folded name
}
