/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows_disk: the system disk of a Windows image as the cloud will boot
 * it.  The requirements: "NTFS file systems and MBR partitions" and
 * "multi-partition system disks" are supported; the system disk is
 * imported at a size within the cloud's range ("configure the system
 * disk size ... based on the virtual disk size").  The cloud starts
 * Windows by BIOS, which boots only from an MBR disk.
 *
 * The disk comes from the core's reader (guestprep/disk.h: libblkid on
 * the image or device given with --disk).  A mounted Windows volume says
 * nothing of the disk it came from, so without --disk these checks skip.
 * The Windows volume is told apart from the small partitions Windows
 * setup adds around it (System Reserved, recovery, EFI, MSR) by their
 * labels and partition types.  No fixer: repartitioning is not a change
 * to make unattended.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "guestprep/disk.h"
#include "guestprep/plugin.h"

#define GIB (1024ull * 1024 * 1024)

/* GPT types of the partitions Windows setup makes beside C:. */
static const char *const helper_guids[] = {
	"e3c9e316-0b5c-4db8-817d-f92df00215ae", /* Microsoft reserved */
	"de94bba4-06d1-4d40-a16a-bfd50179d6ac", /* Windows recovery */
};

/* Labels Windows setup gives them (an MBR has no type to tell them). */
static const char *const helper_labels[] = {
	"System Reserved",
	"Recovery",
	"WINRE",
	"Windows RE tools",
};

/*
 * Say why the disk cannot be judged; true when it cannot.  Only
 * windows_disk.partition_table reports an unreadable disk as an error; the
 * other checks skip, pointing there.
 */
static bool no_disk(struct gp_ctx *ctx, const char *id,
		    const struct gp_disk_layout *l)
{
	bool primary = strcmp(id, "windows_disk.partition_table") == 0;
	struct gp_finding *f;

	if (!l->disk) {
		f = gp_emit(ctx, id, GP_SKIP,
			    "no disk to inspect: give the system disk's raw "
			    "image or device with --disk");
		gp_evidence(f, "a mounted Windows volume does not say which "
			       "disk it is on, nor how that disk is "
			       "partitioned");
		return true;
	}
	if (!primary && (l->image_format || l->probe_error)) {
		gp_emit(ctx, id, GP_SKIP,
			"%s cannot be read (see windows_disk.partition_table)",
			l->disk);
		return true;
	}
	if (l->image_format) {
		f = gp_emit(ctx, id, GP_ERROR,
			    "%s is a %s image, which is read only as a raw "
			    "disk",
			    l->disk, l->image_format);
		gp_remedy(f,
			  "convert it (qemu-img convert -O raw) or attach it "
			  "(qemu-nbd --read-only --connect /dev/nbd0) and pass "
			  "the raw file or device to --disk");
		return true;
	}
	if (l->probe_error) {
		gp_emit(ctx, id, GP_ERROR, "cannot read %s: %s", l->disk,
			strerror(-l->probe_error));
		return true;
	}
	return false;
}

/*
 * Probe the disk given with --disk.  Nothing is probed without one: a
 * live Linux system's own disk is not the disk of a Windows tree.
 */
static int find_layout(struct gp_ctx *ctx, struct gp_disk_layout *l)
{
	char *const *disks = gp_ctx_disks(ctx);

	*l = (struct gp_disk_layout){ 0 };
	if (!disks[0])
		return 0;
	return gp_disk_find(gp_ctx_root(ctx), disks, l);
}

static const char *table_name(const char *table)
{
	if (strcmp(table, "dos") == 0)
		return "MBR";
	if (strcmp(table, "gpt") == 0)
		return "GPT";
	return *table ? table : "none";
}

static void partition_evidence(struct gp_finding *f,
			       const struct gp_disk_layout *l)
{
	for (size_t i = 0; i < l->n_parts; i++) {
		const struct gp_partition *p = &l->parts[i];

		gp_evidence(f,
			    "partition %u: start %" PRIu64 " MiB, %" PRIu64
			    " MiB, type %s%s%s%s%s%s",
			    p->partno, p->start >> 20, p->size >> 20, p->type,
			    p->fstype[0] ? ", " : "", p->fstype,
			    p->label[0] ? " \"" : "", p->label,
			    p->label[0] ? "\"" : "");
	}
}

static int check_partition_table(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "windows_disk.partition_table", &l))
		return 0;
	if (!gp_strv_contains(p->windows_partition_tables,
			      l.table[0] ? l.table : "none"))
		status = GP_FAIL;
	f = gp_emit(ctx, "windows_disk.partition_table", status,
		    "the system disk's partition table is %s%s",
		    table_name(l.table),
		    status == GP_PASS ? ""
				      : ": the cloud boots Windows by BIOS "
					"from an MBR disk");
	gp_evidence(f, "libblkid on %s: %zu partitions", l.disk, l.n_parts);
	partition_evidence(f, &l);
	if (status != GP_PASS && strcmp(l.table, "gpt") == 0)
		gp_remedy(f, "convert the disk to MBR (at most 4 primary "
			     "partitions, under 2 TiB) and install the BIOS "
			     "boot files (bcdboot C:\\Windows /f BIOS, then "
			     "bootsect /nt60 SYS /mbr) before capturing it");
	else if (status != GP_PASS)
		gp_remedy(f, "the cloud boots a disk with an MBR partition "
			     "table whose partitions hold NTFS volumes");
	return 0;
}

