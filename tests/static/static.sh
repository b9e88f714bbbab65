#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The release binary: fully static, no ABI note demanding a newer kernel,
# and the same report when every system call newer than Linux 2.6.32
# fails with ENOSYS (openat2, statx, ...), as on the oldest guests.
. "$TESTS_LIB"

ENOSYS=${ENOSYS:-$(dirname "$GUESTPREP")/tests/static/enosys}

info=$(file -b "$GUESTPREP")
case $info in
*"statically linked"*) pass "file: $info" ;;
*) fail "not a static binary: $info" ;;
esac
case $info in
*"for GNU/Linux"*) fail "ABI note demands a kernel: $info" ;;
esac
if readelf -n "$GUESTPREP" 2>/dev/null | grep -q NT_GNU_ABI_TAG; then
	fail "NT_GNU_ABI_TAG present"
fi
if readelf -l "$GUESTPREP" | grep -q -e INTERP -e DYNAMIC; then
	fail "has an interpreter or a dynamic section"
fi

# The same findings on an old kernel's system calls as on this one's.
for tree in centos6 centos7 debian7; do
	gp check --root "$FIXTURES/distros/$tree" --skip disk_space,cloud_init --format json
	# The verdict is the tree's (old fixtures lack network and sshd
	# configuration); what matters is that old calls give the same one.
	want=$rc
	case $rc in
	0 | 1 | 2) pass "$tree on this kernel (exit $rc)" ;;
	*) fail "$tree on this kernel: exit $rc" ;;
	esac
	statuses "$WORK/out" >"$WORK/new"
	jq -S .host "$WORK/out" >"$WORK/new-host"

	timeout 60 "$ENOSYS" "$GUESTPREP" check --root "$FIXTURES/distros/$tree" \
		--skip disk_space,cloud_init --format json >"$WORK/out" 2>"$WORK/err"
	rc=$?
	expect_rc "$want" "$tree with 2.6.32 system calls"
	statuses "$WORK/out" >"$WORK/old"
	jq -S .host "$WORK/out" >"$WORK/old-host"
	cmp -s "$WORK/new" "$WORK/old" || { fail "$tree: findings differ"; diff "$WORK/new" "$WORK/old" >&2; }
	cmp -s "$WORK/new-host" "$WORK/old-host" || fail "$tree: host facts differ"
done

# The escape tests of the root module, through the binary, on old calls.
T="$WORK/escape"
mkdir -p "$T/etc"
ln -s /../../../../../../etc/os-release "$T/etc/os-release"
timeout 60 "$ENOSYS" "$GUESTPREP" check --root "$T" --format json >"$WORK/out" 2>"$WORK/err"
jq -e '.host.os.id == null' "$WORK/out" >/dev/null || fail "escape with 2.6.32 system calls"

# The live system too.
timeout 60 "$ENOSYS" "$GUESTPREP" check --format json >"$WORK/out" 2>"$WORK/err"
rc=$?
case $rc in 0|1|2) pass "live check with 2.6.32 system calls (exit $rc)" ;; *) fail "live check: exit $rc"; cat "$WORK/err" >&2 ;; esac

finish
