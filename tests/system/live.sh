#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The live check: `guestprep check` on the machine running the tests.
# Whatever this machine is, the check must end with a verdict (0 ready,
# 1 warnings, 2 not ready), print a valid guestprep-report/1 whose
# summary agrees with its findings and its exit status, and write
# nothing.  Run as root when possible (some files are root-only); as a
# user it must still give a report, not crash.
#   GUESTPREP=build/guestprep sh tests/system/live.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

start=$(date +%s%N)
gp check --format json
ms=$(( ($(date +%s%N) - start) / 1000000 ))
case $rc in
0 | 1 | 2) pass "live check: exit $rc in $ms ms" ;;
*) fail "live check: exit $rc"; sed 's/^/    /' "$WORK/err" >&2 ;;
esac
cp "$WORK/out" "$WORK/live.json"
jq -e . "$WORK/live.json" >/dev/null || { fail "not JSON"; finish; }

jq -e '.schema == "guestprep-report/1" and .mode == "check" and .root == "/"
	and (.findings | length > 0)
	and all(.findings[]; (.id | test("^[a-z_]+\\.[a-z_.0-9]+$"))
		and (.status | IN("pass", "warn", "fail", "skip", "error"))
		and (.message | type == "string" and length > 0))' \
	"$WORK/live.json" >/dev/null &&
	pass "guestprep-report/1 with $(jq '.findings | length' "$WORK/live.json") findings" ||
	fail "the report does not follow guestprep-report/1"

# The exit status is the verdict, and the summary counts the findings.
verdict=$(jq -r .summary.verdict "$WORK/live.json")
case $rc:$verdict in
0:ready | 1:warnings | 2:not-ready) pass "exit $rc is verdict $verdict" ;;
*) fail "exit $rc with verdict $verdict" ;;
esac
for s in pass warn fail skip error; do
	n=$(jq --arg s "$s" '[.findings[] | select(.status == $s)] | length' "$WORK/live.json")
	[ "$(jq ".summary.$s" "$WORK/live.json")" = "$n" ] ||
		fail "summary.$s says $(jq ".summary.$s" "$WORK/live.json"), the findings $n"
done
# An error finding is a check that could not look; on a sandboxed CI
# machine that is expected (the host's own disk cannot be opened, see
# DESIGN.md), so it is shown, not failed.
jq -r '.findings[] | select(.status == "error") | "note: error finding \(.id): \(.message)"' \
	"$WORK/live.json"
jq -r '"live: \(.host.os.pretty) \(.host.kernel) boot \(.host.boot): \(.summary.verdict) (pass \(.summary.pass) warn \(.summary.warn) fail \(.summary.fail) skip \(.summary.skip))"' \
	"$WORK/live.json"
jq -r '.findings[] | select(.status == "fail" or .status == "warn") | "  \(.status) \(.id): \(.message)"' \
	"$WORK/live.json"

# The text report gives the same exit status.
want=$rc
gp check --format text --color never
expect_rc "$want" "the text report"

finish
