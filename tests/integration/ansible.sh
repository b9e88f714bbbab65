#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible example (contrib/ansible) run for real against localhost
# (-c local) with the freshly built binary on fixture trees (--root), so
# the verdicts are known: a ready tree passes, a broken one fails the
# host, and the fix play reports "changed" once, then nothing.
. "$TESTS_LIB"

command -v ansible-playbook >/dev/null ||
	{ echo "ansible-playbook is needed (apt-get install ansible-core)"; exit 77; }

PLAYS=$(cd "$(dirname "$0")/../../contrib/ansible" && pwd)
T="$WORK/tree"
BIN="$WORK/bin/guestprep"
# cloud-init is absent from the fixture and free space is the host's.
SKIP='["--skip", "disk_space,cloud_init"]'

export ANSIBLE_LOCAL_TEMP="$WORK/ansible-local" ANSIBLE_REMOTE_TEMP="$WORK/ansible-remote"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_FORCE_COLOR=0
# Whatever ansible.cfg the machine has is not this test's.
export ANSIBLE_HOME="$WORK/ansible-home" ANSIBLE_CONFIG="$WORK/ansible.cfg"
: >"$WORK/ansible.cfg"
mkdir -p "$WORK/bin"

# play PLAYBOOK: run it on localhost; sets $rc, output in $WORK/play.
play() {
	timeout 300 ansible-playbook -i localhost, -c local \
		-e ansible_python_interpreter=/usr/bin/python3 \
		-e guestprep_become=false \
		-e "guestprep_binary_src=$GUESTPREP" -e "guestprep_path=$BIN" \
		-e "guestprep_root=$T" -e "{\"guestprep_options\": $SKIP}" \
		-e "guestprep_report_path=$WORK/report.json" \
		"$PLAYS/$1" >"$WORK/play" 2>&1
	rc=$?
}

# recap KEY: the count of the recap line's KEY (ok, changed, failed).
recap() {
	sed -n "s/^localhost *:.* $1=\([0-9]*\).*/\1/p" "$WORK/play"
}

# task_status NAME: "ok", "changed", "skipping", "fatal" of that task.
task_status() {
	awk -v t="TASK [guestprep : $1]" '
		index($0, t) == 1 { found = 1; next }
		found && /^(ok|changed|skipping|fatal):/ { sub(/:.*/, ""); print; exit }
	' "$WORK/play"
}

show() {
	sed 's/^/    play: /' "$WORK/play" >&2
}

expect_play() {
	local want=$1 what=$2

	if [ "$rc" -eq "$want" ]; then
		pass "$what (ansible-playbook exit $rc)"
	else
		fail "$what: ansible-playbook exit $rc, expected $want"
		show
	fi
}

expect_task() {
	local task=$1 want=$2 got

	got=$(task_status "$task")
	if [ "$got" = "$want" ]; then
		pass "task \"$task\" is $want"
	else
		fail "task \"$task\" is \"$got\", expected $want"
		show
	fi
}

fresh() {
	rm -rf "$T"
	mkdir -p "$T" && cp -a "$FIXTURES/distros/centos7/." "$T/"
	chmod -R u+w "$T"
}

# 1. A ready CentOS 7 tree: the check play passes, the binary is copied.
fresh
play check.yml
expect_play 0 "check play on a ready tree"
expect_task "Check the system" ok
expect_task "Fix what can be fixed" skipping
[ -x "$BIN" ] && pass "binary copied" || fail "binary not copied to $BIN"
[ "$(jq -r .summary.verdict "$WORK/report.json")" = ready ] &&
	pass "report kept on the host says ready" ||
	fail "report kept on the host: $(jq -c .summary "$WORK/report.json")"
play check.yml
expect_play 0 "check play again"
[ "$(recap changed)" = 0 ] && pass "nothing changed the second time" ||
	{ fail "changed=$(recap changed) on a second check play"; show; }

# 2. The same tree with SELinux enforcing: the host fails.
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' >"$T/etc/selinux/config"
cp "$T/etc/selinux/config" "$WORK/selinux.before"
play check.yml
expect_play 2 "check play on a broken tree fails the host"
expect_task "Fail when the host is not ready" fatal
[ "$(recap failed)" = 1 ] && pass "recap counts the host failed" ||
	fail "recap failed=$(recap failed)"
grep -q 'selinux.config' "$WORK/play" && pass "failure names selinux.config" ||
	{ fail "failure does not name selinux.config"; show; }
cmp -s "$T/etc/selinux/config" "$WORK/selinux.before" &&
	pass "the check play changed nothing" ||
	fail "the check play changed /etc/selinux/config"

# 3. The fix play mends it (changed), then has nothing to do (ok).
play fix.yml
expect_play 0 "fix play on the broken tree"
expect_task "Fix what can be fixed" changed
[ "$(jq -r .summary.verdict "$WORK/report.json")" = ready ] &&
	pass "fixed tree is ready" ||
	fail "after fix: $(jq -c .summary "$WORK/report.json")"
grep -q '^SELINUX=enforcing' "$T/etc/selinux/config" &&
	fail "SELINUX still enforcing after the fix play" ||
	pass "SELinux no longer enforcing"
play fix.yml
expect_play 0 "fix play again"
expect_task "Fix what can be fixed" ok
# The kept report changed once more ("changed": false now); then nothing.
play fix.yml
[ "$(recap changed)" = 0 ] && pass "third fix play changed nothing at all" ||
	{ fail "changed=$(recap changed) on the third fix play"; show; }

# 4. A usage error (exit 64) is not a verdict: the task itself fails.
SKIP='["--only", "no_such_check"]'
play check.yml
expect_play 2 "a usage error fails the host"
expect_task "Check the system" fatal

finish
