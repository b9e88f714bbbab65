/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/winreg-none.c, the registry of a guestprep built without hivex:
 * linked into this test in every build (its definitions come before
 * libguestprep.a's), so the no-hivex behaviour is checked wherever the
 * tests run.  A Windows tree is still told by its layout, host.os says
 * why its release is unknown, every Windows check that needs the
 * registry gives an error finding (never a pass, never "not installed")
 * and fix mode plans nothing.  A Linux tree has no registry at all.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "guestprep/winreg.h"
#include "util.h"

/* The plugins that read the registry (windows_disk reads the disk). */
static const char *const registry_plugins[] = { "windows_os", "windows_rdp",
						"windows_virtio",
						"windows_qemu_ga" };
#define REGISTRY_PLUGINS "windows_os windows_rdp windows_virtio windows_qemu_ga"

/* Hive files whose content does not matter: they are never parsed. */
static char *windows_tree(const char *config, const char *system,
			  const char *software)
{
	char *tree = tree_kept(tree_new());
	char *path;

	tree_mkdir(tree, config);
	if (system) {
		path = strprintf("%s/%s", config, system);
		assert_non_null(path);
		tree_write(tree, path, "regf");
		free(path);
	}
	if (software) {
		path = strprintf("%s/%s", config, software);
		assert_non_null(path);
		tree_write(tree, path, "regf");
		free(path);
	}
	return tree;
}

static struct gp_winreg *open_registry(const char *tree, int want)
{
	struct gp_root *root = NULL;
	struct gp_winreg *reg = NULL;
	int r;

	assert_int_equal(gp_root_new(tree, &root), 0);
	r = gp_winreg_open(root, &reg);
	gp_root_free(root);
	assert_int_equal(r, want);
	if (want < 0)
		assert_null(reg);
	return reg;
}

static bool has_note(const struct gp_os *os, const char *word)
{
	for (size_t i = 0; os->notes && os->notes[i]; i++)
		if (strstr(os->notes[i], word))
			return true;
	return false;
}

static void reads_fail_not_supported(void **state)
{
	char *tree = windows_tree("Windows/System32/config", "SYSTEM",
				  "SOFTWARE");
	struct gp_root *root = NULL;
	struct gp_winreg *reg = NULL;
	char *s = NULL, **strv = NULL;
	uint32_t dw = 7;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_winreg_open(root, &reg), 0);
	assert_int_equal(gp_winreg_get_string(reg, "SOFTWARE\\Microsoft",
					      "x", &s), -EOPNOTSUPP);
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\Select", "Current",
					     &dw), -EOPNOTSUPP);
	assert_int_equal(gp_winreg_get_multi(reg, "SYSTEM\\Select", "x",
					     &strv), -EOPNOTSUPP);
	assert_int_equal(gp_winreg_subkeys(reg, "SYSTEM", &strv), -EOPNOTSUPP);
	assert_int_equal(gp_winreg_values(reg, "SYSTEM", &strv), -EOPNOTSUPP);
	assert_int_equal(gp_winreg_resolve(reg, "SYSTEM\\CurrentControlSet",
					   &s), -EOPNOTSUPP);
	assert_false(gp_winreg_key_exists(reg, "SYSTEM"));
	/* ret_* untouched on failure. */
	assert_null(s);
	assert_null(strv);
	assert_int_equal(dw, 7);
	assert_int_equal(gp_winreg_plan_set_dword(NULL, reg, "SYSTEM\\Select",
						  "Current", 1, "why"),
			 -EOPNOTSUPP);
	assert_int_equal(gp_winreg_plan_set_string(NULL, reg, "SYSTEM\\Select",
						   "x", "y", "why"),
			 -EOPNOTSUPP);
	gp_winreg_close(reg);
	gp_root_free(root);
}

/* Evidence names the hive files as the volume spells them. */
static void sources_follow_the_layout(void **state)
{
	char *tree = windows_tree("WINDOWS/system32/Config", "system", NULL);
	struct gp_winreg *reg = open_registry(tree, 0);

	assert_string_equal(gp_winreg_source(reg, "SYSTEM\\Select"),
			    "/WINDOWS/system32/Config/system");
	assert_string_equal(gp_winreg_source(reg, "software"),
			    "/WINDOWS/system32/Config/SOFTWARE");
	assert_string_equal(gp_winreg_source(reg, "HARDWARE"),
			    "/WINDOWS/system32/Config");
	gp_winreg_close(reg);
}

static void no_layout_is_no_registry(void **state)
{
	char *empty = windows_tree("Windows/System32/config", NULL, NULL);
	char *file = tree_kept(tree_new());

	open_registry(empty, -ENOENT);
	tree_write(file, "Windows/System32/config", "not a directory");
	open_registry(file, -ENOENT);
	open_registry(FIXTURES_DIR "/distros/centos7", -ENOENT);
}

/* Windows by its layout; the note says why nothing more is known. */
static void windows_is_identified(void **state)
{
	struct harness *h = harness_fixture("distros/windows", "os");

	assert_int_equal(h->host.os.kind, GP_KIND_WINDOWS);
	assert_string_equal(h->host.os.id, "windows");
	assert_null(h->host.os.version);
	assert_true(has_note(&h->host.os, "hivex"));
	harness_expect(h, "os.identified", GP_PASS);
	harness_free(h);
}

static void linux_has_no_note(void **state)
{
	struct harness *h = harness_fixture("distros/centos7", "os");

	assert_int_equal(h->host.os.kind, GP_KIND_LINUX);
	assert_false(has_note(&h->host.os, "hivex"));
	harness_free(h);
}

/* Each check of each registry plugin: an error finding of its own id. */
static void checks_are_errors(void **state)
{
	char *tree = windows_tree("Windows/System32/config", "SYSTEM",
				  "SOFTWARE");
	struct harness *h = harness_run(tree, REGISTRY_PLUGINS, NULL);
	size_t found = 0;

	for (size_t i = 0; gp_plugins[i]; i++) {
		const struct gp_plugin *p = gp_plugins[i];
		bool wanted = false;

		for (size_t j = 0; j < ARRAY_SIZE(registry_plugins); j++)
			wanted |= strcmp(p->name, registry_plugins[j]) == 0;
		if (!wanted)
			continue;
		found++;
		assert_non_null(p->checks[0].id);
		for (const struct gp_check *c = p->checks; c->id; c++)
			harness_expect(h, c->id, GP_ERROR);
	}
	/* A renamed plugin must not make this test pass on nothing. */
	assert_int_equal(found, ARRAY_SIZE(registry_plugins));
	for (size_t i = 0; i < h->report.n_findings; i++)
		assert_int_equal(h->report.findings[i]->status, GP_ERROR);
	harness_free(h);
}

/* Fix mode: nothing can be planned, nothing is. */
static void fix_plans_nothing(void **state)
{
	struct harness *h = harness_plan(FIXTURES_DIR "/distros/windows",
					 REGISTRY_PLUGINS, NULL);

	assert_int_equal(h->plan.n_changes, 0);
	harness_expect(h, "windows_rdp.enabled", GP_ERROR);
	harness_expect(h, "windows_qemu_ga.installed", GP_ERROR);
	harness_free(h);
}

#define TEST(f) cmocka_unit_test_teardown(f, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(reads_fail_not_supported),
		TEST(sources_follow_the_layout),
		TEST(no_layout_is_no_registry),
		TEST(windows_is_identified),
		TEST(linux_has_no_note),
		TEST(checks_are_errors),
		TEST(fix_plans_nothing),
	};

	return cmocka_run_group_tests_name("winreg_none", tests, NULL, NULL);
}
