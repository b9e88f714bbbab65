/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewall: the cloud says "disable the firewall and allow access to SSH
 * port 22".  An imported instance whose firewall closes 22 cannot be
 * reached at all, so what counts is the firewall that will start at the
 * next boot and the rules it will load:
 *
 *   firewall.active    which firewalls start at boot: firewalld, ufw
 *                      (its service and ENABLED=yes), the saved iptables
 *                      rules (iptables-services, netfilter-persistent),
 *                      nftables, SuSEfirewall2, ferm.
 *   firewall.ssh_port  whether each of them lets a new TCP connection to
 *                      sshd.port in from an arbitrary address, evaluated
 *                      rule by rule as netfilter would (agent/fwrules.c),
 *                      with the rule or policy that decides.
 *   firewall.live      the running rules need CAP_NET_ADMIN, which check
 *                      mode does not keep: only what /proc shows freely.
 *
 * The fixer opens the port the way each firewall expects (a service in
 * the firewalld zone, a ufw rule with its tuple comment, a rule in the
 * saved iptables set or nftables chain before the one that rejects, the
 * port in SuSEfirewall2's FW_SERVICES_EXT_TCP; ferm is not edited), or,
 * with firewall.fix_mode = disable, stops the firewalls from starting.
 * Every edit is first tried on a copy: only one that would open the port
 * is planned, and only then is the finding fixable.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "guestprep/fwrules.h"
#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "guestprep/plugin.h"
#include "guestprep/service.h"
#include "guestprep/strv.h"

#define FILE_MAX (4u << 20)
#define MAX_JUDGEMENTS 16
#define REACH_UNKNOWN 3		/* beside enum fw_reach: not evaluated */

#define FIREWALLD_CONF "/etc/firewalld/firewalld.conf"
#define FIREWALLD_ZONES "/etc/firewalld/zones"
#define UFW_CONF "/etc/ufw/ufw.conf"
#define UFW_DEFAULT "/etc/default/ufw"
#define UFW_USER "/etc/ufw/user.rules"
#define UFW_USER6 "/etc/ufw/user6.rules"
#define SUSEFW "/etc/sysconfig/SuSEfirewall2"
#define FERM_CONF "/etc/ferm/ferm.conf"

/* One verdict: a firewall's, or one firewalld zone's. */
struct judgement {
	char *label;		/* "firewalld zone public" */
	int reach;		/* enum fw_reach or REACH_UNKNOWN */
	char *why;		/* the deciding rule, or why unknown */
	char **partial;		/* rules that let some in */
	char **problems;	/* lines not understood */
	/* For the fixer: the file to edit, as read, and where. */
	char *file;
	char *text;
	size_t len;
	size_t off;
	bool etc;		/* firewalld: the zone is in /etc already */
	char *zone;
	/* The opener only checks that its edit would work (check mode). */
	bool probe;
};

struct firewall {
	const struct kind *kind;
	struct gp_service svc;
	bool active;
	char **evidence;	/* why it is (in)active */
	struct judgement j[MAX_JUDGEMENTS];
	size_t n_j;
};

struct kind {
	const char *name;
	const char *const *services;
	/* Fill fw->active and fw->evidence beyond the service's state. */
	int (*activity)(struct gp_ctx *ctx, struct firewall *fw);
	/* Judge the port; @ov replaces one file's content. */
	int (*judge)(struct gp_ctx *ctx, struct firewall *fw,
		     const struct fw_overlay *ov);
	/* Plan what opens the port for @j (NULL: no opener). */
	int (*open)(struct gp_ctx *ctx, struct firewall *fw,
		    struct judgement *j, char **ret_why_not);
};

static void judgement_done(struct judgement *j)
{
	free(j->label);
	free(j->why);
	strv_free(j->partial);
	strv_free(j->problems);
	free(j->file);
	free(j->text);
	free(j->zone);
	*j = (struct judgement){ 0 };
}

static void firewall_done(struct firewall *fw)
{
	gp_service_done(&fw->svc);
	strv_free(fw->evidence);
	for (size_t i = 0; i < fw->n_j; i++)
		judgement_done(&fw->j[i]);
	fw->n_j = 0;
}

static unsigned ssh_port(const struct gp_ctx *ctx)
{
	unsigned port = gp_ctx_profile(ctx)->ssh_port;

	return port ? port : 22;
}

static struct judgement *judgement_new(struct firewall *fw, const char *fmt,
				       ...) _printf_(2, 3);
static struct judgement *judgement_new(struct firewall *fw, const char *fmt,
				       ...)
{
	struct judgement *j;
	va_list ap;

	if (fw->n_j == MAX_JUDGEMENTS)
		return NULL;
	j = &fw->j[fw->n_j];
	*j = (struct judgement){ .reach = REACH_UNKNOWN };
	va_start(ap, fmt);
	j->label = vstrprintf(fmt, ap);
	va_end(ap);
	if (!j->label)
		return NULL;
	fw->n_j++;
	return j;
}

static int unknown(struct judgement *j, const char *fmt, ...) _printf_(2, 3);
static int unknown(struct judgement *j, const char *fmt, ...)
{
	va_list ap;

	j->reach = REACH_UNKNOWN;
	free(j->why);
	va_start(ap, fmt);
	j->why = vstrprintf(fmt, ap);
	va_end(ap);
	return j->why ? 0 : -ENOMEM;
}

/* Evaluate @rs into @j, taking over its problems. */
static int judge_ruleset(struct gp_ctx *ctx, struct judgement *j,
			 struct fw_ruleset *rs, struct fw_verdict *ret)
{
	struct fw_verdict v = { 0 };
	int r;

	for (size_t i = 0; i < rs->n_problems; i++)
		if (strv_push(&j->problems, rs->problems[i]) < 0)
			return -ENOMEM;
	r = fw_evaluate(rs, ssh_port(ctx), &v);
	if (r == -ELOOP)
		return unknown(j, "the chains jump in a loop");
	if (r < 0)
		return r;
	j->reach = (int)v.reach;
	j->why = strdup(v.decided_by);
	for (size_t i = 0; i < v.n_partial; i++)
		if (strv_push(&j->partial, v.partial[i]) < 0)
			r = -ENOMEM;
	if (!j->why || r < 0) {
		fw_verdict_done(&v);
		return -ENOMEM;
	}
	if (ret)
		*ret = v;
	else
		fw_verdict_done(&v);
	return 0;
}

/* Where a rule that goes before the deciding one is inserted. */
static size_t insert_offset(const struct fw_verdict *v)
{
	const struct fw_chain *c = v->chain;

	if (!c)
		return 0;
	return v->index < c->n_rules ? c->rules[v->index].off : c->end_off;
}

static const char *insert_file(const struct fw_verdict *v)
{
	const struct fw_chain *c = v->chain;

	if (!c)
		return NULL;
	return v->index < c->n_rules ? c->rules[v->index].file : c->file;
}

/* Keep a copy of the file the fixer would edit. */
static int keep_file(struct gp_ctx *ctx, struct judgement *j,
		     const struct fw_overlay *ov, const char *path, size_t off)
{
	int r;

	if (!path)
		return 0;
	j->file = strdup(path);
	if (!j->file)
		return -ENOMEM;
	r = fw_read_file(gp_ctx_root(ctx), ov, path, FILE_MAX, &j->text,
			 &j->len);
	if (r == -ENOMEM)
		return r;
	j->off = off;
	if (r < 0) {
		free(j->file);
		j->file = NULL;
	}
	return 0;
}

/* --- activity ---------------------------------------------------------- */

static int service_evidence(struct firewall *fw)
{
	const struct gp_service *s = &fw->svc;
	const char *name = s->unit ? s->unit : s->name ? s->name :
			   fw->kind->services[0];

	if (s->state == GP_SERVICE_ENABLED) {
		for (size_t i = 0; s->enabled_by && s->enabled_by[i]; i++)
			if (strv_pushf(&fw->evidence, "%s: %s started by %s",
				       fw->kind->name, name,
				       s->enabled_by[i]) < 0)
				return -ENOMEM;
		return 0;
	}
	if (s->state == GP_SERVICE_MASKED)
		return strv_pushf(&fw->evidence, "%s: %s is masked by %s",
				  fw->kind->name, name,
				  s->masked_by ? s->masked_by : "?");
	return strv_pushf(&fw->evidence, "%s: %s is %s", fw->kind->name, name,
			  gp_service_state_name(s->state));
}

static int service_activity(struct gp_ctx *ctx, struct firewall *fw)
{
	(void)ctx;
	fw->active = fw->svc.state == GP_SERVICE_ENABLED;
	if (fw->svc.state == GP_SERVICE_ABSENT)
		return 0;
	return service_evidence(fw);
}

static bool is_yes(const char *v)
{
	return v && (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		     strcmp(v, "1") == 0);
}

/*
 * ufw.service runs ufw-init at every boot, and ufw-init does nothing
 * unless ufw.conf says ENABLED=yes: "ufw disable" only sets that.
 */
static int ufw_activity(struct gp_ctx *ctx, struct firewall *fw)
{
	struct gp_kvfile kv = { 0 };
	const struct gp_kv *en;
	int r = gp_kv_load(gp_ctx_root(ctx), UFW_CONF, &kv);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && fw->svc.state == GP_SERVICE_ABSENT)
		return 0;	/* not installed */
	r = service_evidence(fw);
	en = r >= 0 ? gp_kv_find(&kv, "ENABLED") : NULL;
	if (r >= 0)
		r = en ? strv_pushf(&fw->evidence, "ufw: %s:%u: ENABLED=%s",
				    UFW_CONF, en->line, en->value) :
			 strv_pushf(&fw->evidence, "ufw: %s: no ENABLED=yes",
				    UFW_CONF);
	fw->active = en && is_yes(en->value) &&
		     fw->svc.state != GP_SERVICE_DISABLED &&
		     fw->svc.state != GP_SERVICE_MASKED;
	gp_kv_done(&kv);
	return r;
}

