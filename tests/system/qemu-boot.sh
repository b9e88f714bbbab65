#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The disk image of disk-image.sh booted for real: qemu with TCG (this
# machine's /dev/kvm cannot run guests), BIOS, grub from the MBR, the
# Debian kernel and initramfs from a virtio disk, systemd.  A oneshot
# unit runs `guestprep check --format json` once the system is up,
# prints the report between markers on the second serial port and
# powers off (lib.sh: install_boot_job, boot_vm); the test parses it
# and asserts what only a running system can show (the disk it booted
# from, live checks, host.boot).  Needs root, loop devices,
# grub-pc-bin, qemu-system-x86.
#   GUESTPREP=build/guestprep sh tests/system/qemu-boot.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

need_root
need_tools qemu-system-x86_64 ldd
bootstrap
build_image "$WORK/disk.img"
M="$WORK/mnt"

install_guestprep "$M"
install_boot_job "$M" <<EOF
#!/bin/sh
/usr/local/sbin/guestprep-it-run report check --format json
$GUEST_NET_INFO
EOF
detach

boot_vm boot -drive file="$WORK/disk.img",format=raw,if=virtio \
	-nic user,model=virtio-net-pci
F="$WORK/vm.json"
guest_output boot report "$F" || finish
# The DHCP configuration and sshd the checks passed really work: qemu's
# user network hands out 10.0.2.15, and something listens on port 22.
grep -q '^net: .* inet 10\.0\.2\.15/' "$WORK/boot.serial.txt" &&
	pass "eth0 got 10.0.2.15 by DHCP" ||
	fail "eth0 has no DHCP address: $(grep '^net: ' "$WORK/boot.serial.txt")"
grep -q '^ssh: ' "$WORK/boot.serial.txt" && pass "sshd listens on port 22" ||
	fail "nothing listens on port 22"
# Ready with warnings, as the image was offline (disk-image.sh): Debian
# 12 is newer than the documented releases, and no cloud-init.
expect_grc 1 "guestprep in the VM: ready with warnings"
[ "$(jq -r .summary.verdict "$F")" = warnings ] ||
	fail "verdict $(jq -r .summary.verdict "$F")"
report_line vm "$F"
[ "$(jq -r .root "$F")" = / ] || fail "the report is not of a live system"
[ "$(jq -r .host.boot "$F")" = bios ] ||
	fail "host.boot is $(jq -r .host.boot "$F"), the VM boots by BIOS"
# What a running system shows beyond the image: the disk it booted from.
expect os.identified          pass "Debian 12" "$F"
expect storage.system_disk    pass "/dev/vda, found from the mounted /" "$F"
expect storage.partition_table pass "MBR" "$F"
expect storage.root_partition pass "/dev/vda1" "$F"
expect storage.filesystem     pass "ext4" "$F"
expect storage.ext4_features  pass "no 64bit" "$F"
expect fstab.device_names     pass "UUID=" "$F"
expect fstab.devices_exist    pass "the UUID is the mounted /" "$F"
expect bootloader.root        pass "root=UUID=" "$F"
expect virtio.initramfs       pass "it just booted from virtio_blk" "$F"
expect network.dhcp           pass "eth0 by DHCP" "$F"
expect sshd.enabled           pass "ssh.service" "$F"
expect qemu_ga.running        pass "no qemu-ga process" "$F"
expect qemu_ga.installed      pass "not installed" "$F"
expect os.platform            warn "Debian 12 is not a documented release" "$F"
expect cloud_init.installed   warn "no cloud-init in a debootstrap" "$F"
# Nothing fails or cannot look on the running system.
expect_no_failure "$F"
jq -r '.findings[] | select(.status == "fail" or .status == "warn") | "  \(.status) \(.id): \(.message)"' "$F"
finish
