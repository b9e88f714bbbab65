/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host identification: every distribution fixture, with each resolver
 * of the root module; trees built at run time for what git cannot hold
 * (FIFOs, sparse files) and for hostile or odd layouts; the live system.
 *
 * The machine running the tests is itself a Linux system with release
 * files: a tree whose links escaped the root would be identified as the
 * host, so "unknown" is the answer that proves confinement.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "guestprep/host.h"
#include "guestprep/macro.h"
#include "guestprep/root.h"
#include "root-internal.h"

struct expect {
	const char *tree;
	enum gp_os_kind kind;
	enum gp_os_family family;
	const char *id;
	const char *version;
	const char *pretty;
	const char *source;
	const char *arch;
	const char *kernel;
	enum gp_boot boot;
	const char *note;	/* a note must contain this; NULL: no notes */
};

#define LINUX GP_KIND_LINUX
#define BIOS GP_BOOT_BIOS

static const struct expect distros[] = {
	{ "centos6", LINUX, GP_FAMILY_RHEL, "centos", "6.10",
	  "CentOS release 6.10 (Final)", "/etc/centos-release", "x86_64",
	  "2.6.32-754.el6.x86_64", BIOS, NULL },
	{ "centos7", LINUX, GP_FAMILY_RHEL, "centos", "7.9.2009",
	  "CentOS Linux 7 (Core)", "/etc/os-release", "x86_64",
	  "3.10.0-1160.el7.x86_64", BIOS, NULL },
	{ "oracle7", LINUX, GP_FAMILY_RHEL, "ol", "7.9",
	  "Oracle Linux Server 7.9", "/etc/os-release", "x86_64",
	  "5.4.17-2011.6.2.el7uek.x86_64", BIOS, NULL },
	{ "aliyun", LINUX, GP_FAMILY_RHEL, "alinux", "2.1903",
	  "Alibaba Cloud Linux (Aliyun Linux) 2.1903 LTS (Hunting Beagle)",
	  "/etc/os-release", "x86_64", "4.19.91-22.al7.x86_64", BIOS, NULL },
	{ "ubuntu1404", LINUX, GP_FAMILY_DEBIAN, "ubuntu", "14.04.6",
	  "Ubuntu 14.04.6 LTS", "/etc/os-release", "i386",
	  "3.13.0-170-generic", BIOS, NULL },
	{ "ubuntu1804", LINUX, GP_FAMILY_DEBIAN, "ubuntu", "18.04.5",
	  "Ubuntu 18.04.5 LTS", "/etc/os-release", "x86_64",
	  "4.15.0-112-generic", GP_BOOT_UEFI, NULL },
	{ "debian7", LINUX, GP_FAMILY_DEBIAN, "debian", "7.11",
	  "Debian GNU/Linux 7 (wheezy)", "/etc/os-release", "x86_64",
	  "3.2.0-4-amd64", BIOS, NULL },
	{ "sles12", LINUX, GP_FAMILY_SUSE, "sles", "12.3",
	  "SUSE Linux Enterprise Server 12 SP3", "/etc/os-release", "x86_64",
	  "4.4.73-5-default", BIOS, NULL },
	{ "sles12-sp-mismatch", LINUX, GP_FAMILY_SUSE, "sles", "12.4",
	  "SUSE Linux Enterprise Server 12 SP4", "/etc/os-release", "x86_64",
	  "4.12.14-94.41-default", BIOS, "/etc/SuSE-release says 12.3" },
	{ "opensuse131", LINUX, GP_FAMILY_SUSE, "opensuse", "13.1",
	  "openSUSE 13.1 (Bottle) (x86_64)", "/etc/os-release", "x86_64",
	  "3.11.6-4-default", BIOS, NULL },
	{ "coreos", LINUX, GP_FAMILY_COREOS, "coreos", "1911.3.0",
	  "Container Linux by CoreOS 1911.3.0 (Rhyolite)", "/etc/os-release",
	  "x86_64", "4.14.78-coreos", GP_BOOT_UNKNOWN, NULL },
	{ "unsupported", LINUX, GP_FAMILY_OTHER, "arch", NULL, "Arch Linux",
	  "/etc/os-release", "x86_64", "5.10.16-arch1-1", BIOS, NULL },
	{ "dangling-os-release", LINUX, GP_FAMILY_DEBIAN, "debian", "10.13",
	  NULL, "/etc/debian_version", "x86_64", "4.19.0-21-amd64", BIOS,
	  "symlink to ../usr/lib/os-release" },
	{ "custom-issue", GP_KIND_UNKNOWN, GP_FAMILY_UNKNOWN, NULL, NULL, NULL,
	  NULL, NULL, NULL, GP_BOOT_UNKNOWN, NULL },
	/* Hives of tests/windows/mkhives (windows: winreg). */
#ifdef HAVE_HIVEX
	{ "windows", GP_KIND_WINDOWS, GP_FAMILY_WINDOWS, "windows", "10.0.17763",
	  "Windows Server 2019 Datacenter", "/Windows/System32/config/SOFTWARE",
	  "x86_64", NULL, GP_BOOT_UNKNOWN, NULL },
#else
	/* Built without hivex: by its layout only (see test_winreg_none). */
	{ "windows", GP_KIND_WINDOWS, GP_FAMILY_WINDOWS, "windows", NULL, NULL,
	  "/Windows/System32/config/SOFTWARE", NULL, NULL, GP_BOOT_UNKNOWN,
	  "without hivex" },
#endif
	{ "freebsd", GP_KIND_FREEBSD, GP_FAMILY_FREEBSD, "freebsd",
	  "12.1-RELEASE-p3", "FreeBSD 12.1-RELEASE-p3", "/bin/freebsd-version",
	  "x86_64", NULL, GP_BOOT_UNKNOWN, NULL },
};

