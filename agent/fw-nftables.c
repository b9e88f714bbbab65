/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftables configuration (include/guestprep/fwrules.h): the subset that
 * distributions ship and administrators write for a host firewall.
 *
 *   table inet filter {
 *           chain input {
 *                   type filter hook input priority 0; policy drop;
 *                   ct state established,related accept
 *                   iif lo accept
 *                   ip saddr 10.0.0.0/8 tcp dport 22 accept
 *           }
 *   }
 *
 * The file is cut into tokens first (words, strings, braces, ';', ',',
 * newlines), then read as statements.  Tables of family ip and inet are
 * kept; chains are named "FAMILY TABLE CHAIN", since jumps stay in their
 * table.  A rule expression that is not modelled makes the rule match
 * "only" some connections, so it never decides for everyone.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <string.h>

#include "guestprep/fwrules.h"
#include "util.h"

#define NFT_MAX_FILE (1u << 20)
#define MAX_INCLUDE_DEPTH 16
#define MAX_TOKENS 65536
#define MAX_DEFINES 64
#define MAX_RULE_TOKENS 256

enum tok_kind {
	T_WORD,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_NL,
	T_COMMA,
	T_EOF,
};

struct tok {
	enum tok_kind kind;
	char *s;		/* words and strings */
	unsigned line;
	size_t off;
};

struct toks {
	struct tok *v;
	size_t n;
};

static void toks_done(struct toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	*t = (struct toks){ 0 };
}

static int tok_push(struct toks *t, enum tok_kind kind, const char *s,
		    size_t n, unsigned line, size_t off)
{
	struct tok *v;

	if (t->n >= MAX_TOKENS)
		return -E2BIG;
	v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	v[t->n] = (struct tok){ .kind = kind, .line = line, .off = off };
	if (s && !(v[t->n].s = strndup(s, n)))
		return -ENOMEM;
	t->n++;
	return 0;
}

static bool word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("{};,\"#", c);
}

static int lex(const char *text, size_t len, struct toks *t)
{
	const char *p = text, *end = text + len;
	unsigned line = 1;
	int r = 0;

	while (p < end && r >= 0) {
		size_t off = (size_t)(p - text);
		const char *q;

		if (*p == '\\' && p + 1 < end && p[1] == '\n') {
			p += 2;
			line++;
		} else if (*p == '\n') {
			r = tok_push(t, T_NL, NULL, 0, line++, off);
			p++;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
		} else if (strchr("{};,", *p)) {
			r = tok_push(t, *p == '{' ? T_LBRACE : *p == '}' ?
				     T_RBRACE : *p == ';' ? T_SEMI : T_COMMA,
				     NULL, 0, line, off);
			p++;
		} else if (*p == '"') {
			for (q = p + 1; q < end && *q != '"' && *q != '\n'; q++)
				;
			if (q >= end || *q != '"')
				return -EINVAL;
			r = tok_push(t, T_STRING, p + 1, (size_t)(q - p - 1),
				     line, off);
			p = q + 1;
		} else if (*p == '\0') {
			return -EINVAL;
		} else {
			for (q = p; q < end && word_char(*q); q++)
				;
			r = tok_push(t, T_WORD, p, (size_t)(q - p), line, off);
			p = q;
		}
	}
	if (r >= 0)
		r = tok_push(t, T_EOF, NULL, 0, line, len);
	return r;
}

/* --- the reader's state ---------------------------------------------- */

struct define {
	char *name;
	struct toks value;
};

struct nft {
	const struct gp_root *root;
	const struct fw_overlay *ov;
	struct fw_ruleset *rs;
	struct define defines[MAX_DEFINES];
	size_t n_defines;
	unsigned depth;
};

/* One file being read. */
struct cursor {
	struct nft *nft;
	const char *file;
	struct toks *t;
	size_t i;
};

static const struct tok *peek(const struct cursor *c)
{
	return &c->t->v[c->i];
}

static const struct tok *next(struct cursor *c)
{
	const struct tok *k = &c->t->v[c->i];

	if (k->kind != T_EOF)
		c->i++;
	return k;
}

static bool is_word(const struct tok *k, const char *w)
{
	return k->kind == T_WORD && strcmp(k->s, w) == 0;
}

static int problem(struct cursor *c, const struct tok *k, const char *what)
{
	return fw_problem(c->nft->rs, "%s:%u: %s", c->file, k->line, what);
}

