/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ifcfg files: RHEL-family network-scripts (also read by NetworkManager's
 * ifcfg-rh plugin) in /etc/sysconfig/network-scripts, and SUSE's, read by
 * wicked (and ifup before it), in /etc/sysconfig/network.
 *
 * Both are shell assignments (kvfile.h).  They differ in the details
 * that matter here: RHEL names the device in DEVICE= and pins it with
 * HWADDR=; SUSE names it by the file, writes addresses as
 * IPADDR='a.b.c.d/NN' (or with NETMASK=/PREFIXLEN=, and suffixed
 * IPADDR_x for more), starts it by STARTMODE= and keeps the default
 * route in /etc/sysconfig/network/routes or ifroute-NAME.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "netcfg-internal.h"
#include "util.h"

#define RH_DIR "/etc/sysconfig/network-scripts"
#define RH_NETWORK "/etc/sysconfig/network"
#define SUSE_DIR "/etc/sysconfig/network"
#define SUSE_ROUTES SUSE_DIR "/routes"

/* Names the init scripts skip: backups and package leftovers. */
static bool ignored_name(const char *name)
{
	static const char *const suffixes[] = {
		"~", ".bak", ".old", ".orig", ".rpmnew", ".rpmsave",
		".rpmorig", ".save", ".swp",
	};
	size_t len = strlen(name);

	if (!startswith(name, "ifcfg-") || len == 6 ||
	    strcmp(name, "ifcfg.template") == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t n = strlen(suffixes[i]);

		if (len > n && strcmp(name + len - n, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* @key is @base, or @base followed by a suffix of more ("IPADDR1"). */
static bool key_family(const char *key, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(key, base, n) != 0)
		return false;
	return key[n] == '\0' || key[n] == '_' ||
	       (key[n] >= '0' && key[n] <= '9');
}

/* IPADDR<suffix> with its prefix from PREFIX<suffix> or NETMASK<suffix>. */
static int add_addresses(const struct gp_kvfile *kv, struct gp_net_iface *i,
			 bool suse)
{
	for (size_t k = 0; k < kv->n_items; k++) {
		const struct gp_kv *it = &kv->items[k];
		const char *suffix = it->key + 6;
		_cleanup_free_ char *pk = NULL, *mk = NULL, *addr = NULL;
		const char *prefix, *mask;

		if (!key_family(it->key, "IPADDR") || !*it->value)
			continue;
		pk = strprintf("%s%s", suse ? "PREFIXLEN" : "PREFIX", suffix);
		mk = strprintf("NETMASK%s", suffix);
		if (!pk || !mk)
			return -ENOMEM;
		prefix = gp_kv_get(kv, pk);
		mask = gp_kv_get(kv, mk);
		if (strchr(it->value, '/') || (!prefix && !mask))
			addr = strdup(it->value);
		else if (prefix)
			addr = strprintf("%s/%s", it->value, prefix);
		else
			addr = strprintf("%s/%u", it->value,
					 netcfg_mask_bits(mask));
		if (!addr || netcfg_add_address(i, addr) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int set_text(char **field, unsigned *line, const struct gp_kv *it)
{
	_cleanup_free_ char *s = strprintf("%s=%s", it->key, it->value);

	if (!s)
		return -ENOMEM;
	if (line)
		*line = it->line;
	return gp_net_set(field, s);
}

static void rh_kind(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	const char *type = gp_kv_get(kv, "TYPE");
	const char *devtype = gp_kv_get(kv, "DEVICETYPE");

	i->ovs = devtype && strcasecmp(devtype, "ovs") == 0;
	if (i->name && strcmp(i->name, "lo") == 0)
		i->kind = GP_NET_LOOPBACK;
	else if (gp_kv_get(kv, "BRIDGE") || gp_kv_get(kv, "OVS_BRIDGE") ||
		 (netcfg_true(gp_kv_get(kv, "SLAVE")) &&
		  gp_kv_get(kv, "MASTER")) || gp_kv_get(kv, "TEAM_MASTER"))
		i->kind = GP_NET_PORT;
	else if (!type)
		i->kind = netcfg_true(gp_kv_get(kv, "VLAN")) ? GP_NET_VLAN :
							       GP_NET_ETHERNET;
	else if (strcasecmp(type, "Bridge") == 0 ||
		 strcasecmp(type, "OVSBridge") == 0 ||
		 strcasecmp(type, "OVSUserBridge") == 0)
		i->kind = GP_NET_BRIDGE;
	else if (strcasecmp(type, "Bond") == 0 || strcasecmp(type, "Team") == 0)
		i->kind = GP_NET_BOND;
	else if (strcasecmp(type, "Vlan") == 0)
		i->kind = GP_NET_VLAN;
	else if (strcasecmp(type, "OVSPort") == 0)
		i->kind = GP_NET_PORT;
	else if (strcasecmp(type, "Ethernet") != 0)
		i->kind = GP_NET_VIRTUAL;
}

static int rh_master(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	static const char *const keys[] = {
		"BRIDGE", "OVS_BRIDGE", "MASTER", "TEAM_MASTER",
	};

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (gp_kv_get(kv, keys[k]))
			return gp_net_set(&i->master, gp_kv_get(kv, keys[k]));
	return 0;
}

static int rh_method(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	const struct gp_kv *it = NULL;
	const char *v;

	if (i->ovs)
		it = gp_kv_find(kv, "OVSBOOTPROTO");
	if (!it)
		it = gp_kv_find(kv, "BOOTPROTO");
	v = it ? it->value : "";
	if (strcasecmp(v, "dhcp") == 0 || strcasecmp(v, "bootp") == 0)
		i->method4 = GP_NET_DHCP;
	else if (i->addresses)
		i->method4 = GP_NET_STATIC;	/* "none", "static" or unset */
	else if (!*v || strcasecmp(v, "none") == 0 ||
		 strcasecmp(v, "static") == 0)
		i->method4 = GP_NET_MANUAL;
	else
		i->method4 = GP_NET_OTHER;
	return it ? set_text(&i->method_text, &i->method_line, it) : 0;
}

static int rh_ipv6(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	const struct gp_kv *init = gp_kv_find(kv, "IPV6INIT");
	const struct gp_kv *it;

	if (!init || !netcfg_true(init->value))
		return 0;
	if ((it = gp_kv_find(kv, "IPV6ADDR")) ||
	    ((it = gp_kv_find(kv, "DHCPV6C")) && netcfg_true(it->value))) {
		i->ipv6 = true;
		return set_text(&i->ipv6_text, NULL, it);
	}
	it = gp_kv_find(kv, "IPV6_AUTOCONF");
	if (it && netcfg_false(it->value))
		return 0;
	i->ipv6_auto = true;
	return set_text(&i->ipv6_text, NULL, init);
}

static int rh_iface(struct gp_netcfg *cfg, const struct gp_kvfile *kv,
		    const struct gp_kvfile *global, const char *path,
		    const char *stem)
{
	struct gp_net_iface *i = gp_netcfg_add(cfg, GP_NET_IFCFG_RH, path, 1);
	const char *dev = gp_kv_get(kv, "DEVICE"), *v;
	const struct gp_kv *it;
	int r;

	if (!i || gp_net_set(&i->id, stem) < 0 ||
	    gp_net_set(&i->name, dev && *dev ? dev : stem) < 0)
		return -ENOMEM;
	rh_kind(kv, i);
	i->onboot = !netcfg_false(gp_kv_get(kv, "ONBOOT"));
	r = add_addresses(kv, i, false);
	if (r == 0)
		r = rh_method(kv, i);
	if (r == 0)
		r = rh_master(kv, i);
	if (r == 0)
		r = rh_ipv6(kv, i);
	if (r < 0)
		return r;
	v = gp_kv_get(kv, "GATEWAY");
	if (!v && global && i->method4 == GP_NET_STATIC) {
		const char *dev_gw = gp_kv_get(global, "GATEWAYDEV");

		if (!dev_gw || strcmp(dev_gw, i->name) == 0)
			v = gp_kv_get(global, "GATEWAY");
	}
	if (v && *v && gp_net_set(&i->gateway, v) < 0)
		return -ENOMEM;
	if ((it = gp_kv_find(kv, "HWADDR")) && *it->value &&
	    (gp_net_set(&i->mac_match, it->value) < 0 ||
	     set_text(&i->mac_text, &i->mac_line, it) < 0))
		return -ENOMEM;
	if ((it = gp_kv_find(kv, "MACADDR")) && *it->value &&
	    (gp_net_set(&i->mac_set, it->value) < 0 ||
	     (!i->mac_text && set_text(&i->mac_text, &i->mac_line, it) < 0)))
		return -ENOMEM;
	return 0;
}

/* --- SUSE -------------------------------------------------------------- */

static void suse_kind(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	if (strcmp(i->name, "lo") == 0)
		i->kind = GP_NET_LOOPBACK;
	else if (netcfg_true(gp_kv_get(kv, "BRIDGE")))
		i->kind = GP_NET_BRIDGE;
	else if (netcfg_true(gp_kv_get(kv, "BONDING_MASTER")))
		i->kind = GP_NET_BOND;
	else if (gp_kv_get(kv, "ETHERDEVICE") || gp_kv_get(kv, "VLAN_ID"))
		i->kind = GP_NET_VLAN;
	else if (gp_kv_get(kv, "OVS_BRIDGE") || gp_kv_get(kv, "TUNNEL"))
		i->kind = netcfg_true(gp_kv_get(kv, "OVS_BRIDGE")) ?
				  GP_NET_BRIDGE : GP_NET_VIRTUAL;
	i->ovs = gp_kv_get(kv, "OVS_BRIDGE") != NULL;
}

static void suse_method(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	const char *v = gp_kv_get(kv, "BOOTPROTO");

	/* ifcfg(5): BOOTPROTO defaults to static. */
	if (!v || !*v || strcasecmp(v, "static") == 0)
		i->method4 = i->addresses ? GP_NET_STATIC : GP_NET_MANUAL;
	else if (strncasecmp(v, "dhcp", 4) == 0 && strcasecmp(v, "dhcp6") != 0)
		i->method4 = GP_NET_DHCP;	/* dhcp, dhcp4, dhcp+autoip */
	else if (strcasecmp(v, "none") == 0 || strcasecmp(v, "dhcp6") == 0)
		i->method4 = GP_NET_MANUAL;
	else
		i->method4 = GP_NET_OTHER;
}

static int suse_ipv6(const struct gp_kvfile *kv, struct gp_net_iface *i)
{
	const struct gp_kv *it = gp_kv_find(kv, "BOOTPROTO");

	if (it && strcasecmp(it->value, "dhcp6") == 0) {
		i->ipv6 = true;
		return set_text(&i->ipv6_text, NULL, it);
	}
	for (size_t k = 0; k < kv->n_items; k++)
		if (key_family(kv->items[k].key, "IPADDR") &&
		    netcfg_is_ipv6(kv->items[k].value)) {
			i->ipv6 = true;
			return set_text(&i->ipv6_text, NULL, &kv->items[k]);
		}
	return 0;
}

static int suse_iface(struct gp_netcfg *cfg, const struct gp_kvfile *kv,
		      const char *path, const char *stem)
{
	struct gp_net_iface *i = gp_netcfg_add(cfg, GP_NET_IFCFG_SUSE, path, 1);
	const char *start = gp_kv_get(kv, "STARTMODE");
	const struct gp_kv *it;

	if (!i || gp_net_set(&i->id, stem) < 0 ||
	    gp_net_set(&i->name, stem) < 0)
		return -ENOMEM;
	suse_kind(kv, i);
	/* ifcfg(5): STARTMODE defaults to manual. */
	i->onboot = start && (strcasecmp(start, "auto") == 0 ||
			      strcasecmp(start, "onboot") == 0 ||
			      strcasecmp(start, "hotplug") == 0 ||
			      strcasecmp(start, "ifplugd") == 0 ||
			      strcasecmp(start, "nfsroot") == 0);
	if (add_addresses(kv, i, true) < 0)
		return -ENOMEM;
	suse_method(kv, i);
	it = gp_kv_find(kv, "BOOTPROTO");
	if (it && set_text(&i->method_text, &i->method_line, it) < 0)
		return -ENOMEM;
	if (suse_ipv6(kv, i) < 0)
		return -ENOMEM;
	if ((it = gp_kv_find(kv, "LLADDR")) && *it->value &&
	    (gp_net_set(&i->mac_set, it->value) < 0 ||
	     set_text(&i->mac_text, &i->mac_line, it) < 0))
		return -ENOMEM;
	return 0;
}

/*
 * Ports are named by their master (BRIDGE_PORTS, BONDING_SLAVE<n>), which
 * may be read before them: remember "PORT MASTER" pairs for later.
 */
static int suse_ports(const struct gp_kvfile *kv, const char *master,
		      char ***pending)
{
	for (size_t k = 0; k < kv->n_items; k++) {
		const struct gp_kv *it = &kv->items[k];
		_cleanup_(strv_freep) char **words = NULL;

		if (strcmp(it->key, "BRIDGE_PORTS") != 0 &&
		    !key_family(it->key, "BONDING_SLAVE"))
			continue;
		if (strv_split(it->value, &words) < 0)
			return -ENOMEM;
		for (size_t w = 0; words && words[w]; w++) {
			_cleanup_free_ char *pair =
				strprintf("%s %s", words[w], master);

			if (!pair || strv_push(pending, pair) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int suse_mark_ports(struct gp_netcfg *cfg, char **pending)
{
	for (size_t p = 0; pending && pending[p]; p++) {
		char *master = strchr(pending[p], ' ');

		*master++ = '\0';
		for (size_t n = 0; n < cfg->n_ifaces; n++) {
			struct gp_net_iface *i = &cfg->ifaces[n];

			if (i->source != GP_NET_IFCFG_SUSE ||
			    strcmp(i->name, pending[p]) != 0)
				continue;
			i->kind = GP_NET_PORT;
			if (gp_net_set(&i->master, master) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* "default GATEWAY - [DEV]" lines of a routes file. */
static int suse_routes(const struct gp_root *root, struct gp_netcfg *cfg,
		       const char *path, const char *dev)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	char *save = NULL;
	int r = netcfg_read(root, cfg, path, &text, &len);

	if (r != 0)
		return r < 0 ? r : 0;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char dest[64], gw[64], mask[64], ifname[64];
		int n = sscanf(line, "%63s %63s %63s %63s", dest, gw, mask,
			       ifname);

		if (n < 2 || (strcmp(dest, "default") != 0 &&
			      strcmp(dest, "0.0.0.0") != 0 &&
			      strcmp(dest, "0.0.0.0/0") != 0))
			continue;
		for (size_t k = 0; k < cfg->n_ifaces; k++) {
			struct gp_net_iface *i = &cfg->ifaces[k];
			const char *want = dev ? dev :
					   n == 4 && strcmp(ifname, "-") ?
					   ifname : NULL;

			if (i->source != GP_NET_IFCFG_SUSE || i->gateway ||
			    i->method4 != GP_NET_STATIC ||
			    (want && strcmp(want, i->name) != 0))
				continue;
			if (gp_net_set(&i->gateway, gw) < 0)
				return -ENOMEM;
			break;
		}
	}
	return 0;
}

static int read_dir(const struct gp_root *root, struct gp_netcfg *cfg,
		    bool suse)
{
	_cleanup_(strv_freep) char **names = NULL, **pending = NULL;
	_cleanup_(gp_kv_done) struct gp_kvfile global = { 0 };
	bool have_global = false;
	const char *dir = suse ? SUSE_DIR : RH_DIR;
	int r;

	/* On RHEL /etc/sysconfig/network is a file, not SUSE's directory. */
	if (!gp_root_is_dir(root, dir))
		return 0;
	r = netcfg_list_dir(root, dir, NULL, &names);

	if (r < 0)
		return r;
	if (!suse) {
		r = gp_kv_load(root, RH_NETWORK, &global);
		if (r == -ENOMEM)
			return r;
		have_global = r == 0;
		r = 0;
	}
	for (size_t n = 0; names[n]; n++) {
		_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
		_cleanup_free_ char *path = NULL, *text = NULL;
		size_t len;

		if (ignored_name(names[n]))
			continue;
		path = strprintf("%s/%s", dir, names[n]);
		if (!path)
			return -ENOMEM;
		r = netcfg_read(root, cfg, path, &text, &len);
		if (r == 0)
			r = gp_kv_parse(text, len, &kv);
		if (r == 0 && kv.bad_lines)
			r = gp_netcfg_problem(cfg, "%s:%u: not an assignment",
					      path, kv.first_bad_line);
		if (r == 0)
			r = suse ? suse_iface(cfg, &kv, path, names[n] + 6) :
				   rh_iface(cfg, &kv,
					    have_global ? &global : NULL, path,
					    names[n] + 6);
		if (r == 0 && suse)
			r = suse_ports(&kv, names[n] + 6, &pending);
		if (r < 0)
			return r;
	}
	if (suse) {
		r = suse_mark_ports(cfg, pending);
		if (r == 0)
			r = suse_routes(root, cfg, SUSE_ROUTES, NULL);
		for (size_t n = 0; r == 0 && names[n]; n++) {
			_cleanup_free_ char *path = NULL;

			if (!startswith(names[n], "ifroute-"))
				continue;
			path = strprintf("%s/%s", dir, names[n]);
			r = path ? suse_routes(root, cfg, path, names[n] + 8) :
				   -ENOMEM;
		}
	}
	return r;
}

int gp_netcfg_read_ifcfg(const struct gp_root *root, struct gp_netcfg *cfg)
{
	int r = read_dir(root, cfg, false);

	return r < 0 ? r : read_dir(root, cfg, true);
}

/* --- the fixer --------------------------------------------------------- */

/* The quote the line at @line used for its value, to write alike. */
static const char *quote_of(const char *text, size_t len, unsigned line)
{
	const char *p = text, *end = text + len, *eq;

	for (unsigned n = 1; n < line && p < end; n++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return "";
		p++;
	}
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq || eq + 1 >= end)
		return "";
	return eq[1] == '\'' ? "'" : eq[1] == '"' ? "\"" : "";
}

/* Set @key to @value: replace its last assignment, or add a line. */
static int set_key(struct gp_edits *e, const struct gp_kvfile *kv,
		   const char *text, size_t len, const char *key,
		   const char *value, const char *dflt_quote)
{
	const struct gp_kv *it = gp_kv_find(kv, key);
	const char *q;

	if (it && strcmp(it->value, value) == 0)
		return 0;
	if (it) {
		q = quote_of(text, len, it->line);
		return gp_edits_add(e, GP_EDIT_REPLACE, it->line, "%s=%s%s%s",
				    key, q, value, q);
	}
	return gp_edits_add(e, GP_EDIT_INSERT, ~0u, "%s=%s%s%s", key,
			    dflt_quote, value, dflt_quote);
}

static bool dropped_key(const char *key, bool suse)
{
	static const char *const rh[] = {
		"IPADDR", "NETMASK", "PREFIX", "GATEWAY", "HWADDR", "MACADDR",
		"BROADCAST", "NETWORK",
	};
	static const char *const sus[] = {
		"IPADDR", "NETMASK", "PREFIXLEN", "BROADCAST", "REMOTE_IPADDR",
		"LABEL", "LLADDR", "GATEWAY",
	};
	const char *const *v = suse ? sus : rh;
	size_t n = suse ? ARRAY_SIZE(sus) : ARRAY_SIZE(rh);

	for (size_t k = 0; k < n; k++)
		if (key_family(key, v[k]) &&
		    (suse || strcmp(key, "NETWORKING") != 0))
			return true;
	return false;
}

/* The ports of the OVS bridge @name, for OVSDHCPINTERFACES. */
static char *ovs_ports(const struct gp_netcfg *cfg, const char *name)
{
	_cleanup_(strv_freep) char **ports = NULL;

	for (size_t k = 0; k < cfg->n_ifaces; k++) {
		const struct gp_net_iface *i = &cfg->ifaces[k];

		if (i->source == GP_NET_IFCFG_RH && i->master &&
		    strcmp(i->master, name) == 0 &&
		    strv_push(&ports, i->name) < 0)
			return NULL;
	}
	return ports ? strv_join(ports, " ") : strdup("");
}

static int edit_iface_file(const struct gp_root *root,
			   const struct gp_netcfg *cfg,
			   const struct gp_net_iface *iface,
			   struct gp_net_rewrites *rw)
{
	bool suse = iface->source == GP_NET_IFCFG_SUSE;
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	_cleanup_(gp_edits_done) struct gp_edits e = { 0 };
	_cleanup_free_ char *text = NULL, *ports = NULL;
	size_t len;
	int r;

	r = gp_root_read_file(root, iface->path, NETCFG_MAX_FILE, &text, &len);
	if (r == 0)
		r = gp_kv_parse(text, len, &kv);
	if (r < 0)
		return r;
	/* Empty assignments say nothing: leave them, for a small diff. */
	for (size_t k = 0; k < kv.n_items; k++)
		if (*kv.items[k].value && dropped_key(kv.items[k].key, suse))
			r = r ?: gp_edits_add(&e, GP_EDIT_DELETE,
					      kv.items[k].line, NULL);
	if (iface->ovs && !suse) {
		ports = ovs_ports(cfg, iface->name);
		if (!ports)
			return -ENOMEM;
		r = r ?: set_key(&e, &kv, text, len, "OVSBOOTPROTO", "dhcp",
				 "\"");
		/* ifup-ovs runs the DHCP client itself; "static" without
		 * an address would make ifup-eth fail. */
		if (gp_kv_get(&kv, "BOOTPROTO") &&
		    strcasecmp(gp_kv_get(&kv, "BOOTPROTO"), "static") == 0)
			r = r ?: set_key(&e, &kv, text, len, "BOOTPROTO",
					 "none", "");
		if (*ports)
			r = r ?: set_key(&e, &kv, text, len,
					 "OVSDHCPINTERFACES", ports, "\"");
	} else {
		r = r ?: set_key(&e, &kv, text, len, "BOOTPROTO", "dhcp",
				 suse ? "'" : "");
	}
	if (r < 0)
		return r;
	return gp_edits_rewrite(&e, iface->path, text, len, rw);
}

/* Default routes that would fight the DHCP one. */
static int drop_lines(const struct gp_root *root, const char *path,
		      bool (*drop)(const char *line, const char *arg),
		      const char *arg, struct gp_net_rewrites *rw)
{
	_cleanup_(gp_edits_done) struct gp_edits e = { 0 };
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len, out_len;
	unsigned line = 0;
	int r;

	r = gp_root_read_file(root, path, NETCFG_MAX_FILE, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		_cleanup_free_ char *s = strndup(
			p, nl ? (size_t)(nl - p) : (size_t)(text + len - p));

		if (!s)
			return -ENOMEM;
		line++;
		if (drop(s, arg) &&
		    gp_edits_add(&e, GP_EDIT_DELETE, line, NULL) < 0)
			return -ENOMEM;
		p = nl ? nl + 1 : text + len;
	}
	if (!e.n)
		return 0;
	r = gp_edits_apply(&e, text, len, &out, &out_len);
	if (r < 0)
		return r;
	return gp_net_rewrites_add(rw, path, TAKE_PTR(out), out_len);
}

static bool default_route(const char *line, const char *dev)
{
	char dest[64], gw[64], mask[64], ifname[64];
	int n = sscanf(line, "%63s %63s %63s %63s", dest, gw, mask, ifname);

	if (n < 2 || (strcmp(dest, "default") != 0 &&
		      strcmp(dest, "0.0.0.0") != 0 &&
		      strcmp(dest, "0.0.0.0/0") != 0))
		return false;
	return !dev || n < 4 || strcmp(ifname, "-") == 0 ||
	       strcmp(ifname, dev) == 0;
}

/* The global GATEWAY= of /etc/sysconfig/network (static leftovers). */
static bool global_gateway(const char *line, const char *unused)
{
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };

	(void)unused;
	return gp_kv_parse(line, strlen(line), &kv) == 0 && kv.n_items == 1 &&
	       strcmp(kv.items[0].key, "GATEWAY") == 0;
}

int gp_netcfg_fix_ifcfg(const struct gp_root *root,
			const struct gp_netcfg *cfg,
			const struct gp_net_iface *iface,
			struct gp_net_rewrites *rw)
{
	_cleanup_free_ char *ifroute = NULL;
	int r = edit_iface_file(root, cfg, iface, rw);

	if (r < 0)
		return r;
	if (iface->source == GP_NET_IFCFG_RH)
		return drop_lines(root, RH_NETWORK, global_gateway, iface->name,
				  rw);
	r = drop_lines(root, SUSE_ROUTES, default_route, iface->name, rw);
	ifroute = strprintf("%s/ifroute-%s", SUSE_DIR, iface->name);
	if (r == 0)
		r = ifroute ? drop_lines(root, ifroute, default_route, NULL, rw)
			    : -ENOMEM;
	return r;
}
