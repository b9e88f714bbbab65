/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qemu_ga plugin: qemu_ga.installed, qemu_ga.enabled, qemu_ga.running
 * and the fixers' plans.
 *
 * Installed systems are static fixtures (tests/fixtures/qemu_ga/...);
 * damaged databases, rpm databases (binary files), hostile files and the
 * live /proc are built at run time in temporary trees.  "Live" runs set
 * h->host.live, which is what the plugin reads (the core sets it from
 * gp_root_is_live()), so a tree's /proc stands for the running system's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "journal.h"
#include "util.h"

#define FIXTURE(name) FIXTURES_DIR "/qemu_ga/" name
#define ETC_UNIT "/etc/systemd/system/qemu-guest-agent.service"
#define DEBIAN_WANTS                                                        \
	"/etc/systemd/system/dev-virtio\\x2dports-org.qemu.guest_agent.0."  \
	"device.wants/qemu-guest-agent.service"
#define CENTOS7_WANTS \
	"/etc/systemd/system/multi-user.target.wants/qemu-guest-agent.service"

/*
 * Run the qemu_ga checks on @dir as `guestprep check` (@plan false) or
 * `guestprep fix` (@plan true) would, on a live system or not, with or
 * without --remove-packages.
 */
static struct harness *run_as(const char *dir, bool live, bool remove_packages,
			      bool plan)
{
	const struct harness_opts opts = { .live = live,
					   .remove_packages = remove_packages,
					   .plan = plan };

	return harness_run_opts(dir, "qemu_ga", &opts);
}

static void expect3(const char *dir, enum gp_status running,
		    enum gp_status enabled, enum gp_status installed)
{
	struct harness *h = harness_run(dir, "qemu_ga", NULL);

	harness_expect(h, "qemu_ga.running", running);
	harness_expect(h, "qemu_ga.enabled", enabled);
	harness_expect(h, "qemu_ga.installed", installed);
	harness_free(h);
}

static void expect_installed(const char *dir, enum gp_status status)
{
	struct harness *h = harness_run(dir, "qemu_ga.installed", NULL);

	harness_expect(h, "qemu_ga.installed", status);
	harness_free(h);
}

static void expect_enabled(const char *dir, enum gp_status status)
{
	struct harness *h = harness_run(dir, "qemu_ga.enabled", NULL);

	harness_expect(h, "qemu_ga.enabled", status);
	harness_free(h);
}

static size_t count_evidence(const struct harness *h, const char *id,
			     const char *prefix)
{
	const struct gp_finding *f = harness_find(h, id);
	size_t n = 0;

	assert_non_null(f);
	for (size_t i = 0; i < f->n_evidence; i++)
		n += startswith(f->evidence[i], prefix);
	return n;
}

/* The commands the plan runs, and the path changes, separately. */
static size_t n_commands(const struct harness *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->plan.n_changes; i++)
		n += h->plan.changes[i].kind == GP_CHANGE_COMMAND;
	return n;
}

static const struct gp_change *only_command(const struct harness *h)
{
	assert_int_equal(n_commands(h), 1);
	for (size_t i = 0; i < h->plan.n_changes; i++)
		if (h->plan.changes[i].kind == GP_CHANGE_COMMAND)
			return &h->plan.changes[i];
	return NULL;
}

static void expect_argv(char *const *argv, const char *const *expected)
{
	size_t i;

	assert_non_null(argv);
	for (i = 0; expected[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], expected[i]);
	}
	assert_null(argv[i]);
}

static void expect_removed(const struct harness *h, const char *path)
{
	const struct gp_change *c = harness_planned(h, path);

	if (!c)
		fail_msg("%s: no change planned", path);
	assert_int_equal(c->kind, GP_CHANGE_REMOVE);
	assert_string_equal(c->check, "qemu_ga.enabled");
}

static void expect_masked(const struct harness *h)
{
	const struct gp_change *c = harness_planned(h, ETC_UNIT);

	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_SYMLINK);
	assert_string_equal(c->target, "/dev/null");
}

/*
 * Stand-in for the journal (not what is tested here): carry out a plan's
 * file changes in @tree so the checks can be run again.
 */
static void apply_by_hand(const char *tree, const struct gp_plan *plan)
{
	for (size_t i = 0; i < plan->n_changes; i++) {
		const struct gp_change *c = &plan->changes[i];
		char *full;

		if (c->kind == GP_CHANGE_COMMAND)
			continue;
		full = tree_file(tree, c->path);
		switch (c->kind) {
		case GP_CHANGE_REMOVE:
			assert_int_equal(unlink(full), 0);
			break;
		case GP_CHANGE_SYMLINK:
			unlink(full);
			assert_int_equal(symlink(c->target, full), 0);
			break;
		default:
			fail_msg("%s: unexpected write", c->path);
		}
		free(full);
	}
}

