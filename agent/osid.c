/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Operating system identification (see osid.h).
 *
 * Sources, from the most trusted: os-release(5); the distributions' own
 * release files (centos-release, SuSE-release, ...); lsb-release;
 * debian_version; and /etc/issue, which is often a site's own banner and
 * is believed only when it names a known distribution and a version.
 * Windows and FreeBSD are told by their layout.
 *
 * Real systems lie and disagree.  Oracle Linux ships a redhat-release
 * naming Red Hat; SLES leaves a stale SuSE-release behind after a
 * service pack upgrade; os-release often gives only the major release.
 * So a release file is consulted only when it names the same system as
 * os-release; it may make the version more precise ("7" becomes
 * "7.9.2009") but never overrule it, and a contradiction goes into the
 * notes.  Nothing is guessed: what no file states stays NULL.
 *
 * Everything read here comes from a disk we do not trust: sizes are
 * capped, and control characters never reach the report.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "guestprep/kvfile.h"
#include "guestprep/log.h"
#include "guestprep/macro.h"
#include "guestprep/root.h"
#include "guestprep/winreg.h"
#include "osid.h"
#include "util.h"
/* windows: mingw.  guestprep.exe asks the running Windows (host-win32.c). */
#ifdef _WIN32
#include "win32.h"
#else
static inline int win32_os_version(char **ret_version, char **ret_sp)
{
	return -ENOSYS;
}
#endif

/* Release files are a few hundred bytes; a larger one is not one. */
#define RELEASE_MAX (64u << 10)
/* The longest string kept from any of them. */
#define FIELD_MAX 256

/* What one file says about the system. */
struct release {
	char *id;
	char *version;
	char *pretty;
};

static void release_done(struct release *rel)
{
	free(rel->id);
	free(rel->version);
	free(rel->pretty);
	*rel = (struct release){ 0 };
}

static int add_note(struct gp_os *os, const char *fmt, ...) _printf_(2, 3);
static int add_note(struct gp_os *os, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(&os->notes, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * A copy that is safe to print: control characters (a hostile guest's
 * terminal escapes) become '?', blanks at both ends go.
 */
static char *clean_dup(const char *s, size_t len)
{
	char *d;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	d = strndup(s, len < FIELD_MAX ? len : FIELD_MAX);
	if (!d)
		return NULL;
	for (char *p = d; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return d;
}

static int set_field(char **field, const char *s, size_t len)
{
	char *d = clean_dup(s, len);

	if (!d)
		return -ENOMEM;
	free(*field);
	*field = d;
	return 0;
}

static int set_str(char **field, const char *s)
{
	return set_field(field, s, strlen(s));
}

/* os-release's rule for ID: lower-case letters, digits, "._-". */
static bool valid_id(const char *s)
{
	return *s && strlen(s) <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") ==
		       strlen(s);
}

static bool valid_version(const char *s)
{
	return isalnum((unsigned char)*s) && strlen(s) <= 64 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._~+-") == strlen(s);
}

/* The length of the dotted number at @s ("7.9.2009 (Core)" gives 8). */
static size_t number_len(const char *s)
{
	size_t len = 0;

	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)s[len]) || s[len] == '.')
		len++;
	while (len > 0 && s[len - 1] == '.')
		len--;
	return len;
}

/*
 * When @text holds @version followed by more components ("14.04" in
 * "14.04.6 LTS, Trusty Tahr"), the longer number.  NULL otherwise.
 */
static const char *find_extension(const char *text, const char *version,
				  size_t *ret_len)
{
	size_t vlen = strlen(version);

	for (const char *p = strstr(text, version); p;
	     p = strstr(p + 1, version)) {
		bool start = p == text ||
			     !(isalnum((unsigned char)p[-1]) || p[-1] == '.');

		if (start && p[vlen] == '.' &&
		    isdigit((unsigned char)p[vlen + 1])) {
			*ret_len = number_len(p);
			return p;
		}
	}
	return NULL;
}

