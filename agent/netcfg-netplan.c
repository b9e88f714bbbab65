/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netplan: *.yaml in /lib/netplan, /etc/netplan and /run/netplan, read
 * with libyaml.  netplan takes the files in the lexical order of their
 * names (a name in /run shadows it in /etc, which shadows /lib) and
 * merges them: a later file overrides the keys it sets for a device id.
 * So one interface may be configured by two files (cloud-init's
 * 50-cloud-init.yaml and an administrator's 60-static.yaml); the model
 * has one interface per id, which names the last file.
 *
 * The fixer edits each file that configures the id, by the line marks
 * libyaml gives, so comments and layout stay: it removes addresses,
 * gateway4, default routes and the "macaddress" a device sets, sets
 * dhcp4 to true (or adds it to the last file), and replaces a match on
 * a MAC address by a match on the name "e*", which is the cloud's one
 * NIC whatever the kernel calls it.  Flow-style mappings are not edited.
 */
#include "config.h"

#include <string.h>
#include <yaml.h>

#include "guestprep/macro.h"
#include "netcfg-internal.h"
#include "util.h"

/* Hostile YAML: aliases make a graph; walk at most this much of it. */
#define NP_MAX_DEPTH 32
#define NP_MAX_VISITS 4096

static const char *const np_dirs[] = {
	"/run/netplan", "/etc/netplan", "/lib/netplan", "/usr/lib/netplan",
};

static const struct {
	const char *name;
	enum gp_net_kind kind;
} np_sections[] = {
	{ "ethernets", GP_NET_ETHERNET },
	{ "bridges", GP_NET_BRIDGE },
	{ "bonds", GP_NET_BOND },
	{ "vlans", GP_NET_VLAN },
	{ "wifis", GP_NET_VIRTUAL },
	{ "tunnels", GP_NET_VIRTUAL },
	{ "vrfs", GP_NET_VIRTUAL },
	{ "modems", GP_NET_VIRTUAL },
	{ "dummy-devices", GP_NET_VIRTUAL },
	{ "nm-devices", GP_NET_VIRTUAL },
};

struct np_file {
	char *path;
	char *text;
	size_t len;
	yaml_document_t doc;
	bool loaded;
};

static void np_file_done(struct np_file *f)
{
	if (f->loaded)
		yaml_document_delete(&f->doc);
	free(f->path);
	free(f->text);
	*f = (struct np_file){ 0 };
}

/* "DIR\tNAME" entries, by NAME. */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(strchr(*(char *const *)a, '\t'),
		      strchr(*(char *const *)b, '\t'));
}

/* The files netplan reads, in its order: "NAME" sorted, first dir wins. */
static int np_paths(const struct gp_root *root, char ***ret)
{
	_cleanup_(strv_freep) char **names = NULL, **paths = NULL;
	int r = 0;

	for (size_t d = 0; r == 0 && d < ARRAY_SIZE(np_dirs); d++) {
		_cleanup_(strv_freep) char **list = NULL;

		r = netcfg_list_dir(root, np_dirs[d], ".yaml", &list);
		for (size_t i = 0; r == 0 && list[i]; i++) {
			_cleanup_free_ char *pair = NULL;
			bool dup = false;

			for (size_t k = 0; names && names[k]; k++)
				dup |= strcmp(strchr(names[k], '\t') + 1,
					      list[i]) == 0;
			if (dup)
				continue;
			pair = strprintf("%s\t%s", np_dirs[d], list[i]);
			r = pair ? strv_push(&names, pair) : -ENOMEM;
		}
	}
	if (r < 0)
		return r;
	/* Lexical order of the names, whichever directory. */
	if (names)
		qsort(names, strv_length(names), sizeof(*names), cmp_name);
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_free_ char *path = NULL;
		char *tab = strchr(names[i], '\t');

		*tab = '\0';
		path = strprintf("%s/%s", names[i], tab + 1);
		if (!path || strv_push(&paths, path) < 0)
			return -ENOMEM;
	}
	if (!paths && !(paths = calloc(1, sizeof(*paths))))
		return -ENOMEM;
	*ret = TAKE_PTR(paths);
	return 0;
}

