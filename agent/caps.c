/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "caps.h"

/* Ambient capabilities (Linux 4.3) are cleared where libcap-ng knows them. */
#ifdef CAPNG_SUPPORTS_AMBIENT
#define SELECT_EVERY CAPNG_SELECT_ALL
#else
#define SELECT_EVERY CAPNG_SELECT_BOTH
#endif

#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif

int caps_drop_for_check(void)
{
	bool keep, can_bound;
	int r;

	if (capng_get_caps_process() < 0)
		return -EPERM;
	keep = capng_have_capability(CAPNG_PERMITTED, CAP_DAC_READ_SEARCH);
	can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);

	capng_clear(SELECT_EVERY);
	if (keep)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
					CAPNG_BOUNDING_SET,
			     CAP_DAC_READ_SEARCH);
	/* Without CAP_SETPCAP (not root) the bounding set cannot shrink. */
	r = capng_apply(can_bound ? SELECT_EVERY : CAPNG_SELECT_CAPS);
	if (r < 0 && can_bound)
		r = capng_apply(CAPNG_SELECT_BOTH);	/* a kernel before 4.3 */
	if (r < 0)
		return -EPERM;
	/* Before Linux 3.5 there is no such flag; the drop above still holds. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

int caps_drop_for_fix(bool keep_all)
{
	static const int wanted[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
		CAP_FSETID, CAP_SETFCAP, CAP_SYS_CHROOT, CAP_KILL, CAP_SETUID,
		CAP_SETGID, CAP_AUDIT_WRITE,
		/* Restoring security.* (SELinux labels) and trusted.* xattrs. */
		CAP_SYS_ADMIN,
	};
	bool had[sizeof(wanted) / sizeof(wanted[0])];
	bool can_bound;

	if (keep_all)
		return 0;
	if (capng_get_caps_process() < 0)
		return -EPERM;
	/* Keep only what we have: a non-root run cannot gain anything. */
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		had[i] = capng_have_capability(CAPNG_PERMITTED, wanted[i]);
	can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(SELECT_EVERY);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (had[i])
			capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
						CAPNG_BOUNDING_SET, wanted[i]);
	if (capng_apply(can_bound ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0)
		return -EPERM;
	return 0;
}

char *caps_describe(void)
{
	char *s;

	if (capng_get_caps_process() < 0)
		return strdup("unknown");
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return strdup("none");
	s = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	return s ? s : strdup("unknown");
}
