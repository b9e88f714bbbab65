#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every distribution fixture, checked offline by the binary: the host
# facts and each finding's status must be what expected/NAME.txt says.
# Disk space is left out: its numbers are those of the build machine.
. "$TESTS_LIB"

EXPECTED="$(dirname "$TESTS_LIB")/expected"

for want in "$EXPECTED"/*.txt; do
	name=$(basename "$want" .txt)
	gp check --root "$FIXTURES/distros/$name" --skip disk_space --format json
	case $rc in 0|1|2) ;; *) fail "$name: exit $rc"; cat "$WORK/err" >&2; continue ;; esac
	{
		jq -r '.host | "host \(.os.family) \(.os.id) \(.os.version) \(.arch) \(.boot) \(.os.platform) \(.os.support)"' "$WORK/out"
		jq -r '"verdict \(.summary.verdict)"' "$WORK/out"
		statuses "$WORK/out"
	} >"$WORK/$name.got"
	if diff -u "$want" "$WORK/$name.got" >"$WORK/$name.diff"; then
		pass "$name"
	else
		fail "$name"
		cat "$WORK/$name.diff" >&2
	fi
done

finish
