/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * network: the cloud gives the instance's one NIC its address by DHCP;
 * it does not support several NICs or IPv6 in the image, and its NIC
 * has a MAC address of its own ("Enable DHCP", "Multiple network
 * interfaces", "IPv6 addresses" are not supported).
 *
 *   network.manager         which tools bring interfaces up at the next
 *                           boot (from the services enabled), files that
 *                           cannot be read, tools configuring one NIC
 *                           in two ways
 *   network.dhcp            the primary interface uses DHCP for IPv4
 *   network.mac_pinned      configurations bound to (or setting) a MAC
 *   network.persistent_net  udev rules and .link files naming NICs by MAC
 *   network.nics            more than one NIC configured to come up
 *   network.ipv6            static IPv6 addresses or DHCPv6
 *
 * The configuration formats are read by the core (guestprep/netcfg.h);
 * this file decides which of them count and judges.  The verdict comes
 * from the configuration of the next boot; live, the kernel's default
 * route picks the primary interface and its DHCP lease is evidence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "guestprep/ini.h"
#include "guestprep/macro.h"
#include "guestprep/netcfg.h"
#include "guestprep/plugin.h"
#include "guestprep/service.h"

#define UDEV_RULES "/etc/udev/rules.d/70-persistent-net.rules"
#define LINK_DIR "/etc/systemd/network"
#define MAX_LIST 8

/* --- which tools are in charge ----------------------------------------- */

struct tool {
	const char *label;
	const char *const *services;
	enum gp_service_state state;
	char *why;		/* what enables it */
};

static const char *const nm_names[] = { "NetworkManager", NULL };
static const char *const networkd_names[] = { "systemd-networkd", NULL };
static const char *const rh_names[] = { "network", NULL };
static const char *const wicked_names[] = { "wicked", NULL };
static const char *const ifupdown_names[] = { "networking", NULL };

enum { T_NM, T_NETWORKD, T_RH, T_WICKED, T_IFUPDOWN, T_MAX };

struct state {
	struct gp_netcfg cfg;
	struct tool tools[T_MAX];
	bool netplan;		/* netplan's generator or binary is there */
	bool known;		/* some service state could be told */
	bool active[GP_NET_SOURCE_MAX];
	const struct gp_net_iface *primary;
	char *live_route;	/* the kernel's default route's device */
};

static void state_done(struct state *s)
{
	gp_netcfg_done(&s->cfg);
	for (size_t i = 0; i < T_MAX; i++)
		free(s->tools[i].why);
	free(s->live_route);
}

static bool any_file(const struct gp_root *root, const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++)
		if (gp_root_exists(root, paths[i]))
			return true;
	return false;
}

static int lookup(const struct gp_root *root, struct tool *t)
{
	struct gp_service svc = { 0 };
	int r = gp_service_lookup(root, t->services, &svc);

	if (r < 0)
		return r;
	t->state = svc.state;
	/* SUSE's network.service is an alias of wicked's. */
	if (t->services == rh_names && svc.unit_path &&
	    strstr(svc.unit_path, "wicked"))
		t->state = GP_SERVICE_ABSENT;
	if (svc.state == GP_SERVICE_ENABLED && svc.enabled_by &&
	    svc.enabled_by[0])
		t->why = strdup(svc.enabled_by[0]);
	else if (svc.state == GP_SERVICE_ENABLED && svc.unit_path)
		t->why = strdup(svc.unit_path);
	gp_service_done(&svc);
	return 0;
}

static bool enabled(const struct state *s, int t)
{
	return s->tools[t].state == GP_SERVICE_ENABLED;
}

static bool uses_source(const struct state *s, enum gp_net_source src)
{
	for (size_t i = 0; i < s->cfg.n_ifaces; i++)
		if (s->cfg.ifaces[i].source == src)
			return true;
	return false;
}

