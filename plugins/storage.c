/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storage: the system disk as the cloud will see it.  The import takes
 * one disk image and boots it only if its layout is one the cloud knows:
 * an MBR partition table, / on a single plain partition, a file system
 * it can mount (xfs, ext3, ext4 without the 64bit feature nor project
 * with quota), clean, on a disk between the profile's sizes.
 *
 * Where the facts come from:
 *   live      /proc/self/mountinfo names the device of /, sysfs walks it
 *             down through device-mapper and md to the disks beneath,
 *             and the disk /dev/NAME is probed;
 *   offline   the tree's /etc/fstab names /, and --disk gives the raw
 *             image or block device to probe (nothing to probe without);
 *   --disk    also live, to name the disk when sysfs cannot.
 * Partition tables and superblocks are read with libblkid at the
 * partition's offset in the disk, so an image needs no loop device; ext
 * superblocks are read with libext2fs.  Nothing is ever written.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <blkid.h>
#include <ext2fs/ext2fs.h>
#include <et/com_err.h>
#include <libmount.h>

#include "guestprep/plugin.h"

#define GIB (1024ull * 1024 * 1024)
#define SECTOR 512ull
#define MAX_DEPTH 8		/* dm on md on dm ...: enough for any stack */
#define SMALL_FILE (64u << 10)	/* sysfs attributes, mountinfo is larger */
#define MOUNTINFO_MAX (4u << 20)

static const char ESP_GUID[] = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";

/* --- what is known about the system disk --------------------------- */

struct part {
	unsigned partno;
	uint64_t start, size;		/* bytes */
	char type[40];			/* "0x83" or a GPT type GUID */
	char partuuid[40];
	char fstype[16], uuid[40], label[64];	/* from its superblock */
	bool esp, extended;
};

struct layout {
	char *disk;		/* what was probed: /dev/sda, or --disk */
	const char *how;	/* how it was found, for evidence */
	char *why_none;		/* when there is no disk to probe: why */
	uint64_t size;		/* bytes; 0: unknown */
	char *image_format;	/* a disk image libblkid cannot look into */
	int probe_error;	/* opening or probing the disk: -errno */
	char table[8];		/* "dos", "gpt"; "": none */
	struct part *parts;
	size_t n_parts;

	const char *root_from;	/* which mount table: mountinfo or fstab */
	char *root_source;	/* the mount table's name of / */
	char *root_fstype;	/* the mount table's type of / */
	char *root_dev;		/* live: the device node of / */
	unsigned root_partno;	/* live: from sysfs; 0: not a partition */
	const struct part *root;	/* the partition holding /, if known */
	char *stack;		/* "LVM", "LUKS", "md RAID (raid1)", ... */
	char **disks;		/* live: every disk beneath / */
	size_t n_disks;
};

static void layout_done(struct layout *l)
{
	free(l->disk);
	free(l->why_none);
	free(l->image_format);
	free(l->parts);
	free(l->root_source);
	free(l->root_fstype);
	free(l->root_dev);
	free(l->stack);
	for (size_t i = 0; i < l->n_disks; i++)
		free(l->disks[i]);
	free(l->disks);
	*l = (struct layout){ 0 };
}

static int set_str(char **field, const char *value)
{
	char *s = value ? strdup(value) : NULL;

	if (value && !s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static int add_disk(struct layout *l, const char *name)
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

static const struct part *find_partno(const struct layout *l,
				      unsigned partno)
{
	for (size_t i = 0; i < l->n_parts; i++)
		if (l->parts[i].partno == partno)
			return &l->parts[i];
	return NULL;
}

/* --- the mount tables ---------------------------------------------- */

/* Parse @path of the root (fstab or mountinfo: libmount tells them). */
static int load_table(const struct gp_root *root, const char *path,
		      size_t max, struct libmnt_table **ret)
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
		      struct layout *l)
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
		    struct layout *l, unsigned depth);

