/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disks (include/guestprep/disk.h): the system disk found from the
 * mount table and sysfs, or named with --disk, and probed with libblkid.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>
#include <libmount.h>

#include "guestprep/disk.h"
#include "guestprep/macro.h"
#include "guestprep/mounts.h"

#define SECTOR	      512ull
#define MAX_DEPTH     8		  /* dm on md on dm ...: enough for any stack */
#define SMALL_FILE    (64u << 10) /* sysfs attributes, mountinfo is larger */
#define MOUNTINFO_MAX (4u << 20)

static const char ESP_GUID[] = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";

/* --- the layout ---------------------------------------------------- */

static int set_str(char **field, const char *value)
{
	char *s = value ? strdup(value) : NULL;

	if (value && !s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static int add_disk(struct gp_disk_layout *l, const char *name)
{
	char **v;

	for (size_t i = 0; i < l->n_disks; i++)
		if (strcmp(l->disks[i], name) == 0)
			return 0;
	v = realloc(l->disks, (l->n_disks + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->disks = v;
	v[l->n_disks] = strdup(name);
	if (!v[l->n_disks])
		return -ENOMEM;
	l->n_disks++;
	return 0;
}

static const struct gp_partition *find_partno(const struct gp_disk_layout *l,
					      unsigned partno)
{
	for (size_t i = 0; i < l->n_parts; i++)
		if (l->parts[i].partno == partno)
			return &l->parts[i];
	return NULL;
}

/* --- the mount tables ---------------------------------------------- */

/* Parse @path of the root (fstab or mountinfo: libmount tells them). */
static int load_table(const struct gp_root *root, const char *path, size_t max,
		      struct libmnt_table **ret)
{
	_cleanup_free_ char *text = NULL;
	struct libmnt_table *tb;
	size_t len;
	FILE *f;
	int r;

	r = gp_root_read_file(root, path, max, &text, &len);
	if (r < 0)
		return r;
	tb = mnt_new_table();
	if (!tb)
		return -ENOMEM;
	/* fmemopen() of an empty buffer fails: an empty table is right. */
	f = len ? fmemopen(text, len, "r") : NULL;
	r = f ? mnt_table_parse_stream(tb, f, path) : 0;
	if (f)
		fclose(f);
	if (r < 0) {
		mnt_unref_table(tb);
		return -EINVAL;
	}
	*ret = tb;
	return 0;
}

/* The last entry mounted on (or to be mounted on) @target. */
static struct libmnt_fs *find_target(struct libmnt_table *tb,
				     const char *target)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
	struct libmnt_fs *fs, *found = NULL;

	while (it && !found && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);

		if (t && strcmp(t, target) == 0 && !mnt_fs_is_swaparea(fs))
			found = fs;
	}
	mnt_free_iter(it);
	return found;
}

/* --- live: from the device of / down to the disks, through sysfs -- */

static int read_attr(const struct gp_root *root, const char *dir,
		     const char *attr, char **ret)
{
	_cleanup_free_ char *path = NULL;
	char *text;
	int r;

	if (asprintf(&path, "%s/%s", dir, attr) < 0)
		return -ENOMEM;
	r = gp_root_read_file(root, path, SMALL_FILE, &text, NULL);
	if (r < 0)
		return r;
	text[strcspn(text, "\n")] = '\0';
	*ret = text;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* What device-mapper or md builds from the devices beneath. */
static int name_stack(const struct gp_root *root, const char *dir,
		      struct gp_disk_layout *l)
{
	_cleanup_free_ char *uuid = NULL, *level = NULL, *what = NULL;
	const char *kind = NULL;

	if (read_attr(root, dir, "dm/uuid", &uuid) == 0) {
		if (strncmp(uuid, "LVM-", 4) == 0)
			kind = "LVM";
		else if (strncmp(uuid, "CRYPT-", 6) == 0)
			kind = "LUKS";
		else if (strncmp(uuid, "mpath-", 6) == 0)
			kind = "multipath";
		else
			kind = "device-mapper";
	} else if (read_attr(root, dir, "md/level", &level) == 0) {
		if (asprintf(&what, "md RAID (%s)", level) < 0)
			return -ENOMEM;
		kind = what;
	}
	if (!kind || (l->stack && strstr(l->stack, kind)))
		return 0;
	if (l->stack) {
		_cleanup_free_ char *both = NULL;

		if (asprintf(&both, "%s on %s", l->stack, kind) < 0)
			return -ENOMEM;
		return set_str(&l->stack, both);
	}
	return set_str(&l->stack, kind);
}

static int walk_dev(const struct gp_root *root, const char *majmin,
		    struct gp_disk_layout *l, unsigned depth);

/* Each device beneath a stacked one (its "slaves" directory). */
static int walk_slaves(const struct gp_root *root, const char *dir,
		       struct gp_disk_layout *l, unsigned depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ char *slaves = NULL;
	struct dirent *de;
	int r = 0;

	if (asprintf(&slaves, "%s/slaves", dir) < 0)
		return -ENOMEM;
	if (gp_root_opendir(root, slaves, &d) < 0)
		return 0;
	r = name_stack(root, dir, l);
	while (r >= 0 && (de = readdir(d))) {
		_cleanup_free_ char *class = NULL, *majmin = NULL;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&class, "/sys/class/block/%s", de->d_name) < 0)
			return -ENOMEM;
		if (read_attr(root, class, "dev", &majmin) == 0)
			r = walk_dev(root, majmin, l, depth + 1);
	}
	return r;
}

static bool has_attr(const struct gp_root *root, const char *dir,
		     const char *attr)
{
	_cleanup_free_ char *path = NULL;

	return asprintf(&path, "%s/%s", dir, attr) >= 0 &&
	       gp_root_exists(root, path);
}

static bool has_entries(const struct gp_root *root, const char *dir,
			const char *sub)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ char *path = NULL;
	struct dirent *de;

	if (asprintf(&path, "%s/%s", dir, sub) < 0 ||
	    gp_root_opendir(root, path, &d) < 0)
		return false;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			return true;
	return false;
}

