/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-save files (include/guestprep/fwrules.h): the format of
 * /etc/sysconfig/iptables, /etc/iptables/rules.v4 and ufw's *.rules.
 *
 *   *filter
 *   :INPUT DROP [0:0]
 *   -A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT
 *   COMMIT
 *
 * Each -A line is read option by option, and each match is judged for a
 * new TCP connection from an arbitrary Internet address to this host:
 * the reader, not the evaluator, knows what "-i lo" or "--syn" means.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "guestprep/fwrules.h"
#include "util.h"

#define MAX_WORDS 128

struct words {
	char *v[MAX_WORDS];
	size_t n;
};

static void words_done(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	w->n = 0;
}

/* Split a line as iptables-restore does: blanks, '...' and "..." quotes. */
static int split_words(const char *s, struct words *w)
{
	while (*s) {
		char buf[512];
		size_t n = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ' && *s != '\t') {
			char q = *s;

			if (q == '"' || q == '\'') {
				const char *end = strchr(s + 1, q);

				if (!end)
					return -EINVAL;
				for (s++; s < end && n < sizeof(buf) - 1; s++)
					buf[n++] = *s;
				s = end + 1;
				continue;
			}
			if (n < sizeof(buf) - 1)
				buf[n++] = *s;
			s++;
		}
		buf[n] = '\0';
		if (w->n == MAX_WORDS)
			return -E2BIG;
		w->v[w->n] = strdup(buf);
		if (!w->v[w->n])
			return -ENOMEM;
		w->n++;
	}
	return 0;
}

