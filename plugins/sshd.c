/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd: the cloud lets users in over SSH on port 22, as root with the
 * password set when the instance is created.
 *
 *   sshd.installed   the sshd program and a unit, script or job for it;
 *   sshd.enabled     something starts it at boot (include/guestprep/
 *                    service.h: units, socket activation, SysV links,
 *                    upstart); the fixer enables it as systemctl enable,
 *                    chkconfig or update-rc.d would;
 *   sshd.config      what sshd_config (with its Include files) makes of
 *                    it, as four findings:
 *                      .syntax         lines sshd would refuse to start
 *                                      with (file:line), unknown keywords;
 *                      .port           it listens on the profile's port
 *                                      on an address the instance has
 *                                      (Port, ListenAddress, or the
 *                                      ListenStream of an ssh.socket);
 *                      .root_login     PermitRootLogin lets root in with
 *                                      a password;
 *                      .password_auth  PasswordAuthentication is on.
 *                    One fixer edits the deciding lines in place (or adds
 *                    one before the first Match block): one check, so
 *                    that one plan holds every edit of a file.
 *
 * sshd_config semantics followed here: keywords are case-insensitive and
 * may be followed by '='; for most keywords the first value wins; Port
 * and ListenAddress add up and are global only; Include takes globs,
 * relative to /etc/ssh, read in sorted order, and a Match block in an
 * included file ends with that file; a Match block lasts to the next
 * Match, and at connection time its values override the global ones.
 * Match blocks are judged for "root, from an address we cannot know":
 * one that surely applies to root decides; one that depends on the
 * client's address or port makes the answer "only sometimes".
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guestprep/macro.h"
#include "guestprep/plugin.h"
#include "guestprep/service.h"
#include "guestprep/strv.h"

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSH_DIR "/etc/ssh"
#define CONFIG_MAX (1u << 20)
/* sshd's own limit on nested Include. */
#define MAX_DEPTH 16
#define MAX_INCLUDED 256
#define MAX_DIR_ENTRIES 4096
#define MAX_PROBLEMS 20
#define SOCKET_GENERATOR "/usr/lib/systemd/system-generators/" \
			 "sshd-socket-generator"
/* Drop-ins apply in the order of their names: this one comes last. */
#define PORT_DROPIN_NAME "zz-guestprep-port.conf"

static const char *const service_names[] = { "sshd", "ssh", NULL };

static const char *const binaries[] = {
	"/usr/sbin/sshd", "/usr/local/sbin/sshd", "/usr/bin/sshd",
	"/sbin/sshd",
};

/*
 * Keywords of OpenSSH's sshd (current and deprecated ones it still
 * accepts) and of the distributions' patches (GSSAPI key exchange,
 * Debian, Red Hat, HPN).  Another one is reported, not judged fatal: a
 * patch this list does not know may add it.
 */
static const char *const keywords[] = {
	"acceptenv", "addressfamily", "afstokenpassing",
	"allowagentforwarding", "allowgroups", "allowstreamlocalforwarding",
	"allowtcpforwarding", "allowusers", "authenticationmethods",
	"authorizedkeyscommand", "authorizedkeyscommanduser",
	"authorizedkeysfile", "authorizedkeysfile2",
	"authorizedprincipalscommand", "authorizedprincipalscommanduser",
	"authorizedprincipalsfile", "banner", "casignaturealgorithms",
	"challengeresponseauthentication", "channeltimeout",
	"chrootdirectory", "ciphers", "clientalivecountmax",
	"clientaliveinterval", "compression", "debianbanner", "denygroups",
	"denyusers", "disableforwarding", "dsaauthentication",
	"exposeauthinfo", "fingerprinthash", "forcecommand", "gatewayports",
	"gssapiauthentication", "gssapicleanupcredentials",
	"gssapienablek5users", "gssapikexalgorithms", "gssapikeyexchange",
	"gssapistorecredentialsonrekey", "gssapistrictacceptorcheck",
	"hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes",
	"hostbasedauthentication", "hostbasedusesnamefrompacketonly",
	"hostcertificate", "hostdsakey", "hostkey", "hostkeyagent",
	"hostkeyalgorithms", "hpnbuffersize", "hpndisabled", "ignorerhosts",
	"ignoreuserknownhosts", "include", "ipqos",
	"kbdinteractiveauthentication", "kerberosauthentication",
	"kerberosgetafstoken", "kerberosorlocalpasswd",
	"kerberostgtpassing", "kerberosticketcleanup", "kerberosusekuserok",
	"kexalgorithms", "keyregenerationinterval", "listenaddress",
	"logingracetime", "loglevel", "logverbose", "macs", "match",
	"maxauthtries", "maxsessions", "maxstartups", "modulifile",
	"noneenabled", "pamauthenticationviakbdint", "passwordauthentication",
	"permitblacklistedkeys", "permitemptypasswords", "permitlisten",
	"permitopen", "permitrootlogin", "permittty", "permittunnel",
	"permituserenvironment", "permituserrc", "persourcemaxstartups",
	"persourcenetblocksize", "persourcepenalties",
	"persourcepenaltyexemptlist", "pidfile", "port", "printlastlog",
	"printmotd", "protocol", "pubkeyacceptedalgorithms",
	"pubkeyacceptedkeytypes", "pubkeyauthentication",
	"pubkeyauthoptions", "rdomain", "rekeylimit", "requiredrsasize",
	"reversemappingcheck", "revokedkeys", "rhostsauthentication",
	"rhostsrsaauthentication", "rsaauthentication",
	"securitykeyprovider", "serverkeybits", "setenv", "showpatchlevel",
	"sshdauthpath", "sshdsessionpath", "streamlocalbindmask",
	"streamlocalbindunlink", "strictmodes", "subsystem",
	"syslogfacility", "tcpkeepalive", "tcprcvbuf", "tcprcvbufpoll",
	"trustedusercakeys", "unusedconnectiontimeout", "useblacklist",
	"useblocklist", "usedns", "uselogin", "usepam",
	"useprivilegeseparation", "verifyreversemapping", "versionaddendum",
	"x11displayoffset", "x11forwarding", "x11uselocalhost",
	"xauthlocation",
};

/* sshd refuses these inside a Match block (newer sshd accept more
 * keywords there, never these). */
static const char *const global_only[] = {
	"port", "listenaddress", "addressfamily", "hostkey", "pidfile",
	"usepam",
};

/* --- the configuration ----------------------------------------------- */

enum applies {
	APPLIES_ALWAYS,		/* to root from any address */
	APPLIES_MAYBE,		/* depends on the client's address, port... */
	APPLIES_NEVER,		/* never to root */
};

struct block {
	char *file;
	unsigned line;
	char *text;		/* "Match Address 10.0.0.0/8" */
	enum applies applies;
};

struct directive {
	char *file;
	unsigned line;
	char *key;		/* lower case */
	char **args;
	int block;		/* index into blocks, -1: global */
};

/* A commented "#Keyword value" of the main file: the shipped default. */
struct documented {
	const char *key;
	char *value;
	unsigned line;
};

struct config {
	bool missing;		/* no sshd_config at all */
	bool unreadable;	/* sshd_config itself cannot be read */
	struct directive *d;
	size_t n;
	struct block *b;
	size_t n_blocks;
	char **files;		/* read, in order */
	unsigned n_included;	/* files Include read, again or not */
	char **fatal;		/* "FILE:LINE: what": sshd would not start */
	char **warnings;	/* "FILE:LINE: what" */
	size_t n_problems;
	unsigned main_first_match;	/* line of the main file's first
					 * Match, 0: none */
	struct documented doc[6];
};

static const char *const documented_keys[] = {
	"permitrootlogin", "passwordauthentication",
	"kbdinteractiveauthentication", "challengeresponseauthentication",
	"usepam", "port",
};