/*
 * /sys/dev/block/MAJ:MIN is a link to the device's directory: a
 * partition lives in its disk's directory and has a "partition" file, a
 * stacked device lists what it is built on in "slaves", anything else is
 * a whole disk.
 */
static int walk_dev(const struct gp_root *root, const char *majmin,
		    struct gp_disk_layout *l, unsigned depth)
{
	_cleanup_free_ char *link = NULL, *dir = NULL, *partno = NULL;
	char *slash;
	int r;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	if (asprintf(&link, "/sys/dev/block/%s", majmin) < 0)
		return -ENOMEM;
	r = gp_root_resolve(root, link, &dir);
	if (r < 0)
		return r;
	/* Resolving names a missing path too: a device has a dev file. */
	if (!has_attr(root, dir, "dev"))
		return -ENODEV;
	if (depth == 0 && asprintf(&l->root_dev, "/dev/%s", base_name(dir)) < 0)
		return -ENOMEM;
	if (read_attr(root, dir, "partition", &partno) == 0) {
		if (depth == 0 || !l->root_partno)
			l->root_partno = (unsigned)strtoul(partno, NULL, 10);
		slash = strrchr(dir, '/');
		*slash = '\0';
		return add_disk(l, base_name(dir));
	}
	if (has_entries(root, dir, "slaves"))
		return walk_slaves(root, dir, l, depth);
	return add_disk(l, base_name(dir));
}

static int disk_size_from_sysfs(const struct gp_root *root, const char *name,
				uint64_t *ret)
{
	_cleanup_free_ char *dir = NULL, *sectors = NULL;
	unsigned long long n;
	char *end;
	int r;

	if (asprintf(&dir, "/sys/class/block/%s", name) < 0)
		return -ENOMEM;
	r = read_attr(root, dir, "size", &sectors);
	if (r < 0)
		return r;
	errno = 0;
	n = strtoull(sectors, &end, 10);
	if (errno || end == sectors || *end)
		return -EINVAL;
	*ret = n * SECTOR; /* sysfs counts 512-byte sectors, always */
	return 0;
}

