#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile offline tree: links escaping the root, loops, FIFOs, device
# nodes, a huge sparse file, odd names.  guestprep must finish quickly,
# report findings (not crash), emit valid JSON, read nothing outside the
# root, and change nothing inside it.
. "$TESTS_LIB"

T="$WORK/tree"
mkdir -p "$T/etc/selinux" "$T/etc/default" "$T/boot/grub" "$T/usr/bin"

# Identity files that point at the host's own (Debian 12 here).
ln -s /../../../../../../etc/os-release "$T/etc/os-release"
ln -s ../../../../../../../../../etc/debian_version "$T/etc/debian_version"
ln -s /etc/../../../usr/lib/os-release "$T/etc/lsb-release"
# Loops and FIFOs where configuration is expected.
ln -s issue "$T/etc/issue"
ln -s a "$T/etc/selinux/b"
ln -s b "$T/etc/selinux/a"
ln -s a "$T/etc/selinux/config"
mkfifo "$T/etc/fstab"
mkfifo "$T/etc/default/grub"
# A device node as the shadow file, where the system lets us make one.
mknod "$T/etc/shadow" c 1 5 2>/dev/null || ln -s /dev/zero "$T/etc/shadow"
# Five sparse gigabytes of bootloader configuration.
truncate -s 5G "$T/boot/grub/grub.cfg"
# Directories that are links out of the root, or nowhere.
ln -s / "$T/bin"
ln -s /../.. "$T/sbin"
ln -s "$T/../../../../../lib" "$T/lib"
# Names no terminal or JSON parser should choke on.
touch "$T/etc/$(printf 'new\nline')" "$T/etc/$(printf 'bad\377utf8')"

snapshot() {
	(cd "$T" && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort)
}
snapshot >"$WORK/before"

start=$(date +%s)
gp check --root "$T" --format json
elapsed=$(($(date +%s) - start))
case $rc in
0|1|2) pass "hostile tree gives a verdict (exit $rc)" ;;
*) fail "hostile tree: exit $rc"; cat "$WORK/err" >&2 ;;
esac
[ "$elapsed" -lt 10 ] || fail "hostile tree took ${elapsed}s"
jq -e . "$WORK/out" >/dev/null || fail "hostile tree: JSON is not valid"

# Nothing of the host leaked in through the links.
jq -e '.host.os.id == null and .host.os.version == null' "$WORK/out" >/dev/null ||
	fail "host identity leaked: $(jq -c .host.os "$WORK/out")"
jq -e '.host.os.family == "unknown"' "$WORK/out" >/dev/null || fail "family"

statuses "$WORK/out" >"$WORK/got"
while read -r id want; do
	grep -qx "$id $want" "$WORK/got" || fail "$id: expected $want, got $(grep "^$id " "$WORK/got")"
done <<EOS
os.identified fail
selinux.config warn
system_files.issue fail
system_files.fstab fail
system_files.bootloader fail
system_files.dirs fail
system_files.shadow fail
EOS
jq -e '.findings | all(.status != "error")' "$WORK/out" >/dev/null ||
	fail "a check errored on the hostile tree"

# The text report is safe for a terminal.
gp check --root "$T" --color never
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037]')" "$WORK/out"; then
	fail "control characters reached the text report"
fi

# Check mode changed nothing.
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" || fail "check mode changed the tree"

