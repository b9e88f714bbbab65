/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file: the same "key = value" lines as a profile.
 * Its own keys, named after the long options they stand for (profile,
 * format, color, only, skip, checks-dir, checks-timeout), set defaults
 * for the command line; every other key overrides the profile's value,
 * so site thresholds live here rather than in a copy of the profile.
 */
#include "config.h"

#include <string.h>

#include "guestprep/profile.h"
#include "cli.h"
#include "extchecks.h"
#include "keyfile.h"
#include "util.h"

#define DEFAULT_CONFIG SYSCONFDIR "/guestprep/guestprep.conf"
#define DEFAULT_PROFILE "alibaba"

_Static_assert(EXTCHECKS_TIMEOUT_MAX == 86400,
	       "the checks-timeout message names the limit");

/*
 * Which settings the command line gave: those stay, while a later line
 * of the file replaces an earlier one.
 */
struct cli_given {
	bool profile, checks_dir, checks_timeout;
};

/*
 * The site checks' directory and timeout (extchecks.h).  The directory
 * must be absolute: the file is read from wherever guestprep starts.
 */
static int conf_site_option(struct gp_options *o, const struct cli_given *cli,
			    const struct keyfile_entry *e, const char **ret_what)
{
	_cleanup_free_ char *dir = NULL;
	const char *k = e->key, *v = e->value;
	unsigned sec;

	if (strcmp(k, "checks-dir") == 0) {
		*ret_what = "checks-dir must be an absolute path";
		if (!path_is_absolute(v))
			return -EINVAL;
		if (cli->checks_dir)
			return 0;
		dir = strdup(v);
		if (!dir)
			return -ENOMEM;
		free(o->checks_dir);
		o->checks_dir = TAKE_PTR(dir);
		return 0;
	}
	if (strcmp(k, "checks-timeout") == 0) {
		*ret_what = "checks-timeout must be a number of seconds from 1 "
			    "to 86400";
		if (extchecks_parse_timeout(v, &sec) < 0)
			return -EINVAL;
		if (!cli->checks_timeout)
			o->checks_timeout = sec;
		return 0;
	}
	return -ENOENT;
}

static int conf_option(struct gp_options *o, const struct cli_given *cli,
		       const struct keyfile_entry *e, const char **ret_what)
{
	const char *k = e->key, *v = e->value;
	enum gp_format format;

	if (strcmp(k, "profile") == 0) {
		char *name;

		if (cli->profile)
			return 0;
		name = strdup(v);
		if (!name)
			return -ENOMEM;
		free(o->profile);
		o->profile = name;
		return 0;
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
	return conf_site_option(o, cli, e, ret_what);
}

static bool is_option_key(const char *k)
{
	static const char *const keys[] = {
		"profile", "format", "color", "only", "skip",
		"checks-dir", "checks-timeout",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
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
	const struct cli_given cli = { .profile = o->profile != NULL,
				       .checks_dir = o->checks_dir != NULL,
				       .checks_timeout = o->checks_timeout != 0 };

	for (size_t i = 0; i < kf->n_entries; i++) {
		const struct keyfile_entry *e = &kf->entries[i];
		const char *what = NULL;
		int r = conf_option(o, &cli, e, &what);

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
