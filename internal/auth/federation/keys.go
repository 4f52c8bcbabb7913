package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Discovery paths tried in order: W&B's, then OpenID Connect's.
var discoveryPaths = []string{"/.well-known/oidc-configuration", "/.well-known/openid-configuration"}

// maxDocument bounds a discovery document or JWKS.
const maxDocument = 1 << 20

// Options configure a Verifier; zero values take the defaults.
type Options struct {
	Client *http.Client     // 10 s timeout by default
	Now    func() time.Time // the clock of key lifetimes
	// DefaultTTL keeps keys served without a cache lifetime (5 minutes).
	DefaultTTL time.Duration
	// MinTTL and MaxTTL bound a served lifetime (1 minute, 24 hours).
	MinTTL, MaxTTL time.Duration
	// MinRefresh spaces the fetches an unknown kid causes (10 seconds), so
	// JWTs naming random keys cannot make Roster hammer the issuer.
	MinRefresh time.Duration
}

// Verifier fetches and caches issuers' keys and verifies their JWTs. It is
// safe for concurrent use.
type Verifier struct {
	opt  Options
	mu   sync.Mutex
	sets map[string]*keySet // by issuer URL
}

// keySet is one issuer's cached JWKS.
type keySet struct {
	mu      sync.Mutex // one fetch at a time
	keys    jose.JSONWebKeySet
	expires time.Time // keys are used until then
	tried   time.Time // the last fetch attempt
}

// New returns a Verifier.
func New(opt Options) *Verifier {
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&opt.DefaultTTL, 5 * time.Minute}, {&opt.MinTTL, time.Minute}, {&opt.MaxTTL, 24 * time.Hour}, {&opt.MinRefresh, 10 * time.Second}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	return &Verifier{opt: opt, sets: map[string]*keySet{}}
}

func (v *Verifier) set(issuer string) *keySet {
	v.mu.Lock()
	defer v.mu.Unlock()
	ks := v.sets[issuer]
	if ks == nil {
		ks = &keySet{}
		v.sets[issuer] = ks
	}
	return ks
}

// Forget drops an issuer's cached keys (the issuer was deleted).
func (v *Verifier) Forget(issuer string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.sets, issuer)
}

// Discover fetches the issuer's discovery document and JWKS now and caches
// the keys: registration checks that the issuer is reachable and sane.
func (v *Verifier) Discover(ctx context.Context, issuer string) error {
	ks := v.set(issuer)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return v.fetch(ctx, issuer, ks)
}

// Verify checks t's signature with a key of issuer (t.Issuer, already
// found registered by the caller) and returns its claims. Claims other
// than the signature are the caller's to check.
func (v *Verifier) Verify(ctx context.Context, t *Token) (*Claims, error) {
	keys, err := v.keysFor(ctx, t.Issuer, t.KeyID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !usable(k, t.Alg) {
			continue
		}
		if c, err := t.verifyWith(k); err == nil {
			return c, nil
		}
	}
	if t.KeyID != "" {
		return nil, fmt.Errorf("%w: the key %q of %s does not verify this %s signature", ErrSignature, trunc(t.KeyID), t.Issuer, t.Alg)
	}
	return nil, fmt.Errorf("%w: no key of %s verifies this %s signature", ErrSignature, t.Issuer, t.Alg)
}

