/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storage: the system disk as the cloud will see it.  The import takes
 * one disk image and boots it only if its layout is one the cloud knows:
 * an MBR partition table, / on a single plain partition, a file system
 * it can mount (xfs, ext3, ext4 without the 64bit feature nor project
 * with quota), clean, on a disk between the profile's sizes.
 *
 * The disk and its partitions come from the core (guestprep/disk.h:
 * mountinfo and sysfs live, --disk offline, libblkid); this file judges
 * them against the profile and reads ext superblocks with libext2fs.
 * There is no fixer: repartitioning is not a change to make unattended.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>
#include <libmount.h>

#include "guestprep/disk.h"
#include "guestprep/mounts.h"
#include "guestprep/plugin.h"

#define GIB (1024ull * 1024 * 1024)

static int find_layout(struct gp_ctx *ctx, struct gp_disk_layout *l)
{
	return gp_disk_find(gp_ctx_root(ctx), gp_ctx_disks(ctx), l);
}

/* --- ext superblocks (libext2fs) ------------------------------------ */

static bool is_ext(const char *type)
{
	return strcmp(type, "ext2") == 0 || strcmp(type, "ext3") == 0 ||
	       strcmp(type, "ext4") == 0;
}

/* Read-only and superblock-only: the file system may be mounted. */
static errcode_t open_ext(const struct gp_rootfs *fs, ext2_filsys *ret)
{
	char options[64];

	snprintf(options, sizeof(options), "offset=%" PRIu64, fs->offset);
	return ext2fs_open2(
		fs->path, options,
		EXT2_FLAG_64BITS | EXT2_FLAG_SUPER_ONLY | EXT2_FLAG_SKIP_MMP |
			EXT2_FLAG_IGNORE_CSUM_ERRORS | EXT2_FLAG_FORCE,
		0, 0, unix_io_manager, ret);
}

/* The ext features the profile may name, and how to test each. */
static bool has_feature(struct ext2_super_block *sb, const char *name)
{
	static const struct {
		const char *name;
		int (*test)(struct ext2_super_block *);
	} features[] = {
		{"64bit", ext2fs_has_feature_64bit},
		{"project", ext2fs_has_feature_project},
		{"quota", ext2fs_has_feature_quota},
		{"metadata_csum", ext2fs_has_feature_metadata_csum},
		{"huge_file", ext2fs_has_feature_huge_file},
		{"flex_bg", ext2fs_has_feature_flex_bg},
		{"extent", ext2fs_has_feature_extents},
		{"encrypt", ext2fs_has_feature_encrypt},
		{"casefold", ext2fs_has_feature_casefold},
		{"inline_data", ext2fs_has_feature_inline_data},
		{"bigalloc", ext2fs_has_feature_bigalloc},
		{"meta_bg", ext2fs_has_feature_meta_bg},
		{"orphan_file", ext2fs_has_feature_orphan_file},
	};

	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		if (strcmp(features[i].name, name) == 0)
			return features[i].test(sb);
	return false;
}

/* "project+quota": true when the file system has every one of them. */
static bool has_all(struct ext2_super_block *sb, const char *combo)
{
	_cleanup_free_ char *copy = strdup(combo);
	char *save = NULL;

	if (!copy)
		return false;
	for (char *w = strtok_r(copy, "+", &save); w;
	     w = strtok_r(NULL, "+", &save))
		if (!has_feature(sb, w))
			return false;
	return true;
}

/* --- findings -------------------------------------------------------- */

static uint64_t gib_up(uint64_t bytes)
{
	return (bytes + GIB - 1) / GIB;
}

static void size_evidence(struct gp_finding *f, const char *what,
			  uint64_t bytes)
{
	gp_evidence(f, "%s: %" PRIu64 " bytes (%.2f GiB)", what, bytes,
		    (double)bytes / GIB);
}

/*
 * Say why the disk could not be looked at; true when it could not.  Only
 * storage.system_disk reports a disk it cannot read as an error; the
 * checks that need its contents then skip, pointing there.
 */
