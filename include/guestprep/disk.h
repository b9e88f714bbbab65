/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disks: which disk holds /, what is on it, and which data disks there
 * are, as the cloud will see them after the import.
 *
 * Where the facts come from:
 *   live      /proc/self/mountinfo names the device of / (libmount) and
 *             sysfs walks it down through partitions, device-mapper and
 *             md to the disks beneath; the disk /dev/NAME is probed;
 *   --disk    a raw image or block device the user names (offline the
 *             only way: a tree has no disk of its own); the tree's
 *             /etc/fstab then says which partition is /.
 * Partition tables and superblocks are read with libblkid at each
 * partition's offset in the disk, so an image needs no loop device.
 * Disks are opened read-only; nothing is written.  /proc and /sys are
 * read through the root, so tests build them as trees.
 *
 * A disk that cannot be read is not an error of the lookup: the layout
 * says why (why_none, image_format, probe_error) and the checks decide.
 * Everything the structs point to is theirs; free with the _done calls.
 */
#ifndef GUESTPREP_DISK_H
#define GUESTPREP_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guestprep/root.h"

struct gp_partition {
	unsigned partno;      /* 0: a file system on the whole disk */
	uint64_t start, size; /* bytes */
	char type[40];	      /* "0x83", or a GPT type GUID */
	char partuuid[40];
	char fstype[16], uuid[40], label[64]; /* from its superblock */
	bool esp;			      /* an EFI system partition */
	bool extended;			      /* an MBR extended partition */
};

struct gp_disk_layout {
	char *disk;	    /* what was probed: /dev/sda, or --disk */
	const char *how;    /* how it was found, for evidence */
	char *why_none;	    /* no disk to probe: why */
	uint64_t size;	    /* bytes, the virtual size; 0: unknown */
	char *image_format; /* "qcow2"...: an image only read as raw */
	int probe_error;    /* opening or probing the disk: -errno */
	char table[8];	    /* "dos", "gpt"; "": none */
	struct gp_partition *parts;
	size_t n_parts;

	const char *root_from; /* "/proc/self/mountinfo" or "/etc/fstab" */
	char *root_source;     /* that table's name of / */
	char *root_fstype;     /* that table's type of / */
	char *root_dev;	       /* live: the device node of / */
	unsigned root_partno;  /* live: from sysfs; 0: not a partition */
	const struct gp_partition *root; /* the partition of /, if known */
	char *stack;  /* "LVM", "LUKS", "md RAID (raid1)", ... */
	char **disks; /* live: every disk beneath / */
	size_t n_disks;
};

/*
 * Find and probe the system disk: the first of @disks (--disk paths,
 * NULL-terminated, may be empty) or, live, the disk of /.  0, or -ENOMEM.
 */
int gp_disk_find(const struct gp_root *root, char *const *disks,
		 struct gp_disk_layout *ret);
void gp_disk_layout_done(struct gp_disk_layout *l);

/*
 * The partition an fstab source names: UUID=, LABEL=, PARTUUID= (quoted
 * or not), /dev/disk/by-uuid|by-label|by-partuuid/..., or a kernel name
 * such as /dev/sda2 (by its number); NULL when none of the disk's is.
 */
const struct gp_partition *gp_disk_match(const struct gp_disk_layout *l,
					 const char *source);

/* Where the superblock of / is, to open with libext2fs or libblkid. */
struct gp_rootfs {
	const char *path; /* the disk, or live the stacked device of / */
	uint64_t offset, size;
	char type[16]; /* from its superblock; "" unknown */
};
bool gp_disk_rootfs(const struct gp_disk_layout *l, struct gp_rootfs *ret);

struct gp_data_disk {
	char *name;    /* /dev/sdb, or the --disk path */
	uint64_t size; /* bytes */
	int error;     /* sizing it failed: -errno */
};

/*
 * The data disks: the second and later of @disks or, without any, live,
 * the disks with a mounted file system that are not beneath / (loop,
 * ram, optical and nbd devices left out).  *ret (*ret_n entries, NULL
 * and 0 for none) is freed with gp_disk_data_free().  0, or -ENOMEM.
 */
int gp_disk_find_data(const struct gp_root *root, char *const *disks,
		      struct gp_data_disk **ret, size_t *ret_n);
void gp_disk_data_free(struct gp_data_disk *v, size_t n);

/* The virtual size of an image file or block device; -EMEDIUMTYPE for
 * an image format read only as raw. */
int gp_disk_size(const char *path, uint64_t *ret);

#endif
