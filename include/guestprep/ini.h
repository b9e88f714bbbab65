/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * INI-style files: NetworkManager keyfiles and NetworkManager.conf
 * (GKeyFile), systemd unit-like files (.network, .link).
 *
 * "[Section]" headers, "key=value" lines (blanks around both dropped),
 * comments starting with '#' or ';'.  Values are kept as written: no
 * unescaping, no list splitting.  Lines that are none of these are
 * counted in bad_lines (the first one's number kept), so a check can
 * report a garbled file.  Every entry remembers its line, and every
 * section the line of its header, for the fixers' line edits.
 */
#ifndef GUESTPREP_INI_H
#define GUESTPREP_INI_H

#include <stddef.h>

struct gp_ini_entry {
	char *section;		/* "" before the first header */
	char *key;
	char *value;
	unsigned line;
};

struct gp_ini_section {
	char *name;
	unsigned line;		/* of the header */
	unsigned last;		/* last line that belongs to it */
};

struct gp_ini {
	struct gp_ini_entry *entries;
	size_t n_entries;
	struct gp_ini_section *sections;
	size_t n_sections;
	unsigned n_lines;
	unsigned bad_lines;
	unsigned first_bad_line;
};

/* Parse @len bytes of @text into @ret; 0 or -ENOMEM. */
int gp_ini_parse(const char *text, size_t len, struct gp_ini *ret);
void gp_ini_done(struct gp_ini *ini);

/* The last entry @key of the last section @section (case matters). */
const struct gp_ini_entry *gp_ini_find(const struct gp_ini *ini,
				       const char *section, const char *key);
const char *gp_ini_get(const struct gp_ini *ini, const char *section,
		       const char *key);
/* The last section called @name, or NULL. */
const struct gp_ini_section *gp_ini_section(const struct gp_ini *ini,
					    const char *name);

#endif
