/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cloud_init plugin: installed, enabled at boot, and a datasource
 * list that lets cloud-init use the target cloud's datasource.
 *
 * Installed systems are static fixtures (tests/fixtures/cloud_init/...:
 * Ubuntu 18.04 and CentOS 7 as their packages leave them, and one per way
 * each check fails); hostile YAML (garbage, bombs, FIFOs) is written into
 * copies of them at run time.  The fixers are checked through their plan;
 * applying it is emulated here, file by file, to show that the checks
 * then pass and a second plan is empty, and once through the journal,
 * with undo putting every file back.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "journal.h"
#include "util.h"

#define FIXTURE(name) FIXTURES_DIR "/cloud_init/" name
#define DROPIN "/etc/cloud/cloud.cfg.d/99-guestprep-datasource.cfg"
#define DROPIN_TEXT                                                         \
	"# Written by guestprep (profile alibaba): cloud-init must find the " \
	"target\n# cloud's metadata.  Remove this file to undo.\n"         \
	"datasource_list: [ AliYun, None ]\n"

/* A copy of a fixture for the test to change; removed after the test. */
static char *copy_of(const char *fixture)
{
	char *name = strprintf("cloud_init/%s", fixture);
	char *tree;

	assert_non_null(name);
	tree = tree_kept(tree_copy(name));
	free(name);
	return tree;
}

static void expect_tree(const char *tree, const char *id,
			enum gp_status status)
{
	struct harness *h = harness_run(tree, "cloud_init", NULL);

	harness_expect(h, id, status);
	harness_free(h);
}

/* Replace the first @old in the file @path of @tree with @new. */
static void replace_in(const char *tree, const char *path, const char *old,
		       const char *new)
{
	char *text = tree_read(tree, path), *p, *out;

	p = strstr(text, old);
	assert_non_null(p);
	*p = '\0';
	out = strprintf("%s%s%s", text, new, p + strlen(old));
	assert_non_null(out);
	tree_write(tree, path, out);
	free(out);
	free(text);
}

/* No finding of @h is worse than pass (skips allowed). */
static void expect_clean(const struct harness *h)
{
	for (size_t i = 0; i < h->report.n_findings; i++) {
		const struct gp_finding *f = h->report.findings[i];

		if (f->status > GP_SKIP)
			harness_expect(h, f->id, GP_PASS);
	}
}

/* --- cloud_init.installed ------------------------------------------- */

static void installed_ubuntu_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804"),
					"cloud_init.installed", NULL);

	harness_expect(h, "cloud_init.installed", GP_PASS);
	harness_expect_evidence(h, "cloud_init.installed",
				"/usr/bin/cloud-init");
	harness_expect_evidence(h, "cloud_init.installed",
				"/usr/lib/python3/dist-packages/cloudinit");
	harness_expect_evidence(h, "cloud_init.installed",
				"install ok installed");
	harness_free(h);
}

static void installed_centos_passes(void **state)
{
	struct harness *h =
		harness_run(FIXTURE("centos7"), "cloud_init.installed", NULL);

	harness_expect(h, "cloud_init.installed", GP_PASS);
	harness_expect_evidence(h, "cloud_init.installed",
				"/usr/lib/python2.7/site-packages/cloudinit");
	harness_expect_evidence(h, "cloud_init.installed",
				"/usr/share/doc/cloud-init-18.5");
	harness_free(h);
}

/* Nothing at all: the profile's severity; the other checks skip. */
static void not_installed_warns(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-not-installed"),
					"cloud_init", NULL);
	const struct gp_finding *f;

	harness_expect(h, "cloud_init.installed", GP_WARN);
	f = harness_find(h, "cloud_init.installed");
	assert_false(f->fixable);
	assert_non_null(strstr(f->remediation, "yum install cloud-init"));
	harness_expect(h, "cloud_init.enabled", GP_SKIP);
	harness_expect(h, "cloud_init.datasource", GP_SKIP);
	harness_free(h);
}

static void not_installed_profile_fail(void **state)
{
	static const char *const set[] = { "cloud_init.missing=fail", NULL };
	struct harness *h = harness_run(FIXTURE("centos7-not-installed"),
					"cloud_init.installed", set);

	harness_expect(h, "cloud_init.installed", GP_FAIL);
	harness_free(h);
}

/*
 * apt-get remove: dpkg keeps the stanza as "deinstall ok config-files",
 * /etc/cloud stays and the package's units are masked until it is
 * purged.  Not installed; the masks are not cloud_init.enabled's to judge.
 */
static void deinstalled_is_not_installed(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804-deinstall"),
					"cloud_init", NULL);
	const struct gp_finding *f;

	harness_expect(h, "cloud_init.installed", GP_WARN);
	harness_expect_evidence(h, "cloud_init.installed",
				"deinstall ok config-files");
	f = harness_find(h, "cloud_init.installed");
	assert_non_null(strstr(f->remediation, "apt-get install cloud-init"));
	harness_expect(h, "cloud_init.enabled", GP_SKIP);
	harness_expect_none(h, "cloud_init.enabled.masked");
	harness_expect(h, "cloud_init.datasource", GP_SKIP);
	harness_free(h);
}