/* ---- helpers */

static void assert_str(const char *actual, const char *expected)
{
	if (!expected) {
		if (actual)
			fail_msg("expected NULL, got \"%s\"", actual);
		return;
	}
	if (!actual)
		fail_msg("expected \"%s\", got NULL", expected);
	assert_string_equal(actual, expected);
}

static bool has_note(const struct gp_host *host, const char *text)
{
	for (size_t i = 0; host->os.notes && host->os.notes[i]; i++)
		if (strstr(host->os.notes[i], text))
			return true;
	return false;
}

static void detect(const char *dir, bool fallback, struct gp_host *ret)
{
	struct gp_root *root = NULL;

	assert_int_equal(gp_root_new(dir, &root), 0);
	if (fallback)
		root_force_fallback(root);
	assert_int_equal(gp_host_detect(root, ret), 0);
	gp_root_free(root);
}

static void expect_unknown(const struct gp_host *host)
{
	assert_int_equal(host->os.kind, GP_KIND_UNKNOWN);
	assert_int_equal(host->os.family, GP_FAMILY_UNKNOWN);
	assert_null(host->os.id);
	assert_null(host->os.version);
	assert_null(host->os.source);
}

/* Trees built at run time, removed by tree_free(). */
static char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp)
		tmp = "/tmp";
	assert_true(asprintf(&dir, "%s/test_host.XXXXXX", tmp) > 0);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static char *tree_path(const char *tree, const char *path)
{
	char *full;

	assert_true(asprintf(&full, "%s/%s", tree, path) > 0);
	return full;
}

