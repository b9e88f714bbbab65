/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio: the cloud runs KVM, so the system disk is a virtio disk and
 * the kernel must reach it before the root file system is mounted.  The
 * most common reason an imported image does not boot is an initramfs
 * without virtio_blk.  Every installed kernel is looked at, not only the
 * running one, and every initramfs is listed in process, with its early
 * microcode archive and its compressed main archive.
 *
 *   virtio.kernels    the installed kernels, their initramfs and the
 *                     default one (from the bootloader configuration)
 *   virtio.drivers    each kernel has the virtio drivers, built in or
 *                     as modules (virtio.kernel_modules)
 *   virtio.initramfs  each initramfs holds the drivers needed to mount
 *                     the root disk (virtio.initramfs_modules and what
 *                     modules.dep says they need), unless built in; the
 *                     fixer configures the distribution's initramfs tool
 *                     and rebuilds the images of the kernels that lack
 *                     them, the journal keeping the old images
 *   virtio.xen_pv     kernels that boot only as Xen PV guests
 *
 * The default kernel lacking drivers fails (virtio.default_kernel),
 * other kernels warn (virtio.other_kernels).
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "guestprep/initramfs.h"
#include "guestprep/kernels.h"
#include "guestprep/kvfile.h"
#include "guestprep/plugin.h"
#include "guestprep/strv.h"

#define DRACUT_DROPIN "/etc/dracut.conf.d/90-guestprep-virtio.conf"
#define ITOOLS_MODULES "/etc/initramfs-tools/modules"
#define SUSE_KERNEL "/etc/sysconfig/kernel"
#define CONFIG_MAX (1u << 20)

static enum gp_status severity(struct gp_ctx *ctx, const struct gp_kernel *k,
			       const struct gp_kernels *ks)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);

	return k == ks->def ? p->virtio_default_kernel : p->virtio_other_kernels;
}

static enum gp_status worse(enum gp_status a, enum gp_status b)
{
	return a > b ? a : b;
}

static const char *def_mark(const struct gp_kernel *k,
			    const struct gp_kernels *ks)
{
	return k == ks->def ? " (default)" : "";
}

/* --- virtio.kernels --------------------------------------------------- */

static int check_kernels(struct gp_ctx *ctx)
{
	_cleanup_(gp_kernels_done) struct gp_kernels ks = { 0 };
	struct gp_finding *f;
	int r;

	r = gp_kernels_find(gp_ctx_root(ctx), &ks);
	if (r < 0)
		return r;
	if (ks.n == 0) {
		f = gp_emit(ctx, "virtio.kernels", GP_WARN,
			    "no installed kernel found");
		gp_evidence(f, "nothing in /lib/modules, no /boot/vmlinuz-*");
		gp_remedy(f, "mount the image's /boot (and /usr) under the "
			     "root, or install a kernel");
		return 0;
	}
	f = gp_emit(ctx, "virtio.kernels", GP_PASS,
		    "%zu kernel%s installed; the default is %s", ks.n,
		    ks.n == 1 ? "" : "s", ks.def->version);
	gp_evidence(f, "default: %s", ks.def_source);
	for (size_t i = 0; i < ks.n; i++) {
		const struct gp_kernel *k = &ks.v[i];

		gp_evidence(f, "%s%s: image %s, initramfs %s, modules %s",
			    k->version, def_mark(k, &ks),
			    k->image ? k->image : "(none)",
			    k->initramfs ? k->initramfs : "(none)",
			    k->modules_dir ? k->modules_dir : "(none)");
	}
	return 0;
}

/* --- virtio.drivers ---------------------------------------------------- */