# --- Every file a plugin reads, made hostile one way at a time, in copies
# of real-looking trees (so that the plugins apply and read them).  Each
# run must give a verdict within 20 s in bounded memory, valid JSON, a
# terminal-safe text report, and nothing of the host: the links that
# escape point at a host file full of a marker, in every syntax the
# plugins parse.
HOST="$WORK/host"
mkdir "$HOST"
MARK="hostleak$$marker"
cat >"$HOST/secret" <<EOS
ID=$MARK
VERSION_ID="$MARK"
PRETTY_NAME="$MARK"
NAME=$MARK
UUID=$MARK / ext4 defaults 0 1
/dev/$MARK /$MARK xfs defaults 0 0
PermitRootLogin $MARK
PasswordAuthentication $MARK
Port $MARK
GRUB_CMDLINE_LINUX="console=$MARK selinux=$MARK"
GRUB_DEFAULT="$MARK"
menuentry '$MARK' { linux /vmlinuz-$MARK root=$MARK console=$MARK }
set default="$MARK"
auto $MARK
iface $MARK inet dhcp
DEVICE=$MARK
BOOTPROTO=$MARK
ONBOOT=$MARK
SELINUX=$MARK
SELINUXTYPE=$MARK
$MARK
EOS
# The Linux trees' files; the Windows tree's hives (a hive in a Linux tree
# would make it a Windows one, and the Linux plugins would not look).
FILES="etc/os-release etc/fstab etc/ssh/sshd_config etc/default/grub
boot/grub/grub.cfg boot/grub2/grub.cfg etc/network/interfaces
etc/sysconfig/network-scripts/ifcfg-eth0 etc/selinux/config
etc/sysconfig/selinux boot/initrd.img-4.15.0-112-generic
boot/initramfs-3.10.0-1160.el7.x86_64.img"
WINDOWS_FILES="Windows/System32/config/SYSTEM Windows/System32/config/SOFTWARE"
BASES="ubuntu1804 centos7 windows"
DOTS=../../../../../../../../../../../../../../../..

# Peak RSS allowed: 64 MiB, more under AddressSanitizer (its shadow).
RSS_MAX=65536
grep -qa __asan_init "$GUESTPREP" && RSS_MAX=1048576
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %M -o $WORK/rss"

# hostile_run NAME TREE [ARGS...]: check TREE in JSON and text.
hostile_run() {
	local name=$1 t=$2 f

	shift 2
	for f in json text; do
		: >"$WORK/rss"
		# shellcheck disable=SC2086
		$TIME timeout 20 "$GUESTPREP" check --root "$t" --skip disk_space \
			-v -f $f --color never "$@" >"$WORK/out" 2>"$WORK/err"
		rc=$?
		case $rc in
		0|1|2) ;;
		124) fail "$name ($f): did not finish in 20 s" ;;
		*) fail "$name ($f): exit $rc"; tail -n 3 "$WORK/err" >&2 ;;
		esac
		rss=
		if [ -n "$TIME" ]; then
			rss=$(tail -n 1 "$WORK/rss")
			[ "${rss:-x}" -le "$RSS_MAX" ] 2>/dev/null ||
				fail "$name ($f): peak RSS ${rss:-unknown} KiB"
		fi
		if grep -qa "$MARK" "$WORK/out" "$WORK/err"; then
			fail "$name ($f): host file contents in the report"
			grep -a "$MARK" "$WORK/out" "$WORK/err" | head -n 3 >&2
		fi
		if [ $f = json ]; then
			jq -e . "$WORK/out" >/dev/null || fail "$name: invalid JSON"
		elif LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$WORK/out"; then
			fail "$name: control characters in the text report"
		fi
	done
	[ "$rc" -le 2 ] && pass "$name (exit $rc${rss:+, ${rss} KiB})"
}

# hostile NAME HOW: for each base tree, a copy whose FILES are each made
# hostile by `HOW PATH` (PATH absolute, inside the copy), then checked.
hostile() {
	local name=$1 how=$2 base t f files

	for base in $BASES; do
		t="$WORK/$name-$base"
		cp -a "$FIXTURES/distros/$base" "$t"
		files=$FILES
		[ "$base" = windows ] && files=$WINDOWS_FILES
		for f in $files; do
			mkdir -p "$(dirname "$t/$f")"
			$how "$t/$f"
		done
		hostile_run "$name $base" "$t"
		chmod -R u+rwX "$t" 2>/dev/null
		rm -rf "$t"
	done
}

# The marker is found when it is read: a tree that holds a copy of the
# host file in place of os-release names the marker in its report.
t="$WORK/control"
cp -a "$FIXTURES/distros/centos7" "$t"
cp "$HOST/secret" "$t/etc/os-release"
gp check --root "$t" -f json
grep -q "$MARK" "$WORK/out" || fail "the marker would not be seen in a report"
rm -rf "$t"