/* Selected for removal but still unpacked and configured: installed. */
static void deinstall_selected_still_installed(void **state)
{
	char *tree = copy_of("ubuntu1804");
	struct harness *h;

	replace_in(tree, "var/lib/dpkg/status",
		   "Package: cloud-init\nStatus: install ok installed",
		   "Package: cloud-init\nStatus: deinstall ok installed");
	h = harness_run(tree, "cloud_init.installed", NULL);
	harness_expect(h, "cloud_init.installed", GP_PASS);
	harness_expect_evidence(h, "cloud_init.installed",
				"deinstall ok installed");
	harness_free(h);
}

/* The program without its Python package (a botched manual removal). */
static void binary_alone_is_incomplete(void **state)
{
	char *tree = copy_of("centos7");
	char *cmd = strprintf("rm -rf '%s/usr/lib/python2.7'", tree);

	assert_int_equal(system(cmd), 0);
	expect_tree(tree, "cloud_init.installed", GP_WARN);
	free(cmd);
}

/* A dpkg database of over-long lines and no final newline. */
static void dpkg_status_hostile(void **state)
{
	static const char tail[] =
		"\nPackage: cloud-init\nStatus: install ok installed";
	char *tree = copy_of("ubuntu1804-deinstall");
	size_t n = 100000;
	char *junk = malloc(n + sizeof(tail));
	struct harness *h;

	assert_non_null(junk);
	memset(junk, 'x', n);
	memcpy(junk + n, tail, sizeof(tail));
	tree_write(tree, "var/lib/dpkg/status", junk);
	/* dpkg says installed, but the program is gone: not installed. */
	h = harness_run(tree, "cloud_init.installed", NULL);
	harness_expect(h, "cloud_init.installed", GP_WARN);
	harness_expect_evidence(h, "cloud_init.installed",
				"install ok installed");
	harness_free(h);
	free(junk);
}

static void coreos_skips(void **state)
{
	char *tree = tree_kept(tree_new());
	struct harness *h;

	tree_write(tree, "etc/os-release",
		   "NAME=\"Container Linux by CoreOS\"\nID=coreos\n"
		   "VERSION_ID=1967.6.0\n");
	h = harness_run(tree, "cloud_init", NULL);
	harness_expect(h, "cloud_init.installed", GP_SKIP);
	harness_expect(h, "cloud_init.enabled", GP_SKIP);
	harness_expect(h, "cloud_init.datasource", GP_SKIP);
	harness_free(h);
}

/* --- cloud_init.enabled --------------------------------------------- */

/* Ubuntu 18.04: the generator enables cloud-init.target. */
static void enabled_by_generator_passes(void **state)
{
	struct harness *h =
		harness_run(FIXTURE("ubuntu1804"), "cloud_init.enabled", NULL);

	harness_expect(h, "cloud_init.enabled", GP_PASS);
	harness_expect_evidence(h, "cloud_init.enabled",
				"cloud-init-generator");
	harness_free(h);
}

/* CentOS 7: systemctl enable links in multi-user.target.wants. */
static void enabled_by_wants_link_passes(void **state)
{
	struct harness *h =
		harness_run(FIXTURE("centos7"), "cloud_init.enabled", NULL);

	harness_expect(h, "cloud_init.enabled", GP_PASS);
	harness_expect_evidence(h, "cloud_init.enabled",
				"multi-user.target.wants/cloud-init.service");
	harness_free(h);
}

static void disabled_by_flag_file(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804-disabled-file"),
					"cloud_init.enabled", NULL);

	harness_expect(h, "cloud_init.enabled.flag", GP_WARN);
	harness_expect_evidence(h, "cloud_init.enabled.flag",
				"/etc/cloud/cloud-init.disabled");
	assert_true(harness_fixable(h, "cloud_init.enabled.flag"));
	harness_expect_none(h, "cloud_init.enabled");
	harness_free(h);
}

static void disabled_by_flag_profile_fail(void **state)
{
	static const char *const set[] = { "cloud_init.missing=fail", NULL };
	struct harness *h = harness_run(FIXTURE("ubuntu1804-disabled-file"),
					"cloud_init.enabled", set);

	harness_expect(h, "cloud_init.enabled.flag", GP_FAIL);
	harness_free(h);
}

/* A directory there disables it too, but is not removed blindly. */
static void flag_directory_not_fixable(void **state)
{
	char *tree = copy_of("centos7");
	struct harness *h;

	tree_mkdir(tree, "etc/cloud/cloud-init.disabled");
	h = harness_run(tree, "cloud_init.enabled", NULL);
	harness_expect(h, "cloud_init.enabled.flag", GP_WARN);
	assert_false(harness_fixable(h, "cloud_init.enabled.flag"));
	harness_free(h);
}

static void disabled_by_kernel_cmdline(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804-cmdline"),
					"cloud_init.enabled", NULL);

	harness_expect(h, "cloud_init.enabled.cmdline", GP_WARN);
	harness_expect_evidence(h, "cloud_init.enabled.cmdline",
				"/etc/default/grub:");
	harness_expect_evidence(h, "cloud_init.enabled.cmdline",
				"GRUB_CMDLINE_LINUX=\"cloud-init=disabled\"");
	/* A manual step: guestprep does not edit boot loader settings. */
	assert_false(harness_fixable(h, "cloud_init.enabled.cmdline"));
	assert_non_null(
		harness_find(h, "cloud_init.enabled.cmdline")->remediation);
	harness_free(h);
}