static void config_done(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->d[i].file);
		free(c->d[i].key);
		strv_free(c->d[i].args);
	}
	free(c->d);
	for (size_t i = 0; i < c->n_blocks; i++) {
		free(c->b[i].file);
		free(c->b[i].text);
	}
	free(c->b);
	strv_free(c->files);
	strv_free(c->fatal);
	strv_free(c->warnings);
	for (size_t i = 0; i < ARRAY_SIZE(c->doc); i++)
		free(c->doc[i].value);
	*c = (struct config){ 0 };
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Record a problem at @file:@line; the report shows the first few. */
static int problem(struct config *c, bool fatal, const char *file,
		   unsigned line, const char *fmt, ...) _printf_(5, 6);
static int problem(struct config *c, bool fatal, const char *file,
		   unsigned line, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;

	c->n_problems++;
	if (strv_length(fatal ? c->fatal : c->warnings) >= MAX_PROBLEMS)
		return 0;
	va_start(ap, fmt);
	what = vstrprintf(fmt, ap);
	va_end(ap);
	if (!what)
		return -ENOMEM;
	return strv_pushf(fatal ? &c->fatal : &c->warnings, "%s:%u: %s", file,
			  line, what);
}

/*
 * Split a line into words as sshd does: blanks separate them, the
 * keyword may end with '=', "double quotes" group blanks (with \" and
 * \\ inside), and a word starting with '#' ends the line.  -EINVAL on an
 * unterminated quote.
 */
