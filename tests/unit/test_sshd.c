/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sshd plugin: sshd.installed, sshd.enabled, sshd.config.{syntax,
 * port,root_login,password_auth} and the fixers.
 *
 * Installed systems are the fixtures in tests/fixtures/sshd/ (see its
 * README); the ways a configuration goes wrong are written into copies
 * of them at run time.  Fixers are planned, applied through the journal,
 * checked again, undone, and the tree compared with the fixture byte for
 * byte.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "journal.h"
#include "util.h"

#define CONFIG "/etc/ssh/sshd_config"
#define CLOUD_INIT_DROPIN "/etc/ssh/sshd_config.d/50-cloud-init.conf"
#define ROOT "sshd.config.root_login"
#define PASSWORD "sshd.config.password_auth"
#define PORT "sshd.config.port"
#define SYNTAX "sshd.config.syntax"
/* One byte over the largest configuration file the plugin reads. */
#define CONFIG_MAX_TEST ((1u << 20) + 2)

/* --- helpers --------------------------------------------------------- */

/* A copy of @fixture whose sshd_config is @config (NULL: kept). */
static char *copy_with(const char *fixture, const char *config)
{
	char *t = tree_kept(tree_copy(fixture));

	if (config) {
		tree_remove(t, CONFIG);
		tree_write(t, CONFIG, config);
	}
	return t;
}

static enum gp_status status_of(const char *tree, const char *id)
{
	struct harness *h = harness_run(tree, "sshd", NULL);
	const struct gp_finding *f = harness_find(h, id);
	enum gp_status s;

	if (!f)
		fail_msg("no finding %s", id);
	s = f->status;
	harness_free(h);
	return s;
}

static bool fixable(const char *tree, const char *id)
{
	struct harness *h = harness_run(tree, "sshd", NULL);
	const struct gp_finding *f = harness_find(h, id);
	bool r;

	assert_non_null(f);
	r = f->fixable;
	harness_free(h);
	return r;
}

/*
 * Plan the sshd fixes for @tree, check that @id is fixed and nothing is
 * left to plan, undo, and compare with @pristine (a copy made before).
 */
static void fix_recheck_undo(const char *tree, const char *pristine,
			     const char *const *ids)
{
	struct harness *h = harness_plan(tree, "sshd", NULL);

	assert_true(h->plan.n_changes > 0);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree, "sshd", NULL);
	for (size_t i = 0; ids[i]; i++)
		harness_expect(h, ids[i], GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	/* @pristine is often written anew, at another moment: no times. */
	tree_expect_same(tree, pristine, TREE_SAME_IGNORE_MTIME);
}

/*
 * @fixture with @config as its sshd_config: the plan writes exactly
 * @fixed there, and fix_recheck_undo() holds for @ids.
 */
static void expect_config_fix(const char *fixture, const char *config,
			      const char *fixed, const char *const *ids)
{
	char *t = copy_with(fixture, config);
	char *pristine = copy_with(fixture, config);
	struct harness *h = harness_plan(t, "sshd", NULL);
	const struct gp_change *c = harness_planned(h, CONFIG);

	assert_non_null(c);
	assert_string_equal(c->data, fixed);
	harness_free(h);
	fix_recheck_undo(t, pristine, ids);
}

/* --- fixtures of real distributions ------------------------------------ */

static void centos7_passes(void **state)
{
	struct harness *h = harness_fixture("sshd/centos7", "sshd");

	(void)state;
	harness_expect(h, "sshd.installed", GP_PASS);
	harness_expect(h, "sshd.enabled", GP_PASS);
	harness_expect(h, SYNTAX, GP_PASS);
	harness_expect(h, PORT, GP_PASS);
	harness_expect(h, ROOT, GP_PASS);
	harness_expect(h, PASSWORD, GP_PASS);
	harness_expect_evidence(h, "sshd.enabled",
				"multi-user.target.wants/sshd.service");
	/* "#PermitRootLogin yes" documents the default of RHEL 7's sshd. */
	harness_expect_evidence(h, ROOT, "sshd_config:");
	harness_free(h);
}

static void centos6_sysv_passes(void **state)
{
	struct harness *h = harness_fixture("sshd/centos6", "sshd");

	(void)state;
	harness_expect(h, "sshd.installed", GP_PASS);
	harness_expect(h, "sshd.enabled", GP_PASS);
	harness_expect_evidence(h, "sshd.enabled", "/etc/rc.d/rc3.d/S55sshd");
	harness_expect(h, PORT, GP_PASS);
	harness_expect(h, ROOT, GP_PASS);
	harness_expect(h, PASSWORD, GP_PASS);
	harness_free(h);
}

