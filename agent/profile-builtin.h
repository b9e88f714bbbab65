/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Profiles compiled into the binary from agent/profiles/ (generated). */
#ifndef GUESTPREP_PROFILE_BUILTIN_H
#define GUESTPREP_PROFILE_BUILTIN_H

struct gp_builtin_profile {
	const char *name;
	const char *text;
};

/* Ends with an entry whose name is NULL. */
extern const struct gp_builtin_profile gp_builtin_profiles[];

#endif