/* The device of / in the live mount table, and the disks beneath it. */
static int find_live(const struct gp_root *root, struct gp_disk_layout *l)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	char majmin[32];
	dev_t dev;
	int r;

	r = load_table(root, "/proc/self/mountinfo", MOUNTINFO_MAX, &tb);
	if (r < 0)
		return asprintf(&l->why_none,
				"/proc/self/mountinfo cannot be "
				"read: %s",
				strerror(-r)) < 0
			       ? -ENOMEM
			       : 0;
	fs = find_target(tb, "/");
	l->root_from = "/proc/self/mountinfo";
	r = fs ? 0 : -ENOENT;
	if (r == 0)
		r = set_str(&l->root_source, mnt_fs_get_source(fs));
	if (r == 0)
		r = set_str(&l->root_fstype, mnt_fs_get_fstype(fs));
	dev = fs ? mnt_fs_get_devno(fs) : 0;
	mnt_unref_table(tb);
	if (r == -ENOENT)
		return asprintf(&l->why_none, "nothing is mounted on / in "
					      "/proc/self/mountinfo") < 0
			       ? -ENOMEM
			       : 0;
	if (r < 0)
		return r;
	/* Major 0: overlay, tmpfs, nfs, btrfs subvolumes: no disk. */
	if (major(dev) == 0)
		return asprintf(&l->why_none,
				"/ is %s (%s), not a partition "
				"of a disk",
				l->root_source ? l->root_source : "?",
				l->root_fstype ? l->root_fstype : "?") < 0
			       ? -ENOMEM
			       : 0;
	snprintf(majmin, sizeof(majmin), "%u:%u", major(dev), minor(dev));
	r = walk_dev(root, majmin, l, 0);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || l->n_disks == 0)
		return asprintf(&l->why_none, "/sys/dev/block/%s: %s", majmin,
				strerror(r < 0 ? -r : ENOENT)) < 0
			       ? -ENOMEM
			       : 0;
	if (asprintf(&l->disk, "/dev/%s", l->disks[0]) < 0)
		return -ENOMEM;
	l->how = "the device of / in /proc/self/mountinfo, through sysfs";
	return disk_size_from_sysfs(root, l->disks[0], &l->size) == -ENOMEM
		       ? -ENOMEM
		       : 0;
}

/* --- offline: / in the tree's fstab --------------------------------- */

/* "/dev/sda2", "/dev/nvme0n1p2", "/dev/xvda1": the partition number. */
static unsigned kernel_partno(const char *dev)
{
	size_t n = strlen(dev), digits = 0;

	if (strncmp(dev, "/dev/", 5) != 0 ||
	    strncmp(dev, "/dev/mapper/", 12) == 0 ||
	    strncmp(dev, "/dev/md", 7) == 0 || strncmp(dev, "/dev/dm-", 8) == 0)
		return 0;
	while (digits < n && isdigit((unsigned char)dev[n - 1 - digits]))
		digits++;
	if (digits == 0 || digits == n)
		return 0;
	/* nvme0n1 and mmcblk0 are whole disks; their partitions take a p. */
	if ((strncmp(dev, "/dev/nvme", 9) == 0 ||
	     strncmp(dev, "/dev/mmcblk", 11) == 0) &&
	    dev[n - 1 - digits] != 'p')
		return 0;
	return (unsigned)strtoul(dev + n - digits, NULL, 10);
}

static bool names_stack(const char *src)
{
	return strncmp(src, "/dev/mapper/", 12) == 0 ||
	       strncmp(src, "/dev/md", 7) == 0 ||
	       strncmp(src, "/dev/dm-", 8) == 0;
}

static int find_fstab_root(const struct gp_root *root, struct gp_disk_layout *l)
{
	struct gp_fstab fstab;
	struct libmnt_fs *fs;
	int r;

	r = gp_fstab_load(root, &fstab);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0; /* system_files reports a missing fstab */
	fs = find_target(fstab.table, "/");
	l->root_from = GP_FSTAB;
	r = 0;
	if (fs)
		r = set_str(&l->root_source, mnt_fs_get_source(fs));
	if (r == 0 && fs)
		r = set_str(&l->root_fstype, mnt_fs_get_fstype(fs));
	gp_fstab_done(&fstab);
	if (r == 0 && l->root_source && names_stack(l->root_source))
		r = set_str(&l->stack,
			    strncmp(l->root_source, "/dev/md", 7) == 0
				    ? "md RAID"
				    : "device-mapper (LVM or LUKS)");
	return r;
}

/* --- probing the disk ----------------------------------------------- */

