/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall rule model and its evaluator (include/guestprep/fwrules.h).
 *
 * Evaluation follows netfilter: base chains in priority order, rules in
 * order, a jump returns when the called chain ends or says RETURN, a goto
 * does not come back, a base chain that ends applies its policy.  Each
 * base chain must accept the packet; the first drop or reject is final.
 */
#include "config.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>

#include "guestprep/fwrules.h"
#include "util.h"

/* iptables allows jumps 32 deep before it gives up on a ruleset. */
#define MAX_DEPTH 32

static void rule_done(struct fw_rule *r)
{
	free(r->file);
	free(r->text);
	free(r->only);
	free(r->target);
}

static void chain_done(struct fw_chain *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		rule_done(&c->rules[i]);
	free(c->rules);
	free(c->name);
	free(c->policy);
	free(c->policy_where);
	free(c->file);
}

void fw_ruleset_done(struct fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->n_chains; i++)
		chain_done(&rs->chains[i]);
	free(rs->chains);
	strv_free_n(rs->problems, rs->n_problems);
	strv_free(rs->files);
	*rs = (struct fw_ruleset){ 0 };
}

struct fw_chain *fw_chain_find(const struct fw_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->n_chains; i++)
		if (strcmp(rs->chains[i].name, name) == 0)
			return &rs->chains[i];
	return NULL;
}

int fw_chain_get(struct fw_ruleset *rs, const char *name,
		 struct fw_chain **ret)
{
	struct fw_chain *c = fw_chain_find(rs, name), *list;

