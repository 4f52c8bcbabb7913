#!/usr/bin/env bash
# Fetches axe-core, the accessibility checker the browser tests of
# internal/web inject into each page they check (WCAG 2.2 AA), with npm
# into the git-ignored .bin/axe-core when it is missing: only its
# axe.min.js and license are kept. Source it: it exports ROSTER_AXE_JS, and
# ROSTER_REQUIRE_AXE=1 under CI (CI=true) so that a missing axe-core fails
# those tests instead of skipping them.

axe_version=4.14.1
axe_dir="$PWD/.bin/axe-core-$axe_version"
if [ ! -s "$axe_dir/axe.min.js" ]; then
	echo "axe.sh: fetching axe-core $axe_version into $axe_dir" >&2
	axe_tmp=$(mktemp -d)
	if (cd "$axe_tmp" && npm pack --silent "axe-core@$axe_version" >/dev/null && tar -xzf "axe-core-$axe_version.tgz" package/axe.min.js package/LICENSE); then
		mkdir -p "$axe_dir"
		mv "$axe_tmp/package/axe.min.js" "$axe_tmp/package/LICENSE" "$axe_dir/"
	else
		echo "axe.sh: npm could not fetch axe-core; the accessibility checks will skip (and fail under CI=true)" >&2
	fi
	rm -rf "$axe_tmp"
fi
if [ -s "$axe_dir/axe.min.js" ]; then
	export ROSTER_AXE_JS="$axe_dir/axe.min.js"
fi
if [ "${CI:-}" = true ]; then
	export ROSTER_REQUIRE_AXE=1
fi
