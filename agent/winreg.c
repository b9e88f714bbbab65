/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of an offline Windows volume (see winreg.h), read with
 * hivex.
 *
 * The hive files come from a disk we do not trust.  Each is opened
 * through the root (so a symlink cannot lead out of it), must be a
 * regular file of a sane size, and is handed to hivex as
 * /proc/self/fd/N: hivex opens by name, and that name is the very file
 * we checked.  hivex checks the cells it follows; what it refuses is
 * -EBADMSG here.  A key path is walked one component at a time, and a
 * node met twice on the way (a damaged hive whose subkey list points
 * back up) ends the walk.  Value data is decoded here, with bounds:
 * UTF-16LE to UTF-8, lone surrogates becoming U+FFFD.
 *
 * Fix mode edits a hive in memory: hivex opens a copy (the bytes a
 * previous fixer planned for the same hive, or the file itself) for
 * writing, sets the value, commits into an anonymous file, and the
 * whole new hive is planned with gp_plan_write(), which the journal
 * backs up and `guestprep undo` restores byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <hivex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/log.h"
#include "guestprep/winreg.h"
#include "runner.h"
#include "util.h"

/* A SYSTEM hive is tens of MiB, SOFTWARE up to a few hundred. */
#define HIVE_MAX (512ull << 20)
/* Bounds on what a caller or a hive can make us walk. */
#define KEY_MAX_LEN   16384
#define KEY_MAX_DEPTH 512
#define LIST_MAX      100000

static const char *const config_dir[] = { "Windows", "System32", "config" };

/* The hives under HKEY_LOCAL_MACHINE that have a file of their own. */
static const char *const hive_names[] = { "SOFTWARE", "SYSTEM", "SAM",
					  "SECURITY" };
#define N_HIVES ARRAY_SIZE(hive_names)
#define SYSTEM_HIVE 1

struct hive {
	char *path;	/* inside the root, as found, or where it would be */
	bool exists;
	bool tried;	/* opened once: h, or the error in err */
	hive_h *h;
	int err;
};

struct gp_winreg {
	const struct gp_root *root;
	char *config;	/* "/Windows/System32/config", as found */
	struct hive hives[N_HIVES];
	/* SYSTEM\Select\Current, resolved once: "ControlSet001" or err. */
	bool ccs_tried;
	int ccs_err;
	char ccs[16];
};

/* ---- finding the files, whatever the case of their names ------------- */

/*
 * @name in the directory @dir (inside the root), compared without case
 * as NTFS does: the exact name first, then the first entry that
 * matches.  -ENOENT when there is none.
 */
static int find_nocase(const struct gp_root *root, const char *dir,
		       const char *name, char **ret)
{
	_cleanup_free_ char *exact = strprintf("%s/%s", dir, name);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r;

	if (!exact)
		return -ENOMEM;
	if (gp_root_exists(root, exact)) {
		*ret = TAKE_PTR(exact);
		return 0;
	}
	r = gp_root_opendir(root, *dir ? dir : "/", &d);
	if (r < 0)
		return r;
	while ((de = readdir(d))) {
		if (strcasecmp(de->d_name, name) != 0)
			continue;
		*ret = strprintf("%s/%s", dir, de->d_name);
		return *ret ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static int find_config(const struct gp_root *root, char **ret)
{
	_cleanup_free_ char *dir = strdup("");
	int r;

	if (!dir)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(config_dir); i++) {
		char *next = NULL;

		r = find_nocase(root, dir, config_dir[i], &next);
		if (r < 0)
			return r == -ENOMEM ? r : -ENOENT;
		free(dir);
		dir = next;
	}
	if (!gp_root_is_dir(root, dir))
		return -ENOENT;
	*ret = TAKE_PTR(dir);
	return 0;
}

static int find_hive(struct gp_winreg *reg, size_t i)
{
	struct hive *hv = &reg->hives[i];
	int r = find_nocase(reg->root, reg->config, hive_names[i], &hv->path);

	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		hv->exists = true;
		return 0;
	}
	/* Not there: still a name for evidence. */
	hv->path = strprintf("%s/%s", reg->config, hive_names[i]);
	return hv->path ? 0 : -ENOMEM;
}