/* 0 and the document loaded, 1 when it is missing or bad (a problem). */
static int np_load(const struct gp_root *root, struct gp_netcfg *cfg,
		   const char *path, struct np_file *f)
{
	yaml_parser_t parser;
	int r;

	if (cfg) {
		r = netcfg_read(root, cfg, path, &f->text, &f->len);
	} else {
		r = gp_root_read_file(root, path, NETCFG_MAX_FILE, &f->text,
				      &f->len);
		if (r < 0 && r != -ENOMEM)
			r = 1;
	}
	if (r != 0)
		return r;
	f->path = strdup(path);
	if (!f->path || !yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->text,
				     f->len);
	if (!yaml_parser_load(&parser, &f->doc)) {
		r = parser.error == YAML_MEMORY_ERROR ? -ENOMEM : 1;
		if (r == 1 && cfg &&
		    gp_netcfg_problem(cfg, "%s:%zu: not valid YAML: %s", path,
				      parser.problem_mark.line + 1,
				      parser.problem ? parser.problem :
						       "?") < 0)
			r = -ENOMEM;
		yaml_parser_delete(&parser);
		return r;
	}
	yaml_parser_delete(&parser);
	f->loaded = true;
	return 0;
}

static yaml_node_t *np_node(struct np_file *f, int index)
{
	return yaml_document_get_node(&f->doc, index);
}

static const char *np_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
		       (const char *)n->data.scalar.value : NULL;
}

/* The pair of mapping @map whose key is @key, or NULL. */
static yaml_node_pair_t *np_pair(struct np_file *f, yaml_node_t *map,
				 const char *key)
{
	yaml_node_pair_t *found = NULL;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *k = np_scalar(np_node(f, p->key));

		if (k && strcmp(k, key) == 0)
			found = p;	/* the last one, as netplan */
	}
	return found;
}

static yaml_node_t *np_get(struct np_file *f, yaml_node_t *map,
			   const char *key)
{
	yaml_node_pair_t *p = np_pair(f, map, key);

	return p ? np_node(f, p->value) : NULL;
}

static bool np_true(const yaml_node_t *n)
{
	return netcfg_true(np_scalar(n));
}

static yaml_node_t *np_network(struct np_file *f)
{
	return np_get(f, yaml_document_get_root_node(&f->doc), "network");
}

/* --- reading ----------------------------------------------------------- */

static struct gp_net_iface *np_iface(struct gp_netcfg *cfg, const char *id,
				     const char *path, unsigned line)
{
	struct gp_net_iface *i;

	for (size_t k = 0; k < cfg->n_ifaces; k++) {
		i = &cfg->ifaces[k];
		if (i->source == GP_NET_NETPLAN && strcmp(i->id, id) == 0) {
			i->line = line;
			return gp_net_set(&i->path, path) < 0 ? NULL : i;
		}
	}
	i = gp_netcfg_add(cfg, GP_NET_NETPLAN, path, line);
	if (!i || gp_net_set(&i->id, id) < 0)
		return NULL;
	i->onboot = true;
	return i;
}

static int np_addresses(struct np_file *f, yaml_node_t *seq,
			struct gp_net_iface *i)
{
	strv_free(i->addresses);	/* a later file's list replaces */
	i->addresses = NULL;
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = np_node(f, *it);
		const char *a = np_scalar(n);

