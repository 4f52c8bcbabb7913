package roster

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCanonicalEmail(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"K@example.test", "k@example.test", true},             // ASCII K still folds
		{" Kate@EXAMPLE.test ", "kate@example.test", true},     // trimmed, domain folded
		{"\u212aate@example.test", "kate@example.test", false}, // Kelvin sign is never k
		{"\u212a@example.test", "K@example.test", false},
		{"ana@bücher.test", "ana@xn--bcher-kva.test", true}, // IDN: Unicode and A-label
		{"ana@XN--BCHER-KVA.test", "ana@bücher.test", true},
		{"ana@ex\u212aample.test", "ana@exkample.test", false}, // look-alike domain
		{"\u0130@example.test", "i@example.test", false},       // dotted capital I
	} {
		if got := SameEmail(c.a, c.b); got != c.same {
			t.Errorf("SameEmail(%q, %q) = %v (%q, %q), want %v", c.a, c.b, got, CanonicalEmail(c.a), CanonicalEmail(c.b), c.same)
		}
	}
}

func TestNormalizeEmailRefusesLookAlikes(t *testing.T) {
	for _, s := range []string{"\u212aate@example.test", "аdmin@example.test", "kate@ex\u212aample.test", "ｋate@example.test", "bob@a_b.test"} {
		if _, err := NormalizeEmail(s); ErrorCode(err) != EInvalid {
			t.Errorf("NormalizeEmail(%q) = %v, want invalid", s, err)
		}
	}
	if _, err := NormalizeEmail("\u212aate@example.test"); ErrorReason(err) != ReasonEmailNonASCII || !strings.Contains(ErrorMessage(err), "U+212A") {
		t.Errorf("Kelvin sign: %v, want %s naming U+212A", err, ReasonEmailNonASCII)
	}
	for _, s := range []string{"Kate@Example.test", "ana@bücher.test", "ana@xn--bcher-kva.test", "root@localhost"} {
		if got, err := NormalizeEmail(s); err != nil || got != s {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want it as given", s, got, err)
		}
	}
}

func TestValidateTextRefusesControlCharacters(t *testing.T) {
	for _, s := range []string{"a\nb", "a\rb", "a\tb", "a\x00b", "a\x7fb", "a\u0085b", "a\u2028b", "a\u2029b", "a\u202eb", "a\u2066b"} {
		err := ValidateText("display name", s, MaxNameLen)
		if ErrorReason(err) != ReasonInvalidText || !strings.HasPrefix(ErrorMessage(err), "display name ") {
			t.Errorf("ValidateText(%q) = %v, want %s naming the field", s, err, ReasonInvalidText)
		}
		if c := CleanText(s); ValidateText("x", c, MaxNameLen) != nil || len([]rune(c)) != 3 {
			t.Errorf("CleanText(%q) = %q", s, c)
		}
	}
	for _, s := range []string{"", "ML Engineers", "Équipe ☃", "مهندسون"} {
		if err := ValidateText("name", s, MaxNameLen); err != nil {
			t.Errorf("ValidateText(%q) = %v", s, err)
		}
	}
}

func TestValidateAlertsRefusesNonPublicHosts(t *testing.T) {
	for _, u := range []string{"https://127.0.0.1/x", "https://[::1]/x", "https://localhost/x", "https://api.localhost/x",
		"https://10.0.0.5/x", "https://172.16.3.4/x", "https://192.168.0.1/x", "https://169.254.169.254/latest",
		"https://[fe80::1]/x", "https://[fd12::1]/x", "https://0.0.0.0/x", "https://[::]/x", "https://224.0.0.1/x",
		"https://100.64.1.1/x", "https://[::ffff:10.0.0.1]/x", "https://LOCALHOST./x", "http://hooks.example.test/x",
		"https://user:pw@hooks.example.test/x"} {
		if err := ValidateAlerts(TeamAlerts{WebhookURL: u}, false); ErrorCode(err) != EInvalid {
			t.Errorf("ValidateAlerts(%s) = %v, want invalid", u, err)
		}
	}
	for _, u := range []string{"", "https://hooks.slack.com/services/T/B/X", "https://93.184.215.14/hook", "https://[2001:db8::1]:8443/x"} {
		if err := ValidateAlerts(TeamAlerts{WebhookURL: u}, false); err != nil {
			t.Errorf("ValidateAlerts(%s) = %v", u, err)
		}
	}
	// The test switch admits loopback and nothing else.
	for u, ok := range map[string]bool{"https://127.0.0.1:8443/x": true, "https://[::1]/x": true, "https://10.0.0.5/x": false,
		"https://169.254.169.254/latest": false, "http://127.0.0.1/x": false} {
		if err := ValidateAlerts(TeamAlerts{WebhookURL: u}, true); (err == nil) != ok {
			t.Errorf("ValidateAlerts(%s, loopback allowed) = %v, want allowed=%v", u, err, ok)
		}
	}
	if PublicAddr(netip.MustParseAddr("100.127.255.255")) || !PublicAddr(netip.MustParseAddr("100.128.0.1")) {
		t.Errorf("CGNAT range is 100.64.0.0/10")
	}
}
