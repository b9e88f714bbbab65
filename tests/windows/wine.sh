#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# windows: mingw.  guestprep.exe under wine, against a registry prepared
# with `wine reg`: a Windows Server 2019 that imports (but for the QEMU
# guest agent), then Remote Desktop denied and the agent removed.  Also
# version, list, --help, the usage errors of --root, --output, password
# from a pipe; then fix, history and undo of the registry values the
# fixers change (each checked with `wine reg query`).  Exit codes must
# come through wine unchanged.  File names beyond the ANSI code page
# (--config, --output, --checks-dir under "Zoë 报告"), and such text on
# the console (a pty, through script(1)).  Site checks: .cmd files that
# pass, fail, print garbage, print nothing, loop past the timeout, and
# entries refused by name, type or DACL; a Windows program as a check
# (WINDOWS_SITECHECK); the default C:\ProgramData\guestprep\checks.d.
#
# WINDOWS_EXE: the guestprep.exe to test (`make windows-check` sets it).
# WINDOWS_SITECHECK: tests/windows/sitecheck.exe of the same build (as
# `make windows-check` sets it; without it the .exe check is skipped).
# WINE: the wine loader for 64-bit programs (default: wine64 on the PATH,
# then Debian's /usr/lib/wine/wine64, then wine).  Skips (77) only when
# there is no wine or it cannot start a fresh prefix.

set -u

: "${WINDOWS_EXE:?set WINDOWS_EXE to guestprep.exe (make windows-check)}"

skip() {
	echo "SKIP: $*"
	exit 77
}

command -v jq >/dev/null || skip "jq is needed (apt-get install jq)"
test -f "$WINDOWS_EXE" || skip "no $WINDOWS_EXE (make windows)"
if [ -z "${WINE:-}" ]; then
	for w in wine64 /usr/lib/wine/wine64 wine; do
		if command -v "$w" >/dev/null 2>&1; then
			WINE=$w
			break
		fi
	done
fi
[ -n "${WINE:-}" ] || skip "wine is not installed (apt-get install wine wine64)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/guestprep-wine.XXXXXX")
WINEPREFIX=$WORK/prefix
WINEDEBUG=-all
# Wine turns arguments into UTF-16 and console text back by the locale:
# names like "报告.json" need a UTF-8 one.
UTF8=
for l in C.UTF-8 C.utf8; do
	if locale -a 2>/dev/null | grep -qx "$l"; then
		LC_ALL=$l
		UTF8=yes
		export LC_ALL
		break
	fi
done
# No Mono or Gecko installer prompts in a fresh prefix.
WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
cleanup() {
	wineserver -k >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
pass() {
	echo "ok: $*"
}

# gp ARGS...: guestprep.exe under wine; sets $rc, $WORK/out, $WORK/err.
# Windows ends lines with CRLF: the CR goes, for grep and jq alike.
gp() {
	timeout 120 "$WINE" "$WINDOWS_EXE" "$@" >"$WORK/out.raw" 2>"$WORK/err.raw"
	rc=$?
	tr -d '\r' <"$WORK/out.raw" >"$WORK/out"
	tr -d '\r' <"$WORK/err.raw" >"$WORK/err"
}

expect_rc() {
	if [ "$rc" -eq "$1" ]; then
		pass "$2 (exit $rc)"
	else
		fail "$2: exit $rc, expected $1"
		sed 's/^/    stderr: /' "$WORK/err" >&2
	fi
}

# expect_status ID STATUS: in the JSON report in $WORK/out.
expect_status() {
	got=$(jq -r --arg id "$1" \
		'[.findings[] | select(.id == $id) | .status] | join(",")' \
		"$WORK/out" 2>/dev/null)
	if [ "$got" = "$2" ]; then
		pass "$1 is $2"
	else
		fail "$1 is \"$got\", expected $2"
		jq -c --arg id "$1" '.findings[] | select(.id == $id)' \
			"$WORK/out" >&2 2>/dev/null
	fi
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	if grep -q -- "$1" "$2"; then
		pass "$3"
	else
		fail "$3: no \"$1\" in:"
		sed 's/^/    /' "$2" >&2
	fi
}

# The exit code the report's verdict calls for.
verdict_rc() {
	case $(jq -r .summary.verdict "$WORK/out") in
	ready) echo 0 ;;
	warnings) echo 1 ;;
	*) echo 2 ;;
	esac
}