static void decide_active(struct state *s, enum gp_os_family family)
{
	bool nm_reads_ifcfg = family == GP_FAMILY_RHEL ||
			      (s->cfg.nm_plugins &&
			       strstr(s->cfg.nm_plugins, "ifcfg-rh"));

	if (!s->known) {
		/* No service could be told: every format found counts. */
		for (size_t i = 0; i < GP_NET_SOURCE_MAX; i++)
			s->active[i] = true;
		return;
	}
	s->active[GP_NET_NM] = enabled(s, T_NM);
	s->active[GP_NET_IFCFG_RH] = enabled(s, T_RH) ||
				     (enabled(s, T_NM) && nm_reads_ifcfg);
	s->active[GP_NET_IFCFG_SUSE] = enabled(s, T_WICKED);
	s->active[GP_NET_IFUPDOWN] = enabled(s, T_IFUPDOWN);
	s->active[GP_NET_NETPLAN] = s->netplan;
	/* netplan's generator starts networkd for what it renders. */
	s->active[GP_NET_NETWORKD] =
		enabled(s, T_NETWORKD) ||
		(s->netplan && uses_source(s, GP_NET_NETPLAN));
}

static bool iface_active(const struct state *s, const struct gp_net_iface *i)
{
	if (!s->active[i->source])
		return false;
	if (i->source == GP_NET_NETPLAN && s->known && i->renderer &&
	    strcmp(i->renderer, "NetworkManager") == 0)
		return enabled(s, T_NM);
	return true;
}

/* Interfaces the guest brings up at boot, lo aside. */
static bool comes_up(const struct state *s, const struct gp_net_iface *i)
{
	return iface_active(s, i) && i->onboot && i->kind != GP_NET_LOOPBACK;
}

/* Interfaces that carry an address for the cloud: not lo, not ports. */
static bool l3_candidate(const struct state *s, const struct gp_net_iface *i)
{
	return iface_active(s, i) && i->onboot &&
	       (i->kind == GP_NET_ETHERNET || i->kind == GP_NET_BRIDGE ||
		i->kind == GP_NET_BOND || i->kind == GP_NET_VLAN);
}

/* The device of the kernel's IPv4 default route (live only). */
static int live_default_route(const struct gp_root *root, char **ret)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (gp_root_read_file(root, "/proc/net/route", 1 << 16, &text,
			      NULL) < 0)
		return 0;
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char dev[64], dest[16], mask[16] = "";

		if (sscanf(l, "%63s %15s %*s %*s %*s %*s %*s %15s", dev, dest,
			   mask) >= 2 &&
		    strcmp(dest, "00000000") == 0 &&
		    (!*mask || strcmp(mask, "00000000") == 0)) {
			*ret = strdup(dev);
			return *ret ? 0 : -ENOMEM;
		}
	}
	return 0;
}

static int score(const struct state *s, const struct gp_net_iface *i)
{
	int n = 0;

	if (s->live_route && i->name && strcmp(i->name, s->live_route) == 0)
		n += 16;
	if (i->gateway)
		n += 8;
	if (i->method4 == GP_NET_DHCP)
		n += 4;
	else if (i->method4 == GP_NET_STATIC)
		n += 2;
	if (i->kind != GP_NET_VLAN)
		n += 1;
	return n;
}

static void pick_primary(struct state *s)
{
	int best = -1;

	for (size_t k = 0; k < s->cfg.n_ifaces; k++) {
		const struct gp_net_iface *i = &s->cfg.ifaces[k];
		int n;

		if (!l3_candidate(s, i))
			continue;
		n = score(s, i);
		if (n > best) {
			best = n;
			s->primary = i;
		}
	}
}

