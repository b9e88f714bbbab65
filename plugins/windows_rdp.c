/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows_rdp: the instance is reached over Remote Desktop, on tcp/3389
 * ("Disable the firewall and allow access to RDP port 3389").
 *
 *   windows_rdp.enabled   Terminal Server fDenyTSConnections is 0, and no Group
 *                         Policy sets it to 1 (the policy wins over the local
 *                         value).  The fixer sets the local value to 0; a
 *                         policy is the administrator's to change.
 *   windows_rdp.port      WinStations\RDP-Tcp PortNumber is the profile's port
 *                         (windows.rdp_port, 3389); the fixer sets it.
 *   windows_rdp.firewall  every firewall profile that is on lets tcp/3389 in:
 *                         an active inbound allow rule that covers the port, no
 *                         block rule, not "block all incoming connections".
 *                         The fixer activates the existing Remote Desktop rules
 *                         of each closed profile (Active=FALSE -> TRUE; on
 *                         2003, the opened port "Disabled" -> "Enabled"), when
 *                         that opens every one of them.
 *
 * The firewall of Vista / 2008 and later keeps its rules as strings in
 * SYSTEM\...\SharedAccess\Parameters\FirewallPolicy\FirewallRules:
 *   v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|
 *   LPort=3389|App=...|Name=@FirewallAPI.dll,-28775|EmbedCtxt=...|
 * one "Field=value" per '|'; Profile, LPort and the address fields may
 * repeat, an absent Profile means every profile, an absent LPort every
 * port.  Group Policy adds rules and may override each profile's state
 * under SOFTWARE\Policies\Microsoft\WindowsFirewall.  Windows Server
 * 2003's firewall (SP1) has no rules but opened ports, one value per
 * port in each profile's GloballyOpenPorts\List: "3389:TCP:*:Enabled:
 * Remote Desktop".  A block rule beats an allow rule; without either,
 * the profile's DefaultInboundAction decides (block unless set to 0).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guestprep/plugin.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"

#define TS_KEY "SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
#define TS_POLICY "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"
#define RDP_TCP TS_KEY "\\WinStations\\RDP-Tcp"
#define FW_POLICY \
	"SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\" \
	"FirewallPolicy"
#define FW_RULES FW_POLICY "\\FirewallRules"
#define FW_GPO "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall"
#define FW_GPO_RULES FW_GPO "\\FirewallRules"
#define DENY "fDenyTSConnections"
#define RDP_DEFAULT_PORT 3389

/* The "Remote Desktop" rule group of the Windows firewall. */
#define RDP_GROUP "@FirewallAPI.dll,-28752"
#define RDP_RULE_PREFIX "RemoteDesktop-"

/* --- registry helpers ------------------------------------------------ */

static bool soft_error(int r)
{
	return r == -ENOENT || r == -EMEDIUMTYPE;
}

/* 1 when the DWORD was read, 0 when absent or of another type. */
static int get_dword(struct gp_winreg *reg, const char *key, const char *value,
		     uint32_t *ret)
{
	int r = gp_winreg_get_dword(reg, key, value, ret);

	if (soft_error(r))
		return 0;
	return r < 0 ? r : 1;
}

static void evidence_dword(struct gp_finding *f, struct gp_winreg *reg,
			   const char *key, const char *value, int have,
			   uint32_t v)
{
	_cleanup_free_ char *real = NULL;
	const char *name = gp_winreg_resolve(reg, key, &real) == 0 ? real : key;

	if (have > 0)
		gp_evidence(f, "%s: %s = %u (%s)", name, value, v,
			    gp_winreg_source(reg, key));
	else
		gp_evidence(f, "%s: %s is not set (%s)", name, value,
			    gp_winreg_source(reg, key));
}

/* --- windows_rdp.enabled ------------------------------------------- */

struct rdp_state {
	int local, policy;	/* 1 read, 0 not set */
	uint32_t local_deny, policy_deny;
	bool ts_key;		/* the Terminal Server key exists */
};

static int read_rdp_state(struct gp_winreg *reg, struct rdp_state *s)
{
	s->ts_key = gp_winreg_key_exists(reg, TS_KEY);
	s->local = get_dword(reg, TS_KEY, DENY, &s->local_deny);
	if (s->local < 0)
		return s->local;
	s->policy = get_dword(reg, TS_POLICY, DENY, &s->policy_deny);
	return s->policy < 0 ? s->policy : 0;
}

/* Whether the local value lets connections in (absent: denied). */
static bool local_allows(const struct rdp_state *s)
{
	return s->local > 0 && s->local_deny == 0;
}

