#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The storage plugin on real disk images: sparse raw images partitioned
# with sfdisk, file systems made by mkfs and copied in at the partition's
# offset, probed by guestprep through libblkid and libext2fs with --disk.
# The tree beside each image is a minimal CentOS 7 whose fstab names the
# root file system the way the case needs.
. "$TESTS_LIB"

for tool in sfdisk mkfs.ext4 mkfs.ext3 debugfs blkid; do
	command -v "$tool" >/dev/null ||
		{ echo "$tool is needed (fdisk, e2fsprogs, util-linux)"; exit 77; }
done

T="$WORK/tree"
mkdir -p "$T/etc"
printf 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="7"\n' >"$T/etc/os-release"
echo "CentOS Linux release 7.9.2009 (Core)" >"$T/etc/centos-release"

MIB=$((1024 * 1024))

# fs FILE MIB MKFS...: a file system in its own file, to copy into disks.
fs() {
	local file=$1 size=$2
	shift 2
	truncate -s "${size}M" "$file"
	"$@" "$file" >/dev/null 2>&1 || { echo "cannot run $*" >&2; exit 99; }
}

# disk IMG SIZE LABEL PARTS...: a sparse disk with sfdisk partitions
# ("start-MiB size-MiB type" each); prints nothing.
disk() {
	local img=$1 size=$2 label=$3
	shift 3
	rm -f "$img"
	truncate -s "$size" "$img"
	{
		echo "label: $label"
		for p in "$@"; do
			set -- $p
			echo "start=$(($1 * 2048)), size=$(($2 * 2048)), type=$3"
		done
	} | sfdisk -q "$img" >/dev/null || { echo "sfdisk failed" >&2; exit 99; }
}

# put FSFILE IMG START-MiB: copy a file system into a disk at an offset.
put() {
	dd if="$1" of="$2" bs=1M seek="$3" conv=notrunc,sparse status=none
}

# fstab LINES...: the tree's /etc/fstab.
fstab() {
	printf '%s\n' "$@" >"$T/etc/fstab"
}

uuid_of() {
	blkid -o value -s UUID "$1"
}

# check EXTRA-ARGS...: run the storage checks on the tree; JSON in $WORK/out.
check() {
	gp check --root "$T" --only storage --format json "$@"
}

# expect ID STATUS WHAT
expect() {
	local got
	got=$(jq -r --arg id "$1" '[.findings[] | select(.id == $id) | .status] | join(",")' "$WORK/out")
	if [ "$got" = "$2" ]; then
		pass "$3: $1 $got"
	else
		fail "$3: $1 is \"$got\", expected $2"
		jq -c --arg id "$1" '.findings[] | select(.id == $id)' "$WORK/out" >&2
	fi
}

# --- MBR, one ext4 without 64bit: what the cloud wants --------------
fs "$WORK/ext4.fs" 64 mkfs.ext4 -q -F -O ^64bit,^metadata_csum
ROOT_UUID=$(uuid_of "$WORK/ext4.fs")
disk "$WORK/good.img" 6G dos "1 64 83"
put "$WORK/ext4.fs" "$WORK/good.img" 1
fstab "UUID=$ROOT_UUID / ext4 defaults 1 1"
check --disk "$WORK/good.img"
expect storage.system_disk pass "MBR ext4"
expect storage.disk_size pass "MBR ext4"
expect storage.partition_table pass "MBR ext4"
expect storage.uefi pass "MBR ext4"
expect storage.root_partition pass "MBR ext4"
expect storage.separate_mounts pass "MBR ext4"
expect storage.filesystem pass "MBR ext4"
expect storage.ext4_features pass "MBR ext4"
expect storage.fs_clean pass "MBR ext4"
expect storage.data_disks pass "MBR ext4"
[ "$(jq .import.system_disk_gib "$WORK/out")" = 6 ] &&
	pass "import size is the disk's 6 GiB" ||
	fail "import size $(jq .import.system_disk_gib "$WORK/out"), expected 6"

# The same disk seen through a loop device (a real block device).
if loop=$(losetup --show -f -r "$WORK/good.img" 2>/dev/null); then
	check --disk "$loop"
	losetup -d "$loop"
	expect storage.partition_table pass "loop device"
	expect storage.root_partition pass "loop device"
	expect storage.ext4_features pass "loop device"
	expect storage.disk_size pass "loop device"
else
	echo "no loop device here: block-device case not run"
fi

# Check mode wrote nothing, not even to the image.
sum=$(sha256sum <"$WORK/good.img")
check --disk "$WORK/good.img"
[ "$(sha256sum <"$WORK/good.img")" = "$sum" ] && pass "image unchanged" ||
	fail "check mode changed the disk image"

# --- ext4 with 64bit (mkfs.ext4's default), and with project+quota --
fs "$WORK/ext4-64.fs" 64 mkfs.ext4 -q -F -O 64bit
disk "$WORK/d64.img" 6G dos "1 64 83"
put "$WORK/ext4-64.fs" "$WORK/d64.img" 1
fstab "UUID=$(uuid_of "$WORK/ext4-64.fs") / ext4 defaults 1 1"
check --disk "$WORK/d64.img"
expect storage.ext4_features fail "ext4 64bit"
jq -r '.findings[] | select(.id == "storage.ext4_features") | .evidence[]' \
	"$WORK/out" | grep -q 64bit && pass "evidence names 64bit" ||
	fail "ext4 64bit: evidence does not name the feature"