static int split_words(const char *s, char ***ret)
{
	_cleanup_(strv_freep) char **v = NULL;
	bool first = true;

	for (;;) {
		_cleanup_free_ char *w = NULL;
		size_t n = 0;

		s += strspn(s, " \t");
		if (!first && *s == '=' && strv_length(v) == 1) {
			s++;
			s += strspn(s, " \t");
		}
		if (!*s || *s == '#')
			break;
		w = malloc(strlen(s) + 1);
		if (!w)
			return -ENOMEM;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				w[n++] = *s;
			}
			if (*s != '"')
				return -EINVAL;
			s++;
		} else {
			while (*s && *s != ' ' && *s != '\t' &&
			       !(first && *s == '='))
				w[n++] = *s++;
		}
		w[n] = '\0';
		first = false;
		if (strv_consume(&v, TAKE_PTR(w)) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* sshd's match_pattern(): '*' and '?' wildcards. */
static bool pattern_matches(const char *s, const char *pattern)
{
	return fnmatch(pattern, s, 0) == 0;
}

/*
 * A comma-separated pattern list against @s, as match_pattern_list():
 * a negated pattern that matches wins ("!root" rules root out).
 */
static bool list_matches(const char *s, const char *list)
{
	_cleanup_free_ char *copy = strdup(list);
	bool hit = false;
	char *save = NULL;

	if (!copy)
		return false;
	for (char *p = strtok_r(copy, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		bool neg = *p == '!';

		if (pattern_matches(s, p + neg)) {
			if (neg)
				return false;
			hit = true;
		}
	}
	return hit;
}

/* Whether a list of patterns matches everything ("*", "!none,*"). */
static bool list_is_everything(const char *list)
{
	return strcmp(list, "*") == 0;
}

static enum applies combine(enum applies a, enum applies b)
{
	return a > b ? a : b;
}

/* How "Match ..." applies to root, from an unknown client. */
static int judge_match(struct config *c, const char *file, unsigned line,
		       char **args, enum applies *ret)
{
	enum applies a = APPLIES_ALWAYS;
	size_t n = strv_length(args);

	if (n == 1 && strcasecmp(args[0], "all") == 0) {
		*ret = APPLIES_ALWAYS;
		return 0;
	}
	if (n == 0 || n % 2) {
		*ret = APPLIES_NEVER;
		return problem(c, true, file, line, "Match needs criteria "
			       "and their values in pairs");
	}
	for (size_t i = 0; i < n; i += 2) {
		const char *what = args[i], *list = args[i + 1];

		if (strcasecmp(what, "user") == 0) {
			a = combine(a, list_matches("root", list) ?
				       APPLIES_ALWAYS : APPLIES_NEVER);
		} else if (strcasecmp(what, "group") == 0) {
			/* root's own group; others are a guess. */
			a = combine(a, list_matches("root", list) ?
				       APPLIES_ALWAYS : APPLIES_MAYBE);
		} else if (strcasecmp(what, "address") == 0 ||
			   strcasecmp(what, "host") == 0 ||
			   strcasecmp(what, "localaddress") == 0 ||
			   strcasecmp(what, "localport") == 0 ||
			   strcasecmp(what, "rdomain") == 0) {
			a = combine(a, list_is_everything(list) ?
				       APPLIES_ALWAYS : APPLIES_MAYBE);
		} else {
			*ret = APPLIES_NEVER;
			return problem(c, true, file, line,
				       "unsupported Match attribute \"%s\"",
				       what);
		}
	}
	*ret = a;
	return 0;
}

static int add_block(struct config *c, const char *file, unsigned line,
		     const char *text, enum applies applies)
{
	struct block *b = realloc(c->b, (c->n_blocks + 1) * sizeof(*b));

	if (!b)
		return -ENOMEM;
	c->b = b;
	b = &c->b[c->n_blocks];
	*b = (struct block){ .line = line, .applies = applies };
	b->file = strdup(file);
	b->text = strdup(text);
	if (!b->file || !b->text) {
		free(b->file);
		free(b->text);
		return -ENOMEM;
	}
	c->n_blocks++;
	return 0;
}

static int add_directive(struct config *c, const char *file, unsigned line,
			 char **words, int block)
{
	struct directive *d = realloc(c->d, (c->n + 1) * sizeof(*d));
	char **args = NULL;

	if (!d)
		return -ENOMEM;
	c->d = d;
	for (size_t i = 1; words[i]; i++)
		if (strv_push(&args, words[i]) < 0) {
			strv_free(args);
			return -ENOMEM;
		}
	d = &c->d[c->n];
	*d = (struct directive){ .line = line, .block = block, .args = args };
	d->file = strdup(file);
	d->key = strdup(words[0]);
	if (!d->file || !d->key || (!args && words[1])) {
		free(d->file);
		free(d->key);
		strv_free(args);
		return -ENOMEM;
	}
	lower(d->key);
	c->n++;
	return 0;
}

/* --- Include globs, inside the root ---------------------------------- */

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Expand @pattern one component at a time, in the root; sorted. */
static int glob_root(const struct gp_root *root, const char *pattern,
		     char ***ret)
{
	_cleanup_(strv_freep) char **cur = NULL;
	_cleanup_free_ char *copy = strdup(pattern);
	char *save = NULL;
	int r;

	if (!copy || strv_push(&cur, "") < 0)
		return -ENOMEM;
	for (char *comp = strtok_r(copy, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		_cleanup_(strv_freep) char **next = NULL;

		for (size_t i = 0; cur[i] && strv_length(next) <= MAX_INCLUDED;
		     i++) {
			_cleanup_closedir_ DIR *d = NULL;
			struct dirent *de;
			unsigned n = 0;

			if (!has_glob(comp)) {
				r = strv_pushf(&next, "%s/%s", cur[i], comp);
				if (r < 0)
					return r;
				continue;
			}
			if (gp_root_opendir(root, *cur[i] ? cur[i] : "/",
					    &d) < 0)
				continue;
			while ((de = readdir(d)) && n++ < MAX_DIR_ENTRIES) {
				if (strcmp(de->d_name, ".") == 0 ||
				    strcmp(de->d_name, "..") == 0 ||
				    fnmatch(comp, de->d_name, FNM_PERIOD))
					continue;
				r = strv_pushf(&next, "%s/%s", cur[i],
					       de->d_name);
				if (r < 0)
					return r;
				if (strv_length(next) > MAX_INCLUDED)
					break;
			}
		}
		strv_free(cur);
		cur = TAKE_PTR(next);
		if (!cur)
			break;
	}
	/* glob() lists what exists, sorted. */
	for (size_t i = 0; cur && cur[i]; i++)
		if (*cur[i] && gp_root_exists(root, cur[i]) &&
		    strv_push(ret, cur[i]) < 0)
			return -ENOMEM;
	strv_sort(*ret);
	return 0;
}

/* --- reading ----------------------------------------------------------- */

static int parse_file(const struct gp_root *root, struct config *c,
		      const char *path, unsigned depth, int outer);

/* The commented "#Keyword value" lines of the main file. */
static int note_documented(struct config *c, const char *line, unsigned no)
{
	_cleanup_(strv_freep) char **w = NULL;

	line += strspn(line, " \t#");
	if (split_words(line, &w) < 0 || strv_length(w) < 2)
		return 0;
	lower(w[0]);
	for (size_t i = 0; i < ARRAY_SIZE(documented_keys); i++) {
		struct documented *doc = &c->doc[i];

		if (strcmp(w[0], documented_keys[i]) != 0 || doc->value)
			continue;
		doc->key = documented_keys[i];
		doc->line = no;
		doc->value = strdup(w[1]);
		return doc->value ? 0 : -ENOMEM;
	}
	return 0;
}

static int do_include(const struct gp_root *root, struct config *c,
		      const char *file, unsigned line, char **args,
		      unsigned depth, int block)
{
	int r;

	if (depth >= MAX_DEPTH)
		return problem(c, true, file, line, "Include nested deeper "
			       "than %u files", MAX_DEPTH);
	for (size_t i = 0; args[i]; i++) {
		_cleanup_(strv_freep) char **files = NULL;
		_cleanup_free_ char *pattern = NULL;

		pattern = args[i][0] == '/' ? strdup(args[i]) :
			  strprintf(SSH_DIR "/%s", args[i]);
		if (!pattern)
			return -ENOMEM;
		r = glob_root(root, pattern, &files);
		if (r < 0)
			return r;
		for (size_t j = 0; files && files[j]; j++) {
			/*
			 * Files that include each other are read again at
			 * every level: the depth alone lets a few lines make
			 * fan-out^MAX_DEPTH reads.  Bound the total too.
			 */
			if (c->n_included++ >= MAX_INCLUDED)
				return problem(c, true, file, line, "Include "
					       "reads more than %u files",
					       MAX_INCLUDED);
			r = parse_file(root, c, files[j], depth + 1, block);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Values sshd checks when it reads the file. */
static int check_value(struct config *c, const struct directive *d)
{
	static const char *const root_login[] = {
		"yes", "no", "without-password", "prohibit-password",
		"forced-commands-only",
	};
	static const char *const yes_no[] = { "yes", "no" };
	const char *v = d->args[0];
	char *end;
	long port;

	if (strcmp(d->key, "port") == 0) {
		port = strtol(v, &end, 10);
		if (*end || end == v || port < 1 || port > 65535)
			return problem(c, true, d->file, d->line,
				       "Port \"%s\" is not a port number", v);
	} else if (strcmp(d->key, "permitrootlogin") == 0) {
		if (!in_list(root_login, ARRAY_SIZE(root_login), v))
			return problem(c, true, d->file, d->line,
				       "PermitRootLogin \"%s\" is not a "
				       "value sshd knows", v);
	} else if (strcmp(d->key, "passwordauthentication") == 0 ||
		   strcmp(d->key, "kbdinteractiveauthentication") == 0 ||
		   strcmp(d->key, "challengeresponseauthentication") == 0 ||
		   strcmp(d->key, "usepam") == 0) {
		if (!in_list(yes_no, ARRAY_SIZE(yes_no), v))
			return problem(c, true, d->file, d->line,
				       "%s takes yes or no, not \"%s\"",
				       d->key, v);
	}
	return 0;
}

/* Whether the line holds anything but text. */
static bool binary_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == 0 || (ch < 0x20 && ch != '\t' && ch != '\r') ||
		    ch == 0x7f)
			return true;
	}
	return false;
}

static int parse_line(const struct gp_root *root, struct config *c,
		      const char *path, unsigned no, const char *line,
		      unsigned depth, int outer, int *block)
{
	_cleanup_(strv_freep) char **w = NULL;
	enum applies applies;
	const char *key;
	int r;

	r = split_words(line, &w);
	if (r == -EINVAL)
		return problem(c, true, path, no, "unterminated quote");
	if (r < 0)
		return r;
	if (!w)
		return 0;
	lower(w[0]);
	key = w[0];
	if (strcmp(key, "match") == 0) {
		r = judge_match(c, path, no, w + 1, &applies);
		/* A Match in an included file starts from the outer one. */
		if (outer >= 0)
			applies = combine(applies, c->b[outer].applies);
		if (r == 0)
			r = add_block(c, path, no, line + strspn(line, " \t"),
				      applies);
		if (r < 0)
			return r;
		*block = (int)c->n_blocks - 1;
		if (depth == 0 && !c->main_first_match)
			c->main_first_match = no;
		return 0;
	}
	if (!in_list(keywords, ARRAY_SIZE(keywords), key))
		return problem(c, false, path, no, "unknown keyword \"%s\": "
			       "sshd refuses to start on a keyword it does "
			       "not know", w[0]);
	if (!w[1])
		return problem(c, true, path, no, "%s without a value", key);
	if (strcmp(key, "include") == 0)
		return do_include(root, c, path, no, w + 1, depth, *block);
	if (*block >= 0 && in_list(global_only, ARRAY_SIZE(global_only), key))
		return problem(c, true, path, no, "%s is not allowed inside "
			       "a Match block", key);
	r = add_directive(c, path, no, w, *block);
	return r < 0 ? r : check_value(c, &c->d[c->n - 1]);
}

static int parse_file(const struct gp_root *root, struct config *c,
		      const char *path, unsigned depth, int outer)
{
	_cleanup_free_ char *text = NULL;
	int block = outer;	/* sshd restores it after an Include */
	size_t len = 0;
	unsigned no = 0;
	int r;

	r = gp_root_read_file(root, path, CONFIG_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (depth == 0 && r == -ENOENT) {
			c->missing = true;
			return 0;
		}
		c->unreadable |= depth == 0;
		return problem(c, true, path, 0, "cannot be read: %s",
			       strerror(-r));
	}
	if (strv_push(&c->files, path) < 0)
		return -ENOMEM;
	for (const char *s = text, *end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		_cleanup_free_ char *line = NULL;

		no++;
		if (binary_line(s, n)) {
			r = problem(c, true, path, no, "not text (control "
				    "characters or NUL bytes)");
		} else {
			line = strndup(s, n);
			if (!line)
				return -ENOMEM;
			line[strcspn(line, "\r")] = '\0';
			if (depth == 0 && line[strspn(line, " \t")] == '#')
				r = note_documented(c, line, no);
			else
				r = parse_line(root, c, path, no, line, depth,
					       outer, &block);
		}
		if (r < 0)
			return r;
		s = nl ? nl + 1 : end;
	}
	return 0;
}

static int config_load(const struct gp_root *root, struct config *c)
{
	return parse_file(root, c, SSHD_CONFIG, 0, -1);
}

/* --- deciding a keyword ------------------------------------------------ */

#define MAX_MAYBE 8

struct decision {
	const struct directive *d;	/* what decides; NULL: the default */
	const char *value;
	const struct documented *doc;	/* where the default comes from */
	/* Lines of Match blocks that may apply first, for some clients. */
	const struct directive *maybe[MAX_MAYBE];
	size_t n_maybe;
};

/*
 * The value of the first-wins keyword @key (or its @alias) for root:
 * the first one in a Match block that surely applies, else the first
 * global one, else @builtin or the main file's commented default.
 */
static void decide(const struct config *c, const char *key,
		   const char *alias, const char *builtin,
		   struct decision *ret)
{
	const struct directive *global = NULL, *always = NULL;

	*ret = (struct decision){ 0 };
	for (size_t i = 0; i < c->n; i++) {
		const struct directive *d = &c->d[i];
		bool seen = false;

		if (strcmp(d->key, key) != 0 &&
		    !(alias && strcmp(d->key, alias) == 0))
			continue;
		if (d->block < 0) {
			if (!global)
				global = d;
			continue;
		}
		switch (c->b[d->block].applies) {
		case APPLIES_NEVER:
			break;
		case APPLIES_ALWAYS:
			if (!always)
				always = d;
			break;
		case APPLIES_MAYBE:
			for (size_t j = 0; j < ret->n_maybe; j++)
				seen = seen || ret->maybe[j]->block == d->block;
			if (!always && !seen && ret->n_maybe < MAX_MAYBE)
				ret->maybe[ret->n_maybe++] = d;
			break;
		}
	}
	ret->d = always ? always : global;
	if (ret->d) {
		ret->value = ret->d->args[0];
		return;
	}
	ret->value = builtin;
	for (size_t i = 0; i < ARRAY_SIZE(c->doc); i++)
		if (c->doc[i].value && (strcmp(c->doc[i].key, key) == 0 ||
					(alias && strcmp(c->doc[i].key,
							 alias) == 0))) {
			ret->doc = &c->doc[i];
			ret->value = c->doc[i].value;
			return;
		}
}

static void evidence_decision(struct gp_finding *f, const struct config *c,
			      const struct decision *dc, const char *keyword)
{
	if (dc->d && dc->d->block >= 0)
		gp_evidence(f, "%s:%u: %s %s (in \"%s\", %s:%u, which applies "
			    "to root)", dc->d->file, dc->d->line, keyword,
			    dc->value, c->b[dc->d->block].text,
			    c->b[dc->d->block].file, c->b[dc->d->block].line);
	else if (dc->d)
		gp_evidence(f, "%s:%u: %s %s", dc->d->file, dc->d->line,
			    keyword, dc->value);
	else if (dc->doc)
		gp_evidence(f, "%s is not set: the default is %s (as the "
			    "commented line %s:%u says)", keyword, dc->value,
			    SSHD_CONFIG, dc->doc->line);
	else
		gp_evidence(f, "%s is not set: OpenSSH's default is %s",
			    keyword, dc->value);
	for (size_t i = 0; i < dc->n_maybe; i++) {
		const struct directive *d = dc->maybe[i];
		const struct block *b = &c->b[d->block];

		gp_evidence(f, "%s:%u: %s %s, for clients that match \"%s\" "
			    "(%s:%u)", d->file, d->line, keyword, d->args[0],
			    b->text, b->file, b->line);
	}
}

/* --- listening --------------------------------------------------------- */

enum addr_kind {
	ADDR_ANY,	/* 0.0.0.0, ::, or no address */
	ADDR_LOOPBACK,
	ADDR_SPECIFIC,	/* an address the instance will not have */
	ADDR_NAME,	/* a host name */
	ADDR_OTHER,	/* a UNIX socket, vsock... */
};

struct endpoint {
	enum addr_kind kind;
	unsigned port;
	char *where;	/* "FILE:LINE: ListenAddress ..." */
};

struct listen {
	struct endpoint *v;
	size_t n;
};

static void listen_done(struct listen *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].where);
	free(l->v);
	*l = (struct listen){ 0 };
}

static int listen_add(struct listen *l, enum addr_kind kind, unsigned port,
		      char *where)
{
	struct endpoint *v;

	if (!where)
		return -ENOMEM;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(where);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = (struct endpoint){ kind, port, where };
	return 0;
}

static enum addr_kind addr_kind(const char *a)
{
	if (!*a || strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0 ||
	    strcmp(a, "*") == 0 || strcmp(a, "[::]") == 0)
		return ADDR_ANY;
	if (strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strcmp(a, "[::1]") == 0 || strcasecmp(a, "localhost") == 0)
		return ADDR_LOOPBACK;
	if (strspn(a, "0123456789.") == strlen(a) || strchr(a, ':'))
		return ADDR_SPECIFIC;
	return ADDR_NAME;
}

static unsigned parse_port(const char *s)
{
	char *end;
	long p = strtol(s, &end, 10);

	return *end || end == s || p < 1 || p > 65535 ? 0 : (unsigned)p;
}

/*
 * "host", "host:port", "[v6]:port", "v6" into @host (of @size) and a
 * port (0: none given).
 */
static unsigned split_host_port(const char *s, char *host, size_t size)
{
	const char *colon = strrchr(s, ':');

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		size_t n = close ? (size_t)(close - s - 1) : strlen(s + 1);

		snprintf(host, size, "%.*s", (int)n, s + 1);
		return close && close[1] == ':' ? parse_port(close + 2) : 0;
	}
	if (colon && colon == strchr(s, ':')) {
		snprintf(host, size, "%.*s", (int)(colon - s), s);
		return parse_port(colon + 1);
	}
	snprintf(host, size, "%s", s);
	return 0;
}