		/* "- 10.0.0.5/24: {lifetime: 0}" form */
		if (!a && n && n->type == YAML_MAPPING_NODE &&
		    n->data.mapping.pairs.start < n->data.mapping.pairs.top)
			a = np_scalar(np_node(f,
					n->data.mapping.pairs.start->key));
		if (!a)
			continue;
		if (netcfg_is_ipv6(a)) {
			i->ipv6 = true;
			free(i->ipv6_text);
			i->ipv6_text = strprintf("addresses: %s", a);
			if (!i->ipv6_text)
				return -ENOMEM;
		} else if (netcfg_add_address(i, a) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int np_match(struct np_file *f, yaml_node_t *dev, struct gp_net_iface *i)
{
	yaml_node_t *match = np_get(f, dev, "match");
	yaml_node_pair_t *mac = np_pair(f, match, "macaddress");
	const char *v;

	if ((v = np_scalar(np_get(f, match, "name"))) &&
	    gp_net_set(&i->name, v) < 0)
		return -ENOMEM;
	if (mac && (v = np_scalar(np_node(f, mac->value)))) {
		i->mac_line =
			(unsigned)np_node(f, mac->key)->start_mark.line + 1;
		free(i->mac_text);
		if (gp_net_set(&i->mac_match, v) < 0 ||
		    !(i->mac_text = strprintf("match: macaddress: %s", v)))
			return -ENOMEM;
	}
	if ((v = np_scalar(np_get(f, dev, "set-name"))) &&
	    gp_net_set(&i->name, v) < 0)
		return -ENOMEM;
	if (!match && !i->name && gp_net_set(&i->name, i->id) < 0)
		return -ENOMEM;
	if ((v = np_scalar(np_get(f, dev, "macaddress")))) {
		if (gp_net_set(&i->mac_set, v) < 0 ||
		    (!i->mac_text &&
		     !(i->mac_text = strprintf("macaddress: %s", v))))
			return -ENOMEM;
	}
	return 0;
}

static int np_ipv6(struct np_file *f, yaml_node_t *dev, struct gp_net_iface *i)
{
	yaml_node_t *n;
	const char *what = NULL;

	if (np_true(np_get(f, dev, "dhcp6")))
		what = "dhcp6: true";
	else if ((n = np_get(f, dev, "gateway6")) && np_scalar(n))
		what = "gateway6";
	if (what) {
		i->ipv6 = true;
		free(i->ipv6_text);
		return (i->ipv6_text = strdup(what)) ? 0 : -ENOMEM;
	}
	if (np_true(np_get(f, dev, "accept-ra"))) {
		i->ipv6_auto = true;
		if (!i->ipv6_text &&
		    !(i->ipv6_text = strdup("accept-ra: true")))
			return -ENOMEM;
	}
	return 0;
}

/* The IPv4 gateway of a default route in "routes", or NULL. */
static const char *np_default_via(struct np_file *f, yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return NULL;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *route = np_node(f, *it);
		const char *to = np_scalar(np_get(f, route, "to"));
		const char *via = np_scalar(np_get(f, route, "via"));

		if (to && via && !netcfg_is_ipv6(via) &&
		    (strcmp(to, "default") == 0 ||
		     strcmp(to, "0.0.0.0/0") == 0))
			return via;
	}
	return NULL;
}

static int np_device(struct np_file *f, struct gp_netcfg *cfg,
		     yaml_node_pair_t *pair, enum gp_net_kind kind,
		     const char *renderer)
{
	yaml_node_t *key = np_node(f, pair->key),
		    *dev = np_node(f, pair->value);
	const char *id = np_scalar(key), *v;
	struct gp_net_iface *i;
	yaml_node_pair_t *p;
	int r;

	if (!id || !dev || dev->type != YAML_MAPPING_NODE)
		return gp_netcfg_problem(cfg, "%s:%zu: a device that is not a "
					 "mapping", f->path,
					 key->start_mark.line + 1);
	i = np_iface(cfg, id, f->path, (unsigned)key->start_mark.line + 1);
	if (!i)
		return -ENOMEM;
	i->kind = kind;
	if (dev->data.mapping.style == YAML_FLOW_MAPPING_STYLE)
		i->editable = false;
	if ((v = np_scalar(np_get(f, dev, "renderer"))))
		renderer = v;
	if (renderer && gp_net_set(&i->renderer, renderer) < 0)
		return -ENOMEM;
	if (np_get(f, dev, "openvswitch"))
		i->ovs = true;
	if ((p = np_pair(f, dev, "addresses")) &&
	    np_addresses(f, np_node(f, p->value), i) < 0)
		return -ENOMEM;
	if ((p = np_pair(f, dev, "dhcp4"))) {
		v = np_scalar(np_node(f, p->value));
		i->method_line =
			(unsigned)np_node(f, p->key)->start_mark.line + 1;
		free(i->method_text);
		if (!(i->method_text = strprintf("dhcp4: %s", v ? v : "?")))
			return -ENOMEM;
	}
	i->method4 = np_true(np_get(f, dev, "dhcp4")) || (!p &&
		     i->method4 == GP_NET_DHCP) ? GP_NET_DHCP :
		     i->addresses ? GP_NET_STATIC : GP_NET_MANUAL;
	if ((v = np_scalar(np_get(f, dev, "gateway4"))) &&
	    gp_net_set(&i->gateway, v) < 0)
		return -ENOMEM;
	if ((v = np_default_via(f, np_get(f, dev, "routes"))) &&
	    gp_net_set(&i->gateway, v) < 0)
		return -ENOMEM;
	r = np_match(f, dev, i);
	return r < 0 ? r : np_ipv6(f, dev, i);
}

/* Bridges and bonds name their members in "interfaces". */
static int np_ports(struct np_file *f, struct gp_netcfg *cfg,
		    yaml_node_t *dev, const char *master)
{
	yaml_node_t *seq = np_get(f, dev, "interfaces");

	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		const char *id = np_scalar(np_node(f, *it));

		for (size_t k = 0; id && k < cfg->n_ifaces; k++) {
			struct gp_net_iface *i = &cfg->ifaces[k];

			if (i->source != GP_NET_NETPLAN || strcmp(i->id, id))
				continue;
			i->kind = GP_NET_PORT;
			if (gp_net_set(&i->master, master) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int np_read_file(struct np_file *f, struct gp_netcfg *cfg, bool ports)
{
	yaml_node_t *net = np_network(f);
	const char *renderer = np_scalar(np_get(f, net, "renderer"));
	int r = 0;

	if (!net)
		return ports ? 0 : gp_netcfg_problem(cfg, "%s: no \"network\" "
						     "mapping", f->path);
	for (size_t s = 0; r == 0 && s < ARRAY_SIZE(np_sections); s++) {
		yaml_node_t *sec = np_get(f, net, np_sections[s].name);

		if (!sec || sec->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *p = sec->data.mapping.pairs.start;
		     r == 0 && p < sec->data.mapping.pairs.top; p++) {
			const char *id = np_scalar(np_node(f, p->key));

			if (!ports)
				r = np_device(f, cfg, p, np_sections[s].kind,
					      renderer);
			else if (id)
				r = np_ports(f, cfg, np_node(f, p->value), id);
		}
	}
	return r;
}

int gp_netcfg_read_netplan(const struct gp_root *root, struct gp_netcfg *cfg)
{
	_cleanup_(strv_freep) char **paths = NULL;
	struct np_file *files;
	size_t n;
	int r = np_paths(root, &paths);

	if (r < 0)
		return r;
	n = strv_length(paths);
	files = calloc(n + 1, sizeof(*files));
	if (!files)
		return -ENOMEM;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = np_load(root, cfg, paths[i], &files[i]);
		if (r == 0)
			r = np_read_file(&files[i], cfg, false);
	}
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (files[i].loaded)
			r = np_read_file(&files[i], cfg, true);
	for (size_t i = 0; i < n; i++)
		np_file_done(&files[i]);
	free(files);
	return r < 0 ? r : 0;
}

/* --- the fixer --------------------------------------------------------- */

/* The last line (0-based) that holds part of @n: its last scalar's. */
static void last_line(struct np_file *f, yaml_node_t *n, unsigned depth,
		      unsigned *visits, size_t *line)
{
	if (!n || depth > NP_MAX_DEPTH || ++*visits > NP_MAX_VISITS)
		return;
	if (n->type == YAML_SCALAR_NODE) {
		size_t l = n->end_mark.line;

		/* A block scalar ends at the start of the next line. */
		if (n->end_mark.column == 0 && l > n->start_mark.line)
			l--;
		if (l > *line)
			*line = l;
		return;
	}
	if ((n->type == YAML_SEQUENCE_NODE &&
	     n->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE) ||
	    (n->type == YAML_MAPPING_NODE &&
	     n->data.mapping.style == YAML_FLOW_MAPPING_STYLE))
		if (n->end_mark.line > *line)
			*line = n->end_mark.line;
	if (n->type == YAML_SEQUENCE_NODE)
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			last_line(f, np_node(f, *it), depth + 1, visits, line);
	else if (n->type == YAML_MAPPING_NODE)
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			last_line(f, np_node(f, p->key), depth + 1, visits,
				  line);
			last_line(f, np_node(f, p->value), depth + 1, visits,
				  line);
		}
}

/* Whether the node starts its line (block layout), as the edits need. */
static bool starts_line(struct np_file *f, const yaml_node_t *n)
{
	const char *p = f->text + n->start_mark.index - n->start_mark.column;

	for (size_t c = 0; c < n->start_mark.column; c++)
		if (p[c] != ' ')
			return false;
	return true;
}

static int drop_pair(struct np_file *f, yaml_node_pair_t *p,
		     struct gp_edits *e)
{
	yaml_node_t *k = np_node(f, p->key);
	size_t last = k->start_mark.line;
	unsigned visits = 0;

	if (!starts_line(f, k))
		return -EOPNOTSUPP;
	last_line(f, np_node(f, p->value), 0, &visits, &last);
	if (visits > NP_MAX_VISITS)
		return -EOPNOTSUPP;
	for (size_t l = k->start_mark.line; l <= last; l++)
		if (gp_edits_add(e, GP_EDIT_DELETE, (unsigned)l + 1, NULL) < 0)
			return -ENOMEM;
	return 0;
}

/* Every route is a default route (to: default / 0.0.0.0/0). */
static bool default_routes(struct np_file *f, yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.start == seq->data.sequence.items.top)
		return false;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		const char *to = np_scalar(np_get(f, np_node(f, *it), "to"));

		if (!to || (strcmp(to, "default") != 0 &&
			    strcmp(to, "0.0.0.0/0") != 0))
			return false;
	}
	return true;
}

