/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fstab: once imported, the system disk is /dev/vda behind virtio.
 * Entries that name a disk by its kernel name (/dev/sda1, /dev/xvda1,
 * /dev/hda1) or by its bus (/dev/disk/by-id, /dev/disk/by-path) no longer
 * match anything and the boot stops.  UUID=, LABEL=, PARTUUID=,
 * PARTLABEL=, /dev/disk/by-uuid, /dev/disk/by-label, LVM (/dev/mapper)
 * and MD (/dev/md*) names survive the move.
 *
 * The core reads the file with libmount and numbers its entries
 * (include/guestprep/mounts.h), so evidence can name their lines.
 *
 * The fixer rewrites the first field of each kernel-name entry to the
 * UUID= of the device it names now.  Only a live system can say which
 * device that is, so offline the finding is not fixable.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <blkid.h>

#include "guestprep/macro.h"
#include "guestprep/disk.h"
#include "guestprep/mounts.h"
#include "guestprep/plugin.h"

/* The length of the line at @p, with its '\n', in a text ending at @end. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

/* Emit the skip of @id when fstab cannot be read; 1 when it did. */
static int load_or_skip(struct gp_ctx *ctx, const char *id, struct gp_fstab *t)
{
	int r = gp_fstab_load(gp_ctx_root(ctx), t);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_emit(ctx, id, GP_SKIP, "%s cannot be read: %s "
			"(system_files.fstab reports it)", GP_FSTAB,
			strerror(-r));
		return 1;
	}
	return 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Entries that do not name a local block device at all. */
static bool is_ignored(struct libmnt_fs *fs)
{
	const char *src = mnt_fs_get_source(fs);
	const char *type = mnt_fs_get_fstype(fs);

	if (!src || !*src || strcmp(src, "none") == 0)
		return true;
	if (mnt_fs_is_netfs(fs) || mnt_fs_is_pseudofs(fs))
		return true;
	if (type && (strcmp(type, "tmpfs") == 0 || strcmp(type, "nfs") == 0 ||
		     strcmp(type, "nfs4") == 0 || strcmp(type, "cifs") == 0 ||
		     strcmp(type, "smbfs") == 0))
		return true;
	if ((src[0] != '/' && strchr(src, ':')) || has_prefix(src, "//"))
		return true;	/* host:/export, //server/share */
	if (mnt_fs_match_options(fs, "bind") || mnt_fs_match_options(fs, "rbind"))
		return true;
	return false;
}

/* A name the kernel or udev gives by bus, which virtio changes. */
static bool is_unstable(struct libmnt_fs *fs)
{
	static const char *const prefixes[] = {
		"/dev/sd", "/dev/hd", "/dev/xvd",
		/* NVMe and Smart Array disks are renamed under virtio too. */
		"/dev/nvme", "/dev/cciss/",
		"/dev/disk/by-id/", "/dev/disk/by-path/",
	};
	const char *src = mnt_fs_get_source(fs);

	if (is_ignored(fs) || mnt_fs_get_tag(fs, NULL, NULL) == 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (has_prefix(src, prefixes[i]))
			return true;
	return false;
}

static const char *target_of(struct libmnt_fs *fs)
{
	const char *target = mnt_fs_get_target(fs);

	return target ? target : "-";
}

static bool is_live(struct gp_ctx *ctx)
{
	return gp_ctx_host(ctx)->live;
}

/* The UUID of the device @devname names now (caller frees), or NULL. */
static char *device_uuid(const char *devname)
{
	return blkid_get_tag_value(NULL, "UUID", devname);
}

static int check_device_names(struct gp_ctx *ctx)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	struct gp_finding *f = NULL;
	bool live = is_live(ctx), resolved = live;
	unsigned n = 0;
	int r;

	r = load_or_skip(ctx, "fstab.device_names", &t);
	if (r != 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < t.n_entries; i++) {
		struct libmnt_fs *fs = t.entries[i].fs;

		if (!is_unstable(fs))
			continue;
		if (!f)
			f = gp_emit(ctx, "fstab.device_names", GP_FAIL,
				    "%s names disks in a way that changes "
				    "under virtio", GP_FSTAB);
		gp_evidence(f, "%s:%u: %s %s", GP_FSTAB, t.entries[i].line,
			    mnt_fs_get_source(fs), target_of(fs));
		n++;
		if (live) {
			char *uuid = device_uuid(mnt_fs_get_source(fs));

			if (!uuid)
				resolved = false;
			free(uuid);
		}
	}
	if (!f) {
		gp_emit(ctx, "fstab.device_names", GP_PASS,
			"every %s entry names its device in a stable way",
			GP_FSTAB);
		return 0;
	}
	if (resolved) {
		gp_remedy(f, "name the %u entr%s by UUID= (guestprep fix does)",
			  n, n == 1 ? "y" : "ies");
		gp_set_fixable(f, true);
	} else if (live) {
		gp_remedy(f, "some devices have no UUID: name them by UUID=, "
			     "LABEL= or an LVM name");
	} else {
		gp_remedy(f, "run guestprep fix on the live system, or name "
			     "each device by the UUID= that `blkid` shows");
	}
	return 0;
}