static int state_load(struct gp_ctx *ctx, struct state *s)
{
	static const char *const netplan_bins[] = {
		"/usr/sbin/netplan", "/sbin/netplan",
		"/lib/systemd/system-generators/netplan",
		"/usr/lib/systemd/system-generators/netplan", NULL,
	};
	static const char *const *const names[T_MAX] = {
		nm_names, networkd_names, rh_names, wicked_names,
		ifupdown_names,
	};
	static const char *const labels[T_MAX] = {
		"NetworkManager", "systemd-networkd", "network-scripts",
		"wicked", "ifupdown",
	};
	const struct gp_root *root = gp_ctx_root(ctx);
	const struct gp_host *host = gp_ctx_host(ctx);
	int r = gp_netcfg_load(root, &s->cfg);

	for (size_t t = 0; r == 0 && t < T_MAX; t++) {
		s->tools[t].label = labels[t];
		s->tools[t].services = names[t];
		r = lookup(root, &s->tools[t]);
		if (s->tools[t].state != GP_SERVICE_ABSENT)
			s->known = true;
	}
	if (r < 0)
		return r;
	s->netplan = any_file(root, netplan_bins);
	decide_active(s, host->os.family);
	if (host->live && (r = live_default_route(root, &s->live_route)) < 0)
		return r;
	pick_primary(s);
	return 0;
}

/* --- evidence helpers -------------------------------------------------- */

static const char *iface_name(const struct gp_net_iface *i)
{
	return i->name ? i->name : i->id ? i->id :
	       i->mac_match ? i->mac_match : "?";
}

static void where(struct gp_finding *f, const struct gp_net_iface *i)
{
	gp_evidence(f, "%s:%u: %s %s (%s)", i->path, i->line,
		    i->kind == GP_NET_BRIDGE ? (i->ovs ? "OVS bridge" :
							 "bridge") :
		    i->kind == GP_NET_BOND ? "bond" :
		    i->kind == GP_NET_VLAN ? "VLAN" : "interface",
		    iface_name(i), gp_net_source_name(i->source));
}

static void describe(struct gp_finding *f, const struct gp_net_iface *i)
{
	where(f, i);
	if (i->method_text)
		gp_evidence(f, "%s:%u: %s", i->path,
			    i->method_line ? i->method_line : i->line,
			    i->method_text);
	for (size_t k = 0; i->addresses && i->addresses[k]; k++)
		gp_evidence(f, "address %s", i->addresses[k]);
	if (i->gateway)
		gp_evidence(f, "gateway %s", i->gateway);
}

/*
 * dhclient and NetworkManager name lease files after the interface;
 * networkd's are named by interface index, so any of them counts.
 */
static bool is_lease(const char *dir, const char *file, const char *name)
{
	bool networkd = strcmp(dir, "/run/systemd/netif/leases") == 0;

	if (file[0] == '.' || (!networkd && !strstr(file, "lease")))
		return false;
	return networkd || !name || strstr(file, name);
}

/* Live only: files that show the interface got a DHCP lease. */
static void lease_evidence(const struct gp_root *root, struct gp_finding *f,
			   const char *name)
{
	static const char *const dirs[] = {
		"/var/lib/dhclient", "/var/lib/dhcp", "/var/lib/NetworkManager",
		"/run/systemd/netif/leases", "/var/lib/wicked",
	};

	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		_cleanup_closedir_ DIR *dir = NULL;
		struct dirent *de;

		if (gp_root_opendir(root, dirs[d], &dir) < 0)
			continue;
		while ((de = readdir(dir)))
			if (is_lease(dirs[d], de->d_name, name))
				gp_evidence(f, "live: DHCP lease %s/%s",
					    dirs[d], de->d_name);
	}
}

static void live_evidence(struct gp_ctx *ctx, struct gp_finding *f,
			  const struct state *s)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_free_ char *path = NULL, *oper = NULL;

	if (!gp_ctx_host(ctx)->live)
		return;
	if (s->live_route)
		gp_evidence(f, "live: the default route goes through %s",
			    s->live_route);
	if (s->primary && s->primary->name &&
	    asprintf(&path, "/sys/class/net/%s/operstate",
		     s->primary->name) >= 0 &&
	    gp_root_read_file(root, path, 64, &oper, NULL) == 0)
		gp_evidence(f, "live: %s is %.*s", s->primary->name,
			    (int)strcspn(oper, "\n"), oper);
	lease_evidence(root, f, s->primary ? s->primary->name : NULL);
}

