/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "keyfile.h"
#include "util.h"

static int add_entry(struct keyfile *kf, const char *key, const char *value,
		     unsigned line)
{
	struct keyfile_entry *e;

	e = realloc(kf->entries, (kf->n_entries + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	kf->entries = e;
	e += kf->n_entries;
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	kf->n_entries++;
	return 0;
}

static int syntax_error(const char *name, unsigned line, const char *what,
			char **ret_error)
{
	if (ret_error)
		*ret_error = strprintf("%s:%u: %s", name, line, what);
	return -EINVAL;
}

static bool valid_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (*p == '=' || *p == '"' || (unsigned char)*p < 0x20)
			return false;
	return true;
}

/* Split one line into key and value; 0, 1 for "nothing here", -EINVAL. */
static int parse_line(char *s, char **ret_key, char **ret_value,
		      const char **ret_what)
{
	char *eq, *key, *value;
	size_t len;

	s = strstrip(s);
	if (!*s || *s == '#' || *s == ';')
		return 1;
	eq = strchr(s, '=');
	if (!eq) {
		*ret_what = "expected \"key = value\"";
		return -EINVAL;
	}
	*eq = '\0';
	key = strstrip(s);
	value = strstrip(eq + 1);
	if (!valid_key(key)) {
		*ret_what = "missing or malformed key";
		return -EINVAL;
	}
	len = strlen(value);
	if (*value == '"') {
		if (len < 2 || value[len - 1] != '"') {
			*ret_what = "unterminated quoted value";
			return -EINVAL;
		}
		value[len - 1] = '\0';
		value++;
	}
	*ret_key = key;
	*ret_value = value;
	return 0;
}

int keyfile_parse(const char *name, const char *text, struct keyfile *ret,
		  char **ret_error)
{
	_cleanup_free_ char *copy = strdup(text);
	struct keyfile kf = { .name = strdup(name) };
	unsigned lineno = 1;
	int r = 0;

	if (!copy || !kf.name) {
		free(kf.name);
		return -ENOMEM;
	}
	/* strtok_r() would skip empty lines and lose the count. */
	for (char *line = copy, *next; r >= 0 && line; line = next, lineno++) {
		const char *what = NULL;
		char *key, *value;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = parse_line(line, &key, &value, &what);
		if (r < 0)
			r = syntax_error(name, lineno, what, ret_error);
		else if (r == 0)
			r = add_entry(&kf, key, value, lineno);
	}
	if (r < 0) {
		keyfile_done(&kf);
		return r;
	}
	*ret = kf;
	return 0;
}

int keyfile_load(const char *path, struct keyfile *ret, char **ret_error)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		*ret_error = strprintf("%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > KEYFILE_MAX_SIZE) {
		*ret_error = strprintf("%s: not a regular file of at most 1 MiB",
				       path);
		return -EINVAL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return -ENOMEM;
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0) {
		*ret_error = strprintf("%s: %s", path, strerror(errno));
		return -EIO;
	}
	text[n] = '\0';
	if (memchr(text, '\0', (size_t)n)) {
		*ret_error = strprintf("%s: binary data in a text file", path);
		return -EINVAL;
	}
	return keyfile_parse(path, text, ret, ret_error);
}

void keyfile_done(struct keyfile *kf)
{
	for (size_t i = 0; i < kf->n_entries; i++) {
		free(kf->entries[i].key);
		free(kf->entries[i].value);
	}
	free(kf->entries);
	free(kf->name);
	*kf = (struct keyfile){ 0 };
}