reg() {
	timeout 60 "$WINE" reg "$@" >"$WORK/reg.log" 2>&1 ||
		fail "wine reg $*: $(tr -d '\r' <"$WORK/reg.log")"
}

echo "wine: $WINE ($("$WINE" --version 2>/dev/null | tr -d '\r'))"
timeout 300 "$WINE" wineboot -i >"$WORK/wineboot.log" 2>&1 ||
	skip "wine cannot start a prefix: $(tail -n 3 "$WORK/wineboot.log")"
timeout 60 "$WINE" cmd /c exit 0 >/dev/null 2>&1 ||
	skip "wine cannot run a 64-bit program ($WINE)"
# One wineserver for the whole test (cleanup ends it): otherwise it quits
# 3 s after each program, and every wine call after a pause starts it and
# Wine's services again, which is slow and a race of its own.
wineserver -p >/dev/null 2>&1 || true

# ---- commands that look at nothing ---------------------------------------
gp version
expect_rc 0 "version"
expect_grep '^guestprep [0-9]' "$WORK/out" "version names guestprep"
expect_grep '^features:.*win32' "$WORK/out" "version lists the win32 feature"
gp --help
expect_rc 0 "--help"
expect_grep 'Usage: guestprep check' "$WORK/out" "--help shows the usage"
gp list
expect_rc 0 "list"
expect_grep 'windows_rdp\.enabled' "$WORK/out" "list has the Windows checks"
if grep -q '^sshd ' "$WORK/out"; then
	fail "list has the Linux plugins"
else
	pass "list has no Linux plugin"
fi
gp check --root 'C:\'
expect_rc 64 "check --root"
expect_grep 'root is not available in guestprep.exe' "$WORK/err" \
	"--root is refused"
# No journal yet in C:\ProgramData\guestprep.
gp history
expect_rc 0 "history before any fix run"
expect_grep 'No fix runs recorded' "$WORK/out" "history: no runs yet"
gp undo
expect_rc 0 "undo before any fix run"
expect_grep 'Nothing to undo' "$WORK/out" "undo: nothing to undo yet"
gp check --only nosuch.check
expect_rc 64 "check --only with an unknown check"
gp check --format yaml
expect_rc 64 "check --format yaml"

# ---- password from a pipe --------------------------------------------------
printf 'Guest-Prep2019\n' | timeout 60 "$WINE" "$WINDOWS_EXE" password \
	>"$WORK/out" 2>"$WORK/err"
rc=$?
expect_rc 0 "a strong password is accepted"
printf 'password\n' | timeout 60 "$WINE" "$WINDOWS_EXE" password -f json \
	>"$WORK/out.raw" 2>"$WORK/err"
rc=$?
expect_rc 2 "a weak password is rejected"
tr -d '\r' <"$WORK/out.raw" >"$WORK/out"
if jq -e . "$WORK/out" >/dev/null 2>&1; then
	pass "password -f json writes JSON"
else
	fail "password -f json: not JSON: $(cat "$WORK/out")"
fi
timeout 60 "$WINE" "$WINDOWS_EXE" password </dev/null >/dev/null 2>&1
rc=$?
expect_rc 64 "no password on standard input"

