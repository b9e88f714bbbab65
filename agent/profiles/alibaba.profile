# guestprep profile: Alibaba Cloud ECS custom image import.
#
# Encodes the cloud's import requirements ("Instructions for importing
# images" and "Import custom images").  Where editions disagree, the
# newest wins; the older limits are kept in alibaba-2018.profile.
# Severity keys say what a check reports when the rule is broken:
# fail, warn, or pass (tolerated).

description = Alibaba Cloud ECS: import of a custom image

# Platform values of the import form, and the os-release IDs that map to
# them.  versions.* are the releases the requirements name; other
# releases of a listed platform are "unlisted" (the newest edition says
# to confirm them with a ticket).
platform.Aliyun = aliyun alinux
platform.CentOS = centos
platform.CoreOS = coreos
platform.Debian = debian
platform.FreeBSD = freebsd
platform.openSUSE = opensuse opensuse-leap
platform.RedHat = rhel
platform.SUSE = sles sled
platform.Ubuntu = ubuntu
versions.CentOS = 5 6 7
versions.CoreOS = >=681.2.0
versions.Debian = 6 7
versions.openSUSE = 13.1
versions.SUSE = 10 11 12
versions.Ubuntu = 10 12 13 14 16 18
os.fallback_platform = Others Linux
os.unsupported = fail
os.unlisted_version = warn
os.unknown = fail
os.architectures = x86_64 i386

import.image_formats = qcow2 vhd raw
import.image_format = qcow2

# System disk: 5 to 500 GiB (older editions: 40 to 500); data disks
# 5 to 1000 GiB (older editions: 2000).  MBR only; xfs, ext3, ext4.
storage.system_disk_min_gib = 5
storage.system_disk_max_gib = 500
storage.data_disk_min_gib = 5
storage.data_disk_max_gib = 1000
storage.partition_tables = dos
storage.filesystems = xfs ext3 ext4
storage.ext4_forbidden = 64bit project+quota
storage.uefi_boot = fail
# "Only a single root partition is supported."
storage.multiple_partitions = fail
# /usr or /var on partitions of their own: "system disk partitions
# cannot be adjusted"; the instance may still boot, so a warning.
storage.separate_mounts = warn
# A disk smaller than the minimum is imported at the minimum size (the
# import form's value); the file system does not grow by itself.
storage.system_disk_small = warn
storage.data_disk_small = warn

# "Do not modify /etc/selinux/config to enable SELinux."  The fixer
# sets the mode below (disabled, or permissive to keep the labels).
selinux.enforcing = fail
selinux.fix_mode = disabled

# "Make sure the system disk is not full."
disk_space.fail_free_mib = 256
disk_space.warn_free_mib = 1024
disk_space.warn_free_pct = 5
disk_space.fail_free_inodes = 1000
disk_space.warn_free_inodes_pct = 5

# "Do not modify /etc/issue*: the release cannot be identified."
system_files.missing_issue = fail

# DHCP, one NIC, no IPv6, SSH on 22; "disable the firewall and allow
# access to SSH port 22": an active firewall that lets 22 in is tolerated.
sshd.port = 22
windows.rdp_port = 3389
network.static_ip = fail
network.multiple_nics = fail
network.ipv6 = fail
firewall.active = warn
# "Enable DHCP": the instance's NIC has a MAC address of its own, so a
# configuration bound to the old one (HWADDR=, match: macaddress, udev
# 70-persistent-net.rules) leaves it unconfigured or renamed.
network.mac_pinned = fail
# "allow access to SSH port 22": a firewall that would close sshd.port
# at boot fails; one that lets only some sources or interfaces in warns.
firewall.blocked = fail
firewall.restricted = warn
# "Disable the firewall and allow access to SSH port 22": the fixer opens
# the port in each active firewall (open), or disables them (disable).
firewall.fix_mode = open
# "The logon password for the root account must be 8 to 30 characters in
# length ...": the cloud sets root's password when the instance is
# created and users log in as root with it, so sshd must let root log in
# with a password (PermitRootLogin yes, PasswordAuthentication yes).
# Either one refused makes the instance unreachable: fail.  A Match
# block that refuses it only for some client addresses or ports: warn.
sshd.root_login = fail
sshd.password_auth = fail
sshd.login_restricted = warn