static int check_enabled(struct gp_ctx *ctx)
{
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_rdp.enabled", "SYSTEM");
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct rdp_state s = { 0 };
	struct gp_finding *f;
	int r;

	if (!reg)
		return 0;
	r = read_rdp_state(reg, &s);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_rdp.enabled", reg,
					  TS_KEY, r);
		return 0;
	}
	if (s.policy > 0 && s.policy_deny != 0) {
		f = gp_emit(ctx, "windows_rdp.enabled", p->windows_rdp_disabled,
			    "Group Policy denies Remote Desktop connections");
		evidence_dword(f, reg, TS_POLICY, DENY, s.policy,
			       s.policy_deny);
		evidence_dword(f, reg, TS_KEY, DENY, s.local, s.local_deny);
		gp_remedy(f, "enable the policy \"Allow users to connect "
			     "remotely by using Remote Desktop Services\" "
			     "(Computer Configuration > Administrative "
			     "Templates > Windows Components > Remote Desktop "
			     "Services > Remote Desktop Session Host > "
			     "Connections), or set it to Not Configured, in "
			     "the local or domain Group Policy");
		return 0;
	}
	if (s.policy > 0 || local_allows(&s)) {
		f = gp_emit(ctx, "windows_rdp.enabled", GP_PASS,
			    s.policy > 0 ? "Group Policy allows Remote Desktop "
					   "connections" :
					   "Remote Desktop connections are "
					   "allowed");
		if (s.policy > 0)
			evidence_dword(f, reg, TS_POLICY, DENY, s.policy,
				       s.policy_deny);
		evidence_dword(f, reg, TS_KEY, DENY, s.local, s.local_deny);
		return 0;
	}
	f = gp_emit(ctx, "windows_rdp.enabled", p->windows_rdp_disabled,
		    "Remote Desktop connections are denied");
	evidence_dword(f, reg, TS_KEY, DENY, s.local, s.local_deny);
	if (!s.ts_key) {
		gp_remedy(f, "the Terminal Server key is missing: repair the "
			     "Remote Desktop Services installation");
		return 0;
	}
	gp_set_fixable(f, true);
	gp_remedy(f, "allow remote connections (System Properties > Remote "
		     "> Allow remote connections to this computer): "
		     "fDenyTSConnections = 0");
	return 0;
}

static int fix_enabled(struct gp_ctx *ctx)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	struct rdp_state s = { 0 };
	int r;

	if (!reg)
		return -ENOENT;
	r = read_rdp_state(reg, &s);
	if (r < 0)
		return r;
	/* A policy that denies is not ours to change; nothing else to do. */
	if ((s.policy > 0 && s.policy_deny != 0) || local_allows(&s) ||
	    !s.ts_key)
		return 0;
	return gp_winreg_plan_set_dword(ctx, reg, TS_KEY, DENY, 0,
					"allow Remote Desktop connections");
}

/* --- windows_rdp.port ----------------------------------------------- */

static int check_port(struct gp_ctx *ctx)
{
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_rdp.port", "SYSTEM");
	unsigned want = gp_ctx_profile(ctx)->rdp_port;
	struct gp_finding *f;
	uint32_t port = 0;
	int have;

	if (!reg)
		return 0;
	have = get_dword(reg, RDP_TCP, "PortNumber", &port);
	if (have == -ENOMEM)
		return have;
	if (have < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_rdp.port", reg, RDP_TCP,
					  have);
		return 0;
	}
	/* Without the value the listener takes its default, 3389. */
	if (!have)
		port = RDP_DEFAULT_PORT;
	if (port == want) {
		f = gp_emit(ctx, "windows_rdp.port", GP_PASS,
			    "Remote Desktop listens on tcp/%u", port);
		evidence_dword(f, reg, RDP_TCP, "PortNumber", have, port);
		return 0;
	}
	f = gp_emit(ctx, "windows_rdp.port",
		    gp_ctx_profile(ctx)->windows_rdp_port,
		    "Remote Desktop listens on tcp/%u, not tcp/%u", port, want);
	evidence_dword(f, reg, RDP_TCP, "PortNumber", have, port);
	if (!gp_winreg_key_exists(reg, RDP_TCP)) {
		gp_remedy(f, "the RDP-Tcp listener is missing: repair the "
			     "Remote Desktop Services installation");
		return 0;
	}
	gp_set_fixable(f, true);
	gp_remedy(f, "set PortNumber to %u (the port the cloud connects to) "
		     "and restart the Remote Desktop Services", want);
	return 0;
}

static int fix_port(struct gp_ctx *ctx)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	unsigned want = gp_ctx_profile(ctx)->rdp_port;
	uint32_t port = RDP_DEFAULT_PORT;
	int have;

	if (!reg)
		return -ENOENT;
	have = get_dword(reg, RDP_TCP, "PortNumber", &port);
	if (have < 0)
		return have;
	if ((!have && want == RDP_DEFAULT_PORT) || (have && port == want) ||
	    !gp_winreg_key_exists(reg, RDP_TCP))
		return 0;
	return gp_winreg_plan_set_dword(ctx, reg, RDP_TCP, "PortNumber", want,
					"Remote Desktop on the port the cloud "
					"connects to");
}