/* A Debian 11 tree whose dpkg status file is @status. */
static char *debian_tree(const char *status)
{
	char *tree = tree_kept(tree_new());

	tree_write(tree, "etc/os-release",
		   "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\n"
		   "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"11\"\nID=debian\n");
	tree_write(tree, "etc/debian_version", "11.7\n");
	tree_write(tree, "usr/bin/apt-get", "stub\n");
	if (status)
		tree_write(tree, "var/lib/dpkg/status", status);
	return tree;
}

#define AGENT_STANZA(status)                                               \
	"Package: qemu-guest-agent\nStatus: " status "\n"                  \
	"Priority: optional\nSection: admin\nArchitecture: amd64\n"        \
	"Source: qemu\nVersion: 1:5.2+dfsg-11+deb11u2\n"                   \
	"Description: QEMU guest agent\n the qemu-ga daemon\n"

#define OTHER_STANZA                                                        \
	"Package: zlib1g\nStatus: install ok installed\nPriority: optional\n" \
	"Architecture: amd64\nVersion: 1:1.2.11.dfsg-2+deb11u2\n"            \
	"Description: compression library\n the deflate library\n"

/*
 * The bytes of an rpm database file: @magic at its start, and a page
 * holding a package header whose NUL-terminated strings are @strings
 * (the only part the heuristic looks at), at @offset.
 */
static void write_rpmdb(const char *tree, const char *path, const char *magic,
			size_t magic_off, size_t offset,
			const char *const *strings)
{
	size_t size = offset + 4096;
	unsigned char *buf = calloc(1, size);
	unsigned char *p = buf + offset;

	assert_non_null(buf);
	/* The magic bytes alone: the file is no string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + magic_off, magic, strlen(magic));
	/* Header intro: index entries, data length (big endian). */
	memcpy(p, "\0\0\0\x06\0\0\0\x80", 8);
	p += 8 + 6 * 16;
	for (size_t i = 0; strings[i]; i++) {
		size_t n = strlen(strings[i]) + 1;

		assert_true(p + n <= buf + size);
		memcpy(p, strings[i], n);
		p += n;
	}
	tree_write_bytes(tree, path, buf, size);
	free(buf);
}

/* Berkeley DB hash magic 0x00061561, little endian, at offset 12. */
#define BDB_MAGIC "\x61\x15\x06"

static const char *const agent_header[] = {
	"C", "qemu-guest-agent", "2.12.0", "3.el7_9.4", "QEMU guest agent",
	"The QEMU guest agent lets the host query and control the guest.",
	"x86_64", NULL,
};

/* Mentions that are not the package: other names, changelogs. */
static const char *const other_headers[] = {
	"C", "qemu-guest-agent-debuginfo", "qemu-guest-agent(x86-64)",
	"libvirt-qemu-guest-agent", "- Rebuild qemu-guest-agent for 7.9",
	"cloud-init", NULL,
};

/* --- qemu_ga.installed ---------------------------------------------- */

/* CentOS 7 without the agent: nothing to find, nothing to judge. */
static void installed_absent_passes(void **state)
{
	expect3(FIXTURE("centos7-clean"), GP_SKIP, GP_SKIP, GP_PASS);
}

/* Debian 11: package, program, unit, init script. */
static void installed_debian_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian-installed"),
					"qemu_ga.installed", NULL);

	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed", "/usr/sbin/qemu-ga");
	harness_expect_evidence(h, "qemu_ga.installed",
				"Status: install ok installed");
	harness_expect_evidence(h, "qemu_ga.installed",
				"/lib/systemd/system/qemu-guest-agent.service");
	harness_expect_evidence(h, "qemu_ga.installed",
				"/etc/init.d/qemu-guest-agent");
	/* Check mode: nothing is removed without --remove-packages. */
	assert_false(harness_fixable(h, "qemu_ga.installed"));
	harness_free(h);
}

/* After "apt-get remove": config-files only, the init script remains. */
static void installed_debian_removed_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian-removed"), "qemu_ga",
					NULL);

	harness_expect(h, "qemu_ga.installed", GP_PASS);
	harness_expect_evidence(h, "qemu_ga.installed",
				"deinstall ok config-files");
	harness_expect_evidence(h, "qemu_ga.installed", "left over");
	harness_expect(h, "qemu_ga.enabled", GP_SKIP);
	harness_free(h);
}

/* CentOS 7 merges /lib into /usr/lib: one unit, counted once. */
static void installed_centos7_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-enabled"),
					"qemu_ga.installed", NULL);

	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed", "/usr/bin/qemu-ga");
	assert_int_equal(count_evidence(h, "qemu_ga.installed",
					"systemd unit: "), 1);
	harness_free(h);
}

/* CentOS 6: /etc/init.d is a link to rc.d/init.d: one script. */
static void installed_centos6_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos6-sysv"),
					"qemu_ga.installed", NULL);

	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed",
				"/etc/rc.d/init.d/qemu-ga");
	assert_int_equal(count_evidence(h, "qemu_ga.installed",
					"SysV init script: "), 1);
	harness_free(h);
}

