/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * system_files: the files the cloud's import process reads or edits.
 *
 * The importer identifies the release from /etc/issue*, reads /etc/fstab
 * and the bootloader configuration, and sets the root password in
 * /etc/shadow; a missing or unparseable file, or a shadow file that
 * cannot be written (immutable, append-only, on a read-only mount) makes
 * the import or the first boot fail.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guestprep/bootcfg.h"
#include "guestprep/macro.h"
#include "guestprep/mounts.h"
#include "guestprep/plugin.h"

#define SHADOW "/etc/shadow"

/* Report why @path could not be used, as a finding of @id. */
static struct gp_finding *emit_unusable(struct gp_ctx *ctx, const char *id,
					enum gp_status status, const char *path,
					int err)
{
	const char *why = err == -ENOENT ? "is missing" :
			  err == -EISDIR ? "is a directory" :
			  err == -EINVAL ? "is not a regular file" :
			  err == -EFBIG ? "is too large to be a real one" :
			  err == -ELOOP ? "is a symlink loop" : NULL;

	if (why)
		return gp_emit(ctx, id, status, "%s %s", path, why);
	return gp_emit(ctx, id, status, "%s cannot be read: %s", path,
		       strerror(-err));
}

static void first_line_evidence(struct gp_finding *f, const char *path,
				const char *text)
{
	size_t len = strcspn(text, "\n");

	gp_evidence(f, "%s: %.*s", path, (int)(len > 80 ? 80 : len), text);
}

static int check_issue(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_free_ char *text = NULL;
	struct gp_finding *f;
	size_t len;
	int r;

	r = gp_root_read_file(root, "/etc/issue", 64 * 1024, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f = emit_unusable(ctx, "system_files.issue",
				  gp_ctx_profile(ctx)->missing_issue,
				  "/etc/issue", r);
		gp_remedy(f, "restore /etc/issue from the distribution's "
			     "package (the cloud identifies the release by it)");
		return 0;
	}
	if (strspn(text, " \t\r\n") == len) {
		f = gp_emit(ctx, "system_files.issue", GP_WARN,
			    "/etc/issue is empty");
		gp_remedy(f, "restore /etc/issue from the distribution's "
			     "package");
		return 0;
	}
	f = gp_emit(ctx, "system_files.issue", GP_PASS, "/etc/issue is present");
	first_line_evidence(f, "/etc/issue", text);
	return 0;
}

static int check_fstab(struct gp_ctx *ctx)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	struct gp_finding *f;
	int r;

	r = gp_fstab_load(gp_ctx_root(ctx), &t);
	if (r == -ENOMEM || r == -EBADMSG)
		return r;
	if (r < 0) {
		f = emit_unusable(ctx, "system_files.fstab", GP_FAIL, GP_FSTAB,
				  r);
		gp_remedy(f, "restore %s: without it no file system but the "
			     "root is mounted", GP_FSTAB);
		return 0;
	}
	if (t.n_bad) {
		f = gp_emit(ctx, "system_files.fstab", GP_FAIL,
			    "%s has %zu line(s) that do not parse", GP_FSTAB,
			    t.n_bad);
		gp_evidence(f, "%s:%u: first line that does not parse",
			    GP_FSTAB, t.bad_lines[0]);
		gp_remedy(f, "correct or remove the malformed lines "
			     "(\"findmnt --verify\" explains each)");
		return 0;
	}
	f = gp_emit(ctx, "system_files.fstab", GP_PASS, "%s parses", GP_FSTAB);
	gp_evidence(f, "%s: %zu entries", GP_FSTAB, t.n_entries);
	return 0;
}

/* Judge the grub configuration at @path, which exists. */
static int judge_bootloader(struct gp_ctx *ctx, const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct gp_finding *f;
	size_t len = 0;
	int r;

	/* Present: it has to be a configuration grub can use. */
	r = gp_root_read_file(gp_ctx_root(ctx), path, 0, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && len > 0) {
		f = gp_emit(ctx, "system_files.bootloader", GP_PASS,
			    "bootloader configuration found");
		gp_evidence(f, "%s", path);
		return 0;
	}
	if (r == 0)
		f = gp_emit(ctx, "system_files.bootloader", GP_FAIL,
			    "%s is empty", path);
	else
		f = emit_unusable(ctx, "system_files.bootloader", GP_FAIL,
				  path, r);
	gp_evidence(f, "%s", path);
	gp_remedy(f, "regenerate it (grub2-mkconfig -o FILE or update-grub)");
	return 0;
}

static int check_bootloader(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_grub_configs_freep) struct gp_grub_config *configs = NULL;
	struct gp_finding *f;
	struct stat st;
	int r;

	/* Container Linux keeps its bootloader on its own partitions. */
	if (gp_ctx_host(ctx)->os.family == GP_FAMILY_COREOS) {
		gp_emit(ctx, "system_files.bootloader", GP_SKIP,
			"the bootloader lives outside the root file system");
		return 0;
	}
	r = gp_grub_configs(root, &configs);
	if (r < 0)
		return r;
	for (const struct gp_grub_config *c = configs; c->path; c++)
		if (gp_root_stat(root, c->path, false, &st) == 0)
			return judge_bootloader(ctx, c->path);

	f = gp_emit(ctx, "system_files.bootloader", GP_FAIL,
		    "no grub configuration was found");
	for (size_t i = 0; gp_grub_bios_configs[i]; i++)
		gp_evidence(f, "not a file: %s", gp_grub_bios_configs[i]);
	gp_evidence(f, "no %s/*/grub.cfg", GP_GRUB_EFI_DIR);
	gp_remedy(f, "install grub and generate its configuration "
		     "(grub2-mkconfig or update-grub); with /boot on its own "
		     "partition, mount it before checking");
	return 0;
}