/* For devices_exist: the tag an entry names its device by, if any. */
static bool tag_of(struct libmnt_fs *fs, const char **ret_name,
		   const char **ret_value, bool *ret_is_path)
{
	static const char *const dirs[] = {
		"/dev/disk/by-uuid/", "/dev/disk/by-label/",
		"/dev/disk/by-partuuid/", "/dev/disk/by-partlabel/",
	};
	const char *src = mnt_fs_get_source(fs);

	if (is_ignored(fs))
		return false;
	if (mnt_fs_get_tag(fs, ret_name, ret_value) == 0) {
		*ret_is_path = false;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (has_prefix(src, dirs[i])) {
			*ret_is_path = true;
			return true;
		}
	return false;
}

/* Offline: the partitions of the --disk images, where tags are found. */
struct disks {
	struct gp_disk_layout *v;
	size_t n;
};

static void disks_done(struct disks *d)
{
	for (size_t i = 0; i < d->n; i++)
		gp_disk_layout_done(&d->v[i]);
	free(d->v);
}

static int disks_load(struct gp_ctx *ctx, struct disks *d)
{
	char *const *paths = gp_ctx_disks(ctx);
	size_t n = 0;

	while (paths[n])
		n++;
	d->v = calloc(n ? n : 1, sizeof(*d->v));
	if (!d->v)
		return -ENOMEM;
	/* Each is probed as gp_disk_find() probes the first it is given. */
	for (; d->n < n; d->n++) {
		int r = gp_disk_find(gp_ctx_root(ctx), paths + d->n,
				     &d->v[d->n]);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Whether the device an entry names is there: live, or on a --disk. */
static bool device_found(struct gp_ctx *ctx, const struct disks *d,
			 struct libmnt_fs *fs, const char *name,
			 const char *value, bool is_path)
{
	const char *src = mnt_fs_get_source(fs);
	bool found = false;

	if (is_live(ctx)) {
		char *dev;

		if (is_path)
			return gp_root_exists(gp_ctx_root(ctx), src);
		dev = blkid_evaluate_tag(name, value, NULL);
		found = dev != NULL;
		free(dev);
		return found;
	}
	/* GPT partition names are not probed: do not call them missing. */
	if ((name && strcmp(name, "PARTLABEL") == 0) ||
	    has_prefix(src, "/dev/disk/by-partlabel/"))
		return true;
	for (size_t i = 0; i < d->n && !found; i++)
		found = gp_disk_match(&d->v[i], src) != NULL;
	return found;
}

static int check_devices_exist(struct gp_ctx *ctx)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	_cleanup_(disks_done) struct disks d = { 0 };
	struct gp_finding *f = NULL;
	int r;

	if (!is_live(ctx) && !gp_ctx_disks(ctx)[0]) {
		gp_emit(ctx, "fstab.devices_exist", GP_SKIP,
			"not a live system: give the disk images with --disk "
			"to look up the devices %s names", GP_FSTAB);
		return 0;
	}
	r = load_or_skip(ctx, "fstab.devices_exist", &t);
	if (r != 0)
		return r < 0 ? r : 0;
	if (!is_live(ctx)) {
		r = disks_load(ctx, &d);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < t.n_entries; i++) {
		struct libmnt_fs *fs = t.entries[i].fs;
		const char *name = NULL, *value = NULL;
		bool is_path;

		if (!tag_of(fs, &name, &value, &is_path) ||
		    device_found(ctx, &d, fs, name, value, is_path))
			continue;
		if (!f) {
			f = gp_emit(ctx, "fstab.devices_exist", GP_FAIL,
				    "%s names devices that are not there",
				    GP_FSTAB);
			gp_remedy(f, "correct the entries (see `blkid`) or "
				     "remove them");
		}
		gp_evidence(f, "%s:%u: %s %s", GP_FSTAB, t.entries[i].line,
			    mnt_fs_get_source(fs), target_of(fs));
	}
	if (!f)
		gp_emit(ctx, "fstab.devices_exist", GP_PASS,
			"every device %s names by UUID or label is there%s",
			GP_FSTAB, is_live(ctx) ? "" : " (on the --disk images)");
	return 0;
}

/* Mount points on the system disk: the boot needs them. */
static bool is_system_target(const char *target)
{
	static const char *const system[] = {
		"/", "/usr", "/var", "/boot", "/boot/efi", "/home", "/tmp",
	};

	for (size_t i = 0; i < ARRAY_SIZE(system); i++)
		if (strcmp(target, system[i]) == 0)
			return true;
	return false;
}

static int check_nofail(struct gp_ctx *ctx)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	struct gp_finding *f = NULL;
	int r;

	r = load_or_skip(ctx, "fstab.nofail", &t);
	if (r != 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < t.n_entries; i++) {
		struct libmnt_fs *fs = t.entries[i].fs;
		const char *src = mnt_fs_get_source(fs);
		const char *target = target_of(fs);

		if (is_ignored(fs) || mnt_fs_is_swaparea(fs) ||
		    target[0] != '/' || is_system_target(target))
			continue;
		if (mnt_fs_get_tag(fs, NULL, NULL) != 0 &&
		    !has_prefix(src, "/dev/"))
			continue;	/* a file (loop) or something else */
		if (mnt_fs_match_options(fs, "+nofail") ||
		    mnt_fs_match_options(fs, "+noauto"))
			continue;
		if (!f) {
			f = gp_emit(ctx, "fstab.nofail", GP_WARN,
				    "data disks are mounted without nofail: "
				    "the instance stops in emergency mode if "
				    "such a disk is not attached");
			gp_remedy(f, "add nofail to the options of these "
				     "entries in %s", GP_FSTAB);
		}
		gp_evidence(f, "%s:%u: %s %s", GP_FSTAB, t.entries[i].line, src,
			    target);
	}
	if (!f)
		gp_emit(ctx, "fstab.nofail", GP_PASS,
			"every data mount in %s may be missing at boot",
			GP_FSTAB);
	return 0;
}

/* The entry on line @no, if it is one the fixer must rewrite. */
static struct libmnt_fs *unstable_on_line(const struct gp_fstab *t, unsigned no)
{
	for (size_t i = 0; i < t->n_entries; i++)
		if (t->entries[i].line == no && is_unstable(t->entries[i].fs))
			return t->entries[i].fs;
	return NULL;
}

/*
 * The file with the first field of each kernel-name entry replaced by
 * UUID=; everything else byte for byte.  -ENXIO when a device has no UUID.
 */
static int rename_devices(const struct gp_fstab *t, char **ret, size_t *ret_len,
			  unsigned *ret_n)
{
	char *buf = NULL;
	size_t size = 0;
	unsigned no = 0, changed = 0;
	int r = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	for (const char *p = t->text, *end = t->text + t->len; p < end;
	     p += line_len(p, end)) {
		size_t n = line_len(p, end), lead, field;
		struct libmnt_fs *fs = unstable_on_line(t, ++no);
		char *uuid;

		if (!fs || r < 0) {
			fwrite(p, 1, n, f);
			continue;
		}
		uuid = device_uuid(mnt_fs_get_source(fs));
		if (!uuid) {
			r = -ENXIO;
			continue;
		}
		lead = strspn(p, " \t");
		field = lead;
		while (field < n && !strchr(" \t\n", p[field]))
			field++;
		fwrite(p, 1, lead, f);
		fprintf(f, "UUID=%s", uuid);
		fwrite(p + field, 1, n - field, f);
		free(uuid);
		changed++;
	}
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = size;
	*ret_n = changed;
	return 0;
}

static int fix_device_names(struct gp_ctx *ctx)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	_cleanup_free_ char *fixed = NULL, *why = NULL;
	size_t len;
	unsigned n;
	int r;

	if (!is_live(ctx))
		return -EOPNOTSUPP;
	r = gp_fstab_load(gp_ctx_root(ctx), &t);
	if (r < 0)
		return r;
	r = rename_devices(&t, &fixed, &len, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return 0;
	if (asprintf(&why, "name %u device(s) by UUID= in %s", n, GP_FSTAB) < 0)
		return -ENOMEM;
	return gp_plan_write(ctx, GP_FSTAB, fixed, len, 0644, why);
}

static const struct gp_check fstab_checks[] = {
	{ .id = "fstab.device_names",
	  .summary = "fstab names no disk by a name virtio changes",
	  .run = check_device_names,
	  .fix = fix_device_names },
	{ .id = "fstab.devices_exist",
	  .summary = "the UUIDs and labels fstab names exist (live only)",
	  .run = check_devices_exist },
	{ .id = "fstab.nofail",
	  .summary = "data disks in fstab are mounted with nofail",
	  .run = check_nofail },
	{ 0 },
};

const struct gp_plugin fstab_plugin = {
	.name = "fstab",
	.summary = "/etc/fstab must still match the disks under virtio",
	.targets = GP_TARGET_LINUX,
	.checks = fstab_checks,
};