static void ubuntu2204_cloud_image_fails(void **state)
{
	struct harness *h = harness_fixture("sshd/ubuntu2204", "sshd");
	const struct gp_finding *f;

	(void)state;
	harness_expect(h, "sshd.installed", GP_PASS);
	harness_expect(h, "sshd.enabled", GP_PASS);
	harness_expect(h, SYNTAX, GP_PASS);
	harness_expect(h, PORT, GP_PASS);
	/* The default, prohibit-password, as the commented line says. */
	harness_expect(h, ROOT, GP_FAIL);
	harness_expect_evidence(h, ROOT, "prohibit-password");
	/* cloud-init's drop-in, read through the Include at the top. */
	harness_expect(h, PASSWORD, GP_FAIL);
	harness_expect_evidence(h, PASSWORD, CLOUD_INIT_DROPIN ":1:");
	harness_expect_evidence(h, SYNTAX, "read " CLOUD_INIT_DROPIN);
	f = harness_find(h, ROOT);
	assert_true(f->fixable);
	f = harness_find(h, PASSWORD);
	assert_true(f->fixable);
	harness_free(h);
}

static void ubuntu2404_socket_activated(void **state)
{
	struct harness *h = harness_fixture("sshd/ubuntu2404", "sshd");

	(void)state;
	harness_expect(h, "sshd.enabled", GP_PASS);
	harness_expect_evidence(h, "sshd.enabled",
				"sockets.target.wants/ssh.socket");
	harness_expect(h, PORT, GP_PASS);
	harness_expect_evidence(h, PORT, "ListenStream=22");
	harness_expect(h, ROOT, GP_FAIL);
	harness_free(h);
}

static void debian12_disabled_fails(void **state)
{
	struct harness *h = harness_fixture("sshd/debian12", "sshd");
	const struct gp_finding *f;

	(void)state;
	harness_expect(h, "sshd.installed", GP_PASS);
	harness_expect(h, "sshd.enabled", GP_FAIL);
	/* The init script's links do not start it under systemd. */
	harness_expect_evidence(h, "sshd.enabled", "/etc/rc2.d/S01ssh");
	f = harness_find(h, "sshd.enabled");
	assert_true(f->fixable);
	harness_expect(h, ROOT, GP_FAIL);
	harness_expect(h, PASSWORD, GP_PASS);
	harness_free(h);
}

static void sles12_keyboard_interactive_warns(void **state)
{
	struct harness *h = harness_fixture("sshd/sles12", "sshd");

	(void)state;
	harness_expect(h, "sshd.enabled", GP_PASS);
	harness_expect(h, ROOT, GP_PASS);
	harness_expect(h, PASSWORD, GP_WARN);
	harness_free(h);
}

static void profile_decides_severity(void **state)
{
	const char *const set[] = {
		"sshd.root_login=pass", "sshd.password_auth=warn", NULL,
	};
	const char *tree = FIXTURES_DIR "/sshd/ubuntu2204";
	struct harness *h = harness_plan(tree, "sshd", set);

	(void)state;
	harness_expect(h, ROOT, GP_PASS);
	harness_expect(h, PASSWORD, GP_WARN);
	/* What the profile tolerates is not "fixed". */
	assert_null(harness_planned(h, CONFIG));
	assert_non_null(harness_planned(h, CLOUD_INIT_DROPIN));
	harness_free(h);
}

/* --- installed and enabled --------------------------------------------- */

static void not_installed(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_remove(t, "/usr/sbin/sshd");
	tree_remove(t, "/etc/systemd/system/multi-user.target.wants/"
		       "sshd.service");
	tree_remove(t, "/usr/lib/systemd/system/sshd.service");
	tree_remove(t, "/usr/lib/systemd/system/sshd.socket");
	tree_remove(t, CONFIG);
	assert_int_equal(status_of(t, "sshd.installed"), GP_FAIL);
	assert_int_equal(status_of(t, "sshd.enabled"), GP_SKIP);
	assert_int_equal(status_of(t, SYNTAX), GP_SKIP);
	assert_int_equal(status_of(t, ROOT), GP_SKIP);
}

