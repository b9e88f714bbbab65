#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The debootstrapped Debian 12 on a real disk image: a raw MBR disk
# (sfdisk), one ext4 without 64bit (as the cloud wants), the tree copied
# in through a loop device, fstab and grub.cfg by UUID, grub-install
# into the MBR.  Then checked offline as a cloud import tool would:
# `guestprep check --root MOUNT --disk /dev/loopN`, the storage findings
# asserted; then broken on purpose (fstab by /dev/sda1, a 64bit ext4)
# and the failures asserted.  Mounts and loop devices go on any exit.
#
# Needs root, loop devices, grub-pc-bin and the network on the first
# run (or SYSTEM_CACHE), about 1 minute on a cached tree.
#   GUESTPREP=build/guestprep sh tests/system/disk-image.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

need_root
need_tools sfdisk mkfs.ext4 losetup partx blkid grub-mkimage e2fsck resize2fs dumpe2fs
bootstrap
build_image "$WORK/disk.img"
M="$WORK/mnt"

# The boot code grub-install put in the MBR, and the boot signature.
dd if="$LOOP" bs=512 count=1 status=none | grep -aq GRUB &&
	pass "grub boot code in the MBR" || fail "no grub in the MBR"
[ -f "$M/boot/grub/i386-pc/core.img" ] || fail "no grub core.img"

gp check --root "$M" --disk "$LOOP" --format json
# Ready with warnings, as the tree was (debootstrap-check.sh).
expect_rc 1 "check --root $M --disk $LOOP"
cp "$WORK/out" "$WORK/good.json"
expect storage.system_disk     pass "the disk image is readable"
expect storage.disk_size       pass "${IMG_MIB} MiB is in the cloud's range"
expect storage.partition_table pass "an MBR (dos) partition table"
expect storage.uefi            pass "BIOS boot, no EFI system partition"
expect storage.root_partition  pass "partition 1 of the disk is /"
expect storage.separate_mounts pass "only / in fstab"
expect storage.filesystem      pass "ext4"
expect storage.ext4_features   pass "made with -O ^64bit"
expect storage.fs_clean        pass "a fresh file system"
expect fstab.device_names      pass "/ by UUID=$ROOT_UUID"
expect bootloader.root         pass "root=UUID= in grub.cfg"
expect virtio.initramfs        pass "the initramfs on the disk has virtio_blk"
expect cloud_init.installed    warn "no cloud-init in a debootstrap"
# Nothing fails on the disk the cloud wants.
jq -r '.findings[] | select(.status == "fail" or .status == "error") | .id' \
	"$WORK/good.json" >"$WORK/bad.ids"
[ -s "$WORK/bad.ids" ] && fail "failing findings: $(tr '\n' ' ' <"$WORK/bad.ids")"
[ "$(jq -r .import.system_disk_gib "$WORK/good.json")" != null ] ||
	fail "the report gives no system disk size for the import"
jq -c '.import' "$WORK/good.json"

# Broken on purpose: fstab names / by the kernel's name for the disk.
cp "$M/etc/fstab" "$WORK/fstab.good"
sed -i "s|^UUID=$ROOT_UUID |/dev/sda1 |" "$M/etc/fstab"
grep -q '^/dev/sda1 ' "$M/etc/fstab" || fail "the fstab edit did not take"
gp check --root "$M" --disk "$LOOP" --format json
expect_rc 2 "fstab by /dev/sda1"
expect fstab.device_names fail "/dev/sda1 becomes /dev/vda1 under virtio"
# storage still finds / by the mount, not by the fstab line.
expect storage.root_partition pass "the disk has not changed"
cp "$WORK/fstab.good" "$M/etc/fstab"

# The same disk with a 64bit ext4, which the cloud cannot resize.
detach
attach "$WORK/disk.img"
# resize2fs -b converts a file system to 64bit; it wants a fresh fsck.
{ e2fsck -fy "${LOOP}p1" && resize2fs -b "${LOOP}p1"; } >"$WORK/resize.log" 2>&1 ||
	{ cat "$WORK/resize.log"; fail "cannot turn 64bit on"; }
dumpe2fs -h "${LOOP}p1" 2>/dev/null | grep -q '64bit' ||
	fail "the file system still has no 64bit feature"
mount "${LOOP}p1" "$M" || { fail "mount"; exit 1; }
MOUNTS="$M $MOUNTS"
gp check --root "$M" --disk "$LOOP" --format json
expect_rc 2 "a 64bit ext4"
expect storage.ext4_features fail "the 64bit feature"
expect storage.filesystem pass "still ext4"

detach
# Nothing left behind: no loop device on the image.
losetup -j "$WORK/disk.img" | grep -q . && fail "a loop device is still attached"
finish