/* --- iptables: saved rule sets ---------------------------------------- */

static int judge_iptables_file(struct gp_ctx *ctx, struct firewall *fw,
			       const struct fw_overlay *ov, const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	struct judgement *j = judgement_new(fw, "%s", path);
	size_t len;
	int r;

	if (!j)
		return -ENOMEM;
	r = fw_read_file(gp_ctx_root(ctx), ov, path, FILE_MAX, &text, &len);
	if (r == -ENOENT) {
		/* The service starts, finds no rules, and filters nothing. */
		j->reach = FW_OPEN;
		j->why = strprintf("%s: no saved rules", path);
		return j->why ? 0 : -ENOMEM;
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return unknown(j, "%s cannot be read: %s", path, strerror(-r));
	r = fw_read_iptables(&rs, path, text, len);
	if (r >= 0 && !fw_chain_find(&rs, "INPUT"))
		r = rs.n_problems ?
		    unknown(j, "%s: no INPUT chain could be read", path) : 0;
	if (r >= 0 && fw_chain_find(&rs, "INPUT"))
		r = judge_ruleset(ctx, j, &rs, &v);
	if (r >= 0 && v.chain)
		r = keep_file(ctx, j, ov, path, insert_offset(&v));
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
	if (r >= 0 && !j->why)
		j->why = strprintf("%s: no INPUT rules", path);
	return r < 0 ? r : j->why ? 0 : -ENOMEM;
}

static int judge_iptables(struct gp_ctx *ctx, struct firewall *fw,
			  const struct fw_overlay *ov)
{
	return judge_iptables_file(ctx, fw, ov, "/etc/sysconfig/iptables");
}

static int judge_persistent(struct gp_ctx *ctx, struct firewall *fw,
			    const struct fw_overlay *ov)
{
	return judge_iptables_file(ctx, fw, ov, "/etc/iptables/rules.v4");
}

/* Text with @ins spliced in at @off. */
static char *splice(const char *text, size_t len, size_t off,
		    const char *ins, size_t *ret_len)
{
	size_t n = strlen(ins);
	char *s = malloc(len + n + 1);

	if (!s)
		return NULL;
	memcpy(s, text, off);
	memcpy(s + off, ins, n);
	memcpy(s + off + n, text + off, len - off);
	s[len + n] = '\0';
	*ret_len = len + n;
	return s;
}

/* Start of the line holding @off. */
static size_t line_start(const char *text, size_t off)
{
	while (off > 0 && text[off - 1] != '\n')
		off--;
	return off;
}

static bool only_blanks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/*
 * Try @new_text of @j's file: 1 when the firewall would then let the
 * port in (for @label), 0 when not.
 */
static int opens(struct gp_ctx *ctx, struct firewall *fw,
		 const struct judgement *j, const char *path,
		 const char *new_text, size_t new_len)
{
	struct fw_overlay ov = { .path = path, .text = new_text,
				 .len = new_len };
	struct firewall copy = { .kind = fw->kind };
	int r = fw->kind->judge(ctx, &copy, &ov);

	if (r >= 0) {
		r = 0;
		for (size_t i = 0; i < copy.n_j; i++)
			if (strcmp(copy.j[i].label, j->label) == 0)
				r = copy.j[i].reach == FW_OPEN;
	}
	firewall_done(&copy);
	return r;
}

/* Plan @new_text for @path after checking that it opens the port. */
static int plan_checked(struct gp_ctx *ctx, struct firewall *fw,
			struct judgement *j, const char *path,
			const char *new_text, size_t new_len, mode_t mode,
			const char *why, char **ret_why_not)
{
	int r = opens(ctx, fw, j, path, new_text, new_len);

	if (r < 0)
		return r;
	if (r == 0) {
		*ret_why_not = strprintf("%s: the added rule would not open "
					 "the port", j->label);
		return *ret_why_not ? 0 : -ENOMEM;
	}
	if (j->probe)
		return 0;
	return gp_plan_write(ctx, path, new_text, new_len, mode, why);
}

static int open_iptables(struct gp_ctx *ctx, struct firewall *fw,
			 struct judgement *j, char **ret_why_not)
{
	_cleanup_free_ char *rule = NULL, *text = NULL, *why = NULL;
	size_t at, len;

	if (!j->file || !j->text)
		return 0;
	rule = strprintf("-A INPUT -p tcp -m state --state NEW -m tcp "
			 "--dport %u -j ACCEPT\n", ssh_port(ctx));
	why = strprintf("accept new connections to tcp/%u in %s",
			ssh_port(ctx), j->file);
	if (!rule || !why)
		return -ENOMEM;
	at = line_start(j->text, j->off);
	text = splice(j->text, j->len, at, rule, &len);
	if (!text)
		return -ENOMEM;
	return plan_checked(ctx, fw, j, j->file, text, len, 0600, why,
			    ret_why_not);
}

/* --- nftables ---------------------------------------------------------- */

/* The file nftables.service loads: its ExecStart's "-f FILE". */
static char *nft_config(struct gp_ctx *ctx, const struct gp_service *svc)
{
	_cleanup_free_ char *unit = NULL;
	size_t len;

	if (svc->unit_path &&
	    gp_root_read_file(gp_ctx_root(ctx), svc->unit_path, 0, &unit,
			      &len) == 0) {
		char *save = NULL;

		for (char *l = strtok_r(unit, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			char *f;

			if (!startswith(l, "ExecStart=") || !(f = strstr(l, " -f ")))
				continue;
			f += 4;
			f[strcspn(f, " \t;")] = '\0';
			if (f[0] == '/')
				return strdup(f);
		}
	}
	/* RHEL keeps it in /etc/sysconfig, Debian and Arch in /etc. */
	if (gp_root_exists(gp_ctx_root(ctx), "/etc/sysconfig/nftables.conf"))
		return strdup("/etc/sysconfig/nftables.conf");
	return strdup("/etc/nftables.conf");
}

static bool has_base(const struct fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].base)
			return true;
	return false;
}

