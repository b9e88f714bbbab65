#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages keep up with the binary: every command and option that
# "guestprep --help" prints, every plugin and check of "guestprep list",
# and every profile key (agent/profile.c's table, the built-in profiles)
# must be documented in its section of guestprep(8) or guestprep.conf(5).
# The pages must also format without warnings where mandoc or man exist.
. "$TESTS_LIB"

SRCDIR=${TESTS_LIB%/tests/integration/lib.sh}
MAN8="$SRCDIR/packaging/man/guestprep.8"
MAN5="$SRCDIR/packaging/man/guestprep.conf.5"

for page in "$MAN8" "$MAN5"; do
	[ -f "$page" ] || { echo "FAIL: $page is missing" >&2; exit 1; }
done

# A section of a page as plain words: from ".SH NAME" to the next ".SH",
# with font escapes dropped and roff's \- and \e made - and \.
section() {
	awk -v want="$2" '
		/^\.SH / { name = $0; sub(/^\.SH +/, "", name);
			   gsub(/"/, "", name); on = (name == want); next }
		on' "$1" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' \
			-e 's/\\(lq\|\\(rq//g'
}

# documented FILE WORD: WORD occurs in FILE as a whole token (a check id
# followed by a full stop counts; one followed by ".more" does not).
documented() {
	local re

	re=$(printf '%s' "$2" | sed 's/[].[*^$\\+?(){}|/]/\\&/g')
	grep -Eq "(^|[^A-Za-z0-9_.-])$re(\\.?([^A-Za-z0-9_.-]|\$))" "$1"
}

# need WHAT FILE WORD...: each WORD must be documented in FILE.
need() {
	local what=$1 file=$2 n=0 missing=0

	shift 2
	for word in "$@"; do
		n=$((n + 1))
		if ! documented "$file" "$word"; then
			fail "$what $word is not in the man page"
			missing=$((missing + 1))
		fi
	done
	# An extraction that found nothing would pass vacuously.
	if [ "$n" -eq 0 ]; then
		fail "no $what found to look for"
	elif [ "$missing" -eq 0 ]; then
		pass "$n ${what}s documented"
	fi
}

section "$MAN8" COMMANDS >"$WORK/commands"
section "$MAN8" OPTIONS >"$WORK/options"
section "$MAN8" CHECKS >"$WORK/checks"
section "$MAN8" "EXIT STATUS" >"$WORK/exit"
section "$MAN5" "PROFILE KEYS" >"$WORK/keys"
section "$MAN5" PROFILES >"$WORK/profiles"

gp --help
expect_rc 0 "--help"
cp "$WORK/out" "$WORK/help"

# The usage lines, up to the first blank line: "guestprep COMMAND".
commands=$(sed '/^$/q' "$WORK/help" | grep -oE 'guestprep [a-z]+' |
	   awk '{ print $2 }' | sort -u)
need command "$WORK/commands" $commands help

long=$(grep -oE -- '--[a-z][a-z-]*[a-z]' "$WORK/help" | sort -u)
short=$(grep -oE -- '^ +-[A-Za-z],' "$WORK/help" | tr -d ' ,' | sort -u)
[ "$(echo "$long" | wc -w)" -ge 15 ] || fail "too few options in --help: $long"
need option "$WORK/options" $long
need "short option" "$WORK/options" $short

# Exit codes: "Exit status: 0 ready, 1 ..., 64 usage ...".
codes=$(sed -n '/^Exit status/,$p' "$WORK/help" | grep -oE '\b[0-9]+ [a-z]' |
	awk '{ print $1 }' | sort -u)
need "exit code" "$WORK/exit" $codes

gp list
expect_rc 0 "list"
ids=$(awk 'NF { print $1 }' "$WORK/out" | sort -u)
[ "$(echo "$ids" | wc -w)" -ge 20 ] || fail "too few checks in list: $ids"
need check "$WORK/checks" $ids

# Profile keys: the binary cannot print them, so the table's KEY("...")
# lines are read, with the keys the built-in profiles set. platform.NAME
# and versions.NAME are documented once, by their prefix.
keys=$( (sed -n 's/^[[:space:]]*KEY("\([^"]*\)".*/\1/p' "$SRCDIR/agent/profile.c"
	 sed -n 's/^[[:space:]]*\([A-Za-z0-9_.+-]*\)[[:space:]]*=.*/\1/p' \
		"$SRCDIR"/agent/profiles/*.profile) |
	sed -e 's/^platform\..*/platform./' -e 's/^versions\..*/versions./' |
	grep -vx inherit | sort -u)
[ "$(echo "$keys" | wc -w)" -ge 40 ] || fail "too few profile keys: $keys"
for key in $keys; do
	case $key in
	*.)	grep -qF ".BI $key NAME" "$MAN5" ||
			fail "profile keys $key* are not in guestprep.conf(5)" ;;
	*)	documented "$WORK/keys" "$key" ||
			fail "profile key $key is not in guestprep.conf(5)" ;;
	esac
done
pass "$(echo "$keys" | wc -w) profile keys looked for"
documented "$WORK/profiles" inherit || fail "inherit is not in guestprep.conf(5)"
for p in "$SRCDIR"/agent/profiles/*.profile; do
	name=$(basename "$p" .profile)
	documented "$WORK/profiles" "$name" ||
		fail "profile $name is not in guestprep.conf(5)"
done

# Formatting: no warnings from either formatter that is installed.
if command -v mandoc >/dev/null; then
	if mandoc -Tlint -Wwarning "$MAN8" "$MAN5" >"$WORK/lint" 2>&1; then
		pass "mandoc -Tlint"
	else
		fail "mandoc -Tlint: $(cat "$WORK/lint")"
	fi
else
	echo "mandoc not installed: lint skipped"
fi
if command -v man >/dev/null && command -v groff >/dev/null; then
	for page in "$MAN8" "$MAN5"; do
		MANWIDTH=80 man --warnings -l "$page" 2>"$WORK/lint" >/dev/null
		if [ -s "$WORK/lint" ]; then
			fail "man --warnings $page: $(cat "$WORK/lint")"
		else
			pass "man --warnings $(basename "$page")"
		fi
	done
else
	echo "man or groff not installed: formatting check skipped"
fi

finish