/* --- network.manager --------------------------------------------------- */

static bool conflicting(const struct state *s, const struct gp_net_iface *a,
			const struct gp_net_iface *b)
{
	bool nm_ifcfg =
		(a->source == GP_NET_NM && b->source == GP_NET_IFCFG_RH) ||
		(a->source == GP_NET_IFCFG_RH && b->source == GP_NET_NM);

	return a->source != b->source && !nm_ifcfg && a->name && b->name &&
	       strcmp(a->name, b->name) == 0 && a->kind != GP_NET_LOOPBACK &&
	       iface_active(s, a) && iface_active(s, b) && a->onboot &&
	       b->onboot;
}

static bool any_conflict(const struct state *s)
{
	for (size_t a = 0; a < s->cfg.n_ifaces; a++)
		for (size_t b = a + 1; b < s->cfg.n_ifaces; b++)
			if (conflicting(s, &s->cfg.ifaces[a],
					&s->cfg.ifaces[b]))
				return true;
	return false;
}

/* "NetworkManager, netplan": the tools in charge; *ret_n of them. */
static void tools_list(const struct state *s, char *list, size_t size,
		       size_t *ret_n)
{
	size_t n = 0;

	list[0] = '\0';
	for (int t = 0; t < T_MAX; t++)
		if (enabled(s, t))
			snprintf(list + strlen(list), size - strlen(list),
				 "%s%s", n++ ? ", " : "", s->tools[t].label);
	if (s->netplan && uses_source(s, GP_NET_NETPLAN))
		snprintf(list + strlen(list), size - strlen(list),
			 "%snetplan", n++ ? ", " : "");
	*ret_n = n;
}

static struct gp_finding *manager_verdict(struct gp_ctx *ctx,
					  const struct state *s)
{
	struct gp_finding *f;
	char list[256];
	size_t n;

	tools_list(s, list, sizeof(list), &n);
	if (!s->known) {
		f = gp_emit(ctx, "network.manager", GP_WARN,
			    "cannot tell which tool brings the network up at "
			    "boot: every configuration found is judged");
		gp_remedy(f, "check that the tool for the NIC is enabled at "
			     "boot");
	} else if (!n) {
		f = gp_emit(ctx, "network.manager", GP_WARN,
			    "nothing enabled at boot brings the network up");
		gp_remedy(f, "enable the tool that configures the NIC at "
			     "boot");
	} else if (any_conflict(s)) {
		f = gp_emit(ctx, "network.manager", GP_WARN,
			    "%s configure the same interface", list);
		gp_remedy(f, "keep the NIC's configuration in one tool and "
			     "remove it from the others");
	} else if (s->cfg.problems) {
		f = gp_emit(ctx, "network.manager", GP_WARN,
			    "network configuration that cannot be read");
		gp_remedy(f, "repair or remove the files named");
	} else {
		f = gp_emit(ctx, "network.manager", GP_PASS,
			    "the network is brought up by %s", list);
	}
	return f;
}

static int check_manager(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	struct gp_finding *f;
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	f = manager_verdict(ctx, &s);
	for (size_t t = 0; t < T_MAX; t++)
		if (s.tools[t].state != GP_SERVICE_ABSENT)
			gp_evidence(f, "%s: %s%s%s", s.tools[t].label,
				    gp_service_state_name(s.tools[t].state),
				    s.tools[t].why ? " by " : "",
				    s.tools[t].why ? s.tools[t].why : "");
	for (size_t a = 0; a < s.cfg.n_ifaces; a++)
		for (size_t b = a + 1; b < s.cfg.n_ifaces; b++)
			if (conflicting(&s, &s.cfg.ifaces[a],
					&s.cfg.ifaces[b])) {
				where(f, &s.cfg.ifaces[a]);
				where(f, &s.cfg.ifaces[b]);
			}
	for (size_t i = 0; s.cfg.problems && s.cfg.problems[i]; i++)
		gp_evidence(f, "%s", s.cfg.problems[i]);
	if (s.cfg.nm_no_auto_default_text)
		gp_evidence(f, "%s", s.cfg.nm_no_auto_default_text);
	return 0;
}

