package roster

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Canonical email form (M1). Addresses are stored as given (P4) and
// compared by CanonicalEmail: the local part folded in ASCII only, never by
// Unicode case rules (which map the Kelvin sign U+212A to "k"), and the
// domain in IDNA A-label form, so "bücher.test" equals "xn--bcher-kva.test".

// FoldASCII lower-cases the ASCII letters of s and leaves every other
// character as it is.
func FoldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// CanonicalEmail is the one key by which email addresses are compared,
// everywhere: trimmed, the local part ASCII case-folded, the domain ASCII
// case-folded and converted to its IDNA A-label form. It never fails: a
// domain that is not a valid IDN keeps its ASCII-folded form.
func CanonicalEmail(s string) string {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return FoldASCII(s)
	}
	domain := FoldASCII(s[at+1:])
	if a, err := idna.Registration.ToASCII(domain); err == nil {
		domain = a
	}
	return FoldASCII(s[:at]) + "@" + domain
}

// FoldText lower-cases s by Unicode rules, except that a non-ASCII
// character never becomes an ASCII one (the Kelvin sign stays, it does not
// become "k"), for case-insensitive matching of free text such as SCIM
// filters.
func FoldText(s string) string {
	return strings.Map(func(r rune) rune {
		l := unicode.ToLower(r)
		if r >= utf8.RuneSelf && l < utf8.RuneSelf {
			return r
		}
		return l
	}, s)
}

// SameEmail reports whether two addresses are the same by their canonical form.
func SameEmail(a, b string) bool { return CanonicalEmail(a) == CanonicalEmail(b) }

// checkEmailParts refuses a non-ASCII local part and a domain that is not a
// valid internationalized domain name in lower case.
func checkEmailParts(s string) error {
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	for i, r := range local {
		if r >= utf8.RuneSelf {
			return ReasonErrorf(EInvalid, ReasonEmailNonASCII,
				"%q is refused: the part before @ may use ASCII characters only, and has %U at position %d", s, r, i+1)
		}
	}
	if _, err := idna.Registration.ToASCII(FoldASCII(domain)); err != nil {
		return ReasonErrorf(EInvalid, ReasonInvalidEmail,
			"%q is refused: its domain %q is not a valid domain name (write international domains in lower case)", s, domain)
	}
	return nil
}

// Free text (names and descriptions). They reach mail subjects and bodies,
// so none may carry control characters, line breaks or bidirectional
// overrides.

// forbiddenRune reports whether r may not appear in a name or description:
// C0 and C1 controls, DEL, the line and paragraph separators, and the
// bidirectional embeddings, overrides and isolates.
func forbiddenRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, 0x80 <= r && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return r == utf8.RuneError
}

// ValidateText refuses control characters in a free-text field, naming the
// field in the message, and bounds its length to max characters.
func ValidateText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return ReasonErrorf(EInvalid, ReasonInvalidText, "%s must be valid UTF-8 text", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(EInvalid, "%s must be at most %d characters", field, max)
	}
	for i, r := range s {
		if forbiddenRune(r) {
			return ReasonErrorf(EInvalid, ReasonInvalidText,
				"%s must be one line of text without control characters (found %U at position %d)", field, r, i+1)
		}
	}
	return nil
}

// CleanText replaces every character ValidateText refuses with a space,
// for input that is to be accepted tolerantly (SCIM name parts).
func CleanText(s string) string {
	if strings.IndexFunc(s, forbiddenRune) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if forbiddenRune(r) {
			return ' '
		}
		return r
	}, s)
}

// Webhook destinations (T9). A webhook may not reach the server's own
// network: loopback, link-local, private, unspecified, multicast and
// shared (CGNAT) addresses are refused at input and at delivery.

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// PublicAddr reports whether a webhook may be delivered to ip.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(), ip.IsLoopback(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(), ip.IsMulticast(), ip.IsPrivate(), ip.IsUnspecified():
		return false
	case ip.Is4() && (cgnat.Contains(ip) || ip.As4()[0] == 0 || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})):
		return false
	}
	return true
}

// checkWebhookHost refuses a webhook host that names the server's own
// network: a non-public literal address, localhost or a .localhost name;
// loopback ones are let through when allowLoopback is set.
func checkWebhookHost(host string, allowLoopback bool) error {
	h := strings.TrimSuffix(FoldASCII(host), ".")
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err == nil && allowLoopback && ip.Unmap().IsLoopback() {
		return nil
	}
	if err == nil && !PublicAddr(ip) {
		return ReasonErrorf(EInvalid, ReasonWebhookAddress,
			"webhook URL may not point at %s: loopback, link-local, private, multicast and shared addresses are refused", ip)
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return ReasonErrorf(EInvalid, ReasonWebhookAddress, "webhook URL may not point at %s, this server's own host", host)
	}
	return nil
}

// ErrWebhookAddress is returned by a webhook dialer asked to reach an
// address PublicAddr refuses.
func ErrWebhookAddress(addr string) error {
	return &Error{Code: EForbidden, Reason: ReasonWebhookAddress,
		Message: fmt.Sprintf("webhook delivery to %s refused: not a public address", addr)}
}
