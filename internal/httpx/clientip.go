package httpx

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the peers whose Forwarded and X-Forwarded-For headers
// are believed (ROSTER_TRUSTED_PROXIES). The zero value trusts nobody.
type TrustedProxies []netip.Prefix

func (tp TrustedProxies) trusts(a netip.Addr) bool {
	for _, p := range tp {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address of the client behind r: the TCP peer,
// unless the peer is a trusted proxy, in which case the forwarding chain is
// walked from the right, skipping trusted hops, to the first untrusted
// address. When both Forwarded and X-Forwarded-For are sent and name
// different clients, one of them was passed through from the client
// unchecked, so neither is believed and the peer is the client.
func (tp TrustedProxies) ClientAddr(r *http.Request) string {
	peer := peerAddr(r)
	ip, err := netip.ParseAddr(peer)
	if err != nil || len(tp) == 0 || !tp.trusts(ip.Unmap()) {
		return peer
	}
	ip = ip.Unmap()
	fwd, xff := r.Header.Values("Forwarded"), r.Header.Values("X-Forwarded-For")
	switch {
	case len(fwd) > 0 && len(xff) > 0:
		a, b := tp.walk(ip, forwardedFor(fwd)), tp.walk(ip, splitList(xff))
		if a != b {
			return peer
		}
		return a.String()
	case len(fwd) > 0:
		return tp.walk(ip, forwardedFor(fwd)).String()
	case len(xff) > 0:
		return tp.walk(ip, splitList(xff)).String()
	}
	return peer
}

// walk goes through the chain of addresses from the right, starting at the
// trusted peer, and returns the first untrusted one. An entry that is no
// address ("unknown", an obfuscated name, garbage) ends the walk at the
// trusted hop that reported it; a chain of trusted hops only gives its
// leftmost one.
func (tp TrustedProxies) walk(hop netip.Addr, chain []string) netip.Addr {
	for i := len(chain) - 1; i >= 0; i-- {
		a, ok := parseHop(chain[i])
		if !ok {
			return hop
		}
		if !tp.trusts(a) {
			return a
		}
		hop = a
	}
	return hop
}

// parseHop reads one forwarded address: 192.0.2.1, 192.0.2.1:8080,
// 2001:db8::1 or [2001:db8::1]:8080, possibly quoted.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// splitList splits comma-separated header values, in order.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// forwardedFor returns the for= parameter of every element of RFC 7239
// Forwarded headers, in order; an element without one counts as unknown.
func forwardedFor(values []string) []string {
	var out []string
	for _, elem := range splitList(values) {
		v := "unknown"
		for _, pair := range strings.Split(elem, ";") {
			k, val, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if strings.EqualFold(k, "for") {
				v = val
			}
		}
		out = append(out, v)
	}
	return out
}

// peerAddr is the TCP peer's address without the port.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

const clientIPKey ctxKey = requestIDKey + 1

// withClientIP records the client's address for ClientIP.
func withClientIP(r *http.Request, ip string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), clientIPKey, ip))
}

// ClientIP is the request's client address, as Middleware resolved it
// through the trusted proxies; the TCP peer when no middleware ran.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey).(string); ok {
		return ip
	}
	return peerAddr(r)
}
