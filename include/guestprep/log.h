/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics for people, on standard error.  Plugins use gp_debug()
 * only (`-v`); what a check finds goes into findings, never into logs.
 * The agent logs warnings and errors about the run itself.
 */
#ifndef GUESTPREP_LOG_H
#define GUESTPREP_LOG_H

#include "guestprep/macro.h"

enum gp_log_level {
	GP_LOG_ERR,
	GP_LOG_WARNING,
	GP_LOG_INFO,
	GP_LOG_DEBUG,
};

void gp_log_set_level(enum gp_log_level level);
enum gp_log_level gp_log_get_level(void);
void gp_log(enum gp_log_level level, const char *fmt, ...) _printf_(2, 3);

#define gp_debug(...) gp_log(GP_LOG_DEBUG, __VA_ARGS__)

#endif
