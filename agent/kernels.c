/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Installed kernels, their initramfs, the default one and their modules
 * (see include/guestprep/kernels.h).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "guestprep/bootcfg.h"
#include "guestprep/kernels.h"
#include "guestprep/kvfile.h"
#include "guestprep/profile.h"
#include "util.h"

/* modules.dep of a distribution kernel is about 1 MiB. */
#define MODULES_FILE_MAX (32u << 20)
#define BOOTCFG_MAX (4u << 20)
/* Bounds of the module tree walk (no modules.dep). */
#define WALK_DEPTH 8
#define WALK_ENTRIES 200000u

/* --- the list ------------------------------------------------------- */

static void kernel_done(struct gp_kernel *k)
{
	free(k->version);
	free(k->image);
	free(k->initramfs);
	free(k->modules_dir);
}

void gp_kernels_done(struct gp_kernels *k)
{
	for (size_t i = 0; i < k->n; i++)
		kernel_done(&k->v[i]);
	free(k->v);
	free(k->def_source);
	*k = (struct gp_kernels){ 0 };
}

struct gp_kernel *gp_kernels_get(const struct gp_kernels *k,
				 const char *version)
{
	for (size_t i = 0; version && i < k->n; i++)
		if (strcmp(k->v[i].version, version) == 0)
			return &k->v[i];
	return NULL;
}

/* Versions that are no kernel a user boots: rescue, kdump. */
static bool version_ok(const char *v)
{
	size_t len = strlen(v);

	if (!*v || *v == '.' || strchr(v, '/') || startswith(v, "0-rescue-"))
		return false;
	if (len >= 5 && strcmp(v + len - 5, "kdump") == 0)
		return false;
	/* Leftovers of package tools: "6.1.0.dpkg-bak", "x.old". */
	return !strstr(v, ".dpkg-") && !strstr(v, ".rpm") &&
	       !(len > 4 && strcmp(v + len - 4, ".old") == 0) &&
	       !(len > 5 && strcmp(v + len - 5, ".hmac") == 0);
}

static int kernels_add(struct gp_kernels *k, const char *version,
		       struct gp_kernel **ret)
{
	struct gp_kernel *v, *found = gp_kernels_get(k, version);

	if (found) {
		*ret = found;
		return 0;
	}
	v = realloc(k->v, (k->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	k->v = v;
	v = memset(&k->v[k->n], 0, sizeof(*v));
	v->version = strdup(version);
	if (!v->version)
		return -ENOMEM;
	k->n++;
	*ret = v;
	return 0;
}

static int scan_modules(const struct gp_root *root, const char *dir,
			struct gp_kernels *k)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, dir, &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct gp_kernel *kern;

		if (!version_ok(de->d_name))
			continue;
		path = strprintf("%s/%s", dir, de->d_name);
		if (!path)
			return -ENOMEM;
		if (!gp_root_is_dir(root, path))
			continue;
		if (kernels_add(k, de->d_name, &kern) < 0)
			return -ENOMEM;
		if (!kern->modules_dir)
			kern->modules_dir = TAKE_PTR(path);
	}
	return 0;
}

static const char *const image_prefixes[] = {
	"vmlinuz-", "vmlinux-", "Image-",
};

static int scan_boot(const struct gp_root *root, struct gp_kernels *k)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (gp_root_opendir(root, "/boot", &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		for (size_t i = 0; i < ARRAY_SIZE(image_prefixes); i++) {
			const char *v = de->d_name + strlen(image_prefixes[i]);
			_cleanup_free_ char *path = NULL;
			struct gp_kernel *kern;

			if (!startswith(de->d_name, image_prefixes[i]) ||
			    !version_ok(v))
				continue;
			path = strprintf("/boot/%s", de->d_name);
			if (!path)
				return -ENOMEM;
			if (!gp_root_is_file(root, path))
				continue;
			if (kernels_add(k, v, &kern) < 0)
				return -ENOMEM;
			if (!kern->image)
				kern->image = TAKE_PTR(path);
		}
	}
	return 0;
}