/*
 * Whether the fixer can rewrite the primary interface: the rewrite is
 * computed (not planned), so a layout it cannot edit is not offered.
 */
static bool can_fix(struct gp_ctx *ctx, const struct state *s)
{
	struct gp_net_rewrites rw = { 0 };
	bool ok;

	if (!s->primary || !s->primary->editable)
		return false;
	ok = gp_netcfg_to_dhcp(gp_ctx_root(ctx), &s->cfg, s->primary,
			       &rw) == 0 && rw.n > 0;
	gp_net_rewrites_done(&rw);
	return ok;
}

/* --- network.dhcp ------------------------------------------------------ */

static void no_config(struct gp_ctx *ctx, const struct state *s)
{
	enum gp_status bad = gp_ctx_profile(ctx)->static_ip;
	struct gp_finding *f;

	if (s->active[GP_NET_NM] && s->known && !s->cfg.nm_no_auto_default) {
		f = gp_emit(ctx, "network.dhcp", GP_PASS,
			    "no NIC is configured: NetworkManager brings it "
			    "up with DHCP (its automatic wired connection)");
	} else if (s->active[GP_NET_NM] && s->known) {
		f = gp_emit(ctx, "network.dhcp", bad,
			    "no NIC is configured and NetworkManager does not "
			    "start DHCP on unconfigured NICs");
		gp_evidence(f, "%s", s->cfg.nm_no_auto_default_text);
		gp_remedy(f, "add a DHCP connection profile for the NIC, or "
			     "remove no-auto-default=* (NetworkManager-"
			     "config-server)");
	} else {
		f = gp_emit(ctx, "network.dhcp", bad,
			    "no configuration brings a NIC up with DHCP at "
			    "boot");
		gp_remedy(f, "configure the NIC for DHCP in the tool that "
			     "the system uses (network.manager)");
	}
	for (size_t i = 0; i < s->cfg.n_ifaces; i++)
		if (!iface_active(s, &s->cfg.ifaces[i]) &&
		    s->cfg.ifaces[i].kind != GP_NET_VIRTUAL &&
		    s->cfg.ifaces[i].kind != GP_NET_LOOPBACK)
			gp_evidence(
				f, "%s: not used at boot (%s)",
				s->cfg.ifaces[i].path,
				gp_net_source_name(s->cfg.ifaces[i].source));
	live_evidence(ctx, f, s);
}

static int check_dhcp(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	const struct gp_net_iface *p;
	struct gp_finding *f;
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	p = s.primary;
	if (!p) {
		no_config(ctx, &s);
		return 0;
	}
	if (p->method4 == GP_NET_DHCP) {
		f = gp_emit(ctx, "network.dhcp", GP_PASS,
			    "%s uses DHCP (%s)", iface_name(p),
			    gp_net_source_name(p->source));
	} else if (p->method4 == GP_NET_STATIC) {
		f = gp_emit(ctx, "network.dhcp",
			    gp_ctx_profile(ctx)->static_ip,
			    "%s has the static address %s (%s)", iface_name(p),
			    p->addresses[0], gp_net_source_name(p->source));
	} else {
		f = gp_emit(ctx, "network.dhcp",
			    gp_ctx_profile(ctx)->static_ip,
			    "%s gets no IPv4 address by DHCP (%s, %s)",
			    iface_name(p), gp_net_method_name(p->method4),
			    gp_net_source_name(p->source));
	}
	describe(f, p);
	live_evidence(ctx, f, &s);
	if (p->method4 != GP_NET_DHCP) {
		gp_remedy(f, "configure %s for DHCP and remove its static "
			     "address and gateway", iface_name(p));
		gp_set_fixable(f, can_fix(ctx, &s));
	}
	return 0;
}