/* Skip to the end of the statement, over balanced braces. */
static void skip_statement(struct cursor *c)
{
	unsigned depth = 0;

	for (;;) {
		const struct tok *k = peek(c);

		if (k->kind == T_EOF)
			return;
		if (depth == 0 && (k->kind == T_NL || k->kind == T_SEMI ||
				   k->kind == T_RBRACE))
			return;
		if (k->kind == T_LBRACE)
			depth++;
		else if (k->kind == T_RBRACE)
			depth--;
		next(c);
	}
}

static void skip_block(struct cursor *c)
{
	unsigned depth = 0;

	for (;;) {
		const struct tok *k = next(c);

		if (k->kind == T_EOF)
			return;
		if (k->kind == T_LBRACE)
			depth++;
		else if (k->kind == T_RBRACE && --depth == 0)
			return;
	}
}

/* --- rules ------------------------------------------------------------- */

/* A rule's tokens, with $defines expanded. */
struct rtoks {
	const struct tok *v[MAX_RULE_TOKENS];
	size_t n;
	size_t i;
};

static const char *rword(const struct rtoks *r, size_t i)
{
	return i < r->n && r->v[i]->s ? r->v[i]->s : "";
}

static const struct define *find_define(const struct nft *nft,
					const char *name)
{
	for (size_t i = 0; i < nft->n_defines; i++)
		if (strcmp(nft->defines[i].name, name) == 0)
			return &nft->defines[i];
	return NULL;
}

static int rtoks_add(struct nft *nft, struct rtoks *r, const struct tok *k,
		     unsigned depth)
{
	const struct define *d;

	if (k->kind == T_WORD && k->s[0] == '$' &&
	    (d = find_define(nft, k->s + 1)) && depth < 8) {
		for (size_t i = 0; i < d->value.n; i++) {
			int e = rtoks_add(nft, r, &d->value.v[i], depth + 1);

			if (e < 0)
				return e;
		}
		return 0;
	}
	if (r->n == MAX_RULE_TOKENS)
		return -E2BIG;
	r->v[r->n++] = k;
	return 0;
}

static bool is_op(const char *s)
{
	static const char *const ops[] = {
		"==", "!=", "eq", "ne", "<", ">", "<=", ">=", "lt", "gt",
		"le", "ge", "&", "|", "^", "and", "or", "xor",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i], s) == 0)
			return true;
	return false;
}

struct value {
	const char *v[FW_MAX_PORTS];
	size_t n;
	bool neg;
	bool other;		/* comparisons, masks, @sets: not modelled */
};

static void value_add(struct value *val, const char *s)
{
	if (val->n < ARRAY_SIZE(val->v))
		val->v[val->n++] = s;
	else
		val->other = true;
}

/* [op] WORD | [op] { a, b } [& mask == x] */
static void read_value(struct rtoks *r, struct value *val)
{
	*val = (struct value){ 0 };
	for (;;) {
		const char *w = rword(r, r->i);

		if (r->i >= r->n)
			return;
		if (is_op(w)) {
			if (!strcmp(w, "!=") || !strcmp(w, "ne"))
				val->neg = true;
			else if (strcmp(w, "==") && strcmp(w, "eq"))
				val->other = true;
			r->i++;
			continue;
		}
		if (r->v[r->i]->kind == T_LBRACE) {
			for (r->i++; r->i < r->n &&
				     r->v[r->i]->kind != T_RBRACE; r->i++)
				if (r->v[r->i]->kind == T_WORD)
					value_add(val, r->v[r->i]->s);
			r->i++;
		} else if (r->v[r->i]->kind == T_WORD ||
			   r->v[r->i]->kind == T_STRING) {
			if (w[0] == '@')
				val->other = true;
			value_add(val, w);
			r->i++;
		} else {
			return;
		}
		/* "a,b" without blanks lexes as a, ',', b. */
		while (r->i + 1 < r->n && r->v[r->i]->kind == T_COMMA &&
		       r->v[r->i + 1]->kind == T_WORD) {
			value_add(val, r->v[r->i + 1]->s);
			r->i += 2;
		}
		if (r->i < r->n && is_op(rword(r, r->i)))
			continue;
		return;
	}
}