static int find_initramfs(const struct gp_root *root, struct gp_kernel *k)
{
	/* Prefix and suffix around the version. */
	static const char *const names[][2] = {
		{ "/boot/initrd.img-", "" },		/* Debian, Ubuntu */
		{ "/boot/initramfs-", ".img" },		/* RHEL 6+, Fedora */
		{ "/boot/initrd-", "" },		/* SUSE */
		{ "/boot/initrd-", ".img" },		/* RHEL 5 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *path = strprintf("%s%s%s", names[i][0], k->version,
				       names[i][1]);

		if (!path)
			return -ENOMEM;
		if (gp_root_exists(root, path)) {
			k->initramfs = path;
			return 0;
		}
		free(path);
	}
	return 0;
}

static bool is_xen_pv(const char *v)
{
	size_t len = strlen(v);

	/* RHEL 5 "2.6.18-398.el5xen", SUSE "3.0.101-63-xen",
	 * Debian "2.6.32-5-xen-amd64". */
	return (len > 3 && strcmp(v + len - 3, "xen") == 0) ||
	       strstr(v, "-xen") != NULL;
}

static int cmp_newest(const void *a, const void *b)
{
	const struct gp_kernel *x = a, *y = b;
	int c = gp_version_cmp(y->version, x->version);

	return c ? c : strcmp(y->version, x->version);
}

/* --- the default entry ---------------------------------------------- */

/* A boot entry: its title, id and the kernel version it boots. */
struct entry {
	char *title;
	char *id;
	char *path;		/* "2>0" for the first entry of submenu 2 */
	char *version;
	char *sort_key;		/* BLS: the file name */
};

struct entries {
	struct entry *v;
	size_t n;
	char *def;		/* the default as configured, or NULL */
	char *def_line;		/* where it was found */
	char *source;		/* the file read */
};

static void entries_done(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].title);
		free(e->v[i].id);
		free(e->v[i].path);
		free(e->v[i].version);
		free(e->v[i].sort_key);
	}
	free(e->v);
	free(e->def);
	free(e->def_line);
	free(e->source);
	*e = (struct entries){ 0 };
}

static struct entry *entries_add(struct entries *e)
{
	struct entry *v = realloc(e->v, (e->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	e->v = v;
	return memset(&e->v[e->n++], 0, sizeof(*v));
}

/* The kernel version a "linux /vmlinuz-V ..." path names, or NULL. */
static char *version_of_image(const struct gp_root *root, const char *path,
			      size_t len)
{
	_cleanup_free_ char *p = strndup(path, len), *target = NULL;
	const char *base;

	if (!p)
		return NULL;
	/* "(hd0,1)/vmlinuz-V", "/boot/vmlinuz-V" */
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	/* SUSE's /boot/vmlinuz is a link to the current kernel. */
	if (strcmp(base, "vmlinuz") == 0) {
		_cleanup_free_ char *link = strprintf("/boot/%s", base);

		if (link && gp_root_readlink(root, link, &target) == 0) {
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(image_prefixes); i++)
		if (startswith(base, image_prefixes[i]))
			return strdup(base + strlen(image_prefixes[i]));
	return NULL;
}

/* Unquote one word of a grub line in place: 'x', "x", x. */
static char *grub_word(char **p)
{
	char *s = *p, *out, *start;
	char quote = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '{')
		return NULL;
	start = out = s;
	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (*s == '\\' && quote == '"' && s[1])
				*out++ = *++s;
			else
				*out++ = *s;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
		} else if (*s == ' ' || *s == '\t' || *s == '{') {
			break;
		} else if (*s == '\\' && s[1]) {
			*out++ = *++s;
		} else {
			*out++ = *s;
		}
	}
	if (*s && *s != '{')
		s++;
	*p = s;
	*out = '\0';
	/* The words overlap the line: keep a terminator for the caller. */
	return start;
}

