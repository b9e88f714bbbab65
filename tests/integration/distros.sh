#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every distribution fixture, checked offline by the binary: the host
# facts and each finding's status must be what expected/NAME.txt says.
# Disk space is left out: its numbers are those of the build machine.
. "$TESTS_LIB"

EXPECTED="$(dirname "$TESTS_LIB")/expected"
# A guestprep built without hivex (`version`: "features: none") cannot
# read the Windows fixture's hives: it must still know the tree for
# Windows, say why in host.os.notes, and give each registry check an
# error finding (tests/unit/test_winreg_none checks the details).
features=$("$GUESTPREP" version | sed -n 's/^features: //p')
has_feature() {
	case " $features " in *" $1 "*) return 0 ;; esac
	return 1
}

for want in "$EXPECTED"/*.txt; do
	name=$(basename "$want" .txt)
	gp check --root "$FIXTURES/distros/$name" --skip disk_space --format json
	case $rc in 0|1|2) ;; *) fail "$name: exit $rc"; cat "$WORK/err" >&2; continue ;; esac
	if [ "$name" = windows ] && ! has_feature hivex; then
		if jq -e '.host.os.id == "windows" and
			(.host.os.notes | any(test("without hivex"))) and
			([.findings[] | select(.id | test("^windows_(os|rdp|virtio|qemu_ga)[.]")) |
			  .status] | length >= 9 and all(. == "error"))' \
			"$WORK/out" >/dev/null; then
			pass "$name (built without hivex)"
		else
			fail "$name (built without hivex)"
			statuses "$WORK/out" >&2
		fi
		continue
	fi
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
