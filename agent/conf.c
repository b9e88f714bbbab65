/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file: the same "key = value" lines as a profile.
 * Its own keys (profile, format, color, only, skip) set defaults for the
 * command line; every other key overrides the profile's value, so site
 * thresholds live here rather than in a copy of the profile.
 */
#include "config.h"

#include <string.h>

#include "guestprep/profile.h"
#include "cli.h"
#include "keyfile.h"
#include "util.h"

#define DEFAULT_CONFIG SYSCONFDIR "/guestprep/guestprep.conf"
#define DEFAULT_PROFILE "alibaba"

static int conf_option(struct gp_options *o, const struct keyfile_entry *e,
		       const char **ret_what)
{
	const char *k = e->key, *v = e->value;
	enum gp_format format;

	if (strcmp(k, "profile") == 0) {
		if (o->profile)
			return 0;
		o->profile = strdup(v);
		return o->profile ? 0 : -ENOMEM;
	}
	if (strcmp(k, "format") == 0) {
		*ret_what = "format must be text or json";
		if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
			return -EINVAL;
		format = strcmp(v, "json") == 0 ? GP_FORMAT_JSON : GP_FORMAT_TEXT;
		if (!o->has_format)
			o->format = format;
		return 0;
	}
	if (strcmp(k, "color") == 0) {
		static const char *const names[] = { "auto", "always", "never" };

		*ret_what = "color must be auto, always or never";
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (strcmp(v, names[i]) == 0) {
				if (!o->has_color)
					o->color = (enum gp_color)i;
				return 0;
			}
		return -EINVAL;
	}
	if (strcmp(k, "only") == 0 || strcmp(k, "skip") == 0) {
		bool only = k[0] == 'o';
		char ***list = only ? &o->only : &o->skip;

		if (only ? o->has_only : o->has_skip)
			return 0;
		strv_free(*list);
		*list = NULL;
		return strv_split(v, list);
	}
	return -ENOENT;
}

static bool is_option_key(const char *k)
{
	return strcmp(k, "profile") == 0 || strcmp(k, "format") == 0 ||
	       strcmp(k, "color") == 0 || strcmp(k, "only") == 0 ||
	       strcmp(k, "skip") == 0;
}

/* Profile overrides from the file, then from --set: the command line wins. */
static int apply_overrides(struct gp_profile *p, const struct keyfile *kf,
			   char *const *set, char **ret_error)
{
	for (size_t i = 0; i < kf->n_entries; i++) {
		const struct keyfile_entry *e = &kf->entries[i];
		_cleanup_free_ char *what = NULL;
		int r;

		if (is_option_key(e->key))
			continue;
		r = gp_profile_set(p, e->key, e->value, &what);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			*ret_error = strprintf("%s:%u: %s", kf->name, e->line, what);
			return -EINVAL;
		}
	}
	for (size_t i = 0; set && set[i]; i++) {
		_cleanup_free_ char *key = strndup(set[i], strcspn(set[i], "="));
		_cleanup_free_ char *what = NULL;
		int r;

		if (!key)
			return -ENOMEM;
		r = gp_profile_set(p, strstrip(key), strchr(set[i], '=') + 1,
				   &what);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			*ret_error = strprintf("--set %s: %s", set[i], what);
			return -EINVAL;
		}
	}
	return 0;
}

static int read_options(struct gp_options *o, const struct keyfile *kf,
			char **ret_error)
{
	for (size_t i = 0; i < kf->n_entries; i++) {
		const struct keyfile_entry *e = &kf->entries[i];
		const char *what = NULL;
		int r = conf_option(o, e, &what);

		if (r == -ENOENT)
			continue;	/* a profile key: applied later */
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			*ret_error = strprintf("%s:%u: %s", kf->name, e->line, what);
			return -EINVAL;
		}
	}
	return 0;
}

int conf_load(struct gp_options *o, struct gp_profile **ret_profile,
	      char **ret_error)
{
	_cleanup_(keyfile_done) struct keyfile kf = { 0 };
	struct gp_profile *p = NULL;
	int r;

	r = keyfile_load(o->config ? o->config : DEFAULT_CONFIG, &kf, ret_error);
	if (r == -ENOENT && o->config)
		*ret_error = strprintf("%s: no such file", o->config);
	else if (r == -ENOENT)
		r = 0;	/* no configuration file: all defaults */
	if (r < 0)
		return r;

	r = read_options(o, &kf, ret_error);
	if (r < 0)
		return r;
	r = gp_profile_load(o->profile ? o->profile : DEFAULT_PROFILE, &p,
			    ret_error);
	if (r < 0)
		return r;
	r = apply_overrides(p, &kf, o->set, ret_error);
	if (r < 0) {
		gp_profile_free(p);
		return r;
	}
	*ret_profile = p;
	return 0;
}
