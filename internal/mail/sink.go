package mail

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// Sink is the SMTP server mail goes to, from GORILLA_EMAIL_SINK:
// smtp://[user:password@]host[:port] (STARTTLS when the server offers it)
// or smtps://... (TLS from the first byte).
type Sink struct {
	Host     string
	Port     int
	Implicit bool // smtps: implicit TLS
	Username string
	Password string
}

// ParseSink parses GORILLA_EMAIL_SINK.
func ParseSink(s string) (Sink, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Sink{}, fmt.Errorf("GORILLA_EMAIL_SINK must look like smtp://user:password@host:port, not %q", redact(s))
	}
	var k Sink
	switch u.Scheme {
	case "smtp":
		k.Port = 25
	case "smtps":
		k.Implicit, k.Port = true, 465
	default:
		return Sink{}, fmt.Errorf("GORILLA_EMAIL_SINK must start with smtp:// or smtps://, not %q", redact(s))
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return Sink{}, fmt.Errorf("GORILLA_EMAIL_SINK must be smtp://[user:password@]host:port with nothing after the port, not %q", redact(s))
	}
	k.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Sink{}, fmt.Errorf("GORILLA_EMAIL_SINK port must be 1 to 65535, not %q", p)
		}
		k.Port = n
	}
	if u.User != nil {
		k.Username = u.User.Username()
		k.Password, _ = u.User.Password()
	}
	return k, nil
}

// Addr is the server's host:port.
func (k Sink) Addr() string { return net.JoinHostPort(k.Host, strconv.Itoa(k.Port)) }

// String shows the sink with its password hidden.
func (k Sink) String() string {
	u := url.URL{Scheme: "smtp", Host: k.Addr()}
	if k.Implicit {
		u.Scheme = "smtps"
	}
	if k.Username != "" {
		u.User = url.User(k.Username)
		if k.Password != "" {
			u.User = url.UserPassword(k.Username, "xxxxx")
		}
	}
	return u.String()
}

// redact hides a password in a sink URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