/* Masking stops it starting; the package is still there. */
static void installed_masked_still_fails(void **state)
{
	expect3(FIXTURE("ubuntu-masked"), GP_SKIP, GP_PASS, GP_FAIL);
}

/* Built from source into /usr/local: no package to remove. */
static void installed_binary_only_fails(void **state)
{
	struct harness *h = run_as(FIXTURE("binary-only"), false, true, true);

	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed",
				"/usr/local/bin/qemu-ga");
	assert_false(harness_fixable(h, "qemu_ga.installed"));
	harness_expect(h, "qemu_ga.enabled", GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* The profile decides the severity of both installed and enabled. */
static void installed_profile_severity(void **state)
{
	static const char *const warn[] = { "qemu_ga.installed=warn", NULL };
	static const char *const pass[] = { "qemu_ga.installed=pass", NULL };
	struct harness *h;

	h = harness_run(FIXTURE("debian-installed"), "qemu_ga", warn);
	harness_expect(h, "qemu_ga.installed", GP_WARN);
	harness_expect(h, "qemu_ga.enabled", GP_WARN);
	harness_free(h);
	h = harness_run(FIXTURE("debian-installed"), "qemu_ga", pass);
	harness_expect(h, "qemu_ga.installed", GP_PASS);
	harness_expect(h, "qemu_ga.enabled", GP_PASS);
	harness_free(h);
}

/* --- the dpkg status database ---------------------------------------- */

/* The database alone says it is installed (files deleted by hand). */
static void dpkg_states(void **state)
{
	static const struct {
		const char *status;
		enum gp_status expect;
	} cases[] = {
		{ AGENT_STANZA("install ok installed"), GP_FAIL },
		{ AGENT_STANZA("hold ok installed"), GP_FAIL },
		{ AGENT_STANZA("install ok unpacked"), GP_FAIL },
		{ AGENT_STANZA("install reinstreq half-installed"), GP_FAIL },
		{ AGENT_STANZA("install ok triggers-pending"), GP_FAIL },
		{ AGENT_STANZA("deinstall ok config-files"), GP_PASS },
		{ AGENT_STANZA("purge ok not-installed"), GP_PASS },
		/* Not a state dpkg knows: cannot tell. */
		{ AGENT_STANZA("install ok"), GP_WARN },
		{ AGENT_STANZA("install ok sideways"), GP_WARN },
		{ "Package: qemu-guest-agent\nVersion: 1:5.2\n", GP_WARN },
		/* Field names do not depend on case (deb822). */
		{ "package: qemu-guest-agent\nSTATUS: install ok installed\n",
		  GP_FAIL },
		/* Only this package's name counts. */
		{ "Package: qemu-guest-agent-dbgsym\n"
		  "Status: install ok installed\n", GP_PASS },
		/* A continuation line is part of a description, not a field. */
		{ "Package: zlib1g\nStatus: install ok installed\n"
		  "Description: compression library\n"
		  " Package: qemu-guest-agent\n", GP_PASS },
		/* Multiarch: one architecture removed, the other installed. */
		{ AGENT_STANZA("deinstall ok config-files") "\n"
		  AGENT_STANZA("install ok installed"), GP_FAIL },
		/* The last paragraph without its final newline. */
		{ OTHER_STANZA "\nPackage: qemu-guest-agent\n"
		  "Status: install ok installed", GP_FAIL },
		/* Paragraphs separated by blank-looking lines. */
		{ OTHER_STANZA " \t\n" AGENT_STANZA("install ok installed"),
		  GP_FAIL },
		{ "", GP_PASS },
		{ OTHER_STANZA, GP_PASS },
	};

	char *tree = debian_tree(NULL);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct harness *h;

		tree_write(tree, "var/lib/dpkg/status", cases[i].status);
		h = harness_run(tree, "qemu_ga.installed", NULL);
		if (!harness_find(h, "qemu_ga.installed") ||
		    harness_find(h, "qemu_ga.installed")->status !=
		    cases[i].expect)
			print_error("case %zu\n", i);
		harness_expect(h, "qemu_ga.installed", cases[i].expect);
		harness_free(h);
	}
}

/* Lines that are not fields around a good paragraph: still read. */
static void dpkg_garbled_lines_still_read(void **state)
{
	char *tree = debian_tree(OTHER_STANZA "\nthis line is not a field\n"
				 ": no name\nPack age: x\n\n"
				 AGENT_STANZA("install ok installed") "\n"
				 "<<<<<<< merge conflict\n");
	struct harness *h = harness_run(tree, "qemu_ga.installed", NULL);

	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed", "not deb822 fields");
	harness_free(h);
}

/* Binary junk where the status file should be: nothing can be told. */
static void dpkg_binary_garbage_warns(void **state)
{
	char *tree = debian_tree(NULL);
	unsigned char junk[8192];
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	tree_write_bytes(tree, "var/lib/dpkg/status", junk, sizeof(junk));
	expect_installed(tree, GP_WARN);
}

