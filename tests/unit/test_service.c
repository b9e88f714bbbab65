/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Services (agent/service.c): gp_service_lookup() and the init system on
 * trees built at run time the way the distributions lay them out
 * (merged /usr links, RHEL's /etc/rc.d, Debian's alias links, upstart
 * jobs).  Program files are text stubs: only their presence counts.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "guestprep/service.h"
#include "util.h"

static const char *const sshd_names[] = { "sshd", "ssh", NULL };

#define CENTOS7_UNIT "/usr/lib/systemd/system/sshd.service"
#define CENTOS7_WANTS "/etc/systemd/system/multi-user.target.wants/sshd.service"
#define DEBIAN_UNIT "/lib/systemd/system/ssh.service"
/* Merged /usr: where the file is. */
#define DEBIAN_REAL "/usr/lib/systemd/system/ssh.service"
#define DEBIAN_WANTS "/etc/systemd/system/multi-user.target.wants/ssh.service"
#define DEBIAN_ALIAS "/etc/systemd/system/sshd.service"

static const char centos7_unit[] =
	"[Unit]\n"
	"Description=OpenSSH server daemon\n"
	"After=network.target sshd-keygen.service\n"
	"\n"
	"[Service]\n"
	"Type=notify\n"
	"ExecStart=/usr/sbin/sshd -D $OPTIONS\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char debian_unit[] =
	"[Unit]\n"
	"Description=OpenBSD Secure Shell server\n"
	"After=network.target auditd.service\n"
	"ConditionPathExists=!/etc/ssh/sshd_not_to_be_run\n"
	"\n"
	"[Service]\n"
	"ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n"
	"Alias=sshd.service\n";

static const char ubuntu_socket[] =
	"[Unit]\n"
	"Description=OpenBSD Secure Shell server socket\n"
	"Before=sockets.target ssh.service\n"
	"\n"
	"[Socket]\n"
	"ListenStream=22\n"
	"Accept=no\n"
	"\n"
	"[Install]\n"
	"WantedBy=sockets.target\n";

/* --- distribution-like trees ---------------------------------------- */

/* Merged /usr with systemd as /sbin/init (Debian 12, Ubuntu 24.04). */
static void merged_usr_systemd(const char *t)
{
	tree_symlink(t, "/bin", "usr/bin");
	tree_symlink(t, "/sbin", "usr/sbin");
	tree_symlink(t, "/lib", "usr/lib");
	tree_write(t, "/usr/lib/systemd/systemd", "ELF stub\n");
	tree_symlink(t, "/usr/sbin/init", "../lib/systemd/systemd");
	tree_mkdir(t, "/etc/systemd/system");
}

/* CentOS 7: the unit, enabled; /etc/rcN.d links into /etc/rc.d. */
static char *centos7(bool enabled)
{
	char *t = tree_kept(tree_new());

	merged_usr_systemd(t);
	tree_write(t, CENTOS7_UNIT, centos7_unit);
	tree_write(t, "/usr/lib/systemd/system/sshd.socket",
		   "[Socket]\nListenStream=22\nAccept=yes\n");
	tree_write(t, "/usr/lib/systemd/system/sshd@.service", "[Service]\n");
	tree_symlink(t, "/etc/systemd/system/default.target",
		     "/lib/systemd/system/multi-user.target");
	tree_write(t, "/usr/lib/systemd/system/multi-user.target", "[Unit]\n");
	tree_write(t, "/etc/rc.d/init.d/network", "#!/bin/sh\n");
	tree_symlink(t, "/etc/init.d", "rc.d/init.d");
	tree_symlink(t, "/etc/rc.d/rc3.d/S10network", "../init.d/network");
	tree_symlink(t, "/etc/rc3.d", "rc.d/rc3.d");
	if (enabled)
		tree_symlink(t, CENTOS7_WANTS, CENTOS7_UNIT);
	return t;
}

/* Debian 12: ssh.service with Alias=sshd.service, the init script and
 * the rc links update-rc.d made. */
