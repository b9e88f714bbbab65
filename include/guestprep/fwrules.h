/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firewall rules: one model for every firewall's saved configuration,
 * and one evaluator that answers "would a new TCP connection to this
 * port, from an arbitrary address on the Internet, get in?" the way
 * netfilter would.
 *
 * The readers (iptables-save files, nftables.conf, firewalld zones) turn
 * a configuration into chains of rules.  They decide what each match
 * means for such a connection, so the evaluator needs no knowledge of
 * any syntax:
 *   - "never": the rule cannot match it (-i lo, ip6 only, udp, icmp,
 *     ct state established, ! --syn);
 *   - "only": it matches some such connections and not others (a source
 *     subnet, one interface, a match guestprep does not model); such a
 *     rule does not decide for the arbitrary connection, but one that
 *     would let some of them in is remembered, so that "reachable only
 *     from 10.0.0.0/8" can be told apart from "closed".
 *
 * Only IPv4 is modelled: the cloud does not support IPv6 in the image.
 *
 * A ruleset owns every string in it; fw_ruleset_done() frees them.
 * Functions return 0 or a negative errno (-ENOMEM only, unless said).
 */
#ifndef GUESTPREP_FWRULES_H
#define GUESTPREP_FWRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guestprep/root.h"

/* Connection-tracking states a rule may require (bits). */
#define FW_CT_NEW (1u << 0)
#define FW_CT_ESTABLISHED (1u << 1)
#define FW_CT_RELATED (1u << 2)
#define FW_CT_INVALID (1u << 3)
#define FW_CT_UNTRACKED (1u << 4)

#define FW_MAX_PORTS 32

struct fw_ports {
	uint16_t lo[FW_MAX_PORTS], hi[FW_MAX_PORTS];
	unsigned n;		/* 0: any port */
	bool neg;
};

struct fw_rule {
	char *file;		/* where it was read */
	unsigned line;
	size_t off;		/* byte offset of the rule in @file */
	char *text;		/* as written, for evidence */
	int proto;		/* IPPROTO_*; 0: any */
	bool proto_neg;
	struct fw_ports dport;
	unsigned ct;		/* FW_CT_*; 0: any state */
	bool ct_neg;
	bool never;		/* cannot match a new connection from outside */
	char *only;		/* "from 10.0.0.0/8": matches some of them */
	/*
	 * "ACCEPT", "DROP", "REJECT", "RETURN", a chain's name, or NULL (no
	 * verdict: LOG, counters).  A name that is neither a verdict nor a
	 * chain is a non-terminating target (MARK, NFLOG): the packet goes on.
	 */
	char *target;
	bool go;		/* goto rather than jump */
};

struct fw_chain {
	char *name;
	bool base;		/* hooked on input: where packets start */
	int priority;		/* order of base chains (nftables) */
	char *policy;		/* base chains: "ACCEPT", "DROP", "REJECT" */
	char *policy_where;	/* "FILE:LINE" of the policy */
	struct fw_rule *rules;
	size_t n_rules;
	/* Where a rule appended to the chain would go, for fixers. */
	char *file;
	size_t end_off;
};

struct fw_ruleset {
	struct fw_chain *chains;
	size_t n_chains;
	/* "FILE:LINE: what" for lines that were not understood. */
	char **problems;
	size_t n_problems;
	/* The files read, in order (NULL-terminated, may be NULL). */
	char **files;
};

void fw_ruleset_done(struct fw_ruleset *rs);
struct fw_chain *fw_chain_find(const struct fw_ruleset *rs, const char *name);
/* The chain @name, created empty when it does not exist. */
int fw_chain_get(struct fw_ruleset *rs, const char *name,
		 struct fw_chain **ret);
/* Append an empty rule to @chain (zeroed but for file, line, off). */
int fw_rule_new(struct fw_chain *chain, const char *file, unsigned line,
		size_t off, struct fw_rule **ret);