void gp_winreg_close(struct gp_winreg *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < N_HIVES; i++) {
		if (reg->hives[i].h)
			hivex_close(reg->hives[i].h);
		free(reg->hives[i].path);
	}
	free(reg->config);
	free(reg);
}

static inline void winreg_closep(struct gp_winreg **reg)
{
	gp_winreg_close(*reg);
}

int gp_winreg_open(const struct gp_root *root, struct gp_winreg **ret)
{
	_cleanup_(winreg_closep) struct gp_winreg *reg = NULL;
	bool any = false;
	int r;

	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return -ENOMEM;
	reg->root = root;
	r = find_config(root, &reg->config);
	if (r < 0)
		return r;
	for (size_t i = 0; i < N_HIVES; i++) {
		r = find_hive(reg, i);
		if (r < 0)
			return r;
		any |= reg->hives[i].exists;
	}
	if (!any)
		return -ENOENT;
	*ret = TAKE_PTR(reg);
	return 0;
}

/* ---- opening a hive ---------------------------------------------------- */

/* What hivex's errno means for us: a damaged hive, unless it is memory. */
static int hivex_error(void)
{
	int e = errno;

	if (e == ENOMEM || e == EMFILE || e == ENFILE || e == EACCES ||
	    e == EPERM)
		return -e;
	return -EBADMSG;
}