fs "$WORK/ext4-pq.fs" 64 mkfs.ext4 -q -F -I 256 -O ^64bit,quota,project
disk "$WORK/dpq.img" 6G dos "1 64 83"
put "$WORK/ext4-pq.fs" "$WORK/dpq.img" 1
fstab "UUID=$(uuid_of "$WORK/ext4-pq.fs") / ext4 defaults 1 1"
check --disk "$WORK/dpq.img"
expect storage.ext4_features fail "ext4 project+quota"
# quota alone is allowed: only the pair is refused.
fs "$WORK/ext4-q.fs" 64 mkfs.ext4 -q -F -O ^64bit,quota
put "$WORK/ext4-q.fs" "$WORK/dpq.img" 1
fstab "UUID=$(uuid_of "$WORK/ext4-q.fs") / ext4 defaults 1 1"
check --disk "$WORK/dpq.img"
expect storage.ext4_features pass "ext4 quota alone"

# --- ext3, by LABEL, among several partitions ------------------------
# (and a data disk whose ext4 has a known UUID, for fstab's lookups)
fs "$WORK/data.fs" 16 mkfs.ext4 -q -F -U 0a0b0c0d-1111-2222-3333-444455556666
disk "$WORK/data.img" 1G dos "1 16 83"
put "$WORK/data.fs" "$WORK/data.img" 1
fs "$WORK/ext3.fs" 32 mkfs.ext3 -q -F -L rootfs
fs "$WORK/boot.fs" 16 mkfs.ext4 -q -F -O ^64bit
disk "$WORK/multi.img" 8G dos "1 16 83" "17 32 82" "49 32 83"
put "$WORK/boot.fs" "$WORK/multi.img" 1
put "$WORK/ext3.fs" "$WORK/multi.img" 49
fstab "LABEL=rootfs / ext3 defaults 1 1" \
	"UUID=$(uuid_of "$WORK/boot.fs") /boot ext4 defaults 1 2"
check --disk "$WORK/multi.img"
expect storage.root_partition pass "ext3 by LABEL, partition 3"
jq -r '.findings[] | select(.id == "storage.root_partition") | .message' \
	"$WORK/out" | grep -q "partition 3 " && pass "/ is partition 3" ||
	fail "ext3 by LABEL: / not found as partition 3"
expect storage.filesystem pass "ext3"
expect storage.ext4_features pass "ext3"
expect storage.separate_mounts pass "separate /boot only"

# fstab's devices looked up on the images (offline fstab.devices_exist).
PTUUID=$(blkid -o value -s PTUUID "$WORK/multi.img")
fstab "LABEL=rootfs / ext3 defaults 1 1" \
	"PARTUUID=$PTUUID-01 /boot ext4 defaults 1 2" \
	"/dev/disk/by-label/rootfs /mnt/again ext3 defaults 0 0"
gp check --root "$T" --only fstab.devices_exist --format json --disk "$WORK/multi.img"
expect fstab.devices_exist pass "tags found on the image"
fstab "LABEL=rootfs / ext3 defaults 1 1" \
	"UUID=0a0b0c0d-1111-2222-3333-444455556666 /data xfs defaults 0 0"
gp check --root "$T" --only fstab.devices_exist --format json --disk "$WORK/multi.img"
expect fstab.devices_exist fail "a UUID on no image"
gp check --root "$T" --only fstab.devices_exist --format json --disk "$WORK/multi.img" \
	--disk "$WORK/data.img"
expect fstab.devices_exist pass "the UUID on the data disk image"
gp check --root "$T" --only fstab.devices_exist --format json
expect fstab.devices_exist skip "offline without --disk"

# A kernel name: partition 3 by /dev/sda3.
fstab "/dev/sda3 / ext3 defaults 1 1" "/dev/sda1 /usr ext4 defaults 1 2"
check --disk "$WORK/multi.img"
expect storage.root_partition pass "/dev/sda3"
expect storage.separate_mounts warn "separate /usr"

# --- a file system the cloud does not mount --------------------------
fs "$WORK/ext2.fs" 16 mkfs.ext2 -q -F
disk "$WORK/ext2.img" 6G dos "1 16 83"
put "$WORK/ext2.fs" "$WORK/ext2.img" 1
fstab "UUID=$(uuid_of "$WORK/ext2.fs") / ext2 defaults 1 1"
check --disk "$WORK/ext2.img"
expect storage.filesystem fail "ext2"