static bool no_disk(struct gp_ctx *ctx, const char *id,
		    const struct gp_disk_layout *l)
{
	bool primary = strcmp(id, "storage.system_disk") == 0;
	struct gp_finding *f;

	if (!primary && l->disk && (l->image_format || l->probe_error)) {
		gp_emit(ctx, id, GP_SKIP,
			"%s cannot be read (see "
			"storage.system_disk)",
			l->disk);
		return true;
	}
	if (!l->disk) {
		f = gp_emit(ctx, id, GP_SKIP, "no disk to inspect");
		gp_evidence(f, "%s", l->why_none ? l->why_none : "unknown");
		return true;
	}
	if (l->image_format) {
		f = gp_emit(ctx, id, GP_ERROR,
			    "%s is a %s image, which is read "
			    "only as a raw disk",
			    l->disk, l->image_format);
		gp_remedy(f,
			  "convert it (qemu-img convert -O raw) or attach it "
			  "(qemu-nbd --read-only --connect /dev/nbd0) and pass "
			  "the raw file or device to --disk");
		return true;
	}
	if (l->probe_error) {
		f = gp_emit(ctx, id, GP_ERROR, "cannot read %s: %s", l->disk,
			    strerror(-l->probe_error));
		gp_evidence(f, "found through %s", l->how);
		return true;
	}
	return false;
}

static int check_system_disk(struct gp_ctx *ctx)
{
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "storage.system_disk", &l))
		return 0;
	f = gp_emit(ctx, "storage.system_disk", GP_PASS,
		    "the system disk is %s", l.disk);
	gp_evidence(f, "found through %s", l.how);
	if (l.root_source)
		gp_evidence(f, "/ is %s (%s)", l.root_source,
			    l.root_fstype ? l.root_fstype : "?");
	for (size_t i = 1; i < l.n_disks; i++)
		gp_evidence(f, "/ also lives on %s", l.disks[i]);
	return 0;
}

static int check_disk_size(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	enum gp_status status = GP_PASS;
	uint64_t gib, enter;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	/* Live, sysfs knows the size of a disk that cannot be opened. */
	if ((!l.size || l.image_format) &&
	    no_disk(ctx, "storage.disk_size", &l))
		return 0;
	if (!l.size) {
		gp_emit(ctx, "storage.disk_size", GP_ERROR,
			"the size of %s is unknown", l.disk);
		return 0;
	}
	gib = gib_up(l.size);
	enter = gib < p->system_disk_min_gib ? p->system_disk_min_gib : gib;
	gp_ctx_set_system_disk_bytes(ctx, enter * GIB);
	if (gib > p->system_disk_max_gib)
		status = GP_FAIL;
	else if (gib < p->system_disk_min_gib)
		status = p->system_disk_small;
	f = gp_emit(ctx, "storage.disk_size", status,
		    "the system disk is %" PRIu64 " GiB (the cloud takes %u to "
		    "%u GiB): enter %" PRIu64 " GiB at import",
		    gib, p->system_disk_min_gib, p->system_disk_max_gib, enter);
	size_evidence(f, l.disk, l.size);
	if (status != GP_PASS && gib > p->system_disk_max_gib)
		gp_remedy(f,
			  "shrink the file systems and the partitions so the "
			  "disk fits in %u GiB, or move data to a data disk",
			  p->system_disk_max_gib);
	else if (status != GP_PASS)
		gp_remedy(f,
			  "import with a system disk of %u GiB, then grow the "
			  "partition and file system of / (growpart, "
			  "resize2fs or xfs_growfs)",
			  p->system_disk_min_gib);
	return 0;
}

static const char *table_name(const char *table)
{
	if (strcmp(table, "dos") == 0)
		return "MBR (dos)";
	if (strcmp(table, "gpt") == 0)
		return "GPT";
	return *table ? table : "none";
}

static int check_partition_table(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	enum gp_status status = GP_PASS;
	const char *want = p->partition_tables ? p->partition_tables[0] : NULL;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "storage.partition_table", &l))
		return 0;
	if (!gp_strv_contains(p->partition_tables,
			      l.table[0] ? l.table : "none"))
		status = GP_FAIL;
	f = gp_emit(ctx, "storage.partition_table", status,
		    "the system disk's partition table is %s",
		    table_name(l.table));
	gp_evidence(f, "libblkid on %s: %zu partitions", l.disk, l.n_parts);
	for (size_t i = 0; i < l.n_parts; i++) {
		const struct gp_partition *pt = &l.parts[i];

		gp_evidence(f,
			    "partition %u: start %" PRIu64 " MiB, %" PRIu64
			    " MiB, type %s%s%s",
			    pt->partno, pt->start >> 20, pt->size >> 20,
			    pt->type, pt->fstype[0] ? ", " : "", pt->fstype);
	}
	if (status != GP_PASS)
		gp_remedy(f,
			  "the cloud boots %s disks: convert the table "
			  "(gdisk's r, g: GPT to MBR, with at most 4 "
			  "partitions) before capturing the disk",
			  want ? table_name(want) : "other");
	return 0;
}