/* --- network.mac_pinned ------------------------------------------------ */

static int check_mac(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	struct gp_finding *f = NULL;
	bool fixable = true;
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	for (size_t k = 0; k < s.cfg.n_ifaces; k++) {
		const struct gp_net_iface *i = &s.cfg.ifaces[k];

		if (!comes_up(&s, i) || (!i->mac_match && !i->mac_set))
			continue;
		if (!f)
			f = gp_emit(
				ctx, "network.mac_pinned",
				gp_ctx_profile(ctx)->mac_pinned,
				"the network configuration is bound to a "
				"MAC address the cloud's NIC will not have");
		where(f, i);
		if (i->mac_line)
			gp_evidence(f, "%s:%u: %s", i->path, i->mac_line,
				    i->mac_text);
		else
			gp_evidence(f, "%s: %s", i->path, i->mac_text);
		fixable &= i == s.primary;
	}
	if (!f) {
		gp_emit(ctx, "network.mac_pinned", GP_PASS,
			"no interface configuration names a MAC address");
		return 0;
	}
	gp_remedy(f, "remove the MAC address (HWADDR=, mac-address=, match: "
		     "macaddress:, MACAddress=, hwaddress) from the "
		     "configuration");
	gp_set_fixable(f, fixable && can_fix(ctx, &s));
	return 0;
}

/* --- network.persistent_net -------------------------------------------- */

/* Active udev rules that name a NIC by its MAC address. */
static unsigned udev_pins(const char *text, struct gp_finding *f, bool emit)
{
	unsigned n = 0, line = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		_cleanup_free_ char *l = strndup(p, len);

		line++;
		if (l && l[strspn(l, " \t")] != '#' &&
		    strstr(l, "ATTR{address}") && strstr(l, "NAME")) {
			n++;
			if (emit && n <= MAX_LIST)
				gp_evidence(f, "%s:%u: %s", UDEV_RULES, line,
					    l);
		}
		p += len + (p[len] ? 1 : 0);
	}
	return n;
}

struct paths {
	char *v[MAX_LIST];
	size_t n;
};

static void paths_done(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	p->n = 0;
}

/* systemd .link files in /etc that match a MAC and set a name. */
static int link_pins(const struct gp_root *root, struct paths *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, LINK_DIR, &d) < 0)
		return 0;
	while ((de = readdir(d)) && ret->n < MAX_LIST) {
		_cleanup_(gp_ini_done) struct gp_ini ini = { 0 };
		_cleanup_free_ char *path = NULL, *text = NULL;
		size_t len = strlen(de->d_name), tlen;

		if (len < 6 || strcmp(de->d_name + len - 5, ".link") != 0)
			continue;
		if (asprintf(&path, "%s/%s", LINK_DIR, de->d_name) < 0)
			return -ENOMEM;
		if (gp_root_read_file(root, path, 1 << 16, &text, &tlen) < 0)
			continue;
		if (gp_ini_parse(text, tlen, &ini) < 0)
			return -ENOMEM;
		if ((gp_ini_get(&ini, "Match", "MACAddress") ||
		     gp_ini_get(&ini, "Match", "PermanentMACAddress")) &&
		    gp_ini_get(&ini, "Link", "Name"))
			ret->v[ret->n++] = TAKE_PTR(path);
	}
	return 0;
}

/* The rules file, when it holds rules naming NICs by MAC. */
static int udev_file(const struct gp_root *root, char **ret_text)
{
	_cleanup_free_ char *text = NULL;
	int r = gp_root_read_file(root, UDEV_RULES, 1 << 20, &text, NULL);

	if (r == -ENOMEM)
		return r;
	if (r < 0 || !udev_pins(text, NULL, false))
		return 0;
	*ret_text = TAKE_PTR(text);
	return 1;
}

