/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host facts (see include/guestprep/host.h).
 *
 * The operating system comes from the files in the root (osid.c).  The
 * architecture, kernel and boot mode come from the running system when
 * the root is the live "/", and otherwise from what an offline tree
 * holds: the ELF header of its shell, its newest module directory, its
 * boot loader files.
 */
#include "config.h"

#include <ctype.h>
#ifndef _WIN32
#include <elf.h>
#endif
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "guestprep/bootcfg.h"
#include "guestprep/host.h"
#include "guestprep/log.h"
#include "guestprep/macro.h"
#include "guestprep/profile.h"
#include "guestprep/root.h"
#include "osid.h"
#include "sys.h"
#include "util.h"
#ifdef _WIN32
#include "win32.h"
#endif

/* Older C libraries lack the newer machines; the numbers never change. */
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/* e_ident and e_type come first; e_machine ends at byte 20. */
#define ELF_HEAD_MIN 20

const char *gp_os_family_name(enum gp_os_family family)
{
	static const char *const names[] = {
		[GP_FAMILY_UNKNOWN] = "unknown",
		[GP_FAMILY_RHEL] = "rhel",
		[GP_FAMILY_DEBIAN] = "debian",
		[GP_FAMILY_SUSE] = "suse",
		[GP_FAMILY_COREOS] = "coreos",
		[GP_FAMILY_FREEBSD] = "freebsd",
		[GP_FAMILY_WINDOWS] = "windows",
		[GP_FAMILY_OTHER] = "other",
	};

	if ((unsigned)family >= ARRAY_SIZE(names) || !names[family])
		return "unknown";
	return names[family];
}

const char *gp_os_kind_name(enum gp_os_kind kind)
{
	static const char *const names[] = {
		[GP_KIND_UNKNOWN] = "unknown",
		[GP_KIND_LINUX] = "linux",
		[GP_KIND_WINDOWS] = "windows",
		[GP_KIND_FREEBSD] = "freebsd",
	};

	if ((unsigned)kind >= ARRAY_SIZE(names) || !names[kind])
		return "unknown";
	return names[kind];
}

const char *gp_boot_name(enum gp_boot boot)
{
	static const char *const names[] = {
		[GP_BOOT_UNKNOWN] = "unknown",
		[GP_BOOT_BIOS] = "bios",
		[GP_BOOT_UEFI] = "uefi",
	};

	if ((unsigned)boot >= ARRAY_SIZE(names) || !names[boot])
		return "unknown";
	return names[boot];
}

const char *gp_support_name(enum gp_support support)
{
	static const char *const names[] = {
		[GP_SUPPORT_UNKNOWN] = "unknown",
		[GP_SUPPORT_NO] = "no",
		[GP_SUPPORT_UNLISTED] = "unlisted-version",
		[GP_SUPPORT_YES] = "yes",
	};

	if ((unsigned)support >= ARRAY_SIZE(names) || !names[support])
		return "unknown";
	return names[support];
}

/*
 * windows: mingw.  guestprep.exe looks at the running Windows only (no
 * --root there) and asks Windows itself: agent/host-win32.c.
 */
#ifdef _WIN32
static int detect_machine(const struct gp_root *root, struct gp_host *host)
{
	return host_win32_machine(host);
}
#else
/* uname's machine in the words the import form uses ("i686" is "i386"). */
static const char *normalise_machine(const char *m)
{
	if (strlen(m) == 4 && m[0] == 'i' && m[1] >= '3' && m[1] <= '6' &&
	    strcmp(m + 2, "86") == 0)
		return "i386";
	if (strcmp(m, "amd64") == 0)
		return "x86_64";
	if (strcmp(m, "arm64") == 0)
		return "aarch64";
	if (strncmp(m, "armv", 4) == 0)
		return "arm";
	return m;
}

static int live_arch(char **ret)
{
	struct utsname u;
	int r = gp_sys_uname(&u);

	if (r < 0) {
		gp_debug("uname: %s", strerror(-r));
		return 0;
	}
	*ret = strdup(normalise_machine(u.machine));
	return *ret ? 0 : -ENOMEM;
}

static const char *machine_name(unsigned machine, bool is64, bool le)
{
	switch (machine) {
	case EM_386:
		return "i386";
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_PPC:
		return "ppc";
	case EM_PPC64:
		return le ? "ppc64le" : "ppc64";
	case EM_S390:
		return is64 ? "s390x" : "s390";
	case EM_MIPS:
		if (is64)
			return le ? "mips64el" : "mips64";
		return le ? "mipsel" : "mips";
	case EM_RISCV:
		return is64 ? "riscv64" : "riscv32";
	case EM_LOONGARCH:
		return "loongarch64";
	default:
		return NULL;
	}
}

static const char *elf_arch(const unsigned char *h, size_t len)
{
	bool is64, le;
	unsigned machine;

	if (len < ELF_HEAD_MIN || memcmp(h, ELFMAG, SELFMAG) != 0)
		return NULL;
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64)
		return NULL;
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return NULL;
	is64 = h[EI_CLASS] == ELFCLASS64;
	le = h[EI_DATA] == ELFDATA2LSB;
	/* e_machine is in the file's own byte order. */
	machine = le ? (unsigned)h[18] | (unsigned)h[19] << 8
		     : (unsigned)h[18] << 8 | (unsigned)h[19];
	return machine_name(machine, is64, le);
}

/*
 * The first bytes of a regular file.  The type is checked before opening
 * so that a FIFO planted at /bin/sh never blocks us, and again after.
 */
