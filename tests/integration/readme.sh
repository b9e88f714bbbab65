#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# README.md's sample text and JSON reports are what this build prints
# (tests/readme-report.sh --check); when they differ, the diff says what
# changed and `tests/readme-report.sh --binary ./guestprep` updates them.
. "$TESTS_LIB"

SRCDIR=${TESTS_LIB%/tests/integration/lib.sh}

if sh "$SRCDIR/tests/readme-report.sh" --check --binary "$GUESTPREP" \
	"$SRCDIR/README.md" >"$WORK/out" 2>"$WORK/err"; then
	pass "README.md sample reports are current"
else
	cat "$WORK/err" >&2
	fail "README.md sample reports differ from this build's"
fi
finish