/* "match: macaddress: X" becomes a match on the name e* (or goes). */
static int edit_match(struct np_file *f, yaml_node_t *dev, struct gp_edits *e)
{
	yaml_node_pair_t *mp = np_pair(f, dev, "match");
	yaml_node_t *match = mp ? np_node(f, mp->value) : NULL;
	yaml_node_pair_t *mac = np_pair(f, match, "macaddress");
	yaml_node_t *k;

	if (!mac)
		return 0;
	k = np_node(f, mac->key);
	/* np_pair() of no map is NULL: mac implies match. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	if (match->data.mapping.style == YAML_FLOW_MAPPING_STYLE) {
		yaml_node_t *mk = np_node(f, mp->key);

		/* "match: {macaddress: X}" alone on its line */
		if (match->data.mapping.pairs.top -
			    match->data.mapping.pairs.start != 1 ||
		    !starts_line(f, mk) ||
		    match->end_mark.line != mk->start_mark.line)
			return -EOPNOTSUPP;
		return gp_edits_add(e, GP_EDIT_REPLACE,
				    (unsigned)mk->start_mark.line + 1,
				    "%*smatch: {name: \"e*\"}",
				    (int)mk->start_mark.column, "");
	}
	if (np_get(f, match, "name") ||
	    match->data.mapping.pairs.top - match->data.mapping.pairs.start > 1)
		return drop_pair(f, mac, e);
	if (!starts_line(f, k))
		return -EOPNOTSUPP;
	return gp_edits_add(e, GP_EDIT_REPLACE,
			    (unsigned)k->start_mark.line + 1, "%*sname: \"e*\"",
			    (int)k->start_mark.column, "");
}

