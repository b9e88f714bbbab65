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

command -v jq >/dev/null || skip "jq is needed (apt-get install jq)"
