/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debian's ifupdown: /etc/network/interfaces(5), with the files its
 * "source" (a glob) and "source-directory" (run-parts names) lines pull
 * in, recursively.  Relative paths are taken from /etc/network, as
 * Debian's own default "source-directory interfaces.d" means.
 *
 * An "iface NAME inet METHOD" stanza and its option lines configure
 * IPv4; "inet6" stanzas of the same name add IPv6.  "auto",
 * "allow-auto" and "allow-hotplug" bring an interface up at boot.
 */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "guestprep/macro.h"
#include "guestprep/profile.h"
#include "netcfg-internal.h"
#include "util.h"

#define ENI "/etc/network/interfaces"
#define ENI_DIR "/etc/network"

/* One logical line: physical lines @first..@last joined at "\\\n". */
struct eni_line {
	unsigned first, last;
	char **words;
};

struct eni_file {
	struct eni_line *lines;
	size_t n;
};

static void eni_done(struct eni_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		strv_free(f->lines[i].words);
	free(f->lines);
	*f = (struct eni_file){ 0 };
}

static int eni_push(struct eni_file *f, unsigned first, unsigned last,
		    const char *s)
{
	struct eni_line *v;
	char **words = NULL;
	_cleanup_free_ char *copy = strdup(s);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save))
		if (strv_push(&words, w) < 0)
			goto oom;
	if (!words)
		return 0;
	v = realloc(f->lines, (f->n + 1) * sizeof(*v));
	if (!v)
		goto oom;
	f->lines = v;
	v[f->n++] = (struct eni_line){ first, last, words };
	return 0;
oom:
	strv_free(words);
	return -ENOMEM;
}

/* Comments start a line; a backslash at the end continues it. */
static int eni_parse(const char *text, size_t len, struct eni_file *ret)
{
	struct eni_file f = { 0 };
	_cleanup_free_ char *acc = NULL;
	size_t acc_len = 0;
	unsigned line = 0, first = 0;

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		bool cont = n && p[n - 1] == '\\';
		char *grown;

		line++;
		if (!acc) {
			first = line;
			if (p[strspn(p, " \t")] == '#' && !cont) {
				p += n + (nl ? 1 : 0);
				continue;
			}
		}
		grown = realloc(acc, acc_len + n + 2);
		if (!grown)
			goto oom;
		acc = grown;
		memcpy(acc + acc_len, p, n - (cont ? 1 : 0));
		acc_len += n - (cont ? 1 : 0);
		acc[acc_len++] = ' ';
		acc[acc_len] = '\0';
		if (!cont) {
			if (acc[strspn(acc, " \t")] != '#' &&
			    eni_push(&f, first, line, acc) < 0)
				goto oom;
			free(acc);
			acc = NULL;
			acc_len = 0;
		}
		p += n + (nl ? 1 : 0);
	}
	if (acc && eni_push(&f, first, line, acc) < 0)
		goto oom;
	*ret = f;
	return 0;
oom:
	eni_done(&f);
	return -ENOMEM;
}

static bool is_stanza(const char *w)
{
	static const char *const kw[] = {
		"iface", "mapping", "auto", "source", "source-directory",
		"no-auto-down", "no-scripts", "rename", "template",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strcmp(w, kw[i]) == 0)
			return true;
	return startswith(w, "allow-");
}

/* --- reading ----------------------------------------------------------- */

struct eni_state {
	const struct gp_root *root;
	struct gp_netcfg *cfg;
	char **autos;		/* names brought up at boot */
	char **ports;		/* "PORT MASTER" */
	unsigned depth;
	unsigned files;
	const char *stack[NETCFG_MAX_DEPTH];	/* files being read */
};

static int read_file(struct eni_state *st, const char *path);

