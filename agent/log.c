/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "guestprep/log.h"

static enum gp_log_level max_level = GP_LOG_WARNING;

void gp_log_set_level(enum gp_log_level level)
{
	max_level = level;
}

enum gp_log_level gp_log_get_level(void)
{
	return max_level;
}

void gp_log(enum gp_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[GP_LOG_ERR] = "error: ",
		[GP_LOG_WARNING] = "warning: ",
		[GP_LOG_INFO] = "",
		[GP_LOG_DEBUG] = "debug: ",
	};
	va_list ap;

	if (level > max_level)
		return;
	fprintf(stderr, "guestprep: %s", prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