/* Disk images libblkid cannot see into: say which, so the user converts. */
static const char *image_format(int fd)
{
	unsigned char head[512];

	if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head))
		return NULL;
	if (memcmp(head, "QFI\xfb", 4) == 0)
		return "qcow2";
	if (memcmp(head, "KDMV", 4) == 0 ||
	    memcmp(head, "# Disk Descriptor", 17) == 0)
		return "vmdk";
	if (memcmp(head + 64, "\x7f\x10\xda\xbe", 4) == 0)
		return "vdi";
	if (memcmp(head, "conectix", 8) == 0)
		return "vhd (dynamic)";
	if (memcmp(head, "vhdxfile", 8) == 0)
		return "vhdx";
	return NULL;
}

/* A fixed VHD is the raw disk plus a 512-byte footer: its size is below. */
static uint64_t vhd_fixed_size(int fd, uint64_t size)
{
	unsigned char foot[512];
	uint64_t current = 0;

	if (size < sizeof(foot) ||
	    pread(fd, foot, sizeof(foot), (off_t)(size - sizeof(foot))) !=
		    (ssize_t)sizeof(foot) ||
	    memcmp(foot, "conectix", 8) != 0)
		return size;
	for (int i = 0; i < 8; i++) /* "current size", big endian */
		current = current << 8 | foot[48 + i];
	return current && current <= size - sizeof(foot) ? current : size;
}

static void copy_value(blkid_probe pr, const char *name, char *buf, size_t n)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v)
		snprintf(buf, n, "%s", v);
}

/* The file system at @off (@size bytes) of the disk open at @fd. */
static void probe_superblock(int fd, uint64_t off, uint64_t size,
			     struct gp_partition *p)
{
	blkid_probe pr = blkid_new_probe();

	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off,
				   (blkid_loff_t)size) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(
			pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID |
				    BLKID_SUBLKS_LABEL);
		blkid_probe_enable_partitions(pr, 0);
		if (blkid_do_safeprobe(pr) == 0) {
			copy_value(pr, "TYPE", p->fstype, sizeof(p->fstype));
			copy_value(pr, "UUID", p->uuid, sizeof(p->uuid));
			copy_value(pr, "LABEL", p->label, sizeof(p->label));
		}
	}
	blkid_free_probe(pr);
}

static int read_partition(blkid_partition par, const char *table_id, bool gpt,
			  int fd, struct gp_partition *p)
{
	const char *s;

	*p = (struct gp_partition){0};
	p->partno = (unsigned)blkid_partition_get_partno(par);
	p->start = (uint64_t)blkid_partition_get_start(par) * SECTOR;
	p->size = (uint64_t)blkid_partition_get_size(par) * SECTOR;
	p->extended = blkid_partition_is_extended(par);
	if (gpt) {
		s = blkid_partition_get_type_string(par);
		snprintf(p->type, sizeof(p->type), "%s", s ? s : "");
		s = blkid_partition_get_uuid(par);
		snprintf(p->partuuid, sizeof(p->partuuid), "%s", s ? s : "");
		p->esp = strcasecmp(p->type, ESP_GUID) == 0;
	} else {
		int type = blkid_partition_get_type(par);

		snprintf(p->type, sizeof(p->type), "0x%02x", type);
		/* An MBR's PARTUUID is its disk signature and the number. */
		if (table_id)
			snprintf(p->partuuid, sizeof(p->partuuid), "%s-%02x",
				 table_id, p->partno);
		p->esp = type == 0xef;
	}
	if (!p->extended)
		probe_superblock(fd, p->start, p->size, p);
	return 0;
}

static int read_table(blkid_probe pr, int fd, struct gp_disk_layout *l)
{
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_parttable tab = ls ? blkid_partlist_get_table(ls) : NULL;
	const char *type, *id;
	bool gpt;
	int n;

	if (!tab)
		return 0; /* no partition table */
	type = blkid_parttable_get_type(tab);
	snprintf(l->table, sizeof(l->table), "%s", type ? type : "?");
	gpt = type && strcmp(type, "gpt") == 0;
	id = blkid_parttable_get_id(tab);
	n = blkid_partlist_numof_partitions(ls);
	if (n <= 0)
		return 0;
	l->parts = calloc((size_t)n, sizeof(*l->parts));
	if (!l->parts)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);

		if (par && read_partition(par, id, gpt, fd,
					  &l->parts[l->n_parts]) == 0)
			l->n_parts++;
	}
	return 0;
}

