/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The INI-style formats: NetworkManager keyfiles (and NetworkManager.conf
 * with its conf.d snippets, for no-auto-default) and systemd-networkd
 * .network files.
 *
 * NetworkManager reads /usr/lib/NetworkManager/conf.d first, then
 * NetworkManager.conf, then /etc/NetworkManager/conf.d, a later setting
 * winning; a snippet in /etc shadows its namesake in /usr/lib.  Its
 * profiles live in /etc/NetworkManager/system-connections (and, from
 * packages, /usr/lib/NetworkManager/system-connections).
 *
 * networkd reads *.network from /etc, /run and /usr/lib (or /lib)
 * systemd/network, a file in /etc shadowing its namesake elsewhere (a
 * link to /dev/null masks it); the image has nothing in /run.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "guestprep/ini.h"
#include "guestprep/macro.h"
#include "guestprep/profile.h"
#include "netcfg-internal.h"
#include "util.h"

#define NM_CONF "/etc/NetworkManager/NetworkManager.conf"

static int load_ini(const struct gp_root *root, struct gp_netcfg *cfg,
		    const char *path, struct gp_ini *ini)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = netcfg_read(root, cfg, path, &text, &len);

	if (r != 0)
		return r;
	r = gp_ini_parse(text, len, ini);
	if (r == 0 && ini->bad_lines)
		r = gp_netcfg_problem(cfg, "%s:%u: not a key=value line", path,
				      ini->first_bad_line);
	return r;
}

/* --- NetworkManager.conf ----------------------------------------------- */

static int nm_conf_file(const struct gp_root *root, struct gp_netcfg *cfg,
			const char *path)
{
	_cleanup_(gp_ini_done) struct gp_ini ini = { 0 };
	const struct gp_ini_entry *e;
	int r = load_ini(root, cfg, path, &ini);

	if (r != 0)
		return r < 0 ? r : 0;
	if ((e = gp_ini_find(&ini, "main", "no-auto-default"))) {
		cfg->nm_no_auto_default = strcmp(e->value, "*") == 0;
		free(cfg->nm_no_auto_default_text);
		cfg->nm_no_auto_default_text =
			strprintf("%s:%u: no-auto-default=%s", path, e->line,
				  e->value);
		if (!cfg->nm_no_auto_default_text)
			return -ENOMEM;
	}
	if ((e = gp_ini_find(&ini, "main", "plugins")) &&
	    gp_net_set(&cfg->nm_plugins, e->value) < 0)
		return -ENOMEM;
	return 0;
}

static int nm_conf(const struct gp_root *root, struct gp_netcfg *cfg)
{
	_cleanup_(strv_freep) char **lib = NULL, **etc = NULL;
	int r;

	r = netcfg_list_dir(root, "/usr/lib/NetworkManager/conf.d", ".conf",
			    &lib);
	if (r == 0)
		r = netcfg_list_dir(root, "/etc/NetworkManager/conf.d", ".conf",
				    &etc);
	for (size_t i = 0; r == 0 && lib[i]; i++) {
		_cleanup_free_ char *path = NULL;

		if (gp_strv_contains(etc, lib[i]))
			continue;	/* shadowed */
		path = strprintf("/usr/lib/NetworkManager/conf.d/%s", lib[i]);
		r = path ? nm_conf_file(root, cfg, path) : -ENOMEM;
	}
	if (r == 0)
		r = nm_conf_file(root, cfg, NM_CONF);
	for (size_t i = 0; r == 0 && etc[i]; i++) {
		_cleanup_free_ char *path = NULL;

		path = strprintf("/etc/NetworkManager/conf.d/%s", etc[i]);
		r = path ? nm_conf_file(root, cfg, path) : -ENOMEM;
	}
	return r;
}

/* --- NetworkManager keyfiles ------------------------------------------- */

static const char *nm_ether(const struct gp_ini *ini, const char *key)
{
	const char *v = gp_ini_get(ini, "ethernet", key);

	return v ? v : gp_ini_get(ini, "802-3-ethernet", key);
}