/* Add a condition to rule->only ("from X", joined with ", "). */
int fw_rule_only(struct fw_rule *rule, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fw_problem(struct fw_ruleset *rs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int fw_ruleset_add_file(struct fw_ruleset *rs, const char *path);

/* Parse "22", "1000:2000", "1000-2000" or a few service names. */
int fw_parse_port(const char *s, uint16_t *ret_lo, uint16_t *ret_hi);
int fw_ports_add(struct fw_ports *p, uint16_t lo, uint16_t hi);

enum fw_reach {
	FW_OPEN,		/* the arbitrary connection gets in */
	FW_RESTRICTED,		/* only some sources or interfaces get in */
	FW_CLOSED,		/* nobody from outside gets in */
};

struct fw_verdict {
	enum fw_reach reach;
	/* What decided: "FILE:LINE: RULE" or "FILE:LINE: policy DROP". */
	char *decided_by;
	/* The base chain that decided and the index of its rule under
	 * which the decision fell (n_rules: its policy), for fixers. */
	const struct fw_chain *chain;
	size_t index;
	const struct fw_rule *rule;	/* the deciding rule; NULL: policy */
	/* Rules that let some connections in: "FILE:LINE: RULE (only ...)". */
	char **partial;
	size_t n_partial;
};

/*
 * Evaluate a new TCP connection to @port through the base chains of
 * @rs, lowest priority first (each must accept it).  A ruleset without
 * base chains accepts everything.  -ELOOP when jumps nest too deep.
 */
int fw_evaluate(const struct fw_ruleset *rs, unsigned port,
		struct fw_verdict *ret);
void fw_verdict_done(struct fw_verdict *v);
const char *fw_reach_name(enum fw_reach reach);

/* --- readers: each adds what it reads to @rs ------------------------ */

/*
 * A file's planned content, read in place of the file: a fixer checks
 * that its edit would open the port before it plans it.
 */
struct fw_overlay {
	const char *path;
	const char *text;
	size_t len;
};

/* gp_root_read_file(), or the overlay's copy when @ov names @path. */
int fw_read_file(const struct gp_root *root, const struct fw_overlay *ov,
		 const char *path, size_t max, char **ret_text,
		 size_t *ret_len);

/*
 * iptables-save format (/etc/sysconfig/iptables, /etc/iptables/rules.v4,
 * ufw's *.rules): the "filter" table only.  Chains of the same name in
 * several files are merged.  INPUT is the base chain.
 */
int fw_read_iptables(struct fw_ruleset *rs, const char *file,
		     const char *text, size_t len);

/*
 * nftables' configuration (a useful subset): tables of family ip or
 * inet, chains of type filter hooked on input, rules with ip saddr,
 * iif(name), meta l4proto, tcp/th dport, ct state, counter, log, limit,
 * comment and the verdicts; "include" (globs too) and "define".  Files
 * are read from @root.
 */
int fw_read_nftables(const struct gp_root *root,
		     const struct fw_overlay *ov, const char *path,
		     struct fw_ruleset *rs);

/*
 * ferm (/etc/ferm/ferm.conf), a simple subset: domain, table, chain and
 * policy; statements of proto, dport, saddr, daddr, interface, mod state
 * state / ctstate, syn, ending in a target or a block; "(a b)" lists and
 * @def variables.  Other @ functions are recorded as problems.
 */
int fw_read_ferm(const struct gp_root *root, const char *path,
		 struct fw_ruleset *rs);

/*
 * firewalld: the zone @zone, /etc/firewalld over /usr/lib/firewalld,
 * with its services resolved the same way.  Rich rules that drop or
 * reject come first, then those that accept, services and ports; the
 * zone's target is the policy.  Adds one base chain, "zone NAME".
 * -ENOENT when there is no such zone; a file that is not a zone is
 * recorded as a problem and adds nothing.
 */
struct fw_zone {
	char *path;		/* the zone file read */
	char *text;		/* its content, for a fixer */
	size_t len;
	size_t close_off;	/* offset of "</zone>"; 0: none seen */
	bool etc;		/* in /etc/firewalld/zones */
	char **interfaces;	/* bound with <interface name=""/> */
	char **sources;		/* bound with <source address=""/> */
};

int fw_read_firewalld_zone(const struct gp_root *root,
			   const struct fw_overlay *ov, const char *zone,
			   struct fw_ruleset *rs, struct fw_zone *ret);
void fw_zone_done(struct fw_zone *z);

#endif