/* menuentry 'TITLE' ... $menuentry_id_option 'ID' {  /  --id ID */
static int parse_menuentry(char *rest, struct entry *e)
{
	char *w, *prev = NULL;

	while ((w = grub_word(&rest))) {
		char *copy;

		if (!e->title)
			copy = e->title = strdup(w);
		else if (prev && (strcmp(prev, "--id") == 0 ||
				  strcmp(prev, "$menuentry_id_option") == 0))
			copy = e->id = strdup(w);
		else
			copy = (char *)"";
		if (!copy)
			return -ENOMEM;
		prev = w;
		if (!*rest)
			break;
	}
	return 0;
}

/* grub_word() writes over the line: save the next word before. */
static bool first_word_is(const char *s, const char *word)
{
	size_t n = strlen(word);

	while (*s == ' ' || *s == '\t')
		s++;
	return strncmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == '\t' ||
					    s[n] == '\0');
}

static char *skip_blank(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "set default=..." at the top: the value, unless it is ${next_entry}. */
static int grub2_default(char *line, struct entries *e, unsigned lineno)
{
	char *v = skip_blank(line) + strlen("set default=");
	char *w = grub_word(&v);

	if (!w || strstr(w, "next_entry"))
		return 0;
	free(e->def);
	free(e->def_line);
	e->def = strdup(w);
	e->def_line = strprintf("%s:%u: set default=\"%s\"", e->source,
				lineno, w);
	return e->def && e->def_line ? 0 : -ENOMEM;
}

static int grub2_kernel_line(const struct gp_root *root, char *line,
			     struct entry *cur)
{
	char *p = skip_blank(line);
	size_t n;

	p += strcspn(p, " \t");		/* "linux", "linux16", "linuxefi" */
	p = skip_blank(p);
	n = strcspn(p, " \t\n");
	if (cur && !cur->version && n)
		cur->version = version_of_image(root, p, n);
	return 0;
}

struct grub2_state {
	unsigned depth;		/* braces open */
	unsigned top;		/* top-level entries and submenus seen */
	unsigned sub;		/* entries in the current submenu */
	int submenu_depth;	/* depth of the open submenu, or -1 */
	char *submenu_title;
	char *submenu_id;
	struct entry *cur;
	unsigned cur_depth;
};

static int grub2_open(struct entries *e, struct grub2_state *s, char *line,
		      bool submenu)
{
	struct entry tmp = { 0 };
	char *rest = skip_blank(line) + strlen(submenu ? "submenu" :
							 "menuentry");
	int r = parse_menuentry(rest, &tmp);

	if (r < 0) {
		free(tmp.title);
		free(tmp.id);
		return r;
	}
	s->depth++;
	if (submenu && s->submenu_depth < 0) {
		free(s->submenu_title);
		free(s->submenu_id);
		s->submenu_title = tmp.title;
		s->submenu_id = tmp.id;
		s->submenu_depth = (int)s->depth;
		s->sub = 0;
		s->top++;
		return 0;
	}
	if (submenu) {	/* nested submenus: not followed */
		free(tmp.title);
		free(tmp.id);
		return 0;
	}
	s->cur = entries_add(e);
	if (!s->cur) {
		free(tmp.title);
		free(tmp.id);
		return -ENOMEM;
	}
	s->cur_depth = s->depth;
	if (s->submenu_depth >= 0) {
		s->cur->path = strprintf("%u>%u", s->top - 1, s->sub++);
		s->cur->title = strprintf("%s>%s", s->submenu_title ?
					  s->submenu_title : "",
					  tmp.title ? tmp.title : "");
		s->cur->id = strprintf("%s>%s", s->submenu_id ?
				       s->submenu_id : "",
				       tmp.id ? tmp.id : "");
		free(tmp.title);
		free(tmp.id);
	} else {
		s->cur->path = strprintf("%u", s->top++);
		s->cur->title = tmp.title;
		s->cur->id = tmp.id;
	}
	return s->cur->path && s->cur->title ? 0 : -ENOMEM;
}

static void grub2_close(struct grub2_state *s)
{
	if (s->depth == 0)
		return;
	if (s->cur && s->depth == s->cur_depth)
		s->cur = NULL;
	if (s->submenu_depth == (int)s->depth)
		s->submenu_depth = -1;
	s->depth--;
}

static int grub2_line(const struct gp_root *root, struct entries *e,
		      struct grub2_state *s, char *line, unsigned lineno)
{
	char *p = skip_blank(line);

	if (*p == '#')
		return 0;
	if (first_word_is(p, "menuentry"))
		return grub2_open(e, s, p, false);
	if (first_word_is(p, "submenu"))
		return grub2_open(e, s, p, true);
	if (*p == '}') {
		grub2_close(s);
		return 0;
	}
	if (s->cur && (startswith(p, "linux ") || startswith(p, "linux16 ") ||
		       startswith(p, "linuxefi ") || startswith(p, "linux\t")))
		return grub2_kernel_line(root, p, s->cur);
	if (!s->cur && startswith(p, "set default="))
		return grub2_default(p, e, lineno);
	/* if/fi blocks open no braces; "{" alone on a line does. */
	return 0;
}

static int grub2_parse(const struct gp_root *root, char *text,
		       struct entries *e)
{
	struct grub2_state s = { .submenu_depth = -1 };
	unsigned lineno = 0;
	int r = 0;

	for (char *line = text, *nl; r == 0 && line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		r = grub2_line(root, e, &s, line, lineno);
	}
	free(s.submenu_title);
	free(s.submenu_id);
	return r;
}

/* saved_entry from grubenv (a file of KEY=VALUE lines, # padding). */
static char *grubenv_saved(const struct gp_root *root, char **ret_where)
{
	static const char *const envs[] = {
		"/boot/grub2/grubenv", "/boot/grub/grubenv",
	};

	for (size_t i = 0; i < ARRAY_SIZE(envs); i++) {
		struct gp_kvfile kv = { 0 };
		const char *v;
		char *s = NULL;

		if (gp_kv_load(root, envs[i], &kv) < 0)
			continue;
		v = gp_kv_get(&kv, "saved_entry");
		if (v && *v) {
			s = strdup(v);
			*ret_where = strprintf("%s: saved_entry=%s", envs[i],
					       v);
		}
		gp_kv_done(&kv);
		if (s)
			return s;
	}
	return NULL;
}

/* BootLoaderSpec entries, sorted as grub's blscfg does: newest first. */
static int cmp_bls(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = gp_version_cmp(y->version, x->version);

	return c ? c : strcmp(y->sort_key, x->sort_key);
}

static int bls_entry(const struct gp_root *root, const char *name,
		     struct entries *e)
{
	_cleanup_free_ char *path = strprintf("/boot/loader/entries/%s", name);
	_cleanup_free_ char *text = NULL;
	struct entry *en;
	char *line, *nl;

	if (!path)
		return -ENOMEM;
	if (gp_root_read_file(root, path, 65536, &text, NULL) < 0)
		return 0;
	en = entries_add(e);
	if (!en)
		return -ENOMEM;
	en->sort_key = strndup(name, strlen(name) - 5);
	en->id = strdup(en->sort_key ? en->sort_key : "");
	if (!en->sort_key || !en->id)
		return -ENOMEM;
	for (line = text; line; line = nl) {
		char *v;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		v = line + strcspn(line, " \t");
		if (*v)
			*v++ = '\0';
		v = skip_blank(v);
		if (strcmp(line, "title") == 0 && !en->title)
			en->title = strdup(v);
		else if (strcmp(line, "linux") == 0 && !en->version)
			en->version = version_of_image(root, v,
						       strcspn(v, " \t"));
	}
	return 0;
}

static int bls_parse(const struct gp_root *root, struct entries *e)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	if (gp_root_opendir(root, "/boot/loader/entries", &d) < 0)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 5 || strcmp(de->d_name + len - 5, ".conf") != 0 ||
		    de->d_name[0] == '.')
			continue;
		r = bls_entry(root, de->d_name, e);
		if (r < 0)
			return r;
	}
	if (e->n > 1)
		qsort(e->v, e->n, sizeof(*e->v), cmp_bls);
	for (size_t i = 0; i < e->n; i++)
		if (!(e->v[i].path = strprintf("%zu", i)))
			return -ENOMEM;
	return 0;
}

