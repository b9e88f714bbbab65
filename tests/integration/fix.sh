#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# guestprep fix on a copy of a fixture tree, end to end: the dry run
# changes nothing, fix mends and re-checks, a second fix changes nothing,
# history lists the run, undo puts every file back byte for byte (content,
# mode, owner, mtime), and so does undo after a fix killed at any step;
# a file edited after the fix is left alone unless undo --force.
. "$TESTS_LIB"

ORIG="$WORK/orig"
T="$WORK/tree"
# cloud-init is absent from these trees (a warning): leave it out too.
STABLE="--skip disk_space,cloud_init"

# CentOS 7 with SELinux enforcing: the one thing wrong with it.
mkdir -p "$ORIG" && cp -a "$FIXTURES/distros/centos7/." "$ORIG/"
chmod -R u+w "$ORIG"
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$ORIG/etc/selinux/config"
chmod 0640 "$ORIG/etc/selinux/config"
touch -d '2020-01-02 03:04:05' "$ORIG/etc/selinux/config"

# Files and links (not directories, whose times change with any rename),
# with what "byte for byte" means, leaving out the journal itself.
snapshot() {
	(cd "$1" && find . -path ./var/lib/guestprep -prune -o \
		\( -type f -o -type l \) -printf '%p %y %m %U %G %s %T@ %l\n' |
		LC_ALL=C sort
	 cd "$1" && find . -path ./var/lib/guestprep -prune -o -type f -print0 |
		LC_ALL=C sort -z | xargs -0 md5sum)
}

fresh() {
	rm -rf "$T"
	cp -a "$ORIG" "$T"
}

fresh
snapshot "$T" >"$WORK/before"

gp fix --root "$T" $STABLE --dry-run --format json
expect_rc 2 "dry run reports the verdict before fixing"
jq -e '.mode == "fix" and .dry_run == true and .summary.changed == false and
	(.changes | length) == 1 and .changes[0].state == "planned" and
	.changes[0].check == "selinux.config" and .changes[0].path == "/etc/selinux/config" and
	(.changes[0].diff | contains("-SELINUX=enforcing\n+SELINUX=disabled"))' \
	"$WORK/out" >/dev/null || fail "dry-run plan: $(jq -c .changes "$WORK/out")"
snapshot "$T" >"$WORK/after-dry"
cmp -s "$WORK/before" "$WORK/after-dry" || fail "the dry run changed the tree"
[ -e "$T/var/lib/guestprep" ] && fail "the dry run started a journal"

gp fix --root "$T" $STABLE --dry-run
grep -q '^       +SELINUX=disabled' "$WORK/out" || fail "text dry run shows the diff"

gp fix --root "$T" $STABLE --yes --format json
expect_rc 0 "fix mends the tree"
jq -e '.summary.changed == true and .summary.verdict == "ready" and
	.before.verdict == "not-ready" and (.run_id | type) == "string" and
	.changes[0].state == "applied" and
	(.findings[] | select(.id == "selinux.config") | .status) == "pass"' \
	"$WORK/out" >/dev/null || fail "fix result: $(jq -c '{summary, before, changes}' "$WORK/out")"
run=$(jq -r .run_id "$WORK/out")
grep -qx 'SELINUX=disabled' "$T/etc/selinux/config" || fail "config not rewritten"
grep -qx 'SELINUXTYPE=targeted' "$T/etc/selinux/config" || fail "rest of config lost"
[ "$(stat -c %a "$T/etc/selinux/config")" = 640 ] || fail "mode not kept"

gp fix --root "$T" $STABLE --yes --format json
expect_rc 0 "second fix"
jq -e '.summary.changed == false and (.changes | length) == 0' "$WORK/out" >/dev/null ||
	fail "second fix changed something"

gp history --root "$T"
expect_rc 0 "history"
grep -q "^$run .*1 change .*complete" "$WORK/out" || fail "history lists $run: $(cat "$WORK/out")"

gp undo --root "$T"
expect_rc 0 "undo"
snapshot "$T" >"$WORK/after-undo"
cmp -s "$WORK/before" "$WORK/after-undo" || { fail "undo is not byte for byte"; diff "$WORK/before" "$WORK/after-undo" >&2; }
gp history --root "$T"
grep -q "^$run .*undone" "$WORK/out" || fail "history shows the undo"
gp undo --root "$T"
expect_rc 0 "a second undo has nothing to do"

gp undo --root "$T" 19700101T000000Z-1
expect_rc 64 "undo of an unknown run"

# Edited by hand after the fix: undo leaves the edit and says so, exit 2;
# undo --force puts the original back.
fresh
gp fix --root "$T" $STABLE --yes
expect_rc 0 "fix before an edit by hand"
printf 'SELINUX=permissive\n' >"$T/etc/selinux/config"
gp undo --root "$T"
expect_rc 2 "undo over a file changed since"
grep -q 'left alone /etc/selinux/config: changed since the fix run' "$WORK/out" ||
	fail "undo names the file it left alone: $(cat "$WORK/out")"
grep -qx 'SELINUX=permissive' "$T/etc/selinux/config" || fail "undo overwrote the edit"
gp undo --root "$T" --force
expect_rc 0 "undo --force"
snapshot "$T" >"$WORK/after-force"
cmp -s "$WORK/before" "$WORK/after-force" || { fail "undo --force is not byte for byte"; diff "$WORK/before" "$WORK/after-force" >&2; }

# Killed after each step of the journal, then undone: nothing is lost.
step=1
while [ "$step" -le 12 ]; do
	fresh
	GUESTPREP_JOURNAL_STOP_AFTER=$step gp fix --root "$T" $STABLE --yes --format json
	if [ "$rc" -ne 99 ]; then
		[ "$step" -gt 1 ] || fail "the stop hook did not stop the run (exit $rc)"
		break	# ran to the end: every step was covered
	fi
	gp undo --root "$T"
	case $rc in 0) ;; *) fail "undo after step $step: exit $rc"; cat "$WORK/out" "$WORK/err" >&2 ;; esac
	snapshot "$T" >"$WORK/after-kill"
	cmp -s "$WORK/before" "$WORK/after-kill" || { fail "killed after step $step, undo is not byte for byte"; diff "$WORK/before" "$WORK/after-kill" >&2; }
	step=$((step + 1))
done
pass "interrupted after each of $((step - 1)) steps and undone"

finish