static char *debian12(bool enabled)
{
	char *t = tree_kept(tree_new());

	merged_usr_systemd(t);
	tree_write(t, DEBIAN_UNIT, debian_unit);
	tree_write(t, "/lib/systemd/system/ssh.socket",
		   "[Socket]\nListenStream=22\nAccept=yes\n"
		   "[Install]\nWantedBy=sockets.target\n");
	tree_write(t, "/etc/init.d/ssh", "#!/bin/sh\n");
	for (int l = 2; l <= 5; l++) {
		char path[32];

		snprintf(path, sizeof(path), "/etc/rc%d.d/S01ssh", l);
		tree_symlink(t, path, "../init.d/ssh");
	}
	tree_symlink(t, "/etc/rc0.d/K01ssh", "../init.d/ssh");
	if (enabled) {
		tree_symlink(t, DEBIAN_WANTS, DEBIAN_UNIT);
		tree_symlink(t, DEBIAN_ALIAS, DEBIAN_UNIT);
	}
	return t;
}

/* CentOS 6: upstart runs /etc/rc.d/rc for the runlevel of /etc/inittab. */
static char *centos6(const char *runlevel_link)
{
	char *t = tree_kept(tree_new());

	tree_write(t, "/sbin/init", "ELF stub\n");
	tree_write(t, "/sbin/initctl", "ELF stub\n");
	tree_write(t, "/etc/inittab",
		   "# inittab is only used by upstart for the default "
		   "runlevel.\n#\n# id:5:initdefault:\nid:3:initdefault:\n");
	tree_write(t, "/etc/init/rc.conf", "start on runlevel [0123456]\n");
	tree_write(t, "/etc/rc.d/init.d/sshd", "#!/bin/sh\n");
	tree_symlink(t, "/etc/init.d", "rc.d/init.d");
	for (int l = 0; l <= 6; l++) {
		char dir[32], link[32];

		snprintf(dir, sizeof(dir), "/etc/rc.d/rc%d.d", l);
		tree_mkdir(t, dir);
		snprintf(link, sizeof(link), "/etc/rc%d.d", l);
		tree_symlink(t, link, dir + 5);
	}
	tree_symlink(t, "/etc/rc.d/rc0.d/K25sshd", "../init.d/sshd");
	if (runlevel_link)
		tree_symlink(t, runlevel_link, "../init.d/sshd");
	return t;
}

/* Ubuntu 14.04: the upstart job, and the script that defers to it. */
static char *ubuntu1404(const char *override)
{
	char *t = tree_kept(tree_new());

	tree_write(t, "/sbin/init", "ELF stub\n");
	tree_write(t, "/sbin/initctl", "ELF stub\n");
	tree_write(t, "/etc/init/rc-sysinit.conf",
		   "start on (filesystem and static-network-up)\n"
		   "env DEFAULT_RUNLEVEL=2\n");
	tree_write(t, "/etc/init/ssh.conf",
		   "# ssh - OpenBSD Secure Shell server\n"
		   "description\t\"OpenSSH server\"\n\n"
		   "start on runlevel [2345]\n"
		   "stop on runlevel [!2345]\n\n"
		   "respawn\nexec /usr/sbin/sshd -D\n");
	if (override)
		tree_write(t, "/etc/init/ssh.override", override);
	tree_write(t, "/etc/init.d/ssh", "#!/bin/sh\n");
	tree_symlink(t, "/etc/rc2.d/S20ssh", "../init.d/ssh");
	/* openssh-server ships the unit on trusty too; upstart ignores it. */
	tree_write(t, DEBIAN_UNIT, debian_unit);
	return t;
}

/* --- helpers ------------------------------------------------------- */

static void lookup(const char *tree, const char *const *names,
		   struct gp_service *s)
{
	struct gp_root *root = NULL;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_service_lookup(root, names, s), 0);
	assert_non_null(s->enabled_by);
	assert_non_null(s->ignored);
	assert_non_null(s->aliases);
	gp_root_free(root);
}

static enum gp_init_system init_of(const char *tree)
{
	struct gp_root *root = NULL;
	enum gp_init_system init;

	assert_int_equal(gp_root_new(tree, &root), 0);
	init = gp_service_init_system(root);
	gp_root_free(root);
	return init;
}

static void expect_strv(char **v, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++) {
		if (!v[n])
			fail_msg("missing \"%s\"", want[n]);
		assert_string_equal(v[n], want[n]);
	}
	if (v[n])
		fail_msg("unexpected \"%s\"", v[n]);
}

