/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network configuration model (include/guestprep/netcfg.h): the
 * common part of the readers, the line editor of the fixers, and the
 * dispatch of both to the format of each interface.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "guestprep/macro.h"
#include "netcfg-internal.h"
#include "util.h"

const char *gp_net_source_name(enum gp_net_source source)
{
	static const char *const names[] = {
		[GP_NET_IFCFG_RH] = "ifcfg",
		[GP_NET_IFCFG_SUSE] = "SUSE ifcfg",
		[GP_NET_IFUPDOWN] = "ifupdown",
		[GP_NET_NETPLAN] = "netplan",
		[GP_NET_NM] = "NetworkManager keyfile",
		[GP_NET_NETWORKD] = "systemd-networkd",
	};

	return source < GP_NET_SOURCE_MAX ? names[source] : "?";
}

const char *gp_net_method_name(enum gp_net_method method)
{
	static const char *const names[] = {
		[GP_NET_UNSET] = "unset", [GP_NET_DHCP] = "dhcp",
		[GP_NET_STATIC] = "static", [GP_NET_MANUAL] = "manual",
		[GP_NET_DISABLED] = "disabled", [GP_NET_OTHER] = "other",
	};

	return method <= GP_NET_OTHER ? names[method] : "?";
}

int gp_net_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value && !(copy = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static void iface_done(struct gp_net_iface *i)
{
	free(i->path);
	free(i->name);
	free(i->id);
	free(i->master);
	free(i->method_text);
	strv_free(i->addresses);
	free(i->gateway);
	free(i->mac_match);
	free(i->mac_set);
	free(i->mac_text);
	free(i->ipv6_text);
	free(i->renderer);
}

void gp_netcfg_done(struct gp_netcfg *cfg)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++)
		iface_done(&cfg->ifaces[i]);
	free(cfg->ifaces);
	strv_free(cfg->files);
	strv_free(cfg->problems);
	free(cfg->nm_no_auto_default_text);
	free(cfg->nm_plugins);
	*cfg = (struct gp_netcfg){ 0 };
}

struct gp_net_iface *gp_netcfg_add(struct gp_netcfg *cfg,
				   enum gp_net_source source, const char *path,
				   unsigned line)
{
	struct gp_net_iface *v, *i;

	v = realloc(cfg->ifaces, (cfg->n_ifaces + 1) * sizeof(*v));
	if (!v)
		return NULL;
	cfg->ifaces = v;
	i = &v[cfg->n_ifaces];
	*i = (struct gp_net_iface){ .source = source, .line = line,
				    .editable = true };
	i->path = strdup(path);
	if (!i->path)
		return NULL;
	cfg->n_ifaces++;
	return i;
}

int gp_netcfg_problem(struct gp_netcfg *cfg, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_pushfv(&cfg->problems, fmt, ap);
	va_end(ap);
	return r;
}

