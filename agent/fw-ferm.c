/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferm's configuration (include/guestprep/fwrules.h), a simple subset:
 *
 *   domain (ip ip6) table filter {
 *       chain INPUT {
 *           policy DROP;
 *           mod state state (ESTABLISHED RELATED) ACCEPT;
 *           interface lo ACCEPT;
 *           proto tcp dport (ssh http) ACCEPT;
 *           saddr 10.0.0.0/8 proto tcp { dport 22 ACCEPT; }
 *       }
 *   }
 *
 * A statement is a series of "keyword value" matches ending in a target;
 * a block applies the matches before it to every statement inside, and a
 * list "(a b)" stands for each of its values.  "@def $NAME = value;" is
 * expanded; other "@" functions (@include, @if, @hook) are reported as
 * not understood.
 */
#include "config.h"

#include <ctype.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "guestprep/fwrules.h"
#include "util.h"

#define FERM_MAX_FILE (1u << 20)
#define MAX_WORDS 16384
#define MAX_MATCHES 32
#define MAX_DEFS 64

struct word {
	char *s;		/* a word, or "(" ")" "{" "}" ";" */
	unsigned line;
	size_t off;
};

struct ferm {
	struct fw_ruleset *rs;
	const char *file;
	struct word *w;
	size_t n, i;
	struct {
		char *name;
		size_t start, end;	/* its value: words [start, end) */
	} defs[MAX_DEFS];
	size_t n_defs;
};

/* What the enclosing blocks have said so far. */
struct scope {
	bool ip;		/* the domain includes IPv4 */
	bool filter;		/* table filter (the default) */
	const char *chains[8];
	size_t n_chains;
	struct {
		const char *key;
		size_t at;	/* index of the value's first word */
		bool neg;
	} m[MAX_MATCHES];
	size_t n_m;
};