/* Port and ListenAddress: global, and all of them count. */
static int listen_from_config(const struct config *c, struct listen *l)
{
	const struct directive *ports[64];
	unsigned n_ports = 0;
	bool addresses = false;
	int r;

	for (size_t i = 0; i < c->n; i++)
		if (c->d[i].block < 0 && strcmp(c->d[i].key, "port") == 0 &&
		    parse_port(c->d[i].args[0]) && n_ports < ARRAY_SIZE(ports))
			ports[n_ports++] = &c->d[i];
	for (size_t i = 0; i < c->n; i++) {
		const struct directive *d = &c->d[i];
		char host[256];
		unsigned port;

		if (d->block >= 0 || strcmp(d->key, "listenaddress") != 0)
			continue;
		addresses = true;
		port = split_host_port(d->args[0], host, sizeof(host));
		if (!port && n_ports == 0)
			port = 22;
		for (unsigned j = 0; j < (port ? 1 : n_ports); j++) {
			r = listen_add(l, addr_kind(host), port ? port :
				       parse_port(ports[j]->args[0]),
				       strprintf("%s:%u: ListenAddress %s",
						 d->file, d->line,
						 d->args[0]));
			if (r < 0)
				return r;
		}
	}
	if (addresses)
		return 0;
	if (n_ports == 0)
		return listen_add(l, ADDR_ANY, 22, strdup("no Port line (22), "
							  "no ListenAddress"));
	for (unsigned j = 0; j < n_ports; j++) {
		r = listen_add(l, ADDR_ANY, parse_port(ports[j]->args[0]),
			       strprintf("%s:%u: Port %s, no ListenAddress",
					 ports[j]->file, ports[j]->line,
					 ports[j]->args[0]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* ListenStream= values of the unit @text (an empty one resets). */
static int listen_streams(const char *text, const char *path,
			  struct listen *l)
{
	bool socket = false;
	unsigned no = 0;

	for (const char *s = text; *s;) {
		size_t n = strcspn(s, "\n");
		_cleanup_free_ char *line = strndup(s, n);
		char *v, host[256];
		unsigned port;

		if (!line)
			return -ENOMEM;
		no++;
		v = line + strspn(line, " \t");
		v[strcspn(v, "\r")] = '\0';
		if (*v == '[')
			socket = strncmp(v, "[Socket]", 8) == 0;
		else if (socket && strncmp(v, "ListenStream", 12) == 0 &&
			 strchr(v, '=')) {
			v = strchr(v, '=') + 1;
			v += strspn(v, " \t");
			v[strcspn(v, " \t")] = '\0';
			if (!*v) {
				listen_done(l);
			} else if (*v == '/' || *v == '@' ||
				   strncmp(v, "vsock:", 6) == 0) {
				/* not TCP */
			} else {
				port = strspn(v, "0123456789") == strlen(v) ?
				       parse_port(v) :
				       split_host_port(v, host, sizeof(host));
				if (listen_add(l, strspn(v, "0123456789") ==
						   strlen(v) ? ADDR_ANY :
						   addr_kind(host), port,
					       strprintf("%s:%u: ListenStream=%s",
							 path, no, v)) < 0)
					return -ENOMEM;
			}
		}
		s += n;
		if (*s)
			s++;
	}
	return 0;
}

static int cmp_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(strrchr(x, '/') + 1, strrchr(y, '/') + 1);
}

/* The socket unit, then its drop-ins in /etc and /usr/lib, by name. */
static int listen_from_socket(const struct gp_root *root, const char *unit,
			      struct listen *l)
{
	static const char *const dirs[] = {
		"/etc/systemd/system", "/usr/lib/systemd/system",
		"/lib/systemd/system",
	};
	_cleanup_(gp_unit_done) struct gp_unit u = { 0 };
	_cleanup_(strv_freep) char **dropins = NULL, **names = NULL;
	int r;

	r = gp_unit_find(root, unit, &u);
	if (r < 0 || u.kind != GP_UNIT_FILE)
		return r;
	r = strv_push(&dropins, u.path);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *pattern = NULL;
		_cleanup_(strv_freep) char **found = NULL;

		pattern = strprintf("%s/%s.d/*.conf", dirs[i], u.name);
		r = pattern ? glob_root(root, pattern, &found) : -ENOMEM;
		for (size_t j = 0; r == 0 && found && found[j]; j++) {
			const char *base = strrchr(found[j], '/') + 1;

			/* /etc overrides a drop-in of the same name. */
			if (in_list((const char *const *)names,
				    strv_length(names), base))
				continue;
			r = strv_push(&names, base);
			if (r == 0)
				r = strv_push(&dropins, found[j]);
		}
	}
	/* Drop-ins apply in the order of their names. */
	if (r == 0 && strv_length(dropins) > 2)
		qsort(dropins + 1, strv_length(dropins) - 1, sizeof(char *),
		      cmp_base);
	for (size_t i = 0; r == 0 && dropins && dropins[i]; i++) {
		_cleanup_free_ char *text = NULL;

		r = gp_root_read_file(root, dropins[i], CONFIG_MAX, &text,
				      NULL);
		if (r == -ENOMEM)
			return r;
		r = r < 0 ? 0 : listen_streams(text, dropins[i], l);
	}
	return r;
}

static bool socket_generator(const struct gp_root *root)
{
	return gp_root_exists(root, SOCKET_GENERATOR) ||
	       gp_root_exists(root, "/lib/systemd/system-generators/"
				    "sshd-socket-generator");
}

static bool config_sets_listen(const struct config *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->d[i].key, "port") == 0 ||
		    strcmp(c->d[i].key, "listenaddress") == 0)
			return true;
	return false;
}

