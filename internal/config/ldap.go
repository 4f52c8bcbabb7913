package config

import (
	"fmt"
	"strconv"
	"strings"

	"roster/internal/auth/ldap"
)

// LDAP is the LDAP sign-in's configuration, in W&B Server's names.
type LDAP struct {
	Login     bool   // LOCAL_LDAP_LOGIN: LDAP sign-in is on
	Address   string // LOCAL_LDAP_ADDRESS: ldap://host:port or ldaps://host:port
	BaseDN    string // LOCAL_LDAP_BASE_DN
	BindDN    string // LOCAL_LDAP_BIND_DN: the service account; anonymous when empty
	BindPW    string // LOCAL_LDAP_BIND_PW
	StartTLS  bool   // LOCAL_LDAP_TLS_ENABLE: StartTLS on ldap://
	Attrs     ldap.Attributes
	AllowList []string // LOCAL_LDAP_GROUP_ALLOW_LIST: group names or DNs
	GroupSync bool     // GORILLA_LDAP_GROUP_SYNC
}

// loadLDAP reads the LOCAL_LDAP_* settings and GORILLA_LDAP_GROUP_SYNC.
// They are checked whenever an address is set, so LOCAL_LDAP_LOGIN=false
// tries a configuration without turning it on.
func loadLDAP(getenv func(string) string) (LDAP, []string) {
	l := LDAP{Address: strings.TrimSpace(getenv("LOCAL_LDAP_ADDRESS")), BaseDN: strings.TrimSpace(getenv("LOCAL_LDAP_BASE_DN")),
		BindDN: strings.TrimSpace(getenv("LOCAL_LDAP_BIND_DN")), BindPW: getenv("LOCAL_LDAP_BIND_PW"),
		AllowList: ParseGroupList(getenv("LOCAL_LDAP_GROUP_ALLOW_LIST"))}
	var errs []string
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"LOCAL_LDAP_LOGIN", &l.Login}, {"LOCAL_LDAP_TLS_ENABLE", &l.StartTLS}, {"GORILLA_LDAP_GROUP_SYNC", &l.GroupSync}} {
		if v := getenv(b.name); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s must be true or false, not %q", b.name, v))
			}
			*b.dst = x
		}
	}
	var err error
	if l.Attrs, err = ldap.ParseAttributes(getenv("LOCAL_LDAP_ATTRIBUTES")); err != nil {
		errs = append(errs, err.Error())
	}
	if l.Login && l.Address == "" {
		errs = append(errs, "LOCAL_LDAP_LOGIN=true needs LOCAL_LDAP_ADDRESS, the directory's ldap://host:389 or ldaps://host:636 URL")
	}
	if l.Address == "" {
		return l, errs
	}
	if msg := ldap.CheckAddress(l.Address); msg != "" {
		errs = append(errs, msg)
	}
	if l.BaseDN == "" {
		errs = append(errs, "LOCAL_LDAP_BASE_DN must be set with LOCAL_LDAP_ADDRESS: the DN searches for people start from, such as dc=example,dc=org")
	}
	if l.BindPW != "" && l.BindDN == "" {
		errs = append(errs, "LOCAL_LDAP_BIND_PW is set without LOCAL_LDAP_BIND_DN: set the service account's DN, or unset both for an anonymous bind")
	}
	if l.StartTLS && strings.HasPrefix(l.Address, "ldaps://") {
		errs = append(errs, "LOCAL_LDAP_TLS_ENABLE=true asks for StartTLS on a plain ldap:// connection; an ldaps:// address is already encrypted, so unset it")
	}
	return l, errs
}

// ParseGroupList splits LOCAL_LDAP_GROUP_ALLOW_LIST: group DNs (which hold
// commas) separated by semicolons, or plain group names separated by
// commas or semicolons.
func ParseGroupList(v string) []string {
	sep := func(r rune) bool { return r == ';' || r == '\n' || (r == ',' && !strings.Contains(v, "=")) }
	var out []string
	for _, f := range strings.FieldsFunc(v, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// masked lists the LDAP settings for `roster config`, the bind password hidden.
func (l LDAP) masked() [][2]string {
	pw := ""
	if l.BindPW != "" {
		pw = "********"
	}
	return [][2]string{
		{"LOCAL_LDAP_LOGIN", strconv.FormatBool(l.Login)},
		{"LOCAL_LDAP_ADDRESS", l.Address},
		{"LOCAL_LDAP_BASE_DN", l.BaseDN},
		{"LOCAL_LDAP_BIND_DN", l.BindDN},
		{"LOCAL_LDAP_BIND_PW", pw},
		{"LOCAL_LDAP_ATTRIBUTES", l.Attrs.String()},
		{"LOCAL_LDAP_TLS_ENABLE", strconv.FormatBool(l.StartTLS)},
		{"LOCAL_LDAP_GROUP_ALLOW_LIST", strings.Join(l.AllowList, "; ")},
		{"GORILLA_LDAP_GROUP_SYNC", strconv.FormatBool(l.GroupSync)},
	}
}