static int read_head(const struct gp_root *root, const char *path,
		     unsigned char *buf, size_t size, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t n;
	int r;

	r = gp_root_stat(root, path, true, &st);
	if (r < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	r = gp_root_open(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	do
		n = pread(fd, buf, size, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	*ret_len = (size_t)n;
	return 0;
}

/* Offline, the machine the tree's own programs were built for. */
static int offline_arch(const struct gp_root *root, char **ret)
{
	static const char *const programs[] = {
		"/bin/sh", "/usr/bin/env", "/sbin/init",
		"/bin/ls", "/usr/bin/ls",
	};

	for (size_t i = 0; i < ARRAY_SIZE(programs); i++) {
		unsigned char head[64];
		const char *arch;
		size_t len = 0;
		int r;

		r = read_head(root, programs[i], head, sizeof(head), &len);
		if (r < 0) {
			gp_debug("%s: %s", programs[i], strerror(-r));
			continue;
		}
		arch = elf_arch(head, len);
		if (!arch)
			continue;
		*ret = strdup(arch);
		return *ret ? 0 : -ENOMEM;
	}
	return 0;
}

/* Module directories are named by kernel release: "3.10.0-1160.el7.x86_64". */
static bool kernel_like(const char *name)
{
	return isdigit((unsigned char)name[0]) && strlen(name) < 128 &&
	       strspn(name,
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._+~-") == strlen(name);
}

static bool is_real_dir(const struct gp_root *root, const char *dir,
			const char *name)
{
	_cleanup_free_ char *path = strprintf("%s/%s", dir, name);
	struct stat st;

	return path && gp_root_stat(root, path, false, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Keep in *best the newest kernel release with a directory in @dir. */
static int newest_in(const struct gp_root *root, const char *dir, char **best)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	r = gp_root_opendir(root, dir, &d);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	while ((de = readdir(d))) {
		char *copy;

		if (!kernel_like(de->d_name) ||
		    (*best && gp_version_cmp(de->d_name, *best) <= 0) ||
		    !is_real_dir(root, dir, de->d_name))
			continue;
		copy = strdup(de->d_name);
		if (!copy)
			return -ENOMEM;
		free(*best);
		*best = copy;
	}
	return 0;
}

/* Offline, the newest kernel the tree has modules for. */
static int offline_kernel(const struct gp_root *root, char **ret)
{
	int r = newest_in(root, "/lib/modules", ret);

	/* Merged /usr makes these one directory; split trees have both. */
	return r < 0 ? r : newest_in(root, "/usr/lib/modules", ret);
}

static int live_kernel(char **ret)
{
	struct utsname u;
	int r = gp_sys_uname(&u);

	if (r < 0)
		return 0;
	*ret = strdup(u.release);
	return *ret ? 0 : -ENOMEM;
}

static bool is_efi_loader(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && strcasecmp(name + len - 4, ".efi") == 0) ||
	       strcmp(name, "grub.cfg") == 0;
}

/* Whether @dir (EFI/<vendor>) holds a loader or a grub2-efi config. */
static bool dir_has_loader(const struct gp_root *root, const char *dir)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, dir, &d) < 0)
		return false;
	while ((de = readdir(d)))
		if (is_efi_loader(de->d_name))
			return true;
	return false;
}

static bool esp_has_loader(const struct gp_root *root, const char *esp)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, esp, &d) < 0)
		return false;
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_name[0] == '.')
			continue;
		sub = strprintf("%s/%s", esp, de->d_name);
		if (sub && dir_has_loader(root, sub))
			return true;
	}
	return false;
}

/*
 * Offline there is no firmware to ask, so this is a heuristic: an EFI
 * loader on a mounted EFI system partition means UEFI, a BIOS GRUB
 * configuration means BIOS.  A hybrid image (CoreOS keeps its ESP at
 * /boot) or a tree whose ESP is not mounted may say neither: unknown.
 */
static enum gp_boot offline_boot(const struct gp_root *root)
{
	static const char *const esps[] = { GP_GRUB_EFI_DIR, "/efi/EFI" };

	for (size_t i = 0; i < ARRAY_SIZE(esps); i++)
		if (esp_has_loader(root, esps[i]))
			return GP_BOOT_UEFI;
	for (size_t i = 0; gp_grub_bios_configs[i]; i++)
		if (gp_root_exists(root, gp_grub_bios_configs[i]))
			return GP_BOOT_BIOS;
	return GP_BOOT_UNKNOWN;
}

static enum gp_boot live_boot(const struct gp_root *root)
{
	/* The kernel shows this directory only when booted by UEFI. */
	return gp_root_exists(root, "/sys/firmware/efi") ? GP_BOOT_UEFI
							 : GP_BOOT_BIOS;
}

static int detect_machine(const struct gp_root *root, struct gp_host *host)
{
	int r;

	if (host->live) {
		r = live_arch(&host->arch);
		if (r == 0)
			r = live_kernel(&host->kernel);
		host->boot = live_boot(root);
		return r;
	}
	r = offline_arch(root, &host->arch);
	/* windows: winreg.  No ELF programs there: the registry says. */
	if (r == 0 && !host->arch && host->os.kind == GP_KIND_WINDOWS)
		r = osid_windows_arch(root, &host->arch);
	if (r == 0)
		r = offline_kernel(root, &host->kernel);
	host->boot = offline_boot(root);
	return r;
}
#endif /* windows: mingw */

void gp_host_done(struct gp_host *host)
{
	if (!host)
		return;
	osid_done(&host->os);
	free(host->arch);
	free(host->kernel);
	*host = (struct gp_host){ 0 };
}

int gp_host_detect(const struct gp_root *root, struct gp_host *ret)
{
	struct gp_host host = { .live = gp_root_is_live(root) };
	int r;

	r = osid_detect(root, &host.os);
	if (r == 0)
		r = detect_machine(root, &host);
	if (r < 0) {
		gp_host_done(&host);
		return r;
	}
	*ret = host;
	return 0;
}
