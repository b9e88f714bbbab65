/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles: what the target cloud accepts, as data.
 *
 * A profile is a text file of "key = value" lines (see
 * agent/profiles/alibaba.profile, the default, which encodes the cloud's
 * import requirements).  Built-in profiles are compiled into the binary;
 * others are read from /etc/guestprep/profiles/NAME.profile or a path.
 * "inherit = NAME" starts from another profile, so an older edition of
 * the requirements is a few overriding lines.  The configuration file
 * may override any profile key too.
 *
 * Severity keys hold the status a check reports when the profile's rule
 * is broken: "fail", "warn" or "pass" (tolerated).
 *
 * The profile owns all its memory; plugins only read it.
 */
#ifndef GUESTPREP_PROFILE_H
#define GUESTPREP_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include "guestprep/finding.h"
#include "guestprep/host.h"

/* A platform value the cloud's import form offers, and who maps to it. */
struct gp_platform {
	char *name;		/* "CentOS", "Windows Server 2012" */
	char **ids;		/* os ids that map to it: "centos" */
	char **versions;	/* documented versions: "6", "13.1", ">=681.2.0" */
};

struct gp_profile {
	char *name;
	char *description;

	/* os */
	struct gp_platform *platforms;
	size_t n_platforms;
	char *fallback_platform;	/* for unlisted Linux: "Others Linux" */
	enum gp_status os_unsupported;
	enum gp_status os_unlisted_version;
	enum gp_status os_unknown;
	char **architectures;		/* "x86_64", "i386" */

	/* import parameters */
	char **image_formats;		/* accepted: "qcow2", "vhd", "raw" */
	char *image_format;		/* recommended */

	/* storage */
	unsigned system_disk_min_gib;
	unsigned system_disk_max_gib;
	unsigned data_disk_min_gib;
	unsigned data_disk_max_gib;
	char **partition_tables;	/* "dos" (MBR), "gpt" */
	char **filesystems;		/* root file system types */
	char **ext4_forbidden;		/* "64bit", "project+quota" */
	enum gp_status uefi_boot;
	enum gp_status multiple_partitions;
	enum gp_status separate_mounts;	/* /usr or /var on their own */
	enum gp_status system_disk_small; /* below the minimum: grown */
	enum gp_status data_disk_small;

	/* selinux */
	enum gp_status selinux_enforcing;
	char *selinux_fix_mode;		/* what the fixer sets: "disabled" */

	/* disk_space: the root file system */
	uint64_t disk_fail_free_mib;
	uint64_t disk_warn_free_mib;
	unsigned disk_warn_free_pct;
	uint64_t disk_fail_free_inodes;
	unsigned disk_warn_free_inodes_pct;

	/* system_files */
	enum gp_status missing_issue;

	/* network and remote access */
	unsigned ssh_port;
	unsigned rdp_port;
	enum gp_status static_ip;
	enum gp_status multiple_nics;
	enum gp_status ipv6;
	enum gp_status firewall_active;	/* an active firewall, port open */
	enum gp_status mac_pinned;	/* MAC-bound NIC config, udev names */
	enum gp_status firewall_blocked;	/* tcp/ssh_port closed at boot */
	enum gp_status firewall_restricted;	/* open to some sources only */
	char *firewall_fix_mode;		/* "open" or "disable" */
	enum gp_status sshd_root_login;	/* root cannot log in with a password */
	enum gp_status sshd_password_auth; /* password authentication off */
	enum gp_status sshd_login_restricted; /* only from some addresses */

	char **virtio_initramfs_modules;	/* to mount the root disk */
	char **virtio_kernel_modules;		/* every kernel must have */
	char **virtio_optional_modules;		/* reported, never required */
	char **virtio_xen_frontends;		/* count as well (Xen clouds) */
	enum gp_status virtio_default_kernel;	/* the default kernel lacks */
	enum gp_status virtio_other_kernels;	/* another kernel lacks */
	enum gp_status virtio_xen_pv;		/* a Xen PV-only kernel */

	/* software */
	enum gp_status qemu_ga_installed;
	enum gp_status cloud_init_missing;
	char **cloud_init_datasources;	/* one must be usable: "AliYun" */

	/* windows: winpass */
	char **windows_partition_tables;	/* of a Windows system disk: "dos" */
	char **windows_filesystems;		/* of the Windows volume: "ntfs" */
	/* end windows: winpass */

	/* windows: plugins */
	enum gp_status windows_os_unsupported;	/* client editions, pre-2003 */
	enum gp_status windows_os_service_pack;	/* 2003 without SP1 */
	enum gp_status windows_os_unlisted;		/* a Server newer than listed */
	enum gp_status windows_rdp_disabled;	/* fDenyTSConnections */
	enum gp_status windows_rdp_port;		/* not on windows.rdp_port */
	enum gp_status windows_rdp_firewall;	/* a profile keeps it out */
	enum gp_status windows_virtio_storage;	/* no boot-start viostor */
	enum gp_status windows_virtio_network;	/* no netkvm */
	enum gp_status windows_virtio_boot_device;	/* pre-2012: no CDD entry */
	enum gp_status windows_qemu_ga_installed;	/* QEMU-GA would start */
	enum gp_status windows_qemu_ga_disabled;	/* installed, disabled */
	/* end windows: plugins */
};

/*
 * Load profile @name: a built-in one, /etc/guestprep/profiles/NAME.profile,
 * or, when @name contains a '/', that file.  On a syntax error, -EINVAL
 * and *ret_error (if given) is set to "FILE:LINE: what" (caller frees).
 */
int gp_profile_load(const char *name, struct gp_profile **ret,
		    char **ret_error);
void gp_profile_free(struct gp_profile *profile);

/*
 * Set one key from the configuration file or the command line; -ENOENT
 * for an unknown key, -EINVAL for a bad value (with *ret_error set).
 */
int gp_profile_set(struct gp_profile *profile, const char *key,
		   const char *value, char **ret_error);

/* Names of the built-in profiles, NULL-terminated. */
const char *const *gp_profile_builtin_names(void);

/*
 * Which platform value the profile gives @os, and whether it is
 * supported; *ret_platform points into the profile (or a constant).
 */
enum gp_support gp_profile_classify(const struct gp_profile *profile,
				    const struct gp_os *os,
				    const char **ret_platform);

/* True when @version is one of @patterns ("6" matches "6.10"). */
bool gp_version_matches(const char *version, char *const *patterns);

/* Compare dotted versions numerically: <0, 0, >0. */
int gp_version_cmp(const char *a, const char *b);

bool gp_strv_contains(char *const *strv, const char *s);

#endif