/* grub legacy: "default=N", "default N", "default saved"; title, kernel. */
static int legacy_parse(const struct gp_root *root, char *text,
			struct entries *e)
{
	struct entry *cur = NULL;
	unsigned lineno = 0, n = 0;

	for (char *line = text, *nl; line; line = nl) {
		char *p, *v;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		p = skip_blank(line);
		v = p + strcspn(p, " \t=");
		if (*v)
			*v++ = '\0';
		v = skip_blank(v);
		if (*v == '=')
			v = skip_blank(v + 1);
		if (strcmp(p, "default") == 0 && !cur) {
			free(e->def);
			free(e->def_line);
			e->def = strndup(v, strcspn(v, " \t\r"));
			e->def_line = strprintf("%s:%u: default %s", e->source,
						lineno, e->def ? e->def : "");
			if (!e->def || !e->def_line)
				return -ENOMEM;
		} else if (strcmp(p, "title") == 0) {
			cur = entries_add(e);
			if (!cur || !(cur->title = strdup(v)) ||
			    !(cur->path = strprintf("%u", n++)))
				return -ENOMEM;
		} else if (cur && !cur->version &&
			   (strcmp(p, "kernel") == 0 ||
			    strcmp(p, "module") == 0)) {
			/* Under Xen, "kernel" is the hypervisor and the
			 * first "module" the Linux kernel. */
			cur->version = version_of_image(root, v,
							strcspn(v, " \t\r"));
		}
	}
	return 0;
}

