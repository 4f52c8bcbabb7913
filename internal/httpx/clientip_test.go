package httpx_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"roster/internal/httpx"
)

// #19.4: the client address comes from the forwarding headers only when
// the peer is a trusted proxy, walking the chain from the right past
// trusted hops to the first untrusted address.
func TestClientAddr(t *testing.T) {
	trusted := httpx.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ff::/48")}
	for _, c := range []struct {
		name, peer, fwd, xff string
		proxies              httpx.TrustedProxies
		want                 string
	}{
		{"no proxies trusted", "10.0.0.1:5000", "", "203.0.113.1", nil, "10.0.0.1"},
		{"untrusted peer", "198.51.100.1:5000", "for=203.0.113.1", "203.0.113.1", trusted, "198.51.100.1"},
		{"trusted peer without headers", "10.0.0.1:5000", "", "", trusted, "10.0.0.1"},
		{"one hop", "10.0.0.1:5000", "", "203.0.113.1", trusted, "203.0.113.1"},
		{"spoofed left entries", "10.0.0.1:5000", "", "1.2.3.4, 203.0.113.1", trusted, "203.0.113.1"},
		{"trusted hops skipped", "10.0.0.1:5000", "", "1.2.3.4, 203.0.113.1, 10.1.1.1, 10.2.2.2", trusted, "203.0.113.1"},
		{"only trusted hops", "10.0.0.1:5000", "", "10.3.3.3, 10.2.2.2", trusted, "10.3.3.3"},
		{"entry with port", "10.0.0.1:5000", "", "203.0.113.1:4711", trusted, "203.0.113.1"},
		{"garbage stops at the hop that sent it", "10.0.0.1:5000", "", "203.0.113.1, garbage, 10.2.2.2", trusted, "10.2.2.2"},
		{"forwarded", "10.0.0.1:5000", `for=192.0.2.60;proto=http;by=10.0.0.1, for="[2001:db8:cafe::17]:4711"`, "", trusted, "2001:db8:cafe::17"},
		{"forwarded in any case", "10.0.0.1:5000", `For=192.0.2.60`, "", trusted, "192.0.2.60"},
		{"forwarded unknown", "10.0.0.1:5000", `for=unknown`, "", trusted, "10.0.0.1"},
		{"both headers agree", "10.0.0.1:5000", "for=203.0.113.1", "203.0.113.1", trusted, "203.0.113.1"},
		{"both headers disagree", "10.0.0.1:5000", "for=192.0.2.99", "203.0.113.1", trusted, "10.0.0.1"},
		{"ipv6 peer", "[2001:db8:ff::1]:5000", "", "2001:db8::7", trusted, "2001:db8::7"},
		{"ipv4-mapped peer", "[::ffff:10.0.0.1]:5000", "", "203.0.113.1", trusted, "203.0.113.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			if c.fwd != "" {
				r.Header.Set("Forwarded", c.fwd)
			}
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := c.proxies.ClientAddr(r); got != c.want {
				t.Errorf("client %q, want %q", got, c.want)
			}
		})
	}
}