# ---- a Windows Server 2019 ready but for the QEMU guest agent --------------
CV='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
CCS='HKLM\SYSTEM\CurrentControlSet'
TS="$CCS\\Control\\Terminal Server"
FW="$CCS\\Services\\SharedAccess\\Parameters\\FirewallPolicy"
reg add "$CV" /v ProductName /t REG_SZ /d "Windows Server 2019 Datacenter" /f
reg add "$CV" /v CurrentVersion /t REG_SZ /d 6.3 /f
reg add "$CV" /v CurrentBuildNumber /t REG_SZ /d 17763 /f
reg add "$CV" /v CurrentBuild /t REG_SZ /d 17763 /f
reg add "$CV" /v CurrentMajorVersionNumber /t REG_DWORD /d 10 /f
reg add "$CV" /v CurrentMinorVersionNumber /t REG_DWORD /d 0 /f
reg add "$CV" /v EditionID /t REG_SZ /d ServerDatacenter /f
reg add "$CV" /v InstallationType /t REG_SZ /d Server /f
"$WINE" reg delete "$CV" /v CSDVersion /f >/dev/null 2>&1
reg add "$CCS\\Control\\ProductOptions" /v ProductType /t REG_SZ /d ServerNT /f
reg add "$TS" /v fDenyTSConnections /t REG_DWORD /d 0 /f
reg add "$TS\\WinStations\\RDP-Tcp" /v PortNumber /t REG_DWORD /d 3389 /f
for p in DomainProfile StandardProfile PublicProfile; do
	reg add "$FW\\$p" /v EnableFirewall /t REG_DWORD /d 1 /f
done
reg add "$FW\\FirewallRules" /v RemoteDesktop-UserMode-In-TCP /t REG_SZ /f /d \
	'v2.20|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|App=%SystemRoot%\system32\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|'
# virtio-win's drivers as their INFs install them, with their files.
driver() {
	reg add "$CCS\\Services\\$1" /v Type /t REG_DWORD /d 1 /f
	reg add "$CCS\\Services\\$1" /v Start /t REG_DWORD /d "$2" /f
	reg add "$CCS\\Services\\$1" /v ErrorControl /t REG_DWORD /d 1 /f
	reg add "$CCS\\Services\\$1" /v ImagePath /t REG_EXPAND_SZ /f \
		/d "\\SystemRoot\\System32\\drivers\\$1.sys"
	reg add "$CCS\\Services\\$1" /v Group /t REG_SZ /d "$3" /f
	printf 'MZ\220' >"$WINEPREFIX/drive_c/windows/system32/drivers/$1.sys"
}
driver viostor 0 "SCSI miniport"
driver netkvm 3 NDIS
reg add "$CCS\\Services\\QEMU-GA" /v Start /t REG_DWORD /d 2 /f
reg add "$CCS\\Services\\QEMU-GA" /v ImagePath /t REG_EXPAND_SZ /f \
	/d '"C:\Program Files\Qemu-ga\qemu-ga.exe" -d'

gp check --format json
expect_rc 2 "check of a server with the QEMU guest agent"
if jq -e . "$WORK/out" >/dev/null 2>&1; then
	pass "check --format json writes JSON"
	cp "$WORK/out" "$WORK/first.json"
else
	fail "check --format json: not JSON"
fi
expect_status windows_os.version pass
expect_status windows_os.architecture pass
expect_status windows_rdp.enabled pass
expect_status windows_rdp.port pass
expect_status windows_rdp.firewall pass
expect_status windows_virtio.storage pass
expect_status windows_virtio.network pass
expect_status windows_qemu_ga.installed fail
expect_status disk_space.inodes pass
# No --disk, and wine has no \\.\PhysicalDrive0: the disk checks skip.
for id in windows_disk.partition_table windows_disk.filesystem \
	windows_disk.size; do
	got=$(jq -r --arg id "$id" '.findings[] | select(.id == $id) | .status' \
		"$WORK/out")
	case $got in
	pass | fail | skip) pass "$id is $got" ;;
	*) fail "$id is \"$got\"" ;;
	esac
done
echo "host: $(jq -c .host "$WORK/out")"
for q in '.host.os.family == "windows"' '.host.arch == "x86_64"' \
	'.host.os.pretty == "Windows Server 2019 Datacenter"' \
	'.host.os.edition == "ServerDatacenter"' \
	'.import.platform == "Windows Server 2019"' \
	'.import.os_type == "windows"' '.root == "/"' \
	'[.findings[].plugin] | all(test("^(windows_|disk_space$)"))'; do
	if jq -e "$q" "$WORK/out" >/dev/null; then
		pass "report: $q"
	else
		fail "report: not $q"
	fi
