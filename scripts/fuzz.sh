#!/usr/bin/env bash
# Runs every Go fuzz target of the repository, one after the other, for the
# given time each (default 10s; any `go test -fuzztime` value such as 10m or
# 5000x), and stops at the first failure. A failing input is written under
# the package's testdata/fuzz/FuzzX/; keep it there as a regression seed
# once the bug is fixed. The machine's two cores are shared: -parallel 2.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
fuzztime=${1:-10s}
case $fuzztime in *[0-9]) fuzztime=${fuzztime}s ;; esac

# package target, one a line
targets="
. FuzzValidators
./internal/scim/ FuzzFilter
./internal/scim/ FuzzPatch
./internal/scim/ FuzzPatchOp
./internal/httpx/ FuzzDecodeJSON
./internal/license/ FuzzParse
./internal/license/ FuzzIssue
./internal/httpx/ FuzzLocalPath
"

# Every target in the tree must be listed above.
listed=$(echo "$targets" | awk 'NF {print $2}' | sort)
found=$(git ls-files -co --exclude-standard -- '*_test.go' | grep -v '^tools/' | xargs grep -h -o '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' |
	sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/' | sort)
if [ "$listed" != "$found" ]; then
	echo "fuzz.sh: the target list differs from the tree:"; diff <(echo "$listed") <(echo "$found") || true
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
while read -r pkg target; do
	[ -n "$pkg" ] || continue
	echo "== $target ($pkg, $fuzztime)"
	status=0
	go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -parallel 2 "$pkg" </dev/null >"$log" 2>&1 || status=$?
	# Of the progress lines only the last, which has the totals.
	grep '^fuzz: elapsed' "$log" | tail -1 || true
	grep -v '^fuzz: elapsed' "$log" || true
	if [ "$status" != 0 ]; then echo "fuzz.sh: $target failed"; exit 1; fi
done <<<"$targets"
