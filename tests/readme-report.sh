#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# README.md's sample reports are the output of the current build, not
# hand-written: this regenerates the text and the JSON report between
# the marker comments
#
#     <!-- report:text:begin -->  ...  <!-- report:text:end -->
#     <!-- report:json:begin -->  ...  <!-- report:json:end -->
#
# from the binary run on a fixture tree, and with --check only compares
# (exit 1 and a diff when README.md is stale; tests/integration/readme.sh).
#
#     tests/readme-report.sh [--check] [--binary PATH] [README]
#
# The binary is --binary, else $GUESTPREP, else ./guestprep or
# build/guestprep of the source tree; README defaults to the source
# tree's README.md.
set -eu

usage() {
	echo "usage: $0 [--check] [--binary PATH] [README]" >&2
	exit 64
}

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
check=no
binary=${GUESTPREP:-}
readme=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=yes ;;
	--binary) [ $# -ge 2 ] || usage; binary=$2; shift ;;
	-*) usage ;;
	*) [ -z "$readme" ] || usage; readme=$1 ;;
	esac
	shift
done
: "${readme:=$SRCDIR/README.md}"
if [ -z "$binary" ]; then
	for b in ./guestprep "$SRCDIR/build/guestprep"; do
		[ -x "$b" ] && { binary=$b; break; }
	done
fi
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
	echo "$0: no guestprep binary: give --binary PATH or GUESTPREP" >&2
	exit 64
fi
case $binary in /*) ;; *) binary=$(pwd)/$binary ;; esac
[ -f "$readme" ] || { echo "$0: $readme: no such file" >&2; exit 64; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/readme-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The fixture: Oracle Linux 7 fails in several ways a real server does
# (SELinux enforcing, / on LVM, a kernel without virtio, no sshd).
# disk_space is left out: it measures the file system the tree is on,
# which is this machine's. The run is in the source tree so the root in
# the report is the same everywhere. An empty configuration file keeps a
# guestprep.conf installed on this machine out of it (it is not shown:
# an empty file is the defaults).
ROOT=tests/fixtures/distros/oracle7
TEXT_ARGS="check --root $ROOT --skip disk_space"
JSON_ARGS="check --root $ROOT --only selinux.config,os.platform --format json"
: >"$tmp/empty.conf"

# report ARGS: the binary's output; exit 0-2 are verdicts, others are not.
report() {
	rc=0
	(cd "$SRCDIR" && "$binary" "$@" --config "$tmp/empty.conf") \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 2 ]; then
		echo "$0: guestprep $* exited $rc:" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	cat "$tmp/out"
}

# shellcheck disable=SC2086 # the argument lists are split on purpose
{
	echo "\`guestprep $TEXT_ARGS\`:"
	echo
	echo '```text'
	report $TEXT_ARGS
	echo '```'
} >"$tmp/text"
# shellcheck disable=SC2086
{
	echo "\`guestprep $JSON_ARGS\`:"
	echo
	echo '```json'
	report $JSON_ARGS
	echo '```'
} >"$tmp/json"
for f in "$tmp/text" "$tmp/json"; do
	if [ "$(grep -c '^```' "$f")" -ne 2 ]; then
		echo "$0: a report line starts with \`\`\`: it would end the block" >&2
		exit 1
	fi
done

# Each pair of markers must be there once, begin before end.
for kind in text json; do
	b=$(grep -c "^<!-- report:$kind:begin -->\$" "$readme" || true)
	e=$(grep -c "^<!-- report:$kind:end -->\$" "$readme" || true)
	bl=$(grep -n "^<!-- report:$kind:begin -->\$" "$readme" | cut -d: -f1)
	el=$(grep -n "^<!-- report:$kind:end -->\$" "$readme" | cut -d: -f1)
	if [ "$b" -ne 1 ] || [ "$e" -ne 1 ] || [ "$bl" -gt "$el" ]; then
		echo "$0: $readme needs one line <!-- report:$kind:begin -->" \
		     "and, after it, one line <!-- report:$kind:end -->" >&2
		exit 1
	fi
done

awk -v text="$tmp/text" -v json="$tmp/json" '
	function put(file,   line) {
		while ((getline line < file) > 0)
			print line
		close(file)
	}
	/^<!-- report:(text|json):begin -->$/ {
		print
		print ""
		put($0 ~ /text/ ? text : json)
		print ""
		skip = 1
		next
	}
	/^<!-- report:(text|json):end -->$/ { skip = 0 }
	!skip
' "$readme" >"$tmp/README.md"

if [ $check = yes ]; then
	if ! cmp -s "$readme" "$tmp/README.md"; then
		echo "$readme: the sample reports are not what this build prints;" \
		     "run tests/readme-report.sh to update them:" >&2
		diff -u "$readme" "$tmp/README.md" >&2 || true
		exit 1
	fi
	echo "$readme: the sample reports are current"
	exit 0
fi

if cmp -s "$readme" "$tmp/README.md"; then
	echo "$readme: already current"
	exit 0
fi
# Replace it in one step, with the mode it had.
new=$(mktemp "$(dirname "$readme")/.README.XXXXXX")
cat "$tmp/README.md" >"$new"
chmod "$(stat -c %a "$readme")" "$new"
mv "$new" "$readme"
echo "$readme: sample reports updated"
