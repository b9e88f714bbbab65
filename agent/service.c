/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Services (include/guestprep/service.h): placeholder, being written. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guestprep/service.h"

int gp_service_lookup(const struct gp_root *root, const char *const *names,
		      struct gp_service *ret)
{
	(void)root;
	(void)names;
	memset(ret, 0, sizeof(*ret));
	ret->enabled_by = calloc(1, sizeof(char *));
	return ret->enabled_by ? 0 : -ENOMEM;
}

void gp_service_done(struct gp_service *s)
{
	free(s->name);
	free(s->unit_path);
	free(s->masked_by);
	for (char **p = s->enabled_by; p && *p; p++)
		free(*p);
	free(s->enabled_by);
	s->enabled_by = NULL;
}

const char *gp_service_state_name(enum gp_service_state state)
{
	static const char *const names[] = {
		"absent", "disabled", "enabled", "masked",
	};

	return names[state];
}