/* The names of @names this kernel lacks altogether, with evidence. */
static int kernel_lacks(const struct gp_root *root, const struct gp_kernel *k,
			char *const *names, char ***ret_missing,
			char ***evidence)
{
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_(gp_kmod_done) struct gp_kmod m = { 0 };
		int r = gp_kernel_module(root, k, names[i], &m);

		if (r < 0)
			return r;
		if (m.state == GP_KMOD_MISSING)
			r = strv_push(ret_missing, names[i]);
		else if (evidence)
			r = strv_pushf(evidence, "%s: %s %s (%s)", k->version,
				       names[i], m.state == GP_KMOD_BUILTIN ?
				       "built in" : "module",
				       m.path ? m.path : m.source);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_drivers(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_kernels_done) struct gp_kernels ks = { 0 };
	_cleanup_(strv_freep) char **evidence = NULL, **bad = NULL;
	enum gp_status status = GP_PASS;
	bool def_bad = false;
	struct gp_finding *f;
	int r;

	r = gp_kernels_find(root, &ks);
	if (r < 0)
		return r;
	if (ks.n == 0) {
		gp_emit(ctx, "virtio.drivers", GP_SKIP, "no installed kernel");
		return 0;
	}
	for (size_t i = 0; i < ks.n; i++) {
		_cleanup_(strv_freep) char **missing = NULL;
		_cleanup_free_ char *list = NULL;

		_cleanup_(strv_freep) char **optional = NULL;

		r = kernel_lacks(root, &ks.v[i],
				 gp_ctx_profile(ctx)->virtio_kernel_modules,
				 &missing, &evidence);
		if (r == 0)
			r = kernel_lacks(root, &ks.v[i],
					 gp_ctx_profile(ctx)->
						 virtio_optional_modules,
					 &optional, &evidence);
		for (size_t k = 0; r == 0 && optional && optional[k]; k++)
			r = strv_pushf(&evidence, "%s: %s is not available "
				       "(not required)", ks.v[i].version,
				       optional[k]);
		if (r < 0)
			return r;
		if (!missing)
			continue;
		list = strv_join(missing, ", ");
		if (!list || strv_pushf(&bad, "%s%s: lacks %s",
					ks.v[i].version, def_mark(&ks.v[i], &ks),
					list) < 0)
			return -ENOMEM;
		status = worse(status, severity(ctx, &ks.v[i], &ks));
		def_bad |= &ks.v[i] == ks.def;
	}
	if (!bad)
		f = gp_emit(ctx, "virtio.drivers", GP_PASS,
			    "every kernel has the virtio drivers");
	else
		f = gp_emit(ctx, "virtio.drivers", status,
			    "%s the virtio drivers", def_bad ?
			    "the default kernel lacks" :
			    "a kernel that is not the default lacks");
	for (size_t i = 0; bad && bad[i]; i++)
		gp_evidence(f, "%s", bad[i]);
	for (size_t i = 0; evidence && evidence[i]; i++)
		gp_evidence(f, "%s", evidence[i]);
	if (bad)
		gp_remedy(f, "install a kernel with the virtio drivers (any "
			     "distribution kernel since 2.6.25 has them) and "
			     "make it the default");
	return 0;
}

/* --- the initramfs tool ------------------------------------------------- */

enum tool_kind { TOOL_NONE, TOOL_DRACUT, TOOL_ITOOLS, TOOL_SUSE_MKINITRD,
		 TOOL_MKINITRD };

struct tool {
	enum tool_kind kind;
	const char *path;	/* the program, inside the guest */
	const char *config;	/* where the drivers are configured */
};

static const char *first_file(const struct gp_root *root,
			      const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++)
		if (gp_root_is_file(root, paths[i]))
			return paths[i];
	return NULL;
}

/* The distribution's own tool: dracut wins where it is installed. */
static struct tool find_tool(const struct gp_root *root)
{
	static const char *const dracut[] = {
		"/usr/bin/dracut", "/usr/sbin/dracut", "/sbin/dracut",
		"/bin/dracut", NULL,
	};
	static const char *const update[] = {
		"/usr/sbin/update-initramfs", "/sbin/update-initramfs", NULL,
	};
	static const char *const mkinitrd[] = {
		"/sbin/mkinitrd", "/usr/sbin/mkinitrd", "/usr/bin/mkinitrd",
		NULL,
	};
	const char *p;

	if ((p = first_file(root, dracut)))
		return (struct tool){ TOOL_DRACUT, p,
				      gp_root_exists(root, "/etc/dracut.conf.d") ?
				      DRACUT_DROPIN : "/etc/dracut.conf" };
	if ((p = first_file(root, update)))
		return (struct tool){ TOOL_ITOOLS, p, ITOOLS_MODULES };
	if ((p = first_file(root, mkinitrd))) {
		if (gp_root_exists(root, SUSE_KERNEL))
			return (struct tool){ TOOL_SUSE_MKINITRD, p,
					      SUSE_KERNEL };
		return (struct tool){ TOOL_MKINITRD, p, NULL };
	}
	return (struct tool){ TOOL_NONE, NULL, NULL };
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || strchr(" \t\"'=+,", p[-1]);
		bool end = !p[n] || strchr(" \t\"',\n", p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/* Modules a dracut configuration adds: add_drivers, force_drivers. */
static int dracut_conf_lists(const struct gp_root *root, const char *path,
			     const char *name, bool *ret)
{
	_cleanup_free_ char *text = NULL;
	char *line, *nl;

	if (gp_root_read_file(root, path, CONFIG_MAX, &text, NULL) < 0)
		return 0;
	for (line = text; line; line = nl) {
		char *p = line + strspn(line, " \t");

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if ((startswith(p, "add_drivers") ||
		     startswith(p, "force_drivers") ||
		     startswith(p, "drivers")) && word_in(p, name))
			*ret = true;
	}
	return 0;
}

static int dracut_lists(const struct gp_root *root, const char *name,
			bool *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	*ret = false;
	r = dracut_conf_lists(root, "/etc/dracut.conf", name, ret);
	if (r < 0 || gp_root_opendir(root, "/etc/dracut.conf.d", &d) < 0)
		return r;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;

		if (!endswith(de->d_name, ".conf"))
			continue;
		path = strprintf("/etc/dracut.conf.d/%s", de->d_name);
		if (!path)
			return -ENOMEM;
		r = dracut_conf_lists(root, path, name, ret);
		if (r < 0)
			return r;
	}
	return 0;
}

/* /etc/initramfs-tools/modules: one module (and options) a line. */
static bool itools_line_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len >= n && memcmp(line, name, n) == 0 &&
	       (len == n || line[n] == ' ' || line[n] == '\t' ||
		line[n] == '\r');
}

