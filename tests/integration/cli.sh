#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line as users and configuration management see it: the
# commands, exit codes, the JSON contract, text output, configuration
# errors, --output.
. "$TESTS_LIB"

# A tree that passes every check but disk space (whose numbers are the
# build machine's): skip that, for stable verdicts.
READY="$FIXTURES/distros/centos7"
# cloud-init is absent from these trees (a warning): leave it out too.
STABLE="--skip disk_space,cloud_init"

gp version
expect_rc 0 "version"
grep -q '^guestprep [0-9]' "$WORK/out" || fail "version output"

gp --help
expect_rc 0 "--help"
grep -q 'Exit status' "$WORK/out" || fail "--help lists exit codes"

gp list
expect_rc 0 "list"
for id in os.identified os.platform os.architecture selinux.config \
	selinux.cmdline selinux.live system_files.issue system_files.fstab \
	system_files.bootloader system_files.dirs system_files.shadow \
	disk_space.free disk_space.inodes; do
	grep -q "^  $id " "$WORK/out" || fail "list lacks $id"
done

# Usage errors are 64, whatever is wrong.
for args in "frobnicate" "check --bogus" "check --format xml" \
	"check --only nonesuch" "check --skip os.nonesuch" \
	"check --root /nonexistent/dir" "check --profile nonesuch" \
	"check --set sshd.port=abc" "check --config /nonexistent.conf"; do
	# shellcheck disable=SC2086
	gp $args
	expect_rc 64 "usage error: $args"
done

# A bad configuration file names its line.
printf 'profile = alibaba\nformat = yaml\n' >"$WORK/bad.conf"
gp check --config "$WORK/bad.conf" --root "$READY"
expect_rc 64 "bad configuration"
grep -q "bad.conf:2:" "$WORK/err" || fail "configuration error names the line"

# Exit codes follow the verdict: ready, warnings, not ready.
gp check --root "$READY" $STABLE --format json
expect_rc 0 "ready tree"
[ "$(jq -r .summary.verdict "$WORK/out")" = ready ] || fail "verdict ready"

gp check --root "$READY" $STABLE --format json --set os.unlisted_version=warn \
	--set versions.CentOS=6
expect_rc 1 "ready with warnings"
[ "$(jq -r .summary.verdict "$WORK/out")" = warnings ] || fail "verdict warnings"

gp check --root "$READY" $STABLE --format json --set versions.CentOS=6 \
	--set os.unlisted_version=fail
expect_rc 2 "not ready"
[ "$(jq -r .summary.verdict "$WORK/out")" = not-ready ] || fail "verdict not-ready"

# The JSON report keeps every name of the contract in DESIGN.md.
gp check --root "$READY" --format json
jq -e '
	.schema == "guestprep-report/1" and
	.tool.name == "guestprep" and (.tool.version | type) == "string" and
	.mode == "check" and .profile == "alibaba" and
	(.root | type) == "string" and
	(.host.os | has("family") and has("id") and has("version") and
		has("pretty") and has("platform") and has("supported")) and
	(.host | has("arch") and has("kernel") and has("boot")) and
	(.findings | length) > 0 and
	(.findings | all(has("id") and has("plugin") and has("status") and
		has("message") and has("evidence") and has("remediation") and
		has("fixable"))) and
	(.findings | all(.plugin as $p | .id | startswith($p + "."))) and
	(.changes | type) == "array" and
	(.summary | has("verdict") and has("pass") and has("warn") and
		has("fail") and has("skip") and has("error") and has("changed")) and
	(.import | has("platform") and has("os_type") and
		has("architecture") and has("system_disk_gib") and has("format"))
' "$WORK/out" >/dev/null || fail "JSON contract"
[ "$(jq -r .import.platform "$WORK/out")" = CentOS ] || fail "import platform"
[ "$(jq -r .import.os_type "$WORK/out")" = linux ] || fail "import os_type"
[ "$(jq -r .import.format "$WORK/out")" = qcow2 ] || fail "import format"
[ "$(jq -r '.summary.pass + .summary.warn + .summary.fail + .summary.skip + .summary.error' "$WORK/out")" = \
  "$(jq -r '.findings | length' "$WORK/out")" ] || fail "summary counts"

# Text: findings, details under failures, verdict; no colour off a tty.
gp check --root "$READY" --set versions.CentOS=6 --set os.unlisted_version=fail
expect_rc 2 "text report"
grep -q '^FAIL  os.platform ' "$WORK/out" || fail "text finding line"
grep -q '^NOT READY: ' "$WORK/out" || fail "text verdict"
grep -q 'documented release of CentOS: 6' "$WORK/out" || fail "evidence under failure"
grep -q "$(printf '\033')" "$WORK/out" && fail "colour without a tty"
gp check --root "$READY" --color always
grep -q "$(printf '\033')\[" "$WORK/out" || fail "--color always"

# --only and --skip select findings.
gp check --root "$READY" --format json --only selinux.config,os.platform
[ "$(jq -r '[.findings[].id] | join(" ")' "$WORK/out")" = "os.platform selinux.config" ] ||
	fail "--only"

# --output replaces the file whole, and nothing else is left behind.
gp check --root "$READY" --format json --output "$WORK/report.json"
jq -e .summary "$WORK/report.json" >/dev/null || fail "--output JSON"
[ -s "$WORK/out" ] && fail "--output also wrote to stdout"
ls "$WORK" | grep -q 'report.json.' && fail "--output left a temporary file"