/* Names that release files and banners give, and their os-release IDs. */
static const struct {
	const char *name;
	const char *id;
} release_names[] = {
	{ "Alibaba Cloud Linux", "alinux" },
	{ "Aliyun Linux", "alinux" },
	{ "AlmaLinux", "almalinux" },
	{ "Amazon Linux", "amzn" },
	{ "CentOS", "centos" },
	{ "Debian GNU/Linux", "debian" },
	{ "Fedora", "fedora" },
	{ "openSUSE", "opensuse" },
	{ "openSUSE Leap", "opensuse-leap" },
	{ "Oracle Linux", "ol" },
	{ "Red Hat Enterprise Linux", "rhel" },
	{ "Rocky Linux", "rocky" },
	{ "Scientific Linux", "scientific" },
	{ "SUSE Linux Enterprise Desktop", "sled" },
	{ "SUSE Linux Enterprise Server", "sles" },
	{ "Ubuntu", "ubuntu" },
};

/* The ID of the longest known name @line starts with; *ret_len its length. */
static const char *known_name(const char *line, size_t *ret_len)
{
	const char *id = NULL;
	size_t best = 0;

	for (size_t i = 0; i < ARRAY_SIZE(release_names); i++) {
		size_t len = strlen(release_names[i].name);

		if (len <= best ||
		    strncasecmp(line, release_names[i].name, len))
			continue;
		/* A whole word: "CentOS", not "CentOSfoo". */
		if (line[len] && line[len] != ' ' && line[len] != '(')
			continue;
		id = release_names[i].id;
		best = len;
	}
	*ret_len = best;
	return id;
}

/*
 * The version after a name: "CentOS release 6.10 (Final)", "Red Hat
 * Enterprise Linux Server release 6.10", "Ubuntu 14.04.6 LTS",
 * "SUSE Linux Enterprise Server 11 SP4" (11.4).  "release" must come
 * before any digit; otherwise the number must follow at once, so that a
 * banner merely mentioning a distribution is not taken for one.
 */
static int version_after(const char *rest, char **ret)
{
	const char *rel = strstr(rest, "release ");
	const char *digit = strpbrk(rest, "0123456789");
	size_t len, sp;

	if (rel && (!digit || rel < digit))
		rest = rel + strlen("release ");
	rest += strspn(rest, " \t");
	len = number_len(rest);
	if (len == 0)
		return 0;
	/* SUSE counts service packs: "11 SP4" is what os-release calls 11.4. */
	if (strncmp(rest + len, " SP", 3) == 0 &&
	    (sp = number_len(rest + len + 3)) > 0 && !memchr(rest, '.', len)) {
		*ret = strprintf("%.*s.%.*s", (int)len, rest, (int)sp,
				 rest + len + 3);
		return *ret ? 1 : -ENOMEM;
	}
	*ret = strndup(rest, len);
	return *ret ? 1 : -ENOMEM;
}

/* Cut @text at its first non-blank line, in place. */
static char *first_line(char *text)
{
	text += strspn(text, " \t\r\n");
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}

/*
 * "<Name> release <version> (<codename>)": the line of redhat-release
 * and its kin.  @fixed_id is the system a distribution-specific file
 * names whatever its text says; NULL makes the name decide.
 */
static int parse_release_line(char *text, const char *fixed_id,
			      struct release *rel)
{
	const char *line = first_line(text), *id;
	size_t name_len;
	int r;

	id = known_name(line, &name_len);
	if (fixed_id)
		id = fixed_id;
	if (!id)
		return 0;
	r = version_after(line + name_len, &rel->version);
	if (r < 0)
		return r;
	if (r == 0 && !fixed_id)
		return 0; /* a name alone could be anyone's text */
	if (set_str(&rel->id, id) < 0 || set_str(&rel->pretty, line) < 0)
		return -ENOMEM;
	return 1;
}

/* The value of a "KEY = VALUE" line of SuSE-release, or NULL. */
static const char *suse_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p; p = strchr(p, '\n')) {
		const char *v;

		p += strspn(p, "\n");
		if (strncmp(p, key, klen) != 0)
			continue;
		v = p + klen + strspn(p + klen, " \t");
		if (*v == '=')
			return v + 1 + strspn(v + 1, " \t");
	}
	return NULL;
}