done

# ---- Remote Desktop denied, the agent gone ---------------------------------
reg add "$TS" /v fDenyTSConnections /t REG_DWORD /d 1 /f
reg delete "$CCS\\Services\\QEMU-GA" /f
gp check --format json
expect_rc 2 "check with Remote Desktop denied"
expect_status windows_rdp.enabled fail
expect_status windows_qemu_ga.installed pass
expect_status windows_os.version pass
expect_status windows_virtio.storage pass
test "$rc" -eq "$(verdict_rc)" || fail "exit $rc does not match the verdict"

# ---- and allowed again: a ready server --------------------------------------
reg add "$TS" /v fDenyTSConnections /t REG_DWORD /d 0 /f
gp check --format json --only windows_os,windows_rdp,windows_virtio,windows_qemu_ga
expect_rc 0 "check of a ready server"
expect_grep '"verdict": *"ready"' "$WORK/out" "the verdict is ready"

# ---- options: --output, --set, --profile, --skip, text ---------------------
out_win="Z:$(echo "$WORK/report.json" | tr / '\\')"
echo stale >"$WORK/report.json"
gp check --format json --output "$out_win" --skip disk_space,windows_disk
expect_rc 0 "check --output over an existing file"
tr -d '\r' <"$WORK/report.json" >"$WORK/out"
if jq -e '.summary.verdict == "ready"' "$WORK/out" >/dev/null 2>&1; then
	pass "--output wrote the report"
else
	fail "--output: $(head -c 200 "$WORK/report.json")"
fi
if ls "$WORK"/report.json.* >/dev/null 2>&1; then
	fail "--output left a temporary file"
else
	pass "--output left no temporary file"
fi
gp check --format json --only windows_rdp --set windows.rdp_port=3390
expect_rc 2 "check --set windows.rdp_port=3390"
expect_status windows_rdp.port fail
gp check --format json --profile alibaba-2018 --only windows_os
case $rc in
0 | 1 | 2) pass "check --profile alibaba-2018 (exit $rc)" ;;
*) fail "check --profile alibaba-2018: exit $rc" ;;
esac
gp check --only windows_rdp --color never
expect_rc 0 "check --format text"
expect_grep 'windows_rdp\.enabled' "$WORK/out" "the text report names the findings"