static int judge_nftables(struct gp_ctx *ctx, struct firewall *fw,
			  const struct fw_overlay *ov)
{
	_cleanup_free_ char *conf = nft_config(ctx, &fw->svc);
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	struct judgement *j;
	int r;

	if (!conf)
		return -ENOMEM;
	j = judgement_new(fw, "%s", conf);
	if (!j)
		return -ENOMEM;
	r = fw_read_nftables(gp_ctx_root(ctx), ov, conf, &rs);
	if (r == -ENOENT) {
		j->reach = FW_OPEN;
		j->why = strprintf("%s: no rules", conf);
		fw_ruleset_done(&rs);
		return j->why ? 0 : -ENOMEM;
	}
	if (r < 0 && r != -ENOMEM)
		r = unknown(j, "%s cannot be read: %s", conf, strerror(-r));
	else if (r >= 0 && !has_base(&rs) && rs.n_problems)
		r = unknown(j, "%s: no input chain could be read: %s", conf,
			    rs.problems[0]);
	else if (r >= 0)
		r = judge_ruleset(ctx, j, &rs, &v);
	if (r >= 0 && v.chain)
		r = keep_file(ctx, j, ov, insert_file(&v), insert_offset(&v));
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
	return r;
}

/*
 * "tcp dport 22 accept" before the deciding rule, on a line of its own
 * when that rule starts a line (or before the chain's closing brace).
 */
static int open_nftables(struct gp_ctx *ctx, struct firewall *fw,
			 struct judgement *j, char **ret_why_not)
{
	_cleanup_free_ char *ins = NULL, *text = NULL, *why = NULL;
	size_t ls, len;

	if (!j->file || !j->text || j->off > j->len)
		return 0;
	ls = line_start(j->text, j->off);
	if (only_blanks(j->text + ls, j->off - ls) && j->text[j->off] != '}')
		ins = strprintf("tcp dport %u accept\n%.*s", ssh_port(ctx),
				(int)(j->off - ls), j->text + ls);
	else if (only_blanks(j->text + ls, j->off - ls))
		ins = strprintf("\ttcp dport %u accept\n%.*s", ssh_port(ctx),
				(int)(j->off - ls), j->text + ls);
	else
		ins = strprintf("tcp dport %u accept; ", ssh_port(ctx));
	why = strprintf("accept tcp/%u in the input chain of %s",
			ssh_port(ctx), j->file);
	if (!ins || !why)
		return -ENOMEM;
	text = splice(j->text, j->len, j->off, ins, &len);
	if (!text)
		return -ENOMEM;
	return plan_checked(ctx, fw, j, j->file, text, len, 0644, why,
			    ret_why_not);
}

/* --- firewalld ---------------------------------------------------------- */

static char *default_zone(struct gp_ctx *ctx)
{
	struct gp_kvfile kv = { 0 };
	const char *v;
	char *zone;

	if (gp_kv_load(gp_ctx_root(ctx), FIREWALLD_CONF, &kv) < 0)
		return strdup("public");
	v = gp_kv_get(&kv, "DefaultZone");
	zone = strdup(v && *v ? v : "public");
	gp_kv_done(&kv);
	return zone;
}

static int judge_zone(struct gp_ctx *ctx, struct firewall *fw,
		      const struct fw_overlay *ov, const char *zone,
		      const char *how)
{
	_cleanup_free_ char *chain = strprintf("zone %s", zone);
	struct fw_ruleset rs = { 0 };
	struct fw_zone z = { 0 };
	struct judgement *j = judgement_new(fw, "zone %s", zone);
	int r;

	if (!j || !chain)
		return -ENOMEM;
	j->zone = strdup(zone);
	if (!j->zone)
		return -ENOMEM;
	r = fw_read_firewalld_zone(gp_ctx_root(ctx), ov, zone, &rs, &z);
	if (r == -ENOENT)
		r = unknown(j, "%s zone \"%s\" is defined nowhere", how, zone);
	else if (r < 0 && r != -ENOMEM)
		r = unknown(j, "zone \"%s\" cannot be read: %s", zone,
			    strerror(-r));
	else if (r >= 0 && !fw_chain_find(&rs, chain))
		r = unknown(j, "%s: %s", z.path,
			    rs.n_problems ? rs.problems[0] : "not understood");
	else if (r >= 0)
		r = judge_ruleset(ctx, j, &rs, NULL);
	/* A copy of a /usr/lib zone needs somewhere to go. */
	if (r >= 0 && z.path && !z.etc &&
	    !gp_root_exists(gp_ctx_root(ctx), FIREWALLD_ZONES)) {
		r = strv_pushf(&j->problems, "no %s to save the zone in",
			       FIREWALLD_ZONES);
		z.close_off = 0;
	}
	if (r >= 0 && z.path && z.close_off) {
		j->file = TAKE_PTR(z.path);
		j->text = TAKE_PTR(z.text);
		j->len = z.len;
		j->off = z.close_off;
		j->etc = z.etc;
	}
	fw_zone_done(&z);
	fw_ruleset_done(&rs);
	return r;
}

/*
 * Zones in /etc bound to an interface decide for that interface; zones
 * bound to source addresses decide for those sources only.
 */
static int bound_zones(struct gp_ctx *ctx, const char *def, bool sources,
		       char ***ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;

	if (gp_root_opendir(gp_ctx_root(ctx), FIREWALLD_ZONES, &d) < 0) {
		*ret = NULL;
		return 0;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *name = NULL;
		struct fw_ruleset rs = { 0 };
		struct fw_zone z = { 0 };
		size_t n = strlen(de->d_name);

		if (n <= 4 || strcmp(de->d_name + n - 4, ".xml") != 0 ||
		    de->d_name[0] == '.')
			continue;
		name = strndup(de->d_name, n - 4);
		if (!name) {
			strv_free(names);
			return -ENOMEM;
		}
		if (strcmp(name, def) != 0 &&
		    fw_read_firewalld_zone(gp_ctx_root(ctx), NULL, name, &rs,
					   &z) == 0 &&
		    !strv_isempty(sources ? z.sources : z.interfaces) &&
		    strv_push(&names, name) < 0) {
			fw_zone_done(&z);
			fw_ruleset_done(&rs);
			strv_free(names);
			return -ENOMEM;
		}
		fw_zone_done(&z);
		fw_ruleset_done(&rs);
	}
	strv_sort(names);
	*ret = names;
	return 0;
}

/*
 * A zone bound to sources that lets the port in opens it to those
 * sources: "restricted" rather than "closed" for the default zone.
 */