/*
 * SuSE-release: a name line, then "VERSION = 12" and "PATCHLEVEL = 3",
 * which os-release writes as 12.3 (and plain 12 for no service pack).
 */
static int parse_suse(char *text, const char *fixed_id _unused_,
		      struct release *rel)
{
	const char *version = suse_value(text, "VERSION");
	const char *patch = suse_value(text, "PATCHLEVEL");
	const char *line, *id;
	size_t vlen, plen, name_len;

	/* Cut the name line last: the values lie beyond it. */
	line = first_line(text);
	id = known_name(line, &name_len);
	vlen = version ? number_len(version) : 0;
	plen = patch ? number_len(patch) : 0;
	if (!id || vlen == 0)
		return 0;
	if (plen > 0 && !(plen == 1 && patch[0] == '0'))
		rel->version = strprintf("%.*s.%.*s", (int)vlen, version,
					 (int)plen, patch);
	else
		rel->version = strndup(version, vlen);
	if (!rel->version || set_str(&rel->id, id) < 0 ||
	    set_str(&rel->pretty, line) < 0)
		return -ENOMEM;
	return 1;
}

/* debian_version: "7.11" on Debian; "jessie/sid" on Ubuntu, says nothing. */
static int parse_debian(char *text, const char *fixed_id, struct release *rel)
{
	const char *line = first_line(text);

	if (number_len(line) != strlen(line))
		return 0;
	if (set_str(&rel->id, fixed_id) < 0 || set_str(&rel->version, line) < 0)
		return -ENOMEM;
	return 1;
}

static int parse_kv(const char *text, struct gp_kvfile *ret)
{
	return gp_kv_parse(text, strlen(text), ret);
}

/* /bin/freebsd-version is a script; its USERLAND_VERSION is the release. */
static int parse_freebsd(char *text, const char *fixed_id, struct release *rel)
{
	struct gp_kvfile kv = { 0 };
	const char *v;
	int r;

	r = parse_kv(text, &kv);
	if (r < 0)
		return r;
	v = gp_kv_get(&kv, "USERLAND_VERSION");
	r = 0;
	if (v && isdigit((unsigned char)*v) && valid_version(v)) {
		rel->pretty = strprintf("FreeBSD %s", v);
		r = 1;
		if (!rel->pretty || set_str(&rel->id, fixed_id) < 0 ||
		    set_str(&rel->version, v) < 0)
			r = -ENOMEM;
	}
	gp_kv_done(&kv);
	return r;
}

