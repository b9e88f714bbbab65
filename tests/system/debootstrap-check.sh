#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real Debian 12 as a tree: debootstrapped with its kernel and
# initramfs-tools, OpenSSH, ifupdown with DHCP on eth0, grub; then
# `guestprep check --root` on it, and the verdict of every finding
# asserted (a finding added or gone fails the test too, so the list
# below stays the truth about a plain Debian server).
#
# Needs root and the network (deb.debian.org) on the first run, about
# 2-4 minutes; SYSTEM_CACHE=DIR keeps the tree for later runs.
#   GUESTPREP=build/guestprep sh tests/system/debootstrap-check.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

bootstrap
find_kernel
echo "tree: Debian $(cat "$D/etc/debian_version"), kernel $KVER"

touch "$WORK/stamp"
sleep 1
gp check --root "$D" --format json
# Ready with warnings: Debian 12 is newer than the releases the
# requirements list, and cloud-init is not installed.
expect_rc 1 "check --root on the debootstrapped tree"
jq -e '.schema == "guestprep-report/1" and .mode == "check"' "$WORK/out" \
	>/dev/null || fail "the report is not a guestprep-report/1 check report"
[ "$(jq -r .host.os.id "$WORK/out")" = debian ] &&
	[ "$(jq -r .host.os.family "$WORK/out")" = debian ] &&
	pass "host.os is debian" || fail "host.os: $(jq -c .host.os "$WORK/out")"
[ "$(jq -r .summary.verdict "$WORK/out")" = warnings ] ||
	fail "verdict $(jq -r .summary.verdict "$WORK/out")"
cp "$WORK/out" "$WORK/report.json"

# id  status  why
expect_each "$WORK/report.json" <<'EOF'
os.identified          pass  /etc/os-release says Debian 12
os.platform            warn  the requirements document Debian 6 and 7 only (a ticket confirms newer)
os.architecture        pass  amd64 kernel and userland
selinux.config         pass  no /etc/selinux/config: SELinux is not installed
selinux.cmdline        pass  grub.cfg has no enforcing=1
selinux.live           skip  only on a live system
system_files.issue     pass  /etc/issue comes with base-files
system_files.fstab     pass  /etc/fstab names / by UUID
system_files.bootloader pass /boot/grub/grub.cfg is there
system_files.dirs      pass  merged /usr: /bin, /sbin, /lib are links into /usr
system_files.shadow    pass  /etc/shadow is a plain file
system_files.shadow.attributes pass no immutable attribute on it
system_files.shadow.mount pass /etc is not mounted read-only
disk_space.free        pass  the host's file system has room
disk_space.inodes      pass  and inodes
storage.system_disk    skip  a tree without --disk has no disk to read
storage.disk_size      skip  no disk
storage.partition_table skip no disk
storage.uefi           pass  no /boot/efi, grub-pc: BIOS boot
storage.root_partition skip  no disk
storage.separate_mounts pass fstab mounts only /
storage.filesystem     pass  ext4, from /etc/fstab (no disk to probe)
storage.ext4_features  skip  no disk to probe
storage.fs_clean       skip  no disk to probe
storage.data_disks     pass  no data disks given
fstab.device_names     pass  / by UUID=
fstab.devices_exist    skip  UUIDs can only be resolved live
fstab.nofail           pass  no data disks in fstab
bootloader.root        pass  root=UUID= on the kernel line
bootloader.console     pass  console=ttyS0 on the kernel line
virtio.kernels         pass  one kernel with its initramfs
virtio.drivers         pass  Debian builds virtio as modules
virtio.initramfs       pass  MODULES=most puts virtio_blk in the image
virtio.xen_pv          pass  a generic amd64 kernel
network.manager        pass  ifupdown brings the network up
network.dhcp           pass  iface eth0 inet dhcp
network.mac_pinned     pass  nothing bound to a MAC
network.persistent_net pass  no 70-persistent-net.rules
network.nics           pass  one NIC configured
network.ipv6           pass  no inet6 stanza
firewall.active        pass  no firewall installed
firewall.ssh_port      pass  nothing filters tcp/22
firewall.live          skip  only on a live system
sshd.installed         pass  openssh-server
sshd.enabled           pass  ssh.service enabled by the package
sshd.config.syntax     pass  sshd_config and sshd_config.d parse
sshd.config.port       pass  port 22 (the default)
sshd.config.root_login pass  PermitRootLogin yes from sshd_config.d/root.conf
sshd.config.password_auth pass password login is not turned off
qemu_ga.running        skip  only on a live system
qemu_ga.enabled        skip  nothing to be enabled: not installed
qemu_ga.installed      pass  qemu-guest-agent is not installed
cloud_init.installed   warn  debootstrap does not install cloud-init
cloud_init.enabled     skip  nothing to enable without cloud-init
cloud_init.datasource  skip  no cloud-init configuration
EOF

# The summary counts what the findings say.
for s in pass warn fail skip error; do
	n=$(jq --arg s "$s" '[.findings[] | select(.status == $s)] | length' "$WORK/report.json")
	[ "$(jq ".summary.$s" "$WORK/report.json")" = "$n" ] ||
		fail "summary.$s is $(jq ".summary.$s" "$WORK/report.json"), $n findings say so"
done
jq -r '"summary: \(.summary.verdict) pass \(.summary.pass) warn \(.summary.warn) fail \(.summary.fail) skip \(.summary.skip) error \(.summary.error)"' \
	"$WORK/report.json"

# The text report agrees with the JSON one on the exit status.
gp check --root "$D" --format text --color never
expect_rc 1 "the text report"
grep -q 'cloud_init.installed' "$WORK/out" ||
	fail "the text report does not name cloud_init.installed"

# Check mode writes nothing: the tree is the same before and after.
find "$D" -xdev -newer "$WORK/stamp" | head -5 >"$WORK/newer"
[ -s "$WORK/newer" ] && fail "check changed files: $(cat "$WORK/newer")"

finish
