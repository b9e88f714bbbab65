#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The disk image of disk-image.sh booted for real: qemu with TCG (this
# machine's /dev/kvm cannot run guests), BIOS, grub from the MBR, the
# Debian kernel and initramfs from a virtio disk, systemd.  A oneshot
# unit runs `guestprep check --format json` once the system is up,
# prints the report between markers on the second serial port and
# powers off; the test parses it and asserts what only a running system
# can show (the disk it booted from, live checks, host.boot).
#
# The report has its own serial port (ttyS1 -> report.log) so kernel and
# systemd messages on the console (ttyS0 -> console.log) cannot land in
# the middle of the JSON.  SYSTEM_QEMU_TIMEOUT (default 900 s) bounds a
# boot.  Needs root, loop devices, grub-pc-bin, qemu-system-x86.
#   GUESTPREP=build/guestprep sh tests/system/qemu-boot.sh
. "${SYSTEM_LIB:-$(dirname "$0")/lib.sh}"

need_root
need_tools qemu-system-x86_64 ldd
bootstrap
build_image "$WORK/disk.img"
M="$WORK/mnt"

# guestprep and the libraries it was linked with, in a directory of its
# own run through its own loader: the guest needs none of them.
install_guestprep() {
	local lib="$M/usr/local/lib/guestprep"
	mkdir -p "$lib" "$M/usr/local/sbin"
	cp "$GUESTPREP" "$lib/guestprep"
	ldd "$GUESTPREP" 2>/dev/null | grep -oE '/[^ ]+' | while read -r so; do
		cp -L "$so" "$lib/"
	done
	if ls "$lib"/ld-linux* >/dev/null 2>&1; then
		cat >"$M/usr/local/sbin/guestprep" <<'EOF'
#!/bin/sh
d=/usr/local/lib/guestprep
exec $d/ld-linux-x86-64.so.2 --library-path $d $d/guestprep "$@"
EOF
		chmod 755 "$M/usr/local/sbin/guestprep"
	else	# a static binary
		mv "$lib/guestprep" "$M/usr/local/sbin/guestprep"
	fi
	cat >"$M/usr/local/sbin/guestprep-boot-report" <<'EOF'
#!/bin/sh
# Run by guestprep-report.service: the report on ttyS1, then power off.
rc=0
/usr/local/sbin/guestprep check --format json >/run/report.json \
	2>/run/report.err || rc=$?
{
	echo "=== guestprep report begin ==="
	cat /run/report.json
	echo "=== guestprep report end rc=$rc ==="
	sed 's/^/stderr: /' /run/report.err
	# What the report says about the network, seen from inside.
	ip -4 -o addr show dev eth0 | sed 's/^/net: /'
	ss -Hltn 'sport = :22' | sed 's/^/ssh: /'
} >/dev/ttyS1
systemctl --no-block poweroff
EOF
	chmod 755 "$M/usr/local/sbin/guestprep-boot-report"
	cat >"$M/etc/systemd/system/guestprep-report.service" <<'EOF'
[Unit]
Description=guestprep check at boot (tests/system/qemu-boot.sh)
After=multi-user.target network-online.target ssh.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/guestprep-boot-report

[Install]
WantedBy=multi-user.target
EOF
	ln -sf /etc/systemd/system/guestprep-report.service \
		"$M/etc/systemd/system/multi-user.target.wants/guestprep-report.service"
}

install_guestprep
detach

timeout=${SYSTEM_QEMU_TIMEOUT:-900}
: >"$WORK/console.log"
: >"$WORK/report.log"
start=$(date +%s)
timeout "$timeout" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
	-display none -monitor none -no-reboot \
	-drive file="$WORK/disk.img",format=raw,if=virtio \
	-nic user,model=virtio-net-pci \
	-serial file:"$WORK/console.log" -serial file:"$WORK/report.log" \
	>"$WORK/qemu.log" 2>&1
qrc=$?
secs=$(( $(date +%s) - start ))
if [ "$qrc" -ne 0 ]; then
	tail -30 "$WORK/console.log" >&2
	cat "$WORK/qemu.log" >&2
	fail "qemu exit $qrc after $secs s (124: the guest did not power off in ${timeout} s)"
	finish
fi
pass "booted, reported and powered off in $secs s (TCG)"
grep -m1 -E 'Linux version' "$WORK/console.log" >/dev/null ||
	fail "no kernel messages on the serial console"
# Guest clock when systemd powered off (boot, check and shutdown).
sed -n 's/^\[ *\([0-9.]*\)\] reboot: Power down.*/guest uptime at power-off: \1 s/p' \
	"$WORK/console.log" | tr -d '\r'

sed -n '/^=== guestprep report begin ===/,/^=== guestprep report end/p' \
	"$WORK/report.log" | tr -d '\r' | sed '1d;$d' >"$WORK/vm.json"
vrc=$(tr -d '\r' <"$WORK/report.log" | sed -n 's/^=== guestprep report end rc=\([0-9]*\) ===$/\1/p')
grep '^stderr: ' "$WORK/report.log" | head -5
# The DHCP configuration and sshd the checks passed really work: qemu's
# user network hands out 10.0.2.15, and something listens on port 22.
grep -q '^net: .* inet 10\.0\.2\.15/' "$WORK/report.log" &&
	pass "eth0 got 10.0.2.15 by DHCP" ||
	fail "eth0 has no DHCP address: $(grep '^net: ' "$WORK/report.log")"
grep -q '^ssh: ' "$WORK/report.log" && pass "sshd listens on port 22" ||
	fail "nothing listens on port 22"
if ! jq -e . "$WORK/vm.json" >/dev/null 2>&1; then
	fail "no JSON report between the markers on ttyS1"
	tail -30 "$WORK/console.log" >&2
	finish
fi
# Ready with warnings, as the image was offline (disk-image.sh): Debian
# 12 is newer than the documented releases, and no cloud-init.
case $vrc in
1) pass "guestprep in the VM: exit 1 (ready with warnings)" ;;
*) fail "guestprep in the VM: exit $vrc, expected 1" ;;
esac
[ "$(jq -r .summary.verdict "$WORK/vm.json")" = warnings ] ||
	fail "verdict $(jq -r .summary.verdict "$WORK/vm.json")"
jq -r '"vm: \(.host.os.pretty) \(.host.kernel) boot \(.host.boot): \(.summary.verdict) (pass \(.summary.pass) warn \(.summary.warn) fail \(.summary.fail) skip \(.summary.skip) error \(.summary.error))"' \
	"$WORK/vm.json"
[ "$(jq -r .root "$WORK/vm.json")" = / ] || fail "the report is not of a live system"
[ "$(jq -r .host.boot "$WORK/vm.json")" = bios ] ||
	fail "host.boot is $(jq -r .host.boot "$WORK/vm.json"), the VM boots by BIOS"
F="$WORK/vm.json"
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
jq -r '.findings[] | select(.status == "error" or .status == "fail") | "FAIL: \(.status) finding \(.id): \(.message)"' \
	"$F" | tee "$WORK/errors" >&2
[ -s "$WORK/errors" ] && failures=$((failures + $(wc -l <"$WORK/errors")))
jq -r '.findings[] | select(.status == "fail" or .status == "warn") | "  \(.status) \(.id): \(.message)"' "$F"
finish