static const char *lsb_id(const char *distrib_id)
{
	static const char *const map[][2] = {
		{ "Ubuntu", "ubuntu" },	  { "Debian", "debian" },
		{ "CentOS", "centos" },	  { "RedHatEnterpriseServer", "rhel" },
		{ "OracleServer", "ol" }, { "Fedora", "fedora" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(distrib_id, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* lsb-release: DISTRIB_ID=Ubuntu, DISTRIB_RELEASE=10.04, a description. */
static int lsb_fill(const struct gp_kvfile *kv, struct release *rel)
{
	const char *id = gp_kv_get(kv, "DISTRIB_ID");
	const char *version = gp_kv_get(kv, "DISTRIB_RELEASE");
	const char *desc = gp_kv_get(kv, "DISTRIB_DESCRIPTION");
	const char *longer;
	size_t len;

	if (!id || !(id = lsb_id(id)))
		return 0;
	if (set_str(&rel->id, id) < 0)
		return -ENOMEM;
	if (desc && set_str(&rel->pretty, desc) < 0)
		return -ENOMEM;
	if (!version || !valid_version(version))
		return 1;
	/* The description often has the point release: "Ubuntu 10.04.4 LTS". */
	longer = desc ? find_extension(desc, version, &len) : NULL;
	rel->version = longer ? strndup(longer, len) : strdup(version);
	return rel->version ? 1 : -ENOMEM;
}

static int parse_lsb(char *text, const char *fixed_id _unused_,
		     struct release *rel)
{
	struct gp_kvfile kv = { 0 };
	int r;

	r = parse_kv(text, &kv);
	if (r < 0)
		return r;
	r = lsb_fill(&kv, rel);
	gp_kv_done(&kv);
	return r;
}

/* /etc/issue: "Welcome to openSUSE 13.1 ...", "Ubuntu 14.04.6 LTS \n \l". */
static int parse_issue(char *text, const char *fixed_id _unused_,
		       struct release *rel)
{
	char *line = first_line(text);

	/* What follows a backslash is an agetty escape, not the banner. */
	line[strcspn(line, "\\")] = '\0';
	if (strncasecmp(line, "Welcome to ", 11) == 0)
		line += 11;
	return parse_release_line(line, NULL, rel);
}

enum trust {
	TRUST_FULL, /* may identify, and may refine os-release */
	TRUST_BANNER, /* may identify only as a last resort */
};

/* The files after os-release, in the order they are believed. */
static const struct release_file {
	const char *path;
	const char *id; /* the system the file belongs to, if only one */
	int (*parse)(char *text, const char *fixed_id, struct release *rel);
	enum trust trust;
} release_files[] = {
	{ "/bin/freebsd-version", "freebsd", parse_freebsd, TRUST_FULL },
	/* Derived distributions first: they ship a redhat-release too. */
	{ "/etc/oracle-release", "ol", parse_release_line, TRUST_FULL },
	{ "/etc/alinux-release", "alinux", parse_release_line, TRUST_FULL },
	{ "/etc/aliyun-release", "aliyun", parse_release_line, TRUST_FULL },
	{ "/etc/centos-release", "centos", parse_release_line, TRUST_FULL },
	{ "/etc/rocky-release", "rocky", parse_release_line, TRUST_FULL },
	{ "/etc/almalinux-release", "almalinux", parse_release_line,
	  TRUST_FULL },
	{ "/etc/fedora-release", "fedora", parse_release_line, TRUST_FULL },
	{ "/etc/redhat-release", NULL, parse_release_line, TRUST_FULL },
	{ "/etc/system-release", NULL, parse_release_line, TRUST_FULL },
	{ "/etc/SuSE-release", NULL, parse_suse, TRUST_FULL },
	{ "/etc/lsb-release", NULL, parse_lsb, TRUST_FULL },
	{ "/etc/debian_version", "debian", parse_debian, TRUST_FULL },
	{ "/etc/issue", NULL, parse_issue, TRUST_BANNER },
};

/* A missing file is normal; a dangling symlink is worth saying. */
static int note_missing(const struct gp_root *root, const char *path,
			struct gp_os *os)
{
	_cleanup_free_ char *target = NULL, *clean = NULL;
	struct stat st;

	if (gp_root_stat(root, path, false, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	if (gp_root_readlink(root, path, &target) < 0)
		return 0;
	clean = clean_dup(target, strlen(target));
	if (!clean)
		return -ENOMEM;
	return add_note(os, "%s is a symlink to %s, which does not exist", path,
			clean);
}

/*
 * Read a release file into *ret_text: 1 when read, 0 when there is none
 * (why, if not mere absence, goes into the notes), or -ENOMEM.
 */
static int read_release(const struct gp_root *root, const char *path,
			struct gp_os *os, char **ret_text)
{
	int r = gp_root_read_file(root, path, RELEASE_MAX, ret_text, NULL);

	if (r == 0)
		return 1;
	if (r == -ENOMEM)
		return r;
	gp_debug("%s: %s", path, strerror(-r));
	if (r == -ENOENT || r == -ENOTDIR)
		return note_missing(root, path, os);
	if (r == -EINVAL)
		r = add_note(os, "%s is not a regular file", path);
	else if (r == -EFBIG)
		r = add_note(os, "%s is too large to be a release file", path);
	else
		r = add_note(os, "%s cannot be read: %s", path, strerror(-r));
	return r < 0 ? r : 0;
}

static int load_release(const struct gp_root *root,
			const struct release_file *rf, struct gp_os *os,
			struct release *ret)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = read_release(root, rf->path, os, &text);
	if (r <= 0)
		return r;
	r = rf->parse(text, rf->id, ret);
	if (r <= 0)
		release_done(ret);
	return r;
}

/* Take a release file's word for the system. */
static int adopt(struct gp_os *os, const char *path, struct release *rel)
{
	free(os->id);
	free(os->version);
	free(os->pretty);
	os->id = TAKE_PTR(rel->id);
	os->version = TAKE_PTR(rel->version);
	os->pretty = TAKE_PTR(rel->pretty);
	return set_str(&os->source, path);
}

static int from_release_files(const struct gp_root *root, struct gp_os *os)
{
	for (size_t i = 0; i < ARRAY_SIZE(release_files); i++) {
		const struct release_file *rf = &release_files[i];
		struct release rel = { 0 };
		int r;

		r = load_release(root, rf, os, &rel);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		r = adopt(os, rf->path, &rel);
		if (r == 0 && rf->trust == TRUST_BANNER)
			r = add_note(os,
				     "only the %s banner names the system; "
				     "an administrator may have edited it",
				     rf->path);
		release_done(&rel);
		return r < 0 ? r : 1;
	}
	return 0;
}

/* Whether @longer is @version or more of it: "7.9.2009" of "7". */
static bool extends(const char *longer, const char *version)
{
	size_t len = strlen(version);

	return strncmp(longer, version, len) == 0 &&
	       (longer[len] == '\0' || longer[len] == '.' ||
		longer[len] == '-');
}

/*
 * Let a release file that names the same system as os-release make its
 * version more precise; a contradiction is noted, os-release kept.
 */
static int reconcile(struct gp_os *os, const char *path, struct release *rel)
{
	if (!rel->id || strcmp(rel->id, os->id) != 0 || !rel->version)
		return 0;
	if (!os->version) {
		os->version = TAKE_PTR(rel->version);
		return 0;
	}
	if (extends(rel->version, os->version)) {
		free(os->version);
		os->version = TAKE_PTR(rel->version);
		return 0;
	}
	if (extends(os->version, rel->version))
		return 0; /* os-release is the more precise */
	return add_note(os, "%s says %s but %s says %s; trusting %s", path,
			rel->version, os->source, os->version, os->source);
}

static int refine(const struct gp_root *root, struct gp_os *os)
{
	for (size_t i = 0; i < ARRAY_SIZE(release_files); i++) {
		const struct release_file *rf = &release_files[i];
		struct release rel = { 0 };
		int r;

		if (rf->trust != TRUST_FULL ||
		    (rf->id && strcmp(rf->id, os->id)))
			continue;
		r = load_release(root, rf, os, &rel);
		if (r > 0)
			r = reconcile(os, rf->path, &rel);
		release_done(&rel);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct {
	const char *id;
	enum gp_os_family family;
} families[] = {
	{ "almalinux", GP_FAMILY_RHEL },  { "alinux", GP_FAMILY_RHEL },
	{ "aliyun", GP_FAMILY_RHEL },	  { "amzn", GP_FAMILY_RHEL },
	{ "centos", GP_FAMILY_RHEL },	  { "fedora", GP_FAMILY_RHEL },
	{ "ol", GP_FAMILY_RHEL },	  { "rhel", GP_FAMILY_RHEL },
	{ "rocky", GP_FAMILY_RHEL },	  { "scientific", GP_FAMILY_RHEL },
	{ "debian", GP_FAMILY_DEBIAN },	  { "ubuntu", GP_FAMILY_DEBIAN },
	{ "opensuse", GP_FAMILY_SUSE },	  { "sled", GP_FAMILY_SUSE },
	{ "sles", GP_FAMILY_SUSE },	  { "suse", GP_FAMILY_SUSE },
	{ "coreos", GP_FAMILY_COREOS },	  { "flatcar", GP_FAMILY_COREOS },
	{ "freebsd", GP_FAMILY_FREEBSD }, { "windows", GP_FAMILY_WINDOWS },
};

static enum gp_os_family family_of_word(const char *word, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (strlen(families[i].id) == len &&
		    strncmp(word, families[i].id, len) == 0)
			return families[i].family;
	/* opensuse-leap, opensuse-tumbleweed, ... */
	if (len >= 8 && strncmp(word, "opensuse", 8) == 0)
		return GP_FAMILY_SUSE;
	return GP_FAMILY_UNKNOWN;
}

/* The family of @id, or of the first word of ID_LIKE that has one. */
static enum gp_os_family family_of(const char *id, const char *id_like)
{
	enum gp_os_family f = family_of_word(id, strlen(id));

	while (f == GP_FAMILY_UNKNOWN && id_like && *id_like) {
		size_t len;

		id_like += strspn(id_like, " \t");
		len = strcspn(id_like, " \t");
		if (len > 0)
			f = family_of_word(id_like, len);
		id_like += len;
	}
	return f;
}

static int lowercase_dup(char **field, const char *s)
{
	int r = set_str(field, s);

	if (r < 0)
		return r;
	for (char *p = *field; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* VERSION_ID, made precise by VERSION where that says more. */
static int os_release_version(const struct gp_kvfile *kv, const char *path,
			      struct gp_os *os)
{
	const char *v = gp_kv_get(kv, "VERSION_ID");
	const char *text = gp_kv_get(kv, "VERSION"), *longer = NULL;
	size_t len = 0;

	if (!v)
		return 0;	/* rolling releases have none */
	if (!valid_version(v))
		return add_note(os, "%s has an invalid VERSION_ID", path);
	/* Ubuntu: VERSION_ID="14.04", VERSION="14.04.6 LTS, Trusty Tahr". */
	if (text)
		longer = find_extension(text, v, &len);
	if (longer)
		return set_field(&os->version, longer, len);
	return set_str(&os->version, v);
}

/* ID, the version and PRETTY_NAME of os-release: 1, 0 (no ID), -ENOMEM. */
static int os_release_fill(const struct gp_kvfile *kv, const char *path,
			   struct gp_os *os, enum gp_os_family *ret_family)
{
	const char *id = gp_kv_get(kv, "ID");
	const char *pretty = gp_kv_get(kv, "PRETTY_NAME");

	if (!id)
		return add_note(os, "%s has no ID", path);
	if (lowercase_dup(&os->id, id) < 0)
		return -ENOMEM;
	if (!valid_id(os->id))
		return add_note(os, "%s has an invalid ID", path);
	if (os_release_version(kv, path, os) < 0)
		return -ENOMEM;
	if (!pretty || !*pretty)
		pretty = gp_kv_get(kv, "NAME");
	if (pretty && *pretty && set_str(&os->pretty, pretty) < 0)
		return -ENOMEM;
	*ret_family = family_of(os->id, gp_kv_get(kv, "ID_LIKE"));
	return set_str(&os->source, path) < 0 ? -ENOMEM : 1;
}

/*
 * os-release(5): /etc/os-release, else /usr/lib/os-release, never both.
 * An unreadable /etc one (dangling, a loop, a FIFO) counts as missing.
 */
static int from_os_release(const struct gp_root *root, struct gp_os *os,
			   enum gp_os_family *ret_family)
{
	static const char *const paths[] = { "/etc/os-release",
					     "/usr/lib/os-release" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *text = NULL;
		struct gp_kvfile kv = { 0 };
		int r;

		r = read_release(root, paths[i], os, &text);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		r = parse_kv(text, &kv);
		if (r < 0)
			return r;
		r = os_release_fill(&kv, paths[i], os, ret_family);
		gp_kv_done(&kv);
		if (r <= 0) {
			free(os->id);
			free(os->version);
			free(os->pretty);
			os->id = os->version = os->pretty = NULL;
		}
		return r;
	}
	return 0;
}

/* ---- Windows (windows: winreg) ------------------------------------- */

#define WIN_CURRENT_VERSION "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define WIN_ENVIRONMENT \
	"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"

/* A string of the registry, cleaned like any release file's field. */
static int win_string(struct gp_winreg *reg, const char *key,
		      const char *value, char **field)
{
	_cleanup_free_ char *s = NULL;
	int r = gp_winreg_get_string(reg, key, value, &s);

	if (r == -ENOMEM)
		return r;
	if (r < 0 || !*s)
		return 0;
	return set_str(field, s);
}

/*
 * "major.minor.build": Windows 10 and Server 2016 on keep the version in
 * CurrentMajorVersionNumber and CurrentMinorVersionNumber (CurrentVersion
 * stays "6.3" for old programs' sake); older ones only in CurrentVersion.
 */
static int win_version(struct gp_winreg *reg, struct gp_os *os)
{
	_cleanup_free_ char *nt = NULL, *build = NULL, *v = NULL;
	uint32_t major, minor;
	int r;

	if (gp_winreg_get_dword(reg, WIN_CURRENT_VERSION,
				"CurrentMajorVersionNumber", &major) == 0 &&
	    gp_winreg_get_dword(reg, WIN_CURRENT_VERSION,
				"CurrentMinorVersionNumber", &minor) == 0) {
		nt = strprintf("%u.%u", major, minor);
		if (!nt)
			return -ENOMEM;
	} else {
		r = win_string(reg, WIN_CURRENT_VERSION, "CurrentVersion", &nt);
		if (r < 0)
			return r;
	}
	r = win_string(reg, WIN_CURRENT_VERSION, "CurrentBuildNumber", &build);
	if (r == 0 && !build)
		r = win_string(reg, WIN_CURRENT_VERSION, "CurrentBuild", &build);
	if (r < 0)
		return r;
	if (!nt)
		return add_note(os, "%s has no CurrentVersion",
				gp_winreg_source(reg, WIN_CURRENT_VERSION));
	v = build ? strprintf("%s.%s", nt, build) : strdup(nt);
	if (!v)
		return -ENOMEM;
	if (!valid_version(v))
		return add_note(os, "%s has an invalid version",
				gp_winreg_source(reg, WIN_CURRENT_VERSION));
	return set_str(&os->version, v);
}

/* ProductName, with the service pack (CSDVersion) when there is one. */
static int win_pretty(struct gp_winreg *reg, struct gp_os *os)
{
	_cleanup_free_ char *product = NULL, *sp = NULL, *both = NULL;
	int r;

	r = win_string(reg, WIN_CURRENT_VERSION, "ProductName", &product);
	if (r == 0)
		r = win_string(reg, WIN_CURRENT_VERSION, "CSDVersion", &sp);
	if (r < 0 || !product)
		return r;
	if (sp) {
		both = strprintf("%s %s", product, sp);
		if (!both)
			return -ENOMEM;
		return set_str(&os->pretty, both);
	}
	return set_str(&os->pretty, product);
}

/*
 * windows: mingw.  On the running Windows (guestprep.exe), its kernel's
 * version (RtlGetVersion) is the truth: the registry's may have been
 * edited, and an upgrade in progress may leave it behind.  A
 * disagreement goes into the notes.  Nothing to do offline.
 */
static int win_live_version(struct gp_winreg *reg, struct gp_os *os)
{
	_cleanup_free_ char *live = NULL, *sp = NULL;
	int r = win32_os_version(&live, &sp);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	if (os->version && strcmp(os->version, live) != 0) {
		r = add_note(os, "%s says %s, the running Windows %s",
			     gp_winreg_source(reg, WIN_CURRENT_VERSION),
			     os->version, live);
		if (r < 0)
			return r;
	}
	return set_str(&os->version, live);
}

/* What the registry of an identified Windows says about its release. */
static int win_release(struct gp_winreg *reg, struct gp_os *os)
{
	_cleanup_free_ char *probe = NULL;
	int r;

	r = gp_winreg_get_string(reg, WIN_CURRENT_VERSION, "ProductName",
				 &probe);
	/*
	 * agent/winreg-none.c: Windows by its layout, but nothing more can
	 * be known; say why rather than blame the hive.
	 */
	if (r == -EOPNOTSUPP)
		return add_note(os, "this guestprep was built without hivex: "
				    "the registry cannot be read");
	if (r < 0 && r != -ENOENT && r != -EMEDIUMTYPE)
		return r == -ENOMEM ? r
				    : add_note(os, "%s cannot be read: %s",
					       gp_winreg_source(reg, "SOFTWARE"),
					       strerror(-r));
	r = win_version(reg, os);
	if (r == 0)
		r = win_live_version(reg, os);
	if (r == 0)
		r = win_pretty(reg, os);
	if (r == 0)
		r = win_string(reg, WIN_CURRENT_VERSION, "EditionID",
			       &os->edition);
	if (r == 0)
		r = win_string(reg, WIN_CURRENT_VERSION, "InstallationType",
			       &os->installation_type);
	return r;
}

/*
 * Windows keeps its registry hives at a path no Linux tree has
 * (Windows/System32/config, whatever the case of its names).
 */
static int from_windows_layout(const struct gp_root *root, struct gp_os *os)
{
	struct gp_winreg *reg = NULL;
	int r = gp_winreg_open(root, &reg);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	r = set_str(&os->id, "windows");
	if (r == 0)
		r = set_str(&os->source, gp_winreg_source(reg, "SOFTWARE"));
	if (r == 0)
		r = win_release(reg, os);
	gp_winreg_close(reg);
	return r < 0 ? r : 1;
}

/* PROCESSOR_ARCHITECTURE as the names of host.h. */
int osid_windows_arch(const struct gp_root *root, char **ret)
{
	static const struct {
		const char *windows, *arch;
	} archs[] = {
		{ "AMD64", "x86_64" }, { "x86", "i386" },
		{ "ARM64", "aarch64" }, { "IA64", "ia64" },
	};
	_cleanup_free_ char *pa = NULL;
	struct gp_winreg *reg = NULL;
	int r = gp_winreg_open(root, &reg);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = gp_winreg_get_string(reg, WIN_ENVIRONMENT, "PROCESSOR_ARCHITECTURE",
				 &pa);
	gp_winreg_close(reg);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; i < ARRAY_SIZE(archs); i++)
		if (strcasecmp(pa, archs[i].windows) == 0) {
			*ret = strdup(archs[i].arch);
			return *ret ? 0 : -ENOMEM;
		}
	return 0;
}

static enum gp_os_kind kind_of(const char *id)
{
	if (strcmp(id, "windows") == 0)
		return GP_KIND_WINDOWS;
	if (strcmp(id, "freebsd") == 0)
		return GP_KIND_FREEBSD;
	return GP_KIND_LINUX;
}

static int identify(const struct gp_root *root, struct gp_os *os)
{
	enum gp_os_family family = GP_FAMILY_UNKNOWN;
	int r;

	r = from_windows_layout(root, os);
	if (r == 0) {
		r = from_os_release(root, os, &family);
		if (r > 0)
			r = refine(root, os);
		else if (r == 0)
			r = from_release_files(root, os);
	}
	if (r < 0)
		return r;
	if (!os->id)
		return 0;
	os->kind = kind_of(os->id);
	if (family == GP_FAMILY_UNKNOWN)
		family = family_of(os->id, NULL);
	/* A Linux named by its own files but of no family we list. */
	if (family == GP_FAMILY_UNKNOWN && os->kind == GP_KIND_LINUX)
		family = GP_FAMILY_OTHER;
	os->family = family;
	return 0;
}

void osid_done(struct gp_os *os)
{
	free(os->id);
	free(os->version);
	free(os->pretty);
	free(os->source);
	free(os->edition);
	free(os->installation_type);
	strv_free(os->notes);
	os->id = os->version = os->pretty = os->source = NULL;
	os->edition = os->installation_type = NULL;
	os->notes = NULL;
	os->kind = GP_KIND_UNKNOWN;
	os->family = GP_FAMILY_UNKNOWN;
}

int osid_detect(const struct gp_root *root, struct gp_os *ret)
{
	struct gp_os os = { 0 };
	int r;

	r = identify(root, &os);
	if (r < 0) {
		osid_done(&os);
		return r;
	}
	ret->kind = os.kind;
	ret->family = os.family;
	ret->id = os.id;
	ret->version = os.version;
	ret->pretty = os.pretty;
	ret->source = os.source;
	ret->notes = os.notes;
	ret->edition = os.edition;
	ret->installation_type = os.installation_type;
	return 0;
}