/* The file at @path inside the root, opened and checked, as an fd. */
static int open_hive_file(const struct gp_root *root, const char *path,
			  int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	/* O_NONBLOCK: a FIFO planted there must not hang the open. */
	r = gp_root_open(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((unsigned long long)st.st_size > HIVE_MAX)
		return -EFBIG;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* hivex_open() on an open file descriptor. */
static int hivex_open_fd(int fd, int flags, hive_h **ret)
{
	char name[64];
	hive_h *h;

	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	errno = 0;
	h = hivex_open(name, flags);
	if (!h)
		return hivex_error();
	*ret = h;
	return 0;
}

static int hive_get(struct gp_winreg *reg, size_t i, hive_h **ret)
{
	struct hive *hv = &reg->hives[i];

	if (!hv->tried) {
		_cleanup_close_ int fd = -1;

		hv->tried = true;
		hv->err = hv->exists ? open_hive_file(reg->root, hv->path, &fd)
				     : -ENOENT;
		if (hv->err == 0)
			hv->err = hivex_open_fd(fd, 0, &hv->h);
		if (hv->err < 0)
			gp_debug("registry hive %s: %s", hv->path,
				 strerror(-hv->err));
	}
	if (hv->err < 0)
		return hv->err;
	*ret = hv->h;
	return 0;
}

/* ---- key paths --------------------------------------------------------- */

/* A key split at its backslashes: the hive and the components below. */
struct keypath {
	char *buf;
	size_t hive;
	char *comp[KEY_MAX_DEPTH];
	size_t n;
};

static void keypath_done(struct keypath *kp)
{
	free(kp->buf);
}

static int keypath_parse(const char *key, struct keypath *ret)
{
	struct keypath kp = { 0 };
	char *p, *bs;
	size_t i;

	if (!key || strlen(key) > KEY_MAX_LEN)
		return -EINVAL;
	kp.buf = strdup(key);
	if (!kp.buf)
		return -ENOMEM;
	bs = strchr(kp.buf, '\\');
	if (bs)
		*bs = '\0';
	for (i = 0; i < N_HIVES; i++)
		if (strcasecmp(kp.buf, hive_names[i]) == 0)
			break;
	if (i == N_HIVES) {
		free(kp.buf);
		return -ENOENT;
	}
	kp.hive = i;
	for (p = bs ? bs + 1 : NULL; p && *p; p = bs ? bs + 1 : NULL) {
		bs = strchr(p, '\\');
		if (bs)
			*bs = '\0';
		if (!*p || kp.n == KEY_MAX_DEPTH) {
			free(kp.buf);
			return -EINVAL;
		}
		kp.comp[kp.n++] = p;
	}
	*ret = kp;
	return 0;
}

/* The child @name of @node: -ENOENT, or -EBADMSG when hivex cannot tell. */
static int child_of(hive_h *h, hive_node_h node, const char *name,
		    hive_node_h *ret)
{
	hive_node_h child;

	errno = 0;
	child = hivex_node_get_child(h, node, name);
	if (!child)
		return errno ? hivex_error() : -ENOENT;
	*ret = child;
	return 0;
}

static int walk(hive_h *h, char *const *comp, size_t n, hive_node_h *ret)
{
	hive_node_h seen[KEY_MAX_DEPTH + 1];
	hive_node_h node;
	int r;

	errno = 0;
	node = hivex_root(h);
	if (!node)
		return -EBADMSG;
	seen[0] = node;
	for (size_t i = 0; i < n; i++) {
		r = child_of(h, node, comp[i], &node);
		if (r < 0)
			return r;
		/* A subkey that is one of its own ancestors: a cycle. */
		for (size_t j = 0; j <= i; j++)
			if (seen[j] == node)
				return -EBADMSG;
		seen[i + 1] = node;
	}
	*ret = node;
	return 0;
}

/* The raw data of value @name of @node, bounded. */
static int value_of(hive_h *h, hive_node_h node, const char *name,
		    hive_type *ret_type, char **ret_data, size_t *ret_len)
{
	hive_value_h v;
	hive_type t;
	size_t len;
	char *data;

	errno = 0;
	v = hivex_node_get_value(h, node, name);
	if (!v)
		return errno ? hivex_error() : -ENOENT;
	if (hivex_value_type(h, v, &t, &len) < 0)
		return hivex_error();
	if (len > GP_WINREG_MAX_VALUE)
		return -EFBIG;
	data = hivex_value_value(h, v, &t, &len);
	if (!data)
		return hivex_error();
	*ret_type = t;
	*ret_data = data;
	*ret_len = len;
	return 0;
}

static int dword_of(hive_type t, const char *data, size_t len, uint32_t *ret)
{
	const unsigned char *p = (const unsigned char *)data;

	if (t != hive_t_REG_DWORD && t != hive_t_REG_DWORD_BIG_ENDIAN)
		return -EMEDIUMTYPE;
	if (len != 4)
		return -EBADMSG;
	if (t == hive_t_REG_DWORD)
		*ret = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		       (uint32_t)p[3] << 24;
	else
		*ret = p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[0] << 24;
	return 0;
}

/* SYSTEM\Select\Current names the control set Windows boots with. */
static int control_set_of(hive_h *h, char *buf, size_t size)
{
	char *select[] = { "Select" };
	_cleanup_free_ char *data = NULL;
	hive_node_h node;
	hive_type t;
	uint32_t n;
	size_t len;
	int r;

	r = walk(h, select, 1, &node);
	if (r == 0)
		r = value_of(h, node, "Current", &t, &data, &len);
	if (r == 0)
		r = dword_of(t, data, len, &n);
	if (r < 0)
		return r == -EMEDIUMTYPE ? -EBADMSG : r;
	/* dword_of() sets n when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (n < 1 || n > 999)
		return -EBADMSG;
	snprintf(buf, size, "ControlSet%03u", n);
	return 0;
}

/* Replace CurrentControlSet in @kp by the control set @h boots with. */
static int resolve_ccs(hive_h *h, struct gp_winreg *reg, struct keypath *kp,
		       char *buf, size_t size)
{
	int r;

	if (kp->hive != SYSTEM_HIVE || kp->n == 0 ||
	    strcasecmp(kp->comp[0], "CurrentControlSet") != 0)
		return 0;
	if (!reg) {
		r = control_set_of(h, buf, size);
	} else {
		if (!reg->ccs_tried) {
			reg->ccs_tried = true;
			reg->ccs_err = control_set_of(h, reg->ccs,
						      sizeof(reg->ccs));
		}
		r = reg->ccs_err;
		if (r == 0)
			snprintf(buf, size, "%s", reg->ccs);
	}
	if (r < 0)
		return r;
	kp->comp[0] = buf;
	return 0;
}

/* The hive and node of @key in the registry as it is on disk. */
static int lookup(struct gp_winreg *reg, const char *key, hive_h **ret_h,
		  hive_node_h *ret_node)
{
	_cleanup_(keypath_done) struct keypath kp = { 0 };
	char ccs[16];
	hive_h *h;
	int r;

	r = keypath_parse(key, &kp);
	if (r < 0)
		return r;
	r = hive_get(reg, kp.hive, &h);
	if (r < 0)
		return r;
	r = resolve_ccs(h, reg, &kp, ccs, sizeof(ccs));
	if (r < 0)
		return r;
	r = walk(h, kp.comp, kp.n, ret_node);
	if (r < 0)
		return r;
	*ret_h = h;
	return 0;
}

static int get_value(struct gp_winreg *reg, const char *key,
		     const char *value, hive_type *ret_type, char **ret_data,
		     size_t *ret_len)
{
	hive_node_h node;
	hive_h *h;
	int r;

	if (!value)
		return -EINVAL;
	r = lookup(reg, key, &h, &node);
	if (r < 0)
		return r;
	return value_of(h, node, value, ret_type, ret_data, ret_len);
}

bool gp_winreg_key_exists(struct gp_winreg *reg, const char *key)
{
	hive_node_h node;
	hive_h *h;

	return lookup(reg, key, &h, &node) == 0;
}

/* ---- decoding ---------------------------------------------------------- */

static size_t utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static uint16_t unit_at(const unsigned char *p, size_t i)
{
	return (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
}

/*
 * @n UTF-16LE units at @p as UTF-8.  A surrogate without its partner
 * becomes U+FFFD; a NUL unit is kept out by the callers.
 */
static int utf16_decode(const unsigned char *p, size_t n, char **ret)
{
	/* A unit gives at most 3 bytes; a surrogate pair 4 for 2 units. */
	char *out = malloc(3 * n + 1), *o = out;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = unit_at(p, i);

		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n &&
		    unit_at(p, i + 1) >= 0xdc00 && unit_at(p, i + 1) < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (unit_at(p, i + 1) - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		o += utf8_put(o, c);
	}
	*o = '\0';
	*ret = out;
	return 0;
}

/* The index of the first NUL unit at or after @from, or @n. */
static size_t nul_unit(const unsigned char *p, size_t from, size_t n)
{
	while (from < n && unit_at(p, from) != 0)
		from++;
	return from;
}

int gp_winreg_get_string(struct gp_winreg *reg, const char *key,
			 const char *value, char **ret)
{
	_cleanup_free_ char *data = NULL;
	hive_type t;
	size_t len;
	int r;

	r = get_value(reg, key, value, &t, &data, &len);
	if (r < 0)
		return r;
	if (t != hive_t_REG_SZ && t != hive_t_REG_EXPAND_SZ)
		return -EMEDIUMTYPE;
	/* The string ends at its NUL, or with the data (an odd byte goes). */
	return utf16_decode((unsigned char *)data,
			    nul_unit((unsigned char *)data, 0, len / 2), ret);
}

int gp_winreg_get_dword(struct gp_winreg *reg, const char *key,
			const char *value, uint32_t *ret)
{
	_cleanup_free_ char *data = NULL;
	hive_type t;
	size_t len;
	int r;

	r = get_value(reg, key, value, &t, &data, &len);
	if (r < 0)
		return r;
	return dword_of(t, data, len, ret);
}

int gp_winreg_get_multi(struct gp_winreg *reg, const char *key,
			const char *value, char ***ret)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_(strv_freep) char **strv = NULL;
	const unsigned char *p;
	size_t len, n, i = 0;
	hive_type t;
	int r;

	r = get_value(reg, key, value, &t, &data, &len);
	if (r < 0)
		return r;
	if (t != hive_t_REG_MULTI_SZ)
		return -EMEDIUMTYPE;
	p = (const unsigned char *)data;
	n = len / 2;
	/* NUL-terminated strings; an empty one (or the end) ends the list. */
	while (i < n) {
		size_t end = nul_unit(p, i, n);
		char *s;

		if (end == i)
			break;
		r = utf16_decode(p + 2 * i, end - i, &s);
		if (r == 0)
			r = strv_consume(&strv, s);
		if (r < 0)
			return r;
		i = end + 1;
	}
	if (!strv) {
		strv = calloc(1, sizeof(*strv));
		if (!strv)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(strv);
	return 0;
}

/* ---- listing ----------------------------------------------------------- */

static int empty_strv(char ***ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

/*
 * The names of @items (NULL-terminated, as hivex returns them; freed
 * here) through @name_of: hivex_node_name or hivex_value_key.
 */
static int names_of(hive_h *h, size_t *items,
		    char *(*name_of)(hive_h *, size_t), char ***ret)
{
	_cleanup_free_ size_t *list = items;
	_cleanup_(strv_freep) char **strv = NULL;
	size_t i;
	int r;

	if (!list)
		return hivex_error();
	for (i = 0; i < LIST_MAX && list[i]; i++) {
		char *name = name_of(h, list[i]);

		if (!name)
			return hivex_error();
		r = strv_consume(&strv, name);
		if (r < 0)
			return r;
	}
	if (list[i])
		return -EFBIG;
	if (!strv)
		return empty_strv(ret);
	*ret = TAKE_PTR(strv);
	return 0;
}

int gp_winreg_subkeys(struct gp_winreg *reg, const char *key, char ***ret)
{
	hive_node_h node;
	hive_h *h;
	int r;

	r = lookup(reg, key, &h, &node);
	if (r < 0)
		return r;
	errno = 0;
	return names_of(h, hivex_node_children(h, node), hivex_node_name, ret);
}

int gp_winreg_values(struct gp_winreg *reg, const char *key, char ***ret)
{
	hive_node_h node;
	hive_h *h;
	int r;

	r = lookup(reg, key, &h, &node);
	if (r < 0)
		return r;
	errno = 0;
	return names_of(h, hivex_node_values(h, node), hivex_value_key, ret);
}

/* ---- evidence ---------------------------------------------------------- */

const char *gp_winreg_source(struct gp_winreg *reg, const char *key)
{
	size_t len = key ? strcspn(key, "\\") : 0;

	for (size_t i = 0; key && i < N_HIVES; i++)
		if (strlen(hive_names[i]) == len &&
		    strncasecmp(key, hive_names[i], len) == 0)
			return reg->hives[i].path;
	return reg->config;
}

int gp_winreg_resolve(struct gp_winreg *reg, const char *key, char **ret)
{
	_cleanup_(keypath_done) struct keypath kp = { 0 };
	_cleanup_free_ char *out = NULL;
	char ccs[16];
	hive_h *h = NULL;
	int r;

	r = keypath_parse(key, &kp);
	if (r < 0)
		return r;
	if (kp.hive == SYSTEM_HIVE && kp.n > 0 &&
	    strcasecmp(kp.comp[0], "CurrentControlSet") == 0) {
		r = hive_get(reg, kp.hive, &h);
		if (r == 0)
			r = resolve_ccs(h, reg, &kp, ccs, sizeof(ccs));
		if (r < 0)
			return r;
	}
	out = strdup(hive_names[kp.hive]);
	for (size_t i = 0; out && i < kp.n; i++) {
		char *next = strprintf("%s\\%s", out, kp.comp[i]);

		free(out);
		out = next;
	}
	if (!out)
		return -ENOMEM;
	*ret = TAKE_PTR(out);
	return 0;
}

/* ---- fix mode ---------------------------------------------------------- */

/* What an earlier fixer planned for the hive file @path, if anything. */
static const struct gp_change *planned_hive(struct gp_ctx *ctx,
					    const char *path)
{
	_cleanup_free_ char *real = NULL;

	/* gp_plan_write() keeps the path with its links resolved. */
	if (gp_root_resolve(ctx->root, path, &real) < 0)
		return NULL;
	for (size_t i = 0; i < ctx->plan->n_changes; i++) {
		const struct gp_change *c = &ctx->plan->changes[i];

		if (c->kind == GP_CHANGE_WRITE && c->path &&
		    strcmp(c->path, real) == 0)
			return c;
	}
	return NULL;
}

/* An anonymous file, for hivex to open and commit by name. */
static int anon_file(void)
{
	int fd = memfd_create("guestprep-hive", MFD_CLOEXEC);
	FILE *f;

	if (fd >= 0 || errno != ENOSYS)
		return fd >= 0 ? fd : -errno;
	/* Kernels before 3.17: an unlinked temporary file. */
	f = tmpfile();
	if (!f)
		return -errno;
	fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
	fclose(f);
	return fd >= 0 ? fd : -errno;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((unsigned long long)st.st_size > HIVE_MAX)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got,
				  (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	*ret = TAKE_PTR(buf);
	*ret_len = got;
	return 0;
}

static inline void hivex_closep(hive_h **h)
{
	if (*h)
		hivex_close(*h);
}

/*
 * Set @value of @kp to @type and @nbytes of @bytes in the hive @base
 * (@len bytes): 0 with the new hive in *ret, 1 when it holds that
 * already.
 */
static int edit_value(const char *base, size_t len, struct keypath *kp,
		      const char *value, hive_type type, const void *bytes,
		      size_t nbytes, char **ret, size_t *ret_len)
{
	_cleanup_(hivex_closep) hive_h *h = NULL;
	_cleanup_free_ char *old = NULL;
	_cleanup_close_ int fd = -1;
	hive_set_value v = { .key = (char *)value, .t = type, .len = nbytes,
			     .value = (char *)bytes };
	char ccs[16];
	hive_node_h node;
	hive_type t;
	size_t old_len;
	int r;

	fd = anon_file();
	if (fd < 0)
		return fd;
	r = write_all(fd, base, len);
	if (r == 0)
		r = hivex_open_fd(fd, HIVEX_OPEN_WRITE, &h);
	if (r == 0)
		r = resolve_ccs(h, NULL, kp, ccs, sizeof(ccs));
	if (r == 0)
		r = walk(h, kp->comp, kp->n, &node);
	if (r < 0)
		return r;
	/* walk() sets node when it returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage) */
	r = value_of(h, node, value, &t, &old, &old_len);
	if (r == 0 && t == type && old_len == nbytes &&
	    memcmp(old, bytes, nbytes) == 0)
		return 1;
	if (r < 0 && r != -ENOENT)
		return r;
	/* The commit rewrites the anonymous file hivex opened by name. */
	if (hivex_node_set_value(h, node, &v, 0) < 0 ||
	    hivex_commit(h, NULL, 0) < 0)
		return hivex_error();
	return read_all(fd, ret, ret_len);
}

static int plan_set(struct gp_ctx *ctx, struct gp_winreg *reg,
		    const char *key, const char *value, hive_type type,
		    const void *bytes, size_t nbytes, const char *why)
{
	_cleanup_(keypath_done) struct keypath kp = { 0 };
	_cleanup_free_ char *file = NULL, *edited = NULL;
	const struct gp_change *prev;
	const struct hive *hv;
	const char *base;
	size_t len, edited_len = 0;
	int r;

	if (!ctx->plan)
		return -EPERM;
	if (!reg || !value)
		return -EINVAL;
	r = keypath_parse(key, &kp);
	if (r < 0)
		return r;
	hv = &reg->hives[kp.hive];
	if (!hv->exists)
		return -ENOENT;
	/* A second change of one hive builds on the first. */
	prev = planned_hive(ctx, hv->path);
	if (prev) {
		base = prev->data;
		len = prev->len;
	} else {
		r = gp_root_read_file(ctx->root, hv->path, HIVE_MAX, &file,
				      &len);
		if (r < 0)
			return r;
		base = file;
	}
	r = edit_value(base, len, &kp, value, type, bytes, nbytes, &edited,
		       &edited_len);
	if (r < 0)
		return r;
	if (r > 0)
		return 0;	/* already so */
	return gp_plan_write(ctx, hv->path, edited, edited_len, 0600, why);
}

int gp_winreg_plan_set_dword(struct gp_ctx *ctx, struct gp_winreg *reg,
			     const char *key, const char *value,
			     uint32_t data, const char *why)
{
	unsigned char le[4] = { (unsigned char)data,
				(unsigned char)(data >> 8),
				(unsigned char)(data >> 16),
				(unsigned char)(data >> 24) };

	return plan_set(ctx, reg, key, value, hive_t_REG_DWORD, le,
			sizeof(le), why);
}

/*
 * The next code point of the UTF-8 at *@s (advanced); a malformed
 * sequence gives U+FFFD for its first byte.
 */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p, min;
	int more;

	*s = p + 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c < 0xe0)
		more = 1, min = 0x80, c &= 0x1f;
	else if (c >= 0xe0 && c < 0xf0)
		more = 2, min = 0x800, c &= 0x0f;
	else if (c >= 0xf0 && c < 0xf5)
		more = 3, min = 0x10000, c &= 0x07;
	else
		return 0xfffd;
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0xfffd;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0xfffd;
	*s = p + 1 + more;
	return c;
}

/* @utf8 as UTF-16LE with its NUL unit. */
static int utf16_encode(const char *utf8, unsigned char **ret,
			size_t *ret_len)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = strlen(utf8), len = 0;
	/* Each byte gives at most one unit; 4 bytes give 2. */
	unsigned char *out = malloc(2 * n + 2);

	if (!out)
		return -ENOMEM;
	while (*s) {
		uint32_t c = utf8_next(&s);

		if (c >= 0x10000) {
			uint32_t hi = 0xd800 | (c - 0x10000) >> 10;

			out[len++] = (unsigned char)hi;
			out[len++] = (unsigned char)(hi >> 8);
			c = 0xdc00 | (c & 0x3ff);
		}
		out[len++] = (unsigned char)c;
		out[len++] = (unsigned char)(c >> 8);
	}
	out[len++] = 0;
	out[len++] = 0;
	*ret = out;
	*ret_len = len;
	return 0;
}

int gp_winreg_plan_set_string(struct gp_ctx *ctx, struct gp_winreg *reg,
			      const char *key, const char *value,
			      const char *utf8, const char *why)
{
	_cleanup_free_ unsigned char *units = NULL;
	size_t len = 0;
	int r;

	if (!utf8 || strlen(utf8) > GP_WINREG_MAX_VALUE / 2)
		return -EINVAL;
	r = utf16_encode(utf8, &units, &len);
	if (r < 0)
		return r;
	return plan_set(ctx, reg, key, value, hive_t_REG_SZ, units, len, why);
}
