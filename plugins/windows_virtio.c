/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows_virtio: the instance's disk and NIC are virtio devices, so Windows
 * needs the virtio-win drivers, the storage one loaded at boot.
 *
 *   windows_virtio.storage      the viostor (virtio-blk) or vioscsi
 *                               (virtio-scsi) service is installed with
 *                               Start = 0 (boot start) and the driver file
 *                               its ImagePath names exists; the fixer sets
 *                               Start = 0 when the file is there.
 *   windows_virtio.boot_device  before Windows 8 / 2012 (NT 6.2), a boot
 *                               driver is found for a controller Windows
 *                               has never seen only through
 *                               Control\CriticalDeviceDatabase: without an
 *                               entry for the virtio PCI ids there, the
 *                               first boot on a virtio disk stops with
 *                               INACCESSIBLE_BOOT_DEVICE (0x7B).
 *   windows_virtio.network      the netkvm service (virtio-net) is
 *                               installed; an instance without it has no
 *                               network.
 *
 * Services live under SYSTEM\CurrentControlSet\Services\NAME.  ImagePath
 * is relative to the Windows directory ("system32\DRIVERS\viostor.sys"),
 * or starts with \SystemRoot\, %SystemRoot%\ or a drive ("C:\..."); when
 * it is absent the driver is System32\drivers\NAME.sys.  NTFS does not
 * care about case, so the file is looked up whatever its case.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guestprep/plugin.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"

#define SERVICES "SYSTEM\\CurrentControlSet\\Services"
#define CURRENT_VERSION "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define START_BOOT 0

static const char *const storage_drivers[] = { "viostor", "vioscsi" };

/* --- files, whatever their case ------------------------------------ */

