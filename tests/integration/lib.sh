# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the integration tests, which run the built binary
# ($GUESTPREP) on fixture trees ($FIXTURES) and read its JSON with jq.
# Each test script is run by automake's test driver: exit 0 passes,
# 77 skips, anything else fails.

set -u

: "${GUESTPREP:?run through make check}"
: "${FIXTURES:?run through make check}"

failures=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guestprep-it.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

# gp ARGS...: run guestprep; sets $rc, $WORK/out, $WORK/err.
gp() {
	timeout 60 "$GUESTPREP" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
}

expect_rc() {
	local want=$1 what=$2

	if [ "$rc" -eq "$want" ]; then
		pass "$what (exit $rc)"
	else
		fail "$what: exit $rc, expected $want"
		sed 's/^/    stderr: /' "$WORK/err" >&2
	fi
}

# The report's findings as "id status" lines, sorted.
statuses() {
	jq -r '.findings[] | "\(.id) \(.status)"' "$1" | LC_ALL=C sort
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	exit 0
}

command -v jq >/dev/null || { echo "jq is needed (apt-get install jq)"; exit 77; }