	if (c) {
		*ret = c;
		return 0;
	}
	list = realloc(rs->chains, (rs->n_chains + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	rs->chains = list;
	c = memset(&list[rs->n_chains], 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name)
		return -ENOMEM;
	rs->n_chains++;
	*ret = c;
	return 0;
}

int fw_rule_new(struct fw_chain *chain, const char *file, unsigned line,
		size_t off, struct fw_rule **ret)
{
	struct fw_rule *list, *r;

	list = realloc(chain->rules, (chain->n_rules + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	chain->rules = list;
	r = memset(&list[chain->n_rules], 0, sizeof(*r));
	r->file = strdup(file);
	if (!r->file)
		return -ENOMEM;
	r->line = line;
	r->off = off;
	chain->n_rules++;
	*ret = r;
	return 0;
}

int fw_rule_only(struct fw_rule *rule, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	char *joined;
	va_list ap;

	va_start(ap, fmt);
	what = vstrprintf(fmt, ap);
	va_end(ap);
	if (!what)
		return -ENOMEM;
	joined = rule->only ? strprintf("%s, %s", rule->only, what) :
			      strdup(what);
	if (!joined)
		return -ENOMEM;
	free(rule->only);
	rule->only = joined;
	return 0;
}

int fw_problem(struct fw_ruleset *rs, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(&rs->problems, fmt, ap);
	va_end(ap);
	if (r == 0)
		rs->n_problems++;
	return r;
}

int fw_ruleset_add_file(struct fw_ruleset *rs, const char *path)
{
	return strv_push(&rs->files, path);
}

int fw_read_file(const struct gp_root *root, const struct fw_overlay *ov,
		 const char *path, size_t max, char **ret_text,
		 size_t *ret_len)
{
	char *copy;

	if (!ov || !ov->path || strcmp(ov->path, path) != 0)
		return gp_root_read_file(root, path, max, ret_text, ret_len);
	copy = malloc(ov->len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, ov->text, ov->len);
	copy[ov->len] = '\0';
	*ret_text = copy;
	*ret_len = ov->len;
	return 0;
}

/* --- ports ----------------------------------------------------------- */

static const struct {
	const char *name;
	uint16_t port;
} services[] = {
	{ "ssh", 22 },	 { "http", 80 },    { "https", 443 },
	{ "ftp", 21 },	 { "telnet", 23 },  { "smtp", 25 },
	{ "domain", 53 }, { "www", 80 },    { "rdp", 3389 },
	{ "ms-wbt-server", 3389 },
};

static int parse_one_port(const char *s, size_t n, uint16_t *ret)
{
	char buf[32];
	unsigned long long v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		if (parse_u64(buf, &v) < 0 || v > 65535)
			return -EINVAL;
		*ret = (uint16_t)v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(services); i++)
		if (strcmp(services[i].name, buf) == 0) {
			*ret = services[i].port;
			return 0;
		}
	return -EINVAL;
}

int fw_parse_port(const char *s, uint16_t *ret_lo, uint16_t *ret_hi)
{
	size_t n = strcspn(s, ":-");
	uint16_t lo = 0, hi;

	if (n > 0 && parse_one_port(s, n, &lo) < 0)
		return -EINVAL;
	if (n == 0 && !s[0])
		return -EINVAL;
	hi = lo;
	if (s[n]) {
		/* iptables takes ":22" and "1024:" as open-ended ranges. */
		if (n == 0)
			lo = 0;
		if (s[n + 1] == '\0')
			hi = 65535;
		else if (parse_one_port(s + n + 1, strlen(s + n + 1), &hi) < 0)
			return -EINVAL;
	}
	if (hi < lo)
		return -EINVAL;
	*ret_lo = lo;
	*ret_hi = hi;
	return 0;
}

int fw_ports_add(struct fw_ports *p, uint16_t lo, uint16_t hi)
{
	if (p->n == FW_MAX_PORTS)
		return -E2BIG;
	p->lo[p->n] = lo;
	p->hi[p->n] = hi;
	p->n++;
	return 0;
}

/* --- the evaluator ----------------------------------------------------- */

enum match {
	MATCH_NONE,
	MATCH_SOME,
	MATCH_ALL,
};

static enum match rule_matches(const struct fw_rule *r, unsigned port)
{
	bool in;

	if (r->never)
		return MATCH_NONE;
	if (r->proto && (r->proto == IPPROTO_TCP) == r->proto_neg)
		return MATCH_NONE;
	if (r->dport.n) {
		in = false;
		for (unsigned i = 0; i < r->dport.n; i++)
			if (port >= r->dport.lo[i] && port <= r->dport.hi[i])
				in = true;
		if (in == r->dport.neg)
			return MATCH_NONE;
	}
	if (r->ct && !!(r->ct & FW_CT_NEW) == r->ct_neg)
		return MATCH_NONE;
	return r->only ? MATCH_SOME : MATCH_ALL;
}

enum outcome {
	OUT_FELL,	/* the chain ended */
	OUT_RETURN,
	OUT_ACCEPT,
	OUT_DROP,
	OUT_REJECT,
};

struct eval {
	const struct fw_ruleset *rs;
	unsigned port;
	const struct fw_rule *decider;
	struct fw_verdict *v;
};

static enum outcome verdict_of(const char *target)
{
	if (strcmp(target, "ACCEPT") == 0)
		return OUT_ACCEPT;
	if (strcmp(target, "DROP") == 0 || strcmp(target, "TARPIT") == 0)
		return OUT_DROP;
	if (strcmp(target, "REJECT") == 0)
		return OUT_REJECT;
	if (strcmp(target, "RETURN") == 0)
		return OUT_RETURN;
	return OUT_FELL;
}

static char *rule_desc(const struct fw_rule *r)
{
	return strprintf("%s:%u: %s", r->file, r->line, r->text ? r->text : "");
}

static int walk(struct eval *e, const struct fw_chain *c, unsigned depth,
		bool probing, enum outcome *ret);

/* Rules that let only some in: would what they lead to accept? */
static int note_partial(struct eval *e, const struct fw_rule *r,
			unsigned depth)
{
	const struct fw_chain *sub;
	enum outcome out = OUT_FELL;
	char *s;
	int k;

	if (!r->target)
		return 0;
	out = verdict_of(r->target);
	sub = out == OUT_FELL ? fw_chain_find(e->rs, r->target) : NULL;
	if (sub) {
		k = walk(e, sub, depth + 1, true, &out);
		if (k < 0)
			return k;
	}
	if (out != OUT_ACCEPT)
		return 0;
	s = strprintf("%s:%u: %s (only %s)", r->file, r->line,
		      r->text ? r->text : "", r->only);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < e->v->n_partial; i++)
		if (strcmp(e->v->partial[i], s) == 0) {
			free(s);
			return 0;
		}
	if (strv_push(&e->v->partial, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	free(s);
	e->v->n_partial++;
	return 0;
}

/*
 * Walk @c for the arbitrary connection.  @probing: the walk only asks
 * what a partial rule leads to, and records nothing.
 */
static int walk(struct eval *e, const struct fw_chain *c, unsigned depth,
		bool probing, enum outcome *ret)
{
	if (depth > MAX_DEPTH)
		return -ELOOP;
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct fw_rule *r = &c->rules[i];
		const struct fw_chain *sub;
		enum match m = rule_matches(r, e->port);
		enum outcome out;
		int k;

		if (m == MATCH_NONE || !r->target)
			continue;
		if (m == MATCH_SOME) {
			if (!probing && (k = note_partial(e, r, depth)) < 0)
				return k;
			continue;
		}
		out = verdict_of(r->target);
		if (out == OUT_FELL) {
			sub = fw_chain_find(e->rs, r->target);
			if (!sub || sub == c)
				continue;	/* a non-terminating target */
			k = walk(e, sub, depth + 1, probing, &out);
			if (k < 0)
				return k;
			if (r->go && (out == OUT_FELL || out == OUT_RETURN)) {
				*ret = OUT_RETURN;
				return 0;
			}
			if (out == OUT_FELL || out == OUT_RETURN)
				continue;
		} else if (!probing) {
			e->decider = r;
		}
		if (depth == 0 && !probing)
			e->v->index = i;
		*ret = out;
		return 0;
	}
	*ret = OUT_FELL;
	return 0;
}

static int cmp_base(const void *a, const void *b)
{
	const struct fw_chain *x = *(const struct fw_chain *const *)a;
	const struct fw_chain *y = *(const struct fw_chain *const *)b;

	return (x->priority > y->priority) - (x->priority < y->priority);
}

/* One base chain: 1 when it lets the connection through, 0 when not. */
static int eval_base(struct eval *e, const struct fw_chain *c)
{
	enum outcome out;
	int r;

	e->decider = NULL;
	e->v->rule = NULL;
	e->v->index = c->n_rules;
	r = walk(e, c, 0, false, &out);
	if (r < 0)
		return r;
	if (out == OUT_FELL || out == OUT_RETURN) {
		e->v->index = c->n_rules;
		out = c->policy ? verdict_of(c->policy) : OUT_ACCEPT;
		if (out != OUT_DROP && out != OUT_REJECT)
			out = OUT_ACCEPT;
		free(e->v->decided_by);
		e->v->decided_by = strprintf("%s: policy %s of chain %s",
					     c->policy_where ? c->policy_where :
					     "(default)",
					     c->policy ? c->policy : "ACCEPT",
					     c->name);
	} else {
		free(e->v->decided_by);
		e->v->decided_by = rule_desc(e->decider);
		e->v->rule = e->decider;
	}
	if (!e->v->decided_by)
		return -ENOMEM;
	e->v->chain = c;
	return out == OUT_ACCEPT;
}

int fw_evaluate(const struct fw_ruleset *rs, unsigned port,
		struct fw_verdict *ret)
{
	_cleanup_free_ const struct fw_chain **bases = NULL;
	struct fw_verdict v = { .reach = FW_OPEN };
	struct eval e = { .rs = rs, .port = port, .v = &v };
	size_t n = 0;
	int r = 1;

	/* An array of pointers: sizeof(*bases) is meant. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	bases = calloc(rs->n_chains + 1, sizeof(*bases));
	if (!bases)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].base)
			bases[n++] = &rs->chains[i];
	/* An array of pointers: sizeof(*bases) is meant. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	qsort(bases, n, sizeof(*bases), cmp_base);
	for (size_t i = 0; i < n && r == 1; i++)
		r = eval_base(&e, bases[i]);
	if (r < 0) {
		fw_verdict_done(&v);
		return r;
	}
	if (r == 0)
		v.reach = v.n_partial ? FW_RESTRICTED : FW_CLOSED;
	if (!v.decided_by && !(v.decided_by = strdup("no input chain"))) {
		fw_verdict_done(&v);
		return -ENOMEM;
	}
	*ret = v;
	return 0;
}

void fw_verdict_done(struct fw_verdict *v)
{
	free(v->decided_by);
	strv_free(v->partial);
	*v = (struct fw_verdict){ 0 };
}

const char *fw_reach_name(enum fw_reach reach)
{
	static const char *const names[] = {
		[FW_OPEN] = "open",
		[FW_RESTRICTED] = "restricted",
		[FW_CLOSED] = "closed",
	};

	return names[reach];
}