static int only_value(struct fw_rule *rule, const char *what,
		      const struct value *val)
{
	_cleanup_free_ char *text = NULL;
	const char *v[FW_MAX_PORTS + 1] = { NULL };

	memcpy(v, val->v, val->n * sizeof(*v));
	text = strv_join((char *const *)v, ", ");
	if (!text)
		return -ENOMEM;
	return fw_rule_only(rule, "%s%s %s", what, val->neg ? " not" : "",
			    text);
}

static bool any_address(const struct value *val)
{
	for (size_t i = 0; i < val->n; i++)
		if (strcmp(val->v[i], "0.0.0.0/0") == 0)
			return true;
	return false;
}

static int match_addr(struct fw_rule *rule, const char *what,
		      const struct value *val)
{
	if (val->other)
		return only_value(rule, what, val);
	if (any_address(val)) {
		rule->never = rule->never || val->neg;
		return 0;
	}
	return val->neg ? 0 : only_value(rule, what, val);
}

static int match_iface(struct fw_rule *rule, const struct value *val)
{
	bool lo = false;

	for (size_t i = 0; i < val->n; i++)
		lo = lo || strcmp(val->v[i], "lo") == 0;
	if (val->other)
		return only_value(rule, "on interface", val);
	if (lo && val->n == 1 && !val->neg)
		rule->never = true;
	else if (!lo && !val->neg)
		return only_value(rule, "on interface", val);
	return 0;
}