static void mkdir_parents(char *full)
{
	for (char *p = strchr(full + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(full, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
}

static void tree_write_n(const char *tree, const char *path, const void *data,
			 size_t len)
{
	char *full = tree_path(tree, path);
	FILE *f;

	mkdir_parents(full);
	f = fopen(full, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(full);
}

static void tree_write(const char *tree, const char *path, const char *text)
{
	tree_write_n(tree, path, text, strlen(text));
}

static void tree_symlink(const char *tree, const char *path, const char *target)
{
	char *full = tree_path(tree, path);

	mkdir_parents(full);
	assert_int_equal(symlink(target, full), 0);
	free(full);
}

static void tree_mkdir(const char *tree, const char *path)
{
	char *full = tree_path(tree, path);

	mkdir_parents(full);
	assert_int_equal(mkdir(full, 0755), 0);
	free(full);
}

static void tree_mkfifo(const char *tree, const char *path)
{
	char *full = tree_path(tree, path);

	mkdir_parents(full);
	assert_int_equal(mkfifo(full, 0644), 0);
	free(full);
}

static int remove_one(const char *path, const struct stat *st _unused_,
		      int flag _unused_, struct FTW *ftw _unused_)
{
	return remove(path);
}

static void tree_free(char *tree)
{
	assert_int_equal(nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(tree);
}

/* Detect a tree with each resolver; @check looks at each result. */
static void detect_tree(const char *tree,
			void (*check)(const struct gp_host *host))
{
	for (int fallback = 0; fallback <= 1; fallback++) {
		struct gp_host host = { 0 };

		detect(tree, fallback, &host);
		check(&host);
		gp_host_done(&host);
	}
}

/* ---- the fixtures */

static void test_distro(void **state)
{
	const struct expect *e = *state;
	char *dir;

	assert_true(asprintf(&dir, "%s/distros/%s", FIXTURES_DIR, e->tree) > 0);
	for (int fallback = 0; fallback <= 1; fallback++) {
		struct gp_host host = { 0 };

		detect(dir, fallback, &host);
		assert_false(host.live);
		assert_int_equal(host.os.kind, e->kind);
		assert_int_equal(host.os.family, e->family);
		assert_str(host.os.id, e->id);
		assert_str(host.os.version, e->version);
		assert_str(host.os.pretty, e->pretty);
		assert_str(host.os.source, e->source);
		assert_str(host.arch, e->arch);
		assert_str(host.kernel, e->kernel);
		assert_int_equal(host.boot, e->boot);
		if (e->note && !has_note(&host, e->note))
			fail_msg("%s: no note contains \"%s\"", e->tree,
				 e->note);
		if (!e->note && host.os.notes)
			fail_msg("%s: unexpected note \"%s\"", e->tree,
				 host.os.notes[0]);
		gp_host_done(&host);
	}
	free(dir);
}

/* ---- escapes: the host's own files must never be read */

static void check_unknown_noted(const struct gp_host *host)
{
	expect_unknown(host);
	assert_non_null(host->os.notes);
	assert_null(host->arch);
	assert_null(host->kernel);
}

static void test_escape_absolute(void **state _unused_)
{
	char *tree = tree_new();

	tree_symlink(tree, "etc/os-release", "/../../../../../etc/os-release");
	detect_tree(tree, check_unknown_noted);
	tree_free(tree);
}

static void test_escape_relative(void **state _unused_)
{
	char *tree = tree_new();

	tree_symlink(tree, "etc/os-release",
		     "../../../../../../etc/os-release");
	detect_tree(tree, check_unknown_noted);
	tree_free(tree);
}

/* Links to files the host has and the tree lacks. */
static void test_escape_to_host_files(void **state _unused_)
{
	char *tree = tree_new();

	tree_symlink(tree, "usr/lib/os-release",
		     "../../../../../../../../etc/os-release");
	tree_symlink(tree, "etc/debian_version",
		     "/../../../../../../usr/lib/os-release");
	tree_symlink(tree, "etc/centos-release",
		     "/../../../etc/debian_version");
	tree_symlink(tree, "etc/lsb-release", "../../../../../etc/hostname");
	tree_symlink(tree, "etc/issue", "/../../../../../../etc/issue.net");
	tree_symlink(tree, "bin", "/../../../../../bin");
	tree_symlink(tree, "lib", "../../../../../../../lib");
	tree_symlink(tree, "boot", "../../../../../../boot");
	detect_tree(tree, check_unknown_noted);
	tree_free(tree);
}

static void test_os_release_loop(void **state _unused_)
{
	char *tree = tree_new();

	tree_symlink(tree, "etc/os-release", "os-release");
	detect_tree(tree, check_unknown_noted);
	tree_free(tree);
}

static void test_os_release_fifo(void **state _unused_)
{
	char *tree = tree_new();

	tree_mkfifo(tree, "etc/os-release");
	tree_mkfifo(tree, "bin/sh");
	/* Opening a FIFO for reading would wait for a writer forever. */
	alarm(20);
	detect_tree(tree, check_unknown_noted);
	alarm(0);
	tree_free(tree);
}

static void test_os_release_directory(void **state _unused_)
{
	char *tree = tree_new();

	tree_mkdir(tree, "etc/os-release");
	detect_tree(tree, check_unknown_noted);
	tree_free(tree);
}

static void test_os_release_huge(void **state _unused_)
{
	char *tree = tree_new();
	char *full = tree_path(tree, "etc/os-release");
	struct timespec t0, t1;
	int fd;

	tree_write(tree, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	fd = open(full, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	/* Ten megabytes that take no room: refused by size, never read. */
	assert_int_equal(ftruncate(fd, 10 << 20), 0);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	detect_tree(tree, check_unknown_noted);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	free(full);
	tree_free(tree);
}

/* An unreadable /etc/os-release counts as missing: /usr/lib's is used. */
static void check_fallback(const struct gp_host *host)
{
	assert_str(host->os.id, "fedora");
	assert_str(host->os.version, "39");
	assert_str(host->os.source, "/usr/lib/os-release");
	assert_int_equal(host->os.family, GP_FAMILY_RHEL);
	assert_true(has_note(host, "/etc/os-release"));
}

static void test_os_release_fallback(void **state _unused_)
{
	char *tree = tree_new();

	tree_mkfifo(tree, "etc/os-release");
	tree_write(tree, "usr/lib/os-release",
		   "NAME=\"Fedora Linux\"\nVERSION_ID=39\nID=fedora\n");
	detect_tree(tree, check_fallback);
	tree_free(tree);
}

/* A guest's text reaches terminals: escapes are defused, bad IDs refused. */
static void check_hostile(const struct gp_host *host)
{
	assert_str(host->os.id, "debian");
	assert_null(host->os.version);
	assert_true(has_note(host, "invalid VERSION_ID"));
	assert_non_null(host->os.pretty);
	assert_null(strchr(host->os.pretty, '\033'));
	assert_int_equal(host->os.family, GP_FAMILY_DEBIAN);
}

static void test_hostile_text(void **state _unused_)
{
	char *tree = tree_new();

	tree_write(tree, "etc/os-release",
		   "ID=Debian\nVERSION_ID=\"12; rm -rf /\"\n"
		   "PRETTY_NAME=\"\033[2J\033]0;pwned\007Debian\"\n");
	detect_tree(tree, check_hostile);
	tree_free(tree);
}

static void check_bad_id(const struct gp_host *host)
{
	expect_unknown(host);
	assert_true(has_note(host, "invalid ID"));
}

static void test_invalid_id(void **state _unused_)
{
	char *tree = tree_new();

	tree_write(tree, "etc/os-release", "ID=\"../../etc\"\nVERSION_ID=1\n");
	detect_tree(tree, check_bad_id);
	tree_free(tree);
}

/* ---- older layouts, without os-release */

struct layout {
	const char *files[4][2];	/* path, content */
	const char *id;
	const char *version;
	const char *source;
	bool banner;			/* identified from /etc/issue */
};

static const struct layout layouts[] = {
	/* CentOS 5 has only a redhat-release. */
	{ { { "etc/redhat-release", "CentOS release 5.11 (Final)\n" } },
	  "centos", "5.11", "/etc/redhat-release", false },
	/* Oracle Linux 6: oracle-release wins over the Red Hat text. */
	{ { { "etc/redhat-release",
	      "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n" },
	    { "etc/oracle-release", "Oracle Linux Server release 6.10\n" } },
	  "ol", "6.10", "/etc/oracle-release", false },
	{ { { "etc/redhat-release",
	      "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n" } },
	  "rhel", "6.10", "/etc/redhat-release", false },
	{ { { "etc/SuSE-release", "SUSE Linux Enterprise Server 11 (x86_64)\n"
				  "VERSION = 11\nPATCHLEVEL = 4\n" } },
	  "sles", "11.4", "/etc/SuSE-release", false },
	{ { { "etc/system-release", "Amazon Linux AMI release 2018.03\n" } },
	  "amzn", "2018.03", "/etc/system-release", false },
	/* Ubuntu 10.04 has lsb-release only; the description is precise. */
	{ { { "etc/lsb-release",
	      "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.04\n"
	      "DISTRIB_CODENAME=lucid\n"
	      "DISTRIB_DESCRIPTION=\"Ubuntu 10.04.4 LTS\"\n" },
	    { "etc/debian_version", "squeeze/sid\n" } },
	  "ubuntu", "10.04.4", "/etc/lsb-release", false },
	{ { { "etc/debian_version", "6.0.10\n" } },
	  "debian", "6.0.10", "/etc/debian_version", false },
	/* FreeBSD 13 generates os-release at boot: offline it dangles. */
	{ { { "bin/freebsd-version",
	      "#!/bin/sh\nUSERLAND_VERSION=\"13.0-RELEASE\"\n" } },
	  "freebsd", "13.0-RELEASE", "/bin/freebsd-version", false },
	{ { { "etc/issue",
	      "CentOS release 6.10 (Final)\nKernel \\r on an \\m\n" } },
	  "centos", "6.10", "/etc/issue", true },
	{ { { "etc/issue", "\nWelcome to SUSE Linux Enterprise Server 11 SP4  "
			   "(x86_64) - Kernel \\r (\\l).\n" } },
	  "sles", "11.4", "/etc/issue", true },
	{ { { "etc/issue", "Debian GNU/Linux 8 \\n \\l\n" } },
	  "debian", "8", "/etc/issue", true },
	/* Banners that name a distribution without a release: unknown. */
	{ { { "etc/issue", "Welcome to CentOS\n" } }, NULL, NULL, NULL, false },
	{ { { "etc/issue", "Ubuntu servers of ACME 2024\n" } },
	  NULL, NULL, NULL, false },
	{ { { "etc/issue", "\\S\nKernel \\r on an \\m\n" } },
	  NULL, NULL, NULL, false },
};

static void test_layouts(void **state _unused_)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout *l = &layouts[i];
		char *tree = tree_new();
		struct gp_host host = { 0 };

		for (size_t f = 0; f < 4 && l->files[f][0]; f++)
			tree_write(tree, l->files[f][0], l->files[f][1]);
		if (l->id && strcmp(l->id, "freebsd") == 0)
			tree_symlink(tree, "etc/os-release",
				     "../var/run/os-release");
		detect(tree, false, &host);
		assert_str(host.os.id, l->id);
		assert_str(host.os.version, l->version);
		assert_str(host.os.source, l->source);
		assert_int_equal(has_note(&host, "banner"), l->banner);
		gp_host_done(&host);
		tree_free(tree);
	}
}

/* ---- architecture, kernel and boot of offline trees */

static void write_elf(const char *tree, const char *path, unsigned char cls,
		      unsigned char data, unsigned machine)
{
	unsigned char h[64] = { 0x7f, 'E', 'L', 'F', cls, data, 1 };

	h[16] = 2;	/* ET_EXEC */
	h[data == 1 ? 18 : 19] = machine & 0xff;
	h[data == 1 ? 19 : 18] = machine >> 8;
	tree_write_n(tree, path, h, sizeof(h));
}

static void test_elf_arch(void **state _unused_)
{
	static const struct {
		unsigned char cls, data;
		unsigned machine;
		const char *arch;
	} cases[] = {
		{ 2, 1, 62, "x86_64" },	 { 1, 1, 3, "i386" },
		{ 2, 1, 183, "aarch64" }, { 1, 1, 40, "arm" },
		{ 2, 1, 21, "ppc64le" }, { 2, 2, 21, "ppc64" },
		{ 2, 2, 22, "s390x" },	 { 2, 1, 243, "riscv64" },
		{ 2, 1, 9999, NULL },	 { 3, 1, 62, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tree = tree_new();
		struct gp_host host = { 0 };

		write_elf(tree, "usr/bin/env", cases[i].cls, cases[i].data,
			  cases[i].machine);
		/* A script at /bin/sh is skipped, not misread. */
		tree_write(tree, "bin/sh", "#!/bin/busybox sh\n");
		detect(tree, false, &host);
		assert_str(host.arch, cases[i].arch);
		gp_host_done(&host);
		tree_free(tree);
	}
}

static void check_kernel(const struct gp_host *host)
{
	assert_str(host->kernel, "3.10.0-1160.el7.x86_64");
}

static void test_kernel_order(void **state _unused_)
{
	char *tree = tree_new();

	tree_mkdir(tree, "lib/modules/3.10.0-957.el7.x86_64");
	tree_mkdir(tree, "lib/modules/3.10.0-1160.el7.x86_64");
	tree_mkdir(tree, "lib/modules/3.10.0-123.el7.x86_64");
	/* Not kernels: a non-directory, a link, a name without a release. */
	tree_write(tree, "lib/modules/9.9.9", "");
	tree_symlink(tree, "lib/modules/9.0.0", "3.10.0-957.el7.x86_64");
	tree_mkdir(tree, "lib/modules/extramodules-9.9-ARCH");
	tree_mkdir(tree, "usr/lib/modules/3.10.0-1127.el7.x86_64");
	detect_tree(tree, check_kernel);
	tree_free(tree);
}

static void test_boot(void **state _unused_)
{
	static const struct {
		const char *file;
		enum gp_boot boot;
	} cases[] = {
		{ "efi/EFI/systemd/systemd-bootx64.efi", GP_BOOT_UEFI },
		{ "boot/efi/EFI/centos/grub.cfg", GP_BOOT_UEFI },
		{ "boot/efi/EFI/centos/fonts/unicode.pf2", GP_BOOT_UNKNOWN },
		{ "boot/grub2/grub.cfg", GP_BOOT_BIOS },
		{ "boot/grub/menu.lst", GP_BOOT_BIOS },
		{ "etc/hostname", GP_BOOT_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tree = tree_new();
		struct gp_host host = { 0 };

		tree_write(tree, cases[i].file, "");
		detect(tree, true, &host);
		assert_int_equal(host.boot, cases[i].boot);
		gp_host_done(&host);
		tree_free(tree);
	}
}

/* ---- the live system: the running kernel decides */

static const char *expected_machine(const char *m)
{
	if (strcmp(m, "i486") == 0 || strcmp(m, "i586") == 0 ||
	    strcmp(m, "i686") == 0)
		return "i386";
	if (strncmp(m, "armv", 4) == 0)
		return "arm";
	return m;
}

static void test_live(void **state _unused_)
{
	struct gp_host host = { 0 };
	struct utsname u;
	struct stat st;

	assert_int_equal(uname(&u), 0);
	detect("/", false, &host);
	assert_true(host.live);
	assert_str(host.arch, expected_machine(u.machine));
	assert_str(host.kernel, u.release);
	assert_int_equal(host.boot, stat("/sys/firmware/efi", &st) == 0 ?
					    GP_BOOT_UEFI :
					    GP_BOOT_BIOS);
	gp_host_done(&host);
}

/* ---- names */

static void test_names(void **state _unused_)
{
	assert_string_equal(gp_os_family_name(GP_FAMILY_RHEL), "rhel");
	assert_string_equal(gp_os_family_name(GP_FAMILY_DEBIAN), "debian");
	assert_string_equal(gp_os_family_name(GP_FAMILY_SUSE), "suse");
	assert_string_equal(gp_os_family_name(GP_FAMILY_COREOS), "coreos");
	assert_string_equal(gp_os_family_name(GP_FAMILY_FREEBSD), "freebsd");
	assert_string_equal(gp_os_family_name(GP_FAMILY_WINDOWS), "windows");
	assert_string_equal(gp_os_family_name(GP_FAMILY_OTHER), "other");
	assert_string_equal(gp_os_family_name(GP_FAMILY_UNKNOWN), "unknown");
	assert_string_equal(gp_os_family_name(99), "unknown");
	assert_string_equal(gp_os_kind_name(GP_KIND_LINUX), "linux");
	assert_string_equal(gp_os_kind_name(GP_KIND_WINDOWS), "windows");
	assert_string_equal(gp_os_kind_name(GP_KIND_FREEBSD), "freebsd");
	assert_string_equal(gp_os_kind_name(GP_KIND_UNKNOWN), "unknown");
	assert_string_equal(gp_boot_name(GP_BOOT_BIOS), "bios");
	assert_string_equal(gp_boot_name(GP_BOOT_UEFI), "uefi");
	assert_string_equal(gp_boot_name(GP_BOOT_UNKNOWN), "unknown");
	assert_string_equal(gp_support_name(GP_SUPPORT_YES), "yes");
	assert_string_equal(gp_support_name(GP_SUPPORT_NO), "no");
	assert_string_equal(gp_support_name(GP_SUPPORT_UNLISTED),
			    "unlisted-version");
	assert_string_equal(gp_support_name(GP_SUPPORT_UNKNOWN), "unknown");
}

static void test_done_twice(void **state _unused_)
{
	struct gp_host host = { 0 };

	gp_host_done(&host);
	gp_host_done(&host);
	gp_host_done(NULL);
}

#define TEST(f) { #f, f, NULL, NULL, NULL }

static const struct CMUnitTest others[] = {
	TEST(test_escape_absolute),
	TEST(test_escape_relative),
	TEST(test_escape_to_host_files),
	TEST(test_os_release_loop),
	TEST(test_os_release_fifo),
	TEST(test_os_release_directory),
	TEST(test_os_release_huge),
	TEST(test_os_release_fallback),
	TEST(test_hostile_text),
	TEST(test_invalid_id),
	TEST(test_layouts),
	TEST(test_elf_arch),
	TEST(test_kernel_order),
	TEST(test_boot),
	TEST(test_live),
	TEST(test_names),
	TEST(test_done_twice),
};

int main(void)
{
	enum { N_DISTROS = sizeof(distros) / sizeof(distros[0]),
	       N_OTHERS = sizeof(others) / sizeof(others[0]) };
	struct CMUnitTest tests[N_DISTROS + N_OTHERS];

	/* One test per fixture, named after it. */
	for (size_t i = 0; i < N_DISTROS; i++)
		tests[i] = (struct CMUnitTest){
			.name = distros[i].tree,
			.test_func = test_distro,
			.initial_state = (void *)&distros[i],
		};
	memcpy(tests + N_DISTROS, others, sizeof(others));
	return _cmocka_run_group_tests("host", tests, N_DISTROS + N_OTHERS,
				       NULL, NULL);
}