/* --- firewall rules -------------------------------------------------- */

enum {
	PROFILE_DOMAIN = 1 << 0,
	PROFILE_PRIVATE = 1 << 1,
	PROFILE_PUBLIC = 1 << 2,
	PROFILE_ALL = 7,
};

enum action {
	ACTION_OTHER,
	ACTION_ALLOW,
	ACTION_BLOCK,
};

struct fw_rule {
	const char *id;		/* the value name */
	const char *text;	/* the value data */
	enum action action;
	bool active, inbound, tcp;
	unsigned profiles;
	bool port;		/* its local ports take the port */
	bool remote_limited;	/* only from some remote addresses */
	bool rdp_group;		/* one of the Remote Desktop rules */
	bool valid;
	/* App= and Svc=: which program the rule is for. */
	bool app_set, app_system, app_svchost, svc_set, svc_rdp;
};

static bool field_is(const char *f, size_t n, const char *name,
		     const char **ret_value)
{
	size_t len = strlen(name);

	if (n <= len || f[len] != '=' || strncasecmp(f, name, len) != 0)
		return false;
	*ret_value = f + len + 1;
	return true;
}

static bool value_is(const char *v, const char *end, const char *want)
{
	size_t n = (size_t)(end - v);

	return n == strlen(want) && strncasecmp(v, want, n) == 0;
}

/* A decimal number filling [s, end), at most 65535. */
static bool parse_port(const char *s, const char *end, unsigned *ret)
{
	unsigned long n = 0;

	if (s == end || end - s > 5)
		return false;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n > 65535)
		return false;
	*ret = (unsigned)n;
	return true;
}

/* "3389", "3380-3390"; keywords (RPC, Teredo...) never match. */
static bool port_matches(const char *v, const char *end, unsigned port)
{
	const char *dash = memchr(v, '-', (size_t)(end - v));
	unsigned lo, hi;

	if (!dash)
		return parse_port(v, end, &lo) && lo == port;
	return parse_port(v, dash, &lo) && parse_port(dash + 1, end, &hi) &&
	       lo <= port && port <= hi;
}

static unsigned profile_bit(const char *v, const char *end)
{
	if (value_is(v, end, "Domain"))
		return PROFILE_DOMAIN;
	if (value_is(v, end, "Private"))
		return PROFILE_PRIVATE;
	if (value_is(v, end, "Public"))
		return PROFILE_PUBLIC;
	return 0;
}

/*
 * The program a rule is for.  The listener of tcp/3389 runs in the
 * kernel ("System") on 2008 and 2008 R2, in svchost.exe (service
 * termservice) from 2012 on; a rule for another program (the shadowing
 * helper RdpSa.exe) neither lets it in nor blocks it.
 */
static void rule_app(struct fw_rule *rule, const char *v, const char *end)
{
	const char *base = v;

	for (const char *p = v; p < end; p++)
		if (*p == '\\' || *p == '/')
			base = p + 1;
	rule->app_set = true;
	rule->app_system = value_is(v, end, "System");
	rule->app_svchost = value_is(base, end, "svchost.exe");
}

/* Whether the rule is for the program that listens on tcp/3389. */
static bool rule_for_listener(const struct fw_rule *rule)
{
	if (rule->svc_set && !rule->svc_rdp)
		return false;
	return !rule->app_set || rule->app_system || rule->app_svchost;
}

static void rule_field(struct fw_rule *rule, const char *f, const char *end,
		       unsigned port, bool *has_lport)
{
	size_t n = (size_t)(end - f);
	const char *v;

	if (field_is(f, n, "Action", &v))
		rule->action = value_is(v, end, "Allow") ? ACTION_ALLOW :
			       value_is(v, end, "Block") ? ACTION_BLOCK :
							   ACTION_OTHER;
	else if (field_is(f, n, "Active", &v))
		rule->active = value_is(v, end, "TRUE");
	else if (field_is(f, n, "Dir", &v))
		rule->inbound = value_is(v, end, "In");
	else if (field_is(f, n, "Protocol", &v))
		rule->tcp = value_is(v, end, "6");
	else if (field_is(f, n, "Profile", &v))
		rule->profiles |= profile_bit(v, end);
	else if (field_is(f, n, "LPort", &v)) {
		*has_lport = true;
		rule->port |= port_matches(v, end, port);
	} else if (strncasecmp(f, "LPort2_", 7) == 0) {
		*has_lport = true;	/* keyword ports: not a number */
	} else if (strncasecmp(f, "RA4=", 4) == 0 ||
		   strncasecmp(f, "RA6=", 4) == 0 ||
		   strncasecmp(f, "RA42=", 5) == 0 ||
		   strncasecmp(f, "RA62=", 5) == 0) {
		rule->remote_limited = true;
	} else if (field_is(f, n, "EmbedCtxt", &v)) {
		rule->rdp_group |= value_is(v, end, RDP_GROUP);
	} else if (field_is(f, n, "App", &v)) {
		rule_app(rule, v, end);
	} else if (field_is(f, n, "Svc", &v)) {
		rule->svc_set = true;
		rule->svc_rdp = value_is(v, end, "termservice") ||
				value_is(v, end, "*");
	}
}