int gp_netcfg_file(struct gp_netcfg *cfg, const char *path)
{
	return strv_push(&cfg->files, path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int netcfg_list_dir(const struct gp_root *root, const char *dir,
		    const char *suffix, char ***ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	char **names = NULL;
	struct dirent *de;
	size_t n = 0;
	int r;

	r = gp_root_opendir(root, dir, &d);
	if (r == -ENOMEM)
		return r;
	while (r == 0 && (de = readdir(d)) && n < NETCFG_MAX_FILES) {
		_cleanup_free_ char *path = NULL;
		size_t len = strlen(de->d_name),
		       slen = suffix ? strlen(suffix) : 0;

		if (de->d_name[0] == '.' || len <= slen ||
		    (suffix && strcmp(de->d_name + len - slen, suffix) != 0))
			continue;
		path = strprintf("%s/%s", dir, de->d_name);
		if (!path)
			goto oom;
		if (!gp_root_is_file(root, path))
			continue;
		if (strv_push(&names, de->d_name) < 0)
			goto oom;
		n++;
	}
	if (!names && !(names = calloc(1, sizeof(*names))))
		return -ENOMEM;
	qsort(names, n, sizeof(*names), cmp_str);
	*ret = names;
	return 0;
oom:
	strv_free(names);
	return -ENOMEM;
}

int netcfg_read(const struct gp_root *root, struct gp_netcfg *cfg,
		const char *path, char **ret, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	r = gp_root_read_file(root, path, NETCFG_MAX_FILE, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return gp_netcfg_problem(cfg, "%s: cannot be read: %s", path,
					 strerror(-r)) < 0 ? -ENOMEM : 1;
	if (memchr(text, '\0', len)) {
		free(text);
		return gp_netcfg_problem(cfg, "%s: binary data, not a "
					 "configuration file", path) < 0 ?
			       -ENOMEM : 1;
	}
	if (gp_netcfg_file(cfg, path) < 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	*ret_len = len;
	return 0;
}

bool netcfg_true(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "y" };

	for (size_t i = 0; s && i < ARRAY_SIZE(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return true;
	return false;
}

bool netcfg_false(const char *s)
{
	static const char *const no[] = { "no", "false", "off", "0", "n" };

	for (size_t i = 0; s && i < ARRAY_SIZE(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return true;
	return false;
}

int netcfg_add_address(struct gp_net_iface *iface, const char *addr)
{
	return strv_push(&iface->addresses, addr);
}

unsigned netcfg_mask_bits(const char *mask)
{
	unsigned a, b, c, d, bits = 0;
	unsigned long m;

	/* Out-of-range octets are refused below. */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(mask, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
		return 0;
	if (a > 255 || b > 255 || c > 255 || d > 255)
		return 0;
	m = ((unsigned long)a << 24) | (b << 16) | (c << 8) | d;
	while (m & 0x80000000ul) {
		bits++;
		m = (m << 1) & 0xfffffffful;
	}
	return bits;
}

bool netcfg_is_ipv6(const char *addr)
{
	return addr && strchr(addr, ':') != NULL;
}

int gp_netcfg_load(const struct gp_root *root, struct gp_netcfg *cfg)
{
	int (*const readers[])(const struct gp_root *, struct gp_netcfg *) = {
		gp_netcfg_read_ifcfg, gp_netcfg_read_ifupdown,
		gp_netcfg_read_netplan, gp_netcfg_read_nm,
		gp_netcfg_read_networkd,
	};

	for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
		int r = readers[i](root, cfg);

		if (r < 0) {
			gp_netcfg_done(cfg);
			return r;
		}
	}
	return 0;
}

/* --- rewrites ---------------------------------------------------------- */

void gp_net_rewrites_done(struct gp_net_rewrites *rw)
{
	for (size_t i = 0; i < rw->n; i++) {
		free(rw->items[i].path);
		free(rw->items[i].data);
	}
	free(rw->items);
	*rw = (struct gp_net_rewrites){ 0 };
}

int gp_net_rewrites_add(struct gp_net_rewrites *rw, const char *path,
			char *data, size_t len)
{
	struct gp_net_rewrite *v;
	char *p = strdup(path);

	v = p ? realloc(rw->items, (rw->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(p);
		free(data);
		return -ENOMEM;
	}
	rw->items = v;
	v[rw->n++] = (struct gp_net_rewrite){ .path = p, .data = data,
					      .len = len };
	return 0;
}

int gp_netcfg_to_dhcp(const struct gp_root *root, const struct gp_netcfg *cfg,
		      const struct gp_net_iface *iface,
		      struct gp_net_rewrites *rw)
{
	if (!iface->editable)
		return -EOPNOTSUPP;
	switch (iface->source) {
	case GP_NET_IFCFG_RH:
	case GP_NET_IFCFG_SUSE:
		return gp_netcfg_fix_ifcfg(root, cfg, iface, rw);
	case GP_NET_IFUPDOWN:
		return gp_netcfg_fix_ifupdown(root, iface, rw);
	case GP_NET_NETPLAN:
		return gp_netcfg_fix_netplan(root, cfg, iface, rw);
	case GP_NET_NM:
	case GP_NET_NETWORKD:
		return gp_netcfg_fix_ini(root, iface, rw);
	default:
		return -EOPNOTSUPP;
	}
}

/* --- line edits -------------------------------------------------------- */

int gp_edits_add(struct gp_edits *e, enum gp_edit_op op, unsigned line,
		 const char *fmt, ...)
{
	struct gp_edit *v;
	char *text = NULL;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		text = vstrprintf(fmt, ap);
		va_end(ap);
		if (!text)
			return -ENOMEM;
	}
	v = realloc(e->items, (e->n + 1) * sizeof(*v));
	if (!v) {
		free(text);
		return -ENOMEM;
	}
	e->items = v;
	v[e->n++] = (struct gp_edit){ .op = op, .line = line, .text = text };
	return 0;
}

void gp_edits_done(struct gp_edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->items[i].text);
	free(e->items);
	*e = (struct gp_edits){ 0 };
}

/* The insertions after line @line, in the order they were asked for. */
static void put_inserts(const struct gp_edits *e, unsigned line, FILE *f)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->items[i].op == GP_EDIT_INSERT &&
		    e->items[i].line == line)
			fprintf(f, "%s\n", e->items[i].text);
}

/* What becomes of line @line: NULL to keep it, "" marks deletion. */
static const struct gp_edit *line_edit(const struct gp_edits *e,
				       unsigned line)
{
	const struct gp_edit *found = NULL;

	for (size_t i = 0; i < e->n; i++) {
		const struct gp_edit *it = &e->items[i];

		if (it->line != line || it->op == GP_EDIT_INSERT)
			continue;
		if (it->op == GP_EDIT_DELETE)
			return it;	/* deletion wins over replacement */
		found = it;
	}
	return found;
}

static bool inserts_after(const struct gp_edits *e, unsigned line)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->items[i].op == GP_EDIT_INSERT &&
		    e->items[i].line >= line)
			return true;
	return false;
}

int gp_edits_apply(const struct gp_edits *e, const char *text, size_t len,
		   char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t size = 0;
	unsigned line = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	put_inserts(e, 0, f);
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		const struct gp_edit *ed = line_edit(e, ++line);

		if (!ed) {
			fwrite(p, 1, n, f);
			/* A last line without newline stays so, unless
			 * something is added after it. */
			if (nl || inserts_after(e, line))
				fputc('\n', f);
		} else if (ed->op == GP_EDIT_REPLACE) {
			fprintf(f, "%s\n", ed->text);
		}
		p += n + (nl ? 1 : 0);
		put_inserts(e, line, f);
	}
	/* Insertions past the end (a file that was empty). */
	for (size_t i = 0; i < e->n; i++)
		if (e->items[i].op == GP_EDIT_INSERT && e->items[i].line > line)
			fprintf(f, "%s\n", e->items[i].text);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = size;
	return 0;
}

int gp_edits_rewrite(const struct gp_edits *e, const char *path,
		     const char *text, size_t len, struct gp_net_rewrites *rw)
{
	_cleanup_free_ char *out = NULL;
	size_t out_len;
	int r = gp_edits_apply(e, text, len, &out, &out_len);

	if (r < 0)
		return r;
	if (out_len == len && memcmp(out, text, len) == 0)
		return 0;
	return gp_net_rewrites_add(rw, path, TAKE_PTR(out), out_len);
}
