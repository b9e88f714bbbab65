#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The disk image of disk-image.sh booted for real, broken, fixed inside
# the VM and booted again: qemu with TCG (this machine's /dev/kvm cannot
# run guests), BIOS, grub from the MBR, the Debian kernel and initramfs,
# systemd.  A oneshot unit runs guestprep once the system is up, prints
# its JSON between markers on the second serial port and powers off
# (lib.sh: install_boot_job, boot_vm, guest_output).
#
# The image is first broken the ways source servers often are:
#   - eth0 has a static address (10.0.2.50) instead of DHCP;
#   - fstab names / by /dev/sda1;
#   - the initramfs holds only what an IDE disk needs (MODULES=list),
#     no virtio;
#   - qemu-guest-agent is installed, and runs (qemu gives the VM its
#     virtio-serial port, so udev starts it).
# Boot 1, "source": the server as it runs today, IDE disk and e1000 NIC.
# At boot guestprep checks (not ready), fixes with --yes
# --remove-packages, and checks again (ready with warnings).
# Boot 2, "cloud": the same disk on virtio-blk and virtio-net, as the
# cloud starts it.  It boots from the rebuilt initramfs, gets its
# address by DHCP, sshd listens, and the check there shows what only a
# running system can (the disk it booted from, live checks, host.boot):
# ready with warnings (Debian 12 is newer than the documented releases;
# no cloud-init).  Needs root, loop devices, grub-pc-bin,
# qemu-system-x86, ipxe-qemu, and the network once (debootstrap,
# qemu-guest-agent), then the cache.
#   GUESTPREP=build/guestprep SYSTEM_CACHE=/var/cache/x sh tests/system/qemu-fix.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

need_root
need_tools qemu-system-x86_64 ldd
bootstrap
find_kernel

# --- break the tree ----------------------------------------------------

chroot_mounts
install_packages qemu-guest-agent
cat >"$D/etc/network/interfaces" <<'EOF'
# The loopback and the primary NIC, with the address the server has
# always had.
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

auto eth0
iface eth0 inet static
	address 10.0.2.50/24
	gateway 10.0.2.2
EOF
# An initramfs built for this server's disk only: the IDE controller of
# qemu's i440FX (ata_piix), SCSI disks and ext4; modules.dep adds what
# they need.
sed -i 's/^MODULES=.*/MODULES=list/' "$D/etc/initramfs-tools/initramfs.conf"
printf '%s\n' ata_piix ata_generic sd_mod ext4 crc32c_generic \
	>>"$D/etc/initramfs-tools/modules"
in_chroot update-initramfs -u -k "$KVER" >"$WORK/initramfs.log" 2>&1 ||
	{ tail -20 "$WORK/initramfs.log"; fail "update-initramfs"; exit 1; }
chroot_unmount

build_image "$WORK/disk.img"
M="$WORK/mnt"
sed -i "s|^UUID=$ROOT_UUID |/dev/sda1 |" "$M/etc/fstab"
grep -q '^/dev/sda1 / ' "$M/etc/fstab" || { fail "fstab by /dev/sda1"; exit 1; }

# The breakage is what guestprep sees offline too.
gp check --root "$M" --format json
expect_rc 2 "the broken image, offline: not ready"
expect network.dhcp        fail "eth0 static" "$WORK/out"
expect fstab.device_names  fail "/dev/sda1" "$WORK/out"
expect virtio.initramfs    fail "MODULES=list without virtio" "$WORK/out"
expect qemu_ga.installed   fail "the package" "$WORK/out"

install_guestprep "$M"
# Boot 1 checks, fixes and checks again, and leaves a mark; boot 2 only
# checks.
install_boot_job "$M" <<EOF
#!/bin/sh
run=/usr/local/sbin/guestprep-it-run
if [ -e /var/lib/guestprep-it.fixed ]; then
	\$run cloud check --format json
else
	\$run before check --format json
	\$run fix fix --yes --remove-packages --format json
	: >/var/lib/guestprep-it.fixed
	\$run after check --format json
fi
$GUEST_NET_INFO
EOF
detach

# --- boot 1: the source server ----------------------------------------

boot_vm source -drive file="$WORK/disk.img",format=raw,if=ide \
	-nic user,model=e1000 \
	-device virtio-serial-pci \
	-chardev socket,id=qga0,path="$WORK/qga.sock",server=on,wait=off \
	-device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0