/* Junk around the agent's paragraph: NULs, a line without newline. */
static void dpkg_nul_bytes_do_not_hide_a_paragraph(void **state)
{
	static const char text[] =
		"Package: a\0b\nStatus: install ok installed\n\n"
		"Package: qemu-guest-agent\nStatus: install ok installed\n"
		"\n\0\0\0";
	char *tree = debian_tree(NULL);

	tree_write_bytes(tree, "var/lib/dpkg/status", text, sizeof(text) - 1);
	expect_installed(tree, GP_FAIL);
}

/* A FIFO has no writer: reading it would hang the run. */
static void dpkg_fifo_warns_without_blocking(void **state)
{
	char *tree = debian_tree(NULL);

	tree_mkdir(tree, "var/lib/dpkg");
	tree_mkfifo(tree, "var/lib/dpkg/status");
	alarm(20);
	expect_installed(tree, GP_WARN);
	alarm(0);
}

static void dpkg_directory_warns(void **state)
{
	char *tree = debian_tree(NULL);

	tree_mkdir(tree, "var/lib/dpkg/status");
	expect_installed(tree, GP_WARN);
}

/* --- the rpm database: a presence heuristic -------------------------- */

/* The name alone, no file of the agent: maybe a stale page. */
static void rpmdb_alone_warns(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-clean"));
	struct harness *h;

	write_rpmdb(tree, "var/lib/rpm/Packages", BDB_MAGIC, 12, 8192,
		    agent_header);
	h = run_as(tree, false, true, true);
	harness_expect(h, "qemu_ga.installed", GP_WARN);
	harness_expect_evidence(h, "qemu_ga.installed", "presence heuristic");
	assert_false(harness_fixable(h, "qemu_ga.installed"));
	harness_expect(h, "qemu_ga.enabled", GP_SKIP);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* With the program and the unit, it counts. */
static void rpmdb_corroborated_fails(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
	struct harness *h;

	write_rpmdb(tree, "var/lib/rpm/Packages", BDB_MAGIC, 12, 8192,
		    agent_header);
	h = harness_run(tree, "qemu_ga.installed", NULL);
	harness_expect(h, "qemu_ga.installed", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.installed", "presence heuristic");
	harness_free(h);
}

/* Other packages' names and changelogs that mention it do not count. */
static void rpmdb_lookalikes_pass(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-clean"));

	write_rpmdb(tree, "var/lib/rpm/Packages", BDB_MAGIC, 12, 8192,
		    other_headers);
	expect_installed(tree, GP_PASS);
}

/* The file is read in 1 MiB chunks: the name around the first boundary. */
static void rpmdb_name_across_chunks(void **state)
{
	static const char *const strs[] = { "qemu-guest-agent", NULL };
	static const size_t at[] = {
		(1u << 20) - 5,		/* the name crosses it */
		(1u << 20) - 16,	/* its NUL just after it */
		(1u << 20) - 17,	/* just before it */
		1u << 20,		/* at it: the byte before in chunk 1 */
		(1u << 20) + 1,
		3u << 20,
	};
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-clean"));

	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		/* The strings start 8 + 6 * 16 bytes into the header. */
		write_rpmdb(tree, "var/lib/rpm/Packages", BDB_MAGIC, 12,
			    at[i] - 8 - 6 * 16, strs);
		expect_installed(tree, GP_WARN);
	}
}

/* RHEL 9: SQLite, in /usr/lib/sysimage/rpm with /var/lib/rpm a link. */
static void rpmdb_sqlite_counted_once(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-clean"));
	struct harness *h;

	tree_remove(tree, "var/lib/rpm/.keep");
	tree_remove(tree, "var/lib/rpm");
	tree_symlink(tree, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	write_rpmdb(tree, "usr/lib/sysimage/rpm/rpmdb.sqlite",
		    "SQLite format 3", 0, 4096, agent_header);
	h = harness_run(tree, "qemu_ga.installed", NULL);
	harness_expect(h, "qemu_ga.installed", GP_WARN);
	assert_int_equal(count_evidence(h, "qemu_ga.installed",
					"rpm database: "), 1);
	harness_free(h);
}

/* A tolerant profile tolerates the guess too. */
static void rpmdb_alone_profile_pass(void **state)
{
	static const char *const set[] = { "qemu_ga.installed=pass", NULL };
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-clean"));
	struct harness *h;

	write_rpmdb(tree, "var/lib/rpm/Packages", BDB_MAGIC, 12, 8192,
		    agent_header);
	h = harness_run(tree, "qemu_ga.installed", set);
	harness_expect(h, "qemu_ga.installed", GP_PASS);
	harness_free(h);
}

/* --- qemu_ga.enabled ------------------------------------------------- */

/*
 * Debian: the udev rule starts it when the host's channel appears, and a
 * device wants link; the init script's rc links are ignored by systemd.
 */
static void enabled_debian_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian-installed"),
					"qemu_ga.enabled", NULL);

	harness_expect(h, "qemu_ga.enabled", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.enabled", DEBIAN_WANTS);
	harness_expect_evidence(h, "qemu_ga.enabled",
				"udev: /lib/udev/rules.d/60-qemu-guest-agent");
	harness_expect_evidence(h, "qemu_ga.enabled",
				"ignored: systemd runs the native unit");
	assert_true(harness_fixable(h, "qemu_ga.enabled"));
	harness_free(h);
}

static void enabled_centos7_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-enabled"),
					"qemu_ga.enabled", NULL);

	harness_expect(h, "qemu_ga.enabled", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.enabled", CENTOS7_WANTS);
	assert_true(harness_fixable(h, "qemu_ga.enabled"));
	harness_free(h);
}