/* Each device beneath a stacked one (its "slaves" directory). */
static int walk_slaves(const struct gp_root *root, const char *dir,
		       struct layout *l, unsigned depth)
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
		    struct layout *l, unsigned depth)
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
	if (depth == 0 && asprintf(&l->root_dev, "/dev/%s",
				   base_name(dir)) < 0)
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
	*ret = n * SECTOR;	/* sysfs counts 512-byte sectors, always */
	return 0;
}

/* The device of / in the live mount table, and the disks beneath it. */
static int find_live(const struct gp_root *root, struct layout *l)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	char majmin[32];
	dev_t dev;
	int r;

	r = load_table(root, "/proc/self/mountinfo", MOUNTINFO_MAX, &tb);
	if (r < 0)
		return asprintf(&l->why_none, "/proc/self/mountinfo cannot be "
				"read: %s", strerror(-r)) < 0 ? -ENOMEM : 0;
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
				"/proc/self/mountinfo") < 0 ? -ENOMEM : 0;
	if (r < 0)
		return r;
	/* Major 0: overlay, tmpfs, nfs, btrfs subvolumes: no disk. */
	if (major(dev) == 0)
		return asprintf(&l->why_none, "/ is %s (%s), not a partition "
				"of a disk", l->root_source ? l->root_source :
				"?", l->root_fstype ? l->root_fstype : "?") < 0 ?
		       -ENOMEM : 0;
	snprintf(majmin, sizeof(majmin), "%u:%u", major(dev), minor(dev));
	r = walk_dev(root, majmin, l, 0);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || l->n_disks == 0)
		return asprintf(&l->why_none, "/sys/dev/block/%s: %s", majmin,
				strerror(r < 0 ? -r : ENOENT)) < 0 ? -ENOMEM : 0;
	if (asprintf(&l->disk, "/dev/%s", l->disks[0]) < 0)
		return -ENOMEM;
	l->how = "the device of / in /proc/self/mountinfo, through sysfs";
	return disk_size_from_sysfs(root, l->disks[0], &l->size) == -ENOMEM ?
	       -ENOMEM : 0;
}

/* --- offline: / in the tree's fstab --------------------------------- */

/* "/dev/sda2", "/dev/nvme0n1p2", "/dev/xvda1": the partition number. */
static unsigned kernel_partno(const char *dev)
{
	size_t n = strlen(dev), digits = 0;

	if (strncmp(dev, "/dev/", 5) != 0 || strncmp(dev, "/dev/mapper/", 12) == 0 ||
	    strncmp(dev, "/dev/md", 7) == 0 || strncmp(dev, "/dev/dm-", 8) == 0)
		return 0;
	while (digits < n && isdigit((unsigned char)dev[n - 1 - digits]))
		digits++;
	if (digits == 0 || digits == n)
		return 0;
	/* nvme0n1 and mmcblk0 are whole disks; their partitions take a p. */
	if ((strncmp(dev, "/dev/nvme", 9) == 0 ||
	     strncmp(dev, "/dev/mmcblk", 11) == 0) && dev[n - 1 - digits] != 'p')
		return 0;
	return (unsigned)strtoul(dev + n - digits, NULL, 10);
}

static bool names_stack(const char *src)
{
	return strncmp(src, "/dev/mapper/", 12) == 0 ||
	       strncmp(src, "/dev/md", 7) == 0 ||
	       strncmp(src, "/dev/dm-", 8) == 0;
}

