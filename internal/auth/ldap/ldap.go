// Package ldap checks a person's password against an LDAP directory by a
// search-then-bind: Roster's service account (or an anonymous bind) finds
// the person's entry by username or email, then a bind as that entry with
// the password proves it. It speaks ldap:// (optionally upgraded with
// StartTLS) and ldaps://, with a timeout on every step.
package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"roster"
)

// Options configure a Directory.
type Options struct {
	Address  string // LOCAL_LDAP_ADDRESS: ldap://host:port or ldaps://host:port
	BaseDN   string // LOCAL_LDAP_BASE_DN: where searches start
	BindDN   string // LOCAL_LDAP_BIND_DN: the service account; anonymous when empty
	BindPW   string // LOCAL_LDAP_BIND_PW
	StartTLS bool   // LOCAL_LDAP_TLS_ENABLE: upgrade ldap:// with StartTLS
	Attrs    Attributes
	// RootCAs verifies the directory's certificate; the system pool when
	// nil (SSL_CERT_FILE adds a private CA).
	RootCAs *x509.CertPool
	// Timeout bounds the connection and each request; 10s when zero.
	Timeout time.Duration
}

// Attributes names the entry attributes Roster reads (LOCAL_LDAP_ATTRIBUTES).
type Attributes struct {
	Email    string // email=, default mail
	Group    string // group=, default memberOf
	Username string // username=, default uid
	Name     string // name=, default cn
}

// ParseAttributes reads an email=mail,group=memberOf style map; missing
// keys keep their defaults.
func ParseAttributes(s string) (Attributes, error) {
	a := Attributes{Email: "mail", Group: "memberOf", Username: "uid", Name: "cn"}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if !ok || v == "" || strings.ContainsAny(v, "()*\\=") {
			return a, fmt.Errorf("LOCAL_LDAP_ATTRIBUTES must be key=attribute pairs separated by commas, such as email=mail,group=memberOf, not %q", s)
		}
		switch k {
		case "email":
			a.Email = v
		case "group":
			a.Group = v
		case "username":
			a.Username = v
		case "name":
			a.Name = v
		default:
			return a, fmt.Errorf("LOCAL_LDAP_ATTRIBUTES knows the keys email, group, username and name, not %q", k)
		}
	}
	return a, nil
}

// String is the map in LOCAL_LDAP_ATTRIBUTES form.
func (a Attributes) String() string {
	return fmt.Sprintf("email=%s,group=%s,username=%s,name=%s", a.Email, a.Group, a.Username, a.Name)
}

// CheckAddress explains why an address is not an ldap:// or ldaps:// URL; "" when it is one.
func CheckAddress(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Hostname() == "" {
		return fmt.Sprintf("LOCAL_LDAP_ADDRESS must be ldap://host:port or ldaps://host:port, not %q", addr)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("LOCAL_LDAP_ADDRESS has an invalid port: %q", addr)
		}
	}
	return ""
}

// Directory is one LDAP directory.
type Directory struct {
	opt  Options
	host string
}

// New returns the directory the options describe; it connects only when
// someone signs in.
func New(opt Options) (*Directory, error) {
	if msg := CheckAddress(opt.Address); msg != "" {
		return nil, errors.New(msg)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Attrs == (Attributes{}) {
		opt.Attrs, _ = ParseAttributes("")
	}
	u, _ := url.Parse(opt.Address)
	return &Directory{opt: opt, host: u.Hostname()}, nil
}

// Errors of Authenticate.
var (
	errBadCredentials = roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonBadCredentials, "wrong username, email or password")
	errDisabled       = roster.ReasonErrorf(roster.EForbidden, roster.ReasonLDAPAccountDisabled,
		"your directory account is locked or disabled; ask your directory administrator to enable it")
	errAmbiguous = roster.ReasonErrorf(roster.EForbidden, roster.ReasonLDAPAmbiguous,
		"more than one directory entry matches this login; sign in with your username, or ask your directory administrator to make the address unique")
)

// unavailable is the answer when the directory cannot be reached or
// refuses Roster itself: an operator's problem, never the person's.
func unavailable(step string, err error) error {
	return &roster.Error{Code: roster.EUpstream, Reason: roster.ReasonLDAPUnavailable,
		Message: "the LDAP directory cannot be reached or refused Roster (" + step + "); try again later, and tell your administrator. " +
			"Local administrators can still sign in with their Roster password", Err: err}
}

