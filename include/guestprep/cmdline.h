/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command lines: the GRUB_CMDLINE_LINUX* values of
 * /etc/default/grub, the "linux" and "kernel" lines of grub's
 * configuration, /proc/cmdline.
 *
 * An option is a word: it starts at the beginning of the text or after a
 * separator and ends at the end of the text or at a separator.  The
 * separators are the blanks (space, tab, newline, carriage return) and
 * both quotes: grub removes quotes from its lines before it hands them to
 * the kernel ('enforcing=1' and "enforcing=1" both reach it as
 * enforcing=1), and the kernel drops the quotes of param="value".  A
 * value is taken up to the next separator, so a quoted value with a
 * blank inside is cut there (root= and console= values have none).
 *
 * Nothing here allocates: the pointers returned point into the text.
 */
#ifndef GUESTPREP_CMDLINE_H
#define GUESTPREP_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Where the word @option ("cloud-init=disabled") stands in the @len
 * bytes at @s, or NULL. */
const char *gp_cmdline_find(const char *s, size_t len, const char *option);

/* Whether the NUL-terminated @s has the word @option. */
bool gp_cmdline_has(const char *s, const char *option);

/*
 * The first option "@key=VALUE" at or after @p in the text [@start,
 * @end) (@start lets the character before @p be judged): where the
 * option starts, with *@ret_value and *@ret_len set to its value, which
 * may be empty.  NULL when there is none (the ret_* are not touched).
 * To walk all of them, go on from the returned pointer plus one.
 */
const char *gp_cmdline_next(const char *start, const char *p,
			    const char *end, const char *key,
			    const char **ret_value, size_t *ret_len);

#endif