static bool text_lists_module(const char *text, const char *name)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (itools_line_is(line, len, name))
			return true;
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Whether the tool's configuration asks for module @name. */
static int tool_lists(const struct gp_root *root, const struct tool *t,
		      const char *name, bool *ret)
{
	_cleanup_free_ char *text = NULL;
	struct gp_kvfile kv = { 0 };
	const char *v;

	*ret = false;
	switch (t->kind) {
	case TOOL_DRACUT:
		return dracut_lists(root, name, ret);
	case TOOL_ITOOLS:
		if (gp_root_read_file(root, ITOOLS_MODULES, CONFIG_MAX, &text,
				      NULL) == 0)
			*ret = text_lists_module(text, name);
		return 0;
	case TOOL_SUSE_MKINITRD:
		if (gp_kv_load(root, SUSE_KERNEL, &kv) < 0)
			return 0;
		v = gp_kv_get(&kv, "INITRD_MODULES");
		*ret = v && word_in(v, name);
		gp_kv_done(&kv);
		return 0;
	default:
		return 0;
	}
}

/* --- virtio.initramfs -------------------------------------------------- */

/* What one kernel needs in its initramfs, and what its image holds. */
struct kcheck {
	const struct gp_kernel *k;
	char **need;		/* loadable modules that must be inside */
	char **builtin;		/* required and built in */
	char **absent;		/* required, and not in the kernel at all */
	char **missing;		/* needed and not in the image */
	bool *found;		/* per need[] entry */
	int list_error;		/* the image could not be read */
	struct gp_initramfs_info info;
	bool xen_ok;		/* the Xen front-ends are there instead */
};

static void kcheck_done(struct kcheck *c)
{
	strv_free(c->need);
	strv_free(c->builtin);
	strv_free(c->absent);
	strv_free(c->missing);
	free(c->found);
}