/*
 * Where sshd will listen: what sshd_config says when the service itself
 * starts at boot (or nothing does yet), the ListenStream= of an enabled
 * socket unit when it is socket-activated.  Ubuntu's sshd-socket-
 * generator turns sshd_config's Port and ListenAddress into the
 * socket's, so with it sshd_config decides again.  *ret_socket: the
 * socket unit that decides, or NULL.
 */
static int find_listen(const struct gp_root *root, const struct config *c,
		       const struct gp_service *s, struct listen *l,
		       const char **ret_socket)
{
	const char *socket = NULL;
	bool direct = strv_isempty(s->enabled_by);
	int r = 0;

	for (size_t i = 0; s->enabled_by && s->enabled_by[i]; i++) {
		if (endswith(s->enabled_by[i], ".socket"))
			socket = strrchr(s->enabled_by[i], '/') + 1;
		else
			direct = true;
	}
	if (socket && socket_generator(root) && config_sets_listen(c)) {
		socket = NULL;
		direct = true;
	}
	if (socket)
		r = listen_from_socket(root, socket, l);
	if (r == 0 && direct)
		r = listen_from_config(c, l);
	*ret_socket = socket;
	return r;
}

/* --- edits of sshd_config ---------------------------------------------- */

#define MAX_EDITS 8

struct edit {
	const char *file;
	unsigned line;		/* the line replaced, or inserted before;
				 * 0: appended */
	bool insert;
	char *text;
};

struct edits {
	struct edit v[MAX_EDITS];
	size_t n;
};

static void edits_done(struct edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].text);
	e->n = 0;
}

static int edit_add(struct edits *e, const char *file, unsigned line,
		    bool insert, char *text)
{
	if (!text)
		return -ENOMEM;
	if (e->n == MAX_EDITS) {
		free(text);
		return -E2BIG;
	}
	e->v[e->n++] = (struct edit){ file, line, insert, text };
	return 0;
}

/* Set @keyword to @value where @dc was decided, or add it. */
static int edit_decision(const struct config *c, const struct decision *dc,
			 const char *keyword, const char *value,
			 struct edits *e)
{
	if (dc->d)
		return edit_add(e, dc->d->file, dc->d->line, false,
				strprintf("%s %s", keyword, value));
	/* Before the first Match: global, and no earlier line sets it. */
	return edit_add(e, SSHD_CONFIG, c->main_first_match, true,
			strprintf("%s %s", keyword, value));
}

/* Rebuild @text of @file with the edits of that file. */
static char *apply_edits(const char *text, size_t len, const char *file,
			 const struct edits *e, size_t *ret_len)
{
	size_t cap = len + 2, n = 0;
	unsigned no = 0;
	char *out;

	for (size_t i = 0; i < e->n; i++)
		cap += strlen(e->v[i].text) + 512;
	out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *s = text, *end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t linelen = (size_t)((nl ? nl + 1 : end) - s);
		size_t indent = strspn(s, " \t");
		bool replaced = false;

		no++;
		for (size_t i = 0; i < e->n; i++) {
			const struct edit *ed = &e->v[i];

			if (strcmp(ed->file, file) != 0 || ed->line != no)
				continue;
			if (ed->insert) {
				n += (size_t)sprintf(out + n, "%s\n",
						     ed->text);
			} else if (!replaced && indent < 256) {
				memcpy(out + n, s, indent);
				n += indent;
				n += (size_t)sprintf(out + n, "%s%s\n",
						     ed->text,
						     memchr(s, '\r', linelen) ?
						     "\r" : "");
				replaced = true;
			}
		}
		if (!replaced) {
			memcpy(out + n, s, linelen);
			n += linelen;
		}
		s += linelen;
	}
	/* Appended lines, after a last line that may lack its newline. */
	for (size_t i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].file, file) != 0 || e->v[i].line != 0)
			continue;
		if (n > 0 && out[n - 1] != '\n')
			out[n++] = '\n';
		n += (size_t)sprintf(out + n, "%s\n", e->v[i].text);
	}
	out[n] = '\0';
	*ret_len = n;
	return out;
}