static int read_glob(struct eni_state *st, const char *pattern, bool runparts)
{
	_cleanup_free_ char *full = NULL, *dir = NULL;
	_cleanup_(strv_freep) char **names = NULL;
	const char *base;
	int r;

	full = pattern[0] == '/' ? strdup(pattern) :
				   strprintf("%s/%s", ENI_DIR, pattern);
	if (!full)
		return -ENOMEM;
	if (runparts) {
		dir = TAKE_PTR(full);
		base = NULL;
	} else {
		char *slash = strrchr(full, '/');

		if (!strpbrk(slash, "*?["))
			return read_file(st, full);
		dir = strndup(full, (size_t)(slash - full));
		base = slash + 1;
		if (!dir)
			return -ENOMEM;
	}
	r = netcfg_list_dir(st->root, *dir ? dir : "/", NULL, &names);
	for (size_t i = 0; r == 0 && names[i]; i++) {
		_cleanup_free_ char *path = NULL;

		if (base ? fnmatch(base, names[i], 0) != 0 :
			   strspn(names[i], "abcdefghijklmnopqrstuvwxyz"
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789_-") != strlen(names[i]))
			continue;
		path = strprintf("%s/%s", dir, names[i]);
		r = path ? read_file(st, path) : -ENOMEM;
	}
	return r;
}

static struct gp_net_iface *find_iface(struct gp_netcfg *cfg, const char *name)
{
	for (size_t i = cfg->n_ifaces; i > 0; i--) {
		struct gp_net_iface *it = &cfg->ifaces[i - 1];

		if (it->source == GP_NET_IFUPDOWN && it->name &&
		    strcmp(it->name, name) == 0)
			return it;
	}
	return NULL;
}

static enum gp_net_method inet_method(const char *m)
{
	if (strcmp(m, "dhcp") == 0 || strcmp(m, "bootp") == 0)
		return GP_NET_DHCP;
	if (strcmp(m, "static") == 0)
		return GP_NET_STATIC;
	if (strcmp(m, "manual") == 0)
		return GP_NET_MANUAL;
	return GP_NET_OTHER;
}

/* Ports may be declared after their bridge: "PORT MASTER", for later. */
static int note_ports(struct eni_state *st, const char *master, char **ports)
{
	for (size_t i = 0; ports[i]; i++) {
		_cleanup_free_ char *pair = NULL;

		if (strcmp(ports[i], "none") == 0)
			continue;
		pair = strprintf("%s %s", ports[i], master);
		if (!pair || strv_push(&st->ports, pair) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int mark_ports(struct gp_netcfg *cfg, char **pairs)
{
	for (size_t i = 0; pairs && pairs[i]; i++) {
		char *master = strchr(pairs[i], ' ');
		struct gp_net_iface *p;

		*master++ = '\0';
		p = find_iface(cfg, pairs[i]);
		if (p) {
			p->kind = GP_NET_PORT;
			if (gp_net_set(&p->master, master) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* An option line of the stanza of @i (inet) or its IPv6 part. */
static int eni_option(struct gp_net_iface *i, bool inet6, char **w,
		      const struct eni_line *l, const char *path)
{
	const char *opt = w[0], *val = w[1];

	if (!val)
		return 0;
	if (inet6) {
		if (strcmp(opt, "address") == 0 && !i->ipv6_text) {
			i->ipv6_text = strprintf("%s:%u: inet6 address %s",
						 path, l->first, val);
			return i->ipv6_text ? 0 : -ENOMEM;
		}
		return 0;
	}
	if (strcmp(opt, "address") == 0) {
		if (strchr(val, '/') || !i->addresses)
			return netcfg_add_address(i, val);
		return 0;
	}
	if (strcmp(opt, "netmask") == 0 && i->addresses &&
	    !strchr(i->addresses[0], '/')) {
		_cleanup_free_ char *a =
			strchr(val, '.') ? strprintf("%s/%u", i->addresses[0],
						     netcfg_mask_bits(val)) :
					   strprintf("%s/%s", i->addresses[0],
						     val);

		if (!a)
			return -ENOMEM;
		free(i->addresses[0]);
		i->addresses[0] = TAKE_PTR(a);
		return 0;
	}
	if (strcmp(opt, "gateway") == 0)
		return gp_net_set(&i->gateway, val);
	if (strcmp(opt, "hwaddress") == 0) {
		const char *mac =
			strcmp(val, "ether") == 0 && w[2] ? w[2] : val;

		i->mac_line = l->first;
		if (gp_net_set(&i->mac_set, mac) < 0)
			return -ENOMEM;
		free(i->mac_text);
		i->mac_text = strprintf("hwaddress %s", mac);
		return i->mac_text ? 0 : -ENOMEM;
	}
	if (strcmp(opt, "bridge_ports") == 0 ||
	    strcmp(opt, "bridge-ports") == 0)
		i->kind = GP_NET_BRIDGE;
	else if (strcmp(opt, "bond-slaves") == 0 ||
		 strcmp(opt, "bond_slaves") == 0 || strcmp(opt, "slaves") == 0)
		i->kind = GP_NET_BOND;
	else if (strcmp(opt, "bond-master") == 0 ||
		 strcmp(opt, "bond_master") == 0 ||
		 strcmp(opt, "ovs_bridge") == 0)
		return gp_net_set(&i->master, val) < 0 ? -ENOMEM :
			(i->kind = GP_NET_PORT, 0);
	else if (strcmp(opt, "ovs_type") == 0) {
		i->ovs = true;
		if (strcmp(val, "OVSBridge") == 0)
			i->kind = GP_NET_BRIDGE;
		else if (strcmp(val, "OVSPort") == 0)
			i->kind = GP_NET_PORT;
	} else if (strcmp(opt, "vlan-raw-device") == 0 ||
		   strcmp(opt, "vlan_raw_device") == 0)
		i->kind = GP_NET_VLAN;
	return 0;
}

static int eni_iface(struct eni_state *st, const struct eni_line *l,
		     const char *path, struct gp_net_iface **ret, bool *inet6)
{
	char **w = l->words;
	struct gp_net_iface *i;

	*ret = NULL;
	if (strv_length(w) < 4)
		return gp_netcfg_problem(st->cfg, "%s:%u: incomplete iface "
					 "stanza", path, l->first);
	*inet6 = strcmp(w[2], "inet6") == 0;
	if (!*inet6 && strcmp(w[2], "inet") != 0)
		return 0;	/* ipx, can: nothing for the cloud */
	i = find_iface(st->cfg, w[1]);
	if (*inet6) {
		if (!i && !(i = gp_netcfg_add(st->cfg, GP_NET_IFUPDOWN, path,
					      l->first)))
			return -ENOMEM;
		if (!i->name && gp_net_set(&i->name, w[1]) < 0)
			return -ENOMEM;
		if (strcmp(w[3], "auto") == 0)
			i->ipv6_auto = true;
		else if (strcmp(w[3], "static") == 0 ||
			 strcmp(w[3], "dhcp") == 0)
			i->ipv6 = true;
		free(i->ipv6_text);
		i->ipv6_text = strprintf("%s:%u: iface %s inet6 %s", path,
					 l->first, w[1], w[3]);
		*ret = i;
		return i->ipv6_text ? 0 : -ENOMEM;
	}
	if (!i || i->method_text) {
		i = gp_netcfg_add(st->cfg, GP_NET_IFUPDOWN, path, l->first);
		if (!i || gp_net_set(&i->name, w[1]) < 0)
			return -ENOMEM;
	} else if (gp_net_set(&i->path, path) < 0) {
		return -ENOMEM;
	}
	i->line = i->method_line = l->first;
	i->method4 = strcmp(w[3], "loopback") == 0 ? GP_NET_MANUAL :
						      inet_method(w[3]);
	if (strcmp(w[3], "loopback") == 0 || strcmp(w[1], "lo") == 0)
		i->kind = GP_NET_LOOPBACK;
	else if (strchr(w[1], '.') || startswith(w[1], "vlan"))
		i->kind = GP_NET_VLAN;
	i->method_text = strprintf("iface %s inet %s", w[1], w[3]);
	*ret = i;
	return i->method_text ? 0 : -ENOMEM;
}

static int eni_lines(struct eni_state *st, const struct eni_file *f,
		     const char *path)
{
	struct gp_net_iface *cur = NULL;
	bool inet6 = false;
	int r = 0;

	for (size_t n = 0; r == 0 && n < f->n; n++) {
		const struct eni_line *l = &f->lines[n];
		char **w = l->words;

		if (!is_stanza(w[0])) {
			if (cur)
				r = eni_option(cur, inet6, w, l, path);
			if (cur && r == 0 && !inet6 &&
			    (strcmp(w[0], "bridge_ports") == 0 ||
			     strcmp(w[0], "bridge-ports") == 0 ||
			     strcmp(w[0], "bond-slaves") == 0))
				r = note_ports(st, cur->name, w + 1);
			continue;
		}
		cur = NULL;
		if (strcmp(w[0], "iface") == 0)
			r = eni_iface(st, l, path, &cur, &inet6);
		else if (strcmp(w[0], "auto") == 0 ||
			 strcmp(w[0], "allow-auto") == 0 ||
			 strcmp(w[0], "allow-hotplug") == 0)
			for (size_t k = 1; r == 0 && w[k]; k++)
				r = strv_push(&st->autos, w[k]);
		else if (strcmp(w[0], "source") == 0 && w[1])
			r = read_glob(st, w[1], false);
		else if (strcmp(w[0], "source-directory") == 0 && w[1])
			r = read_glob(st, w[1], true);
	}
	return r;
}

static int read_file(struct eni_state *st, const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct eni_file f = { 0 };
	size_t len;
	int r;

	for (unsigned i = 0; i < st->depth; i++)
		if (strcmp(st->stack[i], path) == 0)
			return gp_netcfg_problem(st->cfg, "%s: sourced again "
						 "while it is read (a loop)",
						 path);
	if (st->depth >= NETCFG_MAX_DEPTH || st->files >= NETCFG_MAX_FILES)
		return gp_netcfg_problem(st->cfg, "%s: sources nest too deep",
					 path);
	r = netcfg_read(st->root, st->cfg, path, &text, &len);
	if (r != 0)
		return r < 0 ? r : 0;
	st->files++;
	r = eni_parse(text, len, &f);
	if (r < 0)
		return r;
	st->stack[st->depth++] = path;
	r = eni_lines(st, &f, path);
	st->depth--;
	eni_done(&f);
	return r;
}

int gp_netcfg_read_ifupdown(const struct gp_root *root, struct gp_netcfg *cfg)
{
	struct eni_state st = { .root = root, .cfg = cfg };
	int r = read_file(&st, ENI);

	if (r == 0)
		r = mark_ports(cfg, st.ports);

	for (size_t i = 0; r == 0 && i < cfg->n_ifaces; i++) {
		struct gp_net_iface *it = &cfg->ifaces[i];

		if (it->source == GP_NET_IFUPDOWN && it->name)
			it->onboot = gp_strv_contains(st.autos, it->name);
	}
	strv_free(st.autos);
	strv_free(st.ports);
	return r;
}

/* --- the fixer --------------------------------------------------------- */

static bool dropped_option(const char *opt)
{
	static const char *const opts[] = {
		"address", "netmask", "gateway", "network", "broadcast",
		"pointopoint", "hwaddress",
	};

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(opt, opts[i]) == 0)
			return true;
	return false;
}

static int edit_stanza(const struct eni_file *f, const char *text, size_t len,
		       unsigned at, struct gp_edits *e)
{
	size_t n = 0;
	int r = 0;

	while (n < f->n && f->lines[n].first != at)
		n++;
	if (n == f->n || strv_length(f->lines[n].words) < 4 ||
	    f->lines[n].last != at)
		return -EOPNOTSUPP;	/* the file moved under us */
	if (strcmp(f->lines[n].words[3], "dhcp") != 0) {
		const char *p = text;
		char **w = f->lines[n].words;

		for (unsigned k = 1; k < at; k++)
			p = (const char *)memchr(p, '\n',
						 (size_t)(text + len - p)) + 1;
		r = gp_edits_add(e, GP_EDIT_REPLACE, at, "%.*s%s %s %s dhcp",
				 (int)strspn(p, " \t"), p, w[0], w[1], w[2]);
	}
	for (n++; r == 0 && n < f->n && !is_stanza(f->lines[n].words[0]); n++) {
		if (!dropped_option(f->lines[n].words[0]))
			continue;
		for (unsigned k = f->lines[n].first;
		     r == 0 && k <= f->lines[n].last; k++)
			r = gp_edits_add(e, GP_EDIT_DELETE, k, NULL);
	}
	return r;
}

int gp_netcfg_fix_ifupdown(const struct gp_root *root,
			   const struct gp_net_iface *iface,
			   struct gp_net_rewrites *rw)
{
	_cleanup_(gp_edits_done) struct gp_edits e = { 0 };
	_cleanup_free_ char *text = NULL;
	struct eni_file f = { 0 };
	size_t len;
	int r;

	r = gp_root_read_file(root, iface->path, NETCFG_MAX_FILE, &text, &len);
	if (r == 0)
		r = eni_parse(text, len, &f);
	if (r < 0)
		return r;
	r = edit_stanza(&f, text, len, iface->method_line, &e);
	eni_done(&f);
	if (r < 0)
		return r;
	return gp_edits_rewrite(&e, iface->path, text, len, rw);
}