static bool fstab_mounts(const struct gp_root *root, const char *target)
{
	struct gp_fstab fstab;
	bool found;

	if (gp_fstab_load(root, &fstab) < 0)
		return false;
	found = mnt_table_find_target(fstab.table, target, MNT_ITER_BACKWARD) !=
		NULL;
	gp_fstab_done(&fstab);
	return found;
}

static int check_uefi(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const struct gp_host *host = gp_ctx_host(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	const struct gp_partition *esp = NULL;
	bool efi_mount, uefi;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n_parts && !l.image_format; i++)
		if (l.parts[i].esp)
			esp = &l.parts[i];
	efi_mount = fstab_mounts(gp_ctx_root(ctx), "/boot/efi");
	uefi = host->boot == GP_BOOT_UEFI || esp || efi_mount;
	f = gp_emit(ctx, "storage.uefi", uefi ? p->uefi_boot : GP_PASS,
		    uefi ? "the system boots with UEFI"
			 : "the system boots with a BIOS");
	if (host->live)
		gp_evidence(f, "the running system booted with %s",
			    gp_boot_name(host->boot));
	if (esp)
		gp_evidence(f, "%s partition %u is an EFI system partition",
			    l.disk, esp->partno);
	if (efi_mount)
		gp_evidence(f, "/etc/fstab mounts /boot/efi");
	if (uefi && p->uefi_boot != GP_PASS)
		gp_remedy(f, "the cloud starts images with a BIOS: install a "
			     "BIOS boot loader (grub2-install --target=i386-pc "
			     "on an MBR disk) before capturing the disk");
	return 0;
}

static int check_root_partition(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (l.n_disks > 1 || l.stack) {
		f = gp_emit(ctx, "storage.root_partition",
			    p->multiple_partitions, "/ is on %s%s%s",
			    l.stack ? l.stack : "",
			    l.stack && l.n_disks > 1 ? ", " : "",
			    l.n_disks > 1 ? "several disks" : "");
		if (l.root_source)
			gp_evidence(f, "/ is %s", l.root_source);
		for (size_t i = 0; i < l.n_disks; i++)
			gp_evidence(f, "beneath /: %s", l.disks[i]);
		if (p->multiple_partitions != GP_PASS)
			gp_remedy(
				f,
				"the cloud supports / on a single plain "
				"partition of the system disk: move / off "
				"the volume manager before capturing the disk");
		return 0;
	}
	if (l.root_partno && !l.root) {
		/* Live: sysfs knows the partition of a disk that cannot
		 * be read; the table's checks say the rest. */
		f = gp_emit(ctx, "storage.root_partition", GP_PASS,
			    "/ is partition %u of %s", l.root_partno, l.disk);
		gp_evidence(f, "from sysfs: %s is %s", l.root_dev,
			    l.root_source ? l.root_source : "/");
		return 0;
	}
	if (l.n_disks == 1 && !l.root_partno && l.root_dev && !l.n_parts &&
	    strcmp(l.root_dev, l.disk) == 0) {
		f = gp_emit(ctx, "storage.root_partition", GP_WARN,
			    "/ is the whole disk %s, not a partition", l.disk);
		gp_remedy(f, "the cloud boots a partitioned disk: / must be a "
			     "partition of an MBR disk");
		return 0;
	}
	if (no_disk(ctx, "storage.root_partition", &l))
		return 0;
	if (!l.root) {
		f = gp_emit(ctx, "storage.root_partition", GP_WARN,
			    "no partition of %s is / (%s)", l.disk,
			    l.root_source ? l.root_source
					  : "no / in /etc/fstab");
		gp_remedy(f, "check that --disk is the disk of this tree");
		return 0;
	}
	f = gp_emit(ctx, "storage.root_partition", GP_PASS,
		    "/ is partition %u of %s (%zu partitions)", l.root->partno,
		    l.disk, l.n_parts);
	if (l.root_source)
		gp_evidence(f, "/ is %s", l.root_source);
	return 0;
}

