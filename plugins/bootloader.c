/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootloader: once imported, the system disk is /dev/vda (virtio).  A
 * kernel command line naming the root file system by a device name of
 * the old hypervisor (root=/dev/sda1, /dev/hda1, /dev/xvda1) cannot find
 * it; names that do not depend on the disk driver (UUID=, LABEL=, LVM,
 * md) keep working.
 *
 * The configuration read is the one the system boots with: grub2's
 * grub.cfg (BIOS or EFI), else grub legacy's grub.conf / menu.lst; the
 * first of them holding kernel lines.  /etc/default/grub matters too,
 * since grub2-mkconfig regenerates grub.cfg from it.
 */
#include "config.h"

#include <blkid.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestprep/bootcfg.h"
#include "guestprep/cmdline.h"
#include "guestprep/kvfile.h"
#include "guestprep/macro.h"
#include "guestprep/mounts.h"
#include "guestprep/plugin.h"

#define DEFAULT_GRUB "/etc/default/grub"

enum root_kind {
	ROOT_OK,	/* independent of the disk driver */
	ROOT_NONE,	/* no root= at all */
	ROOT_ODD,	/* a name we cannot judge */
	ROOT_BAD,	/* a device name the virtio disk will not have */
};

struct kline {
	unsigned line;
	int entry;		/* menu entry (top level), -1 outside any */
	char *root;		/* the last root= value, NULL when none */
};

struct bootcfg {
	char *path;
	bool legacy;
	char *text;
	size_t len;
	int default_entry;
	struct kline *lines;
	size_t n_lines;
};

static void bootcfg_done(struct bootcfg *c)
{
	for (size_t i = 0; i < c->n_lines; i++)
		free(c->lines[i].root);
	free(c->lines);
	free(c->path);
	free(c->text);
	*c = (struct bootcfg){ 0 };
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncmp(s, prefix, n) == 0;
}

static enum root_kind classify(const char *root)
{
	static const char *const good[] = {
		"UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=", "/dev/mapper/",
		"/dev/md", "/dev/vd", "/dev/disk/by-uuid/",
		"/dev/disk/by-label/", "/dev/disk/by-partuuid/",
		"/dev/disk/by-partlabel/", "/dev/root", "ZFS=",
	};
	static const char *const bad[] = {
		"/dev/sd", "/dev/hd", "/dev/xvd", "/dev/nvme",
	};
	const char *slash;

	if (!root)
		return ROOT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (strncmp(root, good[i], strlen(good[i])) == 0)
			return ROOT_OK;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (strncmp(root, bad[i], strlen(bad[i])) == 0)
			return ROOT_BAD;
	/* LVM's /dev/VG/LV: two components under /dev, not /dev/disk. */
	if (strncmp(root, "/dev/", 5) == 0 && strncmp(root, "/dev/disk/", 10) &&
	    (slash = strchr(root + 5, '/')) && slash > root + 5 &&
	    slash[1] && !strchr(slash + 1, '/'))
		return ROOT_OK;
	return ROOT_ODD;
}

/* The last root= value of a command line (malloc'd), or NULL. */
static char *last_root(const char *p, const char *end)
{
	const char *val = NULL, *v;
	size_t len = 0, n;

	for (const char *q = p;
	     (q = gp_cmdline_next(p, q, end, "root", &v, &n)); q++) {
		val = v;
		len = n;
	}
	return val ? strndup(val, len) : NULL;
}

/* The first word of a line, skipping blanks. */
static const char *first_word(const char *p, const char *end, size_t *ret_len)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*ret_len = 0;
	while (p + *ret_len < end && !isspace((unsigned char)p[*ret_len]))
		(*ret_len)++;
	return p;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && strncmp(w, s, n) == 0;
}

/* Whether the line [p, end) is a kernel line of this kind of config. */
static bool is_kernel_line(bool legacy, const char *p, const char *end)
{
	size_t n;
	const char *w = first_word(p, end, &n);

	if (legacy)
		return word_is(w, n, "kernel");
	return word_is(w, n, "linux") || word_is(w, n, "linux16") ||
	       word_is(w, n, "linuxefi");
}