# "Install the virtualization platform XEN or KVM drivers": ECS runs
# KVM, so the system disk is a virtio disk.  The default kernel must
# have virtio_blk and virtio_pci (built in, or in its initramfs with
# what modules.dep says they need); every kernel should have the virtio
# drivers for disks and NICs (virtio_scsi, since 3.4, is reported but
# not required: the disk is virtio_blk).  Xen front-ends do not count on
# KVM (a Xen-based profile lists them: xen_blkfront), and a kernel that
# boots only as a Xen PV guest is flagged.
virtio.initramfs_modules = virtio_blk virtio_pci
virtio.kernel_modules = virtio_blk virtio_net virtio_pci
virtio.optional_modules = virtio_scsi
virtio.xen_frontends =
virtio.default_kernel = fail
virtio.other_kernels = warn
virtio.xen_pv = warn

# "qemu-ga cannot be installed"; cloud-init is recommended.
qemu_ga.installed = fail
cloud_init.missing = warn
# cloud-init finds the instance's metadata through its datasource for
# Alibaba Cloud, named "AliYun"; it must be in datasource_list.
cloud_init.datasources = AliYun

# windows: winpass
# Windows: "NTFS file systems and MBR partitions" ("Multi-partition
# system disks" are supported).  The system disk's size uses the
# storage.system_disk_* keys above (older editions: 40 to 500 GiB for
# Windows).
windows_disk.partition_tables = dos
windows_disk.filesystems = ntfs
# end windows: winpass

# windows: plugins
# Windows platforms of the import form ("Windows: Windows Server 2003,
# Windows Server 2008, Windows Server 2012, Windows Server 2016, and
# Windows Server 2019").  windows_os picks the one whose NT versions take the
# release ("major.minor.build" from the registry); the id windows-server
# is no os-release id, so os.platform never picks these by itself.
platform.Windows Server 2003 = windows-server
platform.Windows Server 2008 = windows-server
platform.Windows Server 2012 = windows-server
platform.Windows Server 2016 = windows-server
platform.Windows Server 2019 = windows-server
versions.Windows Server 2003 = 5.2
versions.Windows Server 2008 = 6.0 6.1
versions.Windows Server 2012 = 6.2 6.3
versions.Windows Server 2016 = 10.0.14393
versions.Windows Server 2019 = 10.0.17763
# "Images with the following operating systems cannot be imported:
# Windows XP, Windows 7 (professional and enterprise editions), Windows
# 8, and Windows 10": client editions, and anything before 2003.
windows_os.unsupported = fail
# "Windows Server 2003 with Service Pack 1 (SP1) or higher".
windows_os.service_pack = fail
# A Windows Server newer than the platforms above (2022, 2025): not
# documented; the import form has no platform for it.
windows_os.unlisted = warn
# "Disable the firewall and allow access to RDP port 3389" (the port is
# windows.rdp_port above): Remote Desktop denied, on another port, or
# kept out by an active firewall profile.
windows_rdp.disabled = fail
windows_rdp.port = fail
windows_rdp.firewall = fail
# The instance's system disk and NIC are virtio devices ("Install the
# virtualization platform XEN or KVM drivers"; the virtio driver page):
# without a boot-start viostor Windows cannot mount its disk; without
# netkvm the instance has no network.
windows_virtio.storage = fail
windows_virtio.network = warn
# Before Windows 8 / 2012 a boot driver reaches a controller Windows has
# never seen only through the critical device database; the first boot
# on the virtio disk stops at 0x7B without it.  Its entries vary with the
# driver version, so a missing one warns.
windows_virtio.boot_device = warn
# "qemu-ga cannot be installed in the image because it will impact the
# availability of services needed by ECS": a service that would start
# fails; a disabled one is still installed.
windows_qemu_ga.installed = fail
windows_qemu_ga.disabled = warn
# end windows: plugins