/* /bin, /sbin, /lib: real directories, or merged-/usr links to them. */
static int check_dirs(struct gp_ctx *ctx)
{
	static const struct {
		const char *path;
		bool required;
	} dirs[] = {
		{ "/bin", true }, { "/sbin", true }, { "/lib", true },
		{ "/lib64", false }, { "/lib32", false },
	};
	const struct gp_root *root = gp_ctx_root(ctx);
	struct gp_finding *f = NULL;
	unsigned bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *target = NULL;
		const char *p = dirs[i].path;
		struct stat st;
		int r = gp_root_stat(root, p, true, &st);

		if (r == 0 && S_ISDIR(st.st_mode))
			continue;
		if (r == -ENOENT && !dirs[i].required &&
		    gp_root_stat(root, p, false, &st) < 0)
			continue;	/* absent, and not a broken link */
		if (!bad++)
			f = gp_emit(ctx, "system_files.dirs", GP_FAIL,
				    "system directories are missing or broken");
		if (gp_root_readlink(root, p, &target) == 0)
			gp_evidence(f, "%s -> %s: %s", p, target,
				    r < 0 ? strerror(-r) : "not a directory");
		else
			gp_evidence(f, "%s: %s", p,
				    r < 0 ? strerror(-r) : "not a directory");
	}
	if (bad) {
		gp_remedy(f, "restore the directories from the distribution "
			     "(the system cannot boot without them)");
		return 0;
	}
	gp_emit(ctx, "system_files.dirs", GP_PASS,
		"/bin, /sbin and /lib are present");
	return 0;
}

static void check_shadow_attrs(struct gp_ctx *ctx, FILE *file)
{
	struct gp_finding *f;
	int flags = 0;

	if (ioctl(fileno(file), FS_IOC_GETFLAGS, &flags) < 0) {
		gp_emit(ctx, "system_files.shadow.attributes", GP_PASS,
			"the file system keeps no immutable flags (%s)",
			strerror(errno));
		return;
	}
	if (!(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL))) {
		gp_emit(ctx, "system_files.shadow.attributes", GP_PASS,
			"%s is neither immutable nor append-only", SHADOW);
		return;
	}
	f = gp_emit(ctx, "system_files.shadow.attributes", GP_FAIL,
		    "%s is %s: the cloud cannot set the password", SHADOW,
		    flags & FS_IMMUTABLE_FL ? "immutable" : "append-only");
	gp_evidence(f, "lsattr %s: %s%s", SHADOW,
		    flags & FS_IMMUTABLE_FL ? "i" : "",
		    flags & FS_APPEND_FL ? "a" : "");
	gp_remedy(f, "chattr -i -a %s", SHADOW);
}

/* Whether the tree's fstab mounts @target read-only (offline trees). */
static bool fstab_mounts_ro(const struct gp_root *root, const char *target)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	struct libmnt_fs *fs;

	if (gp_fstab_load(root, &t) < 0)
		return false;
	fs = mnt_table_find_target(t.table, target, MNT_ITER_BACKWARD);
	return fs && mnt_fs_match_options(fs, "ro") == 1;
}

static void check_shadow_mount(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	struct gp_finding *f;
	struct statvfs sv;

	if (gp_root_is_live(root)) {
		if (gp_root_statvfs(root, "/etc", &sv) == 0 &&
		    (sv.f_flag & ST_RDONLY)) {
			f = gp_emit(ctx, "system_files.shadow.mount", GP_FAIL,
				    "/etc is on a read-only mount");
			gp_remedy(f, "mount the file system holding /etc "
				     "read-write (mount -o remount,rw)");
			return;
		}
	} else if (fstab_mounts_ro(root, "/") ||
		   fstab_mounts_ro(root, "/etc")) {
		f = gp_emit(ctx, "system_files.shadow.mount", GP_FAIL,
			    "%s mounts /etc read-only", GP_FSTAB);
		gp_remedy(f, "remove the \"ro\" option from that entry of %s",
			  GP_FSTAB);
		return;
	}
	gp_emit(ctx, "system_files.shadow.mount", GP_PASS,
		"/etc will be writable");
}

static int check_shadow(struct gp_ctx *ctx)
{
	_cleanup_fclose_ FILE *file = NULL;
	struct gp_finding *f;
	int r;

	r = gp_root_fopen(gp_ctx_root(ctx), SHADOW, &file);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f = emit_unusable(ctx, "system_files.shadow", GP_FAIL, SHADOW, r);
		gp_remedy(f, "restore %s (pwconv creates it from /etc/passwd)",
			  SHADOW);
		return 0;
	}
	gp_emit(ctx, "system_files.shadow", GP_PASS, "%s is present", SHADOW);
	check_shadow_attrs(ctx, file);
	check_shadow_mount(ctx);
	return 0;
}

static const struct gp_check system_files_checks[] = {
	{ .id = "system_files.issue",
	  .summary = "/etc/issue is present", .run = check_issue },
	{ .id = "system_files.fstab",
	  .summary = "/etc/fstab is present and parses",
	  .run = check_fstab },
	{ .id = "system_files.bootloader",
	  .summary = "a grub configuration is present",
	  .run = check_bootloader },
	{ .id = "system_files.dirs",
	  .summary = "/bin, /sbin, /lib* are present", .run = check_dirs },
	{ .id = "system_files.shadow",
	  .summary = "/etc/shadow is present and writable",
	  .run = check_shadow },
	{ 0 },
};

const struct gp_plugin system_files_plugin = {
	.name = "system_files",
	.summary = "files the import reads or edits are present and usable",
	.targets = GP_TARGET_LINUX,
	.checks = system_files_checks,
};