/* Ubuntu's grub.d snippets append to what /etc/default/grub set. */
static void disabled_by_grub_d_snippet(void **state)
{
	char *tree = copy_of("ubuntu1804");
	struct harness *h;

	tree_write(tree, "etc/default/grub.d/50-cloudimg-settings.cfg",
		   "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
		   "cloud-init=disabled\"\n");
	h = harness_run(tree, "cloud_init.enabled", NULL);
	harness_expect(h, "cloud_init.enabled.cmdline", GP_WARN);
	harness_expect_evidence(h, "cloud_init.enabled.cmdline",
				"50-cloudimg-settings.cfg:1:");
	harness_free(h);
}

/* A later snippet that replaces the value takes the option away. */
static void cmdline_replaced_later_passes(void **state)
{
	char *tree = copy_of("ubuntu1804-cmdline");

	tree_write(tree, "etc/default/grub.d/60-console.cfg",
		   "GRUB_CMDLINE_LINUX=\"console=tty1 console=ttyS0\"\n");
	expect_tree(tree, "cloud_init.enabled", GP_PASS);
}

static void cmdline_lookalikes_pass(void **state)
{
	static const char *const lines[] = {
		"GRUB_CMDLINE_LINUX=\"cloud-init=disabledx\"\n",
		"GRUB_CMDLINE_LINUX=\"xcloud-init=disabled quiet\"\n",
		"GRUB_CMDLINE_LINUX=\"cloud-init=enabled\"\n",
		"# GRUB_CMDLINE_LINUX=\"cloud-init=disabled\"\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		char *tree = copy_of("centos7");

		tree_write(tree, "etc/default/grub", lines[i]);
		expect_tree(tree, "cloud_init.enabled", GP_PASS);
	}
}

/* systemctl mask cloud-init cloud-init-local. */
static void masked_units_warn(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-masked"),
					"cloud_init.enabled", NULL);

	harness_expect(h, "cloud_init.enabled.masked", GP_WARN);
	harness_expect_evidence(h, "cloud_init.enabled.masked",
				"/etc/systemd/system/cloud-init.service "
				"-> /dev/null");
	harness_expect_evidence(h, "cloud_init.enabled.masked",
				"/etc/systemd/system/cloud-init-local.service "
				"-> /dev/null");
	assert_true(harness_fixable(h, "cloud_init.enabled.masked"));
	harness_expect_none(h, "cloud_init.enabled");
	harness_free(h);
}

/* systemd takes an empty unit file for a mask too. */
static void empty_unit_is_a_mask(void **state)
{
	char *tree = copy_of("ubuntu1804");

	tree_write(tree, "etc/systemd/system/cloud-final.service", "");
	expect_tree(tree, "cloud_init.enabled.masked", GP_WARN);
}

/* An override file with content is no mask. */
static void override_unit_is_no_mask(void **state)
{
	char *tree = copy_of("ubuntu1804");

	tree_write(tree, "etc/systemd/system/cloud-final.service",
		   "[Unit]\nDescription=site override\n[Service]\n"
		   "Type=oneshot\nExecStart=/usr/bin/cloud-init modules "
		   "--mode=final\n");
	expect_tree(tree, "cloud_init.enabled", GP_PASS);
}

/* systemctl disable on CentOS 7: no links left, and no generator. */
static void no_enablement_links_warn(void **state)
{
	char *tree = copy_of("centos7");
	char *cmd = strprintf("rm -rf '%s/etc/systemd/system/"
			      "multi-user.target.wants'", tree);
	struct harness *h;

	assert_int_equal(system(cmd), 0);
	h = harness_run(tree, "cloud_init.enabled", NULL);
	harness_expect(h, "cloud_init.enabled.units", GP_WARN);
	assert_false(harness_fixable(h, "cloud_init.enabled.units"));
	harness_free(h);
	free(cmd);
}

/* Ubuntu with its generator masked: cloud-init.target.wants is not enough. */
static void masked_generator_warns(void **state)
{
	char *tree = copy_of("ubuntu1804");

	tree_symlink(tree, "etc/systemd/system-generators/cloud-init-generator",
		     "/dev/null");
	expect_tree(tree, "cloud_init.enabled.units", GP_WARN);
}

/* A dangling wants link enables nothing. */
static void dangling_wants_link_warns(void **state)
{
	char *tree = copy_of("centos7");

	tree_remove(tree, "usr/lib/systemd/system/cloud-init.service");
	tree_write(tree, "etc/systemd/system/cloud-init.service",
		   "[Unit]\nDescription=local copy\n");
	tree_remove(tree, "etc/systemd/system/multi-user.target.wants/"
			  "cloud-init.service");
	tree_symlink(tree, "etc/systemd/system/multi-user.target.wants/"
			   "cloud-init.service",
		     "/usr/lib/systemd/system/cloud-init.service");
	expect_tree(tree, "cloud_init.enabled.units", GP_WARN);
}

/* Without systemd (SysV init) the units are not judged. */
static void without_systemd_passes(void **state)
{
	char *tree = copy_of("centos7");
	struct harness *h;

	tree_remove(tree, "usr/lib/systemd/systemd");
	h = harness_run(tree, "cloud_init.enabled", NULL);
	harness_expect(h, "cloud_init.enabled", GP_PASS);
	harness_expect_evidence(h, "cloud_init.enabled", "not judged");
	harness_free(h);
}