static int proto_number(const char *s)
{
	if (!strcmp(s, "tcp") || !strcmp(s, "6"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp") || !strcmp(s, "17"))
		return IPPROTO_UDP;
	if (!strcmp(s, "icmp") || !strcmp(s, "1"))
		return IPPROTO_ICMP;
	return 255;
}

static int match_proto(struct fw_rule *rule, const struct value *val)
{
	bool tcp = false;

	if (val->other)
		return only_value(rule, "protocol", val);
	for (size_t i = 0; i < val->n; i++)
		tcp = tcp || proto_number(val->v[i]) == IPPROTO_TCP;
	if (tcp == val->neg)
		rule->never = true;
	return 0;
}

static int match_ports(struct fw_rule *rule, const struct value *val)
{
	if (val->other)
		return only_value(rule, "to port", val);
	if (rule->dport.n)	/* a second dport match: not modelled */
		return only_value(rule, "to port", val);
	rule->dport.neg = val->neg;
	for (size_t i = 0; i < val->n; i++) {
		uint16_t lo, hi;

		if (fw_parse_port(val->v[i], &lo, &hi) < 0 ||
		    fw_ports_add(&rule->dport, lo, hi) < 0)
			return only_value(rule, "to port", val);
	}
	return 0;
}

static int match_states(struct fw_rule *rule, const struct value *val)
{
	static const struct {
		const char *name;
		unsigned bit;
	} states[] = {
		{ "new", FW_CT_NEW },	      { "established", FW_CT_ESTABLISHED },
		{ "related", FW_CT_RELATED }, { "invalid", FW_CT_INVALID },
		{ "untracked", FW_CT_UNTRACKED },
	};

	if (val->other)
		return only_value(rule, "in conntrack state", val);
	rule->ct_neg = val->neg;
	for (size_t i = 0; i < val->n; i++)
		for (size_t j = 0; j < ARRAY_SIZE(states); j++)
			if (strcmp(val->v[i], states[j].name) == 0)
				rule->ct |= states[j].bit;
	if (!rule->ct)
		rule->ct = FW_CT_UNTRACKED;
	return 0;
}

static bool is_verdict(const char *w)
{
	static const char *const verdicts[] = {
		"accept", "drop", "reject", "return", "jump", "goto",
		"continue", "queue",
	};

	for (size_t i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (strcmp(verdicts[i], w) == 0)
			return true;
	return false;
}

/* Field of a protocol header: "ip saddr", "tcp dport", "ct state". */
static int header_match(struct fw_rule *rule, const char *proto,
			const char *field, struct value *val)
{
	if (!strcmp(proto, "ip6") || !strcmp(proto, "icmpv6")) {
		rule->never = true;
	} else if (!strcmp(proto, "ip")) {
		if (!strcmp(field, "saddr"))
			return match_addr(rule, "from", val);
		if (!strcmp(field, "daddr"))
			return match_addr(rule, "to", val);
		if (!strcmp(field, "protocol"))
			return match_proto(rule, val);
		if (strcmp(field, "version") != 0)
			return only_value(rule, "with ip field", val);
	} else if (!strcmp(proto, "tcp") || !strcmp(proto, "th")) {
		if (!strcmp(proto, "tcp") && !rule->proto)
			rule->proto = IPPROTO_TCP;
		if (!strcmp(field, "dport"))
			return match_ports(rule, val);
		if (!strcmp(field, "sport"))
			return val->neg ? 0 : only_value(rule, "from port", val);
		if (strcmp(field, "flags") != 0)
			return only_value(rule, "with tcp field", val);
	} else if (!strcmp(proto, "ct")) {
		if (!strcmp(field, "state"))
			return match_states(rule, val);
		return only_value(rule, "with ct", val);
	} else if (!strcmp(proto, "meta")) {
		if (!strcmp(field, "l4proto"))
			return match_proto(rule, val);
		if (!strcmp(field, "nfproto") || !strcmp(field, "protocol")) {
			bool v6 = val->n && (!strcmp(val->v[0], "ipv6") ||
					     !strcmp(val->v[0], "ip6"));

			rule->never = rule->never || v6 != val->neg;
			return 0;
		}
		if (!strcmp(field, "iif") || !strcmp(field, "iifname"))
			return match_iface(rule, val);
		if (!strcmp(field, "pkttype")) {
			if (val->n && strcmp(val->v[0], "host") != val->neg)
				rule->never = true;
			return 0;
		}
		return only_value(rule, "with meta", val);
	} else {
		/* udp, icmp, sctp...: another protocol than TCP */
		rule->never = true;
	}
	return 0;
}

static const char *const headers[] = {
	"ip", "ip6", "tcp", "th", "ct", "meta", "udp", "udplite", "sctp",
	"dccp", "icmp", "icmpv6", "igmp", "ah", "esp", "comp",
};

static bool is_header(const char *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		if (strcmp(headers[i], w) == 0)
			return true;
	return false;
}

/* Statements that do not filter: counter, log, limit, comment, ... */
static bool skip_statement_words(struct rtoks *r, struct fw_rule *rule)
{
	const char *w = rword(r, r->i);

	if (!strcmp(w, "counter") || !strcmp(w, "log") ||
	    !strcmp(w, "comment") || !strcmp(w, "notrack")) {
		/* Their options are words that are no other keyword. */
		for (r->i++; r->i < r->n; r->i++) {
			const char *x = rword(r, r->i);

			if (r->v[r->i]->kind == T_WORD &&
			    (is_header(x) || is_verdict(x) || !strcmp(x, "iif") ||
			     !strcmp(x, "iifname") || !strcmp(x, "limit") ||
			     !strcmp(x, "counter") || !strcmp(x, "log")))
				break;
		}
		return true;
	}
	if (!strcmp(w, "limit")) {
		for (r->i++; r->i < r->n && !is_verdict(rword(r, r->i)) &&
			     !is_header(rword(r, r->i)); r->i++)
			/* over a rate: the first connection is not */
			if (!strcmp(rword(r, r->i), "over"))
				rule->never = true;
		return true;
	}
	return false;
}

static int read_verdict(struct rtoks *r, struct fw_rule *rule,
			const char *prefix)
{
	const char *w = rword(r, r->i++);
	const char *t = NULL;

	if (!strcmp(w, "accept"))
		t = "ACCEPT";
	else if (!strcmp(w, "drop"))
		t = "DROP";
	else if (!strcmp(w, "reject"))
		t = "REJECT";
	else if (!strcmp(w, "return"))
		t = "RETURN";
	/* A second verdict in one rule: nft refuses it; the last is kept. */
	if (t || !strcmp(w, "jump") || !strcmp(w, "goto")) {
		free(rule->target);
		rule->target = NULL;
	}
	if (t) {
		rule->target = strdup(t);
		if (!strcmp(w, "reject"))
			r->i = r->n;	/* "with icmp type ..." */
	} else if (!strcmp(w, "jump") || !strcmp(w, "goto")) {
		rule->go = w[0] == 'g';
		rule->target = strprintf("%s %s", prefix, rword(r, r->i++));
	} else {
		return 0;	/* continue, queue */
	}
	return rule->target ? 0 : -ENOMEM;
}

/*
 * "ct state vmap { established : accept, new : jump x }": a new
 * connection takes the verdict of "new", or none (the rule is passed).
 * Maps on other fields are not modelled.
 */
static int read_vmap(struct rtoks *r, struct fw_rule *rule, const char *proto,
		     const char *field, const char *prefix)
{
	bool ct_state = !strcmp(proto, "ct") && !strcmp(field, "state");
	bool found = false;
	int k = 0;

	r->i++;	/* "vmap" */
	if (r->i >= r->n || r->v[r->i]->kind != T_LBRACE)
		return fw_rule_only(rule, "with a verdict map");
	for (r->i++; r->i < r->n && r->v[r->i]->kind != T_RBRACE; r->i++) {
		size_t at = r->i;

		if (!ct_state || strcmp(rword(r, at), "new") != 0 ||
		    strcmp(rword(r, at + 1), ":") != 0)
			continue;
		r->i = at + 2;
		k = read_verdict(r, rule, prefix);
		found = true;
		r->i--;
	}
	r->i++;
	if (k < 0)
		return k;
	if (!ct_state)
		return fw_rule_only(rule, "with a verdict map on %s %s", proto,
				    field);
	rule->never = rule->never || !found;
	return 0;
}

static int interpret(struct rtoks *r, struct fw_rule *rule,
		     const char *prefix)
{
	struct value val;
	int k = 0;

	for (r->i = 0; r->i < r->n && k >= 0;) {
		const char *w = rword(r, r->i);

		if (r->v[r->i]->kind != T_WORD) {
			r->i++;
		} else if (is_header(w)) {
			const char *field = rword(r, r->i + 1);

			r->i += 2;
			if (!strcmp(rword(r, r->i), "vmap")) {
				k = read_vmap(r, rule, w, field, prefix);
				continue;
			}
			read_value(r, &val);
			k = header_match(rule, w, field, &val);
		} else if (!strcmp(w, "iif") || !strcmp(w, "iifname")) {
			r->i++;
			read_value(r, &val);
			k = match_iface(rule, &val);
		} else if (!strcmp(w, "oif") || !strcmp(w, "oifname")) {
			r->i++;
			read_value(r, &val);
		} else if (skip_statement_words(r, rule)) {
			continue;
		} else if (is_verdict(w)) {
			k = read_verdict(r, rule, prefix);
		} else {
			k = fw_rule_only(rule, "with %s", w);
			r->i++;
		}
	}
	return k;
}

static int rule_text(const struct rtoks *r, char **ret)
{
	_cleanup_free_ char *s = strdup("");

	for (size_t i = 0; s && i < r->n; i++) {
		const struct tok *k = r->v[i];
		const char *w = k->kind == T_LBRACE ? "{" :
				k->kind == T_RBRACE ? "}" :
				k->kind == T_COMMA ? "," : k->s;
		const char *sep = *s && k->kind != T_COMMA ? " " : "";
		char *n = strprintf(k->kind == T_STRING ? "%s%s\"%s\"" :
				    "%s%s%s", s, sep, w);

		free(s);
		s = n;
	}
	if (!s)
		return -ENOMEM;
	*ret = TAKE_PTR(s);
	return 0;
}

/* Collect a rule's tokens up to the end of the line or ';'. */
static int collect_rule(struct cursor *c, struct rtoks *r)
{
	unsigned depth = 0;

	for (;;) {
		const struct tok *k = peek(c);
		int e;

		if (k->kind == T_EOF)
			return 0;
		if (depth == 0 && (k->kind == T_NL || k->kind == T_SEMI ||
				   k->kind == T_RBRACE))
			return 0;
		if (k->kind == T_LBRACE)
			depth++;
		else if (k->kind == T_RBRACE)
			depth--;
		if (k->kind != T_NL) {
			e = rtoks_add(c->nft, r, k, 0);
			if (e < 0)
				return e;
		}
		next(c);
	}
}

static int add_rule(struct cursor *c, struct fw_chain *chain,
		    const char *prefix, bool insert)
{
	struct rtoks r = { .n = 0 };
	const struct tok *first = peek(c);
	struct fw_rule *rule;
	int e = collect_rule(c, &r);

	if (e == -E2BIG)
		return problem(c, first, "rule too long, ignored");
	if (e < 0 || r.n == 0)
		return e;
	e = fw_rule_new(chain, c->file, first->line, first->off, &rule);
	if (e < 0)
		return e;
	if (insert && chain->n_rules > 1) {
		struct fw_rule tmp = *rule;

		memmove(chain->rules + 1, chain->rules,
			(chain->n_rules - 1) * sizeof(*rule));
		chain->rules[0] = tmp;
		rule = &chain->rules[0];
	}
	e = rule_text(&r, &rule->text);
	return e < 0 ? e : interpret(&r, rule, prefix);
}

/* --- chains and tables ------------------------------------------------ */

static int parse_priority(const char *s, int *ret)
{
	static const struct {
		const char *name;
		int prio;
	} names[] = {
		{ "raw", -300 },    { "mangle", -150 }, { "dstnat", -100 },
		{ "filter", 0 },    { "security", 50 }, { "srcnat", 100 },
	};
	char *end;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i].name, s) == 0) {
			*ret = names[i].prio;
			return 0;
		}
	v = strtol(s, &end, 10);
	if (end == s || *end || v < -100000 || v > 100000)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

/* "type filter hook input priority 0;" */
static int chain_type(struct cursor *c, struct fw_chain *chain)
{
	bool filter = false, input = false;
	int prio = 0;

	next(c);
	while (peek(c)->kind == T_WORD) {
		const struct tok *k = next(c);

		if (!strcmp(k->s, "filter"))
			filter = true;
		else if (!strcmp(k->s, "hook") && is_word(peek(c), "input"))
			input = true;
		else if (!strcmp(k->s, "priority") && peek(c)->kind == T_WORD) {
			int base = 0, delta = 0;

			k = next(c);
			if (parse_priority(k->s, &base) < 0)
				return problem(c, k, "unknown chain priority");
			if ((is_word(peek(c), "+") || is_word(peek(c), "-")) &&
			    c->t->v[c->i + 1].kind == T_WORD) {
				bool minus = is_word(peek(c), "-");

				next(c);
				if (parse_priority(next(c)->s, &delta) < 0)
					return problem(c, k, "unknown priority");
				base += minus ? -delta : delta;
			}
			prio = base;
		}
	}
	chain->base = filter && input;
	chain->priority = prio;
	return 0;
}

static int chain_policy(struct cursor *c, struct fw_chain *chain)
{
	const struct tok *k = next(c), *v = peek(c);

	if (v->kind != T_WORD)
		return problem(c, k, "policy without a verdict");
	next(c);
	free(chain->policy);
	free(chain->policy_where);
	chain->policy = strdup(!strcmp(v->s, "drop") ? "DROP" : "ACCEPT");
	chain->policy_where = strprintf("%s:%u", c->file, k->line);
	return chain->policy && chain->policy_where ? 0 : -ENOMEM;
}

static int chain_body(struct cursor *c, struct fw_chain *chain,
		      const char *prefix)
{
	int e = 0;

	next(c);	/* '{' */
	while (e >= 0) {
		const struct tok *k = peek(c);

		if (k->kind == T_EOF)
			return problem(c, k, "chain not closed");
		if (k->kind == T_RBRACE) {
			free(chain->file);
			chain->file = strdup(c->file);
			chain->end_off = k->off;
			next(c);
			return chain->file ? 0 : -ENOMEM;
		}
		if (k->kind == T_NL || k->kind == T_SEMI)
			next(c);
		else if (is_word(k, "type"))
			e = chain_type(c, chain);
		else if (is_word(k, "policy"))
			e = chain_policy(c, chain);
		else if (is_word(k, "comment") || is_word(k, "devices") ||
			 is_word(k, "device"))
			skip_statement(c);
		else
			e = add_rule(c, chain, prefix, false);
	}
	return e;
}

static bool family_kept(const char *family)
{
	return strcmp(family, "ip") == 0 || strcmp(family, "inet") == 0;
}

static bool is_family(const char *w)
{
	static const char *const families[] = {
		"ip", "ip6", "inet", "arp", "bridge", "netdev",
	};

	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (strcmp(families[i], w) == 0)
			return true;
	return false;
}

/* "[FAMILY] NAME": ip when the family is left out. */
static int read_family_name(struct cursor *c, const char **ret_family,
			    const char **ret_name)
{
	const struct tok *a = next(c), *b = peek(c);

	if (a->kind != T_WORD)
		return -EINVAL;
	if (is_family(a->s) && b->kind == T_WORD) {
		next(c);
		*ret_family = a->s;
		*ret_name = b->s;
	} else {
		*ret_family = "ip";
		*ret_name = a->s;
	}
	return 0;
}

static int get_chain(struct cursor *c, const char *prefix, const char *name,
		     struct fw_chain **ret)
{
	_cleanup_free_ char *full = strprintf("%s %s", prefix, name);

	if (!full)
		return -ENOMEM;
	return fw_chain_get(c->nft->rs, full, ret);
}

static int table_body(struct cursor *c, const char *prefix, bool kept)
{
	int e = 0;

	next(c);	/* '{' */
	while (e >= 0) {
		const struct tok *k = peek(c);
		struct fw_chain *chain;

		if (k->kind == T_EOF)
			return problem(c, k, "table not closed");
		if (k->kind == T_RBRACE) {
			next(c);
			return 0;
		}
		if (k->kind == T_NL || k->kind == T_SEMI) {
			next(c);
		} else if (is_word(k, "chain") && kept &&
			   c->t->v[c->i + 1].kind == T_WORD &&
			   c->t->v[c->i + 2].kind == T_LBRACE) {
			next(c);
			e = get_chain(c, prefix, next(c)->s, &chain);
			if (e >= 0)
				e = chain_body(c, chain, prefix);
		} else {
			/* sets, maps, other families' chains, flags */
			skip_statement(c);
			if (peek(c)->kind == T_LBRACE)
				skip_block(c);
		}
	}
	return e;
}

static int statement(struct cursor *c);

static int read_table(struct cursor *c)
{
	const char *family, *name;
	_cleanup_free_ char *prefix = NULL;
	const struct tok *k = next(c);

	if (read_family_name(c, &family, &name) < 0)
		return problem(c, k, "table without a name");
	prefix = strprintf("%s %s", family, name);
	if (!prefix)
		return -ENOMEM;
	if (peek(c)->kind != T_LBRACE)
		return 0;	/* "add table inet filter" */
	return table_body(c, prefix, family_kept(family));
}

/* "add chain inet filter input { ... }", "add rule inet filter input ..." */
static int add_command(struct cursor *c)
{
	const struct tok *cmd = next(c), *what = next(c);
	const char *family, *table;
	_cleanup_free_ char *prefix = NULL;
	struct fw_chain *chain;
	const struct tok *name;
	int e;

	if (is_word(what, "table")) {
		c->i--;
		return read_table(c);
	}
	if (!is_word(what, "chain") && !is_word(what, "rule")) {
		skip_statement(c);
		return 0;
	}
	if (read_family_name(c, &family, &table) < 0 ||
	    (name = next(c))->kind != T_WORD)
		return problem(c, cmd, "add without table and chain");
	if (!family_kept(family)) {
		skip_statement(c);
		return 0;
	}
	prefix = strprintf("%s %s", family, table);
	if (!prefix)
		return -ENOMEM;
	e = get_chain(c, prefix, name->s, &chain);
	if (e < 0)
		return e;
	if (is_word(what, "chain"))
		return peek(c)->kind == T_LBRACE ? chain_body(c, chain, prefix) :
						   0;
	return add_rule(c, chain, prefix, is_word(cmd, "insert"));
}

static int read_file(struct nft *nft, const char *path);

static int include_glob(struct cursor *c, const char *pattern)
{
	_cleanup_free_ char *dir = strdup(pattern);
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_(strv_freep) char **names = NULL;
	char *slash = dir ? strrchr(dir, '/') : NULL;
	struct dirent *de;
	int e;

	if (!dir)
		return -ENOMEM;
	if (!slash)
		/* cppcheck-suppress memleak ; _cleanup_free_ frees dir */
		return 0;
	*slash = '\0';
	if (gp_root_opendir(c->nft->root, *dir ? dir : "/", &d) < 0)
		/* cppcheck-suppress memleak ; _cleanup_free_ frees dir */
		return 0;	/* nft accepts a glob that matches nothing */
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    fnmatch(slash + 1, de->d_name, 0) == 0 &&
		    strv_pushf(&names, "%s/%s", dir, de->d_name) < 0)
			return -ENOMEM;
	strv_sort(names);
	for (size_t i = 0; names && names[i]; i++) {
		e = read_file(c->nft, names[i]);
		if (e < 0)
			return e;
	}
	return 0;
}