# The configuration file sets defaults; the command line wins.
printf 'format = json\nskip = disk_space, cloud_init\n' >"$WORK/good.conf"
gp check --config "$WORK/good.conf" --root "$READY"
expect_rc 0 "configuration file"
jq -e '.findings | all(.plugin != "disk_space")' "$WORK/out" >/dev/null ||
	fail "configuration skip"
gp check --config "$WORK/good.conf" --root "$READY" --format text
grep -q '^READY' "$WORK/out" || fail "command line wins over configuration"

# list names the site checks that check would run, and those it would
# refuse with the reason, without running any.
mkdir "$WORK/checks" "$WORK/nochecks"
printf '#!/bin/sh\ntouch "%s"\n%s\n' "$WORK/ran" \
	"echo '{\"findings\": [{\"status\": \"pass\", \"message\": \"ran\"}]}'" \
	>"$WORK/checks/probe"
chmod 0755 "$WORK/checks/probe"
cp -p "$WORK/checks/probe" "$WORK/checks/probe.bak"
cp "$WORK/checks/probe" "$WORK/checks/off"
chmod 0644 "$WORK/checks/off"
# listed ID PATH [WORD]: list printed "  ID PATH", or "  ID PATH WORD ...".
listed() {
	awk -v id="$1" -v p="$2" -v w="${3:-}" '
		$1 == id && $2 == p && (w == "" ? NF == 2 : $3 == w) { f = 1 }
		END { exit !f }' "$WORK/out"
}
gp list --root "$READY" --checks-dir "$WORK/checks"
expect_rc 0 "list --checks-dir"
grep -q '^  os.platform ' "$WORK/out" || fail "list --checks-dir lacks the plugins"
grep -q "^site .* $WORK/checks\$" "$WORK/out" || fail "list names the checks directory"
listed site.probe "$WORK/checks/probe" || fail "list names the site check"
listed site.ignored "$WORK/checks/off" is || fail "list names the non-executable check"
listed site.ignored "$WORK/checks/probe.bak" is || fail "list names the backup file"
[ "$(grep -c '^  site\.' "$WORK/out")" -eq 3 ] || fail "list: other site entries"
[ -e "$WORK/ran" ] && fail "list ran a site check"
gp check --root "$READY" --checks-dir "$WORK/checks" --only site --format json
expect_rc 1 "check --checks-dir (a warning for the refused entries)"
[ "$(jq -r '[.findings[] | .id + "=" + .status] | sort | join(" ")' "$WORK/out")" = \
  "site.ignored=warn site.probe=pass" ] || fail "check runs what list named"
[ "$(jq '.findings[] | select(.id == "site.ignored") | .evidence | length' \
  "$WORK/out")" = 2 ] || fail "check refuses what list refused"
[ -e "$WORK/ran" ] || fail "check did not run the site check"
# Offline, without --checks-dir: the entry is there, with nothing in it.
gp list --root "$READY"
grep -q '^site ' "$WORK/out" || fail "list lacks the site entry"
grep -q '^  site\.' "$WORK/out" && fail "list names site checks of an offline tree"

# The configuration file names the directory and the timeout; the command
# line wins over both.
rm -f "$WORK/checks/off" "$WORK/checks/probe.bak" "$WORK/ran"
printf '#!/bin/sh\nsleep 2\n%s\n' \
	"echo '{\"findings\": [{\"status\": \"pass\", \"message\": \"slow\"}]}'" \
	>"$WORK/checks/slow"
chmod 0755 "$WORK/checks/slow"
printf 'checks-dir = %s\nchecks-timeout = 1\n' "$WORK/checks" >"$WORK/site.conf"
gp list --config "$WORK/site.conf" --root "$READY"
listed site.slow "$WORK/checks/slow" || fail "list: checks-dir from the file"
gp list --config "$WORK/site.conf" --root "$READY" --checks-dir "$WORK/nochecks"
grep -q '^  site\.' "$WORK/out" && fail "list: --checks-dir does not win"
gp check --config "$WORK/site.conf" --root "$READY" --only site --format json
[ "$(jq -r '[.findings[] | .id + "=" + .status] | sort | join(" ")' "$WORK/out")" = \
  "site.probe=pass site.slow=error" ] || fail "checks-timeout from the file"
gp check --config "$WORK/site.conf" --root "$READY" --only site --format json \
	--checks-timeout 10
expect_rc 0 "--checks-timeout wins over the file"
[ "$(jq -r '[.findings[] | .id + "=" + .status] | sort | join(" ")' "$WORK/out")" = \
  "site.probe=pass site.slow=pass" ] || fail "--checks-timeout wins over the file"

# Bad values are usage errors; those of the file name the line.
for bad in 'checks-timeout = 0' 'checks-timeout = soon' \
	'checks-timeout = 86401' 'checks-dir = relative/checks'; do
	printf 'format = json\n%s\n' "$bad" >"$WORK/bad-site.conf"
	for cmd in check list; do
		gp "$cmd" --config "$WORK/bad-site.conf" --root "$READY"
		expect_rc 64 "$cmd: configuration '$bad'"
		grep -q 'bad-site.conf:2:' "$WORK/err" ||
			fail "$cmd: configuration error names the line: $bad"
	done
done
for args in "check --checks-timeout 0" "list --checks-timeout x" \
	"list --checks-dir /nonexistent/dir"; do
	# shellcheck disable=SC2086
	gp $args --root "$READY"
	expect_rc 64 "usage error: $args"
done

# The live system: any verdict, never a usage or internal error.
gp check --format json
case $rc in 0|1|2) pass "live check (exit $rc)" ;; *) fail "live check exit $rc"; cat "$WORK/err" >&2 ;; esac
jq -e '.root == "/" and .host.live == true' "$WORK/out" >/dev/null || fail "live JSON"

finish