# ---- file names beyond the ANSI code page -----------------------------------
# Windows' ANSI code page (1252 here) has no 报告: through it, the name
# would arrive as "??.json", or not at all.
# winpath PATH: the Windows name of a Unix path (wine's Z: drive).
winpath() {
	printf 'Z:%s' "$1" | tr / '\\'
}
# console OUT ARGS...: guestprep.exe on a pty, a console to wine; OUT
# gets what reached the terminal, without wine's cursor sequences.
console() {
	out=$1
	shift
	GP_WINE=$WINE GP_EXE=$WINDOWS_EXE timeout 120 script -qec \
		"\"\$GP_WINE\" \"\$GP_EXE\" $*" /dev/null </dev/null \
		>"$out.raw" 2>&1
	sed 's/\x1b\[[0-9]*C/ /g; s/\x1b\[[?0-9;]*[a-zA-Z]//g; s/\r//g' \
		"$out.raw" >"$out"
}
if [ -n "$UTF8" ]; then
	UNI="$WORK/Zoë 报告"
	mkdir -p "$UNI/checks"
	printf 'format = json\nonly = windows_rdp,site\n' >"$UNI/guestprep.conf"
	# The message as \u escapes: the .cmd file itself stays ASCII.
	printf '@echo {"findings": [{"id": "text", "status": "pass", "message": "Zo\\u00eb \\u62a5\\u544a"}]}\r\n' \
		>"$UNI/checks/unicode.cmd"
	echo 'not a check' >"$UNI/checks/readme.txt"
	gp check --config "$(winpath "$UNI/guestprep.conf")" \
		--checks-dir "$(winpath "$UNI/checks")" \
		--output "$(winpath "$UNI/报告.json")"
	expect_rc 1 "check --config, --checks-dir, --output under \"Zoë 报告\""
	if [ -f "$UNI/报告.json" ]; then
		pass "--output wrote 报告.json"
	else
		fail "--output: no 报告.json in: $(ls "$UNI")"
	fi
	names=$(cd "$UNI" && ls | tr '\n' ' ')
	if [ "$names" = "checks guestprep.conf 报告.json " ]; then
		pass "nothing else was written beside it"
	else
		fail "files beside the report: $names"
	fi
	tr -d '\r' <"$UNI/报告.json" >"$WORK/out" 2>/dev/null
	for q in '[.findings[].plugin] | all(. == "windows_rdp" or . == "site")' \
		'.findings[] | select(.id == "site.unicode.text") | .message == "Zoë 报告"' \
		'.findings[] | select(.id == "site.ignored") | .evidence[0] | test("^Z:.*Zoë 报告.checks.readme.txt is not")'; do
		if jq -e "$q" "$WORK/out" >/dev/null 2>&1; then
			pass "report: $q"
		else
			fail "report: not $q"
			head -c 2000 "$WORK/out" >&2
		fi
	done
	# checks-dir in the configuration file: a drive-letter path is
	# absolute to guestprep.exe.
	printf 'format = json\nonly = site\nchecks-dir = %s\n' \
		"$(winpath "$UNI/checks")" >"$UNI/drive.conf"
	gp check --config "$(winpath "$UNI/drive.conf")"
	expect_rc 1 "checks-dir = Z:\\... in the configuration file"
	expect_status site.unicode.text pass
	rm -f "$UNI/drive.conf"
	if command -v script >/dev/null; then
		console "$WORK/tty" check --only site --color never \
			--checks-dir "'$(winpath "$UNI/checks")'"
		expect_grep 'site\.unicode\.text.*Zoë 报告' "$WORK/tty" \
			"the console shows the report's Zoë 报告"
		# JSON is written a character at a time.
		console "$WORK/tty" check --only site --format json \
			--checks-dir "'$(winpath "$UNI/checks")'"
		expect_grep '"message": "Zoë 报告"' "$WORK/tty" \
			"the console shows the JSON report's Zoë 报告"
		console "$WORK/tty" check \
			--config "'$(winpath "$UNI/none.conf")'"
		expect_grep 'Zoë 报告.none\.conf: no such file' "$WORK/tty" \
			"the console shows an error's Zoë 报告"
	else
		echo "note: no script(1): console output not tested"
	fi
else
	echo "note: no UTF-8 locale: non-ASCII file names not tested"
fi

# ---- site checks ---------------------------------------------------------------
CHK="$WORK/checks"
mkdir -p "$CHK/sub.cmd"
# check NAME BODY: a .cmd check (CRLF, as cmd.exe expects).
check() {
	printf '%s\r\n' "$2" >"$CHK/$1"
}
check pass.cmd '@echo {"findings": [{"id": "ok", "status": "pass", "message": "all is well", "evidence": ["seen"]}]}'
check fail.cmd '@echo {"findings": [{"status": "fail", "message": "not so"}]}
@exit /b 2'
check garbled.cmd '@echo this is not JSON'
check silent.cmd '@exit /b 3'
check slow.cmd '@echo off
:loop
goto loop'
check 'old~.cmd' '@echo {"findings": []}'
check open.cmd '@echo {"findings": []}'
chmod o+w "$CHK/open.cmd" # wine: Everyone may write it
echo notes >"$CHK/notes.txt"
if [ -f "${WINDOWS_SITECHECK:-}" ]; then
	cp "$WINDOWS_SITECHECK" "$CHK/env.exe"
fi
gp check --format json --only site --checks-dir "$(winpath "$CHK")" \
	--checks-timeout 2