static int source_zone(struct gp_ctx *ctx, struct judgement *def,
		       const char *zone)
{
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	struct fw_zone z = { 0 };
	_cleanup_free_ char *sources = NULL;
	int r = fw_read_firewalld_zone(gp_ctx_root(ctx), NULL, zone, &rs, &z);

	if (r == -ENOMEM)
		return r;
	if (r == 0 && fw_evaluate(&rs, ssh_port(ctx), &v) == 0 &&
	    v.reach == FW_OPEN) {
		sources = strv_join(z.sources, " ");
		r = !sources ? -ENOMEM :
		    strv_pushf(&def->partial, "%s: zone %s (only from %s)",
			       v.decided_by, zone, sources);
		if (r >= 0 && def->reach == FW_CLOSED)
			def->reach = FW_RESTRICTED;
	}
	fw_verdict_done(&v);
	fw_zone_done(&z);
	fw_ruleset_done(&rs);
	return r < 0 && r != -ENOMEM ? 0 : r;
}

/*
 * RHEL binds interfaces to zones in their ifcfg files too (ZONE=, which
 * NetworkManager hands to firewalld): those zones decide for them.
 */
static int ifcfg_zones(struct gp_ctx *ctx, const char *def, char ***zones)
{
	static const char *const dir = "/etc/sysconfig/network-scripts";
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r = 0;

	if (gp_root_opendir(gp_ctx_root(ctx), dir, &d) < 0)
		return 0;
	while (r >= 0 && (de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct gp_kvfile kv = { 0 };
		const char *zone;

		if (!startswith(de->d_name, "ifcfg-") ||
		    strcmp(de->d_name, "ifcfg-lo") == 0)
			continue;
		path = strprintf("%s/%s", dir, de->d_name);
		if (!path)
			return -ENOMEM;
		r = gp_kv_load(gp_ctx_root(ctx), path, &kv);
		if (r < 0) {
			r = r == -ENOMEM ? r : 0;
			continue;
		}
		zone = gp_kv_get(&kv, "ZONE");
		if (zone && *zone && strcmp(zone, def) != 0 &&
		    !gp_strv_contains(*zones, zone))
			r = strv_push(zones, zone);
		gp_kv_done(&kv);
	}
	if (r >= 0)
		strv_sort(*zones);
	return r;
}

static int judge_firewalld(struct gp_ctx *ctx, struct firewall *fw,
			   const struct fw_overlay *ov)
{
	_cleanup_free_ char *def = default_zone(ctx);
	_cleanup_(strv_freep) char **bound = NULL, **by_source = NULL;
	int r;

	if (!def)
		return -ENOMEM;
	r = judge_zone(ctx, fw, ov, def, "the default");
	if (r >= 0)
		r = bound_zones(ctx, def, true, &by_source);
	for (size_t i = 0; r >= 0 && by_source && by_source[i]; i++)
		r = source_zone(ctx, &fw->j[0], by_source[i]);
	/* Direct rules come before every zone; they are not read. */
	if (r >= 0 && gp_root_exists(gp_ctx_root(ctx),
				     "/etc/firewalld/direct.xml"))
		r = strv_pushf(&fw->j[0].problems, "/etc/firewalld/direct.xml:"
			       " direct rules are not evaluated");
	if (r >= 0)
		r = bound_zones(ctx, def, false, &bound);
	if (r >= 0)
		r = ifcfg_zones(ctx, def, &bound);
	/* A tree with more bound zones than that is told so. */
	for (size_t i = 0; r >= 0 && bound && bound[i]; i++)
		r = fw->n_j < MAX_JUDGEMENTS ?
		    judge_zone(ctx, fw, ov, bound[i], "the") :
		    strv_pushf(&fw->j[0].problems, "zone %s not judged: too "
			       "many zones bound to interfaces", bound[i]);
	return r;
}

/* firewall-cmd --permanent --add-service=ssh, as a file edit. */
static int open_firewalld(struct gp_ctx *ctx, struct firewall *fw,
			  struct judgement *j, char **ret_why_not)
{
	_cleanup_free_ char *elem = NULL, *ins = NULL, *text = NULL;
	_cleanup_free_ char *path = NULL, *why = NULL;
	size_t ls, len, at = j->off;

	if (!j->file || !j->text || j->off > j->len)
		return 0;
	elem = ssh_port(ctx) == 22 ?
	       strdup("<service name=\"ssh\"/>") :
	       strprintf("<port protocol=\"tcp\" port=\"%u\"/>", ssh_port(ctx));
	path = strprintf("%s/%s.xml", FIREWALLD_ZONES, j->zone);
	if (!elem || !path)
		return -ENOMEM;
	ls = line_start(j->text, j->off);
	if (only_blanks(j->text + ls, j->off - ls)) {
		ins = strprintf("  %s\n", elem);
		at = ls;
	} else {
		ins = strdup(elem);
	}
	why = strprintf("allow %s in firewalld zone %s%s", elem, j->zone,
			j->etc ? "" : " (a copy of the zone in /etc)");
	if (!ins || !why)
		return -ENOMEM;
	text = splice(j->text, j->len, at, ins, &len);
	if (!text)
		return -ENOMEM;
	return plan_checked(ctx, fw, j, path, text, len, 0644, why,
			    ret_why_not);
}

/* --- ufw ---------------------------------------------------------------- */

/* ufw-init hooks its chains on INPUT in this order. */
static const char *const ufw_hooks[] = {
	"ufw-before-logging-input", "ufw-before-input", "ufw-after-input",
	"ufw-after-logging-input", "ufw-reject-input", "ufw-track-input",
};

static int ufw_rule(struct fw_ruleset *rs, const char *chain,
		    const char *target)
{
	struct fw_chain *c;
	struct fw_rule *rule;
	int r = fw_chain_get(rs, chain, &c);

	if (r >= 0)
		r = fw_rule_new(c, "(ufw)", 0, 0, &rule);
	if (r < 0)
		return r;
	rule->text = strprintf("-A %s -j %s", chain, target);
	rule->target = strdup(target);
	return rule->text && rule->target ? 0 : -ENOMEM;
}

static int ufw_policy(struct gp_ctx *ctx, struct fw_ruleset *rs)
{
	struct gp_kvfile kv = { 0 };
	const struct gp_kv *p = NULL;
	struct fw_chain *c;
	int r = fw_chain_get(rs, "INPUT", &c);

	if (r < 0)
		return r;
	c->base = true;
	r = gp_kv_load(gp_ctx_root(ctx), UFW_DEFAULT, &kv);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		p = gp_kv_find(&kv, "DEFAULT_INPUT_POLICY");
	/* ufw's own default, and REJECT ends in a reject all the same. */
	c->policy = strdup(p && strcasecmp(p->value, "ACCEPT") == 0 ?
			   "ACCEPT" : p && strcasecmp(p->value, "REJECT") == 0 ?
			   "REJECT" : "DROP");
	c->policy_where = p ? strprintf("%s:%u: DEFAULT_INPUT_POLICY=%s",
					UFW_DEFAULT, p->line, p->value) :
			      strprintf("%s: no DEFAULT_INPUT_POLICY",
					UFW_DEFAULT);
	gp_kv_done(&kv);
	return c->policy && c->policy_where ? 0 : -ENOMEM;
}

static int ufw_read(struct gp_ctx *ctx, const struct fw_overlay *ov,
		    const char *path, struct fw_ruleset *rs)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = fw_read_file(gp_ctx_root(ctx), ov, path, FILE_MAX, &text, &len);

	if (r == -ENOENT)
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fw_problem(rs, "%s cannot be read: %s", path,
				  strerror(-r));
	return fw_read_iptables(rs, path, text, len);
}