/* Partition table, partitions and their file systems of l->disk. */
static int probe_disk(struct gp_disk_layout *l)
{
	_cleanup_close_ int fd = -1;
	blkid_probe pr;
	const char *fmt;
	struct stat st;
	int r;

	fd = open(l->disk, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		l->probe_error = -errno;
		return 0;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		l->probe_error = -ENOTBLK;
		return 0;
	}
	pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		l->probe_error = -EIO;
		blkid_free_probe(pr);
		return 0;
	}
	if (S_ISBLK(st.st_mode) || !l->size)
		l->size = (uint64_t)blkid_probe_get_size(pr);
	if (S_ISREG(st.st_mode))
		l->size = vhd_fixed_size(fd, (uint64_t)st.st_size);
	fmt = image_format(fd);
	if (fmt) {
		blkid_free_probe(pr);
		return set_str(&l->image_format, fmt);
	}
	r = read_table(pr, fd, l);
	blkid_free_probe(pr);
	if (r == 0 && !l->table[0]) {
		/* A file system on the whole disk: one "partition" 0. */
		l->parts = calloc(1, sizeof(*l->parts));
		if (!l->parts)
			return -ENOMEM;
		l->n_parts = 1;
		l->parts[0].size = l->size;
		probe_superblock(fd, 0, l->size, &l->parts[0]);
	}
	return r;
}

const struct gp_partition *gp_disk_match(const struct gp_disk_layout *l,
					 const char *src)
{
	static const struct {
		const char *tag, *link;
		size_t off;
	} tags[] = {
		{"UUID=", "/dev/disk/by-uuid/",
		 offsetof(struct gp_partition, uuid)},
		{"LABEL=", "/dev/disk/by-label/",
		 offsetof(struct gp_partition, label)},
		{"PARTUUID=", "/dev/disk/by-partuuid/",
		 offsetof(struct gp_partition, partuuid)},
	};

	for (size_t t = 0; t < ARRAY_SIZE(tags); t++) {
		const char *want = NULL;

		if (strncmp(src, tags[t].tag, strlen(tags[t].tag)) == 0)
			want = src + strlen(tags[t].tag);
		else if (strncmp(src, tags[t].link, strlen(tags[t].link)) == 0)
			want = src + strlen(tags[t].link);
		if (!want)
			continue;
		if (*want == '"')
			want++;
		for (size_t i = 0; i < l->n_parts; i++) {
			const char *have =
				(const char *)&l->parts[i] + tags[t].off;
			size_t n = strcspn(want, "\"");

			if (*have && strlen(have) == n &&
			    strncasecmp(have, want, n) == 0)
				return &l->parts[i];
		}
		return NULL;
	}
	return kernel_partno(src) ? find_partno(l, kernel_partno(src)) : NULL;
}

int gp_disk_find(const struct gp_root *root, char *const *disks,
		 struct gp_disk_layout *l)
{
	int r;

	*l = (struct gp_disk_layout){0};
	if (disks[0]) {
		/* The user names the disk: / is what its fstab says. */
		r = find_fstab_root(root, l);
		if (r == 0)
			r = set_str(&l->disk, disks[0]);
		l->how = "--disk";
	} else if (gp_root_is_live(root)) {
		r = find_live(root, l);
	} else {
		r = find_fstab_root(root, l);
		if (r == 0)
			r = set_str(&l->why_none,
				    "an offline tree has no disk of "
				    "its own: give the image or "
				    "device with --disk");
	}
	if (r < 0 || !l->disk)
		return r;
	r = probe_disk(l);
	if (r < 0)
		return r;
	if (l->root_partno)
		l->root = find_partno(l, l->root_partno);
	else if (!l->table[0] && !l->stack && l->n_parts == 1 && l->n_disks)
		l->root = &l->parts[0]; /* live, / on the whole disk */
	else if (l->root_source && !l->stack)
		l->root = gp_disk_match(l, l->root_source);
	return 0;
}

/* --- the file system of / ------------------------------------------ */

/*
 * Where the superblock of / is: in the disk at the partition's offset,
 * or, live on a stacked device, at the start of that device.
 */