/* Every way at once: one finding each, fixable where the fixer mends. */
static void every_way_disabled(void **state)
{
	char *tree = copy_of("centos7-masked");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud-init.disabled", "");
	tree_write(tree, "etc/default/grub",
		   "GRUB_CMDLINE_LINUX=\"rhgb quiet cloud-init=disabled\"\n");
	h = harness_run(tree, "cloud_init.enabled", NULL);
	harness_expect(h, "cloud_init.enabled.flag", GP_WARN);
	harness_expect(h, "cloud_init.enabled.cmdline", GP_WARN);
	harness_expect(h, "cloud_init.enabled.masked", GP_WARN);
	assert_true(harness_fixable(h, "cloud_init.enabled.flag"));
	assert_false(harness_fixable(h, "cloud_init.enabled.cmdline"));
	assert_true(harness_fixable(h, "cloud_init.enabled.masked"));
	harness_free(h);
}

/* --- cloud_init.datasource ------------------------------------------ */

/* Ubuntu's debconf selection (90_dpkg.cfg) has AliYun. */
static void datasource_ubuntu_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804"),
					"cloud_init.datasource", NULL);

	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_expect_evidence(h, "cloud_init.datasource",
				"/etc/cloud/cloud.cfg.d/90_dpkg.cfg:3:");
	harness_expect_evidence(h, "cloud_init.datasource",
				"DataSourceAliYun.py");
	harness_expect_none(h, "cloud_init.datasource.syntax");
	harness_expect_none(h, "cloud_init.datasource.module");
	harness_free(h);
}

/* CentOS 7 sets no list: cloud-init probes all it has. */
static void datasource_default_list_passes(void **state)
{
	struct harness *h =
		harness_run(FIXTURE("centos7"), "cloud_init.datasource", NULL);

	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_expect_evidence(h, "cloud_init.datasource", "default list");
	harness_free(h);
}

/* An image built for OpenStack: cloud.cfg names ConfigDrive, OpenStack. */
static void datasource_without_aliyun_warns(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-datasource"),
					"cloud_init.datasource", NULL);

	harness_expect(h, "cloud_init.datasource", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource",
				"/etc/cloud/cloud.cfg:");
	harness_expect_evidence(h, "cloud_init.datasource",
				"[ ConfigDrive, OpenStack, None ]");
	assert_true(harness_fixable(h, "cloud_init.datasource"));
	harness_free(h);
}

static void datasource_profile_fail(void **state)
{
	static const char *const set[] = { "cloud_init.missing=fail", NULL };
	struct harness *h = harness_run(FIXTURE("centos7-datasource"),
					"cloud_init.datasource", set);

	harness_expect(h, "cloud_init.datasource", GP_FAIL);
	harness_free(h);
}

/* Another profile may want another datasource. */
static void datasource_other_profile_list(void **state)
{
	static const char *const set[] = {
		"cloud_init.datasources=OpenStack", NULL,
	};
	struct harness *h = harness_run(FIXTURE("centos7-datasource"),
					"cloud_init.datasource", set);

	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_free(h);
}

static void datasource_profile_names_none_skips(void **state)
{
	static const char *const set[] = { "cloud_init.datasources=", NULL };
	struct harness *h = harness_run(FIXTURE("centos7-datasource"),
					"cloud_init.datasource", set);

	harness_expect(h, "cloud_init.datasource", GP_SKIP);
	harness_free(h);
}

/* A later cloud.cfg.d file replaces cloud.cfg's list. */
static void datasource_fixed_by_later_file(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-datasource-dropin"),
					"cloud_init.datasource", NULL);

	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_expect_evidence(h, "cloud_init.datasource", "90-aliyun.cfg:2:");
	harness_free(h);
}

/* ... and lexical order decides which file is later. */
static void datasource_lexical_order(void **state)
{
	char *tree = copy_of("centos7-datasource-dropin");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud.cfg.d/91-openstack.cfg",
		   "datasource_list: [ OpenStack ]\n");
	tree_write(tree, "etc/cloud/cloud.cfg.d/100-aliyun.cfg",
		   "datasource_list: [ AliYun ]\n");
	tree_write(tree, "etc/cloud/cloud.cfg.d/.hidden.cfg",
		   "datasource_list: [ AliYun ]\n");
	tree_write(tree, "etc/cloud/cloud.cfg.d/92-aliyun.cfg.rpmsave",
		   "datasource_list: [ AliYun ]\n");
	h = harness_run(tree, "cloud_init.datasource", NULL);
	harness_expect(h, "cloud_init.datasource", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource",
				"91-openstack.cfg:1:");
	harness_free(h);
}

