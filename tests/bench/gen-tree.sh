#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds a large synthetic root tree for the benchmark: a Rocky-9-like
# system with several kernels and their module trees, dracut-style zstd
# initramfs images (an uncompressed microcode archive first, then the
# compressed main archive), the newest one about 60 MB, and hundreds of
# configuration files (ifcfg, NetworkManager keyfiles, netplan, systemd
# units, sshd_config drop-ins, firewalld zones, cloud-init, udev rules).
#
# The virtio modules are archived LAST, so a reader that stops once it
# has seen them still has to decompress the whole image.  Module files
# are random bytes padded with zeros (about 2:1 for zstd, like real
# .ko files): the images cannot be made small by a clever compressor.
# They are compressed at level 3 (fast to make) with the 4 MiB window of
# dracut's `zstd -15`: the window is what a reader has to keep in memory.
#
#   sh gen-tree.sh DIR [MAIN_MB]
# DIR must not exist.  MAIN_MB (default 60) is the compressed size of
# the newest kernel's image; the older ones get a third of it.
# MKFILES names the mkfiles program (mkfiles.c).
set -eu

DIR=${1:?usage: gen-tree.sh DIR [MAIN_MB]}
MAIN_MB=${2:-60}
MKFILES=${MKFILES:-mkfiles}
[ ! -e "$DIR" ] || { echo "gen-tree.sh: $DIR exists" >&2; exit 1; }
for t in cpio zstd awk "$MKFILES"; do
	command -v $t >/dev/null || { echo "gen-tree.sh: needs $t" >&2; exit 1; }
done

mkdir -p "$DIR"
R=$(cd "$DIR" && pwd)
MID=0f3a5c2e9b1d4e7f8a6b2c4d1e9f7a3b	# machine-id, for BLS entry names
NEWEST=5.14.0-362.8.1.el9_3.x86_64
KERNELS="5.14.0-284.11.1.el9_2.x86_64 5.14.0-284.30.1.el9_2.x86_64 $NEWEST"
LEFTOVER=5.14.0-70.13.1.el9_0.x86_64	# modules only: a removed kernel

put() {	# put PATH: stdin becomes $R/PATH
	mkdir -p "$(dirname "$R$1")"
	cat >"$R$1"
}

# Files of the sizes given as "PATH SIZE" lines on stdin: 45% random,
# the rest zeros (see mkfiles.c); SEED makes them reproducible.
module_files() {	# module_files SEED
	"$MKFILES" "$1"
}

# "path size" lines for N modules whose sizes add up to about TOTAL
# bytes; the same seed gives the same names on every run.
module_list() {	# module_list SEED N TOTAL
	awk -v seed="$1" -v n="$2" -v total="$3" 'BEGIN {
		srand(seed)
		split("net/ethernet net/wireless scsi ata md gpu/drm usb/host " \
		      "infiniband/hw hid input/misc nvme/host block " \
		      "media/usb sound/pci crypto", dirs, " ")
		nd = length(dirs)
		mean = total / n
		for (i = 1; i <= n; i++) {
			d = dirs[int(rand() * nd) + 1]
			size = int(mean * (0.2 + 1.6 * rand()))
			printf "kernel/drivers/%s/m%04d_%s.ko %d\n", d, i,
			       substr("abcdefghijklmnopqrstuvwxyz", int(rand() * 26) + 1, 3),
			       size
		}
	}'
}

VIRTIO="kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_legacy_dev.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko
kernel/drivers/virtio/virtio_pci.ko
kernel/drivers/block/virtio_blk.ko
kernel/net/core/failover.ko
kernel/drivers/net/net_failover.ko
kernel/drivers/net/virtio_net.ko
kernel/drivers/scsi/virtio_scsi.ko"

# modules.dep, .builtin, .order of a kernel whose modules are listed in
# $1 (one path per line, without the virtio ones).
module_index() {
	mdir=$1 list=$2
	v=kernel/drivers/virtio
	{
		sed 's/$/:/' "$list"
		echo "$v/virtio.ko:"
		echo "$v/virtio_ring.ko:"
		echo "$v/virtio_pci_legacy_dev.ko:"
		echo "$v/virtio_pci_modern_dev.ko:"
		echo "$v/virtio_pci.ko: $v/virtio_pci_legacy_dev.ko $v/virtio_pci_modern_dev.ko $v/virtio.ko $v/virtio_ring.ko"
		echo "kernel/drivers/block/virtio_blk.ko: $v/virtio.ko $v/virtio_ring.ko"
		echo "kernel/net/core/failover.ko:"
		echo "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko"
		echo "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko $v/virtio.ko $v/virtio_ring.ko"
		echo "kernel/drivers/scsi/virtio_scsi.ko: $v/virtio.ko $v/virtio_ring.ko"
	} >"$mdir/modules.dep"
	{ cat "$list"; echo "$VIRTIO"; } >"$mdir/modules.order"
	for b in ext4 xfs jbd2 mbcache crc32c_generic dm_mod sd_mod; do
		echo "kernel/fs/$b/$b.ko"
	done >"$mdir/modules.builtin"
}