/* "systemctl disable" leaves udev's trigger: still started. */
static void enabled_by_udev_alone_fails(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
	struct harness *h;

	tree_remove(tree, CENTOS7_WANTS);
	h = harness_run(tree, "qemu_ga.enabled", NULL);
	harness_expect(h, "qemu_ga.enabled", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.enabled", "udev: ");
	harness_free(h);
}

/* A rule overridden by /dev/null in /etc, or commented out, is off. */
static void enabled_udev_rule_disabled_passes(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
	char *tree2 = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
	char *rule = "usr/lib/udev/rules.d/99-qemu-guest-agent.rules";

	tree_remove(tree, CENTOS7_WANTS);
	tree_symlink(tree, "etc/udev/rules.d/99-qemu-guest-agent.rules",
		     "/dev/null");
	expect_enabled(tree, GP_PASS);

	tree_remove(tree2, CENTOS7_WANTS);
	tree_remove(tree2, rule);
	tree_write(tree2, rule,
		   "#SUBSYSTEM==\"virtio-ports\", "
		   "ATTR{name}==\"org.qemu.guest_agent.0\", \\\n"
		   "  TAG+=\"systemd\", "
		   "ENV{SYSTEMD_WANTS}=\"qemu-guest-agent.service\"\n");
	expect_enabled(tree2, GP_PASS);
}

/* A rule split over continuation lines is one rule. */
static void enabled_udev_continuation_fails(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
	char *rule = "usr/lib/udev/rules.d/99-qemu-guest-agent.rules";

	tree_remove(tree, CENTOS7_WANTS);
	tree_remove(tree, rule);
	tree_write(tree, rule,
		   "SUBSYSTEM==\"virtio-ports\", "
		   "ATTR{name}==\"org.qemu.guest_agent.0\", \\\n"
		   "  TAG+=\"systemd\" "
		   "ENV{SYSTEMD_WANTS}=\"qemu-guest-agent.service\"\n");
	expect_enabled(tree, GP_FAIL);
}

static void enabled_centos6_sysv_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos6-sysv"),
					"qemu_ga.enabled", NULL);

	harness_expect(h, "qemu_ga.enabled", GP_FAIL);
	harness_expect_evidence(h, "qemu_ga.enabled",
				"/etc/rc.d/rc3.d/S99qemu-ga -> "
				"../init.d/qemu-ga");
	/* /etc/rc3.d is a link to rc.d/rc3.d: each link once. */
	assert_int_equal(count_evidence(h, "qemu_ga.enabled",
					"SysV start link: "), 4);
	harness_free(h);
}

/* Start links to a script that is gone start nothing. */
static void enabled_dangling_rc_links_pass(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos6-sysv"));

	tree_remove(tree, "etc/rc.d/init.d/qemu-ga");
	expect_enabled(tree, GP_PASS);
}

static void enabled_masked_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu-masked"),
					"qemu_ga.enabled", NULL);

	harness_expect(h, "qemu_ga.enabled", GP_PASS);
	harness_expect_evidence(h, "qemu_ga.enabled", "masked: " ETC_UNIT);
	harness_free(h);
}

/* systemd also reads an empty unit file as masked. */
static void enabled_masked_by_empty_file_passes(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));

	tree_write(tree, ETC_UNIT, "");
	expect_enabled(tree, GP_PASS);
}

static void enabled_not_installed_skips(void **state)
{
	expect_enabled(FIXTURE("centos7-clean"), GP_SKIP);
	expect_enabled(FIXTURE("debian-removed"), GP_SKIP);
}

/* --- qemu_ga.running --------------------------------------------------- */

static void running_offline_skips(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-enabled"),
					"qemu_ga.running", NULL);

	harness_expect(h, "qemu_ga.running", GP_SKIP);
	harness_free(h);
}

/* A copy of @fixture with a /proc whose processes are @comms. */
static char *live_tree(const char *fixture, const char *const *comms)
{
	char *tree = tree_kept(tree_copy(fixture));

	tree_write(tree, "proc/self", "not a process directory\n");
	tree_mkdir(tree, "proc/sys");
	for (size_t i = 0; comms[i]; i++) {
		char *path = strprintf("proc/%zu/comm", 100 * i + 1);

		tree_write(tree, path, comms[i]);
		free(path);
	}
	return tree;
}