/*
 * Parse one rule.  The first field is the format version ("v2.10"); a
 * string without it is not a rule (valid stays false).  Protocol absent
 * means any protocol; Profile absent, every profile.
 */
static void parse_rule(const char *id, const char *text, unsigned port,
		       struct fw_rule *rule)
{
	bool has_lport = false;
	const char *s = text;

	/* Protocol absent: every protocol, tcp included. */
	*rule = (struct fw_rule){ .id = id, .text = text, .tcp = true };
	if (s[0] != 'v' && s[0] != 'V')
		return;
	s += strcspn(s, "|");
	while (*s == '|') {
		const char *f = s + 1, *end = f + strcspn(f, "|");

		rule_field(rule, f, end, port, &has_lport);
		s = end;
	}
	if (!has_lport)
		rule->port = true;
	if (!rule->profiles)
		rule->profiles = PROFILE_ALL;
	rule->rdp_group |= strncasecmp(id, RDP_RULE_PREFIX,
				       strlen(RDP_RULE_PREFIX)) == 0;
	rule->valid = rule->action != ACTION_OTHER;
}

/* Whether @rule concerns inbound tcp/@port in a profile of @profiles. */
static bool rule_applies(const struct fw_rule *rule, unsigned profiles)
{
	return rule->valid && rule->inbound && rule->tcp && rule->port &&
	       (rule->profiles & profiles) && rule_for_listener(rule);
}

/* --- firewall profiles ------------------------------------------------ */

struct fw_profile_name {
	const char *key;	/* under FirewallPolicy */
	const char *gpo_key;	/* under the policy's WindowsFirewall */
	const char *name;	/* as rules and people name it */
	unsigned bit;
};

static const struct fw_profile_name fw_profiles[] = {
	{ "DomainProfile", "DomainProfile", "Domain", PROFILE_DOMAIN },
	{ "StandardProfile", "PrivateProfile", "Private", PROFILE_PRIVATE },
	{ "PublicProfile", "PublicProfile", "Public", PROFILE_PUBLIC },
};

enum verdict {
	FW_ABSENT,	/* no such profile on this system */
	FW_OFF,
	FW_OPEN,
	FW_CLOSED,	/* no rule lets the port in */
	FW_BLOCKED,	/* a block rule, or no exceptions at all */
};

struct fw_rules {
	char **ids, **texts;	/* parallel: value names and strings */
	bool *policy;		/* per rule: from Group Policy */
	size_t n;
	struct fw_rule *parsed;
};

static void fw_rules_done(struct fw_rules *r)
{
	strv_free(r->ids);
	strv_free(r->texts);
	free(r->policy);
	free(r->parsed);
}

/* REG_SZ values to rewrite: the fix, in parallel vectors. */
struct rewrites {
	char **keys, **values, **data;
};

static void rewrites_done(struct rewrites *rw)
{
	strv_free(rw->keys);
	strv_free(rw->values);
	strv_free(rw->data);
}

/* Add one, unless the same value is there already; takes @data. */
static int rewrites_add(struct rewrites *rw, const char *key,
			const char *value, char *data)
{
	for (size_t i = 0; rw->keys && rw->keys[i]; i++)
		if (strcmp(rw->keys[i], key) == 0 &&
		    strcmp(rw->values[i], value) == 0) {
			free(data);
			return 0;
		}
	if (!data)
		return -ENOMEM;
	if (strv_push(&rw->keys, key) < 0) {
		free(data);
		return -ENOMEM;
	}
	if (strv_push(&rw->values, value) < 0) {
		free(data);
		return -ENOMEM;
	}
	return strv_consume(&rw->data, data);
}

struct firewall {
	bool legacy;		/* Windows Server 2003: opened ports */
	struct fw_rules rules;
	char **evidence;	/* a line per profile */
	char **rule_lines;	/* the rules and opened ports they name */
	char **subkeys;		/* of FirewallPolicy */
	enum verdict verdict[ARRAY_SIZE(fw_profiles)];
	/* Disabled Remote Desktop rules that would let the port in. */
	char **inactive;
	struct rewrites fix;
	bool fixable;		/* enabling them opens every closed profile */
};