static int check_persistent(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(paths_done) struct paths links = { 0 };
	_cleanup_free_ char *text = NULL;
	struct gp_finding *f;
	int r = udev_file(root, &text);

	if (r >= 0 && (r = link_pins(root, &links)) < 0)
		return r;
	if (r < 0)
		return r;
	if (!text && !links.n) {
		gp_emit(ctx, "network.persistent_net", GP_PASS,
			"no udev rule or .link file names a NIC by its MAC "
			"address");
		return 0;
	}
	f = gp_emit(ctx, "network.persistent_net",
		    gp_ctx_profile(ctx)->mac_pinned,
		    "NICs are named by MAC address: the cloud's NIC will get "
		    "another name");
	if (text)
		udev_pins(text, f, true);
	for (size_t i = 0; i < links.n; i++)
		gp_evidence(f, "%s: [Match] MACAddress= with [Link] Name=",
			    links.v[i]);
	gp_remedy(f, "remove %s%s", text ? UDEV_RULES : "",
		  links.n ? (text ? " and the .link files" :
				    "the .link files") : "");
	gp_set_fixable(f, true);
	return 0;
}

static int fix_persistent(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(paths_done) struct paths links = { 0 };
	_cleanup_free_ char *text = NULL;
	int r = udev_file(root, &text);

	if (r > 0) {
		r = gp_plan_remove(ctx, UDEV_RULES, "remove the rules that "
				   "name NICs by MAC address");
		if (r == -EEXIST)
			r = 0;
	}
	if (r == 0)
		r = link_pins(root, &links);
	for (size_t i = 0; r == 0 && i < links.n; i++) {
		r = gp_plan_remove(ctx, links.v[i], "remove the .link file "
				   "that names a NIC by MAC address");
		if (r == -EEXIST)
			r = 0;
	}
	return r;
}

/* --- network.nics ------------------------------------------------------ */

/* Physical NICs the configuration brings up: NICs and bridge/bond ports. */
static bool physical(const struct state *s, const struct gp_net_iface *i)
{
	return iface_active(s, i) && i->onboot &&
	       (i->kind == GP_NET_ETHERNET || i->kind == GP_NET_PORT);
}

static bool counted_before(const struct state *s, size_t k)
{
	const struct gp_net_iface *i = &s->cfg.ifaces[k];

	for (size_t j = 0; j < k; j++) {
		const struct gp_net_iface *o = &s->cfg.ifaces[j];

		if (physical(s, o) && o->name && i->name &&
		    strcmp(o->name, i->name) == 0)
			return true;
	}
	return false;
}

static unsigned live_nics(const struct gp_root *root, struct gp_finding *f)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	unsigned n = 0;

	if (gp_root_opendir(root, "/sys/class/net", &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		_cleanup_free_ char *dev = NULL;

		if (de->d_name[0] == '.' ||
		    asprintf(&dev, "/sys/class/net/%s/device", de->d_name) < 0)
			continue;
		/* Virtual devices (lo, bridges, tunnels) have no device. */
		if (!gp_root_exists(root, dev))
			continue;
		n++;
		if (f)
			gp_evidence(f, "live: physical NIC %s", de->d_name);
	}
	return n;
}

static int check_nics(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	struct gp_finding *f;
	unsigned n = 0;
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	for (size_t k = 0; k < s.cfg.n_ifaces; k++)
		if (physical(&s, &s.cfg.ifaces[k]) && !counted_before(&s, k))
			n++;
	if (n > 1) {
		f = gp_emit(ctx, "network.nics",
			    gp_ctx_profile(ctx)->multiple_nics,
			    "%u NICs are configured to come up at boot; the "
			    "cloud gives the instance one", n);
		gp_remedy(f, "remove the configuration of every NIC but the "
			     "primary one");
	} else {
		f = gp_emit(ctx, "network.nics", GP_PASS, "%s",
			    n ? "one NIC is configured to come up at boot" :
				"no NIC is configured to come up at boot");
	}
	for (size_t k = 0; k < s.cfg.n_ifaces; k++)
		if (physical(&s, &s.cfg.ifaces[k]) && !counted_before(&s, k))
			where(f, &s.cfg.ifaces[k]);
	if (gp_ctx_host(ctx)->live)
		live_nics(gp_ctx_root(ctx), f);
	return 0;
}

