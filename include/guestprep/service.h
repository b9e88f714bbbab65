/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Services: whether something starts a daemon at the next boot, read
 * from the tree alone (no systemctl, no running init), so it answers the
 * same live and offline.
 *
 * What counts, in the order an init system would honour it:
 *   - systemd: a unit file NAME.service in /etc/systemd/system,
 *     /usr/lib/systemd/system or /lib/systemd/system (the first wins);
 *     masked when the /etc one is a link to /dev/null or an empty file;
 *     enabled by a NAME.service (or alias) link in a ".wants" or
 *     ".requires" directory of /etc/systemd/system, or through
 *     socket activation: NAME.socket enabled the same way;
 *   - SysV: start links S<nn>NAME in /etc/rcN.d or /etc/rc.d/rcN.d that
 *     point to an existing script (ignored under systemd when a native
 *     unit of that name exists, as systemd-sysv-generator does);
 *   - upstart: /etc/init/NAME.conf without a NAME.override "manual".
 *
 * The struct owns its strings; gp_service_done() frees them.
 */
#ifndef GUESTPREP_SERVICE_H
#define GUESTPREP_SERVICE_H

#include <stdbool.h>
#include "guestprep/root.h"

/*
 * Details the lookup also honours: /usr/local/lib/systemd/system is in
 * the unit path; a /dev/null link or empty file anywhere in it masks;
 * a link in /etc/systemd/system to another unit is an alias of it
 * (Debian's sshd.service -> ssh.service); wants links that a boot does
 * not reach (rescue.target.wants, graphical.target.wants when the
 * default target is multi-user.target) and the service's own
 * NAME.service.requires/ do not count; SysV start links count in rc2-5
 * under systemd, else in rcS and the default runlevel of /etc/inittab
 * (or upstart's rc-sysinit.conf); under upstart a job wins over the
 * script of its name.  Templates (NAME@.service) are out of scope.
 */

/* The init system the tree boots with, as far as the files tell. */
enum gp_init_system {
	GP_INIT_UNKNOWN,	/* no /sbin/init, no systemd, no inittab */
	GP_INIT_SYSTEMD,
	GP_INIT_UPSTART,	/* /sbin/initctl: Ubuntu 14.04, RHEL 6 */
	GP_INIT_SYSV,		/* sysvinit, busybox and the like */
};

enum gp_service_state {
	GP_SERVICE_ABSENT,	/* no unit, script or job of any of the names */
	GP_SERVICE_DISABLED,	/* installed, nothing starts it at boot */
	GP_SERVICE_ENABLED,	/* something starts it at boot */
	GP_SERVICE_MASKED,	/* systemd will refuse to start it */
};

struct gp_service {
	enum gp_service_state state;
	bool systemd;		/* the tree boots with systemd */
	char *name;		/* which of the names was found, or NULL */
	char *unit_path;	/* the unit file, script or job in effect */
	/* What starts it (wants links, socket, rc links, upstart job),
	 * NULL-terminated, sorted; never NULL after a lookup. */
	char **enabled_by;
	char *masked_by;	/* the masking link or empty file */

	/* Additions (the fields above keep their meaning). */
	enum gp_init_system init;	/* what boots the tree */
	/*
	 * The systemd unit ("ssh.service" when "sshd.service" is its
	 * alias), the SysV script's name or the upstart job's, or NULL.
	 * With a mask, unit_path is the unit file or script under it.
	 */
	char *unit;
	/* Every name the unit answers to, ".service" included (its own,
	 * the alias link it was found by, its Alias= names); sorted. */
	char **aliases;
	/*
	 * Links and jobs that look like they start it but do not, one
	 * "PATH (why)" each, sorted, never NULL after a lookup: wants links
	 * of a masked unit, SysV links systemd ignores for a native unit,
	 * links in runlevels not entered at boot, dangling start links.
	 */
	char **ignored;
};

/*
 * Look up the service known by any of @names ("sshd", "ssh": without
 * ".service"; NULL-terminated; the first one found is used).  0 and
 * *ret filled in, or a negative errno when the tree could not be read
 * (-ENOMEM); a missing service is GP_SERVICE_ABSENT, not an error.
 */