bool gp_disk_rootfs(const struct gp_disk_layout *l, struct gp_rootfs *ret)
{
	*ret = (struct gp_rootfs){0};
	if (l->root && !l->image_format && !l->probe_error) {
		ret->path = l->disk;
		ret->offset = l->root->start;
		ret->size = l->root->size;
		snprintf(ret->type, sizeof(ret->type), "%s", l->root->fstype);
		return true;
	}
	if (l->stack && l->root_dev && l->n_disks) {
		_cleanup_close_ int fd =
			open(l->root_dev, O_RDONLY | O_CLOEXEC);
		struct gp_partition p = {0};

		if (fd < 0)
			return false;
		probe_superblock(fd, 0, 0, &p);
		ret->path = l->root_dev;
		snprintf(ret->type, sizeof(ret->type), "%s", p.fstype);
		return true;
	}
	return false;
}

/* --- data disks ------------------------------------------------------ */

static bool pseudo_disk(const char *name)
{
	static const char *const prefixes[] = {
		"loop", "ram", "zram", "sr", "fd", "nbd",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

void gp_disk_data_free(struct gp_data_disk *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int add_data_disk(struct gp_data_disk **v, size_t *n, const char *name,
			 uint64_t size, int error)
{
	struct gp_data_disk *p;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return 0;
	p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	p[*n] = (struct gp_data_disk){
		.name = strdup(name), .size = size, .error = error};
	if (!p[*n].name)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Live: disks with a mounted file system that are not beneath /. */
static int mounted_data_disks(const struct gp_root *root,
			      const struct gp_disk_layout *sys,
			      struct gp_data_disk **v, size_t *n)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r = 0;

	if (load_table(root, "/proc/self/mountinfo", MOUNTINFO_MAX, &tb) < 0)
		return 0;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (r >= 0 && it && mnt_table_next_fs(tb, it, &fs) == 0) {
		dev_t dev = mnt_fs_get_devno(fs);
		struct gp_disk_layout l = {0};
		char majmin[32];

		if (major(dev) == 0)
			continue;
		snprintf(majmin, sizeof(majmin), "%u:%u", major(dev),
			 minor(dev));
		r = walk_dev(root, majmin, &l, 0);
		for (size_t i = 0; r >= 0 && i < l.n_disks; i++) {
			_cleanup_free_ char *path = NULL;
			bool system = false;
			uint64_t size = 0;

			for (size_t j = 0; j < sys->n_disks; j++)
				system |=
					strcmp(sys->disks[j], l.disks[i]) == 0;
			if (system || pseudo_disk(l.disks[i]))
				continue;
			if (asprintf(&path, "/dev/%s", l.disks[i]) < 0) {
				r = -ENOMEM;
				break;
			}
			r = disk_size_from_sysfs(root, l.disks[i], &size);
			if (r != -ENOMEM)
				r = add_data_disk(v, n, path, size,
						  r < 0 ? r : 0);
		}
		if (r != -ENOMEM)
			r = 0;
		gp_disk_layout_done(&l);
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

int gp_disk_size(const char *path, uint64_t *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	blkid_probe pr;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*ret = vhd_fixed_size(fd, (uint64_t)st.st_size);
		return image_format(fd) ? -EMEDIUMTYPE : 0;
	}
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	*ret = blkid_probe_set_device(pr, fd, 0, 0) == 0
		       ? (uint64_t)blkid_probe_get_size(pr)
		       : 0;
	blkid_free_probe(pr);
	return *ret ? 0 : -EIO;
}

int gp_disk_find_data(const struct gp_root *root, char *const *disks,
		      struct gp_data_disk **ret, size_t *ret_n)
{
	struct gp_data_disk *v = NULL;
	size_t n = 0;
	int r = 0;

	if (disks[0]) {
		for (size_t i = 1; disks[i] && r >= 0; i++) {
			uint64_t size = 0;
			int e = gp_disk_size(disks[i], &size);

			r = add_data_disk(&v, &n, disks[i], size, e);
		}
	} else if (gp_root_is_live(root)) {
		struct gp_disk_layout sys;

		r = gp_disk_find(root, disks, &sys);
		if (r >= 0)
			r = mounted_data_disks(root, &sys, &v, &n);
		gp_disk_layout_done(&sys);
	}
	if (r < 0) {
		gp_disk_data_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
