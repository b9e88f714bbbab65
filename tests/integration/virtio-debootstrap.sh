#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# virtio on a real Debian 12 and its real initramfs, before and after the
# fix: a debootstrapped tree with its kernel, whose initramfs-tools is
# told to leave every module out (MODULES=list), so the image lacks
# virtio.  `guestprep check` fails; `guestprep fix --chroot` configures
# initramfs-tools and rebuilds the image in the chroot; the check passes
# and the image really holds virtio_blk (as lsinitramfs, a separate
# reader, lists it); `guestprep undo` puts the old image back byte for
# byte.  Then the same with dracut in place of initramfs-tools.
#
# Needs root and the network (deb.debian.org), about 3 minutes.
#   GUESTPREP=build/guestprep sh tests/integration/virtio-debootstrap.sh
# VIRTIO_DEBOOTSTRAP_CACHE=DIR keeps the bootstrapped tree in DIR (made
# on the first run, copied on later ones), to save the download.
# SYSTEM_CACHE=DIR: the tree of the system tests (make system-tree,
# tests/system/lib.sh) when DIR/deb holds a complete one; it has all this
# test needs and more, so one download serves both.
FIXTURES=${FIXTURES:-$(dirname "$0")/../fixtures}
TESTS_LIB=${TESTS_LIB:-$(dirname "$0")/lib.sh}
. "$TESTS_LIB"

[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)"; exit 77; }