static void running_live_warns(void **state)
{
	static const char *const comms[] = {
		"systemd\n", "sshd\n", "qemu-ga\n", "qemu-ga-helper\n", NULL,
	};
	char *tree = live_tree("qemu_ga/centos7-enabled", comms);
	struct harness *h = run_as(tree, true, false, false);

	harness_expect(h, "qemu_ga.running", GP_WARN);
	harness_expect_evidence(h, "qemu_ga.running", "/proc/201/comm");
	assert_int_equal(count_evidence(h, "qemu_ga.running", "/proc/"), 1);
	assert_true(harness_fixable(h, "qemu_ga.running"));
	harness_free(h);
}

static void running_live_absent_passes(void **state)
{
	static const char *const comms[] = { "systemd\n", "sshd\n", NULL };
	char *tree = live_tree("qemu_ga/centos7-enabled", comms);
	struct harness *h = run_as(tree, true, false, false);

	harness_expect(h, "qemu_ga.running", GP_PASS);
	harness_free(h);
}

/* This machine: whatever runs here, the check must judge it. */
static void running_on_this_machine_judges(void **state)
{
	struct harness *h = harness_run("/", "qemu_ga.running", NULL);
	const struct gp_finding *f = harness_find(h, "qemu_ga.running");

	assert_non_null(f);
	assert_true(f->status == GP_PASS || f->status == GP_WARN);
	harness_free(h);
}

/* --- fixers ---------------------------------------------------------- */

/*
 * Debian offline: the wants link goes, the unit is masked (which also
 * stops udev from starting it); rc links systemd ignores stay; nothing
 * to stop.
 */
static void fix_debian_offline(void **state)
{
	struct harness *h = harness_plan(FIXTURE("debian-installed"),
					 "qemu_ga", NULL);

	expect_removed(h, DEBIAN_WANTS);
	expect_masked(h);
	assert_int_equal(h->plan.n_changes, 2);
	harness_free(h);
}

static void fix_centos7_offline(void **state)
{
	struct harness *h = harness_plan(FIXTURE("centos7-enabled"),
					 "qemu_ga", NULL);

	expect_removed(h, CENTOS7_WANTS);
	expect_masked(h);
	assert_null(harness_planned(h, "/etc/systemd/system/multi-user."
					"target.wants/sshd.service"));
	assert_int_equal(h->plan.n_changes, 2);
	harness_free(h);
}

/* CentOS 6: the S links go, where they are; K links and sshd stay. */
static void fix_centos6_offline(void **state)
{
	struct harness *h = harness_plan(FIXTURE("centos6-sysv"), "qemu_ga",
					 NULL);

	for (int level = 2; level <= 5; level++) {
		char *path = strprintf("/etc/rc.d/rc%d.d/S99qemu-ga", level);

		expect_removed(h, path);
		free(path);
	}
	assert_int_equal(h->plan.n_changes, 4);
	harness_free(h);
}