# One kernel: its module tree (files of full size when it has an
# image, tiny otherwise), its vmlinuz, config, BLS entry and, when
# asked, a dracut-style image of MB compressed megabytes.
kernel() {	# kernel VERSION SEED N_MODULES IMAGE_MB
	ver=$1 seed=$2 n=$3 mb=$4
	mdir="$R/usr/lib/modules/$ver"
	mkdir -p "$mdir"
	# 45% of each file is random: the compressed size is about that.
	total=$(( mb * 1048576 * 100 / 45 ))
	[ "$mb" -gt 0 ] || total=$(( n * 512 ))
	module_list "$seed" "$n" "$total" >"$R.list"
	cut -d' ' -f1 "$R.list" >"$R.paths"
	{
		sed "s|^|$mdir/|" "$R.list"
		echo "$VIRTIO" | sed "s|^|$mdir/|; s|$| 65536|"
	} | module_files "$seed"
	module_index "$mdir" "$R.paths"
	rm -f "$R.list" "$R.paths"
	[ "$mb" -gt 0 ] || return 0

	head -c 4194304 /dev/urandom | put "/boot/vmlinuz-$ver"
	printf 'CONFIG_VIRTIO=m\nCONFIG_VIRTIO_BLK=m\nCONFIG_VIRTIO_PCI=m\n' |
		put "/boot/config-$ver"
	put "/boot/loader/entries/$MID-$ver.conf" <<-EOF
	title Rocky Linux ($ver) 9.3 (Blue Onyx)
	version $ver
	linux /vmlinuz-$ver
	initrd /initramfs-$ver.img \$tuned_initrd
	options root=UUID=5b1e7c7e-2f5a-4a8e-9d7a-6c0f3e2b1a90 ro crashkernel=1G-4G:192M console=ttyS0,115200n8
	grub_users \$grub_users
	grub_arg --unrestricted
	grub_class rocky
	EOF

	# The image: a microcode cpio, then the zstd main cpio whose
	# module files are those of the tree, virtio last.
	stage="$R.stage"
	rm -rf "$stage"
	mkdir -p "$stage/early/kernel/x86/microcode" "$stage/main/usr/lib/modules" \
		"$stage/main/usr/bin" "$stage/main/etc"
	head -c 262144 /dev/urandom >"$stage/early/kernel/x86/microcode/GenuineIntel.bin"
	ln -s "$mdir" "$stage/main/usr/lib/modules/$ver"
	for b in bash systemd udevadm kmod mount switch_root; do
		echo "$stage/main/usr/bin/$b 300000"
	done | module_files "$seed"
	echo 'rd.driver.pre=' >"$stage/main/etc/cmdline"
	(
		cd "$stage/early" && find . -print | cpio -o -H newc --quiet
	) >"$R/boot/initramfs-$ver.img"
	(
		cd "$stage/main"
		{
			find etc usr/bin -print
			printf 'usr/lib/modules/%s\n' "$ver"
			(cd "$mdir" && find . -path ./kernel/drivers/virtio -prune -o -print |
				grep -v virtio | sed "s|^\.|usr/lib/modules/$ver|")
			(cd "$mdir" && find . -print | grep virtio |
				sed "s|^\.|usr/lib/modules/$ver|")
		} | cpio -o -H newc -L --quiet | zstd -q -3 --zstd=wlog=22 -T2
	) >>"$R/boot/initramfs-$ver.img"
	rm -rf "$stage"
}

i=1
for ver in $KERNELS; do
	if [ "$ver" = "$NEWEST" ]; then
		kernel "$ver" $i 1500 "$MAIN_MB"
	else
		kernel "$ver" $i 900 $(( MAIN_MB / 3 ))
	fi
	i=$(( i + 1 ))
