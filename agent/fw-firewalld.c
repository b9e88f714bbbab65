/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewalld's permanent configuration (include/guestprep/fwrules.h):
 * zone and service XML files, read with expat into a small tree.
 *
 * A file in /etc/firewalld/{zones,services} replaces the one of the same
 * name in /usr/lib/firewalld; that is how firewall-cmd --permanent
 * saves a changed zone.  Within a zone, firewalld checks rich rules that
 * drop or reject before those that accept (its _deny and _allow chains),
 * services and ports accept, and the zone's target takes the rest:
 * "default" (and the old "%%REJECT%%") rejects.
 */
#include "config.h"

#include <expat.h>
#include <netinet/in.h>
#include <string.h>

#include "guestprep/fwrules.h"
#include "util.h"

#define XML_MAX (1u << 20)
#define MAX_NODES 4096
#define MAX_SERVICE_INCLUDES 8

struct xnode {
	char *name;
	char **attrs;		/* name, value, name, value, ..., NULL */
	unsigned line;
	size_t off;
	size_t end_off;		/* where its end tag starts */
	struct xnode *parent;
	struct xnode **kids;
	size_t n_kids;
};

static void xnode_free(struct xnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_kids; i++)
		xnode_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	strv_free(n->attrs);
	free(n);
}

static const char *xattr(const struct xnode *n, const char *name)
{
	for (size_t i = 0; n->attrs && n->attrs[i] && n->attrs[i + 1]; i += 2)
		if (strcmp(n->attrs[i], name) == 0)
			return n->attrs[i + 1];
	return NULL;
}

struct xparse {
	XML_Parser p;
	struct xnode *root, *cur;
	size_t n_nodes;
	int error;
};

static void XMLCALL on_start(void *data, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct xparse *x = data;
	struct xnode *n, **kids;

	if (x->error)
		return;
	if (++x->n_nodes > MAX_NODES || (!x->cur && x->root)) {
		x->error = -E2BIG;
		XML_StopParser(x->p, XML_FALSE);
		return;
	}
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name)))
		goto oom;
	n->line = (unsigned)XML_GetCurrentLineNumber(x->p);
	n->off = (size_t)XML_GetCurrentByteIndex(x->p);
	for (size_t i = 0; attrs[i]; i++)
		if (strv_push(&n->attrs, attrs[i]) < 0)
			goto oom;
	n->parent = x->cur;
	if (x->cur) {
		kids = realloc(x->cur->kids,
			       /* An array of pointers: sizeof(*kids) is meant. */
			       /* NOLINTNEXTLINE(bugprone-sizeof-expression) */
			       (x->cur->n_kids + 1) * sizeof(*kids));
		if (!kids)
			goto oom;
		x->cur->kids = kids;
		kids[x->cur->n_kids++] = n;
	} else {
		x->root = n;
	}
	x->cur = n;
	return;
oom:
	xnode_free(n);
	x->error = -ENOMEM;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
	struct xparse *x = data;

	(void)name;
	if (x->error || !x->cur)
		return;
	x->cur->end_off = (size_t)XML_GetCurrentByteIndex(x->p);
	x->cur = x->cur->parent;
}

/* Parse @text; on a syntax error, *ret_error says where. */
static int xml_parse(const char *text, size_t len, struct xnode **ret,
		     char **ret_error)
{
	struct xparse x = { 0 };
	int r = 0;

	x.p = XML_ParserCreate(NULL);
	if (!x.p)
		return -ENOMEM;
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, on_start, on_end);
	if (len > INT32_MAX ||
	    XML_Parse(x.p, text, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
		r = x.error ? x.error : -EINVAL;
		if (r == -EINVAL)
			*ret_error = strprintf("line %lu: %s",
					       XML_GetCurrentLineNumber(x.p),
					       XML_ErrorString(
						       XML_GetErrorCode(x.p)));
	}
	XML_ParserFree(x.p);
	if (r == 0 && !x.root)
		r = -EINVAL;
	if (r < 0) {
		xnode_free(x.root);
		return r;
	}
	*ret = x.root;
	return 0;
}