# --- errors recorded in the superblock, and an unchecked one ---------
cp "$WORK/ext4.fs" "$WORK/err.fs"
debugfs -w -R "ssv error_count 3" "$WORK/err.fs" >/dev/null 2>&1
disk "$WORK/err.img" 6G dos "1 64 83"
put "$WORK/err.fs" "$WORK/err.img" 1
fstab "UUID=$ROOT_UUID / ext4 defaults 1 1"
check --disk "$WORK/err.img"
expect storage.fs_clean fail "3 errors recorded"
cp "$WORK/ext4.fs" "$WORK/dirty.fs"
debugfs -w -R "ssv state 0" "$WORK/dirty.fs" >/dev/null 2>&1
put "$WORK/dirty.fs" "$WORK/err.img" 1
check --disk "$WORK/err.img"
expect storage.fs_clean fail "not cleanly unmounted"

# --- GPT, with an EFI system partition -------------------------------
ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
LINUX=0FC63DAF-8483-4772-8E79-3D69ED47C984
disk "$WORK/gpt.img" 6G gpt "1 16 $ESP" "17 64 $LINUX"
put "$WORK/ext4.fs" "$WORK/gpt.img" 17
fstab "UUID=$ROOT_UUID / ext4 defaults 1 1"
check --disk "$WORK/gpt.img"
expect storage.partition_table fail "GPT"
expect storage.uefi fail "EFI system partition"
expect storage.root_partition pass "GPT partition 2"
check --disk "$WORK/gpt.img" --set storage.partition_tables="dos gpt" \
	--set storage.uefi_boot=pass
expect storage.partition_table pass "GPT allowed by the profile"
expect storage.uefi pass "UEFI allowed by the profile"

# --- xfs, when xfsprogs is here (its minimum size is 300 MiB) --------
if command -v mkfs.xfs >/dev/null; then
	fs "$WORK/xfs.fs" 320 mkfs.xfs -q -f
	disk "$WORK/xfs.img" 6G dos "1 320 83"
	put "$WORK/xfs.fs" "$WORK/xfs.img" 1
	fstab "UUID=$(uuid_of "$WORK/xfs.fs") / xfs defaults 0 0"
	check --disk "$WORK/xfs.img"
	expect storage.filesystem pass "xfs"
	expect storage.ext4_features skip "xfs"
	expect storage.root_partition pass "xfs"
else
	echo "mkfs.xfs is not installed: xfs case not run"
fi

# --- sizes: too big, too small, and data disks -----------------------
disk "$WORK/huge.img" 600G dos "1 64 83"
put "$WORK/ext4.fs" "$WORK/huge.img" 1
check --disk "$WORK/huge.img"
expect storage.disk_size fail "600 GiB system disk"
disk "$WORK/small.img" 3G dos "1 64 83"
put "$WORK/ext4.fs" "$WORK/small.img" 1
check --disk "$WORK/small.img"
expect storage.disk_size warn "3 GiB system disk"
[ "$(jq .import.system_disk_gib "$WORK/out")" = 5 ] &&
	pass "a 3 GiB disk is imported at 5 GiB" ||
	fail "import size $(jq .import.system_disk_gib "$WORK/out"), expected 5"
truncate -s 1200G "$WORK/data-big.img"
truncate -s 100G "$WORK/data-ok.img"
check --disk "$WORK/good.img" --disk "$WORK/data-ok.img"
expect storage.data_disks pass "a 100 GiB data disk"
check --disk "$WORK/good.img" --disk "$WORK/data-ok.img" --disk "$WORK/data-big.img"
expect storage.data_disks pass,fail "100 and 1200 GiB data disks"
check --disk "$WORK/good.img" --disk "$WORK/data-big.img" \
	--set storage.data_disk_max_gib=2000
expect storage.data_disks pass "1200 GiB under the 2018 limit"

# --- / on LVM, named by fstab ----------------------------------------
fstab "/dev/mapper/centos-root / xfs defaults 0 0"
check --disk "$WORK/good.img"
expect storage.root_partition fail "/ on device-mapper"

# --- what cannot be read ---------------------------------------------
printf 'QFI\373\000\000\000\003' >"$WORK/disk.qcow2"
truncate -s 1M "$WORK/disk.qcow2"
check --disk "$WORK/disk.qcow2"
expect storage.system_disk error "a qcow2 image"
expect storage.partition_table skip "a qcow2 image"
check --disk "$WORK/missing.img"
expect storage.system_disk error "a missing image"
check --disk "$WORK"
expect storage.system_disk error "a directory"
# Garbage of the right size: no table, no file system, no crash.
head -c 4M /dev/urandom >"$WORK/junk.img"
check --disk "$WORK/junk.img"
expect storage.partition_table fail "random bytes"
expect storage.ext4_features skip "random bytes"
# A truncated ext4: the superblock claims more than there is.
disk "$WORK/cut.img" 6G dos "1 64 83"
head -c 2M "$WORK/ext4.fs" | dd of="$WORK/cut.img" bs=1M seek=1 conv=notrunc status=none
check --disk "$WORK/cut.img"
[ "$rc" -le 2 ] && pass "truncated ext4: exit $rc" || fail "truncated ext4: exit $rc"

# Offline without --disk: the disk checks skip, the fstab ones still run.
fstab "UUID=$ROOT_UUID / ext4 defaults 1 1"
check
expect storage.system_disk skip "offline without --disk"
expect storage.filesystem pass "offline, type from fstab"

finish