done
kernel "$LEFTOVER" 9 400 0
ln -s usr/lib "$R/lib"
ln -s usr/lib64 "$R/lib64"
mkdir -p "$R/usr/lib64" "$R/usr/sbin" "$R/var/lib/rpm" "$R/proc" "$R/sys" \
	"$R/dev" "$R/tmp" "$R/var/lib/dhclient"
ln -s usr/bin "$R/bin"
ln -s usr/sbin "$R/sbin"

# --- identity and boot
put /etc/os-release <<'EOF'
NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
EOF
echo 'Rocky Linux release 9.3 (Blue Onyx)' | put /etc/rocky-release
ln -s rocky-release "$R/etc/redhat-release"
ln -s rocky-release "$R/etc/system-release"
echo "$MID" | put /etc/machine-id
echo bench.example.com | put /etc/hostname
printf '\\S\nKernel \\r on an \\m\n' | put /etc/issue
printf 'root:$6$salt$hash:19000:0:99999:7:::\n' | put /etc/shadow
printf 'root:x:0:0:root:/root:/bin/bash\n' | put /etc/passwd
put /etc/default/grub <<'EOF'
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
GRUB_DEFAULT=saved
GRUB_DISABLE_SUBMENU=true
GRUB_TERMINAL_OUTPUT="console"
GRUB_CMDLINE_LINUX="crashkernel=1G-4G:192M console=ttyS0,115200n8"
GRUB_DISABLE_RECOVERY="true"
GRUB_ENABLE_BLSCFG=true
EOF
put /boot/grub2/grub.cfg <<'EOF'
set default="${saved_entry}"
load_env -f ${config_directory}/grubenv
insmod part_msdos
insmod ext2
set root='hd0,msdos1'
insmod blscfg
blscfg
EOF
{
	echo '# GRUB Environment Block'
	echo "saved_entry=$MID-$NEWEST"
	echo 'boot_success=1'
	head -c 900 /dev/zero | tr '\0' '#'
} | put /boot/grub2/grubenv
{
	echo 'UUID=5b1e7c7e-2f5a-4a8e-9d7a-6c0f3e2b1a90 /     xfs  defaults 0 0'
	echo 'UUID=0d6c2a44-7b1f-4f61-a2a9-3c1d2e5f6a7b /boot ext4 defaults 1 2'
	i=0
	while [ $i -lt 60 ]; do
		echo "tmpfs /srv/scratch$i tmpfs nofail,size=64m 0 0"
		i=$(( i + 1 ))
	done
} | put /etc/fstab
echo 'SELINUX=enforcing
SELINUXTYPE=targeted' | put /etc/selinux/config
for t in dracut rpm systemctl sshd cloud-init; do
	printf '#!/bin/sh\nexit 0\n' | put "/usr/bin/$t"
	chmod 755 "$R/usr/bin/$t"
done
cp "$R/usr/bin/sshd" "$R/usr/sbin/sshd"
i=0
while [ $i -lt 20 ]; do
	echo "add_drivers+=\" drv$i \"" | put "/etc/dracut.conf.d/$(printf %02d $i)-site.conf"
	i=$(( i + 1 ))
done

# --- network: ifcfg, keyfiles, netplan, udev
put /etc/sysconfig/network-scripts/ifcfg-eth0 <<'EOF'
DEVICE=eth0
BOOTPROTO=dhcp
ONBOOT=yes
TYPE=Ethernet
EOF
echo 'NETWORKING=yes' | put /etc/sysconfig/network
i=1
while [ $i -lt 120 ]; do
	put "/etc/sysconfig/network-scripts/ifcfg-eth$i" <<-EOF
	DEVICE=eth$i
	BOOTPROTO=none
	ONBOOT=no
	IPADDR=10.$(( i / 250 )).$(( i % 250 )).10
	PREFIX=24
	HWADDR=52:54:00:12:$(printf %02x $(( i / 256 ))):$(printf %02x $(( i % 256 )))
	EOF
	i=$(( i + 1 ))
done
i=0
while [ $i -lt 60 ]; do
	put "/etc/NetworkManager/system-connections/vlan$i.nmconnection" <<-EOF
	[connection]
	id=vlan$i
	type=vlan
	autoconnect=false

	[vlan]
	id=$(( 100 + i ))
	parent=eth0

	[ipv4]
	method=manual
	address1=192.168.$i.2/24
	EOF
	chmod 600 "$R/etc/NetworkManager/system-connections/vlan$i.nmconnection"
	i=$(( i + 1 ))
