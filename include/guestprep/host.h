/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host facts: what system the root holds.
 *
 * The core identifies the system once, before any plugin runs, from the
 * files in the root (os-release, the *-release files, lsb-release,
 * debian_version, /etc/issue as a last resort, the Windows and FreeBSD
 * layouts) and, on a live system, from the running kernel.  Fields that
 * cannot be told are NULL or *_UNKNOWN: guestprep says "unknown" rather
 * than guess.  The host owns every string; plugins only read it.
 */
#ifndef GUESTPREP_HOST_H
#define GUESTPREP_HOST_H

#include <stdbool.h>

struct gp_root;

enum gp_os_family {
	GP_FAMILY_UNKNOWN,
	GP_FAMILY_RHEL,
	GP_FAMILY_DEBIAN,
	GP_FAMILY_SUSE,
	GP_FAMILY_COREOS,
	GP_FAMILY_FREEBSD,
	GP_FAMILY_WINDOWS,
	GP_FAMILY_OTHER,	/* a Linux we recognise, of no listed family */
};

/* The operating system kind, which decides which plugins apply. */
enum gp_os_kind {
	GP_KIND_UNKNOWN,
	GP_KIND_LINUX,
	GP_KIND_WINDOWS,
	GP_KIND_FREEBSD,
};

enum gp_boot {
	GP_BOOT_UNKNOWN,
	GP_BOOT_BIOS,
	GP_BOOT_UEFI,
};

/* How the profile judges the identified system (see profile.h). */
enum gp_support {
	GP_SUPPORT_UNKNOWN,	/* the system could not be identified */
	GP_SUPPORT_NO,		/* no platform of the profile takes it */
	GP_SUPPORT_UNLISTED,	/* its platform is listed, its version is not */
	GP_SUPPORT_YES,
};

struct gp_os {
	enum gp_os_kind kind;
	enum gp_os_family family;
	char *id;		/* "centos", "ubuntu", "sles": lower case */
	char *version;		/* "7.9.2009", "18.04", "12.5" */
	char *pretty;		/* "CentOS Linux 7 (Core)" */
	char *source;		/* the file the identification rests on */
	char **notes;		/* NULL-terminated: disagreements between files */
	/* windows: winreg.  Windows only, from the registry, else NULL. */
	char *edition;		/* EditionID: "ServerDatacenter" */
	char *installation_type; /* InstallationType: "Server", "Client" */
	/* Filled from the profile before plugins run. */
	const char *platform;	/* the cloud's platform value, "CentOS" */
	enum gp_support support;
};

struct gp_host {
	bool live;
	struct gp_os os;
	char *arch;		/* "x86_64", "i386", "aarch64" */
	char *kernel;		/* running kernel, or newest installed offline */
	enum gp_boot boot;
};

const char *gp_os_family_name(enum gp_os_family family);
const char *gp_os_kind_name(enum gp_os_kind kind);
const char *gp_boot_name(enum gp_boot boot);
const char *gp_support_name(enum gp_support support);

/* Identify the system in @root.  0 or -errno (only -ENOMEM, in practice). */
int gp_host_detect(const struct gp_root *root, struct gp_host *ret);
void gp_host_done(struct gp_host *host);

#endif