static int edit_dhcp4(struct np_file *f, yaml_node_t *dev, struct gp_edits *e,
		      bool *has_dhcp4)
{
	yaml_node_pair_t *p = np_pair(f, dev, "dhcp4");
	yaml_node_t *k;

	if (!p)
		return 0;
	*has_dhcp4 = true;
	if (np_true(np_node(f, p->value)))
		return 0;
	k = np_node(f, p->key);
	if (!starts_line(f, k) ||
	    np_node(f, p->value)->end_mark.line != k->start_mark.line)
		return -EOPNOTSUPP;
	return gp_edits_add(e, GP_EDIT_REPLACE,
			    (unsigned)k->start_mark.line + 1, "%*sdhcp4: true",
			    (int)k->start_mark.column, "");
}

static int edit_device(struct np_file *f, yaml_node_t *dev, struct gp_edits *e,
		       bool *has_dhcp4)
{
	static const char *const dropped[] = {
		"addresses", "gateway4", "macaddress",
	};
	yaml_node_pair_t *p;
	int r = 0;

	if (dev->type != YAML_MAPPING_NODE ||
	    dev->data.mapping.style == YAML_FLOW_MAPPING_STYLE)
		return -EOPNOTSUPP;
	for (size_t k = 0; r == 0 && k < ARRAY_SIZE(dropped); k++)
		if ((p = np_pair(f, dev, dropped[k])))
			r = drop_pair(f, p, e);
	if (r == 0 && (p = np_pair(f, dev, "routes")) &&
	    default_routes(f, np_node(f, p->value)))
		r = drop_pair(f, p, e);
	if (r == 0)
		r = edit_match(f, dev, e);
	if (r == 0)
		r = edit_dhcp4(f, dev, e, has_dhcp4);
	return r;
}