/* Masked and disabled: nothing to do (the package stays). */
static void fix_masked_plans_nothing(void **state)
{
	struct harness *h = harness_plan(FIXTURE("ubuntu-masked"), "qemu_ga",
					 NULL);

	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* Live and running: stopped first, with systemctl, undone by start. */
static void fix_live_stops_with_systemctl(void **state)
{
	static const char *const comms[] = { "systemd\n", "qemu-ga\n", NULL };
	static const char *const stop[] = {
		"/bin/systemctl", "stop", "qemu-guest-agent.service", NULL,
	};
	static const char *const start[] = {
		"/bin/systemctl", "start", "qemu-guest-agent.service", NULL,
	};
	char *tree = live_tree("qemu_ga/centos7-enabled", comms);
	struct harness *h = run_as(tree, true, false, true);
	const struct gp_change *c = only_command(h);

	expect_argv(c->argv, stop);
	expect_argv(c->undo_argv, start);
	assert_true(c->flags & GP_CMD_IN_GUEST);
	assert_ptr_equal(c, &h->plan.changes[0]);
	expect_removed(h, CENTOS7_WANTS);
	expect_masked(h);
	assert_int_equal(h->plan.n_changes, 3);
	harness_free(h);
}

static void fix_live_stops_sysv(void **state)
{
	static const char *const comms[] = { "init\n", "qemu-ga\n", NULL };
	static const char *const stop[] = {
		"/sbin/service", "qemu-ga", "stop", NULL,
	};
	static const char *const start[] = {
		"/sbin/service", "qemu-ga", "start", NULL,
	};
	char *tree = live_tree("qemu_ga/centos6-sysv", comms);
	struct harness *h = run_as(tree, true, false, true);
	const struct gp_change *c = only_command(h);

	expect_argv(c->argv, stop);
	expect_argv(c->undo_argv, start);
	harness_free(h);
}

/* Live but not running: nothing to stop. */
static void fix_live_not_running_no_command(void **state)
{
	static const char *const comms[] = { "systemd\n", NULL };
	char *tree = live_tree("qemu_ga/centos7-enabled", comms);
	struct harness *h = run_as(tree, true, false, true);

	assert_int_equal(n_commands(h), 0);
	assert_int_equal(h->plan.n_changes, 2);
	harness_free(h);
}

/* --remove-packages on Debian: apt-get, last, not revertible. */
static void fix_remove_packages_debian(void **state)
{
	static const char *const apt[] = {
		"/usr/bin/apt-get", "-y", "remove", "qemu-guest-agent", NULL,
	};
	struct harness *h = run_as(FIXTURE("debian-installed"), false, true,
				   true);
	const struct gp_change *c = only_command(h);

	assert_true(harness_fixable(h, "qemu_ga.installed"));
	expect_argv(c->argv, apt);
	assert_null(c->undo_argv);
	assert_true(c->flags & GP_CMD_IN_GUEST);
	assert_string_equal(c->check, "qemu_ga.installed");
	/* After the link changes, which the package's scripts would touch. */
	assert_ptr_equal(c, &h->plan.changes[h->plan.n_changes - 1]);
	assert_int_equal(h->plan.n_changes, 3);
	harness_free(h);
}

/* rpm systems: dnf, else yum, else zypper, as the tree has them. */
static void fix_remove_packages_rpm(void **state)
{
	static const struct {
		const char *add, *drop, *db;
		const char *argv[5];
	} cases[] = {
		{ NULL, NULL, "var/lib/rpm/Packages",
		  { "/usr/bin/yum", "-y", "remove", "qemu-guest-agent" } },
		{ "usr/bin/dnf", NULL, "var/lib/rpm/rpmdb.sqlite",
		  { "/usr/bin/dnf", "-y", "remove", "qemu-guest-agent" } },
		{ "usr/bin/zypper", "usr/bin/yum",
		  "usr/lib/sysimage/rpm/Packages.db",
		  { "/usr/bin/zypper", "-n", "remove", "qemu-guest-agent" } },
		{ NULL, "usr/bin/yum", "var/lib/rpm/Packages",
		  { "/usr/bin/rpm", "-e", "qemu-guest-agent" } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *tree = tree_kept(tree_copy("qemu_ga/centos7-enabled"));
		struct harness *h;

		if (cases[i].add)
			tree_write(tree, cases[i].add, "stub\n");
		if (cases[i].drop)
			tree_remove(tree, cases[i].drop);
		write_rpmdb(tree, cases[i].db, BDB_MAGIC, 12, 8192,
			    agent_header);
		h = run_as(tree, false, true, true);
		expect_argv(only_command(h)->argv, cases[i].argv);
		assert_null(only_command(h)->undo_argv);
		harness_free(h);
	}
}

/* Without a package database that lists it, no package manager runs. */
static void fix_remove_packages_needs_a_package(void **state)
{
	struct harness *h = run_as(FIXTURE("centos7-enabled"), false, true,
				   true);

	assert_false(harness_fixable(h, "qemu_ga.installed"));
	assert_int_equal(n_commands(h), 0);
	harness_free(h);
}

/*
 * After the plan is carried out the checks pass (but installed, without
 * --remove-packages) and a second plan is empty.
 */
static void fix_is_idempotent(void **state)
{
	static const char *const fixtures[] = {
		"qemu_ga/debian-installed", "qemu_ga/centos7-enabled",
		"qemu_ga/centos6-sysv",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		char *tree = tree_kept(tree_copy(fixtures[i]));
		struct harness *h = harness_plan(tree, "qemu_ga", NULL);

		assert_true(h->plan.n_changes > 0);
		apply_by_hand(tree, &h->plan);
		harness_free(h);

		h = harness_plan(tree, "qemu_ga", NULL);
		harness_expect(h, "qemu_ga.enabled", GP_PASS);
		harness_expect(h, "qemu_ga.installed", GP_FAIL);
		assert_int_equal(h->plan.n_changes, 0);
		harness_free(h);
	}
}

/* --- through the journal: apply, check again, undo ------------------ */

/* The commands the journal ran (the exec seam, replaced). */
static char *ran[8];
static size_t n_ran;

static int fake_run(struct gp_root *root, struct gp_change *change)
{
	assert_true(n_ran < ARRAY_SIZE(ran));
	ran[n_ran++] = strv_join(change->argv, " ");
	return 0;
}

static void ran_reset(void)
{
	while (n_ran > 0)
		free(ran[--n_ran]);
}

/* Offline: apply, the checks pass, nothing left to plan, undo restores. */
static void journal_apply_recheck_undo(void **state)
{
	static const char *const fixtures[] = {
		"qemu_ga/debian-installed", "qemu_ga/centos7-enabled",
		"qemu_ga/centos6-sysv",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		char *tree = tree_kept(tree_copy(fixtures[i]));
		struct harness *h = harness_plan(tree, "qemu_ga", NULL);

		harness_apply(h, fake_run);
		harness_free(h);

		h = harness_plan(tree, "qemu_ga", NULL);
		harness_expect(h, "qemu_ga.enabled", GP_PASS);
		assert_int_equal(h->plan.n_changes, 0);
		harness_free(h);

		harness_undo(tree, fake_run);
		tree_expect_fixture(tree, fixtures[i]);
		h = harness_run(tree, "qemu_ga", NULL);
		harness_expect(h, "qemu_ga.enabled", GP_FAIL);
		harness_free(h);
	}
	assert_int_equal(n_ran, 0);
}

/* Live: the stop runs first; undo starts it again and restores links. */
static void journal_live_stop_and_undo(void **state)
{
	static const char *const comms[] = { "systemd\n", "qemu-ga\n", NULL };
	char *tree = live_tree("qemu_ga/centos7-enabled", comms);
	struct harness *h = run_as(tree, true, true, true);

	ran_reset();
	harness_apply(h, fake_run);
	assert_int_equal(n_ran, 1);
	assert_string_equal(ran[0],
			    "/bin/systemctl stop qemu-guest-agent.service");
	harness_free(h);

	harness_undo(tree, fake_run);
	assert_int_equal(n_ran, 2);
	assert_string_equal(ran[1],
			    "/bin/systemctl start qemu-guest-agent.service");
	h = harness_run(tree, "qemu_ga.enabled", NULL);
	harness_expect(h, "qemu_ga.enabled", GP_FAIL);
	harness_free(h);
	ran_reset();
}

/*
 * --remove-packages: the package tool runs through the journal after the
 * unit is masked; undo unmasks, and says the removal cannot be reverted.
 */
static void journal_remove_packages(void **state)
{
	char *tree = tree_kept(tree_copy("qemu_ga/debian-installed"));
	struct harness *h = run_as(tree, false, true, true);
	struct gp_undo_result res = { 0 };
	struct gp_root *root = NULL;
	size_t not_revertible = 0;

	ran_reset();
	harness_apply(h, fake_run);
	assert_int_equal(n_ran, 1);
	assert_string_equal(ran[0], "/usr/bin/apt-get -y remove qemu-guest-agent");
	harness_free(h);

	assert_int_equal(gp_root_new(tree, &root), 0);
	gp_root_allow_writes(root);
	assert_int_equal(journal_undo(root, NULL, fake_run, &res), 0);
	for (size_t i = 0; i < res.n_items; i++) {
		if (res.items[i].result == -EOPNOTSUPP)
			not_revertible++;
		else
			assert_int_equal(res.items[i].result, 0);
	}
	assert_int_equal(not_revertible, 1);
	assert_int_equal(n_ran, 1);	/* nothing to run back */
	undo_result_done(&res);
	gp_root_free(root);
	tree_expect_fixture(tree, "qemu_ga/debian-installed");
	ran_reset();
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(installed_absent_passes),
		TEST(installed_debian_fails),
		TEST(installed_debian_removed_passes),
		TEST(installed_centos7_fails),
		TEST(installed_centos6_fails),
		TEST(installed_masked_still_fails),
		TEST(installed_binary_only_fails),
		TEST(installed_profile_severity),
		TEST(dpkg_states),
		TEST(dpkg_garbled_lines_still_read),
		TEST(dpkg_binary_garbage_warns),
		TEST(dpkg_nul_bytes_do_not_hide_a_paragraph),
		TEST(dpkg_fifo_warns_without_blocking),
		TEST(dpkg_directory_warns),
		TEST(rpmdb_alone_warns),
		TEST(rpmdb_corroborated_fails),
		TEST(rpmdb_lookalikes_pass),
		TEST(rpmdb_name_across_chunks),
		TEST(rpmdb_sqlite_counted_once),
		TEST(rpmdb_alone_profile_pass),
		TEST(enabled_debian_fails),
		TEST(enabled_centos7_fails),
		TEST(enabled_by_udev_alone_fails),
		TEST(enabled_udev_rule_disabled_passes),
		TEST(enabled_udev_continuation_fails),
		TEST(enabled_centos6_sysv_fails),
		TEST(enabled_dangling_rc_links_pass),
		TEST(enabled_masked_passes),
		TEST(enabled_masked_by_empty_file_passes),
		TEST(enabled_not_installed_skips),
		TEST(running_offline_skips),
		TEST(running_live_warns),
		TEST(running_live_absent_passes),
		TEST(running_on_this_machine_judges),
		TEST(fix_debian_offline),
		TEST(fix_centos7_offline),
		TEST(fix_centos6_offline),
		TEST(fix_masked_plans_nothing),
		TEST(fix_live_stops_with_systemctl),
		TEST(fix_live_stops_sysv),
		TEST(fix_live_not_running_no_command),
		TEST(fix_remove_packages_debian),
		TEST(fix_remove_packages_rpm),
		TEST(fix_remove_packages_needs_a_package),
		TEST(fix_is_idempotent),
		TEST(journal_apply_recheck_undo),
		TEST(journal_live_stop_and_undo),
		TEST(journal_remove_packages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