/* --- network.ipv6 ------------------------------------------------------ */

static int check_ipv6(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	struct gp_finding *f = NULL;
	bool autoconf = false;
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	for (size_t k = 0; k < s.cfg.n_ifaces; k++) {
		const struct gp_net_iface *i = &s.cfg.ifaces[k];

		if (!comes_up(&s, i))
			continue;
		autoconf |= i->ipv6_auto;
		if (!i->ipv6)
			continue;
		if (!f)
			f = gp_emit(ctx, "network.ipv6",
				    gp_ctx_profile(ctx)->ipv6,
				    "IPv6 is configured; the cloud does not "
				    "support IPv6 in imported images");
		gp_evidence(f, "%s: %s: %s", i->path, iface_name(i),
			    i->ipv6_text ? i->ipv6_text : "IPv6");
	}
	if (f) {
		gp_remedy(f, "remove the static IPv6 addresses and DHCPv6 from "
			     "the configuration");
		return 0;
	}
	gp_emit(ctx, "network.ipv6", GP_PASS, "%s",
		autoconf ? "no static IPv6 address or DHCPv6 (only "
			   "autoconfiguration, which stays idle without "
			   "router advertisements)" :
			   "no IPv6 configuration");
	return 0;
}

/* --- the fixer of the primary interface -------------------------------- */

static int fix_primary(struct gp_ctx *ctx)
{
	_cleanup_(state_done) struct state s = { 0 };
	struct gp_net_rewrites rw = { 0 };
	int r = state_load(ctx, &s);

	if (r < 0)
		return r;
	if (!s.primary)
		return 0;	/* nothing to rewrite: not offered */
	r = gp_netcfg_to_dhcp(gp_ctx_root(ctx), &s.cfg, s.primary, &rw);
	for (size_t i = 0; r == 0 && i < rw.n; i++) {
		_cleanup_free_ char *why = NULL;

		if (asprintf(&why, "%s: DHCP, no static address, gateway or "
				   "MAC address", iface_name(s.primary)) < 0)
			r = -ENOMEM;
		else
			r = gp_plan_write(ctx, rw.items[i].path,
					  rw.items[i].data, rw.items[i].len,
					  0644, why);
	}
	gp_net_rewrites_done(&rw);
	return r;
}

static const struct gp_check network_checks[] = {
	{ .id = "network.manager",
	  .summary = "which tool brings the network up at boot",
	  .run = check_manager },
	{ .id = "network.dhcp",
	  .summary = "the primary NIC gets its IPv4 address by DHCP",
	  .run = check_dhcp,
	  .fix = fix_primary },
	{ .id = "network.mac_pinned",
	  .summary = "no configuration is bound to a MAC address",
	  .run = check_mac,
	  .fix = fix_primary },
	{ .id = "network.persistent_net",
	  .summary = "no udev rule or .link file names NICs by MAC address",
	  .run = check_persistent,
	  .fix = fix_persistent },
	{ .id = "network.nics",
	  .summary = "one NIC is configured",
	  .run = check_nics },
	{ .id = "network.ipv6",
	  .summary = "no static IPv6 address or DHCPv6",
	  .run = check_ipv6 },
	{ 0 },
};

const struct gp_plugin network_plugin = {
	.name = "network",
	.summary = "DHCP on one NIC, no MAC pinning, no IPv6",
	.targets = GP_TARGET_LINUX,
	.checks = network_checks,
};