/* "saved" in grub legacy: the number in /boot/grub/default. */
static char *legacy_saved(const struct gp_root *root)
{
	_cleanup_free_ char *text = NULL;

	if (gp_root_read_file(root, "/boot/grub/default", 4096, &text,
			      NULL) < 0)
		return NULL;
	return strndup(text, strspn(text, "0123456789"));
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* The entry @def names: an index path, a title, an id, title path. */
static const struct entry *entries_pick(const struct entries *e,
					const char *def)
{
	size_t n = strlen(def);

	for (size_t i = 0; i < e->n; i++) {
		const struct entry *en = &e->v[i];

		if ((en->path && strcmp(en->path, def) == 0) ||
		    (en->title && strcmp(en->title, def) == 0) ||
		    (en->id && strcmp(en->id, def) == 0))
			return en;
	}
	/* A number beyond the list: grub boots the first. */
	if (all_digits(def, n) || (strchr(def, '>') &&
				   all_digits(def, strcspn(def, ">"))))
		return e->n ? &e->v[0] : NULL;
	return NULL;
}

static int read_config(const struct gp_root *root, const char *path,
		       char **ret)
{
	return gp_root_read_file(root, path, BOOTCFG_MAX, ret, NULL);
}

/*
 * Which bootloader configuration holds the entries (the first that can
 * be read, in the order of bootcfg.h), and its default.
 */
static int load_entries(const struct gp_root *root, struct entries *e,
			bool *ret_legacy)
{
	_cleanup_(gp_grub_configs_freep) struct gp_grub_config *cfgs = NULL;
	int r;

	*ret_legacy = false;
	r = gp_grub_configs(root, &cfgs);
	if (r < 0)
		return r;
	for (size_t i = 0; cfgs[i].path; i++) {
		_cleanup_free_ char *text = NULL;

		if (read_config(root, cfgs[i].path, &text) < 0)
			continue;
		if (!(e->source = strdup(cfgs[i].path)))
			return -ENOMEM;
		*ret_legacy = cfgs[i].legacy;
		if (cfgs[i].legacy)
			return legacy_parse(root, text, e);
		r = grub2_parse(root, text, e);
		/* RHEL 8+: the entries are BootLoaderSpec files. */
		if (r == 0 && e->n == 0)
			r = bls_parse(root, e);
		return r;
	}
	return bls_parse(root, e);
}

/* Resolve ${saved_entry} and "saved" to what they hold. */
static int resolve_saved(const struct gp_root *root, struct entries *e,
			 bool legacy)
{
	_cleanup_free_ char *where = NULL;
	char *v;

	if (!e->def)
		return 0;
	if (legacy && strcmp(e->def, "saved") == 0)
		v = legacy_saved(root);
	else if (strstr(e->def, "saved_entry") ||
		 strcmp(e->def, "saved") == 0)
		v = grubenv_saved(root, &where);
	else
		return 0;
	free(e->def);
	/* Nothing saved: grub starts the first entry. */
	e->def = v ? v : strdup("0");
	if (where) {
		char *line = strprintf("%s; %s", e->def_line, where);

		free(e->def_line);
		e->def_line = line;
	}
	return e->def && e->def_line ? 0 : -ENOMEM;
}

static int find_default(const struct gp_root *root, struct gp_kernels *k)
{
	_cleanup_(entries_done) struct entries e = { 0 };
	const struct entry *en = NULL;
	bool legacy;
	int r;

	r = load_entries(root, &e, &legacy);
	if (r < 0)
		return r;
	if (!e.def && e.n > 0) {
		e.def = strdup("0");
		e.def_line = strprintf("%s: no default set: the first entry",
				       e.source ? e.source :
				       "/boot/loader/entries");
		if (!e.def || !e.def_line)
			/* cppcheck-suppress memleak ; entries_done() frees e.def */
			return -ENOMEM;
	}
	r = resolve_saved(root, &e, legacy);
	if (r < 0)
		return r;
	if (e.def)
		en = entries_pick(&e, e.def);
	if (en && en->version && (k->def = gp_kernels_get(k, en->version))) {
		k->def_source = strprintf("%s -> \"%s\" (%s)", e.def_line,
					  en->title ? en->title : "",
					  en->version);
		return k->def_source ? 0 : -ENOMEM;
	}
	k->def = &k->v[0];
	k->def_guessed = true;
	k->def_source = strprintf("%s: taking the newest kernel",
				  !e.source && e.n == 0 ?
				  "no bootloader configuration found" :
				  e.def_line && en ?
				  "the default entry boots no installed kernel" :
				  "the default entry cannot be told");
	return k->def_source ? 0 : -ENOMEM;
}

/*
 * A module tree without its kernel image is what a removed kernel leaves
 * (dkms builds, modules.* files): no kernel to boot.  Unless /boot holds
 * no image at all (not mounted under --root): then the trees are all
 * there is to judge.
 */
static void drop_leftovers(struct gp_kernels *k)
{
	size_t n = 0;
	bool any_image = false;

	for (size_t i = 0; i < k->n; i++)
		any_image |= k->v[i].image != NULL;
	if (!any_image)
		return;
	for (size_t i = 0; i < k->n; i++) {
		if (k->v[i].image)
			k->v[n++] = k->v[i];
		else
			kernel_done(&k->v[i]);
	}
	k->n = n;
}

int gp_kernels_find(const struct gp_root *root, struct gp_kernels *ret)
{
	_cleanup_(gp_kernels_done) struct gp_kernels k = { 0 };
	int r;

	r = scan_modules(root, "/lib/modules", &k);
	if (r == 0)
		r = scan_modules(root, "/usr/lib/modules", &k);
	if (r == 0)
		r = scan_boot(root, &k);
	for (size_t i = 0; r == 0 && i < k.n; i++) {
		k.v[i].xen_pv = is_xen_pv(k.v[i].version);
		r = find_initramfs(root, &k.v[i]);
	}
	if (r < 0)
		return r;
	drop_leftovers(&k);
	if (k.n > 1)
		qsort(k.v, k.n, sizeof(*k.v), cmp_newest);
	if (k.n > 0) {
		r = find_default(root, &k);
		if (r < 0)
			return r;
	}
	*ret = k;
	/* cppcheck-suppress unreadVariable ; gp_kernels_done() reads it */
	k = (struct gp_kernels){ 0 };
	return 0;
}

/* --- modules --------------------------------------------------------- */

void gp_kmod_done(struct gp_kmod *m)
{
	free(m->path);
	free(m->source);
	strv_free(m->deps);
	*m = (struct gp_kmod){ 0 };
}

/* The module name of a path in modules.dep or the tree, normalised. */
static bool module_of(const char *path, size_t len, char *buf, size_t size)
{
	static const char *const suffixes[] = {
		".ko", ".ko.gz", ".ko.xz", ".ko.zst",
	};
	const char *base = path, *end = path + len;

	for (const char *p = path; p < end; p++)
		if (*p == '/')
			base = p + 1;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t sl = strlen(suffixes[i]);
		size_t n = (size_t)(end - base);

		if (n <= sl || memcmp(end - sl, suffixes[i], sl) != 0)
			continue;
		n -= sl;
		if (n >= size)
			return false;
		for (size_t k = 0; k < n; k++)
			buf[k] = base[k] == '-' ? '_' : base[k];
		buf[n] = '\0';
		return true;
	}
	return false;
}