expect_rc 2 "check of the site checks"
expect_status site.pass.ok pass
expect_status site.fail fail
expect_status site.garbled error
expect_status site.silent error
expect_status site.slow error
expect_status site.ignored warn
# msg ID PATTERN WHAT: the message of finding ID.
msg() {
	got=$(jq -r --arg id "$1" '.findings[] | select(.id == $id) | .message' \
		"$WORK/out")
	case $got in
	$2) pass "$3" ;;
	*) fail "$3: \"$got\"" ;;
	esac
}
msg site.garbled '*printed an invalid report*' "garbage is an invalid report"
msg site.silent '*exited with status 3 and printed no report' \
	"a failure without a report is an error"
msg site.slow '*timed out after 2 s' "the loop is stopped by the timeout"
msg site.ignored '4 entries of *checks were not run' "four entries are refused"
ev=$(jq -r '.findings[] | select(.id == "site.ignored") | .evidence[]' \
	"$WORK/out")
for want in 'old~.cmd is not NAME.exe' 'notes.txt is not NAME.exe' \
	'open.cmd is writable by Everyone' 'sub.cmd is not a regular file'; do
	case $ev in
	*"$want"*) pass "refused: $want" ;;
	*) fail "not refused: $want: $ev" ;;
	esac
done
if [ -f "$CHK/env.exe" ]; then
	expect_status site.env.env pass
	got=$(jq -c '.findings[] | select(.id == "site.env.env") | .evidence' \
		"$WORK/out")
	if [ "$got" = '["root=C:\\","cwd=C:\\","stdin=0 bytes"]' ]; then
		pass "a program runs in C:\\ with GUESTPREP_ROOT and empty stdin"
	else
		fail "the program saw $got"
	fi
else
	echo "note: no WINDOWS_SITECHECK: no .exe check run"
fi
# Wine's powershell.exe is a stub that runs nothing: a .ps1 is only listed.
printf 'Write-Output "{`"findings`": []}"\r\n' >"$CHK/probe.ps1"
gp list --checks-dir "$(winpath "$CHK")"
rm -f "$CHK/probe.ps1"
expect_rc 0 "list --checks-dir"
expect_grep '^  site\.probe  *Z:.*checks.probe\.ps1$' "$WORK/out" \
	"list shows a PowerShell check"
expect_grep '^site  *site-specific checks: programs in Z:' "$WORK/out" \
	"list names the directory"
expect_grep '^  site\.pass  *Z:.*checks.pass\.cmd$' "$WORK/out" \
	"list shows a check"
expect_grep '^  site\.ignored  *Z:.*open\.cmd is writable by Everyone.*: not run$' \
	"$WORK/out" "list shows a refused check"
# A directory anyone may write to runs nothing.
chmod o+w "$CHK"
gp check --format json --only site --checks-dir "$(winpath "$CHK")"
expect_rc 1 "check of a directory writable by Everyone"
msg site.ignored '1 entry of *checks was not run' \
	"the directory is refused as a whole"
expect_status site.pass.ok ''
chmod o-w "$CHK"

# cmd.exe would expand %PATH% in the path, quotes or not.
PCT="$WORK/100%PATH%"
mkdir -p "$PCT"
cp "$CHK/pass.cmd" "$PCT/"
gp check --format json --only site --checks-dir "$(winpath "$PCT")"
expect_status site.pass error
msg site.pass "*cmd.exe would expand the '%' in its path" \
	"a .cmd under a path with % is not run"

# The default directory, beside guestprep.conf.
PD="$WINEPREFIX/drive_c/ProgramData/guestprep/checks.d"
mkdir -p "$PD"
cp "$CHK/pass.cmd" "$PD/"
gp check --format json --only site
expect_rc 0 "check with C:\\ProgramData\\guestprep\\checks.d"
expect_status site.pass.ok pass
gp list
expect_grep '^  site\.pass  *C:.ProgramData.guestprep.checks\.d.pass\.cmd$' \
	"$WORK/out" "list shows the default directory's check"
rm -rf "$PD"