/* The file NAME.xml in /etc/firewalld/@kind, else /usr/lib/firewalld. */
static int read_config(const struct gp_root *root,
		       const struct fw_overlay *ov, const char *kind,
		       const char *name, char **ret_path, char **ret_text,
		       size_t *ret_len, bool *ret_etc)
{
	static const char *const dirs[] = {
		"/etc/firewalld", "/usr/lib/firewalld",
		"/usr/share/firewalld",
	};
	int r = -ENOENT;

	if (strchr(name, '/') || name[0] == '.')
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *path = strprintf("%s/%s/%s.xml", dirs[i], kind, name);

		if (!path)
			return -ENOMEM;
		r = fw_read_file(root, ov, path, XML_MAX, ret_text, ret_len);
		if (r == 0) {
			*ret_path = path;
			*ret_etc = i == 0;
			return 0;
		}
		free(path);
		if (r != -ENOENT)
			return r;
	}
	return r;
}

struct zone_reader {
	const struct gp_root *root;
	const struct fw_overlay *ov;
	struct fw_ruleset *rs;
	const char *file;
};

static int service_ports(struct zone_reader *z, const char *name,
			 struct fw_ports *ports, unsigned depth);

static int port_element(const struct xnode *n, struct fw_ports *ports)
{
	const char *proto = xattr(n, "protocol"), *port = xattr(n, "port");
	uint16_t lo, hi;

	if (!proto || !port || strcmp(proto, "tcp") != 0)
		return 0;
	if (fw_parse_port(port, &lo, &hi) < 0)
		return -EINVAL;
	return fw_ports_add(ports, lo, hi) < 0 ? -EINVAL : 0;
}

static int service_ports(struct zone_reader *z, const char *name,
			 struct fw_ports *ports, unsigned depth)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *error = NULL;
	struct xnode *doc = NULL;
	size_t len;
	bool etc;
	int r;

	if (depth > MAX_SERVICE_INCLUDES)
		return -ELOOP;
	r = read_config(z->root, z->ov, "services", name, &path, &text, &len, &etc);
	if (r == -ENOENT && strcmp(name, "ssh") == 0)
		return fw_ports_add(ports, 22, 22);	/* firewalld's own */
	if (r < 0)
		return r;
	r = xml_parse(text, len, &doc, &error);
	if (r < 0) {
		if (r == -EINVAL)
			r = fw_problem(z->rs, "%s: %s", path,
				       error ? error : "not XML");
		return r < 0 ? r : -EINVAL;
	}
	for (size_t i = 0; i < doc->n_kids && r >= 0; i++) {
		const struct xnode *k = doc->kids[i];

		if (strcmp(k->name, "port") == 0)
			r = port_element(k, ports);
		else if (strcmp(k->name, "include") == 0 && xattr(k, "service"))
			r = service_ports(z, xattr(k, "service"), ports,
					  depth + 1);
	}
	xnode_free(doc);
	return r == -ENOENT ? 0 : r;
}

/* A rule accepting the service's or port's TCP ports. */
static int port_rule(struct zone_reader *z, struct fw_rule *rule,
		     const struct xnode *n)
{
	const char *name = xattr(n, "name");
	int r;

	if (strcmp(n->name, "port") == 0) {
		r = port_element(n, &rule->dport);
		if (r == 0 && rule->dport.n == 0)
			rule->never = true;	/* udp, sctp */
	} else {
		r = name ? service_ports(z, name, &rule->dport, 0) : -EINVAL;
		if (r == -ENOENT)
			r = fw_problem(z->rs, "%s:%u: no service \"%s\"",
				       z->file, n->line, name);
		if (r >= 0 && rule->dport.n == 0)
			rule->never = true;	/* none of it is TCP */
	}
	if (r == -EINVAL || r == -ELOOP) {
		rule->never = true;
		return fw_problem(z->rs, "%s:%u: <%s> not understood",
				  z->file, n->line, n->name);
	}
	rule->proto = IPPROTO_TCP;
	return r < 0 ? r : 0;
}