static bool same_module(const char *path, size_t len, const char *name)
{
	char buf[256];

	return module_of(path, len, buf, sizeof(buf)) &&
	       strcmp(buf, name) == 0;
}

/* modules.builtin: one path per line. */
static int find_builtin(const struct gp_root *root, const struct gp_kernel *k,
			const char *name, struct gp_kmod *m)
{
	_cleanup_free_ char *path = NULL, *text = NULL;

	path = strprintf("%s/modules.builtin", k->modules_dir);
	if (!path)
		return -ENOMEM;
	if (gp_root_read_file(root, path, MODULES_FILE_MAX, &text, NULL) < 0)
		return 0;
	for (char *line = text, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (same_module(line, nl ? (size_t)(nl - line) : strlen(line),
				name)) {
			m->state = GP_KMOD_BUILTIN;
			m->source = strprintf("%s: %.*s", path,
					      (int)(nl ? nl - line :
						    (ptrdiff_t)strlen(line)),
					      line);
			return m->source ? 0 : -ENOMEM;
		}
		if (nl)
			nl++;
	}
	return 0;
}

/* The kernel configuration symbol of the drivers the checks ask about. */
static const char *config_symbol(const char *name)
{
	static const char *const map[][2] = {
		{ "virtio_blk", "CONFIG_VIRTIO_BLK" },
		{ "virtio_scsi", "CONFIG_SCSI_VIRTIO" },
		{ "virtio_net", "CONFIG_VIRTIO_NET" },
		{ "virtio_pci", "CONFIG_VIRTIO_PCI" },
		{ "virtio_ring", "CONFIG_VIRTIO" },
		{ "virtio", "CONFIG_VIRTIO" },
		{ "xen_blkfront", "CONFIG_XEN_BLKDEV_FRONTEND" },
		{ "xen_netfront", "CONFIG_XEN_NETDEV_FRONTEND" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i][0], name) == 0)
			return map[i][1];
	return NULL;
}