done
echo '[main]
plugins=keyfile,ifcfg-rh' | put /etc/NetworkManager/NetworkManager.conf
i=0
while [ $i -lt 30 ]; do
	put "/etc/netplan/$(printf %02d $i)-extra.yaml" <<-EOF
	network:
	  version: 2
	  ethernets:
	    ens$(( 10 + i )):
	      dhcp4: false
	      addresses: [172.16.$i.5/24]
	EOF
	i=$(( i + 1 ))
done
i=0
while [ $i -lt 40 ]; do
	echo "SUBSYSTEM==\"block\", KERNEL==\"sd$i*\", OPTIONS+=\"nowatch\"" |
		put "/etc/udev/rules.d/$(printf %02d $(( i + 10 )))-site.rules"
	i=$(( i + 1 ))
done

# --- services: units in /usr/lib and /etc, enablement links
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
i=0
while [ $i -lt 400 ]; do
	put "/usr/lib/systemd/system/svc$i.service" <<-EOF
	[Unit]
	Description=Service $i
	After=network-online.target

	[Service]
	ExecStart=/usr/bin/svc$i --foreground
	Restart=on-failure

	[Install]
	WantedBy=multi-user.target
	EOF
	[ $(( i % 3 )) -ne 0 ] ||
		ln -s "/usr/lib/systemd/system/svc$i.service" \
			"$R/etc/systemd/system/multi-user.target.wants/svc$i.service"
	i=$(( i + 1 ))
done
for s in sshd NetworkManager firewalld cloud-init cloud-init-local \
	 cloud-config cloud-final chronyd; do
	printf '[Unit]\nDescription=%s\n[Service]\nExecStart=/usr/sbin/%s\n[Install]\nWantedBy=multi-user.target\n' \
		"$s" "$s" | put "/usr/lib/systemd/system/$s.service"
	ln -s "/usr/lib/systemd/system/$s.service" \
		"$R/etc/systemd/system/multi-user.target.wants/$s.service"
done
printf '[Unit]\nDescription=QEMU Guest Agent\n[Service]\nExecStart=/usr/bin/qemu-ga\n' |
	put /usr/lib/systemd/system/qemu-guest-agent.service
i=0
while [ $i -lt 100 ]; do
	printf '[Service]\nEnvironment=SITE=%d\n' $i |
		put "/etc/systemd/system/svc$i.service.d/override.conf"
	i=$(( i + 1 ))
done

# --- sshd: a main file with an Include and many drop-ins
put /etc/ssh/sshd_config <<'EOF'
Include /etc/ssh/sshd_config.d/*.conf
Port 22
PermitRootLogin yes
PasswordAuthentication yes
Subsystem sftp /usr/libexec/openssh/sftp-server
EOF
i=0
while [ $i -lt 60 ]; do
	printf '# site policy %d\nClientAliveInterval %d\nMatch User svc%d\n  X11Forwarding no\n' \
		$i $(( 60 + i )) $i | put "/etc/ssh/sshd_config.d/$(printf %02d $i)-site.conf"
	i=$(( i + 1 ))
done

# --- firewalld: zones and services
echo 'DefaultZone=public' | put /etc/firewalld/firewalld.conf
put /etc/firewalld/zones/public.xml <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <port protocol="tcp" port="80"/>
</zone>
EOF
i=0
while [ $i -lt 60 ]; do
	put "/etc/firewalld/zones/site$i.xml" <<-EOF
	<?xml version="1.0" encoding="utf-8"?>
	<zone target="DROP">
	  <short>Site $i</short>
	  <source address="10.$i.0.0/16"/>
	  <port protocol="tcp" port="$(( 8000 + i ))"/>
	  <rule family="ipv4"><source address="10.$i.1.0/24"/><accept/></rule>
	</zone>
	EOF
	i=$(( i + 1 ))
done

# --- cloud-init
put /etc/cloud/cloud.cfg <<'EOF'
users:
 - default
disable_root: false
datasource_list: [ AliYun, NoCloud, None ]
cloud_init_modules:
 - write-files
 - growpart
 - resizefs
EOF
i=0
while [ $i -lt 40 ]; do
	printf 'write_files:\n  - path: /etc/site%d\n    content: "%d"\n' $i $i |
		put "/etc/cloud/cloud.cfg.d/$(printf %02d $(( i + 10 )))-site.cfg"
	i=$(( i + 1 ))
done

echo "tree: $(find "$R" | wc -l) entries, $(du -sm "$R" | cut -f1) MB"
ls -l "$R"/boot/initramfs-*.img | awk '{ printf "  %s %.1f MB\n", $NF, $5 / 1048576 }'