static int add_port_rule(struct zone_reader *z, struct fw_chain *c,
			 const struct xnode *n)
{
	struct fw_rule *rule;
	int r = fw_rule_new(c, z->file, n->line, n->off, &rule);

	if (r < 0)
		return r;
	rule->text = strprintf("<%s %s=\"%s\"/>", n->name,
			       xattr(n, "name") ? "name" : "port",
			       xattr(n, "name") ? xattr(n, "name") :
			       xattr(n, "port") ? xattr(n, "port") : "");
	rule->target = strdup("ACCEPT");
	if (!rule->text || !rule->target)
		return -ENOMEM;
	return port_rule(z, rule, n);
}

enum rich_class {
	RICH_NONE,	/* log, audit, mark: no verdict */
	RICH_DENY,
	RICH_ALLOW,
};

static enum rich_class rich_action(const struct xnode *rule,
				   const char **ret_target)
{
	for (size_t i = 0; i < rule->n_kids; i++) {
		const char *n = rule->kids[i]->name;

		if (strcmp(n, "accept") == 0) {
			*ret_target = "ACCEPT";
			return RICH_ALLOW;
		}
		if (strcmp(n, "drop") == 0 || strcmp(n, "reject") == 0) {
			*ret_target = n[0] == 'd' ? "DROP" : "REJECT";
			return RICH_DENY;
		}
	}
	return RICH_NONE;
}

static bool is_true(const char *s)
{
	return s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0);
}

static int rich_element(struct zone_reader *z, struct fw_rule *rule,
			const struct xnode *k)
{
	const char *n = k->name;
	const char *addr = xattr(k, "address");

	if (strcmp(n, "source") == 0 || strcmp(n, "destination") == 0) {
		if (is_true(xattr(k, "invert")))
			return 0;
		if (addr && (strcmp(addr, "0.0.0.0/0") == 0))
			return 0;
		return fw_rule_only(rule, "%s %s", n[0] == 's' ? "from" : "to",
				    addr ? addr : xattr(k, "ipset") ?
				    xattr(k, "ipset") : xattr(k, "mac") ?
				    xattr(k, "mac") : "?");
	}
	if (strcmp(n, "service") == 0 || strcmp(n, "port") == 0)
		return port_rule(z, rule, k);
	if (strcmp(n, "protocol") == 0) {
		const char *v = xattr(k, "value");

		rule->never = rule->never || !v || strcmp(v, "tcp") != 0;
		return 0;
	}
	if (strcmp(n, "icmp-block") == 0 || strcmp(n, "icmp-type") == 0 ||
	    strcmp(n, "forward-port") == 0 || strcmp(n, "masquerade") == 0) {
		rule->never = true;
		return 0;
	}
	if (strcmp(n, "source-port") == 0)
		return fw_rule_only(rule, "from port %s",
				    xattr(k, "port") ? xattr(k, "port") : "?");
	return 0;	/* accept, log, audit, limit */
}

static int add_rich_rule(struct zone_reader *z, struct fw_chain *c,
			 const struct xnode *n, const char *target)
{
	const char *family = xattr(n, "family");
	struct fw_rule *rule;
	int r = fw_rule_new(c, z->file, n->line, n->off, &rule);

	if (r < 0)
		return r;
	rule->text = strprintf("rich rule%s%s, %s", family ? " family " : "",
			       family ? family : "", target);
	rule->target = strdup(target);
	if (!rule->text || !rule->target)
		return -ENOMEM;
	if (family && strcmp(family, "ipv4") != 0)
		rule->never = true;
	for (size_t i = 0; i < n->n_kids && r >= 0; i++)
		r = rich_element(z, rule, n->kids[i]);
	return r;
}

static long rich_priority(const struct xnode *n)
{
	const char *p = xattr(n, "priority");

	return p ? strtol(p, NULL, 10) : 0;
}

/*
 * Rich rules by priority (lowest first); at priority 0, those that deny
 * before those that allow, then services and ports.
 */
static int zone_rules(struct zone_reader *z, struct fw_chain *c,
		      const struct xnode *doc)
{
	int r = 0;

	for (int pass = 0; pass < 4 && r >= 0; pass++)
		for (size_t i = 0; i < doc->n_kids && r >= 0; i++) {
			const struct xnode *k = doc->kids[i];
			const char *target = NULL;
			long prio;
			enum rich_class cls;

			if (strcmp(k->name, "rule") != 0) {
				if (pass == 2 && (strcmp(k->name, "service") ==
							  0 ||
						  strcmp(k->name, "port") == 0))
					r = add_port_rule(z, c, k);
				continue;
			}
			cls = rich_action(k, &target);
			prio = rich_priority(k);
			if (cls == RICH_NONE)
				continue;
			if ((pass == 0 && prio < 0) ||
			    (pass == 1 && prio == 0 && cls == RICH_DENY) ||
			    (pass == 2 && prio == 0 && cls == RICH_ALLOW) ||
			    (pass == 3 && prio > 0))
				r = add_rich_rule(z, c, k, target);
		}
	return r;
}