/* @names and, for loadable ones, what modules.dep says they need. */
static int needs_of(const struct gp_root *root, const struct gp_kernel *k,
		    char *const *names, struct kcheck *c)
{
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_(gp_kmod_done) struct gp_kmod m = { 0 };
		int r = gp_kernel_module(root, k, names[i], &m);

		if (r < 0)
			return r;
		if (m.state == GP_KMOD_BUILTIN)
			r = strv_push_unique(&c->builtin, names[i]);
		else if (m.state == GP_KMOD_MISSING)
			r = strv_push_unique(&c->absent, names[i]);
		else
			r = strv_push_unique(&c->need, names[i]);
		for (size_t d = 0; r == 0 && m.deps && m.deps[d]; d++)
			r = strv_push_unique(&c->need, m.deps[d]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int on_entry(const struct gp_initramfs_entry *e, void *userdata)
{
	struct kcheck *c = userdata;
	char name[256];
	bool all = true;

	if (!S_ISREG(e->mode) ||
	    !gp_initramfs_module_name(e->path, name, sizeof(name)))
		return 0;
	for (size_t i = 0; c->need[i]; i++) {
		if (strcmp(c->need[i], name) == 0)
			c->found[i] = true;
		all &= c->found[i];
	}
	return all ? 1 : 0;	/* everything found: stop reading */
}

/* Which needed modules the image holds; c->missing gets the others. */
static int list_image(const struct gp_root *root, struct kcheck *c)
{
	size_t n = strv_length(c->need);
	int r;

	if (n == 0)
		return 0;
	c->found = calloc(n, sizeof(*c->found));
	if (!c->found)
		return -ENOMEM;
	if (c->k->initramfs) {
		r = gp_initramfs_list(root, c->k->initramfs, on_entry, c,
				      &c->info);
		if (r == -ENOMEM)
			return r;
		c->list_error = r;
	}
	for (size_t i = 0; i < n; i++)
		/* n > 0: need is set. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		if (!c->found[i] && strv_push(&c->missing, c->need[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* On a Xen cloud, a kernel whose image has the front-ends can boot. */
static int xen_frontends_ok(const struct gp_root *root,
			    const struct gp_profile *p, struct kcheck *c)
{
	_cleanup_(kcheck_done) struct kcheck x = { .k = c->k };
	int r;

	if (strv_isempty(p->virtio_xen_frontends))
		return 0;
	r = needs_of(root, c->k, p->virtio_xen_frontends, &x);
	if (r == 0)
		r = list_image(root, &x);
	if (r < 0)
		return r;
	c->xen_ok = !x.absent && !x.missing && !x.list_error;
	return 0;
}

static int kcheck_run(const struct gp_root *root, const struct gp_profile *p,
		      struct kcheck *c)
{
	int r = needs_of(root, c->k, p->virtio_initramfs_modules, c);

	if (r == 0)
		r = list_image(root, c);
	if (r == 0 && (c->absent || c->missing))
		r = xen_frontends_ok(root, p, c);
	return r;
}

static bool kcheck_ok(const struct kcheck *c)
{
	return c->xen_ok || (!c->absent && !c->missing);
}

/* A rebuild can mend it: the modules exist, only the image lacks them. */
static bool kcheck_fixable(const struct kcheck *c)
{
	return !kcheck_ok(c) && !c->absent;
}

static const char *segments_text(const struct kcheck *c, char *buf,
				 size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < c->info.n_segments &&
			     i < GP_INITRAMFS_MAX_SEGMENTS && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? " + " : "",
					 c->info.compression[i]);
	return buf;
}

static void kcheck_evidence(struct gp_finding *f, const struct kcheck *c,
			    const struct gp_kernels *ks)
{
	_cleanup_free_ char *need = strv_join(c->need, ", ");
	_cleanup_free_ char *missing = strv_join(c->missing, ", ");
	_cleanup_free_ char *absent = strv_join(c->absent, ", ");
	_cleanup_free_ char *builtin = strv_join(c->builtin, ", ");
	const char *v = c->k->version, *mark = def_mark(c->k, ks);
	char segs[256];

	if (c->builtin)
		gp_evidence(f, "%s%s: built in: %s", v, mark, builtin);
	if (c->absent)
		gp_evidence(f, "%s%s: not in this kernel at all: %s", v, mark,
			    absent);
	if (!c->need)
		return;
	if (!c->k->initramfs)
		gp_evidence(f, "%s%s: no initramfs, and it needs %s", v, mark,
			    need);
	else if (c->list_error)
		gp_evidence(f, "%s%s: %s cannot be read: %s", v, mark,
			    c->k->initramfs, strerror(-c->list_error));
	else if (c->missing)
		gp_evidence(f, "%s%s: %s (%s) lacks %s", v, mark,
			    c->k->initramfs, segments_text(c, segs,
							   sizeof(segs)),
			    missing);
	else
		gp_evidence(f, "%s%s: %s (%s) holds %s", v, mark,
			    c->k->initramfs, segments_text(c, segs,
							   sizeof(segs)),
			    need);
	if (c->info.trailing_garbage)
		gp_evidence(f, "%s: data after the last archive of %s cannot "
			       "be read", v, c->k->initramfs);
	if (c->xen_ok)
		gp_evidence(f, "%s: the Xen front-ends are there instead", v);
}

static bool missing_required(const struct gp_profile *p,
			     const struct kcheck *c)
{
	for (size_t k = 0; c->missing && c->missing[k]; k++)
		if (gp_strv_contains(p->virtio_initramfs_modules,
				     c->missing[k]))
			return true;
	return false;
}

/*
 * The tool is configured to add every missing module, yet the image
 * lacks them: a rebuild did not add them (a note in @failed), or has not
 * run since the configuration changed (in @notes).
 */
static int configured_note(const struct gp_root *root,
			   const struct gp_profile *p, const struct kcheck *c,
			   const struct tool *t, char ***notes,
			   char ***failed)
{
	bool required = missing_required(p, c), all = c->missing != NULL;
	struct stat img, cfg;

	/* What the fixer configures: the required modules, which bring
	 * what they need; a dependency only when it alone is missing. */
	for (size_t i = 0; all && c->missing[i]; i++) {
		int r;

		if (required && !gp_strv_contains(p->virtio_initramfs_modules,
						  c->missing[i]))
			continue;
		r = tool_lists(root, t, c->missing[i], &all);
		if (r < 0)
			return r;
	}
	if (!all || !t->config)
		return 0;
	if (gp_root_stat(root, c->k->initramfs, true, &img) == 0 &&
	    gp_root_stat(root, t->config, true, &cfg) == 0 &&
	    img.st_mtime >= cfg.st_mtime) {
		return strv_pushf(failed, "%s: %s asks for these drivers and "
				  "%s was rebuilt after it: the rebuild did "
				  "not add the drivers", c->k->version,
				  t->config, c->k->initramfs);
	}
	return strv_pushf(notes, "%s: %s asks for these drivers, but %s has "
			  "not been rebuilt since", c->k->version, t->config,
			  c->k->initramfs);
}

static const char *tool_name(enum tool_kind kind)
{
	switch (kind) {
	case TOOL_DRACUT:
		return "dracut";
	case TOOL_ITOOLS:
		return "initramfs-tools";
	case TOOL_SUSE_MKINITRD:
	case TOOL_MKINITRD:
		return "mkinitrd";
	default:
		return NULL;
	}
}

static int run_kchecks(struct gp_ctx *ctx, const struct gp_kernels *ks,
		       struct kcheck *cs)
{
	for (size_t i = 0; i < ks->n; i++) {
		int r;

		cs[i].k = &ks->v[i];
		r = kcheck_run(gp_ctx_root(ctx), gp_ctx_profile(ctx), &cs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void kchecks_free(struct kcheck *cs, size_t n)
{
	for (size_t i = 0; cs && i < n; i++)
		kcheck_done(&cs[i]);
	free(cs);
}

/*
 * A finding of its own, so that a fix run's report (which re-runs the
 * checks) says plainly that the rebuild did not do its job.
 */
static void rebuild_finding(struct gp_ctx *ctx, enum gp_status status,
			    char *const *failed)
{
	struct gp_finding *f;

	f = gp_emit(ctx, "virtio.initramfs.rebuild", status,
		    "the initramfs was rebuilt with the virtio drivers "
		    "configured, but the rebuild did not add them");
	for (size_t i = 0; failed && failed[i]; i++)
		gp_evidence(f, "%s", failed[i]);
}

static int report_initramfs(struct gp_ctx *ctx, const struct gp_kernels *ks,
			    const struct kcheck *cs)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(strv_freep) char **notes = NULL, **failed = NULL;
	struct tool t = find_tool(root);
	enum gp_status status = GP_PASS;
	bool def_bad = false, fixable = false, rebuild_failed;
	struct gp_finding *f;
	size_t bad = 0;
	int r;

	for (size_t i = 0; i < ks->n; i++) {
		if (kcheck_ok(&cs[i]))
			continue;
		bad++;
		status = worse(status, severity(ctx, cs[i].k, ks));
		def_bad |= cs[i].k == ks->def;
		fixable |= kcheck_fixable(&cs[i]);
		if (!cs[i].missing || !cs[i].k->initramfs || cs[i].list_error)
			continue;
		r = configured_note(root, gp_ctx_profile(ctx), &cs[i], &t,
				    &notes, &failed);
		if (r < 0)
			return r;
	}
	rebuild_failed = failed != NULL;
	if (bad == 0)
		f = gp_emit(ctx, "virtio.initramfs", GP_PASS,
			    "every kernel can mount a virtio root disk");
	else
		f = gp_emit(ctx, "virtio.initramfs", status,
			    "%s cannot mount a virtio root disk at boot%s%s",
			    def_bad ? "the default kernel" :
			    bad == 1 ? "a kernel that is not the default" :
				       "kernels that are not the default",
			    def_bad && bad > 1 ? " (nor can other kernels)" :
						 "",
			    rebuild_failed ? ": the initramfs was rebuilt, "
					     "but the rebuild did not add the "
					     "drivers" : "");
	for (size_t i = 0; notes && notes[i]; i++)
		gp_evidence(f, "%s", notes[i]);
	for (size_t i = 0; i < ks->n; i++)
		kcheck_evidence(f, &cs[i], ks);
	if (bad == 0)
		return 0;
	if (rebuild_failed)
		rebuild_finding(ctx, status, failed);
	fixable &= t.kind != TOOL_NONE;
	gp_set_fixable(f, fixable);
	if (rebuild_failed)
		gp_remedy(f, "find out why %s leaves the drivers out (its "
			     "output in the fix report, hooks, a host-only "
			     "mode) and rebuild the initramfs",
			  tool_name(t.kind));
	else if (fixable)
		gp_remedy(f, "add the drivers to %s's configuration (%s) and "
			     "rebuild the initramfs, or let \"guestprep fix\" "
			     "do it", tool_name(t.kind),
			  t.config ? t.config : "its command line");
	else if (t.kind == TOOL_NONE)
		gp_remedy(f, "no initramfs tool (dracut, update-initramfs, "
			     "mkinitrd) is installed: install one, add the "
			     "virtio drivers to its configuration and rebuild "
			     "the initramfs");
	else
		gp_remedy(f, "boot a kernel that has the virtio drivers by "
			     "default");
	return 0;
}

static int check_initramfs(struct gp_ctx *ctx)
{
	_cleanup_(gp_kernels_done) struct gp_kernels ks = { 0 };
	struct kcheck *cs;
	int r;

	r = gp_kernels_find(gp_ctx_root(ctx), &ks);
	if (r < 0)
		return r;
	if (ks.n == 0) {
		gp_emit(ctx, "virtio.initramfs", GP_SKIP,
			"no installed kernel");
		return 0;
	}
	cs = calloc(ks.n, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	r = run_kchecks(ctx, &ks, cs);
	if (r == 0)
		r = report_initramfs(ctx, &ks, cs);
	kchecks_free(cs, ks.n);
	return r;
}

/* --- the fixer ----------------------------------------------------------- */

/* The modules to configure: the required ones some image lacks. */
static int modules_to_add(const struct gp_profile *p, const struct kcheck *cs,
			  size_t n, char ***ret)
{
	for (size_t i = 0; i < n; i++) {
		if (!kcheck_fixable(&cs[i]))
			continue;
		for (size_t k = 0; p->virtio_initramfs_modules &&
				   p->virtio_initramfs_modules[k]; k++) {
			const char *m = p->virtio_initramfs_modules[k];

			if (gp_strv_contains(cs[i].need, m) &&
			    strv_push_unique(ret, m) < 0)
				return -ENOMEM;
		}
		/*
		 * The tools add what a listed module needs, so only the
		 * required ones are listed (a dependency's name may not
		 * exist in the next kernel, and dracut fails on those);
		 * a dependency is listed only when it alone is missing.
		 */
		if (missing_required(p, &cs[i]))
			continue;
		for (size_t k = 0; cs[i].missing && cs[i].missing[k]; k++)
			if (strv_push_unique(ret, cs[i].missing[k]) < 0)
				return -ENOMEM;
	}
	return 0;
}

static int plan_dracut(struct gp_ctx *ctx, char *const *mods)
{
	_cleanup_free_ char *list = strv_join(mods, " ");
	_cleanup_free_ char *text = NULL, *old = NULL, *out = NULL;
	size_t len = 0;
	int r;

	if (!list)
		return -ENOMEM;
	/* dracut wants the blanks inside the quotes: lists are joined. */
	text = strprintf("# Written by guestprep: the cloud boots from a "
			 "virtio disk.\nadd_drivers+=\" %s \"\n", list);
	if (!text)
		return -ENOMEM;
	if (gp_root_is_dir(gp_ctx_root(ctx), "/etc/dracut.conf.d"))
		return gp_plan_write(ctx, DRACUT_DROPIN, text, strlen(text),
				     0644, "have dracut put the virtio drivers "
				     "into every initramfs it builds");
	/* No drop-in directory (dracut before 003): its main file. */
	r = gp_root_read_file(gp_ctx_root(ctx), "/etc/dracut.conf", CONFIG_MAX,
			      &old, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	out = strprintf("%s%s%s", old ? old : "",
			/* len stays 0 unless old was read. */
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			len && old[len - 1] != '\n' ? "\n" : "", text);
	if (!out)
		return -ENOMEM;
	return gp_plan_write(ctx, "/etc/dracut.conf", out, strlen(out), 0644,
			     "have dracut put the virtio drivers into every "
			     "initramfs it builds");
}

static int plan_itools(struct gp_ctx *ctx, char *const *mods)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len = 0, cap;
	bool header = false;
	int r;

	r = gp_root_read_file(root, ITOOLS_MODULES, CONFIG_MAX, &text, &len);
	if (r == -ENOENT)
		text = strdup(""), len = 0;
	else if (r < 0)
		return r;
	if (!text)
		return -ENOMEM;
	cap = len + 256;
	for (size_t i = 0; mods[i]; i++)
		cap += strlen(mods[i]) + 1;
	out = malloc(cap);
	if (!out)
		return -ENOMEM;
	memcpy(out, text, len);
	if (len && text[len - 1] != '\n')
		out[len++] = '\n';
	for (size_t i = 0; mods[i]; i++) {
		if (text_lists_module(text, mods[i]))
			continue;
		if (!header) {
			static const char h[] = "# guestprep: the cloud boots "
						"from a virtio disk\n";

			memcpy(out + len, h, sizeof(h) - 1);
			len += sizeof(h) - 1;
			header = true;
		}
		len += (size_t)sprintf(out + len, "%s\n", mods[i]);
	}
	if (!header)
		return 0;
	return gp_plan_write(ctx, ITOOLS_MODULES, out, len, 0644,
			     "have initramfs-tools put the virtio drivers into "
			     "every initramfs");
}

/* INITRD_MODULES="..." of /etc/sysconfig/kernel, with @mods added. */
static int plan_suse(struct gp_ctx *ctx, char *const *mods)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_free_ char *text = NULL, *words = NULL, *out = NULL;
	struct gp_kvfile kv = { 0 };
	const struct gp_kv *it;
	const char *line = NULL, *end;
	size_t len = 0;
	int r;

	r = gp_root_read_file(root, SUSE_KERNEL, CONFIG_MAX, &text, &len);
	if (r == 0)
		r = gp_kv_parse(text, len, &kv);
	if (r < 0)
		return r;
	it = gp_kv_find(&kv, "INITRD_MODULES");
	words = strdup(it ? it->value : "");
	for (size_t i = 0; words && mods[i]; i++) {
		if (word_in(words, mods[i]))
			continue;
		char *w = strprintf("%s%s%s", words, *words ? " " : "",
				    mods[i]);

		free(words);
		words = w;
	}
	if (words && it) {
		line = text;
		for (unsigned n = 1; n < it->line && line; n++) {
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
	}
	gp_kv_done(&kv);
	if (!words)
		return -ENOMEM;
	if (line) {
		end = strchr(line, '\n');
		end = end ? end : text + len;
		out = strprintf("%.*sINITRD_MODULES=\"%s\"%s",
				(int)(line - text), text, words, end);
	} else {
		out = strprintf("%s%sINITRD_MODULES=\"%s\"\n", text,
				/* text is read when len is set. */
				/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
				len && text[len - 1] != '\n' ? "\n" : "",
				words);
	}
	if (!out)
		return -ENOMEM;
	return gp_plan_write(ctx, SUSE_KERNEL, out, strlen(out), 0644,
			     "have mkinitrd put the virtio drivers into every "
			     "initrd (INITRD_MODULES)");
}

/* Where the tool writes an image that does not exist yet. */
static char *new_image_path(const struct gp_ctx *ctx, const struct tool *t,
			    const char *version)
{
	enum gp_os_family fam = gp_ctx_host(ctx)->os.family;

	if (t->kind == TOOL_ITOOLS || fam == GP_FAMILY_DEBIAN)
		return strprintf("/boot/initrd.img-%s", version);
	if (fam == GP_FAMILY_SUSE || t->kind == TOOL_SUSE_MKINITRD)
		return strprintf("/boot/initrd-%s", version);
	if (t->kind == TOOL_MKINITRD)
		return strprintf("/boot/initrd-%s.img", version);
	return strprintf("/boot/initramfs-%s.img", version);
}

static int plan_rebuild(struct gp_ctx *ctx, const struct tool *t,
			const struct gp_kernel *k, char *const *mods)
{
	_cleanup_free_ char *image = k->initramfs ? strdup(k->initramfs) :
					new_image_path(ctx, t, k->version);
	_cleanup_free_ char *kernel = NULL, *why = NULL, *real = NULL;
	_cleanup_(strv_freep) char **argv = NULL;
	const char *replaces[2] = { NULL, NULL };
	int r = 0;

	if (!image)
		return -ENOMEM;
	/* The tool writes through a link: keep the file it points to. */
	r = gp_root_resolve(gp_ctx_root(ctx), image, &real);
	if (r == -ENOMEM)
		return r;
	replaces[0] = r == 0 ? real : image;
	r = strv_push(&argv, t->path);
	switch (t->kind) {
	case TOOL_DRACUT:
		if (r == 0)
			r = strv_push(&argv, "--force");
		if (r == 0)
			r = strv_push(&argv, image);
		if (r == 0)
			r = strv_push(&argv, k->version);
		break;
	case TOOL_ITOOLS:
		if (r == 0)
			r = strv_push(&argv, k->initramfs ? "-u" : "-c");
		if (r == 0)
			r = strv_push(&argv, "-k");
		if (r == 0)
			r = strv_push(&argv, k->version);
		break;
	case TOOL_SUSE_MKINITRD:
		kernel = strprintf("/boot/vmlinuz-%s", k->version);
		if (r == 0)
			r = strv_push(&argv, "-k");
		if (r == 0)
			r = strv_consume(&argv, TAKE_PTR(kernel));
		if (r == 0)
			r = strv_push(&argv, "-i");
		if (r == 0)
			r = strv_push(&argv, image);
		break;
	case TOOL_MKINITRD:
		/* RHEL 5: no configuration file; the options carry them. */
		if (r == 0)
			r = strv_push(&argv, "-f");
		for (size_t i = 0; r == 0 && mods[i]; i++)
			r = strv_pushf(&argv, "--with=%s", mods[i]);
		if (r == 0)
			r = strv_push(&argv, image);
		if (r == 0)
			r = strv_push(&argv, k->version);
		break;
	default:
		return 0;
	}
	if (r < 0)
		return r;
	why = strprintf("rebuild the initramfs of %s with the virtio drivers "
			"(the journal keeps %s for undo)", k->version, image);
	if (!why)
		return -ENOMEM;
	return gp_plan_command_replacing(ctx, (const char *const *)argv,
					 replaces, GP_CMD_IN_GUEST, why);
}

static int fix_initramfs(struct gp_ctx *ctx)
{
	const struct gp_root *root = gp_ctx_root(ctx);
	_cleanup_(gp_kernels_done) struct gp_kernels ks = { 0 };
	_cleanup_(strv_freep) char **mods = NULL;
	struct tool t = find_tool(root);
	struct kcheck *cs = NULL;
	int r;

	if (t.kind == TOOL_NONE)
		return 0;
	r = gp_kernels_find(root, &ks);
	if (r < 0 || ks.n == 0)
		return r;
	cs = calloc(ks.n, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	r = run_kchecks(ctx, &ks, cs);
	if (r == 0)
		r = modules_to_add(gp_ctx_profile(ctx), cs, ks.n, &mods);
	if (r == 0 && mods) {
		if (t.kind == TOOL_DRACUT)
			r = plan_dracut(ctx, mods);
		else if (t.kind == TOOL_ITOOLS)
			r = plan_itools(ctx, mods);
		else if (t.kind == TOOL_SUSE_MKINITRD)
			r = plan_suse(ctx, mods);
	}
	for (size_t i = 0; r == 0 && mods && i < ks.n; i++)
		if (kcheck_fixable(&cs[i]))
			r = plan_rebuild(ctx, &t, cs[i].k, mods);
	kchecks_free(cs, ks.n);
	return r;
}

/* --- virtio.xen_pv ------------------------------------------------------- */

static int check_xen_pv(struct gp_ctx *ctx)
{
	_cleanup_(gp_kernels_done) struct gp_kernels ks = { 0 };
	enum gp_status status = GP_PASS;
	struct gp_finding *f;
	size_t n = 0;
	int r;

	r = gp_kernels_find(gp_ctx_root(ctx), &ks);
	if (r < 0)
		return r;
	if (ks.n == 0) {
		gp_emit(ctx, "virtio.xen_pv", GP_SKIP, "no installed kernel");
		return 0;
	}
	for (size_t i = 0; i < ks.n; i++) {
		if (!ks.v[i].xen_pv)
			continue;
		n++;
		status = worse(status, &ks.v[i] == ks.def ?
				       gp_ctx_profile(ctx)->virtio_default_kernel :
				       gp_ctx_profile(ctx)->virtio_xen_pv);
	}
	if (n == 0) {
		gp_emit(ctx, "virtio.xen_pv", GP_PASS,
			"no kernel is a Xen paravirtual-only flavour");
		return 0;
	}
	f = gp_emit(ctx, "virtio.xen_pv", status,
		    "%s boot%s only as a Xen paravirtual guest",
		    ks.def->xen_pv ? "the default kernel" :
		    n == 1 ? "a kernel" : "kernels", n == 1 ? "s" : "");
	for (size_t i = 0; i < ks.n; i++)
		if (ks.v[i].xen_pv)
			gp_evidence(f, "%s%s: a Xen flavour", ks.v[i].version,
				    def_mark(&ks.v[i], &ks));
	gp_remedy(f, "install the distribution's standard kernel (not the "
		     "-xen flavour) and make it the default");
	return 0;
}

static const struct gp_check virtio_checks[] = {
	{ .id = "virtio.kernels",
	  .summary = "installed kernels, their initramfs and the default one",
	  .run = check_kernels },
	{ .id = "virtio.drivers",
	  .summary = "every kernel has the virtio drivers, built in or as "
		     "modules",
	  .run = check_drivers },
	{ .id = "virtio.initramfs",
	  .summary = "every initramfs holds the drivers to mount a virtio "
		     "root disk",
	  .run = check_initramfs,
	  .fix = fix_initramfs },
	{ .id = "virtio.xen_pv",
	  .summary = "no kernel boots only as a Xen paravirtual guest",
	  .run = check_xen_pv },
	{ 0 },
};

const struct gp_plugin virtio_plugin = {
	.name = "virtio",
	.summary = "the kernels can boot from the cloud's virtio disks",
	.targets = GP_TARGET_LINUX,
	.checks = virtio_checks,
};