static bool is_helper(const struct gp_partition *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(helper_guids); i++)
		if (strcasecmp(p->type, helper_guids[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(helper_labels); i++)
		if (strcasecmp(p->label, helper_labels[i]) == 0)
			return true;
	/* 0x27: an MBR's hidden recovery partition. */
	return p->esp || strcmp(p->type, "0x27") == 0;
}

/*
 * The partition that holds Windows: the largest one with a file system
 * the profile takes that is not one of setup's helpers; failing that,
 * the largest other one with a file system (which then is of the wrong
 * type); failing that, a helper of the right type after all, so that a
 * label alone never fails a disk.
 */
static const struct gp_partition *windows_volume(const struct gp_profile *p,
						 const struct gp_disk_layout *l)
{
	const struct gp_partition *best = NULL, *other = NULL, *helper = NULL;

	for (size_t i = 0; i < l->n_parts; i++) {
		const struct gp_partition *pt = &l->parts[i];
		bool good = gp_strv_contains(p->windows_filesystems,
					     pt->fstype);
		const struct gp_partition **slot;

		if (pt->extended || !pt->fstype[0] || pt->esp)
			continue;
		if (is_helper(pt))
			slot = good ? &helper : NULL;
		else
			slot = good ? &best : &other;
		if (slot && (!*slot || pt->size > (*slot)->size))
			*slot = pt;
	}
	if (best)
		return best;
	return other ? other : helper;
}

static void wrong_fs_remedy(struct gp_finding *f, const char *fstype)
{
	if (strcmp(fstype, "BitLocker") == 0)
		gp_remedy(f, "the cloud cannot read an encrypted system "
			     "volume: turn BitLocker off (manage-bde -off C:) "
			     "and wait for the decryption to end before "
			     "capturing the disk");
	else
		gp_remedy(f, "Windows must be installed on an NTFS volume "
			     "(convert C: /fs:ntfs turns FAT32 into NTFS in "
			     "place; ReFS and exFAT need a reinstall or a copy "
			     "to a new NTFS volume)");
}

static int check_filesystem(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	const struct gp_partition *win;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "windows_disk.filesystem", &l))
		return 0;
	win = windows_volume(p, &l);
	if (!win) {
		f = gp_emit(ctx, "windows_disk.filesystem", GP_FAIL,
			    "no partition of %s holds an NTFS volume for "
			    "Windows",
			    l.disk);
		partition_evidence(f, &l);
		gp_remedy(f, "check that --disk is the system disk of this "
			     "Windows: its Windows volume must be NTFS");
		return 0;
	}
	if (!gp_strv_contains(p->windows_filesystems, win->fstype)) {
		f = gp_emit(ctx, "windows_disk.filesystem", GP_FAIL,
			    "the Windows volume (partition %u) is %s, not "
			    "NTFS",
			    win->partno, win->fstype);
		gp_evidence(f, "Windows volume: partition %u (%s) of %s",
			    win->partno, win->fstype, l.disk);
		partition_evidence(f, &l);
		wrong_fs_remedy(f, win->fstype);
		return 0;
	}
	f = gp_emit(ctx, "windows_disk.filesystem", GP_PASS,
		    "the Windows volume (partition %u, %" PRIu64 " MiB) is %s",
		    win->partno, win->size >> 20, win->fstype);
	gp_evidence(f, "Windows volume: partition %u (%s) of %s", win->partno,
		    win->fstype, l.disk);
	partition_evidence(f, &l);
	return 0;
}

static int check_size(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(gp_disk_layout_done) struct gp_disk_layout l;
	enum gp_status status = GP_PASS;
	uint64_t gib, enter;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if ((!l.size || l.image_format || l.probe_error) &&
	    no_disk(ctx, "windows_disk.size", &l))
		return 0;
	if (!l.size) {
		gp_emit(ctx, "windows_disk.size", GP_ERROR,
			"the size of %s is unknown", l.disk);
		return 0;
	}
	gib = (l.size + GIB - 1) / GIB;
	enter = gib < p->system_disk_min_gib ? p->system_disk_min_gib : gib;
	gp_ctx_set_system_disk_bytes(ctx, enter * GIB);
	if (gib > p->system_disk_max_gib)
		status = GP_FAIL;
	else if (gib < p->system_disk_min_gib)
		status = p->system_disk_small;
	f = gp_emit(ctx, "windows_disk.size", status,
		    "the system disk is %" PRIu64 " GiB (the cloud takes %u to "
		    "%u GiB): enter %" PRIu64 " GiB at import",
		    gib, p->system_disk_min_gib, p->system_disk_max_gib, enter);
	gp_evidence(f, "%s: %" PRIu64 " bytes, the virtual size", l.disk,
		    l.size);
	if (gib > p->system_disk_max_gib)
		gp_remedy(f,
			  "shrink C: (Disk Management: Shrink Volume), then "
			  "the disk, so that it fits in %u GiB, or move data "
			  "to a data disk",
			  p->system_disk_max_gib);
	else if (status != GP_PASS)
		gp_remedy(f,
			  "import with a system disk of %u GiB, then extend "
			  "C: into the new space (Disk Management: Extend "
			  "Volume)",
			  p->system_disk_min_gib);
	return 0;
}

static const struct gp_check windows_disk_checks[] = {
	{.id = "windows_disk.partition_table",
	 .summary = "the system disk has an MBR partition table",
	 .run = check_partition_table},
	{.id = "windows_disk.filesystem",
	 .summary = "the Windows volume is NTFS",
	 .run = check_filesystem},
	{.id = "windows_disk.size",
	 .summary = "the system disk's size is within the cloud's range",
	 .run = check_size},
	{ 0 },
};

const struct gp_plugin windows_disk_plugin = {
	.name = "windows_disk",
	.summary = "partition table, file system and size of a Windows disk",
	.targets = GP_TARGET_WINDOWS,
	.checks = windows_disk_checks,
};
