/* SPDX-License-Identifier: GPL-2.0-or-later */
/* INI-style files (see include/guestprep/ini.h). */
#include "config.h"

#include <string.h>

#include "guestprep/ini.h"
#include "guestprep/macro.h"
#include "util.h"

static int add_section(struct gp_ini *ini, const char *name, size_t len,
		       unsigned line)
{
	struct gp_ini_section *v;
	char *s = strndup(name, len);

	v = s ? realloc(ini->sections,
			(ini->n_sections + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	ini->sections = v;
	v[ini->n_sections++] = (struct gp_ini_section){ s, line, line };
	return 0;
}

static int add_entry(struct gp_ini *ini, char *key, char *value,
		     unsigned line)
{
	const char *sec = ini->n_sections ?
				  ini->sections[ini->n_sections - 1].name : "";
	struct gp_ini_entry *v;
	char *s = strdup(sec), *k = strdup(strstrip(key));
	char *val = strdup(strstrip(value));

	v = s && k && val ? realloc(ini->entries,
				    (ini->n_entries + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(s);
		free(k);
		free(val);
		return -ENOMEM;
	}
	ini->entries = v;
	v[ini->n_entries++] = (struct gp_ini_entry){ s, k, val, line };
	/* cppcheck-suppress memleak ; s, k and val are owned by ini->entries now */
	return 0;
}

static void bad(struct gp_ini *ini, unsigned line)
{
	if (ini->bad_lines++ == 0)
		ini->first_bad_line = line;
}

static int parse_line(struct gp_ini *ini, char *s, unsigned line)
{
	char *eq;

	s = strstrip(s);
	if (ini->n_sections && *s)
		ini->sections[ini->n_sections - 1].last = line;
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || end[1] != '\0') {
			bad(ini, line);
			return 0;
		}
		return add_section(ini, s + 1, (size_t)(end - s - 1), line);
	}
	eq = strchr(s, '=');
	if (!eq || eq == s) {
		bad(ini, line);
		return 0;
	}
	*eq = '\0';
	return add_entry(ini, s, eq + 1, line);
}

int gp_ini_parse(const char *text, size_t len, struct gp_ini *ret)
{
	struct gp_ini ini = { 0 };
	unsigned line = 0;

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		_cleanup_free_ char *s = strndup(p, n);

		line++;
		if (!s || parse_line(&ini, s, line) < 0) {
			gp_ini_done(&ini);
			return -ENOMEM;
		}
		if (memchr(p, '\0', n))
			bad(&ini, line);
		p += n + (nl ? 1 : 0);
	}
	ini.n_lines = line;
	*ret = ini;
	return 0;
}

void gp_ini_done(struct gp_ini *ini)
{
	for (size_t i = 0; i < ini->n_entries; i++) {
		free(ini->entries[i].section);
		free(ini->entries[i].key);
		free(ini->entries[i].value);
	}
	for (size_t i = 0; i < ini->n_sections; i++)
		free(ini->sections[i].name);
	free(ini->entries);
	free(ini->sections);
	*ini = (struct gp_ini){ 0 };
}

const struct gp_ini_entry *gp_ini_find(const struct gp_ini *ini,
				       const char *section, const char *key)
{
	for (size_t i = ini->n_entries; i > 0; i--) {
		const struct gp_ini_entry *e = &ini->entries[i - 1];

		if (strcmp(e->section, section) == 0 &&
		    strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

const char *gp_ini_get(const struct gp_ini *ini, const char *section,
		       const char *key)
{
	const struct gp_ini_entry *e = gp_ini_find(ini, section, key);

	return e ? e->value : NULL;
}

const struct gp_ini_section *gp_ini_section(const struct gp_ini *ini,
					    const char *name)
{
	for (size_t i = ini->n_sections; i > 0; i--)
		if (strcmp(ini->sections[i - 1].name, name) == 0)
			return &ini->sections[i - 1];
	return NULL;
}