static int parse_proto(const char *s)
{
	static const struct {
		const char *name;
		int proto;
	} protos[] = {
		{ "tcp", IPPROTO_TCP },	 { "6", IPPROTO_TCP },
		{ "udp", IPPROTO_UDP },	 { "17", IPPROTO_UDP },
		{ "icmp", IPPROTO_ICMP }, { "1", IPPROTO_ICMP },
		{ "all", 0 },		 { "0", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (strcasecmp(protos[i].name, s) == 0)
			return protos[i].proto;
	return 255;	/* some other protocol: never TCP */
}

static unsigned parse_states(const char *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} states[] = {
		{ "NEW", FW_CT_NEW },	      { "ESTABLISHED", FW_CT_ESTABLISHED },
		{ "RELATED", FW_CT_RELATED }, { "INVALID", FW_CT_INVALID },
		{ "UNTRACKED", FW_CT_UNTRACKED },
	};
	unsigned bits = 0;

	while (*s) {
		size_t n = strcspn(s, ",");

		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			if (n == strlen(states[i].name) &&
			    strncasecmp(s, states[i].name, n) == 0)
				bits |= states[i].bit;
		s += n;
		if (*s)
			s++;
	}
	/* An unknown state (SNAT, DNAT) alone: a new connection is none. */
	return bits ? bits : FW_CT_UNTRACKED;
}

/* A SYN has only SYN set: "--tcp-flags MASK COMP" matches it or not. */
static bool syn_matches(const char *mask, const char *comp)
{
	bool mask_syn = strstr(mask, "SYN") || strcasecmp(mask, "ALL") == 0;
	bool comp_syn = strstr(comp, "SYN") || strcasecmp(comp, "ALL") == 0;
	bool comp_other = strcasecmp(comp, "ALL") == 0 || strstr(comp, "ACK") ||
			  strstr(comp, "FIN") || strstr(comp, "RST") ||
			  strstr(comp, "PSH") || strstr(comp, "URG");

	if (!mask_syn)
		return !comp_other || strcasecmp(comp, "NONE") == 0;
	return comp_syn && !comp_other;
}

static int add_ports(struct fw_rule *r, const char *list, bool neg)
{
	char buf[256];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	r->dport.neg = neg;
	for (char *p = strtok_r(buf, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		uint16_t lo, hi;

		if (fw_parse_port(p, &lo, &hi) < 0 ||
		    fw_ports_add(&r->dport, lo, hi) < 0)
			return -EINVAL;
	}
	return 0;
}

static bool any_address(const char *a)
{
	return strcmp(a, "0.0.0.0/0") == 0 || strcmp(a, "0/0") == 0 ||
	       strcmp(a, "0.0.0.0/0.0.0.0") == 0;
}

/* -i: loopback never carries it; another interface is "only". */
static int match_iface(struct fw_rule *r, const char *name, bool neg)
{
	bool lo = strcmp(name, "lo") == 0;

	if (strcmp(name, "+") == 0)
		return 0;
	if (lo && !neg)
		r->never = true;
	else if (!lo && !neg)
		return fw_rule_only(r, "on interface %s", name);
	return 0;
}

struct opt {
	const char *name;
	const char *arg;	/* the option's first argument, or NULL */
	bool neg;
	size_t n_args;		/* how many words it took after its name */
};

static int match_addrtype(struct fw_rule *r, const struct opt *o,
			  bool src)
{
	bool local = strcasecmp(o->arg, "LOCAL") == 0;
	bool unicast = strcasecmp(o->arg, "UNICAST") == 0;

	/* From outside: the source is not local; the destination is. */
	if (src ? (local != o->neg) : ((local || unicast) == o->neg))
		r->never = true;
	return 0;
}

/* "-m recent --rcheck/--update": true only after earlier packets. */
static int apply_option(struct fw_rule *r, const struct opt *o,
			const char *module)
{
	const char *n = o->name, *a = o->arg;

	if (!strcmp(n, "-p") || !strcmp(n, "--protocol")) {
		r->proto = parse_proto(a);
		r->proto_neg = o->neg;
	} else if (!strcmp(n, "-s") || !strcmp(n, "--source") ||
		   !strcmp(n, "--src")) {
		if (any_address(a))
			r->never = r->never || o->neg;
		else if (!o->neg)
			return fw_rule_only(r, "from %s", a);
	} else if (!strcmp(n, "-d") || !strcmp(n, "--destination") ||
		   !strcmp(n, "--dst")) {
		/* The imported instance gets a new address. */
		if (any_address(a))
			r->never = r->never || o->neg;
		else if (!o->neg)
			return fw_rule_only(r, "to %s", a);
	} else if (!strcmp(n, "-i") || !strcmp(n, "--in-interface")) {
		return match_iface(r, a, o->neg);
	} else if (!strcmp(n, "-f") || !strcmp(n, "--fragment")) {
		r->never = r->never || !o->neg;
	} else if (!strcmp(n, "--dport") || !strcmp(n, "--destination-port") ||
		   !strcmp(n, "--dports") || !strcmp(n, "--destination-ports") ||
		   (!strcmp(n, "--ports") && !strcmp(module, "multiport"))) {
		return add_ports(r, a, o->neg);
	} else if (!strcmp(n, "--sport") || !strcmp(n, "--source-port") ||
		   !strcmp(n, "--sports") || !strcmp(n, "--source-ports")) {
		if (!o->neg)
			return fw_rule_only(r, "from port %s", a);
	} else if (!strcmp(n, "--state") || !strcmp(n, "--ctstate")) {
		r->ct = parse_states(a);
		r->ct_neg = o->neg;
	} else if (!strcmp(n, "--syn")) {
		r->never = r->never || o->neg;
	} else if (!strcmp(n, "--tcp-flags")) {
		if (o->n_args >= 2 && syn_matches(a, (o + 1)->name) == o->neg)
			r->never = true;
	} else if (!strcmp(n, "--dst-type") || !strcmp(n, "--src-type")) {
		return match_addrtype(r, o, n[2] == 's');
	} else if (!strcmp(n, "--rcheck") || !strcmp(n, "--update")) {
		return fw_rule_only(r, "when -m recent has seen the source");
	} else if (!strcmp(n, "--src-range") || !strcmp(n, "--match-set") ||
		   !strcmp(n, "--mac-source") || !strcmp(n, "--dst-range")) {
		if (!o->neg)
			return fw_rule_only(r, "%s %s", n, a ? a : "");
	}
	return 0;
}

/* Options that only describe logging, limits, comments, targets. */
static bool harmless(const char *n)
{
	static const char *const names[] = {
		"--comment", "--limit", "--limit-burst", "--log-prefix",
		"--log-level", "--log-tcp-options", "--log-ip-options",
		"--log-uid", "--log-tcp-sequence", "--reject-with", "--set",
		"--name", "--seconds", "--hitcount", "--rsource", "--remove",
		"--icmp-type", "--mask", "--rttl", "--reap", "--hashlimit",
		"--hashlimit-upto", "--hashlimit-burst", "--hashlimit-mode",
		"--hashlimit-name", "--hashlimit-htable-expire", "--nflog-group",
		"--nflog-prefix", "--set-mark", "--set-xmark", "--tcp-option",
		"--nflog-threshold", "--ulog-prefix", "--limit-iface-in",
		"--limit-iface-out", "--ttl", "-o", "--out-interface",
		"--set-class", "--to-ports", "--to-destination", "--save-mark",
		"--restore-mark", "--uid-owner",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], n) == 0)
			return true;
	return false;
}

