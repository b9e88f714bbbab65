/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The os plugin on the distribution fixtures and on trees built here. */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "harness.h"
#include "util.h"

static void expect(const char *fixture, const char *id, enum gp_status status)
{
	struct harness *h = harness_fixture(fixture, "os");

	harness_expect(h, id, status);
	harness_free(h);
}

static void test_identified(void **state)
{
	expect("distros/centos7", "os.identified", GP_PASS);
	expect("distros/centos6", "os.identified", GP_PASS);
	expect("distros/windows", "os.identified", GP_PASS);
	expect("distros/custom-issue", "os.identified", GP_FAIL);
}

static void test_identified_evidence(void **state)
{
	struct harness *h = harness_fixture("distros/sles12-sp-mismatch", "os");

	harness_expect(h, "os.identified", GP_PASS);
	harness_expect_evidence(h, "os.identified", "/etc/os-release");
	/* The disagreement between the files is shown, not hidden. */
	assert_true(harness_find(h, "os.identified")->n_evidence >= 2);
	harness_free(h);
}

static void test_unknown_severity_from_profile(void **state)
{
	char *dir = strprintf("%s/distros/custom-issue", FIXTURES_DIR);
	const char *set[] = { "os.unknown=warn", NULL };
	struct harness *h = harness_run(dir, "os", set);

	harness_expect(h, "os.identified", GP_WARN);
	harness_expect(h, "os.platform", GP_SKIP);
	harness_free(h);
	free(dir);
}

static void test_platform(void **state)
{
	expect("distros/centos7", "os.platform", GP_PASS);
	expect("distros/ubuntu1404", "os.platform", GP_PASS);
	expect("distros/coreos", "os.platform", GP_PASS);
	expect("distros/aliyun", "os.platform", GP_PASS);
	expect("distros/freebsd", "os.platform", GP_PASS);
	/* Debian 10: a listed platform, an unlisted release. */
	expect("distros/dangling-os-release", "os.platform", GP_WARN);
	/* Oracle Linux and Arch: no platform of their own. */
	expect("distros/oracle7", "os.platform", GP_FAIL);
	expect("distros/unsupported", "os.platform", GP_FAIL);
	expect("distros/custom-issue", "os.platform", GP_SKIP);
	/* No Windows platform in the profile yet: not judged. */
	expect("distros/windows", "os.platform", GP_SKIP);
}

static void test_platform_older_edition(void **state)
{
	char *dir = strprintf("%s/distros/dangling-os-release", FIXTURES_DIR);
	const char *strict[] = { "os.unlisted_version=fail", NULL };
	const char *any[] = { "versions.Debian=", NULL };
	struct harness *h;

	h = harness_run(dir, "os.platform", strict);
	harness_expect(h, "os.platform", GP_FAIL);
	harness_expect_evidence(h, "os.platform", "documented release of Debian: 7");
	harness_free(h);
	h = harness_run(dir, "os.platform", any);
	harness_expect(h, "os.platform", GP_PASS);
	harness_free(h);
	free(dir);
}

/* A minimal ELF header of the given class and machine, as /bin/sh. */
static char *elf_tree(unsigned char class, unsigned short machine)
{
	unsigned char hdr[64] = { 0x7f, 'E', 'L', 'F', class, 1, 1 };
	char *tree = tree_new(), *path;
	int fd;

	hdr[18] = machine & 0xff;
	hdr[19] = machine >> 8;
	tree_write(tree, "etc/os-release", "ID=centos\nVERSION_ID=7\n");
	tree_mkdir(tree, "bin");
	path = strprintf("%s/bin/sh", tree);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hdr, sizeof(hdr)), sizeof(hdr));
	close(fd);
	free(path);
	return tree;
}

static void expect_arch(unsigned char class, unsigned short machine,
			enum gp_status status)
{
	char *tree = elf_tree(class, machine);
	struct harness *h = harness_run(tree, "os.architecture", NULL);

	harness_expect(h, "os.architecture", status);
	harness_free(h);
	tree_free(tree);
}

static void test_architecture(void **state)
{
	expect_arch(2, 62, GP_PASS);	/* x86_64 */
	expect_arch(1, 3, GP_PASS);	/* i386 */
	expect_arch(2, 183, GP_FAIL);	/* aarch64 */
	expect_arch(1, 40, GP_FAIL);	/* arm */
	expect("distros/ubuntu1404", "os.architecture", GP_PASS);
	/* windows: winreg.  Its registry names the architecture now. */
#ifdef HAVE_HIVEX
	expect("distros/windows", "os.architecture", GP_PASS);
#else
	expect("distros/windows", "os.architecture", GP_WARN);
#endif
	expect_arch(2, 0, GP_WARN);	/* EM_NONE: unknown */
}

static void test_live(void **state)
{
	struct harness *h = harness_run("/", "os", NULL);

	/* Whatever this machine is, it is identified and has a verdict. */
	harness_expect(h, "os.identified", GP_PASS);
	assert_non_null(harness_find(h, "os.platform"));
	harness_expect(h, "os.architecture", GP_PASS);
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identified),
		cmocka_unit_test(test_identified_evidence),
		cmocka_unit_test(test_unknown_severity_from_profile),
		cmocka_unit_test(test_platform),
		cmocka_unit_test(test_platform_older_edition),
		cmocka_unit_test(test_architecture),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