/* Without modules.builtin (before 2.6.33): /boot/config-V says "=y". */
static int find_config(const struct gp_root *root, const struct gp_kernel *k,
		       const char *name, struct gp_kmod *m)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *want = NULL;
	const char *sym = config_symbol(name);
	char *hit;

	if (!sym)
		return 0;
	path = strprintf("/boot/config-%s", k->version);
	want = strprintf("\n%s=y\n", sym);
	if (!path || !want)
		return -ENOMEM;
	if (gp_root_read_file(root, path, MODULES_FILE_MAX, &text, NULL) < 0)
		return 0;
	hit = strstr(text, want + 1) == text ? text : strstr(text, want);
	if (!hit)
		return 0;
	m->state = GP_KMOD_BUILTIN;
	m->source = strprintf("%s: %s=y", path, sym);
	return m->source ? 0 : -ENOMEM;
}

static int push_dep(char ***deps, const char *p, size_t n)
{
	char buf[256];

	if (!module_of(p, n, buf, sizeof(buf)))
		return 0;
	return strv_push(deps, buf);
}

/* modules.dep: "kernel/.../x.ko.xz: kernel/.../y.ko.xz ..." */
static int find_dep(const struct gp_root *root, const struct gp_kernel *k,
		    const char *name, struct gp_kmod *m, bool *ret_have_dep)
{
	_cleanup_free_ char *path = NULL, *text = NULL;

	*ret_have_dep = false;
	path = strprintf("%s/modules.dep", k->modules_dir);
	if (!path)
		return -ENOMEM;
	if (gp_root_read_file(root, path, MODULES_FILE_MAX, &text, NULL) < 0)
		return 0;
	*ret_have_dep = true;
	for (char *line = text, *nl; line; line = nl) {
		char *colon, *p;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		colon = strchr(line, ':');
		if (!colon || !same_module(line, (size_t)(colon - line), name))
			continue;
		m->state = GP_KMOD_LOADABLE;
		m->path = line[0] == '/' ? strndup(line, (size_t)(colon - line))
					 : strprintf("%s/%.*s", k->modules_dir,
						     (int)(colon - line), line);
		m->source = strprintf("%s", path);
		if (!m->path || !m->source)
			return -ENOMEM;
		for (p = colon + 1; *p;) {
			size_t n;

			p = skip_blank(p);
			n = strcspn(p, " \t");
			if (n && push_dep(&m->deps, p, n) < 0)
				return -ENOMEM;
			p += n;
		}
		return 0;
	}
	return 0;
}

