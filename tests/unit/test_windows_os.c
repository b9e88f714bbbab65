/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The windows_os plugin: the Windows release and edition, and the processor
 * architecture, on trees whose hives each release's setup would write
 * (tests/unit/wintree.c), then broken one value at a time.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hive.h"
#include "util.h"
#include "wintree.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)
#define CV "Microsoft\\Windows NT\\CurrentVersion"

static void expect_release(enum win_release release, enum gp_status status,
			   const char *platform)
{
	char *tree = wintree_new(release);
	struct harness *h = harness_run(tree, "windows_os", NULL);

	print_message("%s\n", wintree_name(release));
	harness_expect(h, "windows_os.version", status);
	if (platform)
		harness_expect_evidence(h, "windows_os.version", platform);
	harness_free(h);
}

/* --- releases ---------------------------------------------------------- */

static void server_2003_without_sp_fails(void **state)
{
	char *tree = wintree_new(WIN_2003);
	struct harness *h = harness_run(tree, "windows_os", NULL);

	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_expect_evidence(h, "windows_os.version",
				"ProductName = \"Microsoft Windows Server 2003\"");
	harness_expect_evidence(h, "windows_os.version",
				"/WINDOWS/system32/config");
	harness_free(h);
}

static void supported_servers_pass(void **state)
{
	static const struct {
		enum win_release release;
		const char *platform;
	} cases[] = {
		{ WIN_2003_SP1, "import platform: Windows Server 2003" },
		{ WIN_2003_R2_SP2, "import platform: Windows Server 2003" },
		{ WIN_2008, "import platform: Windows Server 2008" },
		{ WIN_2008_R2, "import platform: Windows Server 2008" },
		{ WIN_2012, "import platform: Windows Server 2012" },
		{ WIN_2012_R2, "import platform: Windows Server 2012" },
		{ WIN_2016, "import platform: Windows Server 2016" },
		{ WIN_2016_CORE, "import platform: Windows Server 2016" },
		{ WIN_2019, "import platform: Windows Server 2019" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_release(cases[i].release, GP_PASS, cases[i].platform);
}

/* The values quoted are the ones the requirements ask about. */
static void evidence_quotes_the_registry(void **state)
{
	char *tree = wintree_new(WIN_2008_R2);
	struct harness *h = harness_run(tree, "windows_os.version", NULL);

	harness_expect(h, "windows_os.version", GP_PASS);
	harness_expect_evidence(h, "windows_os.version",
				"CurrentBuildNumber = \"7601\"");
	harness_expect_evidence(h, "windows_os.version",
				"CSDVersion = \"Service Pack 1\"");
	harness_expect_evidence(h, "windows_os.version",
				"EditionID = \"ServerStandard\"");
	harness_expect_evidence(h, "windows_os.version",
				"InstallationType = \"Server\"");
	harness_expect_evidence(h, "windows_os.version",
				"/Windows/System32/config/SOFTWARE");
	harness_free(h);
}

static void newer_servers_warn(void **state)
{
	expect_release(WIN_2022, GP_WARN, "platform \"Windows Server 2019\"");
	expect_release(WIN_2025, GP_WARN, NULL);
}

static void client_editions_fail(void **state)
{
	static const enum win_release clients[] = {
		WIN_XP, WIN_7, WIN_10, WIN_11,
	};

	for (size_t i = 0; i < ARRAY_SIZE(clients); i++)
		expect_release(clients[i], GP_FAIL, NULL);
}

/* Before InstallationType (2008 and older): the product type tells. */
static void product_type_tells_before_installation_type(void **state)
{
	char *tree = wintree_new_opts(WIN_7, WT_NO_INSTALL_TYPE);
	struct harness *h = harness_run(tree, "windows_os.version", NULL);

	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	/* A domain controller of 2003 R2 is a server: LanmanNT. */
	expect_release(WIN_2003_R2_SP2, GP_PASS, NULL);
}

/* Neither InstallationType nor ProductType: the product name tells. */
static void product_name_is_the_last_resort(void **state)
{
	char *xp = wintree_new_opts(WIN_XP, WT_NO_PRODUCT_TYPE);
	char *srv = wintree_new_opts(WIN_2003_SP1, WT_NO_PRODUCT_TYPE);
	struct harness *h = harness_run(xp, "windows_os.version", NULL);

	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	h = harness_run(srv, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_free(h);
}

/* A ProductType of the wrong type counts as absent, not as a server. */
static void product_type_of_wrong_type_is_ignored(void **state)
{
	char *tree = wintree_new_opts(WIN_XP, WT_NO_PRODUCT_TYPE);
	char *system = wintree_system(tree);
	struct harness *h;

	hive_set_dword(system, WT_CCS "\\Control\\ProductOptions",
		       "ProductType", 1);
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	free(system);
}

/* Service packs count from 1; a 2003 SP2 tree made from the SP-less one. */
static void service_pack_is_read(void **state)
{
	char *tree = wintree_new(WIN_2003);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_string(software, CV, "CSDVersion", "Service Pack 2");
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_free(h);
	hive_set_string(software, CV, "CSDVersion", "");
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	free(software);
}

/* Windows 2000 Server (NT 5.0) is older than anything the cloud takes. */
static void older_than_2003_fails(void **state)
{
	char *tree = wintree_new(WIN_2003_SP1);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_string(software, CV, "ProductName", "Microsoft Windows 2000");
	hive_set_string(software, CV, "CurrentVersion", "5.0");
	hive_set_string(software, CV, "CurrentBuildNumber", "2195");
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	free(software);
}

/* The profile decides: severities, and which releases are documented. */
static void profile_keys_apply(void **state)
{
	static const char *const client_warn[] = {
		"windows_os.unsupported=warn", NULL
	};
	static const char *const newer_fail[] = { "windows_os.unlisted=fail",
						  NULL };
	static const char *const sp_warn[] = { "windows_os.service_pack=warn",
					       NULL };
	static const char *const no_2016[] = {
		"versions.Windows Server 2016=10.0.99999", NULL,
	};
	static const char *const with_2022[] = {
		"platform.Windows Server 2022=windows-server",
		"versions.Windows Server 2022=10.0.20348", NULL,
	};
	struct harness *h;

	h = harness_run(wintree_new(WIN_10), "windows_os.version", client_warn);
	harness_expect(h, "windows_os.version", GP_WARN);
	harness_free(h);
	h = harness_run(wintree_new(WIN_2022), "windows_os.version",
			newer_fail);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	h = harness_run(wintree_new(WIN_2003), "windows_os.version", sp_warn);
	harness_expect(h, "windows_os.version", GP_WARN);
	harness_free(h);
	h = harness_run(wintree_new(WIN_2016), "windows_os.version", no_2016);
	harness_expect(h, "windows_os.version", GP_WARN);
	harness_free(h);
	h = harness_run(wintree_new(WIN_2022), "windows_os.version", with_2022);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_expect_evidence(h, "windows_os.version",
				"import platform: Windows Server 2022");
	harness_free(h);
}

/*
 * The 2018 editions stop at 2016 and enforce their list: the built-in
 * profile says so, and a 2019 tree judged by those keys fails.
 */
static void profile_2018(void **state)
{
	static const char *const as_2018[] = {
		"platform.Windows Server 2019=",
		"windows_os.unlisted=fail", NULL,
	};
	struct gp_profile *p = NULL;
	struct harness *h;
	bool listed = false;

	assert_int_equal(gp_profile_load("alibaba-2018", &p, NULL), 0);
	assert_int_equal(p->windows_os_unlisted, GP_FAIL);
	for (size_t i = 0; i < p->n_platforms; i++)
		if (gp_strv_contains(p->platforms[i].ids, "windows-server"))
			listed |= strcmp(p->platforms[i].name,
					 "Windows Server 2019") == 0;
	assert_false(listed);
	gp_profile_free(p);

	h = harness_run(wintree_new(WIN_2019), "windows_os.version", as_2018);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_free(h);
	h = harness_run(wintree_new(WIN_2016), "windows_os.version", as_2018);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_free(h);
}

/* No version value of a known type: the release cannot be told. */
static void unknown_version_fails(void **state)
{
	char *tree = wintree_new(WIN_2012);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_raw(software, CV, "CurrentVersion", 3, "\x06\x02", 2);
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_FAIL);
	harness_expect_evidence(h, "windows_os.version", "is not a string");
	harness_free(h);
	free(software);
}

/* A build that is not a number is left out of the version. */
static void odd_build_is_left_out(void **state)
{
	char *tree = wintree_new(WIN_2012_R2);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_string(software, CV, "CurrentBuildNumber", "9600.winblue");
	h = harness_run(tree, "windows_os.version", NULL);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_free(h);
	free(software);
}

/* --- damaged hives -------------------------------------------------- */

static void write_junk(const char *path, size_t len)
{
	FILE *f = fopen(path, "we");
	uint32_t x = 2463534242u;

	assert_non_null(f);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		fputc(i < 4 ? "regf"[i] : (int)(x & 0xff), f);
	}
	assert_int_equal(fclose(f), 0);
}

static void damaged_software_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *software = wintree_software(tree);
	struct harness *h;

	write_junk(software, 16384);
	h = harness_run(tree, "windows_os", NULL);
	harness_expect(h, "windows_os.version", GP_ERROR);
	harness_free(h);
	free(software);
}