static int include(struct cursor *c)
{
	const struct tok *k = next(c), *arg = next(c);
	_cleanup_free_ char *path = NULL;
	int e;

	if (arg->kind != T_STRING)
		return problem(c, k, "include without a file name");
	/* Relative names are looked up beside the including file. */
	if (arg->s[0] == '/') {
		path = strdup(arg->s);
	} else {
		const char *slash = strrchr(c->file, '/');

		path = strprintf("%.*s/%s", (int)(slash - c->file), c->file,
				 arg->s);
	}
	if (!path)
		return -ENOMEM;
	if (strpbrk(path, "*?["))
		return include_glob(c, path);
	e = read_file(c->nft, path);
	if (e == -ENOMEM || e == -ELOOP)
		return e;
	if (e < 0)
		return fw_problem(c->nft->rs, "%s:%u: include \"%s\": %s",
				  c->file, k->line, path, strerror(-e));
	return 0;
}

static int define(struct cursor *c)
{
	const struct tok *k = next(c), *name = next(c);
	struct define *d;
	int e;

	if (name->kind != T_WORD || !is_word(peek(c), "=") ||
	    c->nft->n_defines == MAX_DEFINES) {
		skip_statement(c);
		return problem(c, k, "define not understood");
	}
	next(c);
	d = &c->nft->defines[c->nft->n_defines];
	*d = (struct define){ .name = strdup(name->s) };
	if (!d->name)
		return -ENOMEM;
	c->nft->n_defines++;
	while (peek(c)->kind != T_EOF && peek(c)->kind != T_NL &&
	       peek(c)->kind != T_SEMI) {
		const struct tok *v = next(c);

		e = tok_push(&d->value, v->kind, v->s, v->s ? strlen(v->s) : 0,
			     v->line, v->off);
		if (e < 0)
			return e;
	}
	return 0;
}