/* A number from "default=N", "default N", "set default="N"" or -1. */
static int parse_default(const char *w, const char *end)
{
	char buf[16];
	size_t n = 0;
	long v;

	w += strspn(w, " \t=\"'");
	while (w < end && n < sizeof(buf) - 1 && isdigit((unsigned char)*w))
		buf[n++] = *w++;
	buf[n] = '\0';
	if (!n || (w < end && !strchr(" \t\"'\r\n", *w)))
		return -1;	/* "saved", a title, "${next_entry}": unknown */
	/* Up to 15 digits: atoi() would overflow; too big is unknown. */
	v = strtol(buf, NULL, 10);
	return v > INT_MAX ? -1 : (int)v;
}

/* Whether the line [@p, @end) ends with "{", before a CR of a CRLF end. */
static bool opens_block(const char *p, const char *end)
{
	if (end > p && end[-1] == '\r')
		end--;
	return end > p && end[-1] == '{';
}

static int bootcfg_parse(struct bootcfg *c)
{
	const char *text = c->text, *end = c->text + c->len;
	int entry = -1, depth = 0;
	unsigned lineno = 0;

	c->default_entry = 0;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n;
		const char *w = first_word(p, le, &n);

		lineno++;
		if (c->legacy) {
			if (word_is(w, n, "title"))
				entry++;
			else if (has_prefix(w, (size_t)(le - w), "default") &&
				 entry < 0 && strchr(" \t=", w[7]))
				c->default_entry = parse_default(w + 7, le);
		} else {
			if (depth == 0 && (word_is(w, n, "menuentry") ||
					   word_is(w, n, "submenu")))
				entry++;
			else if (word_is(w, n, "set") && depth == 0 &&
				 has_prefix(w + 4, (size_t)(le - w - 4 > 0 ? le - w - 4 : 0),
					    "default="))
				c->default_entry = parse_default(w + 12, le);
			if (n && *w == '}' && depth > 0)
				depth--;
			if (opens_block(p, le))
				depth++;
		}
		if (is_kernel_line(c->legacy, p, le)) {
			struct kline *k = realloc(c->lines, (c->n_lines + 1) *
							    sizeof(*k));

			if (!k)
				return -ENOMEM;
			c->lines = k;
			k = &c->lines[c->n_lines++];
			*k = (struct kline){ .line = lineno, .entry = entry };
			k->root = last_root(w + n, le);
		}
		p = nl ? nl + 1 : end;
	}
	if (c->default_entry < 0)
		c->default_entry = 0;
	return 0;
}

static int bootcfg_try(const struct gp_root *root, const char *path,
		       bool legacy, struct bootcfg *ret)
{
	struct bootcfg c = { .legacy = legacy };
	int r;

	r = gp_root_read_file(root, path, 0, &c.text, &c.len);
	if (r < 0)
		return r;
	/* Name the file itself: menu.lst is a link to grub.conf on RHEL 6. */
	r = gp_root_resolve(root, path, &c.path);
	if (r < 0 && r != -ENOMEM)
		c.path = strdup(path);
	if (!c.path || bootcfg_parse(&c) < 0) {
		bootcfg_done(&c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

/*
 * The configuration the system boots with: the first candidate with
 * kernel lines; failing that the first one there is (garbled or empty),
 * -ENOENT when there is none.
 */
static int bootcfg_find(struct gp_ctx *ctx, struct bootcfg *ret)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_grub_configs_freep) struct gp_grub_config *cand = NULL;
	struct bootcfg first = { 0 };
	bool have_first = false;
	int r;

	r = gp_grub_configs(root, &cand);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (const struct gp_grub_config *k = cand; k->path; k++) {
		struct bootcfg c;
		int q = bootcfg_try(root, k->path, k->legacy, &c);

		if (q == -ENOMEM) {
			r = q;
			break;
		}
		if (q < 0)
			continue;
		if (c.n_lines) {
			*ret = c;
			r = 0;
			break;
		}
		if (!have_first) {
			first = c;
			have_first = true;
		} else {
			bootcfg_done(&c);
		}
	}
	if (r == -ENOENT && have_first) {
		*ret = first;
		return 0;
	}
	if (have_first)
		bootcfg_done(&first);
	return r;
}

/* The command-line variables of /etc/default/grub that root= may be in. */
static bool is_cmdline_key(const char *key)
{
	return strcmp(key, "GRUB_CMDLINE_LINUX") == 0 ||
	       strcmp(key, "GRUB_CMDLINE_LINUX_DEFAULT") == 0;
}

static bool disables_uuid(const struct gp_kv *it)
{
	return strcmp(it->key, "GRUB_DISABLE_LINUX_UUID") == 0 &&
	       strcmp(it->value, "true") == 0;
}

/* The UUID= source of the "/" entry of /etc/fstab (malloc'd), or NULL. */
static char *fstab_root_uuid(const struct gp_root *root)
{
	_cleanup_(gp_fstab_done) struct gp_fstab t = { 0 };
	const char *name, *value;
	struct libmnt_fs *fs;

	if (gp_fstab_load(root, &t) < 0)
		return NULL;
	/* The last entry wins, as mount does it. */
	fs = mnt_table_find_target(t.table, "/", MNT_ITER_BACKWARD);
	if (!fs || mnt_fs_get_tag(fs, &name, &value) != 0 ||
	    strcmp(name, "UUID") != 0 || !*value)
		return NULL;
	return strdup(value);
}

/* Bad root= devices and the UUID each one is to become. */
struct devmap {
	char *dev[8];
	char *uuid[8];
	size_t n;
	bool overflow;
};

static void devmap_done(struct devmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->dev[i]);
		free(m->uuid[i]);
	}
	*m = (struct devmap){ 0 };
}