static int judge_ufw(struct gp_ctx *ctx, struct firewall *fw,
		     const struct fw_overlay *ov)
{
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	struct judgement *j = judgement_new(fw, "%s", "");
	int r;

	if (!j)
		return -ENOMEM;
	r = ufw_policy(ctx, &rs);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(ufw_hooks); i++)
		r = ufw_rule(&rs, "INPUT", ufw_hooks[i]);
	if (r >= 0)
		r = ufw_read(ctx, ov, "/etc/ufw/before.rules", &rs);
	/* ufw hooks the user's rules at the end of ufw-before-input. */
	if (r >= 0)
		r = ufw_rule(&rs, "ufw-before-input", "ufw-user-input");
	if (r >= 0)
		r = ufw_read(ctx, ov, UFW_USER, &rs);
	if (r >= 0)
		r = ufw_read(ctx, ov, "/etc/ufw/after.rules", &rs);
	if (r >= 0)
		r = judge_ruleset(ctx, j, &rs, &v);
	if (r >= 0)
		r = keep_file(ctx, j, ov, UFW_USER, 0);
	/* Before the user rule that decides, else at the end of them. */
	if (r >= 0 && j->text)
		j->off = v.rule && strcmp(v.rule->file, UFW_USER) == 0 &&
				 v.rule->off <= j->len ?
			 v.rule->off : SIZE_MAX;
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
	return r;
}

/* The start of the "### tuple ###" comment above @off, if there is one. */
static size_t tuple_start(const char *text, size_t off)
{
	size_t prev;

	if (off == 0)
		return off;
	prev = line_start(text, off - 1);
	return startswith(text + prev, "### tuple ###") ? prev : off;
}

static bool find_marker(const char *text, const char *marker, size_t *ret)
{
	const char *p = strstr(text, marker);

	if (!p || (p != text && p[-1] != '\n'))
		return false;
	*ret = (size_t)(p - text);
	return true;
}

/* "ufw allow 22/tcp": the tuple comment and the rule, in ufw's words. */
static char *ufw_text(const char *text, size_t len, size_t at, bool v6,
		      unsigned port, size_t *ret_len)
{
	_cleanup_free_ char *ins = strprintf(
		"### tuple ### allow tcp %u %s any %s in\n"
		"-A %s-user-input -p tcp --dport %u -j ACCEPT\n\n", port,
		v6 ? "::/0" : "0.0.0.0/0", v6 ? "::/0" : "0.0.0.0/0",
		v6 ? "ufw6" : "ufw", port);

	return ins ? splice(text, len, at, ins, ret_len) : NULL;
}

static int open_ufw6(struct gp_ctx *ctx, unsigned port)
{
	_cleanup_free_ char *text = NULL, *new_text = NULL, *tuple = NULL;
	size_t len, new_len, at;
	int r;

	r = gp_root_read_file(gp_ctx_root(ctx), UFW_USER6, FILE_MAX, &text,
			      &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	tuple = strprintf("### tuple ### allow tcp %u ::/0 any ::/0 in\n",
			  port);
	if (!tuple)
		return -ENOMEM;
	if (strstr(text, tuple) || !find_marker(text, "### END RULES ###", &at))
		return 0;
	new_text = ufw_text(text, len, at, true, port, &new_len);
	if (!new_text)
		return -ENOMEM;
	return gp_plan_write(ctx, UFW_USER6, new_text, new_len, 0640,
			     "allow tcp to the ssh port in ufw (IPv6 rules)");
}

static int open_ufw(struct gp_ctx *ctx, struct firewall *fw,
		    struct judgement *j, char **ret_why_not)
{
	_cleanup_free_ char *text = NULL;
	size_t at, len;
	int r;

	if (!j->text)
		return 0;
	if (j->off != SIZE_MAX)
		at = tuple_start(j->text, j->off);
	else if (!find_marker(j->text, "### END RULES ###", &at)) {
		*ret_why_not = strprintf("%s: no \"### END RULES ###\" line",
					 UFW_USER);
		return *ret_why_not ? 0 : -ENOMEM;
	}
	text = ufw_text(j->text, j->len, at, false, ssh_port(ctx), &len);
	if (!text)
		return -ENOMEM;
	r = plan_checked(ctx, fw, j, UFW_USER, text, len, 0640,
			 "allow tcp to the ssh port in ufw", ret_why_not);
	if (r >= 0 && !*ret_why_not && !j->probe)
		r = open_ufw6(ctx, ssh_port(ctx));
	return r;
}

/* --- SuSEfirewall2 -------------------------------------------------------- */

static int suse_ports(struct fw_ruleset *rs, struct fw_chain *c,
		      const char *file, unsigned line, const char *text,
		      const char *list)
{
	_cleanup_(strv_freep) char **words = NULL;
	struct fw_rule *rule;
	int r = strv_split(list, &words);

	if (r < 0)
		return r;
	r = fw_rule_new(c, file, line, 0, &rule);
	if (r < 0)
		return r;
	rule->text = strdup(text);
	rule->target = strdup("ACCEPT");
	rule->proto = IPPROTO_TCP;
	if (!rule->text || !rule->target)
		return -ENOMEM;
	for (size_t i = 0; words && words[i]; i++) {
		uint16_t lo, hi;

		if (fw_parse_port(words[i], &lo, &hi) < 0)
			r = fw_problem(rs, "%s:%u: port \"%s\" not understood",
				       file, line, words[i]);
		else
			fw_ports_add(&rule->dport, lo, hi);
		if (r < 0)
			return r;
	}
	if (rule->dport.n == 0)
		rule->never = true;
	return 0;
}

/* FW_CONFIGURATIONS_EXT names files whose TCP= lists ports. */
static int suse_configurations(struct gp_ctx *ctx, struct fw_ruleset *rs,
			       struct fw_chain *c, const struct gp_kv *kv)
{
	static const char *const dirs[] = {
		"/etc/sysconfig/SuSEfirewall2.d/services",
		"/usr/share/SuSEfirewall2/services",
	};
	_cleanup_(strv_freep) char **names = NULL;
	int r = strv_split(kv->value, &names);

	for (size_t i = 0; r >= 0 && names && names[i]; i++) {
		bool found = false;

		for (size_t d = 0; !found && d < ARRAY_SIZE(dirs); d++) {
			_cleanup_free_ char *path = NULL, *text = NULL;
			struct gp_kvfile svc = { 0 };
			const struct gp_kv *tcp;

			if (strchr(names[i], '/'))
				break;
			path = strprintf("%s/%s", dirs[d], names[i]);
			if (!path)
				return -ENOMEM;
			if (gp_kv_load(gp_ctx_root(ctx), path, &svc) < 0)
				continue;
			found = true;
			tcp = gp_kv_find(&svc, "TCP");
			text = strprintf("FW_CONFIGURATIONS_EXT: %s (TCP=\"%s\")",
					 names[i], tcp ? tcp->value : "");
			r = !text ? -ENOMEM :
			    suse_ports(rs, c, SUSEFW, kv->line, text,
				       tcp ? tcp->value : "");
			gp_kv_done(&svc);
		}
		if (r >= 0 && !found)
			r = fw_problem(rs, "%s:%u: no service file \"%s\"",
				       SUSEFW, kv->line, names[i]);
	}
	return r;
}

/* FW_SERVICES_ACCEPT_EXT="NET,PROTO[,DPORT[,SPORT]] ...": from NET only. */
static int suse_accept(struct fw_ruleset *rs, struct fw_chain *c,
		       const struct gp_kv *kv)
{
	_cleanup_free_ char *copy = strdup(kv->value);
	char *save = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t\n", &save); w && r >= 0;
	     w = strtok_r(NULL, " \t\n", &save)) {
		char *f[4] = { NULL }, *s2 = NULL;
		struct fw_rule *rule;
		size_t n = 0;
		uint16_t lo, hi;

		for (char *p = strtok_r(w, ",", &s2); p && n < 4;
		     p = strtok_r(NULL, ",", &s2))
			f[n++] = p;
		if (n < 2)
			continue;
		r = fw_rule_new(c, SUSEFW, kv->line, 0, &rule);
		if (r < 0)
			return r;
		rule->text = strprintf("FW_SERVICES_ACCEPT_EXT: %s,%s%s%s",
				       f[0], f[1], f[2] ? "," : "",
				       f[2] ? f[2] : "");
		rule->target = strdup("ACCEPT");
		if (!rule->text || !rule->target)
			return -ENOMEM;
		rule->never = strcmp(f[1], "tcp") != 0;
		if (f[2] && fw_parse_port(f[2], &lo, &hi) == 0)
			fw_ports_add(&rule->dport, lo, hi);
		if (strcmp(f[0], "0/0") != 0 && strcmp(f[0], "0.0.0.0/0") != 0)
			r = fw_rule_only(rule, "from %s", f[0]);
	}
	return r;
}

