package federation

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// The JWKS cache lifetime follows the response's HTTP caching headers,
// bounded to [MinTTL, MaxTTL].
func TestKeyLifetime(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := New(Options{Now: func() time.Time { return now }})
	for _, c := range []struct {
		header map[string]string
		want   time.Duration
	}{
		{nil, 5 * time.Minute},
		{map[string]string{"Cache-Control": "public, max-age=600"}, 10 * time.Minute},
		{map[string]string{"Cache-Control": "max-age=5"}, time.Minute},
		{map[string]string{"Cache-Control": "max-age=9999999"}, 24 * time.Hour},
		{map[string]string{"Cache-Control": "no-store"}, time.Minute},
		{map[string]string{"Expires": now.Add(2 * time.Hour).Format(http.TimeFormat)}, 2 * time.Hour},
		{map[string]string{"Cache-Control": "max-age=120", "Expires": now.Add(2 * time.Hour).Format(http.TimeFormat)}, 2 * time.Minute},
		{map[string]string{"Cache-Control": "max-age=banana"}, 5 * time.Minute},
	} {
		h := http.Header{}
		for k, val := range c.header {
			h.Set(k, val)
		}
		if got := v.lifetime(h); got != c.want {
			t.Errorf("%v: lifetime %v, want %v", c.header, got, c.want)
		}
	}
}

// Parse refuses what is not a signed compact JWT with an accepted
// algorithm before any key is looked at.
func TestParseRefusals(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want error
	}{
		{"a.b", ErrMalformed},
		{"!!.e30.x", ErrMalformed},
		{"e30.e30.x", ErrMalformed},                     // {} header: no alg
		{"eyJhbGciOiJub25lIn0.e30.", ErrAlgorithm},      // none
		{"eyJhbGciOiJIUzI1NiJ9.e30.c2ln", ErrAlgorithm}, // HS256
		{"eyJhbGciOiJYWTk5OSJ9.e30.c2ln", ErrAlgorithm}, // unknown alg
	} {
		if _, err := Parse(c.raw); err == nil || !errors.Is(err, c.want) {
			t.Errorf("Parse(%q): %v, want %v", c.raw, err, c.want)
		}
	}
}