/* The entry of directory @dir whose name is @name but for case. */
static int find_entry(const struct gp_root *root, const char *dir,
		      const char *name, size_t len, char **ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	r = gp_root_opendir(root, *dir ? dir : "/", &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)))
		if (strlen(de->d_name) == len &&
		    strncasecmp(de->d_name, name, len) == 0) {
			*ret = strprintf("%s/%s", dir, de->d_name);
			return *ret ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

/*
 * Resolve @path ('\' or '/' separated, relative to the root) one
 * component at a time, case-insensitively: the path inside the root of
 * the regular file it names.
 */
static int find_file_nocase(const struct gp_root *root, const char *path,
			    char **ret)
{
	_cleanup_free_ char *cur = strdup("");
	const char *s = path;

	if (!cur)
		return -ENOMEM;
	while (*s) {
		size_t len = strcspn(s, "\\/");
		char *next = NULL;
		int r;

		if (len == 0 || (len == 1 && s[0] == '.')) {
			s += len + (s[len] ? 1 : 0);
			continue;
		}
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return -EINVAL;	/* not in a service's ImagePath */
		r = find_entry(root, cur, s, len, &next);
		if (r < 0)
			return r;
		free(cur);
		cur = next;
		s += len + (s[len] ? 1 : 0);
	}
	if (!gp_root_is_file(root, cur))
		return -ENOENT;
	*ret = TAKE_PTR(cur);
	return 0;
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The path inside the root of a service's driver, from its ImagePath
 * and the Windows directory @windir ("Windows", no drive).  Caller frees.
 */
static char *driver_path(const char *image, const char *name,
			 const char *windir)
{
	if (!image || !*image)
		return strprintf("%s/System32/drivers/%s.sys", windir, name);
	if (has_prefix_nocase(image, "\\??\\"))
		image += 4;
	if (has_prefix_nocase(image, "\\SystemRoot\\"))
		return strprintf("%s/%s", windir, image + 12);
	if (has_prefix_nocase(image, "%SystemRoot%\\"))
		return strprintf("%s/%s", windir, image + 13);
	if (((image[0] | 0x20) >= 'a' && (image[0] | 0x20) <= 'z') &&
	    image[1] == ':' && image[2] == '\\')
		return strdup(image + 3);
	if (image[0] == '\\')
		return strdup(image + 1);
	return strprintf("%s/%s", windir, image);
}

/* "Windows", or what SystemRoot names ("C:\WINNT" -> "WINNT"). */
static char *windows_dir(struct gp_winreg *reg)
{
	_cleanup_free_ char *root = NULL;

	if (gp_winreg_get_string(reg, CURRENT_VERSION, "SystemRoot", &root) ==
		    0 &&
	    strlen(root) > 3 && root[1] == ':' && root[2] == '\\' &&
	    !strchr(root + 3, '\\'))
		return strdup(root + 3);
	return strdup("Windows");
}

/* --- a driver's service --------------------------------------------- */

struct driver {
	const char *name;
	char *key;
	bool present;
	int have_start;		/* 1: Start read */
	uint32_t start;
	char *image;		/* ImagePath, or NULL */
	char *wanted;		/* where the file should be */
	char *file;		/* where it is, or NULL */
	char **evidence;
};

static void driver_done(struct driver *d)
{
	free(d->key);
	free(d->image);
	free(d->wanted);
	free(d->file);
	strv_free(d->evidence);
}

static void drivers_done(struct driver *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		driver_done(&d[i]);
}

static bool soft_error(int r)
{
	return r == -ENOENT || r == -EMEDIUMTYPE;
}

static const char *start_name(uint32_t start)
{
	static const char *const names[] = {
		"boot", "system", "automatic", "manual", "disabled",
	};

	return start < ARRAY_SIZE(names) ? names[start] : "unknown";
}

static int read_driver(const struct gp_root *root, struct gp_winreg *reg,
		       const char *windir, const char *name, struct driver *d)
{
	const char *src;
	int r;

	d->name = name;
	d->key = strprintf("%s\\%s", SERVICES, name);
	if (!d->key)
		return -ENOMEM;
	src = gp_winreg_source(reg, d->key);
	r = gp_winreg_get_dword(reg, d->key, "Start", &d->start);
	d->have_start = r == 0;
	if (r < 0 && !soft_error(r))
		return r;
	d->present = d->have_start || gp_winreg_key_exists(reg, d->key);
	if (!d->present)
		return strv_pushf(&d->evidence, "%s: no such key (%s)", d->key,
				  src);
	r = d->have_start ?
		    strv_pushf(&d->evidence, "%s: Start = %u (%s) (%s)",
			       d->key, d->start, start_name(d->start), src) :
		    strv_pushf(&d->evidence, "%s: Start is not set (%s)",
			       d->key, src);
	if (r < 0)
		return r;
	r = gp_winreg_get_string(reg, d->key, "ImagePath", &d->image);
	if (r < 0 && !soft_error(r))
		return r;
	if (d->image && strv_pushf(&d->evidence, "%s: ImagePath = \"%s\"",
				   d->key, d->image) < 0)
		return -ENOMEM;
	d->wanted = driver_path(d->image, name, windir);
	if (!d->wanted)
		return -ENOMEM;
	for (char *p = d->wanted; *p; p++)
		if (*p == '\\')
			*p = '/';
	r = find_file_nocase(root, d->wanted, &d->file);
	if (r == -ENOMEM)
		return r;
	if (d->file)
		return strv_pushf(&d->evidence, "driver file: %s", d->file);
	return strv_pushf(&d->evidence, "driver file: /%s is missing",
			  d->wanted);
}

static bool boots(const struct driver *d)
{
	return d->present && d->have_start && d->start == START_BOOT &&
	       d->file;
}

static void evidence_lines(struct gp_finding *f, const struct driver *d,
			   size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; d[i].evidence && d[i].evidence[k]; k++)
			gp_evidence(f, "%s", d[i].evidence[k]);
}

static int read_drivers(struct gp_ctx *ctx, struct gp_winreg *reg,
			const char *const *names, size_t n, struct driver *d)
{
	_cleanup_free_ char *windir = windows_dir(reg);
	int r = 0;

	if (!windir)
		return -ENOMEM;
	for (size_t i = 0; i < n && r >= 0; i++)
		r = read_driver(gp_ctx_root(ctx), reg, windir, names[i], &d[i]);
	return r;
}

/* --- windows_virtio.storage ----------------------------------------- */

static int check_storage(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_virtio.storage", "SYSTEM");
	struct driver d[ARRAY_SIZE(storage_drivers)] = { 0 };
	bool present = false, fixable = false;
	const struct driver *ok = NULL;
	struct gp_finding *f;
	int r;

	if (!reg)
		return 0;
	r = read_drivers(ctx, reg, storage_drivers, ARRAY_SIZE(d), d);
	if (r < 0) {
		drivers_done(d, ARRAY_SIZE(d));
		if (r == -ENOMEM)
			return r;
		gp_winreg_emit_unreadable(ctx, "windows_virtio.storage", reg,
					  SERVICES, r);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		present |= d[i].present;
		fixable |= d[i].present && d[i].file;
		if (!ok && boots(&d[i]))
			ok = &d[i];
	}
	if (ok) {
		f = gp_emit(ctx, "windows_virtio.storage", GP_PASS,
			    "the %s driver is installed and starts at boot",
			    ok->name);
	} else if (!present) {
		f = gp_emit(ctx, "windows_virtio.storage",
			    p->windows_virtio_storage,
			    "no virtio storage driver (viostor, vioscsi) is "
			    "installed: Windows cannot boot from a virtio "
			    "disk");
		gp_remedy(f, "install the virtio-win drivers (virtio-win.iso: "
			     "viostor for virtio-blk) before capturing the "
			     "image");
	} else if (fixable) {
		f = gp_emit(ctx, "windows_virtio.storage",
			    p->windows_virtio_storage,
			    "the virtio storage driver does not start at boot");
		gp_set_fixable(f, true);
		gp_remedy(f, "set the driver's Start to 0 (boot start), so "
			     "Windows loads it before it mounts the system "
			     "disk");
	} else {
		f = gp_emit(ctx, "windows_virtio.storage",
			    p->windows_virtio_storage,
			    "the virtio storage driver's service is there, its "
			    "driver file is not");
		gp_remedy(f, "reinstall the virtio-win storage driver "
			     "(viostor)");
	}
	evidence_lines(f, d, ARRAY_SIZE(d));
	drivers_done(d, ARRAY_SIZE(d));
	return 0;
}

static int fix_storage(struct gp_ctx *ctx)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	struct driver d[ARRAY_SIZE(storage_drivers)] = { 0 };
	int r;

	if (!reg)
		return -ENOENT;
	r = read_drivers(ctx, reg, storage_drivers, ARRAY_SIZE(d), d);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(d); i++)
		if (boots(&d[i]))
			goto out;	/* one boot driver is enough */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(d); i++)
		if (d[i].present && d[i].file)
			r = gp_winreg_plan_set_dword(ctx, reg, d[i].key,
						     "Start", START_BOOT,
						     "load the virtio storage "
						     "driver at boot");
