#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Only the Debian 12 tree of the system tests, made in $SYSTEM_CACHE/deb
# (or found there already), so that a run can fetch it ahead of the tests
# that use it, beside other work: tests/run-all starts `make system-tree`
# while the sanitizer build compiles, and the virtio test copies it too.
#   GUESTPREP=build/guestprep SYSTEM_CACHE=/var/cache/guestprep-it \
#       sh tests/system/tree.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

[ -n "${SYSTEM_CACHE:-}" ] || { echo "FAIL: set SYSTEM_CACHE" >&2; exit 2; }
if [ "$(cat "$SYSTEM_CACHE/deb/.complete" 2>/dev/null)" = "$TREE_STAMP" ]; then
	pass "already in $SYSTEM_CACHE/deb"
	finish
fi
bootstrap
find_kernel
pass "Debian $(cat "$D/etc/debian_version"), kernel $KVER, in $SYSTEM_CACHE/deb"
finish