static int judge_suse(struct gp_ctx *ctx, struct firewall *fw,
		      const struct fw_overlay *ov)
{
	_cleanup_free_ char *text = NULL;
	struct gp_kvfile kv = { 0 };
	struct fw_ruleset rs = { 0 };
	struct judgement *j = judgement_new(fw, "external zone");
	const struct gp_kv *it;
	struct fw_chain *c;
	size_t len;
	int r;

	if (!j)
		return -ENOMEM;
	r = fw_read_file(gp_ctx_root(ctx), ov, SUSEFW, FILE_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return unknown(j, "%s cannot be read: %s", SUSEFW, strerror(-r));
	r = gp_kv_parse(text, len, &kv);
	if (r >= 0)
		r = fw_chain_get(&rs, "ext", &c);
	if (r >= 0) {
		/* Everything from outside is dropped unless listed. */
		c->base = true;
		c->policy = strdup("DROP");
		c->policy_where = strprintf("%s: external zone", SUSEFW);
		if (!c->policy || !c->policy_where)
			r = -ENOMEM;
	}
	if (r >= 0 && (it = gp_kv_find(&kv, "FW_SERVICES_EXT_TCP")))
		r = suse_ports(&rs, c, SUSEFW, it->line, "FW_SERVICES_EXT_TCP",
			       it->value);
	if (r >= 0 && (it = gp_kv_find(&kv, "FW_CONFIGURATIONS_EXT")))
		r = suse_configurations(ctx, &rs, c, it);
	if (r >= 0 && (it = gp_kv_find(&kv, "FW_SERVICES_ACCEPT_EXT")))
		r = suse_accept(&rs, c, it);
	if (r >= 0)
		r = judge_ruleset(ctx, j, &rs, NULL);
	if (r >= 0) {
		j->file = strdup(SUSEFW);
		j->text = TAKE_PTR(text);
		j->len = len;
		if (!j->file)
			r = -ENOMEM;
	}
	gp_kv_done(&kv);
	fw_ruleset_done(&rs);
	return r;
}

/* Add the port to FW_SERVICES_EXT_TCP, as YaST's "open port" does. */
static int open_suse(struct gp_ctx *ctx, struct firewall *fw,
		     struct judgement *j, char **ret_why_not)
{
	_cleanup_free_ char *text = NULL, *line = NULL;
	struct gp_kvfile kv = { 0 };
	const struct gp_kv *it;
	size_t start = 0, end, len;
	int r;

	if (!j->text)
		return 0;
	r = gp_kv_parse(j->text, j->len, &kv);
	if (r < 0)
		return r;
	it = gp_kv_find(&kv, "FW_SERVICES_EXT_TCP");
	/* A value over several lines, or with quotes in it: left to people. */
	if (it && strpbrk(it->value, "\n\"$`\\")) {
		*ret_why_not = strprintf("%s:%u: FW_SERVICES_EXT_TCP is not a "
					 "simple value", SUSEFW, it->line);
		gp_kv_done(&kv);
		return *ret_why_not ? 0 : -ENOMEM;
	}
	line = it ? strprintf("FW_SERVICES_EXT_TCP=\"%s%s%u\"", it->value,
			      *it->value ? " " : "", ssh_port(ctx)) :
		    strprintf("FW_SERVICES_EXT_TCP=\"%u\"\n", ssh_port(ctx));
	if (it)	/* the assignment's line, replaced whole */
		for (unsigned n = 1; n < it->line && start < j->len; start++)
			if (j->text[start] == '\n')
				n++;
	end = it ? start + strcspn(j->text + start, "\n") : j->len;
	if (!it)
		start = end;
	gp_kv_done(&kv);
	if (!line)
		return -ENOMEM;
	text = malloc(j->len + strlen(line) + 2);
	if (!text)
		return -ENOMEM;
	memcpy(text, j->text, start);
	len = start;
	if (!it && start > 0 && j->text[start - 1] != '\n')
		text[len++] = '\n';
	/* text is counted by len, not a C string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(text + len, line, strlen(line));
	len += strlen(line);
	memcpy(text + len, j->text + end, j->len - end);
	len += j->len - end;
	return plan_checked(ctx, fw, j, SUSEFW, text, len, 0644,
			    "allow the ssh port in SuSEfirewall2's external "
			    "zone", ret_why_not);
}

/* --- ferm ---------------------------------------------------------------- */

/* Read, not edited: ferm's language is too rich to edit blindly. */
static int judge_ferm(struct gp_ctx *ctx, struct firewall *fw,
		      const struct fw_overlay *ov)
{
	struct fw_ruleset rs = { 0 };
	struct judgement *j = judgement_new(fw, "%s", FERM_CONF);
	int r;

	(void)ov;
	if (!j)
		return -ENOMEM;
	r = fw_read_ferm(gp_ctx_root(ctx), FERM_CONF, &rs);
	if (r == -ENOENT) {
		j->reach = FW_OPEN;
		j->why = strprintf("%s: no rules", FERM_CONF);
		r = j->why ? 0 : -ENOMEM;
	} else if (r < 0 && r != -ENOMEM) {
		r = unknown(j, "%s cannot be read: %s", FERM_CONF,
			    strerror(-r));
	} else if (r >= 0 && !fw_chain_find(&rs, "INPUT") && rs.n_problems) {
		r = unknown(j, "%s: %s", FERM_CONF, rs.problems[0]);
	} else if (r >= 0) {
		r = judge_ruleset(ctx, j, &rs, NULL);
	}
	fw_ruleset_done(&rs);
	return r;
}

/* --- the firewalls -------------------------------------------------------- */

static const char *const firewalld_names[] = { "firewalld", NULL };
static const char *const ufw_names[] = { "ufw", NULL };
static const char *const iptables_names[] = { "iptables", NULL };
static const char *const persistent_names[] = {
	"netfilter-persistent", "iptables-persistent", NULL,
};
static const char *const nftables_names[] = { "nftables", NULL };
static const char *const suse_names[] = {
	"SuSEfirewall2", "SuSEfirewall2_setup", NULL,
};
static const char *const ferm_names[] = { "ferm", NULL };

static const struct kind kinds[] = {
	{ "firewalld", firewalld_names, service_activity, judge_firewalld,
	  open_firewalld },
	{ "ufw", ufw_names, ufw_activity, judge_ufw, open_ufw },
	{ "iptables", iptables_names, service_activity, judge_iptables,
	  open_iptables },
	{ "netfilter-persistent", persistent_names, service_activity,
	  judge_persistent, open_iptables },
	{ "nftables", nftables_names, service_activity, judge_nftables,
	  open_nftables },
	{ "SuSEfirewall2", suse_names, service_activity, judge_suse,
	  open_suse },
	{ "ferm", ferm_names, service_activity, judge_ferm, NULL },
};

#define N_KINDS ARRAY_SIZE(kinds)

struct scan {
	struct firewall fw[ARRAY_SIZE(kinds)];
	size_t n_active;
};

static void scan_done(struct scan *s)
{
	for (size_t i = 0; i < N_KINDS; i++)
		firewall_done(&s->fw[i]);
}

/* Which firewalls start at boot; with @judge, what they do to the port. */
static int scan(struct gp_ctx *ctx, bool judge, struct scan *s)
{
	int r = 0;

	*s = (struct scan){ .n_active = 0 };
	for (size_t i = 0; i < N_KINDS && r >= 0; i++) {
		struct firewall *fw = &s->fw[i];

		fw->kind = &kinds[i];
		r = gp_service_lookup(gp_ctx_root(ctx), kinds[i].services,
				      &fw->svc);
		if (r >= 0)
			r = kinds[i].activity(ctx, fw);
		if (r >= 0 && fw->active) {
			s->n_active++;
			if (judge)
				r = kinds[i].judge(ctx, fw, NULL);
		}
	}
	if (r < 0)
		scan_done(s);
	return r;
}

/* --- firewall.active ------------------------------------------------------ */

static bool fix_disables(const struct gp_ctx *ctx)
{
	const char *m = gp_ctx_profile(ctx)->firewall_fix_mode;

	return m && strcmp(m, "disable") == 0;
}

/* firewall.fix_mode is "open" or "disable"; anything else plans nothing. */
static bool fix_mode_known(const struct gp_ctx *ctx)
{
	const char *m = gp_ctx_profile(ctx)->firewall_fix_mode;

	return !m || strcmp(m, "open") == 0 || strcmp(m, "disable") == 0;
}

static char *active_names(const struct scan *s)
{
	char *names = NULL;

	for (size_t i = 0; i < N_KINDS; i++) {
		char *n;

		if (!s->fw[i].active)
			continue;
		n = names ? strprintf("%s, %s", names, kinds[i].name) :
			    strdup(kinds[i].name);
		free(names);
		names = n;
		if (!names)
			return NULL;
	}
	return names;
}

static void all_evidence(struct gp_finding *f, const struct scan *s)
{
	for (size_t i = 0; i < N_KINDS; i++)
		for (size_t k = 0; s->fw[i].evidence && s->fw[i].evidence[k];
		     k++)
			gp_evidence(f, "%s", s->fw[i].evidence[k]);
}

static int check_active(struct gp_ctx *ctx)
{
	_cleanup_free_ char *names = NULL;
	struct gp_finding *f;
	struct scan s;
	int r = scan(ctx, false, &s);

	if (r < 0)
		return r;
	if (s.n_active == 0) {
		f = gp_emit(ctx, "firewall.active", GP_PASS,
			    "no firewall starts at boot");
	} else {
		names = active_names(&s);
		f = gp_emit(ctx, "firewall.active",
			    gp_ctx_profile(ctx)->firewall_active,
			    "%s start%s at boot", names ? names : "firewalls",
			    s.n_active == 1 ? "s" : "");
		gp_remedy(f, "disable %s, or make sure it lets tcp/%u in "
			  "(see firewall.ssh_port)",
			  s.n_active == 1 ? "it" : "them", ssh_port(ctx));
		gp_set_fixable(f, fix_disables(ctx));
	}
	all_evidence(f, &s);
	scan_done(&s);
	return 0;
}

/* --- firewall.ssh_port ---------------------------------------------------- */

static enum gp_status reach_status(const struct gp_ctx *ctx, int reach)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);

	switch (reach) {
	case FW_OPEN:
		return GP_PASS;
	case FW_RESTRICTED:
		return p->firewall_restricted;
	case FW_CLOSED:
		return p->firewall_blocked;
	default:
		return GP_WARN;
	}
}