/* A list set after guestprep's drop-in cannot be mended by it. */
static void datasource_set_after_dropin_not_fixable(void **state)
{
	char *tree = copy_of("centos7");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud.cfg.d/99_zz-site.cfg",
		   "datasource_list: [ NoCloud ]\n");
	h = harness_plan(tree, "cloud_init", NULL);
	harness_expect(h, "cloud_init.datasource", GP_WARN);
	assert_false(harness_fixable(h, "cloud_init.datasource"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void datasource_spellings(void **state)
{
	static const struct {
		const char *text;
		enum gp_status status;
	} cases[] = {
		{ "datasource_list: [ DataSourceAliYun ]\n", GP_PASS },
		{ "datasource_list:\n- Ec2\n- 'AliYun'\n", GP_PASS },
		{ "ds: &ds [ AliYun, None ]\ndatasource_list: *ds\n", GP_PASS },
		{ "a: &a AliYun\ndatasource_list: [ Ec2, *a ]\n", GP_PASS },
		/* cloud-init compares names exactly. */
		{ "datasource_list: [ aliyun ]\n", GP_WARN },
		{ "datasource_list: AliYun\n", GP_WARN },
		{ "datasource_list: ~\n", GP_WARN },
		{ "datasource_list:\n", GP_WARN },
		{ "datasource_list: []\n", GP_WARN },
		{ "datasource_list: { AliYun: true }\n", GP_WARN },
		{ "datasource_list: [ [ AliYun ] ]\n", GP_WARN },
		/* PyYAML keeps the last of two keys. */
		{ "datasource_list: [ AliYun ]\ndatasource_list: [ Ec2 ]\n",
		  GP_WARN },
		/* Only the top level counts. */
		{ "datasource:\n  datasource_list: [ Ec2 ]\n", GP_PASS },
		/* Comments and an empty document change nothing. */
		{ "# nothing here\n", GP_PASS },
		{ "---\n...\n", GP_PASS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *tree = copy_of("centos7");
		struct harness *h;

		tree_write(tree, "etc/cloud/cloud.cfg.d/50-site.cfg",
			   cases[i].text);
		h = harness_run(tree, "cloud_init.datasource", NULL);
		if (!harness_find(h, "cloud_init.datasource") ||
		    harness_find(h, "cloud_init.datasource")->status !=
			    cases[i].status)
			print_error("case %zu: %s", i, cases[i].text);
		harness_expect(h, "cloud_init.datasource", cases[i].status);
		harness_expect_none(h, "cloud_init.datasource.syntax");
		harness_free(h);
		tree_teardown(NULL);	/* at most 16 trees are kept */
	}
}

/* A garbled drop-in: named with its line and column; cloud-init and
 * guestprep both go on without it. */
static void garbled_yaml_warns(void **state)
{
	char *tree = copy_of("ubuntu1804");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud.cfg.d/50-broken.cfg",
		   "# edited by hand\n"
		   "datasource_list: [ NoCloud\n"
		   "apt_preserve_sources_list: true\n"
		   "  bad: indentation: here\n");
	h = harness_run(tree, "cloud_init.datasource", NULL);
	harness_expect(h, "cloud_init.datasource.syntax", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource.syntax",
				"/etc/cloud/cloud.cfg.d/50-broken.cfg:");
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_free(h);
}

static void garbled_yaml_position(void **state)
{
	char *tree = copy_of("centos7");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud.cfg.d/50-tab.cfg",
		   "users:\n  - default\n\tdisable_root: 1\n");
	h = harness_run(tree, "cloud_init.datasource", NULL);
	harness_expect(h, "cloud_init.datasource.syntax", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource.syntax",
				"50-tab.cfg:3:1:");
	harness_free(h);
}

/* What PyYAML's safe_load refuses, cloud-init ignores: so do we. */
static void unreadable_shapes_warn(void **state)
{
	static const char *const texts[] = {
		"- a list\n- at the top\n",
		"just a string\n",
		"datasource_list: [ AliYun ]\n---\ndatasource_list: [ Ec2 ]\n",
		"datasource_list: *nowhere\n",
		"datasource_list: [ \"AliYun\\x00\" \n",
		"name: \xc3\x28 not UTF-8\n",
		"key: \"unterminated\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		char *tree = copy_of("centos7");
		struct harness *h;

		tree_write(tree, "etc/cloud/cloud.cfg.d/50-site.cfg", texts[i]);
		h = harness_run(tree, "cloud_init.datasource", NULL);
		harness_expect(h, "cloud_init.datasource.syntax", GP_WARN);
		/* The rest still gives CentOS's default list. */
		harness_expect(h, "cloud_init.datasource", GP_PASS);
		harness_free(h);
		tree_teardown(NULL);
	}
}

/* Binary garbage as the main cloud.cfg (a botched copy). */
static void binary_cloud_cfg_warns(void **state)
{
	char *tree = copy_of("ubuntu1804");
	unsigned char junk[8192];
	uint32_t x = 2463534242u;
	struct harness *h;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	tree_write_bytes(tree, "etc/cloud/cloud.cfg", junk, sizeof(junk));
	h = harness_run(tree, "cloud_init.datasource", NULL);
	harness_expect(h, "cloud_init.datasource.syntax", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource.syntax",
				"/etc/cloud/cloud.cfg:");
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_free(h);
}

/* A FIFO named like a drop-in must not hang the run. */
static void fifo_dropin_warns_without_blocking(void **state)
{
	char *tree = copy_of("centos7");

	tree_mkfifo(tree, "etc/cloud/cloud.cfg.d/50-fifo.cfg");
	alarm(20);
	expect_tree(tree, "cloud_init.datasource.syntax", GP_WARN);
	alarm(0);
}

static void huge_dropin_refused(void **state)
{
	char *tree = copy_of("centos7");
	char *path = tree_file(tree, "etc/cloud/cloud.cfg.d/50-huge.cfg");

	tree_write(tree, "etc/cloud/cloud.cfg.d/50-huge.cfg", "a: b\n");
	assert_int_equal(truncate(path, 64 << 20), 0);
	expect_tree(tree, "cloud_init.datasource.syntax", GP_WARN);
	free(path);
}

/* --- YAML bombs: every one bounded in depth, nodes and time --------- */

static void write_bomb(const char *tree, const char *text)
{
	tree_write(tree, "etc/cloud/cloud.cfg.d/50-bomb.cfg", text);
}

/* 200 000 nested flow sequences: stops at the depth limit. */
static void bomb_deep_flow_nesting(void **state)
{
	static const char key[] = "datasource_list: ";
	char *tree = copy_of("centos7");
	size_t depth = 200000, len = strlen(key);
	char *text = malloc(len + 2 * depth + 2);
	struct harness *h;

	assert_non_null(text);
	/* Its NUL is overwritten by the first '['. */
	memcpy(text, key, sizeof(key));
	memset(text + len, '[', depth);
	memset(text + len + depth, ']', depth);
	text[len + 2 * depth] = '\n';
	text[len + 2 * depth + 1] = '\0';
	write_bomb(tree, text);
	alarm(20);
	h = harness_run(tree, "cloud_init.datasource", NULL);
	alarm(0);
	harness_expect(h, "cloud_init.datasource.syntax", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource.syntax",
				"50-bomb.cfg:1:");
	harness_free(h);
	free(text);
}

/* Block mappings nested by indentation. */
static void bomb_deep_block_nesting(void **state)
{
	char *tree = copy_of("centos7");
	size_t levels = 1000, cap = levels * (levels + 8) + 64, n = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	for (size_t i = 0; i < levels; i++) {
		memset(text + n, ' ', i);
		n += i;
		n += (size_t)sprintf(text + n, "k%zu:\n", i);
	}
	text[n] = '\0';
	write_bomb(tree, text);
	alarm(20);
	expect_tree(tree, "cloud_init.datasource.syntax", GP_WARN);
	alarm(0);
	free(text);
}

/* "Billion laughs": aliases are looked up, never expanded. */
static void bomb_billion_laughs(void **state)
{
	char *tree = copy_of("centos7");
	char text[4096], *p = text;
	struct harness *h;

	p += sprintf(p, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		p += sprintf(p, "a%d: &a%d [", i, i);
		for (int j = 0; j < 9; j++)
			p += sprintf(p, "*a%d, ", i - 1);
		p += sprintf(p, "*a%d]\n", i - 1);
	}
	sprintf(p, "datasource_list: *a9\n");
	write_bomb(tree, text);
	alarm(20);
	h = harness_run(tree, "cloud_init.datasource", NULL);
	alarm(0);
	harness_expect(h, "cloud_init.datasource", GP_WARN);
	harness_expect_evidence(h, "cloud_init.datasource", "not a list");
	harness_expect_none(h, "cloud_init.datasource.syntax");
	harness_free(h);
}

/* Huge anchors: a 900 KiB anchor name and scalar, and 10 000 anchors. */
static void bomb_huge_anchors(void **state)
{
	char *tree = copy_of("centos7");
	size_t big = 450 << 10;
	char *text = malloc(2 * big + 256), *p = text;
	struct harness *h;

	assert_non_null(text);
	p += sprintf(p, "x: &");
	memset(p, 'n', big);
	p += big;
	p += sprintf(p, " ");
	memset(p, 'v', big);
	p += big;
	sprintf(p, "\ndatasource_list: [ AliYun ]\n");
	write_bomb(tree, text);
	alarm(20);
	h = harness_run(tree, "cloud_init.datasource", NULL);
	alarm(0);
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_free(h);
	free(text);
}

static void bomb_many_anchors(void **state)
{
	char *tree = copy_of("centos7");
	size_t n = 10000;
	char *text = malloc(n * 32 + 64), *p = text;
	struct harness *h;

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "k%zu: &a%zu [ AliYun ]\n", i, i);
	/* Past what guestprep keeps: unknown, not an error. */
	sprintf(p, "datasource_list: *a%zu\n", n - 1);
	write_bomb(tree, text);
	alarm(20);
	h = harness_run(tree, "cloud_init.datasource", NULL);
	alarm(0);
	harness_expect(h, "cloud_init.datasource", GP_WARN);
	harness_expect_none(h, "cloud_init.datasource.syntax");
	harness_free(h);
	free(text);
}

