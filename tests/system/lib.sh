# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the tests on real systems (make check-integration):
# a Debian 12 debootstrapped once and kept in a cache, set up the way a
# server about to be imported is (kernel, initramfs-tools, OpenSSH,
# ifupdown with DHCP, grub), then checked as a tree, as a disk image on
# a loop device, and booted under qemu.
#
# Each script exits 0 when it passes, 77 when this machine cannot run
# it (no root, no network, no loop device), anything else on failure,
# like automake's test driver.  Environment:
#   GUESTPREP          the binary under test (required)
#   SYSTEM_CACHE       keeps the bootstrapped tree (DIR/deb) between runs
#   SYSTEM_MIRROR      Debian mirror (default http://deb.debian.org/debian)
#   SYSTEM_KEEP=1      keep the work directory for a post mortem

set -u

: "${GUESTPREP:?set GUESTPREP to the guestprep binary}"
case $GUESTPREP in /*) ;; *) GUESTPREP=$PWD/$GUESTPREP ;; esac

failures=0
MIRROR=${SYSTEM_MIRROR:-http://deb.debian.org/debian}
# Debootstrap needs a file system with devices and exec: not a tmpfs /tmp.
WORK=$(mktemp -d "${SYSTEM_TMPDIR:-/var/tmp}/guestprep-sys.XXXXXX")
D="$WORK/deb"
MOUNTS=""
LOOP=""
CLEANUP_HOOK=""

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	echo "ok: $*"
}

skip() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	exit 0
}

# Unmount what we mounted (innermost first) and detach the loop device,
# on any exit; never delete a directory with something still mounted in
# it (it could be the host's /dev).
cleanup() {
	[ -n "$CLEANUP_HOOK" ] && $CLEANUP_HOOK
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	MOUNTS=""
	if [ -n "$LOOP" ]; then
		partx -d "$LOOP" 2>/dev/null
		losetup -d "$LOOP" 2>/dev/null
		LOOP=""
	fi
	if grep -q " $WORK/" /proc/self/mounts; then
		echo "still mounted under $WORK: not removing it" >&2
		return
	fi
	[ "${SYSTEM_KEEP:-}" = 1 ] && { echo "kept $WORK"; return; }
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# need_tools TOOL... : skip with the package to install when one is missing.
need_tools() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			skip "$t is not installed (see tests/system/README in the report)"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, mount, loop devices)"
}

# gp ARGS...: run guestprep; sets $rc, $WORK/out, $WORK/err.
gp() {
	timeout 120 "$GUESTPREP" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
}

expect_rc() {
	if [ "$rc" -eq "$1" ]; then
		pass "$2 (exit $rc)"
	else
		fail "$2: exit $rc, expected $1"
		sed 's/^/    stderr: /' "$WORK/err" >&2
	fi
}

# status_of ID [FILE]: the status(es) of one finding, comma separated.
status_of() {
	jq -r --arg id "$1" '[.findings[] | select(.id == $id) | .status] | join(",")' \
		"${2:-$WORK/out}"
}

# expect ID STATUS WHY [FILE]: a finding of the last report has STATUS.
expect() {
	local got
	got=$(status_of "$1" "${4:-$WORK/out}")
	if [ "$got" = "$2" ]; then
		pass "$1 $got: $3"
	else
		fail "$1 is \"$got\", expected $2 ($3)"
		jq -c --arg id "$1" '.findings[] | select(.id == $id) |
			{status, message, evidence}' "${4:-$WORK/out}" >&2
	fi
}

# expect_each FILE < "ID STATUS WHY" lines; every finding of the report
# must be listed, so a new finding or a vanished one is noticed.
expect_each() {
	local file=$1 id st why seen
	seen="$WORK/seen.ids"
	: >"$seen"
	while read -r id st why; do
		case $id in '' | '#'*) continue ;; esac
		expect "$id" "$st" "$why" "$file"
		echo "$id" >>"$seen"
	done
	jq -r '.findings[].id' "$file" | sort -u | while read -r id; do
		grep -qxF "$id" "$seen" ||
			echo "FAIL: unexpected finding $id $(status_of "$id" "$file")" >&2
	done | tee "$WORK/extra" >&2
	[ -s "$WORK/extra" ] && failures=$((failures + $(wc -l <"$WORK/extra")))
	return 0
}

in_chroot() {
	chroot "$D" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# What a server to be imported has: a kernel and initramfs, OpenSSH,
# ifupdown with DHCP, grub on a BIOS disk, udev.
PACKAGES=linux-image-amd64,initramfs-tools,systemd-sysv,udev,kmod,openssh-server,ifupdown,isc-dhcp-client,iproute2,grub-pc,e2fsprogs

# Bump when configure_tree changes, so that a cached tree is remade.
TREE_STAMP="bookworm $PACKAGES tree-v1"

# bootstrap: the Debian 12 tree at $D, from $SYSTEM_CACHE/deb when there
# (made there on the first run), else downloaded.
bootstrap() {
	local cache=${SYSTEM_CACHE:-} start
	need_root
	need_tools debootstrap chroot jq
	if [ -n "$cache" ] && [ -f "$cache/deb/.complete" ] &&
	   [ "$(cat "$cache/deb/.complete")" = "$TREE_STAMP" ]; then
		cp -a "$cache/deb" "$D"
		echo "tree from the cache $cache/deb"
		return
	fi
	start=$(date +%s)
	if ! debootstrap --variant=minbase --include="$PACKAGES" bookworm \
		"$D" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
		tail -5 "$WORK/debootstrap.log"
		# Only a mirror out of reach is a reason to skip.
		grep -qiE 'Failed getting release file|Temporary failure|resolv|Could not connect|Connection refused|Network is unreachable' \
			"$WORK/debootstrap.log" &&
			skip "debootstrap cannot reach $MIRROR (no network)"
		fail "debootstrap failed"
		exit 1
	fi
	echo "debootstrap: $(( $(date +%s) - start )) s"
	configure_tree
	echo "$TREE_STAMP" >"$D/.complete"
	if [ -n "$cache" ]; then
		mkdir -p "$cache"
		rm -rf "$cache/deb.tmp"
		cp -a "$D" "$cache/deb.tmp" && rm -rf "$cache/deb" &&
			mv "$cache/deb.tmp" "$cache/deb"
	fi
}

# The kernel version of the tree ($KVER).
find_kernel() {
	KVER=$(ls "$D/lib/modules" | head -n 1)
	[ -n "$KVER" ] && [ -f "$D/boot/vmlinuz-$KVER" ] &&
		[ -f "$D/boot/initrd.img-$KVER" ] ||
		{ fail "no kernel or initramfs in the tree"; exit 1; }
}

# A placeholder until the tree is given a disk: the UUID its fstab and
# grub.cfg name for /.
TREE_UUID=0f3a5f0c-6d0c-4d3e-9a3b-2c1e5e7d4b11

# configure_tree: what the installer would have set up.
configure_tree() {
	echo guestprep-it >"$D/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tguestprep-it\n' >"$D/etc/hosts"
	cat >"$D/etc/network/interfaces" <<'EOF'
# The loopback and the primary NIC, by DHCP (as the Debian installer writes it).
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

allow-hotplug eth0
iface eth0 inet dhcp
EOF
	# The cloud logs in as root with a password (requirements 002).
	echo 'root:guestprep-it' | in_chroot chpasswd
	echo 'PermitRootLogin yes' >"$D/etc/ssh/sshd_config.d/root.conf"
	# The serial console for qemu and the cloud's console; eth0 names.
	sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8 net.ifnames=0"/' \
		"$D/etc/default/grub"
	set_root_uuid "$TREE_UUID"
}

# set_root_uuid UUID: fstab and grub.cfg name / by UUID, as installed.
set_root_uuid() {
	local uuid=$1
	find_kernel
	cat >"$D/etc/fstab" <<EOF
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=$uuid / ext4 errors=remount-ro 0 1
EOF
	mkdir -p "$D/boot/grub"
	# What update-grub writes, reduced to one entry: update-grub cannot
	# probe the root device from a chroot without a disk.
	cat >"$D/boot/grub/grub.cfg" <<EOF
# written by tests/system/lib.sh in the form of grub-mkconfig's output
set default=0
set timeout=1
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
insmod part_msdos
insmod ext2
search --no-floppy --fs-uuid --set=root $uuid
menuentry 'Debian GNU/Linux' {
	insmod part_msdos
	insmod ext2
	search --no-floppy --fs-uuid --set=root $uuid
	linux /boot/vmlinuz-$KVER root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8 net.ifnames=0
	initrd /boot/initrd.img-$KVER
}
EOF
}

# chroot_mounts / chroot_unmount: /proc, /sys and /dev in the tree, for
# what maintainer scripts and update-initramfs need in a chroot.
chroot_mounts() {
	mount -t proc proc "$D/proc" && MOUNTS="$D/proc $MOUNTS" &&
	mount -t sysfs sysfs "$D/sys" && MOUNTS="$D/sys $MOUNTS" &&
	mount --bind /dev "$D/dev" && MOUNTS="$D/dev $MOUNTS" ||
		{ fail "cannot mount /proc, /sys, /dev in the tree"; exit 1; }
}

chroot_unmount() {
	for m in "$D/dev" "$D/sys" "$D/proc"; do
		umount "$m" || { fail "cannot unmount $m"; exit 1; }
		MOUNTS=$(echo "$MOUNTS" | sed "s| $m | |; s|^$m ||")
	done
}

# install_packages PKG...: install Debian packages into the tree with
# apt in a chroot, keeping the .debs in $SYSTEM_CACHE so that later
# runs install them with dpkg, without the network.  No service is
# started in the chroot (policy-rc.d).
install_packages() {
	local cache="${SYSTEM_CACHE:+$SYSTEM_CACHE/debs-$(echo "$*" | tr ' ' '+')}"
	printf '#!/bin/sh\nexit 101\n' >"$D/usr/sbin/policy-rc.d"
	chmod 755 "$D/usr/sbin/policy-rc.d"
	mkdir -p "$D/var/tmp/debs"
	if [ -n "$cache" ] && [ "$(cat "$cache/.complete" 2>/dev/null)" = "$TREE_STAMP" ]; then
		cp "$cache"/*.deb "$D/var/tmp/debs/"
		in_chroot sh -c 'dpkg -i /var/tmp/debs/*.deb' >"$WORK/apt.log" 2>&1 ||
			{ tail -20 "$WORK/apt.log"; fail "dpkg -i $*"; exit 1; }
		echo "installed $* from $cache"
	else
		cp -L /etc/resolv.conf "$D/etc/resolv.conf" 2>/dev/null
		if ! in_chroot apt-get update >"$WORK/apt.log" 2>&1; then
			tail -5 "$WORK/apt.log"
			skip "apt-get update in the tree failed (no network?)"
		fi
		in_chroot apt-get install -y --no-install-recommends \
			-o APT::Keep-Downloaded-Packages=true "$@" \
			>>"$WORK/apt.log" 2>&1 ||
			{ tail -20 "$WORK/apt.log"; fail "apt-get install $*"; exit 1; }
		if [ -n "$cache" ]; then
			rm -rf "$cache" && mkdir -p "$cache" &&
			cp "$D"/var/cache/apt/archives/*.deb "$cache/" &&
			echo "$TREE_STAMP" >"$cache/.complete"
		fi
		in_chroot apt-get clean
		rm -rf "$D"/var/lib/apt/lists/*
	fi
	rm -rf "$D/var/tmp/debs" "$D/usr/sbin/policy-rc.d"
}

# --- disk images ------------------------------------------------------

# 5 GiB, the smallest system disk the cloud takes; sparse, so cheap.
IMG_MIB=${SYSTEM_IMG_MIB:-5120}

# build_image IMG: a raw MBR disk with one bootable ext4 (no 64bit) that
# holds the tree, fstab by UUID, grub in the MBR gap; leaves it attached
# at $LOOP (partition ${LOOP}p1) and mounted at $WORK/mnt.  $ROOT_UUID.
build_image() {
	local img=$1 start
	need_tools sfdisk mkfs.ext4 losetup partx blkid grub-install grub-mkimage
	[ -d /usr/lib/grub/i386-pc ] ||
		skip "grub-pc-bin is not installed (grub for BIOS disks)"
	start=$(date +%s)
	rm -f "$img"
	truncate -s "${IMG_MIB}M" "$img"
	echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$img" >/dev/null ||
		{ fail "sfdisk"; exit 1; }
	attach "$img"
	mkfs.ext4 -q -F -O ^64bit -L debian-root "${LOOP}p1" ||
		{ fail "mkfs.ext4"; exit 1; }
	ROOT_UUID=$(blkid -o value -s UUID "${LOOP}p1")
	mkdir -p "$WORK/mnt"
	mount "${LOOP}p1" "$WORK/mnt" || { fail "mount ${LOOP}p1"; exit 1; }
	MOUNTS="$WORK/mnt $MOUNTS"
	(cd "$D" && tar --numeric-owner --xattrs -cf - --exclude=./.complete .) |
		(cd "$WORK/mnt" && tar --numeric-owner --xattrs -xf -) ||
		{ fail "copying the tree into the image"; exit 1; }
	D_SAVED=$D
	D="$WORK/mnt"
	set_root_uuid "$ROOT_UUID"
	install_grub
	D=$D_SAVED
	echo "image built: $(( $(date +%s) - start )) s"
}

# install_grub: grub for BIOS into the MBR of $LOOP, its modules and
# grub.cfg on partition 1.  grub-install first; without udev it cannot
# tell which disk a loop partition belongs to ("cannot find a GRUB
# drive"), and then the same is done by hand, as grub-install would:
# grub-mkimage makes core.img for (hd0,msdos1)/boot/grub, core.img goes
# into the gap after the MBR (sector 1, where boot.img looks for it by
# default and where its own block list says the rest follows), and
# boot.img's code (446 bytes, not the partition table) into the MBR.
install_grub() {
	local m="$WORK/mnt" dir=/usr/lib/grub/i386-pc
	if grub-install --target=i386-pc --boot-directory="$m/boot" \
		--modules="part_msdos ext2" "$LOOP" >"$WORK/grub.log" 2>&1; then
		echo "grub-install: done"
		return
	fi
	echo "grub-install failed ($(tail -n 1 "$WORK/grub.log" |
		sed 's/^grub-install: //')): installing it by hand"
	mkdir -p "$m/boot/grub/i386-pc"
	cp "$dir"/*.mod "$dir"/*.lst "$m/boot/grub/i386-pc/"
	grub-mkimage -O i386-pc -o "$WORK/core.img" -p '(hd0,msdos1)/boot/grub' \
		biosdisk part_msdos ext2 ||
		{ fail "grub-mkimage"; exit 1; }
	cp "$WORK/core.img" "$m/boot/grub/i386-pc/core.img"
	# The gap before the partition (sector 2048) must hold it.
	[ "$(stat -c %s "$WORK/core.img")" -lt $((2047 * 512)) ] ||
		{ fail "core.img does not fit before the partition"; exit 1; }
	dd if="$WORK/core.img" of="$LOOP" bs=512 seek=1 conv=notrunc status=none &&
	dd if="$dir/boot.img" of="$LOOP" bs=446 count=1 conv=notrunc status=none ||
		{ fail "writing grub to the disk"; exit 1; }
	cp "$dir/boot.img" "$m/boot/grub/i386-pc/boot.img"
}

# attach IMG: a loop device with partition nodes in $LOOP (no udev
# here: partx adds the partitions, devtmpfs makes their nodes).
attach() {
	[ -e /dev/loop-control ] || skip "no loop devices on this machine"
	LOOP=$(losetup -f --show -P "$1" 2>"$WORK/losetup.err") ||
		skip "cannot attach a loop device: $(cat "$WORK/losetup.err")"
	[ -b "${LOOP}p1" ] || partx -a "$LOOP" 2>/dev/null
	local i=0
	while [ ! -b "${LOOP}p1" ] && [ $i -lt 20 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -b "${LOOP}p1" ] || { fail "no partition node ${LOOP}p1"; exit 1; }
}

# detach: unmount the image and free the loop device.
detach() {
	sync
	for m in $MOUNTS; do
		umount "$m" || { fail "cannot unmount $m"; exit 1; }
	done
	MOUNTS=""
	partx -d "$LOOP" 2>/dev/null
	losetup -d "$LOOP"
	LOOP=""
}

# --- virtual machines -------------------------------------------------

# install_guestprep MNT: guestprep at MNT/usr/local/sbin/guestprep with
# the libraries it was linked with in a directory of its own, run
# through its own loader (the guest needs none of them), and
# guestprep-it-run, which runs it with its output between markers on
# the second serial port (ttyS1): kernel and systemd messages go to
# the console (ttyS0) and cannot land in the middle of the JSON.
install_guestprep() {
	local m=$1 lib="$1/usr/local/lib/guestprep"
	mkdir -p "$lib" "$m/usr/local/sbin"
	cp "$GUESTPREP" "$lib/guestprep"
	ldd "$GUESTPREP" 2>/dev/null | grep -oE '/[^ ]+' | while read -r so; do
		cp -L "$so" "$lib/"
	done
	if ls "$lib"/ld-linux* >/dev/null 2>&1; then
		cat >"$m/usr/local/sbin/guestprep" <<'EOF'
#!/bin/sh
d=/usr/local/lib/guestprep
exec $d/ld-linux-x86-64.so.2 --library-path $d $d/guestprep "$@"
EOF
		chmod 755 "$m/usr/local/sbin/guestprep"
	else	# a static binary
		mv "$lib/guestprep" "$m/usr/local/sbin/guestprep"
	fi
	cat >"$m/usr/local/sbin/guestprep-it-run" <<'EOF'
#!/bin/sh
# guestprep-it-run NAME ARGS...: guestprep ARGS, its output on ttyS1
# between "=== NAME begin ===" and "=== NAME end rc=N ===".
name=$1
shift
rc=0
/usr/local/sbin/guestprep "$@" >/run/gp.out 2>/run/gp.err || rc=$?
{
	echo "=== $name begin ==="
	cat /run/gp.out
	echo "=== $name end rc=$rc ==="
	sed "s/^/$name stderr: /" /run/gp.err
} >/dev/ttyS1
EOF
	chmod 755 "$m/usr/local/sbin/guestprep-it-run"
}

# install_boot_job MNT < SCRIPT: SCRIPT runs once the system is up
# (after sshd and the network), then the VM powers off, whether the
# script succeeded or not.
install_boot_job() {
	local m=$1
	cat >"$m/usr/local/sbin/guestprep-it-boot"
	chmod 755 "$m/usr/local/sbin/guestprep-it-boot"
	cat >"$m/etc/systemd/system/guestprep-it.service" <<'EOF'
[Unit]
Description=guestprep at boot (tests/system)
After=multi-user.target network-online.target ssh.service
Wants=network-online.target
SuccessAction=poweroff
FailureAction=poweroff

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/guestprep-it-boot

[Install]
WantedBy=multi-user.target
EOF
	ln -sf /etc/systemd/system/guestprep-it.service \
		"$m/etc/systemd/system/multi-user.target.wants/guestprep-it.service"
}

# The lines of a boot job that show what the guest has of its network
# and sshd: its eth0 address and whether port 22 listens.
GUEST_NET_INFO='ip -4 -o addr show dev eth0 | sed "s/^/net: /" >/dev/ttyS1
ss -Hltn "sport = :22" | sed "s/^/ssh: /" >/dev/ttyS1'

# boot_vm NAME QEMU-ARGS...: boot under TCG until the guest powers off
# (the drives and NICs are in the arguments); the console in
# $WORK/NAME.console, ttyS1 in $WORK/NAME.serial.  SYSTEM_QEMU_TIMEOUT
# (default 900 s) bounds it.  A guest that does not power off ends the
# test.
boot_vm() {
	local name=$1 timeout=${SYSTEM_QEMU_TIMEOUT:-900} start qrc secs
	shift
	: >"$WORK/$name.console"
	: >"$WORK/$name.serial"
	start=$(date +%s)
	timeout "$timeout" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
		-display none -monitor none -no-reboot "$@" \
		-serial file:"$WORK/$name.console" \
		-serial file:"$WORK/$name.serial" >"$WORK/$name.qemu" 2>&1
	qrc=$?
	secs=$(( $(date +%s) - start ))
	if [ "$qrc" -ne 0 ]; then
		tail -30 "$WORK/$name.console" >&2
		cat "$WORK/$name.qemu" >&2
		fail "$name: qemu exit $qrc after $secs s (124: the guest did not power off in ${timeout} s)"
		finish
	fi
	pass "$name: booted, ran its job and powered off in $secs s (TCG)"
	grep -q 'Linux version' "$WORK/$name.console" ||
		fail "$name: no kernel messages on the serial console"
	# The guest clock at power-off: boot, the job and shutdown.
	sed -n "s/^\[ *\([0-9.]*\)\] reboot: Power down.*/$name: guest uptime at power-off: \1 s/p" \
		"$WORK/$name.console" | tr -d '\r'
}

