/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Installed kernels: every kernel of the tree, the initramfs each boots
 * with, the one the bootloader starts by default, and the drivers each
 * has, built in or as loadable modules.  Read from the tree alone (no
 * uname, no modinfo), so it answers the same live and offline.
 *
 * Kernels are found in /lib/modules/VERSION and /boot/vmlinuz-VERSION
 * (vmlinux-, Image-); rescue kernels (0-rescue-*) and kdump images are
 * left out, and so are module trees without an image (what a removed
 * kernel leaves) unless /boot holds no image at all (not mounted).  Each is paired with the first initramfs that exists of
 * /boot/initrd.img-V (Debian), /boot/initramfs-V.img (RHEL, dracut),
 * /boot/initrd-V (SUSE), /boot/initrd-V.img (RHEL 5).
 *
 * The default kernel comes from the bootloader's configuration: grub 2
 * ("set default" in grub.cfg, saved_entry in grubenv, by index, title,
 * id or "submenu>entry" path; BootLoaderSpec entries in
 * /boot/loader/entries), or grub legacy ("default" in menu.lst or
 * grub.conf).  When it cannot be told, the newest kernel is taken, and
 * the struct says so.
 *
 * The structs own their strings; gp_kernels_done() frees them.
 */
#ifndef GUESTPREP_KERNELS_H
#define GUESTPREP_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include "guestprep/root.h"

struct gp_kernel {
	char *version;		/* "6.1.0-13-amd64", "3.10.0-1160.el7.x86_64" */
	char *image;		/* "/boot/vmlinuz-V", or NULL */
	char *initramfs;	/* its initramfs, or NULL when none exists */
	char *modules_dir;	/* "/lib/modules/V", or NULL */
	bool xen_pv;		/* a Xen flavour ("el5xen", "-xen"): boots
				 * only as a Xen paravirtual guest */
};

struct gp_kernels {
	struct gp_kernel *v;	/* newest first */
	size_t n;
	struct gp_kernel *def;	/* the default one (NULL: no kernel) */
	bool def_guessed;	/* no bootloader said: def is the newest */
	char *def_source;	/* how it was found, for evidence */
};

/* 0 and *ret filled in (possibly with no kernel), or -ENOMEM. */
int gp_kernels_find(const struct gp_root *root, struct gp_kernels *ret);
void gp_kernels_done(struct gp_kernels *k);

/* The kernel named @version, or NULL. */
struct gp_kernel *gp_kernels_get(const struct gp_kernels *k,
				 const char *version);

enum gp_kmod_state {
	GP_KMOD_MISSING,	/* neither built in nor installed */
	GP_KMOD_BUILTIN,
	GP_KMOD_LOADABLE,
};

struct gp_kmod {
	enum gp_kmod_state state;
	char *path;		/* loadable: inside the root */
	char *source;		/* what told: "modules.builtin", a config line */
	char **deps;		/* loadable: the modules it needs (modules.dep),
				 * NULL-terminated, or NULL */
};

void gp_kmod_done(struct gp_kmod *m);

/*
 * How kernel @k has module @name ("virtio_blk"; dashes and underscores
 * are the same): modules.builtin, else CONFIG_...=y in /boot/config-V;
 * modules.dep, else the module tree itself (.ko, .ko.gz, .ko.xz,
 * .ko.zst).  0 and *ret filled in, or -ENOMEM.
 */
int gp_kernel_module(const struct gp_root *root, const struct gp_kernel *k,
		     const char *name, struct gp_kmod *ret);

#endif