out:
	drivers_done(d, ARRAY_SIZE(d));
	return r;
}

/* --- windows_virtio.boot_device ------------------------------------- */

#define CDD "SYSTEM\\CurrentControlSet\\Control\\CriticalDeviceDatabase"

/* Red Hat's PCI vendor, with the virtio block and SCSI device ids. */
static const char *const virtio_storage_ids[] = {
	"pci#ven_1af4&dev_1001", "pci#ven_1af4&dev_1042",	/* blk */
	"pci#ven_1af4&dev_1004", "pci#ven_1af4&dev_1048",	/* scsi */
};

static bool virtio_storage_id(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(virtio_storage_ids); i++)
		if (has_prefix_nocase(key, virtio_storage_ids[i]))
			return true;
	return false;
}

/* Whether this Windows is older than NT 6.2 (8 / 2012); 0 or -errno. */
static int before_nt62(struct gp_winreg *reg, bool *ret, char **ret_version)
{
	_cleanup_free_ char *version = NULL;
	uint32_t major;
	int r;

	/* Only 10 and later have it (and their CurrentVersion says 6.3). */
	r = gp_winreg_get_dword(reg, CURRENT_VERSION,
				"CurrentMajorVersionNumber", &major);
	if (r == 0) {
		*ret = false;
		*ret_version = strprintf("%u", major);
		return *ret_version ? 0 : -ENOMEM;
	}
	if (!soft_error(r))
		return r;
	r = gp_winreg_get_string(reg, CURRENT_VERSION, "CurrentVersion",
				 &version);
	if (r < 0)
		return r;
	*ret = gp_version_cmp(version, "6.2") < 0;
	*ret_version = TAKE_PTR(version);
	return 0;
}

/* The CriticalDeviceDatabase entries of virtio storage, as evidence. */
static int find_critical(struct gp_winreg *reg, char ***ev, bool *ret_found)
{
	_cleanup_(strv_freep) char **keys = NULL;
	int r = gp_winreg_subkeys(reg, CDD, &keys);

	*ret_found = false;
	if (r == -ENOENT)
		return 0;
	for (size_t i = 0; r == 0 && keys && keys[i]; i++) {
		_cleanup_free_ char *key = NULL, *service = NULL;

		if (!virtio_storage_id(keys[i]))
			continue;
		key = strprintf("%s\\%s", CDD, keys[i]);
		if (!key)
			return -ENOMEM;
		r = gp_winreg_get_string(reg, key, "Service", &service);
		if (soft_error(r)) {
			r = strv_pushf(ev, "%s: no Service", key);
			continue;
		}
		if (r < 0)
			return r;
		r = strv_pushf(ev, "%s: Service = \"%s\"", key, service);
		for (size_t k = 0; k < ARRAY_SIZE(storage_drivers); k++)
			*ret_found |= strcasecmp(service,
						 storage_drivers[k]) == 0;
	}
	return r;
}