MIRROR=${VIRTIO_MIRROR:-http://deb.debian.org/debian}
D="$WORK/deb"
MOUNTS=""

# Unmount what we mounted, innermost first; never delete a tree that
# still has something mounted in it (it could be the host's /dev).
cleanup() {
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	MOUNTS=""
	if grep -q " $WORK/" /proc/self/mounts; then
		echo "still mounted under $WORK: not removing it" >&2
		return
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_chroot() {
	mount -t proc proc "$D/proc" && MOUNTS="$D/proc $MOUNTS" &&
	mount -t sysfs sysfs "$D/sys" && MOUNTS="$D/sys $MOUNTS" &&
	mount --bind /dev "$D/dev" && MOUNTS="$D/dev $MOUNTS"
}

umount_chroot() {
	for m in $MOUNTS; do
		umount "$m" || { fail "cannot unmount $m"; exit 1; }
	done
	MOUNTS=""
}

in_chroot() {
	chroot "$D" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

bootstrap() {
	if ! command -v debootstrap >/dev/null; then
		apt-get install -y debootstrap >/dev/null 2>&1 ||
			{ echo "no debootstrap, and it cannot be installed"; exit 77; }
	fi
	if [ -n "${VIRTIO_DEBOOTSTRAP_CACHE:-}" ] &&
	   [ -e "$VIRTIO_DEBOOTSTRAP_CACHE/boot" ]; then
		cp -a "$VIRTIO_DEBOOTSTRAP_CACHE" "$D"
		return
	fi
	if [ -n "${SYSTEM_CACHE:-}" ] && [ -f "$SYSTEM_CACHE/deb/.complete" ]; then
		cp -a "$SYSTEM_CACHE/deb" "$D"
		echo "tree of the system tests, from $SYSTEM_CACHE/deb"
		return
	fi
	start=$(date +%s)
	if ! debootstrap --variant=minbase \
		--include=linux-image-amd64,initramfs-tools bookworm "$D" \
		"$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
		tail -5 "$WORK/debootstrap.log"
		echo "debootstrap failed (network?): skipped"
		exit 77
	fi
	echo "debootstrap: $(( $(date +%s) - start )) s"
	if [ -n "${VIRTIO_DEBOOTSTRAP_CACHE:-}" ]; then
		rm -rf "$VIRTIO_DEBOOTSTRAP_CACHE"
		cp -a "$D" "$VIRTIO_DEBOOTSTRAP_CACHE"
	fi
}

# The one initramfs of the tree, and its kernel.
find_image() {
	KVER=$(ls "$D/lib/modules" | head -n 1)
	IMG="/boot/initrd.img-$KVER"
	[ -n "$KVER" ] && [ -f "$D$IMG" ] || { fail "no kernel or initramfs"; exit 1; }
}

# Does lsinitramfs (initramfs-tools) or lsinitrd (dracut) list virtio_blk?
image_has_blk() {
	if [ -x "$D/usr/bin/lsinitramfs" ]; then
		in_chroot lsinitramfs "$IMG" | grep -q 'virtio_blk\.ko'
	else
		in_chroot lsinitrd "$IMG" | grep -q 'virtio_blk\.ko'
	fi
}

status_of() {
	jq -r --arg id "$1" '.findings[] | select(.id == $id) | .status' \
		"$WORK/out"
}

# check fails, fix rebuilds, check passes, undo restores (tool: $1).
round() {
	tool=$1 conf=$2
	cp -a "$D$IMG" "$WORK/before.img"
	cp -a "$D$conf" "$WORK/before.conf" 2>/dev/null || : >"$WORK/no.conf"
	image_has_blk && fail "$tool: the prepared image already has virtio_blk"

	gp check --root "$D" --only virtio --format json
	expect_rc 2 "$tool: check fails on the image without virtio"
	[ "$(status_of virtio.initramfs)" = fail ] ||
		fail "$tool: virtio.initramfs is $(status_of virtio.initramfs)"

	gp fix --root "$D" --chroot --only virtio --dry-run
	expect_rc 2 "$tool: dry run"
	grep -q "run .*$KVER" "$WORK/out" || fail "$tool: dry run shows no command"
	cmp -s "$WORK/before.img" "$D$IMG" || fail "$tool: the dry run changed the image"
	sed 's/^/    /' "$WORK/out" | grep -E 'run |^ *[-+][a-z#]|edit ' | head -12

	start=$(date +%s)
	timeout 600 "$GUESTPREP" fix --root "$D" --chroot --yes --only virtio \
		--format json >"$WORK/out" 2>"$WORK/err"
	rc=$?
	expect_rc 0 "$tool: fix rebuilds the image ($(( $(date +%s) - start )) s)"
	[ "$(status_of virtio.initramfs)" = pass ] ||
		fail "$tool: after fix virtio.initramfs is $(status_of virtio.initramfs): $(jq -c '.changes[] | {state, command, output}' "$WORK/out")"
	image_has_blk || fail "$tool: the rebuilt image has no virtio_blk"

	gp check --root "$D" --only virtio --format json
	expect_rc 0 "$tool: check passes after the fix"

	gp undo --root "$D"
	expect_rc 0 "$tool: undo"
	cat "$WORK/out"
	cmp "$WORK/before.img" "$D$IMG" && pass "$tool: the old image is back byte for byte"
	if [ -e "$WORK/no.conf" ]; then
		[ -e "$D$conf" ] && fail "$tool: $conf left behind by undo"
	else
		cmp -s "$WORK/before.conf" "$D$conf" || fail "$tool: $conf not restored"
	fi
	rm -f "$WORK/no.conf"
	gp check --root "$D" --only virtio --format json
	expect_rc 2 "$tool: check fails again after undo"
}

# A tool that leaves the drivers out whatever it is told (a later
# drop-in resets add_drivers): fix must say the rebuild failed.
rebuild_leaves_them_out() {
	echo 'add_drivers=""' >"$D/etc/dracut.conf.d/99-test-reset.conf"
	cp -a "$D$IMG" "$WORK/before.img"
	timeout 600 "$GUESTPREP" fix --root "$D" --chroot --yes --only virtio \
		>"$WORK/out" 2>"$WORK/err"
	rc=$?
	expect_rc 2 "dracut omitting virtio_blk: fix is not ready"
	grep -E '^(FAIL|PASS)' "$WORK/out"
	grep -q '^FAIL  virtio.initramfs.rebuild' "$WORK/out" ||
		fail "the report does not say the rebuild did not add the drivers"
	gp undo --root "$D"
	expect_rc 0 "undo of the failed rebuild"
	cmp "$WORK/before.img" "$D$IMG" &&
		pass "the old image is back after the failed rebuild"
}

bootstrap
find_image
mount_chroot || { fail "cannot mount /proc, /sys, /dev in the tree"; exit 1; }

# initramfs-tools, told to add no module at all.
sed -i 's/^MODULES=.*/MODULES=list/' "$D/etc/initramfs-tools/initramfs.conf"
in_chroot update-initramfs -u -k "$KVER" >"$WORK/update.log" 2>&1 ||
	{ cat "$WORK/update.log"; fail "update-initramfs in the chroot"; exit 1; }
round initramfs-tools /etc/initramfs-tools/modules

# dracut in its place (it removes initramfs-tools), told the same.
if [ "${VIRTIO_SKIP_DRACUT:-}" != 1 ]; then
	start=$(date +%s)
	if in_chroot apt-get install -y --no-install-recommends dracut \
		>"$WORK/dracut.log" 2>&1; then
		echo "dracut installed: $(( $(date +%s) - start )) s"
		mkdir -p "$D/etc/dracut.conf.d"
		# Generic (not host-only), only ext4 as drivers, and none of
		# the modules that bring virtio (qemu: in a VM; virtiofs).
		printf '%s\n' 'hostonly="no"' 'drivers=" ext4 "' \
			'omit_dracutmodules+=" qemu qemu-net virtiofs "' \
			>"$D/etc/dracut.conf.d/10-test-no-virtio.conf"
		in_chroot dracut --force "$IMG" "$KVER" >"$WORK/dracut.log" 2>&1 ||
			{ tail "$WORK/dracut.log"; fail "dracut in the chroot"; }
		round dracut /etc/dracut.conf.d/90-guestprep-virtio.conf
		rebuild_leaves_them_out
	else
		tail -3 "$WORK/dracut.log"
		echo "dracut cannot be installed (network?): that half skipped"
	fi
fi

umount_chroot
finish