# ---- fix, history, undo ------------------------------------------------------
# Remote Desktop denied (fDenyTSConnections absent: the fix creates it,
# undo deletes it again), on port 3390, its firewall rule inactive,
# viostor started on demand, the QEMU guest agent started at boot.
RDP_TCP="$TS\\WinStations\\RDP-Tcp"
RULE='v2.20|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=3389|App=%SystemRoot%\system32\svchost.exe|Svc=termservice|Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|'
"$WINE" reg delete "$TS" /v fDenyTSConnections /f >/dev/null 2>&1
reg add "$RDP_TCP" /v PortNumber /t REG_DWORD /d 3390 /f
reg add "$FW\\FirewallRules" /v RemoteDesktop-UserMode-In-TCP /t REG_SZ /f \
	/d "$RULE"
reg add "$CCS\\Services\\viostor" /v Start /t REG_DWORD /d 3 /f
reg add "$CCS\\Services\\QEMU-GA" /v Start /t REG_DWORD /d 2 /f
reg add "$CCS\\Services\\QEMU-GA" /v ImagePath /t REG_EXPAND_SZ /f \
	/d '"C:\Program Files\Qemu-ga\qemu-ga.exe" -d'

# snapshot FILE: the keys the fixers touch, as `reg query` lists them.
# A query that fails leaves a line saying so, never a silently short list.
snapshot() {
	for k in "$TS" "$RDP_TCP" "$FW\\FirewallRules" \
		"$CCS\\Services\\viostor" "$CCS\\Services\\QEMU-GA"; do
		timeout 60 "$WINE" reg query "$k" 2>"$WORK/query.err" ||
			echo "reg query $k failed (exit $?): $(cat "$WORK/query.err")"
	done | tr -d '\r' >"$1"
}
# query KEY VALUE: the value's line of `reg query` ("" when absent).
query() {
	timeout 60 "$WINE" reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
		grep -i "^ *$2 " | sed 's/^ *//'
}
expect_value() {
	got=$(query "$1" "$2")
	case $got in
	$3) pass "$2 is now: $got" ;;
	*) fail "$2 is \"$got\", expected $3" ;;
	esac
}
# Nothing but guestprep.exe writes these keys and it has exited, so a
# difference that a second look does not see was in the reading, not in
# the registry: it is shown, not counted.
same_as_before() {
	snapshot "$WORK/now.txt"
	if cmp -s "$WORK/before.txt" "$WORK/now.txt"; then
		pass "$1: the registry is as before"
		return
	fi
	first=$(diff "$WORK/before.txt" "$WORK/now.txt" | grep '^[<>]' |
		tr '\n' ' ')
	snapshot "$WORK/now.txt"
	if cmp -s "$WORK/before.txt" "$WORK/now.txt"; then
		echo "note: $1: a first look differed, a second did not: $first"
		pass "$1: the registry is as before"
	else
		fail "$1: the registry differs: $(diff "$WORK/before.txt" \
			"$WORK/now.txt" | grep '^[<>]' | tr '\n' ' ')"
	fi
}
FIXED='windows_rdp,windows_virtio,windows_qemu_ga'
snapshot "$WORK/before.txt"
if grep -q fDenyTSConnections "$WORK/before.txt"; then
	fail "fDenyTSConnections was not deleted for the test"
fi

gp fix --dry-run --format json --only "$FIXED"
expect_rc 2 "fix --dry-run"
same_as_before "fix --dry-run"
n=$(jq '[.changes[] | select(.action == "registry" and
	(.path | startswith("HKLM\\SYSTEM\\")) and .state == "planned")] |
	length' "$WORK/out" 2>/dev/null)
if [ "$n" = 5 ]; then
	pass "fix --dry-run plans 5 registry changes"
else
	fail "fix --dry-run plans \"$n\" registry changes, expected 5"
	jq -c '.changes' "$WORK/out" >&2
fi
if jq -e '.changes[] | select(.value == "fDenyTSConnections") |
	.diff | test("- \\(absent\\)\n\\+ REG_DWORD 0x00000000")' \
	"$WORK/out" >/dev/null 2>&1; then
	pass "the plan shows fDenyTSConnections created as 0"
else
	fail "no diff for fDenyTSConnections: $(jq -c '.changes' "$WORK/out")"