/* 300 000 tiny nodes: stops at the node limit. */
static void bomb_many_nodes(void **state)
{
	char *tree = copy_of("centos7");
	size_t n = 300000;
	char *text = malloc(n * 2 + 64), *p = text;

	assert_non_null(text);
	p += sprintf(p, "x: [");
	for (size_t i = 0; i < n; i++) {
		*p++ = 'a';
		*p++ = ',';
	}
	sprintf(p, "a]\n");
	write_bomb(tree, text);
	alarm(20);
	expect_tree(tree, "cloud_init.datasource.syntax", GP_WARN);
	alarm(0);
	free(text);
}

/* --- cloud_init.datasource.module ----------------------------------- */

/* cloud-init before AliYun existed: listing it would not help. */
static void datasource_module_missing(void **state)
{
	char *tree = copy_of("centos7");
	struct harness *h;

	tree_remove(tree, "usr/lib/python2.7/site-packages/cloudinit/sources/"
			  "DataSourceAliYun.py");
	h = harness_run(tree, "cloud_init.datasource", NULL);
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_expect(h, "cloud_init.datasource.module", GP_WARN);
	assert_false(harness_fixable(h, "cloud_init.datasource.module"));
	harness_free(h);
}

/* --- fixers: the plan ------------------------------------------------ */