static void program_without_unit_warns(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_remove(t, "/etc/systemd/system/multi-user.target.wants/"
		       "sshd.service");
	tree_remove(t, "/usr/lib/systemd/system/sshd.service");
	assert_int_equal(status_of(t, "sshd.installed"), GP_WARN);
	assert_int_equal(status_of(t, "sshd.enabled"), GP_SKIP);
	/* A unit without its program is not an installed sshd either. */
	t = tree_kept(tree_copy("sshd/centos7"));
	tree_remove(t, "/usr/sbin/sshd");
	assert_int_equal(status_of(t, "sshd.installed"), GP_FAIL);
	/* Nothing to start, nothing to configure. */
	assert_int_equal(status_of(t, "sshd.enabled"), GP_SKIP);
	assert_int_equal(status_of(t, PORT), GP_SKIP);
}

static void masked_fails(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_symlink(t, "/etc/systemd/system/sshd.service", "/dev/null");
	assert_int_equal(status_of(t, "sshd.enabled"), GP_FAIL);
	assert_true(fixable(t, "sshd.enabled"));
}

static void static_unit_not_fixable(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_remove(t, "/etc/systemd/system/multi-user.target.wants/"
		       "sshd.service");
	tree_remove(t, "/usr/lib/systemd/system/sshd.service");
	tree_write(t, "/usr/lib/systemd/system/sshd.service",
		   "[Service]\nExecStart=/usr/sbin/sshd -D\n");
	assert_int_equal(status_of(t, "sshd.enabled"), GP_FAIL);
	assert_false(fixable(t, "sshd.enabled"));
}

/* --- sshd_config: syntax ------------------------------------------------ */

static void config_missing_fails(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_remove(t, CONFIG);
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	assert_int_equal(status_of(t, ROOT), GP_SKIP);
	/* A link out of the root is read inside it: still missing. */
	tree_symlink(t, CONFIG, "../../../../../../../etc/ssh/sshd_config.x");
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
}

/* Not a file: the syntax fails, and no setting is judged from defaults. */
static void config_unreadable_skips_settings(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));

	(void)state;
	tree_remove(t, CONFIG);
	tree_mkdir(t, CONFIG);
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	assert_int_equal(status_of(t, PORT), GP_SKIP);
	assert_int_equal(status_of(t, ROOT), GP_SKIP);
	assert_int_equal(status_of(t, PASSWORD), GP_SKIP);
}

static void garbled_lines_fail_with_file_and_line(void **state)
{
	static const struct {
		const char *config;
		size_t len;	/* 0: strlen() */
		const char *where;
	} cases[] = {
		{ "Port\n", 0, CONFIG ":1:" },
		{ "# ok\nPort 22x\n", 0, CONFIG ":2:" },
		{ "Port 70000\n", 0, CONFIG ":1:" },
		{ "PermitRootLogin maybe\n", 0, CONFIG ":1:" },
		{ "PasswordAuthentication 1\n", 0, CONFIG ":1:" },
		{ "Banner \"/etc/issue.net\n", 0, CONFIG ":1:" },
		{ "UsePAM yes\nMatch User bob\n\tPort 2222\n", 0,
		  CONFIG ":3:" },
		{ "Match Colour blue\n\tX11Forwarding no\n", 0, CONFIG ":1:" },
		{ "Match User\n", 0, CONFIG ":1:" },
		{ "X11Forwarding yes\n\x01\x02\x7f junk\n", 0, CONFIG ":2:" },
		{ "UsePAM yes\nPort 2\0\n", 19, CONFIG ":2:" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *t = tree_kept(tree_copy("sshd/centos7"));
		size_t len = cases[i].len ? cases[i].len :
			     strlen(cases[i].config);
		struct harness *h;

		tree_write_bytes(t, CONFIG, cases[i].config, len);
		h = harness_run(t, "sshd", NULL);
		harness_expect(h, SYNTAX, GP_FAIL);
		harness_expect_evidence(h, SYNTAX, cases[i].where);
		harness_free(h);
	}
}

static void unknown_keyword_warns(void **state)
{
	char *t = copy_with("sshd/centos7", "PasswordAuthentication yes\n"
			    "FrobnicateLevel 3\n");

	(void)state;
	assert_int_equal(status_of(t, SYNTAX), GP_WARN);
	/* Keywords are case-insensitive, "=" may separate the value. */
	t = copy_with("sshd/centos7", "passwordauthentication=yes\n"
		      "PERMITROOTLOGIN = yes\nport= 22\n");
	assert_int_equal(status_of(t, SYNTAX), GP_PASS);
	assert_int_equal(status_of(t, ROOT), GP_PASS);
}

static void hostile_files(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));
	char *big = malloc(CONFIG_MAX_TEST);

	(void)state;
	/* A FIFO is refused without blocking. */
	tree_remove(t, CONFIG);
	tree_mkfifo(t, CONFIG);
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	/* So is one included. */
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "Include /etc/ssh/fifo\n");
	tree_mkfifo(t, "/etc/ssh/fifo");
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	/* A huge file. */
	assert_non_null(big);
	memset(big, '#', CONFIG_MAX_TEST - 1);
	big[CONFIG_MAX_TEST - 1] = '\0';
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, big);
	free(big);
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	/* An Include of itself ends at sshd's depth limit. */
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "Include sshd_config\n");
	assert_int_equal(status_of(t, SYNTAX), GP_FAIL);
	/* CRLF line ends are read as sshd reads them. */
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "PermitRootLogin yes\r\nPort 22\r\n");
	assert_int_equal(status_of(t, SYNTAX), GP_PASS);
	assert_int_equal(status_of(t, ROOT), GP_PASS);
}