fi
gp fix --dry-run --only "$FIXED" --color never
expect_grep 'Plan (5 changes)' "$WORK/out" "the text plan lists 5 changes"
expect_grep 'set HKLM.SYSTEM.CurrentControlSet.Services.viostor.Start' \
	"$WORK/out" "the text plan names viostor's Start"
expect_grep '+ REG_SZ "v2.20|Action=Allow|Active=TRUE|' "$WORK/out" \
	"the text plan shows the firewall rule made active"
same_as_before "fix --dry-run (text)"

gp fix --yes --format json --only "$FIXED"
test "$rc" -eq "$(verdict_rc)" && pass "fix --yes: exit $rc is the verdict's" ||
	fail "fix --yes: exit $rc does not match the verdict"
expect_rc 1 "fix --yes (the QEMU guest agent, disabled, still warns)"
cp "$WORK/out" "$WORK/fix.json"
run_id=$(jq -r '.run_id // empty' "$WORK/out")
[ -n "$run_id" ] && pass "fix --yes names its run $run_id" ||
	fail "fix --yes: no run_id"
n=$(jq '[.changes[] | select(.state == "applied")] | length' "$WORK/out")
[ "$n" = 5 ] && pass "fix --yes applied 5 changes" ||
	fail "fix --yes applied \"$n\" changes: $(jq -c .changes "$WORK/out")"
expect_status windows_rdp.enabled pass
expect_status windows_rdp.port pass
expect_status windows_rdp.firewall pass
expect_status windows_virtio.storage pass
expect_status windows_qemu_ga.installed warn
expect_value "$TS" fDenyTSConnections 'fDenyTSConnections*REG_DWORD*0x0'
expect_value "$RDP_TCP" PortNumber 'PortNumber*REG_DWORD*0xd3d'
expect_value "$FW\\FirewallRules" RemoteDesktop-UserMode-In-TCP \
	'*REG_SZ*|Active=TRUE|*'
expect_value "$CCS\\Services\\viostor" Start 'Start*REG_DWORD*0x0'
expect_value "$CCS\\Services\\QEMU-GA" Start 'Start*REG_DWORD*0x4'

gp fix --yes --format json --only "$FIXED"
n=$(jq '.changes | length' "$WORK/out")
[ "$n" = 0 ] && pass "a second fix changes nothing" ||
	fail "a second fix plans \"$n\" changes"

gp history
expect_rc 0 "history"
expect_grep "^$run_id .*5 changes  complete" "$WORK/out" "history lists the run"

gp undo
expect_rc 0 "undo"
expect_grep "Undoing fix run $run_id" "$WORK/out" "undo names the run"
expect_grep 'removed HKLM.*fDenyTSConnections' "$WORK/out" \
	"undo deletes the value the fix created"
expect_grep 'Every change was reverted' "$WORK/out" "undo reverted everything"
same_as_before "undo"
gp undo
expect_rc 0 "a second undo"
expect_grep 'Nothing to undo' "$WORK/out" "a second undo has nothing to undo"
gp history
expect_grep "^$run_id .*undone" "$WORK/out" "history shows the run undone"

# A value changed by hand since the fix is left alone, then forced back.
gp fix --yes --format json --only "$FIXED"
run2=$(jq -r '.run_id // empty' "$WORK/out")
reg add "$RDP_TCP" /v PortNumber /t REG_DWORD /d 4000 /f
gp undo "$run2"
expect_rc 2 "undo over a value changed since"
expect_grep 'FAILED  left alone HKLM.*PortNumber' "$WORK/out" \
	"undo reports the value changed since"
expect_value "$RDP_TCP" PortNumber 'PortNumber*REG_DWORD*0xfa0'
expect_value "$CCS\\Services\\viostor" Start 'Start*REG_DWORD*0x3'
gp undo --force "$run2"
expect_rc 0 "undo --force"
same_as_before "forced undo"
gp undo
expect_grep 'Nothing to undo' "$WORK/out" "nothing left to undo"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)" >&2
	exit 1
fi
echo "PASS: guestprep.exe under wine"
exit 0