# guest_output BOOT NAME OUT: what `guestprep-it-run NAME` printed
# during boot BOOT, into OUT; its exit status in $grc.  Fails when
# there is no JSON.
guest_output() {
	tr -d '\r' <"$WORK/$1.serial" >"$WORK/$1.serial.txt"
	sed -n "/^=== $2 begin ===\$/,/^=== $2 end rc=[0-9]* ===\$/p" \
		"$WORK/$1.serial.txt" | sed '1d;$d' >"$3"
	grc=$(sed -n "s/^=== $2 end rc=\([0-9]*\) ===\$/\1/p" "$WORK/$1.serial.txt")
	grep "^$2 stderr: " "$WORK/$1.serial.txt" | head -5
	if [ -z "$grc" ] || ! jq -e . "$3" >/dev/null 2>&1; then
		fail "$1: no JSON output of \"$2\" on ttyS1"
		tail -30 "$WORK/$1.console" >&2
		return 1
	fi
}

# expect_grc STATUS WHY: the exit status of the last guest_output.
expect_grc() {
	if [ "$grc" = "$1" ]; then
		pass "$2 (exit $grc)"
	else
		fail "$2: exit $grc, expected $1"
	fi
}

# expect_no_failure FILE: no finding of the report fails or cannot look.
expect_no_failure() {
	jq -r '.findings[] | select(.status == "error" or .status == "fail") |
		"FAIL: \(.status) finding \(.id): \(.message)"' "$1" |
		tee "$WORK/errors" >&2
	[ -s "$WORK/errors" ] && failures=$((failures + $(wc -l <"$WORK/errors")))
	return 0
}

# report_line LABEL FILE: a report's host and verdict, in one line.
report_line() {
	jq -r --arg l "$1" '"\($l): \(.host.os.pretty) \(.host.kernel) boot \(.host.boot): \(.summary.verdict) (pass \(.summary.pass) warn \(.summary.warn) fail \(.summary.fail) skip \(.summary.skip) error \(.summary.error))"' "$2"
}

command -v jq >/dev/null || skip "jq is needed (apt-get install jq)"