static void fix_nothing_when_fine(void **state)
{
	static const char *const fixtures[] = {
		FIXTURE("ubuntu1804"),
		FIXTURE("centos7"),
		FIXTURE("centos7-datasource-dropin"),
	};

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct harness *h =
			harness_plan(fixtures[i], "cloud_init", NULL);

		expect_clean(h);
		assert_int_equal(h->plan.n_changes, 0);
		harness_free(h);
	}
}

/* Nothing to mend in what is not installed, masks or not. */
static void fix_nothing_when_not_installed(void **state)
{
	struct harness *h = harness_plan(FIXTURE("ubuntu1804-deinstall"),
					 "cloud_init", NULL);

	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void fix_removes_flag(void **state)
{
	struct harness *h = harness_plan(FIXTURE("ubuntu1804-disabled-file"),
					 "cloud_init", NULL);
	const struct gp_change *c;

	assert_int_equal(h->plan.n_changes, 1);
	c = harness_planned(h, "/etc/cloud/cloud-init.disabled");
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_REMOVE);
	assert_string_equal(c->check, "cloud_init.enabled");
	harness_free(h);
}

static void fix_unmasks(void **state)
{
	struct harness *h =
		harness_plan(FIXTURE("centos7-masked"), "cloud_init", NULL);
	const struct gp_change *c;

	assert_int_equal(h->plan.n_changes, 2);
	c = harness_planned(h, "/etc/systemd/system/cloud-init.service");
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_REMOVE);
	assert_true(c->was_link);
	assert_string_equal(c->old_target, "/dev/null");
	c = harness_planned(h, "/etc/systemd/system/cloud-init-local.service");
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_REMOVE);
	harness_free(h);
}

/* The kernel command line is the administrator's: nothing planned. */
static void fix_leaves_cmdline(void **state)
{
	struct harness *h =
		harness_plan(FIXTURE("ubuntu1804-cmdline"), "cloud_init", NULL);

	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void fix_writes_dropin(void **state)
{
	struct harness *h =
		harness_plan(FIXTURE("centos7-datasource"), "cloud_init", NULL);
	const struct gp_change *c;

	assert_int_equal(h->plan.n_changes, 1);
	c = harness_planned(h, DROPIN);
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_WRITE);
	assert_false(c->existed);
	assert_int_equal(c->mode, 0644);
	assert_string_equal(c->check, "cloud_init.datasource");
	assert_int_equal(c->len, strlen(DROPIN_TEXT));
	assert_string_equal(c->data, DROPIN_TEXT);
	harness_free(h);
}

/* The profile's list goes in as it is, None added once. */
static void fix_dropin_from_profile(void **state)
{
	static const char *const set[] = {
		"cloud_init.datasources=AliYun, Ec2, None", NULL,
	};
	struct harness *h =
		harness_plan(FIXTURE("centos7-datasource"), "cloud_init", set);
	const struct gp_change *c = harness_planned(h, DROPIN);

	assert_non_null(c);
	assert_non_null(strstr(c->data,
			       "\ndatasource_list: [ AliYun, Ec2, None ]\n"));
	harness_free(h);
}

/* Apply @h's plan to @tree the way the journal would, file by file. */
static void apply_plan(const char *tree, const struct harness *h)
{
	for (size_t i = 0; i < h->plan.n_changes; i++) {
		const struct gp_change *c = &h->plan.changes[i];

		switch (c->kind) {
		case GP_CHANGE_WRITE:
			tree_write(tree, c->path, c->data);
			break;
		case GP_CHANGE_REMOVE:
			tree_remove(tree, c->path);
			break;
		default:
			fail_msg("unexpected change of %s", c->path);
		}
	}
}