static bool known(const char *n)
{
	static const char *const names[] = {
		"-p", "--protocol", "-s", "--source", "--src", "-d",
		"--destination", "--dst", "-i", "--in-interface", "-f",
		"--fragment", "--dport", "--destination-port", "--dports",
		"--destination-ports", "--ports", "--sport", "--source-port",
		"--sports", "--source-ports", "--state", "--ctstate", "--syn",
		"--tcp-flags", "--dst-type", "--src-type", "--rcheck",
		"--update", "--src-range", "--dst-range", "--match-set",
		"--mac-source",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], n) == 0)
			return true;
	return harmless(n);
}

/* Modules whose options are all read above or harmless. */
static bool known_module(const char *m)
{
	static const char *const names[] = {
		"tcp", "udp", "icmp", "state", "conntrack", "multiport",
		"comment", "limit", "recent", "addrtype", "iprange", "set",
		"mac", "hashlimit", "mark", "icmp6",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], m) == 0)
			return true;
	return false;
}

/* The words after "-A CHAIN", option by option. */
static int parse_rule(struct fw_rule *r, struct words *w, size_t start)
{
	const char *module = "";
	bool neg = false;
	size_t i = start;

	while (i < w->n) {
		struct opt o[2] = { { 0 } };
		const char *n = w->v[i++];
		size_t first;
		int k;

		if (strcmp(n, "!") == 0) {
			neg = true;
			continue;
		}
		if (n[0] != '-')
			return -EINVAL;
		if (!strcmp(n, "-j") || !strcmp(n, "--jump") ||
		    !strcmp(n, "-g") || !strcmp(n, "--goto")) {
			if (i >= w->n)
				return -EINVAL;
			free(r->target);
			r->target = strdup(w->v[i++]);
			if (!r->target)
				return -ENOMEM;
			r->go = n[1] == 'g' || !strcmp(n, "--goto");
			continue;
		}
		if (!strcmp(n, "-m") || !strcmp(n, "--match")) {
			if (i >= w->n)
				return -EINVAL;
			module = w->v[i++];
			if (!known_module(module) &&
			    (k = fw_rule_only(r, "with -m %s", module)) < 0)
				return k;
			continue;
		}
		/* Old syntax: "-p ! tcp". */
		if (i < w->n && strcmp(w->v[i], "!") == 0) {
			neg = true;
			i++;
		}
		first = i;
		while (i < w->n && w->v[i][0] != '-' && strcmp(w->v[i], "!"))
			i++;
		o[0] = (struct opt){ .name = n, .neg = neg,
				     .arg = first < i ? w->v[first] : NULL,
				     .n_args = i - first };
		if (i - first >= 2)
			o[1].name = w->v[first + 1];
		neg = false;
		if (!known(n)) {
			k = fw_rule_only(r, "with %s", n);
			if (k < 0)
				return k;
			continue;
		}
		if (!o[0].arg && strcmp(n, "--syn") && strcmp(n, "-f") &&
		    strcmp(n, "--fragment") && !harmless(n) &&
		    strcmp(n, "--rcheck") && strcmp(n, "--update"))
			return -EINVAL;
		k = apply_option(r, o, module);
		if (k < 0)
			return k;
	}
	return 0;
}

struct reader {
	struct fw_ruleset *rs;
	const char *file;
	bool filter;		/* inside *filter .. COMMIT */
	unsigned line;
	size_t off;		/* of the line */
	size_t next_off;	/* of the line after it */
};

static int bad(struct reader *rd, const char *what)
{
	return fw_problem(rd->rs, "%s:%u: %s", rd->file, rd->line, what);
}

static int read_chain_decl(struct reader *rd, const struct words *w)
{
	struct fw_chain *c;
	int r = fw_chain_get(rd->rs, w->v[0] + 1, &c);

	if (r < 0)
		return r;
	if (!c->file) {
		c->file = strdup(rd->file);
		if (!c->file)
			return -ENOMEM;
		c->end_off = rd->next_off;
	}
	if (w->n >= 2 && strcmp(w->v[1], "-") != 0) {
		free(c->policy);
		free(c->policy_where);
		c->policy = strdup(w->v[1]);
		c->policy_where = strprintf("%s:%u", rd->file, rd->line);
		if (!c->policy || !c->policy_where)
			return -ENOMEM;
	}
	c->base = c->base || strcmp(c->name, "INPUT") == 0;
	return 0;
}