static int check_separate_mounts(struct gp_ctx *ctx)
{
	static const char *const system_dirs[] = {"/usr", "/var"};
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const struct gp_root *root = gp_ctx_root(ctx);
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	bool separate[2];
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++) {
		separate[i] = fstab_mounts(root, system_dirs[i]);
		n += separate[i];
	}
	if (n)
		status = p->separate_mounts;
	f = gp_emit(ctx, "storage.separate_mounts", status,
		    n ? "system directories are on partitions of their own"
		      : "/usr and /var are on the root file system");
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++)
		if (separate[i])
			gp_evidence(f, "/etc/fstab mounts %s", system_dirs[i]);
	if (fstab_mounts(root, "/boot"))
		gp_evidence(f, "/etc/fstab mounts /boot (a separate /boot is "
			       "common and boots)");
	if (status != GP_PASS)
		gp_remedy(f, "the cloud supports a single root partition: keep "
			     "/usr and /var on / (the initramfs must mount a "
			     "separate /usr itself)");
	return 0;
}

static int check_filesystem(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	struct gp_rootfs fs;
	const char *type = NULL, *source = NULL;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (gp_disk_rootfs(&l, &fs) && fs.type[0]) {
		type = fs.type;
		source = "its superblock";
	} else if (l.root_fstype && strcmp(l.root_fstype, "auto") != 0) {
		type = l.root_fstype;
		source = l.root_from;
	}
	if (!type) {
		f = gp_emit(ctx, "storage.filesystem", GP_SKIP,
			    "the type of the root file system is unknown");
		gp_evidence(f, "no / in /etc/fstab, and no disk to probe");
		return 0;
	}
	f = gp_emit(ctx, "storage.filesystem",
		    gp_strv_contains(p->filesystems, type) ? GP_PASS : GP_FAIL,
		    "the root file system is %s", type);
	gp_evidence(f, "from %s", source);
	if (!gp_strv_contains(p->filesystems, type))
		gp_remedy(f, "the cloud mounts only these root file systems: "
			     "move / to one of them before capturing the disk");
	return 0;
}

/* Open the ext file system of /, or say why it is not checked. */
static int ext_for(struct gp_ctx *ctx, const char *id, ext2_filsys *ret)
{
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	struct gp_finding *f;
	struct gp_rootfs fs;
	errcode_t err;
	int r = find_layout(ctx, &l);

	*ret = NULL;
	if (r < 0)
		return r;
	if (!gp_disk_rootfs(&l, &fs)) {
		if (!no_disk(ctx, id, &l))
			gp_emit(ctx, id, GP_SKIP,
				"the partition of / was not "
				"found on %s",
				l.disk);
		return 0;
	}
	if (!is_ext(fs.type)) {
		gp_emit(ctx, id, GP_SKIP, "the root file system is %s, not ext",
			fs.type[0] ? fs.type : "unknown");
		return 0;
	}
	err = open_ext(&fs, ret);
	if (err) {
		f = gp_emit(ctx, id, GP_ERROR,
			    "cannot read the ext superblock "
			    "of /: %s",
			    error_message(err));
		gp_evidence(f, "%s at offset %" PRIu64, fs.path, fs.offset);
		*ret = NULL;
	}
	return 0;
}

static int check_ext_features(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct ext2_super_block *sb;
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	ext2_filsys fs;
	int r = ext_for(ctx, "storage.ext4_features", &fs);

	if (r < 0 || !fs)
		return r;
	sb = fs->super;
	for (char *const *c = p->ext4_forbidden; c && *c; c++)
		if (has_all(sb, *c))
			status = GP_FAIL;
	f = gp_emit(ctx, "storage.ext4_features", status,
		    status == GP_PASS ? "the root file system has no feature "
					"the cloud refuses"
				      : "the root file system has features the "
					"cloud refuses");
	for (char *const *c = p->ext4_forbidden; c && *c; c++)
		if (has_all(sb, *c))
			gp_evidence(f, "feature %s is set", *c);
	if (status != GP_PASS)
		gp_remedy(f, "recreate / without them (mkfs.ext4 -O ^64bit; "
			     "no project quota) and copy the data back; "
			     "resize2fs -s can drop 64bit from an unmounted, "
			     "checked file system");
	ext2fs_close_free(&fs);
	return 0;
}