h_abs() { rm -rf "$1"; ln -s "$HOST/secret" "$1"; }
h_rel() { rm -rf "$1"; ln -s "$DOTS$HOST/secret" "$1"; }
h_dotdot() { rm -rf "$1"; ln -s "/../../../..$HOST/../host/./secret" "$1"; }
# A link to a directory that escapes, with the file beneath it.
h_dir_escape() {
	rm -rf "$1"
	ln -s "$DOTS$HOST" "$1.d"
	ln -s "$(basename "$1").d/secret" "$1"
}
h_self() { rm -rf "$1"; ln -s "$(basename "$1")" "$1"; }
h_cycle() {
	rm -rf "$1"
	ln -s "$(basename "$1").other" "$1"
	ln -s "$(basename "$1")" "$1.other"
}
# 50 links deep (past the kernel's 40), ending outside the root.
h_deep() {
	local i=1

	rm -rf "$1"
	ln -s "$(basename "$1").1" "$1"
	while [ $i -lt 50 ]; do
		ln -s "$(basename "$1").$((i + 1))" "$1.$i"
		i=$((i + 1))
	done
	ln -s "$HOST/secret" "$1.50"
}
# Short enough to follow: 8 links, then the file itself.
h_chain() {
	local i=1

	[ -f "$1" ] || echo "# nothing" >"$1"
	mv "$1" "$1.real"
	ln -s "$(basename "$1").1" "$1"
	while [ $i -lt 8 ]; do
		ln -s "$(basename "$1").$((i + 1))" "$1.$i"
		i=$((i + 1))
	done
	ln -s "$(basename "$1").real" "$1.8"
}
h_fifo() { rm -rf "$1"; mkfifo "$1"; }
h_zero() { rm -rf "$1"; mknod "$1" c 1 5; }
h_random() { rm -rf "$1"; mknod "$1" c 1 8; }
h_dir() { rm -rf "$1"; mkdir -p "$1/sub"; echo inside >"$1/sub/x"; }
h_sparse() { rm -rf "$1"; truncate -s 4G "$1"; }
h_empty() { rm -rf "$1"; : >"$1"; }
h_unreadable() { [ -e "$1" ] || echo "# nothing" >"$1"; chmod 000 "$1"; }

for how in abs rel dotdot dir_escape self cycle deep chain fifo dir sparse empty; do
	hostile "$how" "h_$how"
done
if [ "$(id -u)" -eq 0 ]; then
	hostile zero h_zero
	hostile random h_random
else
	echo "skip: device nodes need root"
fi
# Unreadable files: check mode keeps CAP_DAC_READ_SEARCH (agent/caps.c),
# so root reads them anyway; without that capability (setpriv) they are
# errors or findings, never a crash.
hostile unreadable h_unreadable
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	t="$WORK/unreadable-nocap"
	cp -a "$FIXTURES/distros/centos7" "$t"
	for f in $FILES; do
		mkdir -p "$(dirname "$t/$f")"
		h_unreadable "$t/$f"
	done
	GP_REAL=$GUESTPREP
	GUESTPREP="$WORK/nocap"
	printf '#!/bin/sh\nexec setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search -- "%s" "$@"\n' \
		"$GP_REAL" >"$GUESTPREP"
	chmod +x "$GUESTPREP"
	hostile_run "unreadable without CAP_DAC_READ_SEARCH" "$t"
	GUESTPREP=$GP_REAL
	# They are noticed: fewer checks pass than when root reads them.
	"$WORK/nocap" check --root "$t" -f json --skip disk_space >"$WORK/out" 2>/dev/null
	without=$(jq .summary.pass "$WORK/out")
	gp check --root "$t" -f json --skip disk_space
	with=$(jq .summary.pass "$WORK/out")
	[ "${without:-99}" -lt "${with:-0}" ] ||
		fail "unreadable files went unnoticed ($without vs $with passing)"
fi