static int find_fstab_root(const struct gp_root *root, struct layout *l)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	int r;

	r = load_table(root, "/etc/fstab", 0, &tb);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;	/* system_files reports a missing fstab */
	fs = find_target(tb, "/");
	l->root_from = "/etc/fstab";
	r = 0;
	if (fs)
		r = set_str(&l->root_source, mnt_fs_get_source(fs));
	if (r == 0 && fs)
		r = set_str(&l->root_fstype, mnt_fs_get_fstype(fs));
	mnt_unref_table(tb);
	if (r == 0 && l->root_source && names_stack(l->root_source))
		r = set_str(&l->stack, strncmp(l->root_source, "/dev/md", 7) == 0 ?
				       "md RAID" : "device-mapper (LVM or LUKS)");
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
	if (memcmp(head, "KDMV", 4) == 0 || memcmp(head, "# Disk Descriptor", 17) == 0)
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
	for (int i = 0; i < 8; i++)	/* "current size", big endian */
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
			     struct part *p)
{
	blkid_probe pr = blkid_new_probe();

	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off,
				   (blkid_loff_t)size) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
						  BLKID_SUBLKS_UUID |
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

static int read_partition(blkid_partition par, const char *table_id,
			  bool gpt, int fd, struct part *p)
{
	const char *s;

	*p = (struct part){ 0 };
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

static int read_table(blkid_probe pr, int fd, struct layout *l)
{
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_parttable tab = ls ? blkid_partlist_get_table(ls) : NULL;
	const char *type, *id;
	bool gpt;
	int n;

	if (!tab)
		return 0;	/* no partition table */
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

		if (par && read_partition(par, id, gpt, fd, &l->parts[l->n_parts]) == 0)
			l->n_parts++;
	}
	return 0;
}

/* Partition table, partitions and their file systems of l->disk. */
static int probe_disk(struct layout *l)
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

/* Which partition fstab's name for / is. */
static const struct part *match_source(const struct layout *l, const char *src)
{
	static const struct {
		const char *tag, *link;
		size_t off;
	} tags[] = {
		{ "UUID=", "/dev/disk/by-uuid/", offsetof(struct part, uuid) },
		{ "LABEL=", "/dev/disk/by-label/", offsetof(struct part, label) },
		{ "PARTUUID=", "/dev/disk/by-partuuid/",
		  offsetof(struct part, partuuid) },
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
			const char *have = (const char *)&l->parts[i] + tags[t].off;
			size_t n = strcspn(want, "\"");

			if (*have && strlen(have) == n &&
			    strncasecmp(have, want, n) == 0)
				return &l->parts[i];
		}
		return NULL;
	}
	return kernel_partno(src) ? find_partno(l, kernel_partno(src)) : NULL;
}

/* Everything the checks need, from the live system or --disk. */
static int find_layout(struct gp_ctx *ctx, struct layout *l)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	char *const *disks = gp_ctx_disks(ctx);
	int r;

	*l = (struct layout){ 0 };
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
			r = set_str(&l->why_none, "an offline tree has no disk of "
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
		l->root = &l->parts[0];	/* live, / on the whole disk */
	else if (l->root_source && !l->stack)
		l->root = match_source(l, l->root_source);
	return 0;
}

/* --- the file system of / ------------------------------------------ */

struct rootfs {
	const char *path;	/* what to open: the disk or the device of / */
	uint64_t offset, size;
	char type[16];		/* from its superblock; "" unknown */
};

/*
 * Where the superblock of / is: in the disk at the partition's offset,
 * or, live on a stacked device, at the start of that device.
 */
static bool find_rootfs(const struct layout *l, struct rootfs *ret)
{
	*ret = (struct rootfs){ 0 };
	if (l->root && !l->image_format && !l->probe_error) {
		ret->path = l->disk;
		ret->offset = l->root->start;
		ret->size = l->root->size;
		snprintf(ret->type, sizeof(ret->type), "%s", l->root->fstype);
		return true;
	}
	if (l->stack && l->root_dev && l->n_disks) {
		_cleanup_close_ int fd = open(l->root_dev, O_RDONLY | O_CLOEXEC);
		struct part p = { 0 };

		if (fd < 0)
			return false;
		probe_superblock(fd, 0, 0, &p);
		ret->path = l->root_dev;
		snprintf(ret->type, sizeof(ret->type), "%s", p.fstype);
		return true;
	}
	return false;
}