static const char *reach_name(int reach)
{
	return reach == REACH_UNKNOWN ? "not evaluated" :
					fw_reach_name((enum fw_reach)reach);
}

static void judgement_evidence(struct gp_finding *f, const char *fw,
			       const struct judgement *j)
{
	const char *sep = *j->label ? " " : "";

	gp_evidence(f, "%s%s%s: %s: %s", fw, sep, j->label,
		    reach_name(j->reach), j->why ? j->why : "");
	for (size_t i = 0; j->partial && j->partial[i]; i++)
		gp_evidence(f, "%s%s%s: lets in %s", fw, sep, j->label,
			    j->partial[i]);
	for (size_t i = 0; j->problems && j->problems[i]; i++)
		gp_evidence(f, "%s%s%s: %s", fw, sep, j->label,
			    j->problems[i]);
}

/*
 * Could the fixer mend every judgement that is not open?  Each opener
 * tries its edit on a copy, so a finding is fixable only when the edit
 * would open the port.
 */
static int can_fix(struct gp_ctx *ctx, struct scan *s, bool *ret)
{
	*ret = fix_mode_known(ctx);
	if (!*ret || fix_disables(ctx))
		return 0;
	for (size_t i = 0; i < N_KINDS; i++)
		for (size_t k = 0; k < s->fw[i].n_j && *ret; k++) {
			struct judgement *j = &s->fw[i].j[k];
			_cleanup_free_ char *why_not = NULL;
			int r;

			if (j->reach == FW_OPEN)
				continue;
			if (!kinds[i].open || !j->text) {
				*ret = false;
				continue;
			}
			j->probe = true;
			r = kinds[i].open(ctx, &s->fw[i], j, &why_not);
			j->probe = false;
			if (r < 0)
				return r;
			*ret = !why_not;
		}
	return 0;
}

static int check_ssh_port(struct gp_ctx *ctx)
{
	enum gp_status worst = GP_PASS;
	const char *what = "lets", *who = NULL;
	bool fixes = false;
	struct gp_finding *f;
	struct scan s;
	int r = scan(ctx, true, &s);

	if (r < 0)
		return r;
	if (s.n_active && (r = can_fix(ctx, &s, &fixes)) < 0) {
		scan_done(&s);
		return r;
	}
	for (size_t i = 0; i < N_KINDS; i++)
		for (size_t k = 0; k < s.fw[i].n_j; k++) {
			int reach = s.fw[i].j[k].reach;
			enum gp_status st = reach_status(ctx, reach);

			if (st > worst || (st == worst && !who && reach)) {
				worst = st;
				who = kinds[i].name;
				what = reach == FW_CLOSED ? "closes" :
				       reach == FW_RESTRICTED ?
				       "restricts" :
				       reach == REACH_UNKNOWN ?
				       "could not be judged for" : "lets";
			}
		}
	if (s.n_active == 0) {
		gp_emit(ctx, "firewall.ssh_port", GP_PASS,
			"no firewall will filter tcp/%u at boot",
			ssh_port(ctx));
	} else {
		_cleanup_free_ char *names = active_names(&s);

		/* "ufw closes tcp/22", "firewalld lets tcp/22 in" */
		f = gp_emit(ctx, "firewall.ssh_port", worst, "%s %s tcp/%u%s",
			    who ? who : names ? names : "the firewall", what,
			    ssh_port(ctx),
			    strcmp(what, "lets") == 0 ? " in" :
			    strcmp(what, "restricts") == 0 ?
			    " to some sources or interfaces" : "");
		for (size_t i = 0; i < N_KINDS; i++)
			for (size_t k = 0; k < s.fw[i].n_j; k++)
				judgement_evidence(f, kinds[i].name,
						   &s.fw[i].j[k]);
		if (worst != GP_PASS) {
			gp_remedy(f, "open tcp/%u in the firewall (firewalld: "
				  "firewall-cmd --permanent --add-service=ssh; "
				  "ufw: ufw allow %u/tcp; iptables: an ACCEPT "
				  "rule before the one that rejects it), or "
				  "disable the firewall", ssh_port(ctx),
				  ssh_port(ctx));
			gp_set_fixable(f, fixes);
		}
	}
	scan_done(&s);
	return 0;
}