static int plan_edits(struct gp_ctx *ctx, const struct edits *e,
		      const char *why)
{
	const struct gp_root *root = gp_ctx_root(ctx);

	for (size_t i = 0; i < e->n; i++) {
		_cleanup_free_ char *text = NULL, *out = NULL;
		size_t len = 0, out_len = 0;
		bool done = false;
		int r;

		for (size_t j = 0; j < i; j++)
			done = done || strcmp(e->v[j].file, e->v[i].file) == 0;
		if (done)
			continue;
		r = gp_root_read_file(root, e->v[i].file, CONFIG_MAX, &text,
				      &len);
		if (r < 0)
			return r;
		out = apply_edits(text, len, e->v[i].file, e, &out_len);
		if (!out)
			return -ENOMEM;
		r = gp_plan_write(ctx, e->v[i].file, out, out_len, 0600, why);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- judging ----------------------------------------------------------- */

struct judgement {
	struct config c;
	struct gp_service s;
	struct listen l;
	const char *socket;	/* the socket unit that decides the port */
	struct decision root, password, kbd, pam, methods;
	enum gp_status port, root_login, password_auth;
	/* What refuses root or passwords whatever the setting says. */
	const struct directive *lockout, *no_password;
	/* "AddressFamily inet6": no IPv4, and the cloud gives only IPv4. */
	const struct directive *inet6;
	/* What the fixer would change, per finding. */
	struct edits port_edits, login_edits;
	bool port_dropin;	/* a drop-in for the socket's port */
};

static void judgement_done(struct judgement *j)
{
	config_done(&j->c);
	gp_service_done(&j->s);
	listen_done(&j->l);
	edits_done(&j->port_edits);
	edits_done(&j->login_edits);
}

static bool root_may_log_in(const char *v)
{
	return strcmp(v, "yes") == 0;
}

static bool is_yes(const char *v)
{
	return strcmp(v, "yes") == 0;
}

static enum gp_status at_most(enum gp_status s, enum gp_status cap)
{
	return s < cap ? s : cap;
}

static int judge_port(struct judgement *j, unsigned want)
{
	const struct directive *first_port = NULL, *first_la = NULL;
	bool open_any = false, bare_any = false, addresses = false;

	j->port = GP_FAIL;
	for (size_t i = 0; !j->socket && i < j->c.n; i++)
		if (j->c.d[i].block < 0 &&
		    strcmp(j->c.d[i].key, "addressfamily") == 0) {
			if (strcmp(j->c.d[i].args[0], "inet6") == 0)
				j->inet6 = &j->c.d[i];
			break;	/* the first one wins */
		}
	if (j->inet6) {
		int r = edit_add(&j->port_edits, j->inet6->file,
				 j->inet6->line, false,
				 strdup("AddressFamily any"));

		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < j->l.n; i++)
		if (j->l.v[i].port == want && j->l.v[i].kind == ADDR_ANY)
			j->port = j->inet6 ? GP_FAIL : GP_PASS;
	if (j->port == GP_PASS)
		return 0;
	if (j->socket) {
		j->port_dropin = true;
		return 0;
	}
	for (size_t i = 0; i < j->l.n; i++)
		open_any = open_any || j->l.v[i].port == want;
	if (open_any)
		return 0;	/* the family, or addresses the instance lacks */
	for (size_t i = 0; i < j->c.n; i++) {
		const struct directive *d = &j->c.d[i];
		char host[256];

		if (d->block >= 0)
			continue;
		if (strcmp(d->key, "port") == 0 && !first_port)
			first_port = d;
		if (strcmp(d->key, "listenaddress") != 0)
			continue;
		addresses = true;
		if (addr_kind(d->args[0]) == ADDR_ANY) {
			bare_any = true;	/* "0.0.0.0", "::" */
		} else if (split_host_port(d->args[0], host, sizeof(host)) &&
			   addr_kind(host) == ADDR_ANY && !first_la) {
			first_la = d;
		}
	}
	if (!addresses || bare_any)
		return first_port ?
		       edit_add(&j->port_edits, first_port->file,
				first_port->line, false,
				strprintf("Port %u", want)) :
		       edit_add(&j->port_edits, SSHD_CONFIG,
				j->c.main_first_match, true,
				strprintf("Port %u", want));
	if (first_la) {
		char host[256];

		split_host_port(first_la->args[0], host, sizeof(host));
		return edit_add(&j->port_edits, first_la->file, first_la->line,
				false, strprintf(strchr(host, ':') ?
						 "ListenAddress [%s]:%u" :
						 "ListenAddress %s:%u",
						 host, want));
	}
	return 0;
}

/* The user part of an AllowUsers/DenyUsers pattern ("root@10.*"). */
static bool user_pattern_is_root(const char *pattern, bool *ret_host)
{
	_cleanup_free_ char *user = strdup(pattern);
	char *at = user ? strchr(user, '@') : NULL;

	if (!user)
		return false;
	*ret_host = at && strcmp(at + 1, "*") != 0;
	if (at)
		*at = '\0';
	return pattern_matches("root", user);
}

/*
 * A global DenyUsers that names root, or AllowUsers lines none of which
 * admits root: sshd refuses root whatever PermitRootLogin says.
 */
static const struct directive *root_lockout(const struct config *c)
{
	const struct directive *allow = NULL;
	bool admitted = false;

	for (size_t i = 0; i < c->n; i++) {
		const struct directive *d = &c->d[i];
		bool deny = strcmp(d->key, "denyusers") == 0;

		if (d->block >= 0 ||
		    (!deny && strcmp(d->key, "allowusers") != 0))
			continue;
		if (!deny)
			allow = d;
		for (size_t k = 0; d->args[k]; k++) {
			bool host = false;

			if (!user_pattern_is_root(d->args[k], &host))
				continue;
			if (deny && !host)
				return d;
			if (!deny)
				admitted = true;
		}
	}
	return allow && !admitted ? allow : NULL;
}

/*
 * AuthenticationMethods that need more than a password: every list
 * names another method ("publickey,password" wants the key first).
 */
static bool methods_allow_password(const struct decision *m)
{
	if (!m->d)
		return true;	/* "any", the default */
	for (size_t i = 0; m->d->args[i]; i++) {
		const char *a = m->d->args[i];

		if (strcmp(a, "any") == 0 || strcmp(a, "password") == 0 ||
		    strcmp(a, "keyboard-interactive") == 0 ||
		    (startswith(a, "keyboard-interactive:") && !strchr(a, ',')))
			return true;
	}
	return false;
}

static int judge_login(struct judgement *j, const struct gp_profile *p)
{
	struct decision *root = &j->root, *pw = &j->password;
	bool maybe_bad = false;
	int r = 0;

	decide(&j->c, "permitrootlogin", NULL, "prohibit-password", root);
	decide(&j->c, "passwordauthentication", NULL, "yes", pw);
	decide(&j->c, "kbdinteractiveauthentication",
	       "challengeresponseauthentication", "yes", &j->kbd);
	decide(&j->c, "usepam", NULL, "no", &j->pam);
	decide(&j->c, "authenticationmethods", NULL, "any", &j->methods);
	j->lockout = root_lockout(&j->c);
	if (!methods_allow_password(&j->methods))
		j->no_password = j->methods.d;

	for (size_t i = 0; i < root->n_maybe; i++)
		maybe_bad = maybe_bad || !root_may_log_in(root->maybe[i]->args[0]);
	if (j->lockout) {
		/* Not ours to rewrite: the administrator's list of users. */
		j->root_login = p->sshd_root_login;
	} else if (!root_may_log_in(root->value)) {
		j->root_login = p->sshd_root_login;
		if (j->root_login > GP_SKIP)
			r = edit_decision(&j->c, root, "PermitRootLogin",
					  "yes", &j->login_edits);
	} else {
		j->root_login = maybe_bad ? p->sshd_login_restricted : GP_PASS;
	}
	if (r < 0)
		return r;

	maybe_bad = false;
	for (size_t i = 0; i < pw->n_maybe; i++)
		maybe_bad = maybe_bad || !is_yes(pw->maybe[i]->args[0]);
	if (j->no_password) {
		j->password_auth = p->sshd_password_auth;
	} else if (!is_yes(pw->value)) {
		j->password_auth = p->sshd_password_auth;
		/* Passwords still work through PAM's keyboard-interactive. */
		if (is_yes(j->kbd.value) && is_yes(j->pam.value))
			j->password_auth = at_most(j->password_auth, GP_WARN);
		if (j->password_auth > GP_SKIP)
			r = edit_decision(&j->c, pw, "PasswordAuthentication",
					  "yes", &j->login_edits);
	} else {
		j->password_auth = maybe_bad ? p->sshd_login_restricted :
					       GP_PASS;
	}
	return r;
}

static int judge(struct gp_ctx *ctx, struct judgement *j)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	int r;

	r = config_load(root, &j->c);
	if (r == 0)
		r = gp_service_lookup(root, service_names, &j->s);
	if (r < 0 || j->c.missing)
		return r;
	r = find_listen(root, &j->c, &j->s, &j->l, &j->socket);
	if (r == 0)
		r = judge_port(j, gp_ctx_profile(ctx)->ssh_port);
	if (r == 0)
		r = judge_login(j, gp_ctx_profile(ctx));
	return r;
}

/* --- sshd.installed ---------------------------------------------------- */

static const char *find_binary(const struct gp_root *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(binaries); i++)
		if (gp_root_is_file(root, binaries[i]))
			return binaries[i];
	return NULL;
}