static bool is_ext(const char *type)
{
	return strcmp(type, "ext2") == 0 || strcmp(type, "ext3") == 0 ||
	       strcmp(type, "ext4") == 0;
}

/* Read-only and superblock-only: the file system may be mounted. */
static errcode_t open_ext(const struct rootfs *fs, ext2_filsys *ret)
{
	char options[64];

	snprintf(options, sizeof(options), "offset=%" PRIu64, fs->offset);
	return ext2fs_open2(fs->path, options,
			    EXT2_FLAG_64BITS | EXT2_FLAG_SUPER_ONLY |
			    EXT2_FLAG_SKIP_MMP | EXT2_FLAG_IGNORE_CSUM_ERRORS |
			    EXT2_FLAG_FORCE, 0, 0, unix_io_manager, ret);
}

/* The ext features the profile may name, and how to test each. */
static bool has_feature(struct ext2_super_block *sb, const char *name)
{
	static const struct {
		const char *name;
		int (*test)(struct ext2_super_block *);
	} features[] = {
		{ "64bit", ext2fs_has_feature_64bit },
		{ "project", ext2fs_has_feature_project },
		{ "quota", ext2fs_has_feature_quota },
		{ "metadata_csum", ext2fs_has_feature_metadata_csum },
		{ "huge_file", ext2fs_has_feature_huge_file },
		{ "flex_bg", ext2fs_has_feature_flex_bg },
		{ "extent", ext2fs_has_feature_extents },
		{ "encrypt", ext2fs_has_feature_encrypt },
		{ "casefold", ext2fs_has_feature_casefold },
		{ "inline_data", ext2fs_has_feature_inline_data },
		{ "bigalloc", ext2fs_has_feature_bigalloc },
		{ "meta_bg", ext2fs_has_feature_meta_bg },
		{ "orphan_file", ext2fs_has_feature_orphan_file },
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
static bool no_disk(struct gp_ctx *ctx, const char *id, const struct layout *l)
{
	bool primary = strcmp(id, "storage.system_disk") == 0;
	struct gp_finding *f;

	if (!primary && l->disk && (l->image_format || l->probe_error)) {
		gp_emit(ctx, id, GP_SKIP, "%s cannot be read (see "
			"storage.system_disk)", l->disk);
		return true;
	}
	if (!l->disk) {
		f = gp_emit(ctx, id, GP_SKIP, "no disk to inspect");
		gp_evidence(f, "%s", l->why_none ? l->why_none : "unknown");
		return true;
	}
	if (l->image_format) {
		f = gp_emit(ctx, id, GP_ERROR, "%s is a %s image, which is read "
			    "only as a raw disk", l->disk, l->image_format);
		gp_remedy(f, "convert it (qemu-img convert -O raw) or attach it "
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
	_cleanup_(layout_done) struct layout l;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "storage.system_disk", &l))
		return 0;
	f = gp_emit(ctx, "storage.system_disk", GP_PASS, "the system disk is %s",
		    l.disk);
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
	_cleanup_(layout_done) struct layout l;
	enum gp_status status = GP_PASS;
	uint64_t gib, enter;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	/* Live, sysfs knows the size of a disk that cannot be opened. */
	if ((!l.size || l.image_format) && no_disk(ctx, "storage.disk_size", &l))
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
		    "%u GiB): enter %" PRIu64 " GiB at import", gib,
		    p->system_disk_min_gib, p->system_disk_max_gib, enter);
	size_evidence(f, l.disk, l.size);
	if (status != GP_PASS && gib > p->system_disk_max_gib)
		gp_remedy(f, "shrink the file systems and the partitions so the "
			     "disk fits in %u GiB, or move data to a data disk",
			  p->system_disk_max_gib);
	else if (status != GP_PASS)
		gp_remedy(f, "import with a system disk of %u GiB, then grow the "
			     "partition and file system of / (growpart, "
			     "resize2fs or xfs_growfs)", p->system_disk_min_gib);
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
	_cleanup_(layout_done) struct layout l;
	enum gp_status status = GP_PASS;
	const char *want = p->partition_tables ? p->partition_tables[0] : NULL;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (no_disk(ctx, "storage.partition_table", &l))
		return 0;
	if (!gp_strv_contains(p->partition_tables, l.table[0] ? l.table : "none"))
		status = GP_FAIL;
	f = gp_emit(ctx, "storage.partition_table", status,
		    "the system disk's partition table is %s", table_name(l.table));
	gp_evidence(f, "libblkid on %s: %zu partitions", l.disk, l.n_parts);
	for (size_t i = 0; i < l.n_parts; i++) {
		const struct part *pt = &l.parts[i];

		gp_evidence(f, "partition %u: start %" PRIu64 " MiB, %" PRIu64
			       " MiB, type %s%s%s", pt->partno,
			    pt->start >> 20, pt->size >> 20, pt->type,
			    pt->fstype[0] ? ", " : "", pt->fstype);
	}
	if (status != GP_PASS)
		gp_remedy(f, "the cloud boots %s disks: convert the table "
			     "(gdisk's r, g: GPT to MBR, with at most 4 "
			     "partitions) before capturing the disk",
			  want ? table_name(want) : "other");
	return 0;
}

static bool fstab_mounts(const struct gp_root *root, const char *target)
{
	struct libmnt_table *tb = NULL;
	bool found;

	if (load_table(root, "/etc/fstab", 0, &tb) < 0)
		return false;
	found = find_target(tb, target) != NULL;
	mnt_unref_table(tb);
	return found;
}

static int check_uefi(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const struct gp_host *host = gp_ctx_host(ctx);
	_cleanup_(layout_done) struct layout l;
	const struct part *esp = NULL;
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
		    uefi ? "the system boots with UEFI" :
			   "the system boots with a BIOS");
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
	_cleanup_(layout_done) struct layout l;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (l.n_disks > 1 || l.stack) {
		f = gp_emit(ctx, "storage.root_partition", p->multiple_partitions,
			    "/ is on %s%s%s", l.stack ? l.stack : "",
			    l.stack && l.n_disks > 1 ? ", " : "",
			    l.n_disks > 1 ? "several disks" : "");
		if (l.root_source)
			gp_evidence(f, "/ is %s", l.root_source);
		for (size_t i = 0; i < l.n_disks; i++)
			gp_evidence(f, "beneath /: %s", l.disks[i]);
		if (p->multiple_partitions != GP_PASS)
			gp_remedy(f, "the cloud supports / on a single plain "
				     "partition of the system disk: move / off "
				     "the volume manager before capturing the disk");
		return 0;
	}
	if (l.root_partno && !l.root) {
		/* Live: sysfs knows the partition of a disk that cannot
		 * be read; the table's checks say the rest. */
		f = gp_emit(ctx, "storage.root_partition", GP_PASS,
			    "/ is partition %u of %s", l.root_partno, l.disk);
		gp_evidence(f, "from sysfs: %s is %s", l.root_dev, l.root_source ?
			    l.root_source : "/");
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
			    l.root_source ? l.root_source : "no / in /etc/fstab");
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
	static const char *const system_dirs[] = { "/usr", "/var" };
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
	f = gp_emit(ctx, "storage.separate_mounts", status, n ?
		    "system directories are on partitions of their own" :
		    "/usr and /var are on the root file system");
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
	_cleanup_(layout_done) struct layout l;
	struct rootfs fs;
	const char *type = NULL, *source = NULL;
	struct gp_finding *f;
	int r = find_layout(ctx, &l);

	if (r < 0)
		return r;
	if (find_rootfs(&l, &fs) && fs.type[0]) {
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
	_cleanup_(layout_done) struct layout l;
	struct gp_finding *f;
	struct rootfs fs;
	errcode_t err;
	int r = find_layout(ctx, &l);

	*ret = NULL;
	if (r < 0)
		return r;
	if (!find_rootfs(&l, &fs)) {
		if (!no_disk(ctx, id, &l))
			gp_emit(ctx, id, GP_SKIP, "the partition of / was not "
				"found on %s", l.disk);
		return 0;
	}
	if (!is_ext(fs.type)) {
		gp_emit(ctx, id, GP_SKIP, "the root file system is %s, not ext",
			fs.type[0] ? fs.type : "unknown");
		return 0;
	}
	err = open_ext(&fs, ret);
	if (err) {
		f = gp_emit(ctx, id, GP_ERROR, "cannot read the ext superblock "
			    "of /: %s", error_message(err));
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
	f = gp_emit(ctx, "storage.ext4_features", status, status == GP_PASS ?
		    "the root file system has no feature the cloud refuses" :
		    "the root file system has features the cloud refuses");
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
	f = gp_emit(ctx, "storage.fs_clean", status, status == GP_PASS ?
		    "the root file system is clean" :
		    "the root file system has errors or was not checked");
	gp_evidence(f, "superblock state 0x%x (%s%s), %u errors recorded",
		    sb->s_state, sb->s_state & EXT2_VALID_FS ? "clean" : "not clean",
		    sb->s_state & EXT2_ERROR_FS ? ", with errors" : "",
		    sb->s_error_count);
	if (status != GP_PASS)
		gp_remedy(f, "check it with e2fsck -f (from a rescue system, or "
			     "touch /forcefsck and reboot) before capturing the "
			     "disk");
	ext2fs_close_free(&fs);
	return 0;
}

/* --- data disks ------------------------------------------------------ */

struct data_disk {
	char *name;		/* /dev/sdb or the --disk path */
	uint64_t size;
	int error;
};

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

static int add_data_disk(struct data_disk **v, size_t *n, const char *name,
			 uint64_t size, int error)
{
	struct data_disk *p;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return 0;
	p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	p[*n] = (struct data_disk){ .name = strdup(name), .size = size,
				    .error = error };
	if (!p[*n].name)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Live: disks with a mounted file system that are not beneath /. */
static int live_data_disks(const struct gp_root *root, const struct layout *sys,
			   struct data_disk **v, size_t *n)
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
		struct layout l = { 0 };
		char majmin[32];

		if (major(dev) == 0)
			continue;
		snprintf(majmin, sizeof(majmin), "%u:%u", major(dev), minor(dev));
		r = walk_dev(root, majmin, &l, 0);
		for (size_t i = 0; r >= 0 && i < l.n_disks; i++) {
			_cleanup_free_ char *path = NULL;
			bool system = false;
			uint64_t size = 0;

			for (size_t j = 0; j < sys->n_disks; j++)
				system |= strcmp(sys->disks[j], l.disks[i]) == 0;
			if (system || pseudo_disk(l.disks[i]))
				continue;
			if (asprintf(&path, "/dev/%s", l.disks[i]) < 0) {
				r = -ENOMEM;
				break;
			}
			r = disk_size_from_sysfs(root, l.disks[i], &size);
			if (r != -ENOMEM)
				r = add_data_disk(v, n, path, size, r < 0 ? r : 0);
		}
		if (r != -ENOMEM)
			r = 0;
		layout_done(&l);
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

static int image_size(const char *path, uint64_t *ret)
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
	*ret = blkid_probe_set_device(pr, fd, 0, 0) == 0 ?
	       (uint64_t)blkid_probe_get_size(pr) : 0;
	blkid_free_probe(pr);
	return *ret ? 0 : -EIO;
}

static void judge_data_disk(struct gp_ctx *ctx, const struct data_disk *d,
			    enum gp_status *worst)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	uint64_t gib = gib_up(d->size);
	enum gp_status status = GP_PASS;
	struct gp_finding *f;

	if (d->error) {
		f = gp_emit(ctx, "storage.data_disks", GP_ERROR,
			    "cannot size data disk %s: %s", d->name,
			    d->error == -EMEDIUMTYPE ? "not a raw image" :
			    strerror(-d->error));
		*worst = GP_ERROR > *worst ? GP_ERROR : *worst;
		return;
	}
	if (gib > p->data_disk_max_gib)
		status = GP_FAIL;
	else if (gib < p->data_disk_min_gib)
		status = p->data_disk_small;
	f = gp_emit(ctx, "storage.data_disks", status, "data disk %s is %" PRIu64
		    " GiB (the cloud takes %u to %u GiB)", d->name, gib,
		    p->data_disk_min_gib, p->data_disk_max_gib);
	size_evidence(f, d->name, d->size);
	if (gib > p->data_disk_max_gib)
		gp_remedy(f, "split the data over disks of at most %u GiB",
			  p->data_disk_max_gib);
	else if (status != GP_PASS)
		gp_remedy(f, "import it as a %u GiB data disk", p->data_disk_min_gib);
	*worst = status > *worst ? status : *worst;
}

static int check_data_disks(struct gp_ctx *ctx)
{
	char *const *disks = gp_ctx_disks(ctx);
	struct data_disk *v = NULL;
	enum gp_status worst = GP_PASS;
	size_t n = 0;
	int r = 0;

	if (disks[0]) {
		for (size_t i = 1; disks[i] && r >= 0; i++) {
			uint64_t size = 0;
			int e = image_size(disks[i], &size);

			r = add_data_disk(&v, &n, disks[i], size, e);
		}
	} else if (gp_root_is_live(gp_ctx_root(ctx))) {
		struct layout sys;

		r = find_layout(ctx, &sys);
		if (r >= 0)
			r = live_data_disks(gp_ctx_root(ctx), &sys, &v, &n);
		layout_done(&sys);
	}
	for (size_t i = 0; r >= 0 && i < n; i++)
		judge_data_disk(ctx, &v[i], &worst);
	if (r >= 0 && n == 0)
		gp_emit(ctx, "storage.data_disks", GP_PASS, disks[0] ||
			gp_root_is_live(gp_ctx_root(ctx)) ? "no data disk" :
			"no data disk given (--disk again for each)");
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return r < 0 ? r : 0;
}

static const struct gp_check storage_checks[] = {
	{ .id = "storage.system_disk",
	  .summary = "the disk that holds / is found and readable",
	  .run = check_system_disk },
	{ .id = "storage.disk_size",
	  .summary = "the system disk's size is within the cloud's range",
	  .run = check_disk_size },
	{ .id = "storage.partition_table",
	  .summary = "the system disk has the partition table the cloud boots",
	  .run = check_partition_table },
	{ .id = "storage.uefi",
	  .summary = "the system boots the way the cloud starts images",
	  .run = check_uefi },
	{ .id = "storage.root_partition",
	  .summary = "/ is a single plain partition of the system disk",
	  .run = check_root_partition },
	{ .id = "storage.separate_mounts",
	  .summary = "/usr and /var are not separate partitions",
	  .run = check_separate_mounts },
	{ .id = "storage.filesystem",
	  .summary = "the root file system is of a type the cloud mounts",
	  .run = check_filesystem },
	{ .id = "storage.ext4_features",
	  .summary = "the root ext4 has no feature the cloud refuses",
	  .run = check_ext_features },
	{ .id = "storage.fs_clean",
	  .summary = "the root file system is clean, without recorded errors",
	  .run = check_fs_clean },
	{ .id = "storage.data_disks",
	  .summary = "each data disk's size is within the cloud's range",
	  .run = check_data_disks },
	{ 0 },
};

const struct gp_plugin storage_plugin = {
	.name = "storage",
	.summary = "partitions, file systems and disk sizes the cloud accepts",
	.targets = GP_TARGET_LINUX,
	.checks = storage_checks,
};