/* "flush ruleset" starts over: what came before is gone. */
static void flush_ruleset(struct fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->n_chains; i++) {
		struct fw_chain *ch = &rs->chains[i];

		for (size_t j = 0; j < ch->n_rules; j++) {
			free(ch->rules[j].file);
			free(ch->rules[j].text);
			free(ch->rules[j].only);
			free(ch->rules[j].target);
		}
		free(ch->rules);
		free(ch->name);
		free(ch->policy);
		free(ch->policy_where);
		free(ch->file);
	}
	free(rs->chains);
	rs->chains = NULL;
	rs->n_chains = 0;
}

static int statement(struct cursor *c)
{
	const struct tok *k = peek(c);

	if (k->kind == T_NL || k->kind == T_SEMI) {
		next(c);
		return 0;
	}
	if (is_word(k, "include"))
		return include(c);
	if (is_word(k, "define"))
		return define(c);
	if (is_word(k, "table"))
		return read_table(c);
	if (is_word(k, "add") || is_word(k, "create") || is_word(k, "insert"))
		return add_command(c);
	if (is_word(k, "flush") && is_word(&c->t->v[c->i + 1], "ruleset")) {
		flush_ruleset(c->nft->rs);
		skip_statement(c);
		return 0;
	}
	skip_statement(c);
	if (peek(c)->kind == T_LBRACE)
		skip_block(c);
	if (peek(c)->kind == T_RBRACE)
		next(c);
	return problem(c, k, "statement not understood, ignored");
}