/* --- Include and Match -------------------------------------------------- */

static void include_first_value_wins(void **state)
{
	char *t = copy_with("sshd/centos7",
			    "Include sshd_config.d/*.conf\n"
			    "PermitRootLogin yes\n");

	(void)state;
	/* Relative to /etc/ssh; sorted; the first value wins. */
	tree_write(t, "/etc/ssh/sshd_config.d/20-b.conf",
		   "PermitRootLogin yes\n");
	tree_write(t, "/etc/ssh/sshd_config.d/10-a.conf",
		   "PermitRootLogin no\n");
	tree_write(t, "/etc/ssh/sshd_config.d/.hidden.conf",
		   "PasswordAuthentication no\n");
	tree_write(t, "/etc/ssh/sshd_config.d/05-x.conf.bak",
		   "PasswordAuthentication no\n");
	assert_int_equal(status_of(t, ROOT), GP_FAIL);
	assert_int_equal(status_of(t, PASSWORD), GP_PASS);
	tree_remove(t, "/etc/ssh/sshd_config.d/10-a.conf");
	assert_int_equal(status_of(t, ROOT), GP_PASS);
	/* A glob that matches nothing is fine, as for sshd. */
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "Include /etc/ssh/none.d/*.conf\n");
	assert_int_equal(status_of(t, SYNTAX), GP_PASS);
}

static void match_in_include_ends_with_file(void **state)
{
	char *t = copy_with("sshd/centos7",
			    "Include /etc/ssh/sshd_config.d/*.conf\n"
			    "PermitRootLogin no\n");

	(void)state;
	tree_write(t, "/etc/ssh/sshd_config.d/50-x.conf",
		   "Match Address 10.0.0.0/8\n\tX11Forwarding no\n");
	/* Global again after the include: it decides for everyone. */
	assert_int_equal(status_of(t, ROOT), GP_FAIL);
}

/*
 * Include is bounded twice, as plugins/sshd.c reads it: MAX_DEPTH (16,
 * sshd's own) nested files, and MAX_INCLUDED (256) files read in all,
 * again or not.  Either limit reached makes the syntax fail.  Each case
 * runs under alarm(): a loop the bounds miss kills the test instead of
 * hanging it.
 */
#define MAX_INCLUDED_TEST 256u
#define MAX_DEPTH_TEST 16u
#define INCLUDE_SECONDS 20

/* @n files @dir/PREFIXnnn.conf, each holding @content. */
static void write_many(const char *t, const char *dir, const char *prefix,
		       unsigned n, const char *content)
{
	char path[256];

	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s%03u.conf", dir, prefix, i);
		tree_write(t, path, content);
	}
}

/* status_of(); SIGALRM ends the test when it takes INCLUDE_SECONDS. */
static enum gp_status bounded_status(const char *tree, const char *id)
{
	enum gp_status s;

	alarm(INCLUDE_SECONDS);
	s = status_of(tree, id);
	alarm(0);
	return s;
}