static void evidence_service(struct gp_finding *f, const struct gp_service *s,
			     bool boot)
{
	gp_evidence(f, "init system: %s", gp_init_system_name(s->init));
	if (s->unit_path)
		gp_evidence(f, "%s: %s", s->unit ? s->unit : s->name,
			    s->unit_path);
	if (s->masked_by)
		gp_evidence(f, "masked by %s", s->masked_by);
	for (size_t i = 0; boot && s->enabled_by && s->enabled_by[i]; i++)
		gp_evidence(f, "started at boot by %s", s->enabled_by[i]);
	for (size_t i = 0; boot && s->ignored && s->ignored[i]; i++)
		gp_evidence(f, "not counted: %s", s->ignored[i]);
}

static int check_installed(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_service_done) struct gp_service s = { 0 };
	const char *binary = find_binary(root);
	struct gp_finding *f;
	int r;

	r = gp_service_lookup(root, service_names, &s);
	if (r < 0)
		return r;
	if (!binary) {
		f = gp_emit(ctx, "sshd.installed", GP_FAIL,
			    "the OpenSSH server (sshd) is not installed: the "
			    "instance could not be reached over SSH");
		if (s.state != GP_SERVICE_ABSENT)
			evidence_service(f, &s, false);
		gp_evidence(f, "no sshd program in /usr/sbin, /usr/local/sbin "
			       "or /usr/bin");
		gp_remedy(f, "install the OpenSSH server: yum install "
			     "openssh-server, apt-get install openssh-server "
			     "or zypper install openssh");
		return 0;
	}
	if (s.state == GP_SERVICE_ABSENT) {
		f = gp_emit(ctx, "sshd.installed", GP_WARN,
			    "%s is there, but no systemd unit, init script or "
			    "upstart job runs it", binary);
		gp_evidence(f, "program: %s", binary);
		gp_evidence(f, "init system: %s", gp_init_system_name(s.init));
		gp_remedy(f, "reinstall the distribution's OpenSSH server "
			     "package, which brings its unit or script");
		return 0;
	}
	f = gp_emit(ctx, "sshd.installed", GP_PASS,
		    "the OpenSSH server is installed");
	gp_evidence(f, "program: %s", binary);
	evidence_service(f, &s, false);
	return 0;
}

/* --- sshd.enabled ------------------------------------------------------ */

static void remedy_enable(struct gp_finding *f, const struct gp_service *s)
{
	const char *unit = s->unit ? s->unit : s->name;

	if (s->unit_path && startswith(s->unit_path, "/etc/init/"))
		gp_remedy(f, "remove the \"manual\" stanza from "
			     "/etc/init/%s.override", unit);
	else if (s->state == GP_SERVICE_MASKED)
		gp_remedy(f, "systemctl unmask %s && systemctl enable %s",
			  unit, unit);
	else if (s->unit && endswith(s->unit, ".service"))
		gp_remedy(f, "systemctl enable %s", unit);
	else
		gp_remedy(f, "chkconfig %s on (RHEL, SUSE) or update-rc.d %s "
			     "enable (Debian, Ubuntu)", unit, unit);
}

static int check_enabled(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_service_done) struct gp_service s = { 0 };
	struct gp_service_change *c = NULL;
	struct gp_finding *f;
	size_t n = 0;
	int r;

	r = gp_service_lookup(root, service_names, &s);
	if (r < 0)
		return r;
	/* Starting a program that is not there helps nobody. */
	if (!find_binary(root)) {
		gp_emit(ctx, "sshd.enabled", GP_SKIP, "sshd is not installed "
			"(sshd.installed)");
		return 0;
	}
	switch (s.state) {
	case GP_SERVICE_ABSENT:
		gp_emit(ctx, "sshd.enabled", GP_SKIP, "there is no sshd unit, "
			"init script or upstart job (sshd.installed)");
		return 0;
	case GP_SERVICE_ENABLED:
		f = gp_emit(ctx, "sshd.enabled", GP_PASS,
			    "sshd starts at boot");
		evidence_service(f, &s, true);
		return 0;
	case GP_SERVICE_DISABLED:
	case GP_SERVICE_MASKED:
		break;
	}
	f = gp_emit(ctx, "sshd.enabled", GP_FAIL, s.state == GP_SERVICE_MASKED ?
		    "sshd is masked: systemd will not start it" :
		    "nothing starts sshd at boot: the instance could not be "
		    "reached over SSH");
	evidence_service(f, &s, true);
	remedy_enable(f, &s);
	r = gp_service_enable_changes(root, &s, &c, &n);
	if (r == -ENOMEM)
		return r;
	gp_set_fixable(f, r == 0 && n > 0);
	if (r == 0)
		gp_service_changes_free(c, n);
	return 0;
}

static int fix_enabled(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_service_done) struct gp_service s = { 0 };
	struct gp_service_change *c = NULL;
	size_t n = 0;
	int r;

	r = gp_service_lookup(root, service_names, &s);
	if (r < 0)
		return r;
	r = gp_service_enable_changes(root, &s, &c, &n);
	if (r == -EOPNOTSUPP)
		return 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = c[i].target ? gp_plan_symlink(ctx, c[i].path, c[i].target,
						  c[i].why) :
				  gp_plan_remove(ctx, c[i].path, c[i].why);
	if (c)
		gp_service_changes_free(c, n);
	return r;
}

/* --- sshd.config ------------------------------------------------------- */

static void emit_syntax(struct gp_ctx *ctx, const struct config *c)
{
	size_t shown = strv_length(c->fatal) + strv_length(c->warnings);
	struct gp_finding *f;

	if (!strv_isempty(c->fatal))
		f = gp_emit(ctx, "sshd.config.syntax", GP_FAIL,
			    "sshd would refuse to start with its "
			    "configuration");
	else if (!strv_isempty(c->warnings))
		f = gp_emit(ctx, "sshd.config.syntax", GP_WARN,
			    "sshd's configuration has keywords this check "
			    "does not know");
	else
		f = gp_emit(ctx, "sshd.config.syntax", GP_PASS,
			    "sshd's configuration reads cleanly");
	for (size_t i = 0; c->fatal && c->fatal[i]; i++)
		gp_evidence(f, "%s", c->fatal[i]);
	for (size_t i = 0; c->warnings && c->warnings[i]; i++)
		gp_evidence(f, "%s", c->warnings[i]);
	if (c->n_problems > shown)
		gp_evidence(f, "... and %zu more", c->n_problems - shown);
	for (size_t i = 0; c->files && c->files[i]; i++)
		gp_evidence(f, "read %s", c->files[i]);
	if (!strv_isempty(c->fatal) || !strv_isempty(c->warnings))
		gp_remedy(f, "correct the lines shown, then check with "
			     "\"sshd -t\"");
}