/* --- firewall.live -------------------------------------------------------- */

static void proc_evidence(struct gp_ctx *ctx, struct gp_finding *f,
			  const char *path, const char *what)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (gp_root_read_file(gp_ctx_root(ctx), path, 1u << 16, &text,
			      &len) < 0)
		return;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		gp_evidence(f, "%s: %s %s", path, what, l);
}

static int check_live(struct gp_ctx *ctx)
{
	struct gp_finding *f;

	if (!gp_ctx_host(ctx)->live) {
		gp_emit(ctx, "firewall.live", GP_SKIP,
			"not a live system: only the configuration counts");
		return 0;
	}
	/* Reading netfilter needs CAP_NET_ADMIN, which check mode drops. */
	f = gp_emit(ctx, "firewall.live", GP_SKIP,
		    "the running rules are not read (that needs "
		    "CAP_NET_ADMIN); the next boot's configuration is judged");
	proc_evidence(ctx, f, "/proc/net/ip_tables_names",
		      "iptables table loaded:");
	proc_evidence(ctx, f, "/proc/net/ip6_tables_names",
		      "ip6tables table loaded:");
	return 0;
}

/* --- fixers --------------------------------------------------------------- */

/* ufw disable: ENABLED=no in ufw.conf, the rest left alone. */
static int disable_ufw(struct gp_ctx *ctx)
{
	_cleanup_free_ char *text = NULL, *out = NULL;
	struct gp_kvfile kv = { 0 };
	const struct gp_kv *en;
	size_t len, start = 0, end;
	int r;

	r = gp_root_read_file(gp_ctx_root(ctx), UFW_CONF, 0, &text, &len);
	if (r < 0)
		return r;
	r = gp_kv_parse(text, len, &kv);
	if (r < 0)
		return r;
	en = gp_kv_find(&kv, "ENABLED");
	for (unsigned n = 1; en && n < en->line && start < len; start++)
		if (text[start] == '\n')
			n++;
	gp_kv_done(&kv);
	if (!en)
		return 0;
	end = start + strcspn(text + start, "\n");
	out = malloc(len + 16);
	if (!out)
		return -ENOMEM;
	memcpy(out, text, start);
	/* out is counted, not a C string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(out + start, "ENABLED=no", 10);
	memcpy(out + start + 10, text + end, len - end);
	return gp_plan_write(ctx, UFW_CONF, out, start + 10 + len - end, 0644,
			     "disable ufw (ufw disable)");
}

static int disable_service(struct gp_ctx *ctx, const struct firewall *fw)
{
	const struct gp_service *s = &fw->svc;
	int r = 0;

	for (size_t i = 0; r >= 0 && s->enabled_by && s->enabled_by[i]; i++) {
		const char *p = s->enabled_by[i];
		_cleanup_free_ char *why = strprintf("disable %s at boot",
						     fw->kind->name);

		if (!why)
			return -ENOMEM;
		if (startswith(p, "/etc/init/") && endswith(p, ".conf")) {
			_cleanup_free_ char *o = strprintf(
				"%.*s.override", (int)(strlen(p) - 5), p);

			r = o ? gp_plan_write(ctx, o, "manual\n", 7, 0644, why) :
				-ENOMEM;
		} else if (startswith(p, "/etc/")) {
			r = gp_plan_remove(ctx, p, why);
		} else if (s->unit && s->init == GP_INIT_SYSTEMD) {
			_cleanup_free_ char *mask = strprintf(
				"/etc/systemd/system/%s", s->unit);

			r = mask ? gp_plan_symlink(ctx, mask, "/dev/null", why) :
				   -ENOMEM;
		}
		if (r == -EEXIST)	/* planned by the other check */
			r = 0;
	}
	/* firewalld's D-Bus alias goes with "systemctl disable" too. */
	if (r >= 0 && strcmp(fw->kind->name, "firewalld") == 0) {
		r = gp_plan_remove(ctx, "/etc/systemd/system/dbus-org."
					"fedoraproject.FirewallD1.service",
				   "disable firewalld at boot");
		if (r == -EEXIST)
			r = 0;
	}
	return r;
}

static int disable_all(struct gp_ctx *ctx, const struct scan *s)
{
	int r = 0;

	for (size_t i = 0; i < N_KINDS && r >= 0; i++) {
		if (!s->fw[i].active)
			continue;
		if (strcmp(kinds[i].name, "ufw") == 0)
			r = disable_ufw(ctx);
		else
			r = disable_service(ctx, &s->fw[i]);
	}
	return r;
}

static int fix_active(struct gp_ctx *ctx)
{
	struct scan s;
	int r;

	if (!fix_disables(ctx))
		return 0;
	r = scan(ctx, false, &s);
	if (r < 0)
		return r;
	r = disable_all(ctx, &s);
	scan_done(&s);
	return r;
}

static int fix_ssh_port(struct gp_ctx *ctx)
{
	struct scan s;
	int r;

	if (!fix_mode_known(ctx))
		return -EINVAL;
	r = scan(ctx, true, &s);
	if (r < 0)
		return r;
	if (fix_disables(ctx)) {
		r = disable_all(ctx, &s);
		scan_done(&s);
		return r;
	}
	for (size_t i = 0; i < N_KINDS && r >= 0; i++)
		for (size_t k = 0; k < s.fw[i].n_j && r >= 0; k++) {
			struct judgement *j = &s.fw[i].j[k];
			_cleanup_free_ char *why_not = NULL;

			if (j->reach == FW_OPEN || !kinds[i].open)
				continue;
			r = kinds[i].open(ctx, &s.fw[i], j, &why_not);
			if (r >= 0 && why_not)
				gp_debug("firewall: %s", why_not);
		}
	scan_done(&s);
	return r;
}

static const struct gp_check firewall_checks[] = {
	{ "firewall.active", "which firewalls start at boot", check_active,
	  fix_active },
	{ "firewall.ssh_port", "whether the firewall lets tcp/22 in",
	  check_ssh_port, fix_ssh_port },
	{ "firewall.live", "the running firewall (supporting evidence)",
	  check_live, NULL },
	{ 0 },
};

const struct gp_plugin firewall_plugin = {
	.name = "firewall",
	.summary = "firewalld, ufw, iptables, nftables, SuSEfirewall2 and "
		   "ferm: tcp/22 at the next boot",
	.targets = GP_TARGET_LINUX,
	.checks = firewall_checks,
};