static int check_fs_clean(struct gp_ctx *ctx)
{
	struct ext2_super_block *sb;
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	ext2_filsys fs;
	int r = ext_for(ctx, "storage.fs_clean", &fs);

	if (r < 0 || !fs)
		return r;
	sb = fs->super;
	if ((sb->s_state & EXT2_ERROR_FS) || sb->s_error_count ||
	    !(sb->s_state & EXT2_VALID_FS))
		status = GP_FAIL;
	f = gp_emit(
		ctx, "storage.fs_clean", status,
		status == GP_PASS
			? "the root file system is clean"
			: "the root file system has errors or was not checked");
	gp_evidence(f, "superblock state 0x%x (%s%s), %u errors recorded",
		    sb->s_state,
		    sb->s_state & EXT2_VALID_FS ? "clean" : "not clean",
		    sb->s_state & EXT2_ERROR_FS ? ", with errors" : "",
		    sb->s_error_count);
	if (status != GP_PASS)
		gp_remedy(f,
			  "check it with e2fsck -f (from a rescue system, or "
			  "touch /forcefsck and reboot) before capturing the "
			  "disk");
	ext2fs_close_free(&fs);
	return 0;
}

static void judge_data_disk(struct gp_ctx *ctx, const struct gp_data_disk *d,
			    enum gp_status *worst)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	uint64_t gib = gib_up(d->size);
	enum gp_status status = GP_PASS;
	struct gp_finding *f;

	if (d->error) {
		gp_emit(ctx, "storage.data_disks", GP_ERROR,
			"cannot size data disk %s: %s", d->name,
			d->error == -EMEDIUMTYPE ? "not a raw image"
						 : strerror(-d->error));
		*worst = GP_ERROR > *worst ? GP_ERROR : *worst;
		return;
	}
	if (gib > p->data_disk_max_gib)
		status = GP_FAIL;
	else if (gib < p->data_disk_min_gib)
		status = p->data_disk_small;
	f = gp_emit(ctx, "storage.data_disks", status,
		    "data disk %s is %" PRIu64
		    " GiB (the cloud takes %u to %u GiB)",
		    d->name, gib, p->data_disk_min_gib, p->data_disk_max_gib);
	size_evidence(f, d->name, d->size);
	if (gib > p->data_disk_max_gib)
		gp_remedy(f, "split the data over disks of at most %u GiB",
			  p->data_disk_max_gib);
	else if (status != GP_PASS)
		gp_remedy(f, "import it as a %u GiB data disk",
			  p->data_disk_min_gib);
	*worst = status > *worst ? status : *worst;
}

static int check_data_disks(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	char *const *disks = gp_ctx_disks(ctx);
	enum gp_status worst = GP_PASS;
	struct gp_data_disk *v = NULL;
	size_t n = 0;
	int r;

	r = gp_disk_find_data(root, disks, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		judge_data_disk(ctx, &v[i], &worst);
	if (n == 0)
		gp_emit(ctx, "storage.data_disks", GP_PASS,
			disks[0] || gp_root_is_live(root)
				? "no data disk"
				: "no data disk given (--disk again for each)");
	gp_disk_data_free(v, n);
	return 0;
}

static const struct gp_check storage_checks[] = {
	{.id = "storage.system_disk",
	 .summary = "the disk that holds / is found and readable",
	 .run = check_system_disk},
	{.id = "storage.disk_size",
	 .summary = "the system disk's size is within the cloud's range",
	 .run = check_disk_size},
	{.id = "storage.partition_table",
	 .summary = "the system disk has the partition table the cloud boots",
	 .run = check_partition_table},
	{.id = "storage.uefi",
	 .summary = "the system boots the way the cloud starts images",
	 .run = check_uefi},
	{.id = "storage.root_partition",
	 .summary = "/ is a single plain partition of the system disk",
	 .run = check_root_partition},
	{.id = "storage.separate_mounts",
	 .summary = "/usr and /var are not separate partitions",
	 .run = check_separate_mounts},
	{.id = "storage.filesystem",
	 .summary = "the root file system is of a type the cloud mounts",
	 .run = check_filesystem},
	{.id = "storage.ext4_features",
	 .summary = "the root ext4 has no feature the cloud refuses",
	 .run = check_ext_features},
	{.id = "storage.fs_clean",
	 .summary = "the root file system is clean, without recorded errors",
	 .run = check_fs_clean},
	{.id = "storage.data_disks",
	 .summary = "each data disk's size is within the cloud's range",
	 .run = check_data_disks},
	{0},
};

const struct gp_plugin storage_plugin = {
	.name = "storage",
	.summary = "partitions, file systems and disk sizes the cloud accepts",
	.targets = GP_TARGET_LINUX,
	.checks = storage_checks,
};