static int devmap_add(struct devmap *m, const char *dev)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->dev[i], dev) == 0)
			return 0;
	if (m->n == ARRAY_SIZE(m->dev)) {
		m->overflow = true;
		return 0;
	}
	m->dev[m->n] = strdup(dev);
	if (!m->dev[m->n])
		return -ENOMEM;
	m->n++;
	return 0;
}

/*
 * Find each device's UUID: on a live system from the device itself
 * (libblkid); otherwise (or failing that) from /etc/fstab's "/" entry,
 * which is sound only when every bad root= names the same device.
 * True when every device has one.
 */
static bool devmap_resolve(struct gp_ctx *ctx, struct devmap *m)
{
	_cleanup_free_ char *fstab_uuid = NULL;
	bool all = !m->overflow;

	if (m->n == 1)
		fstab_uuid = fstab_root_uuid(gp_ctx_root(ctx));
	for (size_t i = 0; i < m->n; i++) {
		if (m->uuid[i])
			continue;
		if (gp_ctx_host(ctx)->live)
			m->uuid[i] = blkid_get_tag_value(NULL, "UUID",
							 m->dev[i]);
		if (!m->uuid[i] && fstab_uuid)
			m->uuid[i] = strdup(fstab_uuid);
		if (!m->uuid[i])
			all = false;
	}
	return all;
}

static const char *devmap_uuid(const struct devmap *m, const char *dev,
			       size_t len)
{
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->dev[i]) == len && strncmp(m->dev[i], dev, len) == 0)
			return m->uuid[i];
	return NULL;
}