static void emit_port(struct gp_ctx *ctx, const struct judgement *j)
{
	unsigned want = gp_ctx_profile(ctx)->ssh_port;
	bool fixable = j->port_dropin || j->port_edits.n > 0;
	struct gp_finding *f;

	if (j->port == GP_PASS)
		f = gp_emit(ctx, "sshd.config.port", GP_PASS,
			    "sshd listens on port %u", want);
	else if (j->inet6)
		f = gp_emit(ctx, "sshd.config.port", j->port,
			    "sshd listens on IPv6 only: the instance's network "
			    "is IPv4");
	else if (fixable)
		f = gp_emit(ctx, "sshd.config.port", j->port,
			    "sshd does not listen on port %u", want);
	else
		f = gp_emit(ctx, "sshd.config.port", j->port,
			    "sshd does not listen on port %u on an address "
			    "the instance will have (DHCP gives it a new one)",
			    want);
	if (j->socket)
		gp_evidence(f, "socket-activated: %s decides", j->socket);
	if (j->inet6)
		gp_evidence(f, "%s:%u: AddressFamily inet6", j->inet6->file,
			    j->inet6->line);
	for (size_t i = 0; i < j->l.n; i++)
		gp_evidence(f, "%s: %s port %u", j->l.v[i].where,
			    j->l.v[i].kind == ADDR_ANY ? "every address," :
			    j->l.v[i].kind == ADDR_LOOPBACK ? "loopback only," :
			    j->l.v[i].kind == ADDR_NAME ? "a host name," :
			    j->l.v[i].kind == ADDR_SPECIFIC ?
			    "one address (DHCP gives the instance another)," :
			    "not TCP,", j->l.v[i].port);
	if (j->port == GP_PASS)
		return;
	gp_set_fixable(f, fixable);
	if (j->socket)
		gp_remedy(f, "set ListenStream=%u in a drop-in of %s", want,
			  j->socket);
	else if (fixable)
		gp_remedy(f, "set \"Port %u\" in %s (and the port of "
			     "ListenAddress lines)%s", want, SSHD_CONFIG,
			  j->inet6 ? ", \"AddressFamily any\"" : "");
	else
		gp_remedy(f, "listen on every address: remove the ListenAddress "
			     "lines or use 0.0.0.0 and ::");
}

static void emit_login(struct gp_ctx *ctx, const struct judgement *j,
		       const char *id, enum gp_status status,
		       const struct decision *dc, const char *keyword,
		       const struct directive *blocker, const char *good,
		       const char *bad)
{
	bool on = is_yes(dc->value) && !blocker;
	struct gp_finding *f;

	if (!on)
		f = gp_emit(ctx, id, status, "%s", bad);
	else if (status != GP_PASS)
		f = gp_emit(ctx, id, status, "%s, except for clients that "
			    "Match blocks turn it off for", good);
	else
		f = gp_emit(ctx, id, status, "%s", good);
	evidence_decision(f, &j->c, dc, keyword);
	if (blocker)
		gp_evidence(f, "%s:%u: %s %s%s", blocker->file, blocker->line,
			    blocker->key, blocker->args[0],
			    blocker->args[1] ? " ..." : "");
	if (status == GP_PASS)
		return;
	if (blocker) {
		gp_remedy(f, "change the %s line shown: it keeps %s out "
			     "whatever %s says", blocker->key,
			  strcmp(blocker->key, "authenticationmethods") == 0 ?
			  "passwords" : "root", keyword);
	} else if (!on) {
		gp_set_fixable(f, true);
		gp_remedy(f, "set \"%s yes\" (%s)", keyword, dc->d ?
			  "in place of the line shown" :
			  "before the first Match block of " SSHD_CONFIG);
	} else {
		gp_remedy(f, "review the Match blocks shown: they turn %s off "
			     "for some clients", keyword);
	}
}

static const char *const config_ids[] = {
	"sshd.config.syntax", "sshd.config.port",
	"sshd.config.root_login", "sshd.config.password_auth",
};

/* Only the syntax finding says more than "skip": @syntax. */
static void skip_config(struct gp_ctx *ctx, enum gp_status syntax,
			const char *why)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_ids); i++)
		gp_emit(ctx, config_ids[i], i == 0 ? syntax : GP_SKIP, "%s",
			why);
}

static int check_config(struct gp_ctx *ctx)
{
	_cleanup_(judgement_done) struct judgement j = { 0 };
	int r;

	r = judge(ctx, &j);
	if (r < 0)
		return r;
	/* Without the program, its configuration is moot. */
	if (!find_binary(gp_ctx_root(ctx))) {
		skip_config(ctx, GP_SKIP,
			    "sshd is not installed (sshd.installed)");
		return 0;
	}
	if (j.c.missing) {
		skip_config(ctx, GP_FAIL, SSHD_CONFIG " is missing: sshd "
			    "refuses to start without it");
		return 0;
	}
	emit_syntax(ctx, &j.c);
	/* Settings judged from defaults on a file never read would lie. */
	if (j.c.unreadable) {
		for (size_t i = 1; i < ARRAY_SIZE(config_ids); i++)
			gp_emit(ctx, config_ids[i], GP_SKIP, SSHD_CONFIG
				" cannot be read (see sshd.config.syntax)");
		return 0;
	}
	emit_port(ctx, &j);
	emit_login(ctx, &j, "sshd.config.root_login", j.root_login, &j.root,
		   "PermitRootLogin", j.lockout,
		   "root may log in with a password",
		   j.lockout ? "AllowUsers or DenyUsers keep root out: the "
		   "cloud's users log in as root" :
		   "root may not log in with a password: the cloud's users "
		   "log in as root with the password set at creation");
	emit_login(ctx, &j, "sshd.config.password_auth", j.password_auth,
		   &j.password, "PasswordAuthentication", j.no_password,
		   "password authentication is on",
		   j.no_password ? "AuthenticationMethods asks for more "
		   "than a password: the password set at creation is not "
		   "enough" :
		   is_yes(j.kbd.value) && is_yes(j.pam.value) ?
		   "password authentication is off; passwords work only "
		   "through keyboard-interactive (PAM), which not every "
		   "client offers" :
		   "password authentication is off: the password set at "
		   "creation cannot be used");
	return 0;
}

static int fix_config(struct gp_ctx *ctx)
{
	_cleanup_(judgement_done) struct judgement j = { 0 };
	struct edits all = { 0 };
	unsigned want = gp_ctx_profile(ctx)->ssh_port;
	int r;

	r = judge(ctx, &j);
	if (r < 0 || j.c.missing)
		return r;
	if (j.port_dropin) {
		_cleanup_free_ char *path = NULL, *text = NULL;

		path = strprintf("/etc/systemd/system/%s.d/" PORT_DROPIN_NAME,
				 j.socket);
		text = strprintf("# guestprep: the cloud reaches sshd on port "
				 "%u\n[Socket]\nListenStream=\n"
				 "ListenStream=%u\n", want, want);
		if (!path || !text)
			return -ENOMEM;
		r = gp_plan_write(ctx, path, text, strlen(text), 0644,
				  "socket-activated sshd: listen on the port "
				  "the cloud uses");
		if (r < 0)
			return r;
	}
	/* One plan per file: every edit of sshd_config together. */
	for (size_t i = 0; i < j.port_edits.n; i++)
		all.v[all.n++] = j.port_edits.v[i];
	for (size_t i = 0; i < j.login_edits.n && all.n < MAX_EDITS; i++)
		all.v[all.n++] = j.login_edits.v[i];
	return plan_edits(ctx, &all, "let the cloud's users reach sshd on "
			  "its port and log in as root with the password set "
			  "at creation");
}

static const struct gp_check sshd_checks[] = {
	{ .id = "sshd.installed",
	  .summary = "the OpenSSH server and its unit or script are installed",
	  .run = check_installed },
	{ .id = "sshd.enabled",
	  .summary = "sshd starts at boot (units, socket, SysV links, upstart)",
	  .run = check_enabled,
	  .fix = fix_enabled },
	{ .id = "sshd.config",
	  .summary = "sshd_config parses, listens on the profile's port, lets "
		     "root in with a password",
	  .run = check_config,
	  .fix = fix_config },
	{ 0 },
};

const struct gp_plugin sshd_plugin = {
	.name = "sshd",
	.summary = "SSH access: sshd installed, started at boot, reachable "
		   "on port 22, root may log in with a password",
	.targets = GP_TARGET_LINUX,
	.checks = sshd_checks,
};
