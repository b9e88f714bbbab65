/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * disk_space: room on the root file system.  The cloud's first boot
 * writes to the system disk (agents, cloud-init, logs, a relabel); a
 * full disk, or one out of inodes, gives an instance that boots but
 * cannot be configured.  Thresholds come from the profile.
 *
 * A Windows tree is judged the same way (the requirements: "check that
 * there is enough space on the system disk"): its root is the Windows
 * volume, C: live or mounted (ntfs-3g) offline, and statvfs tells its
 * free clusters.  NTFS has no fixed inode count (the MFT grows), so only
 * free space is judged there.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "guestprep/plugin.h"

#define MIB (1024ull * 1024)

static bool is_windows(struct gp_ctx *ctx)
{
	return gp_ctx_host(ctx)->os.kind == GP_KIND_WINDOWS;
}

/* Percent of @part in @whole, rounded down; 100 when @whole is 0. */
static unsigned percent(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned)(part * 100 / whole) : 100;
}

static int root_statvfs(struct gp_ctx *ctx, struct statvfs *sv)
{
	int r = gp_root_statvfs(gp_ctx_root(ctx), "/", sv);

	if (r < 0)
		gp_debug("statvfs of the root: %s", strerror(-r));
	return r;
}

static int check_free(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	uint64_t avail_mib, total_mib;
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	struct statvfs sv;
	unsigned pct;
	int r;

	r = root_statvfs(ctx, &sv);
	if (r < 0)
		return r;
	/* f_bavail: what is left once root's reserve is taken out. */
	avail_mib = (uint64_t)sv.f_bavail * sv.f_frsize / MIB;
	total_mib = (uint64_t)sv.f_blocks * sv.f_frsize / MIB;
	pct = percent(sv.f_bavail, sv.f_blocks);

	if (avail_mib < p->disk_fail_free_mib)
		status = GP_FAIL;
	else if (avail_mib < p->disk_warn_free_mib || pct < p->disk_warn_free_pct)
		status = GP_WARN;
	f = gp_emit(ctx, "disk_space.free", status,
		    "%" PRIu64 " MiB free of %" PRIu64 " MiB (%u%%) on the "
		    "root file system", avail_mib, total_mib, pct);
	gp_evidence(f, "statvfs %s: %" PRIu64 " of %" PRIu64 " blocks of %lu "
		       "bytes available", gp_root_path(gp_ctx_root(ctx)),
		    (uint64_t)sv.f_bavail, (uint64_t)sv.f_blocks,
		    (unsigned long)sv.f_frsize);
	if (status != GP_PASS && is_windows(ctx))
		gp_remedy(f, "free space on C:: at least %" PRIu64 " MiB and "
			     "%u%% should be free (Disk Cleanup with its system "
			     "files, Dism /Online /Cleanup-Image "
			     "/StartComponentCleanup, old user profiles)",
			  p->disk_warn_free_mib, p->disk_warn_free_pct);
	else if (status != GP_PASS)
		gp_remedy(f, "free space on the system disk: at least %" PRIu64
			     " MiB and %u%% should be free (remove old kernels, "
			     "logs, package caches)",
			  p->disk_warn_free_mib, p->disk_warn_free_pct);
	return 0;
}

static int check_inodes(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	struct statvfs sv;
	unsigned pct;
	int r;

	if (is_windows(ctx)) {
		gp_emit(ctx, "disk_space.inodes", GP_PASS,
			"NTFS has no fixed inode count: its file table grows");
		return 0;
	}
	r = root_statvfs(ctx, &sv);
	if (r < 0)
		return r;
	/* btrfs and others allocate inodes on demand and report none. */
	if (sv.f_files == 0) {
		gp_emit(ctx, "disk_space.inodes", GP_PASS,
			"the root file system has no fixed inode count");
		return 0;
	}
	pct = percent(sv.f_favail, sv.f_files);
	if (sv.f_favail < p->disk_fail_free_inodes)
		status = GP_FAIL;
	else if (pct < p->disk_warn_free_inodes_pct)
		status = GP_WARN;
	f = gp_emit(ctx, "disk_space.inodes", status,
		    "%" PRIu64 " inodes free of %" PRIu64 " (%u%%)",
		    (uint64_t)sv.f_favail, (uint64_t)sv.f_files, pct);
	if (status != GP_PASS)
		gp_remedy(f, "remove many small files (mail spools, session "
			     "files, caches) from the system disk");
	return 0;
}

static const struct gp_check disk_space_checks[] = {
	{ .id = "disk_space.free",
	  .summary = "free space on the root file system", .run = check_free },
	{ .id = "disk_space.inodes",
	  .summary = "free inodes on the root file system",
	  .run = check_inodes },
	{ 0 },
};

const struct gp_plugin disk_space_plugin = {
	.name = "disk_space",
	.summary = "room for the cloud's first boot on the system disk",
	.targets = GP_TARGET_LINUX | GP_TARGET_FREEBSD | GP_TARGET_WINDOWS,
	.checks = disk_space_checks,
};