static int check_boot_device(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_virtio.boot_device", "SYSTEM");
	_cleanup_(strv_freep) char **ev = NULL;
	_cleanup_free_ char *version = NULL;
	bool old = false, found = false;
	struct gp_finding *f;
	int r;

	if (!reg)
		return 0;
	r = before_nt62(reg, &old, &version);
	if (r == -ENOENT || r == -EMEDIUMTYPE) {
		gp_emit(ctx, "windows_virtio.boot_device", GP_SKIP,
			"the Windows release cannot be told");
		return 0;
	}
	if (r == 0 && !old) {
		gp_emit(ctx, "windows_virtio.boot_device", GP_SKIP,
			"NT %s (Windows 8 / Server 2012 and later) finds boot "
			"drivers without the critical device database",
			version);
		return 0;
	}
	if (r == 0)
		r = find_critical(reg, &ev, &found);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_virtio.boot_device",
					  reg, SERVICES, r);
		return 0;
	}
	f = gp_emit(ctx, "windows_virtio.boot_device",
		    found ? GP_PASS : p->windows_virtio_boot_device,
		    found ? "the critical device database maps the virtio "
			    "storage controller to its driver" :
			    "Windows %s has no critical device database entry "
			    "for the virtio storage controller: the first boot "
			    "on a virtio disk would stop with "
			    "INACCESSIBLE_BOOT_DEVICE", version);
	for (size_t i = 0; ev && ev[i]; i++)
		gp_evidence(f, "%s", ev[i]);
	if (!found) {
		gp_evidence(f, "%s: no pci#ven_1af4&dev_1001 (virtio-blk) or "
			       "dev_1004 (virtio-scsi) entry naming viostor or "
			       "vioscsi (%s)", CDD, gp_winreg_source(reg, CDD));
		gp_remedy(f, "boot the system once with a virtio disk attached "
			     "(a small second disk is enough), so Plug and Play "
			     "installs the controller, then capture the image; "
			     "or add the CriticalDeviceDatabase entries as "
			     "virt-v2v does");
	}
	return 0;
}

/* --- windows_virtio.network ----------------------------------------- */

static int check_network(struct gp_ctx *ctx)
{
	static const char *const names[] = { "netkvm" };
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_virtio.network", "SYSTEM");
	struct driver d[1] = { 0 };
	struct gp_finding *f;
	int r;

	if (!reg)
		return 0;
	r = read_drivers(ctx, reg, names, 1, d);
	if (r < 0) {
		drivers_done(d, 1);
		if (r == -ENOMEM)
			return r;
		gp_winreg_emit_unreadable(ctx, "windows_virtio.network", reg,
					  SERVICES, r);
		return 0;
	}
	if (d[0].present && d[0].file) {
		f = gp_emit(ctx, "windows_virtio.network", GP_PASS,
			    "the netkvm (virtio-net) driver is installed");
	} else {
		f = gp_emit(ctx, "windows_virtio.network",
			    p->windows_virtio_network,
			    d[0].present ? "the netkvm driver's service is "
					   "there, its driver file is not" :
					   "the netkvm (virtio-net) driver is "
					   "not installed: the instance would "
					   "have no network");
		gp_remedy(f, "install the virtio-win network driver (netkvm) "
			     "before capturing the image");
	}
	evidence_lines(f, d, 1);
	drivers_done(d, 1);
	return 0;
}

static const struct gp_check windows_virtio_checks[] = {
	{ .id = "windows_virtio.storage",
	  .summary = "the virtio storage driver (viostor or vioscsi) starts "
		     "at boot",
	  .run = check_storage,
	  .fix = fix_storage },
	{ .id = "windows_virtio.boot_device",
	  .summary = "before 2012: the critical device database lets Windows "
		     "boot from the virtio controller",
	  .run = check_boot_device },
	{ .id = "windows_virtio.network",
	  .summary = "the virtio network driver (netkvm) is installed",
	  .run = check_network },
	{ 0 },
};

const struct gp_plugin windows_virtio_plugin = {
	.name = "windows_virtio",
	.summary = "virtio-win storage and network drivers",
	.targets = GP_TARGET_WINDOWS,
	.checks = windows_virtio_checks,
};