// keysFor returns the candidate keys for kid (every key when kid is
// empty), fetching the JWKS when the cache expired or lacks kid.
func (v *Verifier) keysFor(ctx context.Context, issuer, kid string) ([]jose.JSONWebKey, error) {
	ks := v.set(issuer)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	now := v.opt.Now()
	if !now.Before(ks.expires) {
		if err := v.fetch(ctx, issuer, ks); err != nil {
			if ks.expires.IsZero() {
				return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
			}
			return nil, fmt.Errorf("%w: the cached keys of %s expired at %s and fetching them again failed: %v",
				ErrUnreachable, issuer, ks.expires.UTC().Format(time.RFC3339), err)
		}
	}
	find := func() []jose.JSONWebKey {
		if kid == "" {
			return ks.keys.Keys
		}
		return ks.keys.Key(kid)
	}
	got := find()
	if len(got) == 0 && kid != "" && now.Sub(ks.tried) >= v.opt.MinRefresh {
		// A new kid: the issuer may have rotated its keys.
		if err := v.fetch(ctx, issuer, ks); err != nil {
			return nil, fmt.Errorf("%w: the key %q is not cached and fetching the keys of %s failed: %v", ErrUnreachable, trunc(kid), issuer, err)
		}
		got = find()
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("%w: %s publishes no key %q", ErrSignature, issuer, trunc(kid))
	}
	return got, nil
}

// fetch reads the discovery document and the JWKS into ks.
func (v *Verifier) fetch(ctx context.Context, issuer string, ks *keySet) error {
	ks.tried = v.opt.Now()
	jwksURL, err := v.discover(ctx, issuer)
	if err != nil {
		return err
	}
	var set jose.JSONWebKeySet
	ttl, err := v.getJSON(ctx, jwksURL, &set)
	if err != nil {
		return fmt.Errorf("JWKS: %w", err)
	}
	var public []jose.JSONWebKey
	for _, k := range set.Keys {
		if k.Valid() && k.IsPublic() {
			public = append(public, k)
		}
	}
	if len(public) == 0 {
		return fmt.Errorf("the JWKS at %s holds no public signing key", jwksURL)
	}
	ks.keys = jose.JSONWebKeySet{Keys: public}
	ks.expires = v.opt.Now().Add(ttl)
	return nil
}

// discover finds the issuer's jwks_uri through its discovery document.
func (v *Verifier) discover(ctx context.Context, issuer string) (string, error) {
	var errs []string
	for _, p := range discoveryPaths {
		var doc struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		u := strings.TrimRight(issuer, "/") + p
		if _, err := v.getJSON(ctx, u, &doc); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if strings.TrimRight(doc.Issuer, "/") != strings.TrimRight(issuer, "/") {
			return "", fmt.Errorf("the discovery document at %s names issuer %q, not %q", u, trunc(doc.Issuer), issuer)
		}
		if doc.JWKSURI == "" {
			return "", fmt.Errorf("the discovery document at %s has no jwks_uri", u)
		}
		return doc.JWKSURI, nil
	}
	return "", fmt.Errorf("no discovery document: %s", strings.Join(errs, "; "))
}

// getJSON fetches url into dst and returns the response's cache lifetime.
func (v *Verifier) getJSON(ctx context.Context, url string, dst any) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.opt.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", url, err)
	}
	if len(body) > maxDocument {
		return 0, fmt.Errorf("GET %s: larger than %d bytes", url, maxDocument)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return 0, fmt.Errorf("GET %s: not JSON: %w", url, err)
	}
	return v.lifetime(resp.Header), nil
}

// lifetime reads a response's cache lifetime from Cache-Control max-age
// (or Expires), bounded by MinTTL and MaxTTL.
func (v *Verifier) lifetime(h http.Header) time.Duration {
	ttl := v.opt.DefaultTTL
	found := false
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch name {
		case "no-store", "no-cache":
			return v.opt.MinTTL
		case "max-age":
			if n, err := strconv.Atoi(strings.Trim(val, `"`)); err == nil {
				ttl, found = time.Duration(n)*time.Second, true
			}
		}
	}
	if !found {
		if t, err := http.ParseTime(h.Get("Expires")); err == nil {
			ttl = t.Sub(v.opt.Now())
		}
	}
	return min(max(ttl, v.opt.MinTTL), v.opt.MaxTTL)
}

// IsRefusal reports whether err is a refused JWT rather than a failure of
// Roster's own.
func IsRefusal(err error) bool {
	for _, e := range []error{ErrMalformed, ErrAlgorithm, ErrSignature, ErrUnreachable} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