/* The device @id in any section of @f: its key and mapping. */
static yaml_node_pair_t *find_device(struct np_file *f, const char *id)
{
	yaml_node_t *net = np_network(f);

	for (size_t s = 0; net && s < ARRAY_SIZE(np_sections); s++) {
		yaml_node_pair_t *p =
			np_pair(f, np_get(f, net, np_sections[s].name), id);

		if (p)
			return p;
	}
	return NULL;
}

static int finish(struct np_file *f, struct gp_edits *e,
		  struct gp_net_rewrites *rw)
{
	_cleanup_free_ char *out = NULL;
	size_t out_len;
	int r;

	if (!e->n)
		return 0;
	r = gp_edits_apply(e, f->text, f->len, &out, &out_len);
	if (r < 0)
		return r;
	return gp_net_rewrites_add(rw, f->path, TAKE_PTR(out), out_len);
}

/* "dhcp4: true" as the first key of the device in the last file. */
static int add_dhcp4(struct np_file *f, const char *id, struct gp_edits *e)
{
	yaml_node_pair_t *p = find_device(f, id);
	yaml_node_t *dev = p ? np_node(f, p->value) : NULL;
	yaml_node_t *first;

	if (!dev || dev->type != YAML_MAPPING_NODE ||
	    dev->data.mapping.pairs.start == dev->data.mapping.pairs.top)
		return -EOPNOTSUPP;
	first = np_node(f, dev->data.mapping.pairs.start->key);
	if (first->start_mark.line <= np_node(f, p->key)->start_mark.line ||
	    !starts_line(f, first))
		return -EOPNOTSUPP;
	return gp_edits_add(e, GP_EDIT_INSERT,
			    (unsigned)np_node(f, p->key)->start_mark.line + 1,
			    "%*sdhcp4: true", (int)first->start_mark.column,
			    "");
}

int gp_netcfg_fix_netplan(const struct gp_root *root,
			  const struct gp_netcfg *cfg,
			  const struct gp_net_iface *iface,
			  struct gp_net_rewrites *rw)
{
	_cleanup_(strv_freep) char **paths = NULL;
	struct np_file *files = NULL;
	struct gp_edits *edits = NULL;
	size_t n = 0, last = 0;
	bool found = false, has_dhcp4 = false;
	int r = np_paths(root, &paths);

	(void)cfg;
	if (r == 0) {
		n = strv_length(paths);
		files = calloc(n + 1, sizeof(*files));
		edits = calloc(n + 1, sizeof(*edits));
		if (!files || !edits)
			r = -ENOMEM;
	}
	/* Every file that configures the id is edited, in netplan's order. */
	for (size_t i = 0; r == 0 && i < n; i++) {
		yaml_node_pair_t *p;

		r = np_load(root, NULL, paths[i], &files[i]);
		if (r == 1) {
			r = 0;	/* unreadable: it configures nothing */
			continue;
		}
		if (r < 0 || !(p = find_device(&files[i], iface->id)))
			continue;
		r = edit_device(&files[i], np_node(&files[i], p->value),
				&edits[i], &has_dhcp4);
		found = true;
		last = i;
	}
	if (r == 0 && !found)
		r = -EOPNOTSUPP;	/* changed since the check */
	if (r == 0 && !has_dhcp4)
		r = add_dhcp4(&files[last], iface->id, &edits[last]);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = finish(&files[i], &edits[i], rw);
	for (size_t i = 0; files && i < n; i++) {
		np_file_done(&files[i]);
		gp_edits_done(&edits[i]);
	}
	free(files);
	free(edits);
	return r;
}