/* "-I CHAIN [N]" puts the rule first (or at N), as iptables-restore does. */
static void move_rule(struct fw_chain *c, size_t to)
{
	struct fw_rule tmp = c->rules[c->n_rules - 1];

	if (to >= c->n_rules - 1)
		return;
	memmove(c->rules + to + 1, c->rules + to,
		(c->n_rules - 1 - to) * sizeof(tmp));
	c->rules[to] = tmp;
}

static int read_append(struct reader *rd, struct words *w, const char *text,
		       bool insert)
{
	unsigned long long pos = 1;
	size_t start = 2;
	struct fw_chain *c;
	struct fw_rule *rule;
	int r;

	if (w->n < 2)
		return bad(rd, "-A without a chain");
	r = fw_chain_get(rd->rs, w->v[1], &c);
	if (r < 0)
		return r;
	c->base = c->base || strcmp(c->name, "INPUT") == 0;
	r = fw_rule_new(c, rd->file, rd->line, rd->off, &rule);
	if (r < 0)
		return r;
	rule->text = strdup(text);
	if (!rule->text)
		return -ENOMEM;
	if (insert && w->n > 2 && parse_u64(w->v[2], &pos) == 0)
		start = 3;
	r = parse_rule(rule, w, start);
	if (r == -ENOMEM)
		return r;
	if (r < 0)	/* Unreadable: it must not decide for anyone. */
		rule->never = true;
	if (insert)
		move_rule(c, pos > 0 ? (size_t)pos - 1 : 0);
	if (r < 0)
		return bad(rd, "rule not understood, ignored");
	if (insert)
		return 0;
	free(c->file);
	c->file = strdup(rd->file);
	c->end_off = rd->next_off;
	return c->file ? 0 : -ENOMEM;
}

/*
 * A rule for a chain that has none goes before COMMIT: iptables-restore
 * wants every chain declared before the first rule.
 */
static void commit_empty_chains(struct reader *rd)
{
	for (size_t i = 0; i < rd->rs->n_chains; i++) {
		struct fw_chain *c = &rd->rs->chains[i];

		if (c->n_rules == 0 && c->file && strcmp(c->file, rd->file) == 0)
			c->end_off = rd->off;
	}
}

static int read_line(struct reader *rd, char *s)
{
	_cleanup_(words_done) struct words w = { .n = 0 };
	int r;

	s = strstrip(s);
	if (!*s || *s == '#')
		return 0;
	if (*s == '*') {
		rd->filter = strcmp(s, "*filter") == 0;
		return 0;
	}
	if (strcmp(s, "COMMIT") == 0) {
		if (rd->filter)
			commit_empty_chains(rd);
		rd->filter = false;
		return 0;
	}
	if (!rd->filter)
		return 0;
	r = split_words(s, &w);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bad(rd, "unbalanced quotes or too many words");
	if (s[0] == ':')
		return read_chain_decl(rd, &w);
	/* s is stripped and not empty: one word at least. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	if (strcmp(w.v[0], "-A") == 0 || strcmp(w.v[0], "--append") == 0)
		return read_append(rd, &w, s, false);
	if (strcmp(w.v[0], "-I") == 0 || strcmp(w.v[0], "--insert") == 0)
		return read_append(rd, &w, s, true);
	return bad(rd, "not an iptables-save line");
}

int fw_read_iptables(struct fw_ruleset *rs, const char *file,
		     const char *text, size_t len)
{
	struct reader rd = { .rs = rs, .file = file };
	const char *p = text, *end = text + len;
	int r = fw_ruleset_add_file(rs, file);

	while (r >= 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *line;

		rd.line++;
		rd.off = (size_t)(p - text);
		rd.next_off = nl ? (size_t)(nl + 1 - text) : len;
		if (memchr(p, '\0', n)) {
			r = bad(&rd, "binary data");
		} else {
			line = strndup(p, n);
			r = line ? read_line(&rd, line) : -ENOMEM;
			free(line);
		}
		p = nl ? nl + 1 : end;
	}
	return r < 0 ? r : 0;
}