static int lex(struct ferm *f, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned line = 1;

	while (p < end) {
		const char *q = p;
		struct word *v;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (*p == '\0')
			return -EINVAL;
		if (strchr("(){};", *p)) {
			q = p + 1;
		} else if (*p == '"' || *p == '\'') {
			q = memchr(p + 1, *p, (size_t)(end - p - 1));
			if (!q)
				return -EINVAL;
			q++;
		} else {
			while (q < end && !isspace((unsigned char)*q) &&
			       !strchr("(){};#", *q) && *q)
				q++;
		}
		if (f->n == MAX_WORDS)
			return -E2BIG;
		v = realloc(f->w, (f->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		f->w = v;
		v[f->n] = (struct word){ .line = line,
					 .off = (size_t)(p - text) };
		if (*p == '"' || *p == '\'')
			v[f->n].s = strndup(p + 1, (size_t)(q - p - 2));
		else
			v[f->n].s = strndup(p, (size_t)(q - p));
		if (!v[f->n].s)
			return -ENOMEM;
		f->n++;
		p = q;
	}
	return 0;
}

static const char *cur(const struct ferm *f)
{
	return f->i < f->n ? f->w[f->i].s : "";
}

static bool at(const struct ferm *f, const char *s)
{
	return f->i < f->n && strcmp(f->w[f->i].s, s) == 0;
}

/* The line of the current word (the last one's at the end). */
static unsigned line_of(const struct ferm *f)
{
	return f->i < f->n ? f->w[f->i].line : f->n ? f->w[f->n - 1].line : 0;
}

static int problem(struct ferm *f, const char *what)
{
	return fw_problem(f->rs, "%s:%u: %s", f->file, line_of(f), what);
}

/* Skip one value: a word or a "( ... )" list. */
static void skip_value(struct ferm *f)
{
	if (at(f, "(")) {
		while (f->i < f->n && !at(f, ")"))
			f->i++;
	}
	if (f->i < f->n)
		f->i++;
}

/* The values of the value at @i, lists and $defs expanded (at most 32). */
static size_t values(const struct ferm *f, size_t i, const char **out,
		     size_t max, unsigned depth)
{
	size_t n = 0;
	size_t end = i + 1;

	if (i >= f->n)
		return 0;
	if (strcmp(f->w[i].s, "(") == 0)
		for (end = i + 1; end < f->n && strcmp(f->w[end].s, ")"); end++)
			;
	for (size_t k = strcmp(f->w[i].s, "(") == 0 ? i + 1 : i;
	     k < end && k < f->n && n < max; k++) {
		const char *s = f->w[k].s;
		bool found = false;

		if (s[0] == '$' && depth < 4)
			for (size_t d = 0; d < f->n_defs; d++)
				if (strcmp(f->defs[d].name, s + 1) == 0) {
					n += values(f, f->defs[d].start,
						    out + n, max - n,
						    depth + 1);
					found = true;
				}
		if (!found)
			out[n++] = s;
	}
	return n;
}

static const char *const targets[] = {
	"ACCEPT", "DROP", "REJECT", "RETURN", "LOG", "NOP", "jump", "goto",
	"realgoto", "MARK", "NFLOG", "ULOG", "CONNMARK", "TARPIT", "NOTRACK",
};

static bool is_target(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		if (strcmp(targets[i], s) == 0)
			return true;
	return false;
}

/* Keywords that take no value. */
static bool no_value(const char *s)
{
	return !strcmp(s, "syn") || !strcmp(s, "fragment") ||
	       !strcmp(s, "rsource") || !strcmp(s, "update") ||
	       !strcmp(s, "rcheck") || !strcmp(s, "set");
}

static int apply_match(struct ferm *f, struct fw_rule *r, const char *key,
		       size_t at_value, bool neg)
{
	const char *v[32];
	size_t n = !no_value(key) ?
		   values(f, at_value, v, ARRAY_SIZE(v), 0) : 0;
	bool any;

	if (!strcmp(key, "proto") || !strcmp(key, "protocol")) {
		any = false;
		for (size_t i = 0; i < n; i++)
			any = any || !strcasecmp(v[i], "tcp") ||
			      !strcmp(v[i], "6") || !strcasecmp(v[i], "all");
		r->never = r->never || any == neg;
	} else if (!strcmp(key, "dport") || !strcmp(key, "dports")) {
		r->dport.neg = neg;
		for (size_t i = 0; i < n; i++) {
			uint16_t lo, hi;

			if (fw_parse_port(v[i], &lo, &hi) < 0 ||
			    fw_ports_add(&r->dport, lo, hi) < 0)
				return fw_rule_only(r, "to port %s", v[i]);
		}
	} else if (!strcmp(key, "saddr") || !strcmp(key, "daddr")) {
		if (!neg && n)
			return fw_rule_only(r, "%s %s", key[0] == 's' ?
					    "from" : "to", v[0]);
	} else if (!strcmp(key, "interface")) {
		bool lo = n == 1 && !strcmp(v[0], "lo");

		if (lo && !neg)
			r->never = true;
		else if (!lo && !neg && n)
			return fw_rule_only(r, "on interface %s", v[0]);
	} else if (!strcmp(key, "state") || !strcmp(key, "ctstate")) {
		for (size_t i = 0; i < n; i++)
			if (!strcasecmp(v[i], "NEW"))
				r->ct |= FW_CT_NEW;
			else
				r->ct |= FW_CT_ESTABLISHED;
		r->ct_neg = neg;
	} else if (!strcmp(key, "sport") || !strcmp(key, "sports")) {
		if (!neg)
			return fw_rule_only(r, "from port %s", n ? v[0] : "?");
	} else if (!strcmp(key, "syn")) {
		r->never = r->never || neg;
	} else if (!strcmp(key, "fragment")) {
		r->never = r->never || !neg;
	} else if (strcmp(key, "mod") && strcmp(key, "comment") &&
		   strcmp(key, "limit") && strcmp(key, "limit-burst") &&
		   strcmp(key, "outerface") && strcmp(key, "icmp-type") &&
		   strcmp(key, "log-prefix") && strcmp(key, "reject-with")) {
		return fw_rule_only(r, "with %s", key);
	}
	return 0;
}

/* A statement ends in a target: one rule per chain of the scope. */
/* The statement's words, for evidence. */
static char *statement_text(const struct ferm *f, size_t first, size_t last)
{
	char *s = strdup("");

	for (size_t i = first; s && i <= last && i < f->n; i++) {
		char *n = strprintf("%s%s%s", s, *s ? " " : "", f->w[i].s);

		free(s);
		s = n;
	}
	return s;
}

static int add_rules(struct ferm *f, const struct scope *s, size_t first,
		     const char *target, const char *arg)
{
	for (size_t c = 0; c < s->n_chains; c++) {
		struct fw_chain *chain;
		struct fw_rule *r;
		int e = fw_chain_get(f->rs, s->chains[c], &chain);

		if (e >= 0)
			e = fw_rule_new(chain, f->file, f->w[first].line,
					f->w[first].off, &r);
		if (e < 0)
			return e;
		chain->base = chain->base || !strcmp(chain->name, "INPUT");
		r->text = statement_text(f, first, f->i - 1);
		if (!strcmp(target, "jump") || !strcmp(target, "goto") ||
		    !strcmp(target, "realgoto")) {
			r->target = strdup(arg ? arg : "");
			r->go = target[0] != 'j';
		} else if (strcmp(target, "NOP") != 0) {
			r->target = strdup(target);
		}
		if (!r->text)
			return -ENOMEM;
		for (size_t k = 0; k < s->n_m && e >= 0; k++)
			e = apply_match(f, r, s->m[k].key, s->m[k].at,
					s->m[k].neg);
		if (e < 0)
			return e;
	}
	return 0;
}

static int block(struct ferm *f, struct scope s, unsigned depth);

/* "@def $NAME = value;" */
static int def(struct ferm *f)
{
	f->i++;
	if (f->n_defs == MAX_DEFS || cur(f)[0] != '$' ||
	    f->i + 2 >= f->n || strcmp(f->w[f->i + 1].s, "=") != 0)
		return problem(f, "@def not understood");
	f->defs[f->n_defs].name = strdup(cur(f) + 1);
	if (!f->defs[f->n_defs].name)
		return -ENOMEM;
	f->i += 2;
	f->defs[f->n_defs].start = f->i;
	skip_value(f);
	f->defs[f->n_defs].end = f->i;
	f->n_defs++;
	if (at(f, ";"))
		f->i++;
	return 0;
}

/* Keywords up to ';' or '{', in @s; then the target, or a block. */
static int statement(struct ferm *f, struct scope s, unsigned depth)
{
	size_t first = f->i;
	bool neg = false;

	while (f->i < f->n) {
		const char *w = cur(f);
		const char *vals[8];
		size_t n;

		if (!strcmp(w, ";")) {
			f->i++;
			return 0;	/* matches without a target: none */
		}
		if (!strcmp(w, "{")) {
			f->i++;
			return block(f, s, depth + 1);
		}
		if (!strcmp(w, "!")) {
			neg = true;
			f->i++;
			continue;
		}
		if (is_target(w)) {
			const char *arg = NULL;
			int e;

			f->i++;
			if (!strcmp(w, "jump") || !strcmp(w, "goto") ||
			    !strcmp(w, "realgoto")) {
				arg = cur(f);
				f->i++;
			}
			if (s.ip && s.filter)
				e = add_rules(f, &s, first, w, arg);
			else
				e = 0;
			/* Target options: "REJECT reject-with x". */
			while (f->i < f->n && !at(f, ";") && !at(f, "}"))
				f->i++;
			if (at(f, ";"))
				f->i++;
			return e;
		}
		f->i++;
		if (!strcmp(w, "domain")) {
			n = values(f, f->i, vals, ARRAY_SIZE(vals), 0);
			s.ip = false;
			for (size_t k = 0; k < n; k++)
				s.ip = s.ip || !strcmp(vals[k], "ip");
			skip_value(f);
		} else if (!strcmp(w, "table")) {
			s.filter = !strcmp(cur(f), "filter");
			skip_value(f);
		} else if (!strcmp(w, "chain")) {
			n = values(f, f->i, s.chains, ARRAY_SIZE(s.chains), 0);
			s.n_chains = n;
			skip_value(f);
		} else if (!strcmp(w, "policy")) {
			for (size_t c = 0; c < s.n_chains && s.ip && s.filter;
			     c++) {
				struct fw_chain *chain;
				int e = fw_chain_get(f->rs, s.chains[c], &chain);

				if (e < 0)
					return e;
				free(chain->policy);
				free(chain->policy_where);
				chain->policy = strdup(cur(f));
				chain->policy_where = strprintf(
					"%s:%u", f->file, line_of(f));
				if (!chain->policy || !chain->policy_where)
					return -ENOMEM;
				chain->base = chain->base ||
					      !strcmp(chain->name, "INPUT");
			}
			skip_value(f);
		} else if (w[0] == '@') {
			if (!strcmp(w, "@def")) {
				f->i--;
				return def(f);
			}
			while (f->i < f->n && !at(f, ";"))
				f->i++;
			return problem(f, "ferm function not understood");
		} else {
			if (s.n_m == MAX_MATCHES)
				return problem(f, "too many matches");
			s.m[s.n_m].key = w;
			s.m[s.n_m].at = f->i;
			s.m[s.n_m].neg = neg;
			s.n_m++;
			if (!no_value(w))
				skip_value(f);
		}
		neg = false;
	}
	return 0;
}

static int block(struct ferm *f, struct scope s, unsigned depth)
{
	if (depth > 32)
		return problem(f, "blocks nest too deep");
	while (f->i < f->n) {
		int e;

		if (at(f, "}")) {
			f->i++;
			return 0;
		}
		e = statement(f, s, depth);
		if (e < 0)
			return e;
	}
	return depth ? problem(f, "block not closed") : 0;
}

int fw_read_ferm(const struct gp_root *root, const char *path,
		 struct fw_ruleset *rs)
{
	_cleanup_free_ char *text = NULL;
	struct ferm f = { .rs = rs, .file = path };
	struct scope s = { .ip = true, .filter = true };
	size_t len;
	int e;

	e = gp_root_read_file(root, path, FERM_MAX_FILE, &text, &len);
	if (e < 0)
		return e;
	e = fw_ruleset_add_file(rs, path);
	if (e >= 0)
		e = lex(&f, text, len);
	if (e == -EINVAL || e == -E2BIG)
		e = fw_problem(rs, "%s: not a ferm file (unterminated quote "
			       "or binary data)", path);
	else if (e >= 0)
		e = block(&f, s, 0);
	for (size_t i = 0; i < f.n; i++)
		free(f.w[i].s);
	free(f.w);
	for (size_t i = 0; i < f.n_defs; i++)
		free(f.defs[i].name);
	return e;
}