# --- Odd names in the directories plugins enumerate, and every byte
# 0x01..0xff in the values that become evidence.
NL=$(printf 'a\nb')
BAD=$(printf 'x\377\376y')
BYTES=$(i=1; while [ $i -lt 256 ]; do
	[ $i -ne 10 ] && printf "\\$(printf %03o $i)"
	i=$((i + 1))
done)
# The same bytes as file names: no '/', and at most 255 bytes a name.
LOW=$(printf '%s' "$BYTES" | LC_ALL=C tr -d '/\200-\377')
HIGH=$(printf '%s' "$BYTES" | LC_ALL=C tr -d '\001-\177')
for base in ubuntu1804 centos7; do
	t="$WORK/names-$base"
	cp -a "$FIXTURES/distros/$base" "$t"
	for d in etc/sysconfig/network-scripts etc/ssh/sshd_config.d etc/netplan \
		etc/NetworkManager/system-connections etc/guestprep/checks.d \
		etc/systemd/network etc/modprobe.d etc/grub.d; do
		mkdir -p "$t/$d" "$t/$d/$NL.d" "$t/$d/$BAD.d"
		# Directory links that loop or leave the root, for any walk.
		ln -s . "$t/$d/loop.conf"
		ln -s .. "$t/$d/up.yaml"
		ln -s "$DOTS$HOST" "$t/$d/out.nmconnection"
		for n in "$NL" "$BAD" "$LOW" "$HIGH"; do
			for suffix in "" .conf .yaml .nmconnection .network; do
				printf 'x=%s\n' "$BYTES" >"$t/$d/ifcfg-$n$suffix"
				printf 'x=%s\n' "$BYTES" >"$t/$d/$n$suffix"
			done
		done
	done
	# (lib may be a link to usr/lib: the same directory twice.)
	for d in "$t"/lib/modules/* "$t"/usr/lib/modules/*; do
		[ -d "$d" ] || continue
		mkdir -p "$d/kernel/drivers"
		ln -sfn .. "$d/kernel/drivers/up"
		ln -sfn "$DOTS$HOST" "$d/kernel/out"
		ln -sfn / "$d/kernel/root"
	done
	{
		printf 'PRETTY_NAME="%s"\n' "$BYTES"
		printf 'VERSION="%s"\n' "$BYTES"
	} >>"$t/etc/os-release"
	printf 'PermitRootLogin %s\nPort %s\nInclude /etc/ssh/sshd_config.d/*\n' \
		"$BYTES" "$BYTES" >>"$t/etc/ssh/sshd_config"
	printf 'GRUB_CMDLINE_LINUX="%s"\n' "$BYTES" >>"$t/etc/default/grub"
	printf '%s / ext4 %s 0 0\n' "$BYTES" "$BYTES" >>"$t/etc/fstab"
	printf 'DEVICE=%s\nBOOTPROTO=%s\n' "$BYTES" "$BYTES" \
		>>"$t/etc/sysconfig/network-scripts/ifcfg-eth0"
	mkdir -p "$t/etc/selinux"
	printf 'SELINUX=%s\n' "$BYTES" >>"$t/etc/selinux/config"
	hostile_run "odd names and bytes, $base" "$t"
done

# Site checks (a trusted host directory) with odd names, and checks that
# print every byte: as JSON strings and as garbage (the first line of
# which is evidence of the error finding).
C="$WORK/checks"
mkdir "$C"
for n in "$NL" "$BAD" "$LOW" "$HIGH"; do
	printf '#!/bin/sh\necho {}\n' >"$C/$n" && chmod 755 "$C/$n"
done
printf '%s' "$BYTES" >"$WORK/bytes"
cat >"$C/garbage" <<EOS
#!/bin/sh
cat '$WORK/bytes'
EOS
cat >"$C/strings" <<EOS
#!/bin/sh
printf '{"findings": [{"status": "warn", "message": "bytes", "evidence": ["'
LC_ALL=C sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g' '$WORK/bytes' | LC_ALL=C tr -d '\001-\037'
printf '", "\\\\u0001\\\\u001f\\\\u007f\\\\u0080\\\\u009b\\\\u2028"]}]}\n'
EOS
# A lone surrogate is no character: an error finding.
cat >"$C/surrogate" <<EOS
#!/bin/sh
printf '{"findings": [{"status": "warn", "message": "x\\\\ud800y"}]}\\n'
EOS
chmod 755 "$C/garbage" "$C/strings" "$C/surrogate"
hostile_run "site checks with odd names and bytes" "$FIXTURES/distros/centos7" \
	--checks-dir "$C"
"$GUESTPREP" check --root "$FIXTURES/distros/centos7" --only site --checks-dir "$C" \
	-f json >"$WORK/out" 2>"$WORK/err"
jq -e '[.findings[] | select(.id == "site.garbage")][0].status == "error" and
	[.findings[] | select(.id == "site.strings")][0].status == "warn" and
	[.findings[] | select(.id == "site.surrogate")][0].status == "error" and
	[.findings[] | select(.id == "site.ignored")][0].status == "warn"' "$WORK/out" >/dev/null ||
	fail "site checks: $(jq -c '[.findings[] | [.id, .status]]' "$WORK/out" 2>&1)"

finish