static void firewall_done(struct firewall *fw)
{
	fw_rules_done(&fw->rules);
	strv_free(fw->evidence);
	strv_free(fw->rule_lines);
	strv_free(fw->subkeys);
	strv_free(fw->inactive);
	rewrites_done(&fw->fix);
}

/* Key names compare without case, as Windows compares them. */
static bool has_subkey(const struct firewall *fw, const char *name)
{
	for (size_t i = 0; fw->subkeys && fw->subkeys[i]; i++)
		if (strcasecmp(fw->subkeys[i], name) == 0)
			return true;
	return false;
}

static int push_ev(struct firewall *fw, const char *fmt, ...) _printf_(2, 3);
static int push_ev(struct firewall *fw, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(&fw->evidence, fmt, ap);
	va_end(ap);
	return r;
}

/* Append the string values of @key (rules) to @rules. */
static int load_rules(struct gp_winreg *reg, const char *key, bool policy,
		      struct fw_rules *rules)
{
	_cleanup_(strv_freep) char **names = NULL;
	int r = gp_winreg_values(reg, key, &names);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_free_ char *text = NULL;
		bool *pol;

		r = gp_winreg_get_string(reg, key, names[i], &text);
		if (soft_error(r))
			continue;
		if (r < 0)
			return r;
		pol = realloc(rules->policy, (rules->n + 1) * sizeof(*pol));
		if (!pol)
			return -ENOMEM;
		rules->policy = pol;
		pol[rules->n] = policy;
		if (strv_push(&rules->ids, names[i]) < 0 ||
		    strv_consume(&rules->texts, TAKE_PTR(text)) < 0)
			return -ENOMEM;
		rules->n++;
	}
	return 0;
}

static int parse_rules(struct fw_rules *rules, unsigned port)
{
	rules->parsed = calloc(rules->n + 1, sizeof(*rules->parsed));
	if (!rules->parsed)
		return -ENOMEM;
	for (size_t i = 0; i < rules->n; i++)
		parse_rule(rules->ids[i], rules->texts[i], port,
			   &rules->parsed[i]);
	return 0;
}

/*
 * A DWORD of a profile: the policy's value when Group Policy sets one,
 * else the local one.  1 when read (*ret_policy: from the policy), 0
 * when neither is set.
 */
static int profile_dword(struct gp_winreg *reg,
			 const struct fw_profile_name *pn, const char *value,
			 uint32_t *ret, bool *ret_policy)
{
	_cleanup_free_ char *gpo = strprintf("%s\\%s", FW_GPO, pn->gpo_key);
	_cleanup_free_ char *local = strprintf("%s\\%s", FW_POLICY, pn->key);
	int r;

	if (!gpo || !local)
		return -ENOMEM;
	*ret_policy = true;
	r = get_dword(reg, gpo, value, ret);
	if (r != 0)
		return r;
	*ret_policy = false;
	return get_dword(reg, local, value, ret);
}

/*
 * Windows Server 2003: an opened port "3389:TCP:*:Enabled:Remote
 * Desktop" (port, protocol, scope, state, name) for @port?
 */
static bool legacy_entry(const char *data, unsigned port, bool *ret_enabled)
{
	const char *c1 = strchr(data, ':'), *c2, *c3, *c4;
	unsigned p;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')) || !(c3 = strchr(c2 + 1, ':')))
		return false;
	c4 = strchr(c3 + 1, ':');
	if (!c4)
		c4 = c3 + 1 + strlen(c3 + 1);
	if (!parse_port(data, c1, &p) || p != port ||
	    !value_is(c1 + 1, c2, "TCP"))
		return false;
	*ret_enabled = value_is(c3 + 1, c4, "Enabled");
	return true;
}

/* The opened port @data, enabled: its fourth field set to "Enabled". */
static char *legacy_enabled(const char *data)
{
	const char *c3 = data;

	for (int n = 0; n < 3; n++) {
		c3 = strchr(c3 + (n ? 1 : 0), ':');
		if (!c3)
			return NULL;
	}
	return strprintf("%.*s:Enabled%s", (int)(c3 - data), data,
			 c3 + 1 + strcspn(c3 + 1, ":"));
}

/* The rule @text with "Active=TRUE", every other byte as it was. */
static char *rule_activated(const char *text)
{
	char *s = strdup(text);

	if (!s)
		return NULL;
	for (char *p = s; (p = strstr(p, "|Active="));) {
		char *v = p + 8;
		size_t n = strcspn(v, "|");

		if (n == 5 && strncasecmp(v, "FALSE", 5) == 0) {
			memcpy(v, "TRUE", 4);
			memmove(v + 4, v + 5, strlen(v + 5) + 1);
		}
		p = v;
	}
	return s;
}

/* What lets the port in, or keeps it out, in one profile. */
struct judgement {
	char **allow, **block, **inactive;	/* rule or entry names */
	struct rewrites fix;	/* what enables the inactive ones */
};

