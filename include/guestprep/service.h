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

#endif