/* No modules.dep: look for the file in the tree, within bounds. */
static int walk_tree(const struct gp_root *root, const char *dir,
		     const char *name, unsigned depth, unsigned *budget,
		     char **ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (depth > WALK_DEPTH || gp_root_opendir(root, dir, &d) < 0)
		return 0;
	while ((de = readdir(d)) && *budget > 0) {
		_cleanup_free_ char *path = NULL;
		int r;

		(*budget)--;
		if (de->d_name[0] == '.')
			continue;
		path = strprintf("%s/%s", dir, de->d_name);
		if (!path)
			return -ENOMEM;
		if (same_module(de->d_name, strlen(de->d_name), name) &&
		    gp_root_is_file(root, path)) {
			*ret = TAKE_PTR(path);
			return 1;
		}
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			r = walk_tree(root, path, name, depth + 1, budget, ret);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

int gp_kernel_module(const struct gp_root *root, const struct gp_kernel *k,
		     const char *name, struct gp_kmod *ret)
{
	_cleanup_(gp_kmod_done) struct gp_kmod m = { 0 };
	unsigned budget = WALK_ENTRIES;
	bool have_dep = false;
	char norm[256];
	int r = 0;

	if (strlen(name) >= sizeof(norm))
		return -EINVAL;
	for (size_t i = 0; i <= strlen(name); i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	if (k->modules_dir)
		r = find_builtin(root, k, norm, &m);
	if (r == 0 && m.state == GP_KMOD_MISSING)
		r = find_config(root, k, norm, &m);
	if (r == 0 && m.state == GP_KMOD_MISSING && k->modules_dir)
		r = find_dep(root, k, norm, &m, &have_dep);
	if (r == 0 && m.state == GP_KMOD_MISSING && k->modules_dir &&
	    !have_dep) {
		r = walk_tree(root, k->modules_dir, norm, 0, &budget, &m.path);
		if (r > 0) {
			m.state = GP_KMOD_LOADABLE;
			r = (m.source = strdup("the module tree")) ? 0 :
								     -ENOMEM;
		}
	}
	if (r < 0)
		return r;
	*ret = m;
	/* cppcheck-suppress unreadVariable ; gp_kmod_done() reads it */
	m = (struct gp_kmod){ 0 };
	return 0;
}