static const char *zone_target(const char *t)
{
	if (!t || strcmp(t, "default") == 0 || strcmp(t, "%%REJECT%%") == 0 ||
	    strcmp(t, "REJECT") == 0)
		return "REJECT";
	if (strcmp(t, "DROP") == 0)
		return "DROP";
	if (strcmp(t, "ACCEPT") == 0)
		return "ACCEPT";
	return NULL;
}

static int zone_bindings(const struct xnode *doc, struct fw_zone *zone)
{
	for (size_t i = 0; i < doc->n_kids; i++) {
		const struct xnode *k = doc->kids[i];
		const char *v;

		if (strcmp(k->name, "interface") == 0 && (v = xattr(k, "name")) &&
		    strv_push(&zone->interfaces, v) < 0)
			return -ENOMEM;
		if (strcmp(k->name, "source") == 0 &&
		    (v = xattr(k, "address")) &&
		    strv_push(&zone->sources, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int zone_chain(struct zone_reader *z, const char *name,
		      const struct xnode *doc, struct fw_zone *zone)
{
	_cleanup_free_ char *chain_name = strprintf("zone %s", name);
	const char *target = zone_target(xattr(doc, "target"));
	struct fw_chain *c;
	int r;

	if (!chain_name)
		return -ENOMEM;
	r = fw_chain_get(z->rs, chain_name, &c);
	if (r < 0)
		return r;
	c->base = true;
	c->file = strdup(z->file);
	c->end_off = doc->end_off;
	c->policy = strdup(target ? target : "REJECT");
	c->policy_where = strprintf("%s:%u: target %s", z->file, doc->line,
				    xattr(doc, "target") ?
				    xattr(doc, "target") : "default");
	if (!c->file || !c->policy || !c->policy_where)
		return -ENOMEM;
	if (!target)
		r = fw_problem(z->rs, "%s:%u: unknown zone target \"%s\"",
			       z->file, doc->line, xattr(doc, "target"));
	return r < 0 ? r : zone_rules(z, c, doc);
}

int fw_read_firewalld_zone(const struct gp_root *root,
			   const struct fw_overlay *ov, const char *name,
			   struct fw_ruleset *rs, struct fw_zone *ret)
{
	struct fw_zone zone = { 0 };
	struct xnode *doc = NULL;
	_cleanup_free_ char *error = NULL;
	struct zone_reader z = { .root = root, .ov = ov, .rs = rs };
	int r;

	r = read_config(root, ov, "zones", name, &zone.path, &zone.text, &zone.len,
			&zone.etc);
	if (r < 0)
		return r;
	z.file = zone.path;
	r = fw_ruleset_add_file(rs, zone.path);
	if (r >= 0)
		r = xml_parse(zone.text, zone.len, &doc, &error);
	if (r == -EINVAL || r == -E2BIG ||
	    (r == 0 && strcmp(doc->name, "zone") != 0)) {
		r = fw_problem(rs, "%s: not a firewalld zone: %s", zone.path,
			       error ? error : "wrong root element");
		if (r >= 0) {
			xnode_free(doc);
			*ret = zone;
			return 0;
		}
	}
	if (r >= 0) {
		zone.close_off = doc->end_off;
		r = zone_bindings(doc, &zone);
	}
	if (r >= 0)
		r = zone_chain(&z, name, doc, &zone);
	xnode_free(doc);
	if (r < 0) {
		fw_zone_done(&zone);
		return r;
	}
	*ret = zone;
	return 0;
}

void fw_zone_done(struct fw_zone *z)
{
	free(z->path);
	free(z->text);
	strv_free(z->interfaces);
	strv_free(z->sources);
	*z = (struct fw_zone){ 0 };
}
