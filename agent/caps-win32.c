/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Capabilities (caps.h) in guestprep.exe: Windows has
 * no capability sets to drop.  Check mode still opens nothing for
 * writing (root-win32.c refuses it) and reads the registry with
 * KEY_READ only.
 */
#include "config.h"

#include <string.h>

#include "caps.h"

int caps_drop_for_check(void)
{
	return 0;
}

int caps_drop_for_fix(bool keep_all)
{
	return 0;
}

char *caps_describe(void)
{
	return strdup("none (Windows)");
}