/* Some entry of @v starts with @prefix. */
static bool has_prefix(char **v, const char *prefix)
{
	for (size_t i = 0; v[i]; i++)
		if (strncmp(v[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* --- the init system ------------------------------------------------ */

static void init_systemd_merged_usr(void **state)
{
	char *t = tree_kept(tree_new());

	(void)state;
	merged_usr_systemd(t);
	assert_int_equal(init_of(t), GP_INIT_SYSTEMD);
}

static void init_systemd_dangling_link(void **state)
{
	char *t = tree_kept(tree_new());

	(void)state;
	/* A tree copied without /lib: the link still says systemd. */
	tree_symlink(t, "/sbin/init", "/lib/systemd/systemd");
	assert_int_equal(init_of(t), GP_INIT_SYSTEMD);
}

static void init_systemd_binary_only(void **state)
{
	char *t = tree_kept(tree_new());

	(void)state;
	tree_write(t, "/lib/systemd/systemd", "ELF stub\n");
	assert_int_equal(init_of(t), GP_INIT_SYSTEMD);
}

static void init_upstart(void **state)
{
	(void)state;
	assert_int_equal(init_of(centos6(NULL)), GP_INIT_UPSTART);
	assert_int_equal(init_of(ubuntu1404(NULL)), GP_INIT_UPSTART);
}

static void init_sysv_beside_systemd(void **state)
{
	char *t = tree_kept(tree_new());

	(void)state;
	/* Debian 8 with sysvinit-core: systemd installed, not the init. */
	tree_write(t, "/sbin/init", "ELF stub\n");
	tree_write(t, "/lib/systemd/systemd", "ELF stub\n");
	assert_int_equal(init_of(t), GP_INIT_SYSV);
}

static void init_unknown(void **state)
{
	char *t = tree_kept(tree_new());

	(void)state;
	assert_int_equal(init_of(t), GP_INIT_UNKNOWN);
	tree_write(t, "/etc/inittab", "id:2:initdefault:\n");
	assert_int_equal(init_of(t), GP_INIT_SYSV);
}

static void names_of_states(void **state)
{
	(void)state;
	assert_string_equal(gp_service_state_name(GP_SERVICE_ABSENT), "absent");
	assert_string_equal(gp_service_state_name(GP_SERVICE_MASKED), "masked");
	assert_string_equal(gp_init_system_name(GP_INIT_UPSTART), "upstart");
	assert_string_equal(gp_init_system_name(GP_INIT_SYSTEMD), "systemd");
}

/* --- systemd -------------------------------------------------------- */

static void centos7_enabled(void **state)
{
	struct gp_service s;
	const char *const by[] = { CENTOS7_WANTS, NULL };

	(void)state;
	lookup(centos7(true), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_true(s.systemd);
	assert_int_equal(s.init, GP_INIT_SYSTEMD);
	assert_string_equal(s.name, "sshd");
	assert_string_equal(s.unit, "sshd.service");
	assert_string_equal(s.unit_path, CENTOS7_UNIT);
	assert_null(s.masked_by);
	expect_strv(s.enabled_by, by);
	gp_service_done(&s);
}

static void centos7_disabled(void **state)
{
	struct gp_service s;
	const char *const none[] = { NULL };

	(void)state;
	lookup(centos7(false), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_string_equal(s.name, "sshd");
	/* sshd.socket exists, but nothing enables it. */
	expect_strv(s.enabled_by, none);
	gp_service_done(&s);
}

static void debian_enabled_through_alias(void **state)
{
	struct gp_service s;
	const char *const by[] = { DEBIAN_WANTS, NULL };
	const char *const aliases[] = { "ssh.service", "sshd.service", NULL };

	(void)state;
	lookup(debian12(true), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_string_equal(s.name, "sshd");
	assert_string_equal(s.unit, "ssh.service");
	assert_string_equal(s.unit_path, DEBIAN_REAL);
	expect_strv(s.enabled_by, by);
	expect_strv(s.aliases, aliases);
	/* The rc links systemd-sysv-generator skips for a native unit. */
	assert_true(has_prefix(s.ignored, "/etc/rc3.d/S01ssh ("));
	gp_service_done(&s);
}

static void debian_disabled_found_as_ssh(void **state)
{
	struct gp_service s;

	(void)state;
	lookup(debian12(false), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_string_equal(s.name, "ssh");
	assert_string_equal(s.unit, "ssh.service");
	/* The rc2-5 links do not enable it: systemd runs the unit. */
	assert_true(has_prefix(s.ignored, "/etc/rc2.d/S01ssh ("));
	assert_null(s.enabled_by[0]);
	gp_service_done(&s);
}

static void first_name_wins(void **state)
{
	char *t = debian12(false);
	const char *const names[] = { "ssh", "sshd", NULL };
	struct gp_service s;

	(void)state;
	tree_write(t, CENTOS7_UNIT, centos7_unit);
	lookup(t, names, &s);
	assert_string_equal(s.name, "ssh");
	gp_service_done(&s);
	lookup(t, sshd_names, &s);
	assert_string_equal(s.name, "sshd");
	assert_string_equal(s.unit_path, CENTOS7_UNIT);
	gp_service_done(&s);
}

static void install_alias_names_count(void **state)
{
	char *t = debian12(false);
	struct gp_service s;

	(void)state;
	/* A wants link by the Alias= name pulls the same unit in. */
	tree_symlink(t, "/etc/systemd/system/multi-user.target.wants/"
		     "sshd.service", DEBIAN_UNIT);
	lookup(t, (const char *const[]){ "ssh", NULL }, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	gp_service_done(&s);
}

static void etc_unit_overrides_vendor(void **state)
{
	char *t = centos7(true);
	struct gp_service s;

	(void)state;
	tree_write(t, "/etc/systemd/system/sshd.service", centos7_unit);
	lookup(t, sshd_names, &s);
	assert_string_equal(s.unit_path, "/etc/systemd/system/sshd.service");
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	gp_service_done(&s);
}

static void masked_by_dev_null(void **state)
{
	char *t = centos7(true);
	struct gp_service s;

	(void)state;
	tree_symlink(t, "/etc/systemd/system/sshd.service", "/dev/null");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_MASKED);
	assert_string_equal(s.masked_by, "/etc/systemd/system/sshd.service");
	assert_string_equal(s.unit_path, CENTOS7_UNIT);
	assert_null(s.enabled_by[0]);
	assert_true(has_prefix(s.ignored, CENTOS7_WANTS " ("));
	gp_service_done(&s);
}

static void masked_by_empty_file(void **state)
{
	char *t = debian12(true);
	struct gp_service s;

	(void)state;
	tree_write(t, "/etc/systemd/system/ssh.service", "");
	lookup(t, (const char *const[]){ "ssh", NULL }, &s);
	assert_int_equal(s.state, GP_SERVICE_MASKED);
	assert_string_equal(s.masked_by, "/etc/systemd/system/ssh.service");
	assert_string_equal(s.unit_path, DEBIAN_REAL);
	gp_service_done(&s);
	/* Through the alias link, the unit it names is masked too. */
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_MASKED);
	assert_string_equal(s.name, "sshd");
	gp_service_done(&s);
}

static void masked_sysv_script(void **state)
{
	char *t = centos6("/etc/rc.d/rc3.d/S55sshd");
	struct gp_service s;

	(void)state;
	/* Under systemd, a mask stops the generated unit as well. */
	tree_remove(t, "/sbin/init");
	tree_symlink(t, "/sbin/init", "/lib/systemd/systemd");
	tree_symlink(t, "/etc/systemd/system/sshd.service", "/dev/null");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_MASKED);
	assert_string_equal(s.unit_path, "/etc/rc.d/init.d/sshd");
	assert_true(has_prefix(s.ignored, "/etc/rc.d/rc3.d/S55sshd ("));
	gp_service_done(&s);
}

static void socket_activation_enables(void **state)
{
	char *t = tree_kept(tree_new());
	const char *const by[] = {
		"/etc/systemd/system/sockets.target.wants/ssh.socket", NULL,
	};
	struct gp_service s;

	(void)state;
	/* Ubuntu 24.04: ssh.service disabled, ssh.socket enabled. */
	merged_usr_systemd(t);
	tree_write(t, "/usr/lib/systemd/system/ssh.service", debian_unit);
	tree_write(t, "/usr/lib/systemd/system/ssh.socket", ubuntu_socket);
	tree_symlink(t, by[0], "/usr/lib/systemd/system/ssh.socket");
	tree_symlink(t, "/etc/systemd/system/ssh.service.requires/ssh.socket",
		     "/usr/lib/systemd/system/ssh.socket");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_string_equal(s.name, "ssh");
	expect_strv(s.enabled_by, by);
	gp_service_done(&s);

	/* A masked socket starts nothing. */
	tree_symlink(t, "/etc/systemd/system/ssh.socket", "/dev/null");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_true(has_prefix(s.ignored, by[0]));
	gp_service_done(&s);
}

static void requires_link_enables(void **state)
{
	char *t = centos7(false);
	struct gp_service s;

	(void)state;
	tree_symlink(t, "/etc/systemd/system/multi-user.target.requires/"
		     "sshd.service", CENTOS7_UNIT);
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	gp_service_done(&s);
}

static void vendor_wants_link_enables(void **state)
{
	char *t = centos7(false);
	struct gp_service s;

	(void)state;
	/* A package can enable its unit statically; merged /usr is read
	 * once, so the link is listed once. */
	tree_symlink(t, "/usr/lib/systemd/system/multi-user.target.wants/"
		     "sshd.service", "../sshd.service");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_non_null(s.enabled_by[0]);
	assert_null(s.enabled_by[1]);
	gp_service_done(&s);
}

static void wants_of_targets_not_reached(void **state)
{
	char *t = centos7(false);
	struct gp_service s;

	(void)state;
	tree_symlink(t, "/etc/systemd/system/rescue.target.wants/sshd.service",
		     CENTOS7_UNIT);
	/* default.target is multi-user.target on this tree. */
	tree_symlink(t, "/etc/systemd/system/graphical.target.wants/"
		     "sshd.service", CENTOS7_UNIT);
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_true(has_prefix(s.ignored, "/etc/systemd/system/rescue"));
	assert_true(has_prefix(s.ignored, "/etc/systemd/system/graphical"));
	gp_service_done(&s);

	tree_remove(t, "/etc/systemd/system/default.target");
	tree_symlink(t, "/etc/systemd/system/default.target",
		     "/lib/systemd/system/graphical.target");
	tree_write(t, "/usr/lib/systemd/system/graphical.target", "[Unit]\n");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	gp_service_done(&s);
}

static void sysv_script_under_systemd(void **state)
{
	char *t = centos7(false);
	struct gp_service s;

	(void)state;
	/* No native unit: systemd-sysv-generator makes one from rc3.d. */
	tree_remove(t, CENTOS7_UNIT);
	tree_write(t, "/etc/rc.d/init.d/sshd", "#!/bin/sh\n");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_string_equal(s.unit_path, "/etc/rc.d/init.d/sshd");
	gp_service_done(&s);
	tree_symlink(t, "/etc/rc.d/rc3.d/S55sshd", "../init.d/sshd");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_string_equal(s.enabled_by[0], "/etc/rc.d/rc3.d/S55sshd");
	gp_service_done(&s);
}

/* --- SysV and upstart ----------------------------------------------- */

static void centos6_sysv_enabled(void **state)
{
	struct gp_service s;
	const char *const by[] = { "/etc/rc.d/rc3.d/S55sshd", NULL };

	(void)state;
	lookup(centos6("/etc/rc.d/rc3.d/S55sshd"), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_false(s.systemd);
	assert_string_equal(s.unit_path, "/etc/rc.d/init.d/sshd");
	expect_strv(s.enabled_by, by);
	gp_service_done(&s);
}

static void centos6_other_runlevel_only(void **state)
{
	struct gp_service s;

	(void)state;
	/* inittab boots runlevel 3; a start link in rc5 alone is not run. */
	lookup(centos6("/etc/rc.d/rc5.d/S55sshd"), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_true(has_prefix(s.ignored, "/etc/rc.d/rc5.d/S55sshd ("));
	gp_service_done(&s);
}

static void centos6_dangling_link(void **state)
{
	char *t = centos6("/etc/rc.d/rc3.d/S55sshd");
	struct gp_service s;

	(void)state;
	tree_symlink(t, "/etc/rc.d/rc3.d/S10sshd", "../init.d/gone");
	tree_remove(t, "/etc/rc.d/rc3.d/S55sshd");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_true(has_prefix(s.ignored, "/etc/rc.d/rc3.d/S10sshd ("));
	gp_service_done(&s);
	/* A start link with no script at all is not a service. */
	tree_remove(t, "/etc/rc.d/init.d/sshd");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ABSENT);
	gp_service_done(&s);
}

static void upstart_job_enabled(void **state)
{
	struct gp_service s;
	const char *const by[] = { "/etc/init/ssh.conf", NULL };

	(void)state;
	lookup(ubuntu1404(NULL), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_int_equal(s.init, GP_INIT_UPSTART);
	assert_string_equal(s.name, "ssh");
	assert_string_equal(s.unit_path, "/etc/init/ssh.conf");
	expect_strv(s.enabled_by, by);
	/* The script defers to the job: its links are not what starts it. */
	assert_true(has_prefix(s.ignored, "/etc/rc2.d/S20ssh ("));
	gp_service_done(&s);
}

static void upstart_override_manual(void **state)
{
	struct gp_service s;

	(void)state;
	lookup(ubuntu1404("manual\n"), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_DISABLED);
	assert_null(s.enabled_by[0]);
	gp_service_done(&s);
	/* "manual" in a comment is not the stanza. */
	lookup(ubuntu1404("# manual\n"), sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	gp_service_done(&s);
}

/* --- absent and hostile trees --------------------------------------- */

static void absent(void **state)
{
	char *t = tree_kept(tree_new());
	struct gp_service s;

	(void)state;
	merged_usr_systemd(t);
	/* An upstart job means nothing under systemd. */
	tree_write(t, "/etc/init/ssh.conf", "start on runlevel [2345]\n");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ABSENT);
	assert_null(s.name);
	assert_null(s.unit_path);
	assert_null(s.enabled_by[0]);
	gp_service_done(&s);
	lookup(t, (const char *const[]){ NULL }, &s);
	assert_int_equal(s.state, GP_SERVICE_ABSENT);
	gp_service_done(&s);
}

static void hostile_units(void **state)
{
	char *t = centos7(true);
	struct gp_service s;

	(void)state;
	/* Alias links that go round in circles end, and are not a unit. */
	tree_symlink(t, "/etc/systemd/system/a.service", "b.service");
	tree_symlink(t, "/etc/systemd/system/b.service", "a.service");
	lookup(t, (const char *const[]){ "a", NULL }, &s);
	assert_int_equal(s.state, GP_SERVICE_ABSENT);
	gp_service_done(&s);
	/* A FIFO in the unit path is skipped without blocking. */
	tree_mkfifo(t, "/etc/systemd/system/sshd.service");
	lookup(t, sshd_names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	assert_string_equal(s.unit_path, CENTOS7_UNIT);
	gp_service_done(&s);
	/* A link out of the root stays in it (and finds nothing there). */
	tree_symlink(t, "/usr/lib/systemd/system/evil.service",
		     "../../../../../../../etc/passwd");
	lookup(t, (const char *const[]){ "evil", NULL }, &s);
	assert_int_equal(s.state, GP_SERVICE_ABSENT);
	gp_service_done(&s);
}

/* --- [Install] ------------------------------------------------------ */

static void read_install(void **state)
{
	char *t = tree_kept(tree_new());
	struct gp_unit_install u;
	struct gp_root *root = NULL;
	const char *const wanted[] = { "graphical.target", "b.target", NULL };
	const char *const required[] = { "c.target", NULL };
	const char *const alias[] = { "x.service", NULL };
	const char *const none[] = { NULL };

	(void)state;
	tree_write(t, "/u.service",
		   "[Unit]\nWantedBy=not-this.target\n"
		   "[Install]\n"
		   "# WantedBy=commented.target\n"
		   "WantedBy=multi-user.target\n"
		   "WantedBy=\n"
		   "WantedBy = graphical.target  b.target\n"
		   "RequiredBy=c.target c.target\n"
		   "Alias=x.service\n"
		   "garbage line\n");
	tree_write(t, "/none.service", "[Service]\nExecStart=/bin/true\n");
	assert_int_equal(gp_root_new(t, &root), 0);
	assert_int_equal(gp_unit_read_install(root, "/u.service", &u), 0);
	expect_strv(u.wanted_by, wanted);
	expect_strv(u.required_by, required);
	expect_strv(u.alias, alias);
	gp_unit_install_done(&u);
	assert_int_equal(gp_unit_read_install(root, "/none.service", &u), 0);
	expect_strv(u.wanted_by, none);
	expect_strv(u.alias, none);
	gp_unit_install_done(&u);
	assert_int_equal(gp_unit_read_install(root, "/missing.service", &u),
			 -ENOENT);
	gp_root_free(root);
}

/* --- enabling ------------------------------------------------------- */

/*
 * Plan the changes that enable the service in @tree, check them against
 * @want ("PATH -> TARGET" or "PATH" for a removal, in order), make them
 * in the tree as the journal would, and look again: now enabled.
 */
static void enable_and_recheck(const char *tree, const char *const *names,
			       const char *const *want)
{
	struct gp_root *root = NULL;
	struct gp_service s;
	struct gp_service_change *c = NULL;
	size_t n = 0, i;

	lookup(tree, names, &s);
	assert_int_not_equal(s.state, GP_SERVICE_ENABLED);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_service_enable_changes(root, &s, &c, &n), 0);
	gp_service_done(&s);
	for (i = 0; i < n; i++) {
		char *line = c[i].target ?
			     strprintf("%s -> %s", c[i].path, c[i].target) :
			     strdup(c[i].path);

		assert_non_null(c[i].why);
		if (!want[i])
			fail_msg("unexpected change %s", line);
		assert_string_equal(line, want[i]);
		free(line);
		if (c[i].target)
			tree_symlink(tree, c[i].path, c[i].target);
		else
			tree_remove(tree, c[i].path);
	}
	if (want[i])
		fail_msg("missing change %s", want[i]);
	gp_service_changes_free(c, n);

	lookup(tree, names, &s);
	assert_int_equal(s.state, GP_SERVICE_ENABLED);
	/* Enabled now: nothing more to do. */
	assert_int_equal(gp_service_enable_changes(root, &s, &c, &n), 0);
	assert_int_equal(n, 0);
	gp_service_changes_free(c, n);
	gp_service_done(&s);
	gp_root_free(root);
}

static int enable_error(const char *tree, const char *const *names)
{
	struct gp_root *root = NULL;
	struct gp_service s;
	struct gp_service_change *c = NULL;
	size_t n = 0;
	int r;

	lookup(tree, names, &s);
	assert_int_equal(gp_root_new(tree, &root), 0);
	r = gp_service_enable_changes(root, &s, &c, &n);
	if (r == 0)
		gp_service_changes_free(c, n);
	gp_service_done(&s);
	gp_root_free(root);
	return r;
}

static void enable_centos7(void **state)
{
	const char *const want[] = { CENTOS7_WANTS " -> " CENTOS7_UNIT, NULL };

	(void)state;
	enable_and_recheck(centos7(false), sshd_names, want);
}

static void enable_debian_with_alias(void **state)
{
	const char *const want[] = {
		DEBIAN_WANTS " -> " DEBIAN_REAL,
		DEBIAN_ALIAS " -> " DEBIAN_REAL,
		NULL,
	};

	(void)state;
	enable_and_recheck(debian12(false), sshd_names, want);
}

static void enable_masked_unmasks(void **state)
{
	char *t = centos7(true);
	const char *const want[] = { "/etc/systemd/system/sshd.service", NULL };

	(void)state;
	tree_symlink(t, "/etc/systemd/system/sshd.service", "/dev/null");
	enable_and_recheck(t, sshd_names, want);
}

static void enable_centos6_chkconfig(void **state)
{
	char *t = centos6(NULL);
	const char *const want[] = {
		"/etc/rc.d/rc2.d/K25sshd",
		"/etc/rc.d/rc2.d/S55sshd -> ../init.d/sshd",
		"/etc/rc.d/rc3.d/K25sshd",
		"/etc/rc.d/rc3.d/S55sshd -> ../init.d/sshd",
		"/etc/rc.d/rc4.d/S55sshd -> ../init.d/sshd",
		"/etc/rc.d/rc5.d/S55sshd -> ../init.d/sshd",
		NULL,
	};

	(void)state;
	/* "chkconfig sshd off" left stop links in rc2 and rc3. */
	tree_write(t, "/etc/rc.d/init.d/sshd",
		   "#!/bin/bash\n#\n# sshd\t\tStart up the OpenSSH server "
		   "daemon\n#\n# chkconfig: 2345 55 25\n");
	tree_symlink(t, "/etc/rc.d/rc2.d/K25sshd", "../init.d/sshd");
	tree_symlink(t, "/etc/rc.d/rc3.d/K25sshd", "../init.d/sshd");
	enable_and_recheck(t, sshd_names, want);
}

static void enable_sysv_default_runlevel_added(void **state)
{
	char *t = tree_kept(tree_new());
	const char *const want[] = {
		"/etc/rc2.d/S20sshd -> ../init.d/sshd",
		NULL,
	};

	(void)state;
	/* Debian 7 with sysvinit: LSB header for rc2 only, the script
	 * without chkconfig line, rc3-5 missing from this tree. */
	tree_write(t, "/sbin/init", "ELF stub\n");
	tree_write(t, "/etc/inittab", "id:2:initdefault:\n");
	tree_write(t, "/etc/init.d/sshd",
		   "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: sshd\n"
		   "# Default-Start: 2\n# Default-Stop:\n"
		   "### END INIT INFO\n");
	tree_mkdir(t, "/etc/rc2.d");
	enable_and_recheck(t, sshd_names, want);
}

static void enable_upstart_override(void **state)
{
	const char *const want[] = { "/etc/init/ssh.override", NULL };

	(void)state;
	enable_and_recheck(ubuntu1404("# disabled by the admin\nmanual\n"),
			   sshd_names, want);
	/* An override that says more is the administrator's to edit. */
	assert_int_equal(enable_error(ubuntu1404("manual\nnice 5\n"),
				      sshd_names), -EOPNOTSUPP);
}

static void enable_refused(void **state)
{
	char *t = centos7(false);

	(void)state;
	/* A static unit: no [Install] section to follow. */
	tree_write(t, CENTOS7_UNIT, "[Service]\nExecStart=/usr/sbin/sshd\n");
	assert_int_equal(enable_error(t, sshd_names), -EOPNOTSUPP);
	/* A mask the vendor ships is not for us to remove. */
	tree_remove(t, CENTOS7_UNIT);
	tree_symlink(t, CENTOS7_UNIT, "/dev/null");
	assert_int_equal(enable_error(t, sshd_names), -EOPNOTSUPP);
	/* Nothing to enable. */
	assert_int_equal(enable_error(t, (const char *const[]){ "x", NULL }),
			 -EOPNOTSUPP);
}

static void unit_find_and_wants(void **state)
{
	char *t = debian12(true);
	struct gp_root *root = NULL;
	struct gp_unit u;
	char **enabled = NULL, **ignored = NULL;
	const char *const names[] = { "ssh.service", "sshd.service", NULL };
	const char *const by[] = { DEBIAN_WANTS, NULL };

	(void)state;
	assert_int_equal(gp_root_new(t, &root), 0);
	assert_int_equal(gp_unit_find(root, "sshd.service", &u), 0);
	assert_int_equal(u.kind, GP_UNIT_FILE);
	assert_string_equal(u.name, "ssh.service");
	assert_string_equal(u.path, DEBIAN_REAL);
	expect_strv(u.names, names);
	gp_unit_done(&u);
	assert_int_equal(gp_unit_find(root, "nope.target", &u), 0);
	assert_int_equal(u.kind, GP_UNIT_NONE);
	assert_null(u.names[1]);
	gp_unit_done(&u);
	assert_int_equal(gp_unit_wants_links(root, "ssh.service", &enabled,
					     &ignored), 0);
	expect_strv(enabled, by);
	assert_null(ignored[0]);
	strv_free(enabled);
	strv_free(ignored);
	gp_root_free(root);
}

#define TEST(f) cmocka_unit_test_teardown(f, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(init_systemd_merged_usr),
		TEST(init_systemd_dangling_link),
		TEST(init_systemd_binary_only),
		TEST(init_upstart),
		TEST(init_sysv_beside_systemd),
		TEST(init_unknown),
		TEST(names_of_states),
		TEST(centos7_enabled),
		TEST(centos7_disabled),
		TEST(debian_enabled_through_alias),
		TEST(debian_disabled_found_as_ssh),
		TEST(first_name_wins),
		TEST(install_alias_names_count),
		TEST(etc_unit_overrides_vendor),
		TEST(masked_by_dev_null),
		TEST(masked_by_empty_file),
		TEST(masked_sysv_script),
		TEST(socket_activation_enables),
		TEST(requires_link_enables),
		TEST(vendor_wants_link_enables),
		TEST(wants_of_targets_not_reached),
		TEST(sysv_script_under_systemd),
		TEST(centos6_sysv_enabled),
		TEST(centos6_other_runlevel_only),
		TEST(centos6_dangling_link),
		TEST(upstart_job_enabled),
		TEST(upstart_override_manual),
		TEST(absent),
		TEST(hostile_units),
		TEST(read_install),
		TEST(enable_centos7),
		TEST(enable_debian_with_alias),
		TEST(enable_masked_unmasks),
		TEST(enable_centos6_chkconfig),
		TEST(enable_sysv_default_runlevel_added),
		TEST(enable_upstart_override),
		TEST(enable_refused),
		TEST(unit_find_and_wants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