/* Planned changes mend every fixable finding; a second plan is empty. */
static void fix_then_recheck_is_idempotent(void **state)
{
	char *tree = copy_of("centos7-masked");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud-init.disabled", "");
	tree_write(tree, "etc/cloud/cloud.cfg.d/50-openstack.cfg",
		   "datasource_list: [ OpenStack, None ]\n");
	h = harness_plan(tree, "cloud_init", NULL);
	assert_int_equal(h->plan.n_changes, 4);
	assert_non_null(harness_planned(h, DROPIN));
	apply_plan(tree, h);
	harness_free(h);

	h = harness_plan(tree, "cloud_init", NULL);
	expect_clean(h);
	harness_expect(h, "cloud_init.enabled", GP_PASS);
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	harness_expect_evidence(h, "cloud_init.datasource",
				"99-guestprep-datasource.cfg:3:");
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static char *read_link(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);
	char buf[256];
	ssize_t n = readlink(full, buf, sizeof(buf) - 1);

	free(full);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* The real thing: journal_apply() the plan, check again, undo it all. */
static void fix_apply_recheck_undo(void **state)
{
	char *tree = copy_of("centos7-masked");
	struct harness *h;
	char *target, *before;

	tree_write(tree, "etc/cloud/cloud-init.disabled", "");
	tree_write(tree, "etc/cloud/cloud.cfg.d/50-openstack.cfg",
		   "datasource_list: [ OpenStack, None ]\n");
	before = tree_snapshot(tree);
	h = harness_plan(tree, "cloud_init", NULL);
	assert_int_equal(h->plan.n_changes, 4);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree, "cloud_init", NULL);
	expect_clean(h);
	harness_expect(h, "cloud_init.enabled", GP_PASS);
	harness_expect(h, "cloud_init.datasource", GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);

	h = harness_run(tree, "cloud_init", NULL);
	harness_expect(h, "cloud_init.enabled.flag", GP_WARN);
	harness_expect(h, "cloud_init.enabled.masked", GP_WARN);
	harness_expect(h, "cloud_init.datasource", GP_WARN);
	harness_free(h);
	target = read_link(tree, "etc/systemd/system/cloud-init.service");
	assert_non_null(target);
	assert_string_equal(target, "/dev/null");
	free(target);
	target = tree_file(tree, DROPIN);
	assert_int_equal(access(target, F_OK), -1);
	free(target);
}

/* An edited drop-in of ours is rewritten; an identical one is left. */
static void fix_rewrites_own_dropin(void **state)
{
	char *tree = copy_of("centos7-datasource");
	struct harness *h;

	tree_write(tree, DROPIN, "datasource_list: [ NoCloud ]\n");
	h = harness_plan(tree, "cloud_init", NULL);
	assert_int_equal(h->plan.n_changes, 1);
	assert_true(harness_planned(h, DROPIN)->existed);
	harness_free(h);

	tree_write(tree, DROPIN, DROPIN_TEXT);
	h = harness_plan(tree, "cloud_init", NULL);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* Mixed causes: the flag is removed, the command line is left. */
static void fix_partial_when_cmdline(void **state)
{
	char *tree = copy_of("ubuntu1804-cmdline");
	struct harness *h;

	tree_write(tree, "etc/cloud/cloud-init.disabled", "");
	h = harness_plan(tree, "cloud_init", NULL);
	assert_int_equal(h->plan.n_changes, 1);
	assert_non_null(harness_planned(h, "/etc/cloud/cloud-init.disabled"));
	apply_plan(tree, h);
	harness_free(h);

	h = harness_plan(tree, "cloud_init", NULL);
	harness_expect_none(h, "cloud_init.enabled.flag");
	harness_expect(h, "cloud_init.enabled.cmdline", GP_WARN);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(installed_ubuntu_passes),
		TEST(installed_centos_passes),
		TEST(not_installed_warns),
		TEST(not_installed_profile_fail),
		TEST(deinstalled_is_not_installed),
		TEST(deinstall_selected_still_installed),
		TEST(binary_alone_is_incomplete),
		TEST(dpkg_status_hostile),
		TEST(coreos_skips),
		TEST(enabled_by_generator_passes),
		TEST(enabled_by_wants_link_passes),
		TEST(disabled_by_flag_file),
		TEST(disabled_by_flag_profile_fail),
		TEST(flag_directory_not_fixable),
		TEST(disabled_by_kernel_cmdline),
		TEST(disabled_by_grub_d_snippet),
		TEST(cmdline_replaced_later_passes),
		TEST(cmdline_lookalikes_pass),
		TEST(masked_units_warn),
		TEST(empty_unit_is_a_mask),
		TEST(override_unit_is_no_mask),
		TEST(no_enablement_links_warn),
		TEST(masked_generator_warns),
		TEST(dangling_wants_link_warns),
		TEST(without_systemd_passes),
		TEST(every_way_disabled),
		TEST(datasource_ubuntu_passes),
		TEST(datasource_default_list_passes),
		TEST(datasource_without_aliyun_warns),
		TEST(datasource_profile_fail),
		TEST(datasource_other_profile_list),
		TEST(datasource_profile_names_none_skips),
		TEST(datasource_fixed_by_later_file),
		TEST(datasource_lexical_order),
		TEST(datasource_set_after_dropin_not_fixable),
		TEST(datasource_spellings),
		TEST(garbled_yaml_warns),
		TEST(garbled_yaml_position),
		TEST(unreadable_shapes_warn),
		TEST(binary_cloud_cfg_warns),
		TEST(fifo_dropin_warns_without_blocking),
		TEST(huge_dropin_refused),
		TEST(bomb_deep_flow_nesting),
		TEST(bomb_deep_block_nesting),
		TEST(bomb_billion_laughs),
		TEST(bomb_huge_anchors),
		TEST(bomb_many_anchors),
		TEST(bomb_many_nodes),
		TEST(datasource_module_missing),
		TEST(fix_nothing_when_fine),
		TEST(fix_nothing_when_not_installed),
		TEST(fix_removes_flag),
		TEST(fix_unmasks),
		TEST(fix_leaves_cmdline),
		TEST(fix_writes_dropin),
		TEST(fix_dropin_from_profile),
		TEST(fix_then_recheck_is_idempotent),
		TEST(fix_apply_recheck_undo),
		TEST(fix_rewrites_own_dropin),
		TEST(fix_partial_when_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