static int read_file(struct nft *nft, const char *path)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_(toks_done) struct toks t = { 0 };
	struct cursor c = { .nft = nft, .file = path, .t = &t };
	size_t len;
	int e;

	if (nft->depth >= MAX_INCLUDE_DEPTH)
		return -ELOOP;
	e = fw_read_file(nft->root, nft->ov, path, NFT_MAX_FILE, &text, &len);
	if (e < 0)
		return e;
	e = fw_ruleset_add_file(nft->rs, path);
	if (e < 0)
		return e;
	e = lex(text, len, &t);
	if (e == -ENOMEM)
		return e;
	if (e < 0)
		return fw_problem(nft->rs, "%s: not an nftables file "
				  "(unterminated string or binary data)", path);
	nft->depth++;
	while (e >= 0 && peek(&c)->kind != T_EOF)
		e = statement(&c);
	nft->depth--;
	return e;
}

int fw_read_nftables(const struct gp_root *root,
		     const struct fw_overlay *ov, const char *path,
		     struct fw_ruleset *rs)
{
	struct nft nft = { .root = root, .ov = ov, .rs = rs };
	int e = read_file(&nft, path);

	for (size_t i = 0; i < nft.n_defines; i++) {
		free(nft.defines[i].name);
		toks_done(&nft.defines[i].value);
	}
	if (e == -ELOOP)
		return fw_problem(rs, "%s: includes nest too deep", path);
	return e;
}