B="$WORK/before.json"
guest_output source before "$B" || finish
expect_grc 2 "source, before fix: not ready"
report_line before "$B"
expect storage.system_disk pass "/dev/sda, found from the mounted /" "$B"
expect network.dhcp        fail "eth0 static" "$B"
expect fstab.device_names  fail "/dev/sda1" "$B"
expect fstab.devices_exist pass "/dev/sda1 is there on IDE" "$B"
expect virtio.initramfs    fail "no virtio in the initramfs" "$B"
expect qemu_ga.installed   fail "installed" "$B"
expect qemu_ga.running     warn "udev started it for its port" "$B"
grep -q '^net: .* inet 10\.0\.2\.50/' "$WORK/source.serial.txt" &&
	pass "source: eth0 has its static 10.0.2.50" ||
	fail "source: eth0 is not 10.0.2.50: $(grep '^net: ' "$WORK/source.serial.txt")"

X="$WORK/fix.json"
guest_output source fix "$X" || finish
expect_grc 1 "source, fix: ready with warnings"
jq -r '.changes[] | "  \(.state) \(.check): \(.action) \(.path // (.command | join(" ")))"' "$X"
jq -e '[.changes[] | select(.state != "applied")] | length == 0' "$X" >/dev/null &&
	pass "fix: every change applied" || fail "fix: changes not applied"
for check in network.dhcp fstab.device_names virtio.initramfs qemu_ga.installed; do
	jq -e --arg c "$check" '[.changes[] | select(.check == $c)] | length > 0' \
		"$X" >/dev/null && pass "fix: $check mended" ||
		fail "fix: no change for $check"
done

A="$WORK/after.json"
guest_output source after "$A" || finish
expect_grc 1 "source, after fix: ready with warnings"
report_line after "$A"
expect network.dhcp        pass "eth0 by DHCP now" "$A"
expect fstab.device_names  pass "UUID=" "$A"
expect virtio.initramfs    pass "rebuilt with virtio" "$A"
expect qemu_ga.installed   pass "removed" "$A"
expect qemu_ga.running     pass "stopped" "$A"
expect_no_failure "$A"

# --- boot 2: the cloud -------------------------------------------------

boot_vm cloud -drive file="$WORK/disk.img",format=raw,if=virtio \
	-nic user,model=virtio-net-pci
C="$WORK/cloud.json"
guest_output cloud cloud "$C" || finish
expect_grc 1 "cloud: ready with warnings"
report_line cloud "$C"
[ "$(jq -r .summary.verdict "$C")" = warnings ] ||
	fail "cloud: verdict $(jq -r .summary.verdict "$C")"
[ "$(jq -r .root "$C")" = / ] || fail "cloud: the report is not of a live system"
[ "$(jq -r .host.boot "$C")" = bios ] ||
	fail "cloud: host.boot is $(jq -r .host.boot "$C"), the VM boots by BIOS"
# What a running system shows beyond the image: the disk it booted from.
expect os.identified          pass "Debian 12" "$C"
expect storage.system_disk    pass "/dev/vda, found from the mounted /" "$C"
expect storage.partition_table pass "MBR" "$C"
expect storage.root_partition pass "/dev/vda1" "$C"
expect storage.filesystem     pass "ext4" "$C"
expect storage.ext4_features  pass "no 64bit" "$C"
expect fstab.device_names     pass "UUID= (fixed)" "$C"
expect fstab.devices_exist    pass "the UUID is the mounted /" "$C"
expect bootloader.root        pass "root=UUID=" "$C"
expect virtio.initramfs       pass "it booted from virtio_blk" "$C"
expect network.dhcp           pass "eth0 by DHCP" "$C"
expect sshd.enabled           pass "ssh.service" "$C"
expect qemu_ga.running        pass "no qemu-ga process" "$C"
expect qemu_ga.installed      pass "removed" "$C"
expect os.platform            warn "Debian 12 is not a documented release" "$C"
expect cloud_init.installed   warn "no cloud-init in a debootstrap" "$C"
expect_no_failure "$C"
jq -r '.findings[] | select(.status == "fail" or .status == "warn") | "  \(.status) \(.id): \(.message)"' "$C"
# What the fix changed works: qemu's DHCP server hands out 10.0.2.15
# (not the old static .50), and sshd listens.
grep -q '^net: .* inet 10\.0\.2\.15/.* dynamic' "$WORK/cloud.serial.txt" &&
	pass "cloud: eth0 got 10.0.2.15 by DHCP" ||
	fail "cloud: eth0 has no DHCP address: $(grep '^net: ' "$WORK/cloud.serial.txt")"
grep -q '^ssh: ' "$WORK/cloud.serial.txt" && pass "cloud: sshd listens on port 22" ||
	fail "cloud: nothing listens on port 22"
finish