// Authenticate finds the entry whose username or email attribute equals
// login and binds as it with password. A wrong password and an unknown
// login give the same error; a locked or disabled entry is refused only
// after its password was accepted, so the refusal tells nothing to
// someone who does not know it.
func (d *Directory) Authenticate(ctx context.Context, login, password string) (*roster.DirectoryEntry, error) {
	if login == "" || password == "" {
		// An empty password is an unauthenticated bind, which succeeds.
		return nil, errBadCredentials
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := d.serviceBind(conn); err != nil {
		return nil, err
	}
	entry, err := d.find(conn, login)
	if err != nil {
		return nil, err
	}
	if err := conn.Bind(entry.DN, password); err != nil {
		if goldap.IsErrorAnyOf(err, goldap.LDAPResultInvalidCredentials, goldap.LDAPResultInappropriateAuthentication,
			goldap.LDAPResultUnwillingToPerform) {
			return nil, errBadCredentials
		}
		return nil, unavailable("bind as the person", err)
	}
	if disabled(entry) {
		return nil, errDisabled
	}
	return d.toEntry(entry), nil
}

// connect dials the directory, upgrades ldap:// with StartTLS when asked,
// and applies the timeout to every request.
func (d *Directory) connect(ctx context.Context) (*goldap.Conn, error) {
	tlsConf := &tls.Config{ServerName: d.host, RootCAs: d.opt.RootCAs, MinVersion: tls.VersionTLS12}
	dialer := &net.Dialer{Timeout: d.opt.Timeout}
	if dl, ok := ctx.Deadline(); ok {
		dialer.Deadline = dl
	}
	conn, err := goldap.DialURL(d.opt.Address, goldap.DialWithDialer(dialer), goldap.DialWithTLSConfig(tlsConf))
	if err != nil {
		return nil, unavailable("connect", fmt.Errorf("dial %s: %w", d.opt.Address, err))
	}
	conn.SetTimeout(d.opt.Timeout)
	if d.opt.StartTLS && strings.HasPrefix(d.opt.Address, "ldap://") {
		if err := conn.StartTLS(tlsConf); err != nil {
			conn.Close()
			return nil, unavailable("StartTLS", err)
		}
	}
	return conn, nil
}

// serviceBind binds as LOCAL_LDAP_BIND_DN, or anonymously without one.
func (d *Directory) serviceBind(conn *goldap.Conn) error {
	var err error
	if d.opt.BindDN == "" {
		err = conn.UnauthenticatedBind("")
	} else {
		err = conn.Bind(d.opt.BindDN, d.opt.BindPW)
	}
	if err != nil {
		return unavailable("bind as LOCAL_LDAP_BIND_DN", err)
	}
	return nil
}

// lockAttrs mark a locked or disabled account: OpenLDAP's ppolicy
// pwdAccountLockedTime, 389 Directory Server's and FreeIPA's nsAccountLock,
// Active Directory's userAccountControl.
var lockAttrs = []string{"pwdAccountLockedTime", "nsAccountLock", "userAccountControl"}

// find searches the base DN for the one entry named by login.
func (d *Directory) find(conn *goldap.Conn, login string) (*goldap.Entry, error) {
	a := d.opt.Attrs
	q := goldap.EscapeFilter(login)
	filter := fmt.Sprintf("(|(%s=%s)(%s=%s))", a.Username, q, a.Email, q)
	attrs := append([]string{a.Username, a.Email, a.Name, a.Group}, lockAttrs...)
	req := goldap.NewSearchRequest(d.opt.BaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 2,
		int(d.opt.Timeout/time.Second), false, filter, attrs, nil)
	res, err := conn.Search(req)
	if err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded) {
		if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
			return nil, unavailable("search: LOCAL_LDAP_BASE_DN does not exist", err)
		}
		return nil, unavailable("search", err)
	}
	switch {
	case res == nil || len(res.Entries) == 0:
		return nil, errBadCredentials
	case len(res.Entries) > 1:
		return nil, errAmbiguous
	}
	return res.Entries[0], nil
}

// disabled reports whether the entry is marked locked or disabled.
func disabled(e *goldap.Entry) bool {
	if e.GetAttributeValue("pwdAccountLockedTime") != "" {
		return true
	}
	if strings.EqualFold(e.GetAttributeValue("nsAccountLock"), "true") {
		return true
	}
	uac, err := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
	return err == nil && uac&0x2 != 0 // ACCOUNTDISABLE
}

// toEntry maps the entry's attributes.
func (d *Directory) toEntry(e *goldap.Entry) *roster.DirectoryEntry {
	a := d.opt.Attrs
	out := &roster.DirectoryEntry{DN: e.DN, Username: e.GetAttributeValue(a.Username),
		Email: e.GetAttributeValue(a.Email), Name: e.GetAttributeValue(a.Name)}
	for _, v := range e.GetAttributeValues(a.Group) {
		out.Groups = append(out.Groups, v)
		if dn, err := goldap.ParseDN(v); err == nil && len(dn.RDNs) > 1 && len(dn.RDNs[0].Attributes) == 1 {
			out.Groups = append(out.Groups, dn.RDNs[0].Attributes[0].Value)
		}
	}
	return out
}