int gp_service_lookup(const struct gp_root *root, const char *const *names,
		      struct gp_service *ret);
void gp_service_done(struct gp_service *s);

/* "absent", "disabled", "enabled", "masked" */
const char *gp_service_state_name(enum gp_service_state state);

/*
 * What boots the tree: /sbin/init a link to systemd (or, without
 * /sbin/init, a systemd binary), upstart (/sbin/initctl beside
 * /sbin/init), else SysV.  Reads only; never fails.
 */
enum gp_init_system gp_service_init_system(const struct gp_root *root);
/* "unknown", "systemd", "upstart", "sysv" */
const char *gp_init_system_name(enum gp_init_system init);

/*
 * The [Install] section of the unit file @path (drop-ins are not read):
 * the WantedBy=, RequiredBy= and Alias= values, each a NULL-terminated
 * vector, never NULL on success.  An unreadable file is an error
 * (-ENOENT, -EFBIG, ...); a file without [Install] gives empty vectors.
 */
/*
 * Where systemd finds the unit @unit ("cloud-init.target", "ssh.socket",
 * "sshd.service"): the first file of that name in /etc/systemd/system,
 * /usr/local/lib/systemd/system, /usr/lib/systemd/system,
 * /lib/systemd/system; a link to another unit of the same type is an
 * alias and is followed.  Always 0 (and GP_UNIT_NONE when there is
 * none) unless out of memory.
 */
enum gp_unit_kind {
	GP_UNIT_NONE,
	GP_UNIT_FILE,
	GP_UNIT_MASKED,		/* a link to /dev/null or an empty file */
};

struct gp_unit {
	enum gp_unit_kind kind;
	char *path;		/* the file or the mask, as found */
	char *name;		/* the unit's own name, aliases followed */
	char **names;		/* every name on the way, @unit included */
};

int gp_unit_find(const struct gp_root *root, const char *unit,
		 struct gp_unit *ret);
void gp_unit_done(struct gp_unit *u);

/*
 * Links named @unit in the *.wants and *.requires directories of the
 * unit path (each real directory once), split into those a boot reaches
 * (@ret_enabled: paths) and the others (@ret_ignored: "PATH (why)":
 * rescue.target and the like, graphical.target when it is not the
 * default).  Both sorted, never NULL on success.
 */
int gp_unit_wants_links(const struct gp_root *root, const char *unit,
			char ***ret_enabled, char ***ret_ignored);

struct gp_unit_install {
	char **wanted_by;
	char **required_by;
	char **alias;
};

int gp_unit_read_install(const struct gp_root *root, const char *path,
			 struct gp_unit_install *ret);
void gp_unit_install_done(struct gp_unit_install *u);

/*
 * What enables @s at boot, the way systemctl enable, chkconfig on or
 * update-rc.d would, as changes for a fixer to plan (gp_plan_symlink()
 * when target is set, else gp_plan_remove()):
 *   - systemd: the mask in /etc/systemd/system goes; a link
 *     /etc/systemd/system/T.wants/UNIT (T.requires for RequiredBy=) to
 *     the unit file for each target of its [Install] section, and its
 *     Alias= links;
 *   - SysV (and SysV under systemd): K links of the boot runlevels go,
 *     S<nn>NAME links to the script in them (levels and number from the
 *     script's "chkconfig:" or LSB "Default-Start:" header, else rc2-5
 *     and 20);
 *   - upstart: an override that holds nothing but "manual" goes.
 * Changes already in place are left out (an empty list: nothing to do).
 * -EOPNOTSUPP when it cannot be enabled that way (absent, a unit without
 * [Install] targets, a job without "start on"), -ENOMEM.
 */
struct gp_service_change {
	char *path;
	char *target;		/* the link's target, or NULL: remove @path */
	char *why;		/* one line for the plan */
};

int gp_service_enable_changes(const struct gp_root *root,
			      const struct gp_service *s,
			      struct gp_service_change **ret, size_t *ret_n);
void gp_service_changes_free(struct gp_service_change *c, size_t n);

#endif