static void truncated_hives_are_errors(void **state)
{
	char *tree = wintree_new(WIN_2019);
	char *software = wintree_software(tree);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(truncate(software, 4096), 0);
	assert_int_equal(truncate(system, 100), 0);
	h = harness_run(tree, "windows_os", NULL);
	harness_expect(h, "windows_os.version", GP_ERROR);
	harness_expect(h, "windows_os.architecture", GP_ERROR);
	harness_free(h);
	free(software);
	free(system);
}

/* Without SYSTEM: the release is still told, the architecture is not. */
static void missing_system_hive(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(unlink(system), 0);
	h = harness_run(tree, "windows_os", NULL);
	harness_expect(h, "windows_os.version", GP_PASS);
	harness_expect(h, "windows_os.architecture", GP_ERROR);
	harness_free(h);
	free(system);
}

/* --- architecture ----------------------------------------------------- */

static void architectures(void **state)
{
	static const struct {
		const char *windows;
		enum gp_status status;
	} cases[] = {
		{ "AMD64", GP_PASS }, { "x86", GP_PASS }, { "ARM64", GP_FAIL },
		{ "IA64", GP_FAIL },  { "MIPS", GP_FAIL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *tree = wintree_new(WIN_2019);
		struct harness *h;

		wintree_system_string(tree,
				      "Control\\Session Manager\\Environment",
				      "PROCESSOR_ARCHITECTURE",
				      cases[i].windows);
		h = harness_run(tree, "windows_os.architecture", NULL);
		print_message("%s\n", cases[i].windows);
		harness_expect(h, "windows_os.architecture", cases[i].status);
		harness_free(h);
	}
}

static void architecture_evidence(void **state)
{
	struct harness *h = harness_run(wintree_new(WIN_2003_SP1),
					"windows_os.architecture", NULL);

	harness_expect(h, "windows_os.architecture", GP_PASS);
	harness_expect_evidence(h, "windows_os.architecture",
				"import architecture: i386");
	harness_free(h);
}

static void architecture_profile(void **state)
{
	static const char *const only64[] = { "os.architectures=x86_64", NULL };
	struct harness *h = harness_run(wintree_new(WIN_2003_SP1),
					"windows_os.architecture", only64);

	harness_expect(h, "windows_os.architecture", GP_FAIL);
	harness_free(h);
}

static void architecture_unknown_warns(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	struct harness *h;

	hive_set_dword(system, WT_CCS "\\Control\\Session Manager\\Environment",
		       "PROCESSOR_ARCHITECTURE", 9);
	h = harness_run(tree, "windows_os.architecture", NULL);
	harness_expect(h, "windows_os.architecture", GP_WARN);
	harness_free(h);
	free(system);
}

/* --- only on Windows -------------------------------------------------- */

static void linux_trees_are_not_judged(void **state)
{
	char *tree = tree_kept(tree_new());
	struct harness *h;

	tree_write(tree, "etc/os-release", "ID=centos\nVERSION_ID=7\n");
	h = harness_run(tree, NULL, NULL);
	harness_expect_none(h, "windows_os.version");
	harness_expect_none(h, "windows_os.architecture");
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(server_2003_without_sp_fails),
		TEST(supported_servers_pass),
		TEST(evidence_quotes_the_registry),
		TEST(newer_servers_warn),
		TEST(client_editions_fail),
		TEST(product_type_tells_before_installation_type),
		TEST(product_name_is_the_last_resort),
		TEST(product_type_of_wrong_type_is_ignored),
		TEST(service_pack_is_read),
		TEST(older_than_2003_fails),
		TEST(profile_keys_apply),
		TEST(profile_2018),
		TEST(unknown_version_fails),
		TEST(odd_build_is_left_out),
		TEST(damaged_software_hive_is_an_error),
		TEST(truncated_hives_are_errors),
		TEST(missing_system_hive),
		TEST(architectures),
		TEST(architecture_evidence),
		TEST(architecture_profile),
		TEST(architecture_unknown_warns),
		TEST(linux_trees_are_not_judged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