static enum gp_net_kind nm_kind(const char *type)
{
	static const struct {
		const char *type;
		enum gp_net_kind kind;
	} kinds[] = {
		{ "ethernet", GP_NET_ETHERNET },
		{ "802-3-ethernet", GP_NET_ETHERNET },
		{ "loopback", GP_NET_LOOPBACK },
		{ "bridge", GP_NET_BRIDGE },
		{ "ovs-bridge", GP_NET_BRIDGE },
		{ "ovs-interface", GP_NET_BRIDGE },
		{ "ovs-port", GP_NET_PORT },
		{ "bond", GP_NET_BOND },
		{ "team", GP_NET_BOND },
		{ "vlan", GP_NET_VLAN },
	};

	for (size_t i = 0; type && i < ARRAY_SIZE(kinds); i++)
		if (strcmp(type, kinds[i].type) == 0)
			return kinds[i].kind;
	return type ? GP_NET_VIRTUAL : GP_NET_ETHERNET;
}

/* address1=a.b.c.d/NN[,gateway]; the old form addresses1=a.b.c.d;NN;gw; */
static int nm_addresses(const struct gp_ini *ini, struct gp_net_iface *i,
			const char *section, bool v6)
{
	for (size_t k = 0; k < ini->n_entries; k++) {
		const struct gp_ini_entry *e = &ini->entries[k];
		_cleanup_free_ char *a = NULL;
		char *sep;

		if (strcmp(e->section, section) != 0 ||
		    (!startswith(e->key, "address")))
			continue;
		if (v6) {
			i->ipv6 = true;
			free(i->ipv6_text);
			i->ipv6_text = strprintf("[ipv6] %s=%s", e->key,
						 e->value);
			return i->ipv6_text ? 0 : -ENOMEM;
		}
		a = strdup(e->value);
		if (!a)
			return -ENOMEM;
		if ((sep = strchr(a, ','))) {
			*sep = '\0';
			if (!i->gateway && gp_net_set(&i->gateway, sep + 1) < 0)
				return -ENOMEM;
		} else if ((sep = strchr(a, ';'))) {
			*sep = '/';
			if ((sep = strchr(sep, ';')))
				*sep = '\0';
		}
		if (netcfg_add_address(i, a) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int nm_method(const struct gp_ini *ini, struct gp_net_iface *i)
{
	const struct gp_ini_entry *e = gp_ini_find(ini, "ipv4", "method");
	const char *m = e ? e->value : "auto";

	if (strcmp(m, "auto") == 0)
		i->method4 = GP_NET_DHCP;
	else if (strcmp(m, "manual") == 0)
		i->method4 = i->addresses ? GP_NET_STATIC : GP_NET_MANUAL;
	else if (strcmp(m, "disabled") == 0)
		i->method4 = GP_NET_DISABLED;
	else
		i->method4 = GP_NET_OTHER;
	i->method_line = e ? e->line : 0;
	i->method_text = strprintf("[ipv4] method=%s%s", m,
				   e ? "" : " (the default)");
	return i->method_text ? 0 : -ENOMEM;
}

static int nm_ipv6(const struct gp_ini *ini, struct gp_net_iface *i)
{
	const char *m = gp_ini_get(ini, "ipv6", "method");

	if (!m)
		return 0;
	if (strcmp(m, "manual") == 0 || strcmp(m, "dhcp") == 0)
		i->ipv6 = true;
	else if (strcmp(m, "auto") == 0)
		i->ipv6_auto = true;
	else
		return 0;
	if (!i->ipv6_text &&
	    !(i->ipv6_text = strprintf("[ipv6] method=%s", m)))
		return -ENOMEM;
	return nm_addresses(ini, i, "ipv6", true);
}

static int nm_keyfile(const struct gp_root *root, struct gp_netcfg *cfg,
		      const char *path)
{
	_cleanup_(gp_ini_done) struct gp_ini ini = { 0 };
	struct gp_net_iface *i;
	const char *v;
	int r = load_ini(root, cfg, path, &ini);

	if (r != 0 || !gp_ini_section(&ini, "connection"))
		return r < 0 ? r : 0;
	i = gp_netcfg_add(cfg, GP_NET_NM, path,
			  gp_ini_section(&ini, "connection")->line);
	if (!i ||
	    gp_net_set(&i->id, gp_ini_get(&ini, "connection", "id")) < 0 ||
	    gp_net_set(&i->name,
		       gp_ini_get(&ini, "connection", "interface-name")) < 0)
		return -ENOMEM;
	v = gp_ini_get(&ini, "connection", "type");
	i->kind = nm_kind(v);
	i->ovs = v && startswith(v, "ovs-");
	if ((v = gp_ini_get(&ini, "connection", "master")) ||
	    (v = gp_ini_get(&ini, "connection", "controller"))) {
		i->kind =
			i->kind == GP_NET_BRIDGE ? GP_NET_BRIDGE : GP_NET_PORT;
		if (gp_net_set(&i->master, v) < 0)
			return -ENOMEM;
	}
	i->onboot = !netcfg_false(gp_ini_get(&ini, "connection",
					      "autoconnect"));
	r = nm_addresses(&ini, i, "ipv4", false);
	if (r == 0 && (v = gp_ini_get(&ini, "ipv4", "gateway")))
		r = gp_net_set(&i->gateway, v);
	if (r == 0)
		r = nm_method(&ini, i);
	if (r == 0)
		r = nm_ipv6(&ini, i);
	if (r < 0)
		return r;
	if ((v = nm_ether(&ini, "mac-address")) && *v) {
		const struct gp_ini_entry *me =
			gp_ini_find(&ini, "ethernet", "mac-address");

		i->mac_line = me ? me->line : 0;
		if (gp_net_set(&i->mac_match, v) < 0 ||
		    !(i->mac_text = strprintf("mac-address=%s", v)))
			return -ENOMEM;
	}
	if ((v = nm_ether(&ini, "cloned-mac-address")) && *v &&
	    strchr(v, ':')) {
		if (gp_net_set(&i->mac_set, v) < 0 ||
		    (!i->mac_text &&
		     !(i->mac_text = strprintf("cloned-mac-address=%s", v))))
			return -ENOMEM;
	}
	return 0;
}

/* NetworkManager skips backups and editors' leftovers. */
static bool nm_ignored(const char *name)
{
	static const char *const suffixes[] = {
		"~", ".bak", ".orig", ".rej", ".swp", ".tmp", ".rpmnew",
		".rpmsave", ".dpkg-old", ".dpkg-new", ".dpkg-dist",
	};
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t n = strlen(suffixes[i]);

		if (len > n && strcmp(name + len - n, suffixes[i]) == 0)
			return true;
	}
	return false;
}

int gp_netcfg_read_nm(const struct gp_root *root, struct gp_netcfg *cfg)
{
	static const char *const dirs[] = {
		"/etc/NetworkManager/system-connections",
		"/usr/lib/NetworkManager/system-connections",
	};
	int r = nm_conf(root, cfg);

	for (size_t d = 0; r == 0 && d < ARRAY_SIZE(dirs); d++) {
		_cleanup_(strv_freep) char **names = NULL;

		r = netcfg_list_dir(root, dirs[d], NULL, &names);
		for (size_t i = 0; r == 0 && names[i]; i++) {
			_cleanup_free_ char *path = NULL;

			if (nm_ignored(names[i]))
				continue;
			path = strprintf("%s/%s", dirs[d], names[i]);
			r = path ? nm_keyfile(root, cfg, path) : -ENOMEM;
		}
	}
	return r;
}

/* --- systemd-networkd -------------------------------------------------- */

static enum gp_net_method nd_method(const char *dhcp, bool has_address)
{
	if (dhcp && (netcfg_true(dhcp) || strcasecmp(dhcp, "ipv4") == 0 ||
		     strcasecmp(dhcp, "both") == 0 ||
		     strcasecmp(dhcp, "v4") == 0))
		return GP_NET_DHCP;
	return has_address ? GP_NET_STATIC : GP_NET_MANUAL;
}

static int nd_addresses(const struct gp_ini *ini, struct gp_net_iface *i)
{
	for (size_t k = 0; k < ini->n_entries; k++) {
		const struct gp_ini_entry *e = &ini->entries[k];

		if ((strcmp(e->section, "Network") != 0 &&
		     strcmp(e->section, "Address") != 0) ||
		    strcmp(e->key, "Address") != 0 || !*e->value)
			continue;
		if (netcfg_is_ipv6(e->value)) {
			i->ipv6 = true;
			if (!i->ipv6_text &&
			    !(i->ipv6_text = strprintf("[%s] Address=%s",
						       e->section, e->value)))
				return -ENOMEM;
			continue;
		}
		if (netcfg_add_address(i, e->value) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The default route: Gateway= in [Network], or a [Route] without Destination.
 */
static const char *nd_gateway(const struct gp_ini *ini)
{
	const char *gw = gp_ini_get(ini, "Network", "Gateway");

	for (size_t k = 0; !gw && k < ini->n_entries; k++)
		if (strcmp(ini->entries[k].section, "Route") == 0 &&
		    strcmp(ini->entries[k].key, "Gateway") == 0 &&
		    !netcfg_is_ipv6(ini->entries[k].value))
			gw = ini->entries[k].value;
	return gw;
}

static int nd_file(const struct gp_root *root, struct gp_netcfg *cfg,
		   const char *path, const char *stem)
{
	_cleanup_(gp_ini_done) struct gp_ini ini = { 0 };
	const struct gp_ini_entry *e;
	struct gp_net_iface *i;
	const char *v;
	int r = load_ini(root, cfg, path, &ini);

	if (r != 0)
		return r < 0 ? r : 0;
	i = gp_netcfg_add(cfg, GP_NET_NETWORKD, path, 1);
	if (!i || gp_net_set(&i->id, stem) < 0 ||
	    gp_net_set(&i->name, gp_ini_get(&ini, "Match", "Name")) < 0)
		return -ENOMEM;
	i->onboot = true;
	if (i->name && strcmp(i->name, "lo") == 0)
		i->kind = GP_NET_LOOPBACK;
	/* systemd's own files match containers, veths and wifi. */
	if (((v = gp_ini_get(&ini, "Match", "Type")) &&
	     strcmp(v, "ether") != 0) ||
	    gp_ini_get(&ini, "Match", "Kind") ||
	    gp_ini_get(&ini, "Match", "Virtualization") ||
	    gp_ini_get(&ini, "Match", "WLANInterfaceType"))
		i->kind = GP_NET_VIRTUAL;
	if ((v = gp_ini_get(&ini, "Network", "Bridge")) ||
	    (v = gp_ini_get(&ini, "Network", "Bond"))) {
		i->kind = GP_NET_PORT;
		if (gp_net_set(&i->master, v) < 0)
			return -ENOMEM;
	}
	if (nd_addresses(&ini, i) < 0)
		return -ENOMEM;
	e = gp_ini_find(&ini, "Network", "DHCP");
	i->method4 = nd_method(e ? e->value : NULL, i->addresses != NULL);
	i->method_line = e ? e->line : 0;
	i->method_text =
		strprintf("DHCP=%s", e ? e->value : "no (the default)");
	if (!i->method_text)
		return -ENOMEM;
	if (e && (strcasecmp(e->value, "ipv6") == 0 ||
		  strcasecmp(e->value, "v6") == 0)) {
		i->ipv6 = true;
		free(i->ipv6_text);
		if (!(i->ipv6_text = strprintf("DHCP=%s", e->value)))
			return -ENOMEM;
	}
	if ((v = nd_gateway(&ini)) && gp_net_set(&i->gateway, v) < 0)
		return -ENOMEM;
	if ((e = gp_ini_find(&ini, "Match", "MACAddress")) ||
	    (e = gp_ini_find(&ini, "Match", "PermanentMACAddress"))) {
		i->mac_line = e->line;
		if (gp_net_set(&i->mac_match, e->value) < 0 ||
		    !(i->mac_text = strprintf("[Match] %s=%s", e->key,
					      e->value)))
			return -ENOMEM;
	}
	if ((e = gp_ini_find(&ini, "Link", "MACAddress"))) {
		if (gp_net_set(&i->mac_set, e->value) < 0 ||
		    (!i->mac_text &&
		     !(i->mac_text = strprintf("[Link] MACAddress=%s",
					       e->value))))
			return -ENOMEM;
	}
	return 0;
}

static bool masked(const struct gp_root *root, const char *path)
{
	_cleanup_free_ char *target = NULL;
	struct stat st;

	if (gp_root_readlink(root, path, &target) == 0)
		return strcmp(target, "/dev/null") == 0;
	return gp_root_stat(root, path, false, &st) == 0 && st.st_size == 0;
}

int gp_netcfg_read_networkd(const struct gp_root *root, struct gp_netcfg *cfg)
{
	static const char *const dirs[] = {
		"/etc/systemd/network", "/usr/lib/systemd/network",
		"/lib/systemd/network",
	};
	_cleanup_(strv_freep) char **seen = NULL;
	int r = 0;

	for (size_t d = 0; r == 0 && d < ARRAY_SIZE(dirs); d++) {
		_cleanup_(strv_freep) char **names = NULL;

		r = netcfg_list_dir(root, dirs[d], ".network", &names);
		for (size_t i = 0; r == 0 && names[i]; i++) {
			_cleanup_free_ char *path = NULL, *stem = NULL;

			if (gp_strv_contains(seen, names[i]))
				continue;	/* shadowed, or merged /lib */
			r = strv_push(&seen, names[i]);
			/* Masks are links or empty files in /etc. */
			path = strprintf("%s/%s", dirs[0], names[i]);
			if (r == 0 && path && d > 0 && masked(root, path))
				continue;
			free(path);
			path = strprintf("%s/%s", dirs[d], names[i]);
			stem = strndup(names[i], strlen(names[i]) - 8);
			if (r == 0 && (!path || !stem))
				r = -ENOMEM;
			if (r == 0 && !masked(root, path))
				r = nd_file(root, cfg, path, stem);
		}
	}
	return r;
}

/* --- the fixer --------------------------------------------------------- */

static int drop_entry(struct gp_edits *e, const struct gp_ini_entry *it)
{
	return gp_edits_add(e, GP_EDIT_DELETE, it->line, NULL);
}

static int drop_section(struct gp_edits *e, const struct gp_ini_section *s)
{
	for (unsigned l = s->line; l <= s->last; l++)
		if (gp_edits_add(e, GP_EDIT_DELETE, l, NULL) < 0)
			return -ENOMEM;
	return 0;
}

static int nm_edits(const struct gp_ini *ini, struct gp_edits *e)
{
	const struct gp_ini_section *v4 = gp_ini_section(ini, "ipv4");
	const struct gp_ini_entry *m = gp_ini_find(ini, "ipv4", "method");
	int r = 0;

	for (size_t k = 0; r == 0 && k < ini->n_entries; k++) {
		const struct gp_ini_entry *it = &ini->entries[k];

		if ((strcmp(it->section, "ipv4") == 0 &&
		     (startswith(it->key, "address") ||
		      strcmp(it->key, "gateway") == 0)) ||
		    ((strcmp(it->section, "ethernet") == 0 ||
		      strcmp(it->section, "802-3-ethernet") == 0) &&
		     (strcmp(it->key, "mac-address") == 0 ||
		      strcmp(it->key, "cloned-mac-address") == 0)))
			r = drop_entry(e, it);
	}
	if (r < 0)
		return r;
	if (m && strcmp(m->value, "auto") != 0)
		return gp_edits_add(e, GP_EDIT_REPLACE, m->line, "method=auto");
	if (!m && v4)
		return gp_edits_add(e, GP_EDIT_INSERT, v4->line, "method=auto");
	return 0;	/* no [ipv4]: auto is the default */
}

static bool default_route_section(const struct gp_ini *ini,
				  const struct gp_ini_section *s)
{
	bool gateway = false, dest_default = true;

	for (size_t k = 0; k < ini->n_entries; k++) {
		const struct gp_ini_entry *it = &ini->entries[k];

		if (it->line < s->line || it->line > s->last)
			continue;
		if (strcmp(it->key, "Gateway") == 0)
			gateway = !netcfg_is_ipv6(it->value);
		if (strcmp(it->key, "Destination") == 0)
			dest_default = strcmp(it->value, "0.0.0.0/0") == 0;
	}
	return gateway && dest_default;
}

static int nd_edits(const struct gp_ini *ini, struct gp_edits *e)
{
	const struct gp_ini_entry *dhcp = gp_ini_find(ini, "Network", "DHCP");
	const struct gp_ini_section *net = gp_ini_section(ini, "Network");
	bool has_name = gp_ini_get(ini, "Match", "Name") != NULL;
	int r = 0;

	for (size_t k = 0; r == 0 && k < ini->n_entries; k++) {
		const struct gp_ini_entry *it = &ini->entries[k];

		if (strcmp(it->section, "Match") == 0 &&
		    (strcmp(it->key, "MACAddress") == 0 ||
		     strcmp(it->key, "PermanentMACAddress") == 0)) {
			/* Without a name the cloud's one NIC must match. */
			r = has_name ? drop_entry(e, it) :
				       gp_edits_add(e, GP_EDIT_REPLACE,
						    it->line, "Name=e*");
			has_name = true;
		} else if ((strcmp(it->section, "Network") == 0 &&
			    (strcmp(it->key, "Address") == 0 ||
			     strcmp(it->key, "Gateway") == 0)) ||
			   (strcmp(it->section, "Link") == 0 &&
			    strcmp(it->key, "MACAddress") == 0)) {
			r = drop_entry(e, it);
		}
	}
	for (size_t k = 0; r == 0 && k < ini->n_sections; k++) {
		const struct gp_ini_section *s = &ini->sections[k];

		if (strcmp(s->name, "Address") == 0 ||
		    (strcmp(s->name, "Route") == 0 &&
		     default_route_section(ini, s)))
			r = drop_section(e, s);
	}
	if (r < 0)
		return r;
	if (dhcp && nd_method(dhcp->value, false) != GP_NET_DHCP)
		return gp_edits_add(e, GP_EDIT_REPLACE, dhcp->line, "DHCP=%s",
				    strcasecmp(dhcp->value, "ipv6") == 0 ?
					    "yes" : "ipv4");
	if (!dhcp && net)
		return gp_edits_add(e, GP_EDIT_INSERT, net->line, "DHCP=ipv4");
	if (!dhcp)
		return gp_edits_add(e, GP_EDIT_INSERT, ini->n_lines + 1,
				    "\n[Network]\nDHCP=ipv4");
	return 0;
}

int gp_netcfg_fix_ini(const struct gp_root *root,
		      const struct gp_net_iface *iface,
		      struct gp_net_rewrites *rw)
{
	_cleanup_(gp_ini_done) struct gp_ini ini = { 0 };
	_cleanup_(gp_edits_done) struct gp_edits e = { 0 };
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = gp_root_read_file(root, iface->path, NETCFG_MAX_FILE, &text, &len);
	if (r == 0)
		r = gp_ini_parse(text, len, &ini);
	if (r < 0)
		return r;
	r = iface->source == GP_NET_NM ? nm_edits(&ini, &e)
				       : nd_edits(&ini, &e);
	if (r < 0)
		return r;
	return gp_edits_rewrite(&e, iface->path, text, len, rw);
}
