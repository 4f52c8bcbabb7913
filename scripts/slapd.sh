#!/usr/bin/env bash
# Makes sure OpenLDAP's slapd is there for the LDAP tests (internal/auth/ldap,
# internal/api, internal/web start it themselves through
# internal/auth/ldap/ldaptest): installs Debian's slapd and ldap-utils when
# /usr/sbin/slapd is missing (CI runs as root on a fresh machine). The
# package's own directory is not used; nothing is started here. Elsewhere
# without root it only warns: the LDAP tests then skip locally, and fail
# when CI=true.
set -euo pipefail
if [ -n "${ROSTER_SLAPD:-}" ] || [ -x /usr/sbin/slapd ]; then
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "slapd.sh: installing slapd and ldap-utils" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
	# The package starts its own slapd on port 389 where it can; the tests
	# need none of it.
	if command -v service >/dev/null; then service slapd stop >/dev/null 2>&1 || true; fi
	exit 0
fi
echo "slapd.sh: no /usr/sbin/slapd and no root to install it; LDAP tests will skip (and fail under CI=true)" >&2