static void judgement_done(struct judgement *j)
{
	strv_free(j->allow);
	strv_free(j->block);
	strv_free(j->inactive);
	rewrites_done(&j->fix);
}

/* Legacy: the opened ports of profile @i for @port, enabled or not. */
static int judge_legacy(struct gp_winreg *reg, struct firewall *fw, size_t i,
			unsigned port, struct judgement *j)
{
	_cleanup_free_ char *list = strprintf("%s\\%s\\GloballyOpenPorts\\List",
					      FW_POLICY, fw_profiles[i].key);
	_cleanup_(strv_freep) char **names = NULL;
	int r;

	if (!list)
		return -ENOMEM;
	r = gp_winreg_values(reg, list, &names);
	if (r < 0 && r != -ENOENT)
		return r;
	for (size_t v = 0; names && names[v]; v++) {
		_cleanup_free_ char *text = NULL, *name = NULL;
		bool enabled;

		r = gp_winreg_get_string(reg, list, names[v], &text);
		if (soft_error(r))
			continue;
		if (r < 0)
			return r;
		if (!legacy_entry(text, port, &enabled))
			continue;
		name = strprintf("%s\\GloballyOpenPorts\\List\\%s",
				 fw_profiles[i].key, names[v]);
		if (!name || strv_pushf(&fw->rule_lines, "%s = \"%s\"", name,
					text) < 0 ||
		    strv_push(enabled ? &j->allow : &j->inactive, name) < 0)
			return -ENOMEM;
		if (!enabled && rewrites_add(&j->fix, list, names[v],
					     legacy_enabled(text)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Rules (Vista / 2008 and later) that concern @port in profile @i. */
static int judge_rules(struct firewall *fw, size_t i, struct judgement *j)
{
	unsigned bit = fw_profiles[i].bit;

	for (size_t k = 0; k < fw->rules.n; k++) {
		const struct fw_rule *rule = &fw->rules.parsed[k];
		bool policy = fw->rules.policy[k];
		_cleanup_free_ char *name = NULL, *line = NULL;
		char ***to;

		if (!rule_applies(rule, bit))
			continue;
		if (rule->active && rule->action == ACTION_BLOCK)
			to = &j->block;
		else if (rule->active && rule->action == ACTION_ALLOW)
			to = &j->allow;
		else if (rule->action == ACTION_ALLOW && rule->rdp_group &&
			 !policy)
			to = &j->inactive;
		else
			continue;
		name = strprintf("%s\\%s", policy ? "Group Policy rule" :
					   "FirewallRules", rule->id);
		if (!name)
			return -ENOMEM;
		line = strprintf("%s = \"%s\"%s", name, rule->text,
				 rule->remote_limited ?
				 " (some remote addresses only)" : "");
		if (!line || strv_push(to, name) < 0 ||
		    strv_push_unique(&fw->rule_lines, line) < 0)
			return -ENOMEM;
		if (to == &j->inactive &&
		    rewrites_add(&j->fix, FW_RULES, rule->id,
				 rule_activated(rule->text)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static const char *setting_source(bool have, bool policy)
{
	return !have ? "not set" : policy ? "Group Policy" : "local setting";
}

/* The verdict of a profile that is on, and its line of evidence. */
static int judge_enabled(struct gp_winreg *reg, struct firewall *fw, size_t i,
			 unsigned port, const char *state)
{
	const struct fw_profile_name *pn = &fw_profiles[i];
	_cleanup_(judgement_done) struct judgement j = { 0 };
	_cleanup_free_ char *names = NULL;
	uint32_t inbound = 1;
	bool policy = false;
	int have, r;

	r = fw->legacy ? judge_legacy(reg, fw, i, port, &j) :
			 judge_rules(fw, i, &j);
	if (r < 0)
		return r;
	if (!strv_isempty(j.block)) {
		fw->verdict[i] = FW_BLOCKED;
		fw->fixable = false;
		names = strv_join(j.block, ", ");
		return push_ev(fw, "%s profile: %s; tcp/%u is blocked by %s",
			       pn->name, state, port, names ?: "?");
	}
	if (!strv_isempty(j.allow)) {
		fw->verdict[i] = FW_OPEN;
		names = strv_join(j.allow, ", ");
		return push_ev(fw, "%s profile: %s; tcp/%u is let in by %s",
			       pn->name, state, port, names ?: "?");
	}
	have = profile_dword(reg, pn, "DefaultInboundAction", &inbound,
			     &policy);
	if (have < 0)
		return have;
	if (have && inbound == 0) {
		fw->verdict[i] = FW_OPEN;
		return push_ev(fw, "%s profile: %s; DefaultInboundAction = 0 "
				   "(%s): everything is let in", pn->name,
			       state, setting_source(have, policy));
	}
	fw->verdict[i] = FW_CLOSED;
	for (size_t k = 0; j.inactive && j.inactive[k]; k++)
		if (strv_push_unique(&fw->inactive, j.inactive[k]) < 0)
			return -ENOMEM;
	/* Each closed profile needs a rule of its own to enable. */
	if (strv_isempty(j.fix.keys))
		fw->fixable = false;
	for (size_t k = 0; j.fix.keys && j.fix.keys[k]; k++)
		if (rewrites_add(&fw->fix, j.fix.keys[k], j.fix.values[k],
				 strdup(j.fix.data[k])) < 0)
			return -ENOMEM;
	names = strv_isempty(j.inactive) ? strdup("none") :
					   strv_join(j.inactive, ", ");
	return push_ev(fw, "%s profile: %s; no active rule lets tcp/%u in "
			   "(inactive Remote Desktop rules: %s)",
		       pn->name, state, port, names ?: "?");
}

static int judge_profile(struct gp_winreg *reg, struct firewall *fw, size_t i,
			 unsigned port)
{
	const struct fw_profile_name *pn = &fw_profiles[i];
	_cleanup_free_ char *local = strprintf("%s\\%s", FW_POLICY, pn->key);
	_cleanup_free_ char *state = NULL;
	uint32_t on = 1, no_exceptions = 0;
	bool policy = false, p2 = false;
	int have, have2;

	if (!local)
		return -ENOMEM;
	if (!has_subkey(fw, pn->key)) {
		fw->verdict[i] = FW_ABSENT;
		return 0;
	}
	have = profile_dword(reg, pn, "EnableFirewall", &on, &policy);
	if (have < 0)
		return have;
	if (have && on == 0) {
		fw->verdict[i] = FW_OFF;
		return push_ev(fw, "%s profile: off (EnableFirewall = 0, %s)",
			       pn->name, setting_source(have, policy));
	}
	state = have ? strprintf("on (EnableFirewall = %u, %s)", on,
				 setting_source(have, policy)) :
		       strdup("on (EnableFirewall not set: on by default)");
	if (!state)
		return -ENOMEM;
	have2 = profile_dword(reg, pn, "DoNotAllowExceptions", &no_exceptions,
			      &p2);
	if (have2 < 0)
		return have2;
	if (have2 && no_exceptions) {
		fw->verdict[i] = FW_BLOCKED;
		fw->fixable = false;
		return push_ev(fw, "%s profile: %s; DoNotAllowExceptions = %u "
				   "(%s): all incoming connections are "
				   "blocked", pn->name, state, no_exceptions,
			       setting_source(have2, p2));
	}
	return judge_enabled(reg, fw, i, port, state);
}

static int read_firewall(struct gp_winreg *reg, unsigned port,
			 struct firewall *fw)
{
	int r = 0;

	/* Listing the keys tells a damaged hive from a missing key. */
	r = gp_winreg_subkeys(reg, FW_POLICY, &fw->subkeys);
	if (r < 0 && r != -ENOENT)
		return r;
	r = 0;
	fw->fixable = true;
	/* 2003 has neither rules nor a public profile. */
	fw->legacy = !has_subkey(fw, "FirewallRules") &&
		     !has_subkey(fw, "PublicProfile");
	if (!fw->legacy) {
		r = load_rules(reg, FW_RULES, false, &fw->rules);
		if (r == 0)
			r = load_rules(reg, FW_GPO_RULES, true, &fw->rules);
		if (r == 0)
			r = parse_rules(&fw->rules, port);
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(fw_profiles); i++)
		r = judge_profile(reg, fw, i, port);
	return r;
}

/* "Domain, Public": the profiles of verdict @want. */
static char *list_profiles(const struct firewall *fw, enum verdict want)
{
	_cleanup_(strv_freep) char **names = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(fw_profiles); i++)
		if (fw->verdict[i] == want &&
		    strv_push(&names, fw_profiles[i].name) < 0)
			return NULL;
	return names ? strv_join(names, ", ") : strdup("");
}

static void firewall_remedy(struct gp_finding *f, const struct firewall *fw,
			    bool blocked, unsigned port)
{
	_cleanup_free_ char *rules = NULL;

	if (blocked) {
		gp_remedy(f, "remove the firewall rules or the \"block all "
			     "incoming connections\" setting that keep "
			     "tcp/%u out, or turn the firewall off", port);
		return;
	}
	rules = strv_isempty(fw->inactive) ? NULL :
					     strv_join(fw->inactive, ", ");
	if (rules)
		gp_remedy(f, "enable the firewall's Remote Desktop rules "
			     "(Allowed apps > Remote Desktop; inactive now: "
			     "%s), or turn the firewall off", rules);
	else if (fw->legacy)
		gp_remedy(f, "enable the Remote Desktop exception (Windows "
			     "Firewall > Exceptions), or turn the firewall "
			     "off");
	else
		gp_remedy(f, "allow inbound tcp/%u (Remote Desktop) in every "
			     "active firewall profile, or turn the firewall "
			     "off", port);
}

static void firewall_evidence(struct gp_finding *f, struct gp_winreg *reg,
			      const struct firewall *fw)
{
	_cleanup_free_ char *real = NULL;

	for (size_t i = 0; fw->evidence && fw->evidence[i]; i++)
		gp_evidence(f, "%s", fw->evidence[i]);
	for (size_t i = 0; fw->rule_lines && fw->rule_lines[i]; i++)
		gp_evidence(f, "%s", fw->rule_lines[i]);
	gp_evidence(f, "firewall settings: %s (%s)%s",
		    gp_winreg_resolve(reg, FW_POLICY, &real) == 0 ? real :
								    FW_POLICY,
		    gp_winreg_source(reg, FW_POLICY),
		    fw->legacy ? ", the opened ports of Windows Server 2003" :
				 "");
}

static int check_firewall(struct gp_ctx *ctx)
{
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_rdp.firewall", "SYSTEM");
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(firewall_done) struct firewall fw = { 0 };
	_cleanup_free_ char *blocked = NULL, *closed = NULL;
	bool seen = false;
	struct gp_finding *f;
	const char *which;
	int r;

	if (!reg)
		return 0;
	r = read_firewall(reg, p->rdp_port, &fw);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_rdp.firewall", reg,
					  FW_POLICY, r);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fw_profiles); i++)
		seen |= fw.verdict[i] != FW_ABSENT;
	if (!seen) {
		f = gp_emit(ctx, "windows_rdp.firewall", GP_WARN,
			    "the Windows firewall has no profile settings");
		gp_evidence(f, "%s: no DomainProfile, StandardProfile or "
			       "PublicProfile key (%s)", FW_POLICY,
			    gp_winreg_source(reg, FW_POLICY));
		return 0;
	}
	blocked = list_profiles(&fw, FW_BLOCKED);
	closed = list_profiles(&fw, FW_CLOSED);
	if (!blocked || !closed)
		return -ENOMEM;
	if (!*blocked && !*closed) {
		f = gp_emit(ctx, "windows_rdp.firewall", GP_PASS,
			    "the firewall lets tcp/%u in, or is off, in every "
			    "profile", p->rdp_port);
	} else {
		which = *blocked ? blocked : closed;
		f = gp_emit(ctx, "windows_rdp.firewall",
			    p->windows_rdp_firewall,
			    "the firewall %s tcp/%u in the %s profile%s",
			    *blocked ? "blocks" : "does not let", p->rdp_port,
			    which, strchr(which, ',') ? "s" : "");
		firewall_remedy(f, &fw, *blocked, p->rdp_port);
		gp_set_fixable(f, fw.fixable && !*blocked);
	}
	firewall_evidence(f, reg, &fw);
	return 0;
}

static int fix_firewall(struct gp_ctx *ctx)
{
	struct gp_winreg *reg = gp_ctx_winreg(ctx);
	_cleanup_(firewall_done) struct firewall fw = { 0 };
	bool blocked = false, closed = false;
	int r;

	if (!reg)
		return -ENOENT;
	r = read_firewall(reg, gp_ctx_profile(ctx)->rdp_port, &fw);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(fw_profiles); i++) {
		blocked |= fw.verdict[i] == FW_BLOCKED;
		closed |= fw.verdict[i] == FW_CLOSED;
	}
	/* Half a fix would not let the cloud in: all or nothing. */
	if (blocked || !closed || !fw.fixable)
		return 0;
	for (size_t i = 0; fw.fix.keys && fw.fix.keys[i]; i++) {
		r = gp_winreg_plan_set_string(ctx, reg, fw.fix.keys[i],
					      fw.fix.values[i], fw.fix.data[i],
					      "enable the firewall's Remote "
					      "Desktop rule");
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct gp_check windows_rdp_checks[] = {
	{ .id = "windows_rdp.enabled",
	  .summary = "Remote Desktop connections are allowed "
		     "(fDenyTSConnections = 0, no policy denies them)",
	  .run = check_enabled,
	  .fix = fix_enabled },
	{ .id = "windows_rdp.port",
	  .summary = "Remote Desktop listens on tcp/3389",
	  .run = check_port,
	  .fix = fix_port },
	{ .id = "windows_rdp.firewall",
	  .summary = "every active firewall profile lets tcp/3389 in",
	  .run = check_firewall,
	  .fix = fix_firewall },
	{ 0 },
};

const struct gp_plugin windows_rdp_plugin = {
	.name = "windows_rdp",
	.summary = "Remote Desktop enabled on tcp/3389 and let in by the "
		   "firewall",
	.targets = GP_TARGET_WINDOWS,
	.checks = windows_rdp_checks,
};