/* One glob: as many files as the cap pass; one more fails, 300 too. */
static void include_glob_over_cap_fails(void **state)
{
	char *t = copy_with("sshd/centos7", "Include sshd_config.d/*.conf\n"
			    "PasswordAuthentication yes\n");

	(void)state;
	write_many(t, "/etc/ssh/sshd_config.d", "a", MAX_INCLUDED_TEST,
		   "X11Forwarding no\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_PASS);
	write_many(t, "/etc/ssh/sshd_config.d", "b", 1, "X11Forwarding no\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_FAIL);
	write_many(t, "/etc/ssh/sshd_config.d", "c",
		   300 - MAX_INCLUDED_TEST - 1, "X11Forwarding no\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_FAIL);
}

/*
 * Includes of includes add up: 15 files that each include the same 16
 * read 15 + 240 = 255 files, 16 of them 272, over the cap.
 */
static void include_tree_over_cap_fails(void **state)
{
	char *t = copy_with("sshd/centos7", "Include outer.d/*.conf\n");

	(void)state;
	write_many(t, "/etc/ssh/inner.d", "i", 16, "X11Forwarding no\n");
	write_many(t, "/etc/ssh/outer.d", "o", 15, "Include inner.d/*.conf\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_PASS);
	write_many(t, "/etc/ssh/outer.d", "p", 1, "Include inner.d/*.conf\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_FAIL);
}

/* A chain of files, each including the next: 16 deep pass, 17 fail. */
static void include_chain_depth(void **state)
{
	char *t = copy_with("sshd/centos7", "Include chain/f01.conf\n");
	char path[64], line[64];

	(void)state;
	for (unsigned i = 1; i < MAX_DEPTH_TEST; i++) {
		snprintf(path, sizeof(path), "/etc/ssh/chain/f%02u.conf", i);
		snprintf(line, sizeof(line), "Include chain/f%02u.conf\n",
			 i + 1);
		tree_write(t, path, line);
	}
	snprintf(path, sizeof(path), "/etc/ssh/chain/f%02u.conf",
		 MAX_DEPTH_TEST);
	tree_write(t, path, "X11Forwarding no\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_PASS);
	tree_remove(t, path);
	tree_write(t, path, "Include chain/f17.conf\n");
	tree_write(t, "/etc/ssh/chain/f17.conf", "X11Forwarding no\n");
	assert_int_equal(bounded_status(t, SYNTAX), GP_FAIL);
}

/*
 * Files that include themselves or each other end, and fail: at the
 * depth limit when each includes once, at the total cap when each
 * includes itself four times (4^16 reads without the cap).
 */
static void include_loops_end(void **state)
{
	static const struct {
		const char *config;	/* sshd_config */
		const char *a, *b;	/* /etc/ssh/{a,b}.conf, or NULL */
	} loops[] = {
		{ "Include sshd_config\n", NULL, NULL },
		{ "Include a.conf\n", "Include b.conf\n", "Include a.conf\n" },
		{ "Include a.conf\n",
		  "Include a.conf a.conf\nInclude a.conf a.conf\n", NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(loops); i++) {
		char *t = copy_with("sshd/centos7", loops[i].config);

		if (loops[i].a)
			tree_write(t, "/etc/ssh/a.conf", loops[i].a);
		if (loops[i].b)
			tree_write(t, "/etc/ssh/b.conf", loops[i].b);
		assert_int_equal(bounded_status(t, SYNTAX), GP_FAIL);
	}
}

static void match_blocks(void **state)
{
	char *t;

	(void)state;
	/* Match User root overrides the global no. */
	t = copy_with("sshd/centos7", "PermitRootLogin no\n"
		      "Match User root\n\tPermitRootLogin yes\n");
	assert_int_equal(status_of(t, ROOT), GP_PASS);
	/* Refused only from some addresses: restricted. */
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "Match Address 192.168.0.0/16,!192.168.1.1\n"
		      "\tPermitRootLogin no\n");
	assert_int_equal(status_of(t, ROOT), GP_WARN);
	assert_false(fixable(t, ROOT));
	/* Other users' blocks do not concern root. */
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "Match User alice,bob\n"
		      "\tPasswordAuthentication no\n"
		      "Match User !root\n\tPermitRootLogin no\n");
	assert_int_equal(status_of(t, PASSWORD), GP_PASS);
	assert_int_equal(status_of(t, ROOT), GP_PASS);
	/* Match all applies to every connection. */
	t = copy_with("sshd/centos7", "PasswordAuthentication yes\n"
		      "Match all\n\tPasswordAuthentication no\n");
	assert_int_equal(status_of(t, PASSWORD), GP_FAIL);
	/* An Include inside a Match block is conditional too. */
	t = copy_with("sshd/centos7", "Match Address 10.0.0.0/8\n"
		      "\tInclude /etc/ssh/extra.conf\n");
	tree_write(t, "/etc/ssh/extra.conf", "PasswordAuthentication no\n");
	assert_int_equal(status_of(t, PASSWORD), GP_WARN);
	/* A Match block after the deciding one no longer matters. */
	t = copy_with("sshd/centos7", "Match User root\n"
		      "\tPermitRootLogin yes\n"
		      "Match Address 10.0.0.0/8\n\tPermitRootLogin no\n");
	assert_int_equal(status_of(t, ROOT), GP_PASS);
}

static void users_and_methods_lock_out(void **state)
{
	char *t;

	(void)state;
	/* AllowUsers without root: PermitRootLogin cannot help. */
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "AllowUsers admin deploy@10.0.0.*\n");
	assert_int_equal(status_of(t, ROOT), GP_FAIL);
	assert_false(fixable(t, ROOT));
	t = copy_with("sshd/centos7", "PermitRootLogin no\n"
		      "AllowUsers admin root\n");
	assert_int_equal(status_of(t, ROOT), GP_FAIL);
	assert_true(fixable(t, ROOT));
	t = copy_with("sshd/centos7", "PermitRootLogin yes\nDenyUsers r*t\n");
	assert_int_equal(status_of(t, ROOT), GP_FAIL);
	/* Denied from one host only is not a lockout. */
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "DenyUsers root@192.0.2.7\n");
	assert_int_equal(status_of(t, ROOT), GP_PASS);
	/* A key first, then the password: the password alone is not
	 * enough. */
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "AuthenticationMethods publickey,password\n");
	assert_int_equal(status_of(t, PASSWORD), GP_FAIL);
	assert_false(fixable(t, PASSWORD));
	t = copy_with("sshd/centos7", "PermitRootLogin yes\n"
		      "AuthenticationMethods publickey password\n");
	assert_int_equal(status_of(t, PASSWORD), GP_PASS);
}

/* --- listening ---------------------------------------------------------- */

static void port_settings(void **state)
{
	char *t;

	(void)state;
	t = copy_with("sshd/centos7", "Port 2222\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	assert_true(fixable(t, PORT));
	/* Port adds up: 22 among them is enough. */
	t = copy_with("sshd/centos7", "Port 2222\nPort 22\n");
	assert_int_equal(status_of(t, PORT), GP_PASS);
	t = copy_with("sshd/centos7", "ListenAddress 127.0.0.1\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	assert_false(fixable(t, PORT));
	/* The address of the old machine: the instance gets another. */
	t = copy_with("sshd/centos7", "ListenAddress 10.1.2.3\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	t = copy_with("sshd/centos7", "ListenAddress 10.1.2.3\n"
		      "ListenAddress ::\n");
	assert_int_equal(status_of(t, PORT), GP_PASS);
	/* IPv6 only: the cloud's network is IPv4. */
	t = copy_with("sshd/centos7", "AddressFamily inet6\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	assert_true(fixable(t, PORT));
	t = copy_with("sshd/centos7", "AddressFamily inet\n");
	assert_int_equal(status_of(t, PORT), GP_PASS);
	t = copy_with("sshd/centos7", "ListenAddress 0.0.0.0:2222\n"
		      "ListenAddress [::]:2222\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	assert_true(fixable(t, PORT));
}

static void socket_port(void **state)
{
	char *t = tree_kept(tree_copy("sshd/ubuntu2404"));

	(void)state;
	/* Without the generator, sshd_config's Port means nothing. */
	tree_remove(t, "/usr/lib/systemd/system-generators/"
		       "sshd-socket-generator");
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "Port 2222\n");
	assert_int_equal(status_of(t, PORT), GP_PASS);
	/* A drop-in moves the socket. */
	tree_write(t, "/etc/systemd/system/ssh.socket.d/port.conf",
		   "[Socket]\nListenStream=\nListenStream=0.0.0.0:2222\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
	assert_true(fixable(t, PORT));
}

static void socket_generator_reads_config(void **state)
{
	char *t = tree_kept(tree_copy("sshd/ubuntu2404"));

	(void)state;
	tree_remove(t, CONFIG);
	tree_write(t, CONFIG, "Port 2222\n");
	assert_int_equal(status_of(t, PORT), GP_FAIL);
}

/* --- fixers ------------------------------------------------------------- */

static void fix_ubuntu2204_login(void **state)
{
	char *t = tree_kept(tree_copy("sshd/ubuntu2204"));
	char *pristine = tree_kept(tree_copy("sshd/ubuntu2204"));
	const char *const ids[] = { ROOT, PASSWORD, NULL };
	struct harness *h = harness_plan(t, "sshd", NULL);
	const struct gp_change *c;

	(void)state;
	/* The deciding line is edited where it is... */
	c = harness_planned(h, CLOUD_INIT_DROPIN);
	assert_non_null(c);
	assert_string_equal(c->data, "PasswordAuthentication yes\n");
	/* ...and a default is overridden by a line of the main file. */
	c = harness_planned(h, CONFIG);
	assert_non_null(c);
	assert_non_null(strstr(c->data, "\nPermitRootLogin yes\n"));
	harness_free(h);
	fix_recheck_undo(t, pristine, ids);
}

static void fix_debian12_enable(void **state)
{
	char *t = tree_kept(tree_copy("sshd/debian12"));
	char *pristine = tree_kept(tree_copy("sshd/debian12"));
	const char *const ids[] = { "sshd.enabled", ROOT, NULL };
	struct harness *h = harness_plan(t, "sshd", NULL);
	const struct gp_change *c;

	(void)state;
	c = harness_planned(h, "/etc/systemd/system/multi-user.target.wants/"
			       "ssh.service");
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_SYMLINK);
	assert_non_null(harness_planned(h, "/etc/systemd/system/"
					   "sshd.service"));
	harness_free(h);
	fix_recheck_undo(t, pristine, ids);
}

static void fix_centos6_chkconfig_off(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos6"));
	char *pristine;
	const char *const ids[] = { "sshd.enabled", NULL };

	(void)state;
	/* What "chkconfig sshd off" leaves: K25 links in every level. */
	for (int l = 2; l <= 5; l++) {
		char s[64], k[64];

		snprintf(s, sizeof(s), "/etc/rc.d/rc%d.d/S55sshd", l);
		snprintf(k, sizeof(k), "/etc/rc.d/rc%d.d/K25sshd", l);
		tree_remove(t, s);
		tree_symlink(t, k, "../init.d/sshd");
	}
	assert_int_equal(status_of(t, "sshd.enabled"), GP_FAIL);
	pristine = tree_kept(tree_snapshot(t));
	fix_recheck_undo(t, pristine, ids);
}

static void fix_port_and_root_in_one_file(void **state)
{
	static const char config[] =
		"# hardened by an old policy\n"
		"Port 2222\n"
		"PermitRootLogin no\n"
		"PasswordAuthentication yes\n"
		"Match User backup\n"
		"\tForceCommand /usr/bin/rsync\n";
	const char *const ids[] = { PORT, ROOT, PASSWORD, NULL };

	(void)state;
	expect_config_fix("sshd/centos7", config,
			  "# hardened by an old policy\n"
			  "Port 22\n"
			  "PermitRootLogin yes\n"
			  "PasswordAuthentication yes\n"
			  "Match User backup\n"
			  "\tForceCommand /usr/bin/rsync\n",
			  ids);
}

static void fix_ipv6_only(void **state)
{
	static const char config[] = "AddressFamily inet6\nPort 2222\n"
				     "PermitRootLogin yes\n";
	const char *const ids[] = { PORT, NULL };

	(void)state;
	expect_config_fix("sshd/centos7", config,
			  "AddressFamily any\nPort 22\n"
			  "PermitRootLogin yes\n",
			  ids);
}

static void fix_inserts_before_match(void **state)
{
	static const char config[] =
		"UsePAM yes\r\n"
		"  PasswordAuthentication no\r\n"
		"Match Address 10.0.0.0/8\r\n"
		"\tX11Forwarding no\r\n";
	const char *const ids[] = { ROOT, PASSWORD, NULL };

	(void)state;
	/* Indentation and CRLF kept; the new line goes before Match. */
	expect_config_fix("sshd/debian12", config,
			  "UsePAM yes\r\n"
			  "  PasswordAuthentication yes\r\n"
			  "PermitRootLogin yes\n"
			  "Match Address 10.0.0.0/8\r\n"
			  "\tX11Forwarding no\r\n",
			  ids);
}

static void fix_socket_port_dropin(void **state)
{
	char *t = tree_kept(tree_copy("sshd/ubuntu2404"));
	char *pristine = tree_kept(tree_copy("sshd/ubuntu2404"));
	const char *const ids[] = { PORT, NULL };
	const char *const port_conf = "/etc/systemd/system/ssh.socket.d/"
				      "port.conf";
	char *data;

	(void)state;
	tree_write(t, port_conf,
		   "[Socket]\nListenStream=\nListenStream=2222\n");
	tree_write(pristine, port_conf,
		   "[Socket]\nListenStream=\nListenStream=2222\n");
	fix_recheck_undo(t, pristine, ids);
	/* Redo to look at it: the drop-in sorts after port.conf. */
	{
		struct harness *h = harness_plan(t, "sshd", NULL);

		harness_apply(h, harness_no_commands);
		harness_free(h);
	}
	data = tree_read(t, "/etc/systemd/system/ssh.socket.d/"
			"zz-guestprep-port.conf");
	assert_non_null(strstr(data, "ListenStream=\nListenStream=22\n"));
	free(data);
}

static void fix_upstart_override(void **state)
{
	char *t = tree_kept(tree_new());
	const char *const ids[] = { "sshd.enabled", NULL };

	(void)state;
	/* Ubuntu 14.04: "echo manual > /etc/init/ssh.override". */
	tree_write(t, "/etc/os-release", "NAME=\"Ubuntu\"\nID=ubuntu\n"
		   "VERSION_ID=\"14.04\"\n");
	tree_write(t, "/sbin/init", "stub\n");
	tree_write(t, "/sbin/initctl", "stub\n");
	tree_write(t, "/usr/sbin/sshd", "stub\n");
	tree_write(t, "/etc/init/ssh.conf", "start on runlevel [2345]\n"
		   "stop on runlevel [!2345]\nexec /usr/sbin/sshd -D\n");
	tree_write(t, "/etc/init/ssh.override", "manual\n");
	tree_write(t, CONFIG, "PermitRootLogin yes\n");
	assert_int_equal(status_of(t, "sshd.enabled"), GP_FAIL);
	fix_recheck_undo(t, tree_kept(tree_snapshot(t)), ids);
}

static void fix_masked(void **state)
{
	char *t = tree_kept(tree_copy("sshd/centos7"));
	char *pristine = tree_kept(tree_copy("sshd/centos7"));
	const char *const ids[] = { "sshd.enabled", NULL };

	(void)state;
	tree_symlink(t, "/etc/systemd/system/sshd.service", "/dev/null");
	tree_symlink(pristine, "/etc/systemd/system/sshd.service",
		     "/dev/null");
	fix_recheck_undo(t, pristine, ids);
}

static void fix_is_idempotent_when_fine(void **state)
{
	struct harness *h = harness_plan(FIXTURES_DIR "/sshd/centos7", "sshd",
					 NULL);

	(void)state;
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

#define TEST(f) cmocka_unit_test_teardown(f, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(centos7_passes),
		TEST(centos6_sysv_passes),
		TEST(ubuntu2204_cloud_image_fails),
		TEST(ubuntu2404_socket_activated),
		TEST(debian12_disabled_fails),
		TEST(sles12_keyboard_interactive_warns),
		TEST(profile_decides_severity),
		TEST(not_installed),
		TEST(program_without_unit_warns),
		TEST(masked_fails),
		TEST(static_unit_not_fixable),
		TEST(config_missing_fails),
		TEST(config_unreadable_skips_settings),
		TEST(garbled_lines_fail_with_file_and_line),
		TEST(unknown_keyword_warns),
		TEST(hostile_files),
		TEST(include_first_value_wins),
		TEST(match_in_include_ends_with_file),
		TEST(include_glob_over_cap_fails),
		TEST(include_tree_over_cap_fails),
		TEST(include_chain_depth),
		TEST(include_loops_end),
		TEST(match_blocks),
		TEST(users_and_methods_lock_out),
		TEST(port_settings),
		TEST(socket_port),
		TEST(socket_generator_reads_config),
		TEST(fix_ubuntu2204_login),
		TEST(fix_debian12_enable),
		TEST(fix_centos6_chkconfig_off),
		TEST(fix_port_and_root_in_one_file),
		TEST(fix_ipv6_only),
		TEST(fix_inserts_before_match),
		TEST(fix_socket_port_dropin),
		TEST(fix_upstart_override),
		TEST(fix_masked),
		TEST(fix_is_idempotent_when_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