/* Collect the bad root= devices of @line's command line into @m. */
static int collect_bad(struct devmap *m, const char *p, const char *end)
{
	const char *v;
	size_t n;

	for (const char *q = p;
	     (q = gp_cmdline_next(p, q, end, "root", &v, &n)); q++) {
		_cleanup_free_ char *dev = strndup(v, n);

		if (!dev)
			return -ENOMEM;
		if (classify(dev) == ROOT_BAD && devmap_add(m, dev) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int root_config_unreadable(struct gp_ctx *ctx, int err)
{
	if (err == -ENOMEM)
		return err;
	gp_emit(ctx, "bootloader.root", GP_WARN,
		"the grub configuration cannot be read: %s", strerror(-err));
	return 0;
}

/* How bad the boot configuration and /etc/default/grub are. */
static int judge_root(const struct bootcfg *c, const struct gp_kvfile *kv,
		      int def, struct devmap *m, enum gp_status *ret)
{
	enum gp_status status = GP_PASS;

	for (size_t i = 0; i < c->n_lines; i++) {
		const struct kline *k = &c->lines[i];
		enum root_kind kind = classify(k->root);
		enum gp_status s = GP_PASS;

		if (kind == ROOT_BAD) {
			if (devmap_add(m, k->root) < 0)
				return -ENOMEM;
			s = k->entry == def ? GP_FAIL : GP_WARN;
		} else if (kind == ROOT_ODD ||
			   (kind == ROOT_NONE && c->legacy)) {
			/* grub legacy adds no root= of its own. */
			s = GP_WARN;
		}
		if (s > status)
			status = s;
	}
	for (size_t i = 0; kv && i < kv->n_items; i++) {
		const struct gp_kv *it = &kv->items[i];
		size_t before = m->n;

		if (disables_uuid(it))
			status = GP_FAIL;
		else if (is_cmdline_key(it->key) &&
			 collect_bad(m, it->value,
				     it->value + strlen(it->value)) < 0)
			return -ENOMEM;
		if (m->n != before)
			status = GP_FAIL;
	}
	*ret = status;
	return 0;
}

static int check_root(struct gp_ctx *ctx)
{
	_cleanup_(bootcfg_done) struct bootcfg c = { 0 };
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	_cleanup_(devmap_done) struct devmap m = { 0 };
	enum gp_status status;
	struct gp_finding *f;
	bool have_kv, any_default = false;
	int def, r;

	r = bootcfg_find(ctx, &c);
	if (r == -ENOENT) {
		gp_emit(ctx, "bootloader.root", GP_SKIP,
			"no grub configuration found");
		return 0;
	}
	if (r < 0)
		return root_config_unreadable(ctx, r);
	if (!c.n_lines) {
		f = gp_emit(ctx, "bootloader.root", GP_WARN,
			    "%s has no kernel lines to boot from", c.path);
		gp_remedy(f, "regenerate the grub configuration and check "
			     "that it boots a kernel");
		return 0;
	}
	/* grub legacy ignores /etc/default/grub. */
	r = gp_kv_load(gp_ctx_root(ctx), DEFAULT_GRUB, &kv);
	if (r == -ENOMEM)
		return r;
	have_kv = r == 0 && !c.legacy;

	def = c.default_entry;
	for (size_t i = 0; i < c.n_lines; i++)
		if (c.lines[i].entry == def)
			any_default = true;
	if (!any_default)	/* out of range: grub falls back to the first */
		def = c.lines[0].entry;
	r = judge_root(&c, have_kv ? &kv : NULL, def, &m, &status);
	if (r < 0)
		return r;

	if (status == GP_PASS)
		f = gp_emit(ctx, "bootloader.root", status,
			    "the kernel finds its root file system by a name "
			    "independent of the disk driver");
	else if (status == GP_WARN && !m.n)
		f = gp_emit(ctx, "bootloader.root", status,
			    "the kernel command line names the root file "
			    "system in a way that may not survive the import");
	else
		f = gp_emit(ctx, "bootloader.root", status,
			    "the kernel command line names the root file "
			    "system by a device the virtio disk (/dev/vda) "
			    "will not have%s",
			    status == GP_WARN ? " (not in the default entry)"
					      : "");
	for (size_t i = 0; i < c.n_lines; i++) {
		const struct kline *k = &c.lines[i];
		const char *mark = k->entry == def ? " (default entry)" : "";

		if (k->root)
			gp_evidence(f, "%s:%u: root=%s%s", c.path, k->line,
				    k->root, mark);
		else
			gp_evidence(f, "%s:%u: no root=%s", c.path, k->line,
				    mark);
	}
	for (size_t i = 0; have_kv && i < kv.n_items; i++) {
		const struct gp_kv *it = &kv.items[i];

		if (disables_uuid(it))
			gp_evidence(f, DEFAULT_GRUB ":%u: %s=%s", it->line,
				    it->key, it->value);
		else if (is_cmdline_key(it->key) && strstr(it->value, "root="))
			gp_evidence(f, DEFAULT_GRUB ":%u: %s=\"%s\"",
				    it->line, it->key, it->value);
	}
	if (status == GP_PASS)
		return 0;
	gp_remedy(f, "use root=UUID=<uuid of the root file system> on the "
		     "kernel lines of %s%s", c.path,
		  c.legacy ? "" : " and set GRUB_DISABLE_LINUX_UUID=false in "
				  DEFAULT_GRUB);
	/* Only bad device names can be mended; odd ones need a person. */
	if (m.n || status == GP_FAIL)
		gp_set_fixable(f, devmap_resolve(ctx, &m));
	return 0;
}

/*
 * Write [p, end) to @out with every bad root= value replaced by
 * root=UUID=<uuid>; false when one has no UUID.
 */
static bool rewrite_roots(FILE *out, const char *p, const char *end,
			  const struct devmap *m)
{
	const char *v, *start = p;
	size_t n;
	bool ok = true;

	for (const char *q = p; gp_cmdline_next(start, q, end, "root", &v, &n);
	     q = v + n) {
		_cleanup_free_ char *dev = strndup(v, n);
		const char *uuid;

		if (!dev || classify(dev) != ROOT_BAD)
			continue;
		uuid = devmap_uuid(m, v, n);
		if (!uuid) {
			ok = false;
			continue;
		}
		fwrite(p, 1, (size_t)(v - p), out);
		fprintf(out, "UUID=%s", uuid);
		p = v + n;
	}
	fwrite(p, 1, (size_t)(end - p), out);
	return ok;
}

/* Whether line @lineno is the assignment of a key @kv holds. */
static const struct gp_kv *kv_at(const struct gp_kvfile *kv, unsigned lineno)
{
	for (size_t i = 0; i < kv->n_items; i++)
		if (kv->items[i].line == lineno)
			return &kv->items[i];
	return NULL;
}

/*
 * @text with the lines to change rewritten, everything else byte for
 * byte: kernel lines of a boot configuration (@c), or the assignments
 * of /etc/default/grub (@kv).
 */
static char *rewrite(const char *text, size_t len, const struct bootcfg *c,
		     const struct gp_kvfile *kv, const struct devmap *m,
		     size_t *ret_len)
{
	char *buf = NULL;
	size_t size = 0;
	unsigned lineno = 0;
	bool ok = true;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		const char *le = nl ? nl + 1 : text + len;
		const struct gp_kv *it;

		lineno++;
		if (c && is_kernel_line(c->legacy, p, le)) {
			ok &= rewrite_roots(f, p, le, m);
		} else if (kv && (it = kv_at(kv, lineno)) && disables_uuid(it)) {
			fprintf(f, "GRUB_DISABLE_LINUX_UUID=false%s",
				nl ? "\n" : "");
		} else if (kv && (it = kv_at(kv, lineno)) &&
			   is_cmdline_key(it->key)) {
			ok &= rewrite_roots(f, p, le, m);
		} else {
			fwrite(p, 1, (size_t)(le - p), f);
		}
		p = le;
	}
	if (fclose(f) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	*ret_len = size;
	return buf;
}

static int fix_root(struct gp_ctx *ctx)
{
	_cleanup_(bootcfg_done) struct bootcfg c = { 0 };
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	_cleanup_(devmap_done) struct devmap m = { 0 };
	_cleanup_free_ char *cfg = NULL, *dg = NULL, *dg_text = NULL;
	size_t cfg_len = 0, dg_len = 0, dg_text_len = 0;
	bool have_kv = false;
	int r;

	r = bootcfg_find(ctx, &c);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c.n_lines; i++)
		if (classify(c.lines[i].root) == ROOT_BAD &&
		    devmap_add(&m, c.lines[i].root) < 0)
			return -ENOMEM;
	if (!c.legacy &&
	    gp_root_read_file(gp_ctx_root(ctx), DEFAULT_GRUB, 0, &dg_text,
			      &dg_text_len) == 0) {
		r = gp_kv_parse(dg_text, dg_text_len, &kv);
		if (r < 0)
			return r;
		have_kv = true;
		for (size_t i = 0; i < kv.n_items; i++)
			if (is_cmdline_key(kv.items[i].key) &&
			    collect_bad(&m, kv.items[i].value,
					kv.items[i].value +
						strlen(kv.items[i].value)) < 0)
				return -ENOMEM;
	}
	if (!devmap_resolve(ctx, &m))
		return -ENODATA;	/* no sound UUID: not fixable */
	cfg = rewrite(c.text, c.len, &c, NULL, &m, &cfg_len);
	if (!cfg)
		return -ENOMEM;
	if (have_kv) {
		dg = rewrite(dg_text, dg_text_len, NULL, &kv, &m, &dg_len);
		if (!dg)
			return -ENOMEM;
	}
	/* The text edit, not grub2-mkconfig: the journal can undo it. */
	if (cfg_len != c.len || memcmp(cfg, c.text, c.len) != 0) {
		r = gp_plan_write(ctx, c.path, cfg, cfg_len, 0644,
				  "name the root file system by UUID on the "
				  "kernel command line");
		if (r < 0)
			return r;
	}
	if (dg && (dg_len != dg_text_len || memcmp(dg, dg_text, dg_len))) {
		r = gp_plan_write(ctx, DEFAULT_GRUB, dg, dg_len, 0644,
				  "keep grub2-mkconfig writing root=UUID=");
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * console=: what the cloud's console shows.  Always a pass with the
 * settings as evidence: the console the cloud offers (VNC) shows tty0,
 * which the kernel uses when no console= is given, and a serial console
 * on another port does not break booting; judging it would only produce
 * warnings nobody can act on before the import.
 */
static int check_console(struct gp_ctx *ctx)
{
	static const char *const keys[] = {
		"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT",
		"GRUB_TERMINAL", "GRUB_TERMINAL_OUTPUT", "GRUB_SERIAL_COMMAND",
	};
	_cleanup_(bootcfg_done) struct bootcfg c = { 0 };
	_cleanup_(gp_kv_done) struct gp_kvfile kv = { 0 };
	struct gp_finding *f;
	bool have_cfg, have_kv;
	int r;

	r = bootcfg_find(ctx, &c);
	if (r == -ENOMEM)
		return r;
	have_cfg = r == 0;
	r = gp_kv_load(gp_ctx_root(ctx), DEFAULT_GRUB, &kv);
	if (r == -ENOMEM)
		return r;
	have_kv = r == 0;
	if (!have_cfg && !have_kv) {
		gp_emit(ctx, "bootloader.console", GP_SKIP,
			"no grub configuration found");
		return 0;
	}
	f = gp_emit(ctx, "bootloader.console", GP_PASS,
		    "console settings of the kernel and grub");
	for (size_t i = 0; have_cfg && i < c.n_lines; i++) {
		const char *end = c.text + c.len, *p = c.text, *le, *w, *v;
		size_t n;

		/* Find the line again: kernel lines are few, configs small. */
		for (unsigned no = 1; no < c.lines[i].line && p < end; no++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			p = nl ? nl + 1 : end;
		}
		le = memchr(p, '\n', (size_t)(end - p));
		for (const char *q = p;
		     (w = gp_cmdline_next(p, q, le ? le : end, "console", &v,
					  &n)); q = v + n)
			gp_evidence(f, "%s:%u: %.*s", c.path, c.lines[i].line,
				    (int)(v + n - w), w);
	}
	for (size_t i = 0; have_kv && i < kv.n_items; i++) {
		const struct gp_kv *it = &kv.items[i];

		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			if (strcmp(it->key, keys[k]) != 0 ||
			    (k < 2 && !strstr(it->value, "console=")))
				continue;
			gp_evidence(f, DEFAULT_GRUB ":%u: %s=\"%s\"", it->line,
				    it->key, it->value);
		}
	}
	return 0;
}

static const struct gp_check bootloader_checks[] = {
	{ .id = "bootloader.root",
	  .summary = "the kernel command line finds the root file system "
		     "on a virtio disk",
	  .run = check_root,
	  .fix = fix_root },
	{ .id = "bootloader.console",
	  .summary = "console= settings (for the cloud's console)",
	  .run = check_console },
	{ 0 },
};

const struct gp_plugin bootloader_plugin = {
	.name = "bootloader",
	.summary = "the grub configuration boots on the cloud's virtio disk",
	.targets = GP_TARGET_LINUX,
	.checks = bootloader_checks,
};
