/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fix journal and the command runner.
 *
 * The promise under test is that `guestprep undo` gives back the tree the
 * run started from, byte for byte: content, mode, owner, times, symlink
 * targets, extended attributes, and the absence of what the run created,
 * however the run ended.  Every test takes a snapshot of the tree, acts,
 * undoes, and compares snapshots.  Interruptions are simulated by the
 * journal's test hook, which ends a child process right after each
 * durable step in turn.
 *
 * The journal tests need root (owners, mounts); the mount tests run in a
 * private mount namespace, so nothing stays mounted if a test dies.
 */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

#include "harness.h"
#include "change.h"
#include "exec.h"
#include "guestprep/fix.h"
#include "journal.h"
#include "journal-internal.h"
#include "root-internal.h"
#include "util.h"

#define ODD_NAME "etc/odd name\nwith \xff byte"

static bool have_mount_ns;
static bool have_xattrs;

/* ---- trees ------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *mounts[4];
static size_t n_mounts;

static void mounted(const char *path)
{
	assert_true(n_mounts < ARRAY_SIZE(mounts));
	mounts[n_mounts++] = strdup(path);
}

static int teardown(void **state)
{
	while (n_mounts > 0) {
		umount2(mounts[--n_mounts], MNT_DETACH);
		free(mounts[n_mounts]);
	}
	return tree_teardown(state);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void set_times(const char *tree, const char *path, time_t sec)
{
	char *full = tree_file(tree, path);
	struct timespec ts[2] = { { sec, 111 }, { sec, 123456789 } };

	assert_int_equal(utimensat(AT_FDCWD, full, ts, AT_SYMLINK_NOFOLLOW), 0);
	free(full);
}

static void set_owner(const char *tree, const char *path, mode_t mode,
		      uid_t uid, gid_t gid)
{
	char *full = tree_file(tree, path);

	assert_int_equal(lchown(full, uid, gid), 0);
	if (mode)
		assert_int_equal(chmod(full, mode), 0);
	free(full);
}

static void set_xattr(const char *tree, const char *path, const char *value)
{
	char *full = tree_file(tree, path);

	if (have_xattrs)
		assert_int_equal(setxattr(full, "user.test", value,
					  strlen(value), 0), 0);
	free(full);
}

static char *read_tree_file(const char *tree, const char *path)
{
	char *full = tree_file(tree, path), *data = NULL;
	size_t len = 0;
	FILE *f = fopen(full, "re");

	assert_non_null(f);
	assert_true(getdelim(&data, &len, '\0', f) >= 0 || feof(f));
	fclose(f);
	free(full);
	return data ? data : strdup("");
}

/*
 * A small system: files with odd modes, owners, times and attributes,
 * links, a name no shell would like.  var/ exists, so that the journal's
 * directories never touch the top.
 */
static void build_fixture(const char *tree)
{
	static const char *const dated[] = {
		"etc/conf", "etc/old", "etc/alt", "etc/was-file", "etc/real",
		"etc/via-link", ODD_NAME, "etc/ro", "etc", ".",
	};

	tree_mkdir(tree, "var");
	tree_write(tree, "etc/conf", "original\n");
	set_owner(tree, "etc/conf", 0600, 123, 45);
	set_xattr(tree, "etc/conf", "1");
	tree_write(tree, "etc/old", "to be removed\n");
	set_owner(tree, "etc/old", 04755, 0, 7);
	set_xattr(tree, "etc/old", "2");
	tree_symlink(tree, "etc/alt", "a");
	set_owner(tree, "etc/alt", 0, 7, 8);
	tree_write(tree, "etc/was-file", "a file\n");
	tree_write(tree, "etc/real", "real\n");
	set_owner(tree, "etc/real", 0640, 0, 4);
	tree_symlink(tree, "etc/via-link", "real");
	tree_write(tree, ODD_NAME, "odd\n");
	tree_mkdir(tree, "etc/ro");
	for (size_t i = 0; i < ARRAY_SIZE(dated); i++)
		set_times(tree, dated[i], 1000000000 + (time_t)i);
}

/* ---- snapshots --------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void snap_xattrs(FILE *out, const char *full)
{
	char names[4096], *v[64];
	ssize_t len = llistxattr(full, names, sizeof(names));
	size_t n = 0;

	for (ssize_t i = 0; i < len && n < ARRAY_SIZE(v);
	     i += (ssize_t)strlen(names + i) + 1)
		v[n++] = names + i;
	/* cppcheck-suppress uninitvar ; qsort() reads only the n set in v */
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char value[256];
		ssize_t vl = lgetxattr(full, v[i], value, sizeof(value) - 1);

		value[vl < 0 ? 0 : vl] = '\0';
		fprintf(out, " %s=%s", v[i], value);
	}
}

static void snap_entry(FILE *out, const char *tree, const char *rel)
{
	char *full = tree_file(tree, rel);
	struct stat st;

	assert_int_equal(lstat(full, &st), 0);
	fprintf(out, "%s type=%o mode=%04o owner=%u:%u mtime=%lld.%09ld",
		rel, (unsigned)(st.st_mode & S_IFMT),
		(unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		(unsigned)st.st_gid, (long long)st.st_mtim.tv_sec,
		st.st_mtim.tv_nsec);
	if (S_ISREG(st.st_mode)) {
		char *data = read_tree_file(tree, rel);
		unsigned long h = 5381;

		for (const char *c = data; *c; c++)
			h = h * 33 + (unsigned char)*c;
		fprintf(out, " size=%lld", (long long)st.st_size);
		if (st.st_size < 100)
			fprintf(out, " content=%s", data);
		else
			fprintf(out, " hash=%lx", h);
		free(data);
	} else if (S_ISLNK(st.st_mode)) {
		char target[256];
		ssize_t n = readlink(full, target, sizeof(target) - 1);

		assert_true(n >= 0);
		target[n] = '\0';
		fprintf(out, " target=%s", target);
	}
	if (!S_ISLNK(st.st_mode))
		snap_xattrs(out, full);
	fputc('\n', out);
	free(full);
}

static void snap_dir(FILE *out, const char *tree, const char *rel)
{
	char *full = tree_file(tree, rel);
	struct dirent **list = NULL;
	int n = scandir(full, &list, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char *sub;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    (strcmp(rel, ".") == 0 && strcmp(name, "var") == 0)) {
			free(list[i]);
			continue;
		}
		sub = strprintf("%s/%s", rel, name);
		snap_entry(out, tree, sub);
		if (list[i]->d_type == DT_DIR)
			snap_dir(out, tree, sub);
		free(sub);
		free(list[i]);
	}
	free(list);
	free(full);
}

/* Everything but var/ (where the journal lives), as text. */
static char *snapshot(const char *tree)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	snap_entry(out, tree, ".");
	snap_dir(out, tree, ".");
	fclose(out);
	return buf;
}

static void expect_snapshot(const char *tree, const char *before)
{
	char *now = snapshot(tree);
	const char *a = before, *b = now;

	/* Report the first line that differs, not two whole trees. */
	while (*a && *a == *b) {
		const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
		size_t la = na ? (size_t)(na - a) + 1 : strlen(a);
		size_t lb = nb ? (size_t)(nb - b) + 1 : strlen(b);

		if (la != lb || memcmp(a, b, la) != 0)
			break;
		a += la;
		b += lb;
	}
	if (*a || *b)
		fail_msg("tree differs:\n was: %.*s\n now: %.*s",
			 (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
	free(now);
}

/* ---- plans ------------------------------------------------------------- */

struct plan {
	struct gp_change c[16];
	size_t n;
};

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		change_done(&p->c[i]);
	p->n = 0;
}

/* What a planner would see of @path now. */
static void plan_saw(struct gp_change *c, const char *tree)
{
	char *full = tree_file(tree, c->path), target[256];
	struct stat st;
	ssize_t n;

	c->existed = lstat(full, &st) == 0;
	c->was_link = c->existed && S_ISLNK(st.st_mode);
	if (c->was_link) {
		n = readlink(full, target, sizeof(target) - 1);
		assert_true(n >= 0);
		target[n] = '\0';
		c->old_target = strdup(target);
	}
	if (c->existed && stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
		c->old_data = read_tree_file(tree, c->path);
		c->old_len = strlen(c->old_data);
	}
	free(full);
}

static struct gp_change *plan_add(struct plan *p, enum gp_change_kind kind,
				  const char *tree, const char *path)
{
	struct gp_change *c;

	assert_true(p->n < ARRAY_SIZE(p->c));
	c = &p->c[p->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	if (path) {
		c->path = strdup(path);
		plan_saw(c, tree);
	}
	return c;
}

static struct gp_change *plan_write(struct plan *p, const char *tree,
				    const char *path, const char *data,
				    mode_t mode)
{
	struct gp_change *c = plan_add(p, GP_CHANGE_WRITE, tree, path);

	c->data = strdup(data);
	c->len = strlen(data);
	c->mode = mode;
	return c;
}

static void plan_remove(struct plan *p, const char *tree, const char *path)
{
	plan_add(p, GP_CHANGE_REMOVE, tree, path);
}

static void plan_symlink(struct plan *p, const char *tree, const char *path,
			 const char *target)
{
	plan_add(p, GP_CHANGE_SYMLINK, tree, path)->target = strdup(target);
}

static char **strv_of(const char *const *words)
{
	char **v = NULL;

	for (; words && *words; words++)
		assert_int_equal(strv_push(&v, *words), 0);
	return v;
}

static void plan_command(struct plan *p, const char *const *argv,
			 const char *const *undo)
{
	struct gp_change *c = plan_add(p, GP_CHANGE_COMMAND, NULL, NULL);

	c->argv = strv_of(argv);
	c->undo_argv = strv_of(undo);
}

/* Pretend the planner saw @path as an earlier change of the plan left it. */
static void saw_as(struct gp_change *c, const char *data)
{
	free(c->old_data);
	c->existed = data != NULL;
	c->old_data = data ? strdup(data) : NULL;
	c->old_len = data ? strlen(data) : 0;
}

/* Every kind of change, several in one directory, one path twice. */
static void plan_everything(struct plan *p, const char *tree)
{
	static const char *const cmd[] = { "/usr/bin/fix-it", "--now", NULL };
	static const char *const undo_cmd[] = { "/usr/bin/fix-it", "--undo",
						NULL };

	plan_write(p, tree, "etc/conf", "changed once\n", 0644);
	plan_write(p, tree, "etc/new.conf", "new\n", 0640);
	plan_write(p, tree, "etc/cloud/cloud.cfg.d/99.cfg", "deep\n", 0644);
	plan_remove(p, tree, "etc/old");
	plan_symlink(p, tree, "etc/link", "conf");
	plan_symlink(p, tree, "etc/alt", "b");
	plan_symlink(p, tree, "etc/was-file", "real");
	plan_write(p, tree, "etc/via-link", "through the link\n", 0644);
	plan_command(p, cmd, undo_cmd);
	saw_as(plan_write(p, tree, "etc/conf", "changed twice\n", 0644),
	       "changed once\n");
	plan_write(p, tree, ODD_NAME, "odd, changed\n", 0644);
	plan_remove(p, tree, "etc/new.conf");
	saw_as(&p->c[p->n - 1], "new\n");
}

/* ---- running the journal ----------------------------------------------- */

static unsigned fake_runs;
static char *fake_last;

/* The exec seam, for the journal tests: records what it was asked. */
static int fake_run(struct gp_root *root, struct gp_change *c)
{
	fake_runs++;
	free(fake_last);
	fake_last = strv_join(c->argv, " ");
	free(c->output);
	c->output = strdup("done\n");
	return 0;
}

static struct gp_root *open_root(const char *tree, bool fallback)
{
	struct gp_root *root = NULL;

	assert_int_equal(gp_root_new(tree, &root), 0);
	gp_root_allow_writes(root);
	if (fallback)
		root_force_fallback(root);
	return root;
}

/* One run applying the whole plan; the first error, or 0. */
static int apply_plan(const char *tree, struct plan *p, bool fallback)
{
	struct gp_root *root = open_root(tree, fallback);
	struct gp_journal *j = NULL;
	int r, first = 0;

	r = journal_begin(root, "test", &j);
	if (r < 0) {
		gp_root_free(root);
		return r;
	}
	for (size_t i = 0; i < p->n; i++) {
		r = journal_apply(j, &p->c[i], fake_run);
		if (r < 0 && first == 0)
			first = r;
	}
	r = journal_end(j);
	gp_root_free(root);
	return first < 0 ? first : r;
}

static int undo(const char *tree, const char *id, struct gp_undo_result *res)
{
	struct gp_root *root = open_root(tree, false);
	int r = journal_undo(root, id, fake_run, res);

	gp_root_free(root);
	return r;
}

/* Undo the newest run, if @any_left allows there to be none. */
static void undo_left(const char *tree, bool any_left)
{
	struct gp_undo_result res;
	int r = undo(tree, NULL, &res);

	if (r == -ENOENT && any_left) {
		undo_result_done(&res);
		return;
	}
	if (r < 0)
		fail_msg("undo: %s", strerror(-r));
	for (size_t i = 0; i < res.n_items; i++)
		if (res.items[i].result < 0 &&
		    res.items[i].result != -EOPNOTSUPP)
			fail_msg("%s: %s", res.items[i].what,
				 strerror(-res.items[i].result));
	undo_result_done(&res);
}

/* Undo the newest run; it must be there and go through. */
static void undo_ok(const char *tree)
{
	undo_left(tree, false);
}

static void expect_nothing_to_undo(const char *tree)
{
	struct gp_undo_result res;

	assert_int_equal(undo(tree, NULL, &res), -ENOENT);
	assert_null(res.run_id);
	assert_int_equal(res.n_items, 0);
	undo_result_done(&res);
}

/* The temporary files a change may leave: there must be none. */
static void expect_no_temp(const char *tree, const char *dir)
{
	char *full = tree_file(tree, dir);
	DIR *d = opendir(full);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".guestprep-"))
			fail_msg("left behind: %s/%s", dir, de->d_name);
	closedir(d);
	free(full);
}

static void expect_content(const char *tree, const char *path,
			   const char *content)
{
	char *data = read_tree_file(tree, path);

	assert_string_equal(data, content);
	free(data);
}

static void expect_absent(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);
	struct stat st;

	assert_int_equal(lstat(full, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(full);
}

static struct stat stat_of(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);
	struct stat st;

	assert_int_equal(lstat(full, &st), 0);
	free(full);
	return st;
}

/* A fresh tree with the fixture, and its snapshot. */
static char *fixture(char **ret_snap)
{
	char *tree = tree_kept(tree_new());

	build_fixture(tree);
	*ret_snap = snapshot(tree);
	return tree;
}

/* ---- apply, then undo -------------------------------------------------- */

static void test_write_existing(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;
	struct stat st;
	char value[8] = "";

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "new content\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	assert_int_equal(p.c[0].result, 0);
	expect_content(tree, "etc/conf", "new content\n");
	/* The file keeps its mode, owner and attributes. */
	st = stat_of(tree, "etc/conf");
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 123);
	assert_int_equal(st.st_gid, 45);
	if (have_xattrs) {
		char *full = tree_file(tree, "etc/conf");

		assert_int_equal(getxattr(full, "user.test", value,
					  sizeof(value)), 1);
		assert_int_equal(value[0], '1');
		free(full);
	}
	expect_no_temp(tree, "etc");
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

static void test_write_new(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;
	struct stat st;

	need_root();
	tree = fixture(&before);
	umask(077);
	plan_write(&p, tree, "etc/new.conf", "new\n", 0644);
	plan_write(&p, tree, "etc/cloud/cloud.cfg.d/99.cfg", "deep\n", 0640);
	assert_int_equal(apply_plan(tree, &p, true), 0);
	umask(022);
	st = stat_of(tree, "etc/new.conf");
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	st = stat_of(tree, "etc/cloud/cloud.cfg.d/99.cfg");
	assert_int_equal(st.st_mode & 07777, 0640);
	st = stat_of(tree, "etc/cloud");
	assert_int_equal(st.st_mode & 07777, 0755);
	expect_content(tree, "etc/cloud/cloud.cfg.d/99.cfg", "deep\n");
	undo_ok(tree);
	expect_absent(tree, "etc/new.conf");
	expect_absent(tree, "etc/cloud");
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

static void test_remove(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_remove(&p, tree, "etc/old");
	plan_remove(&p, tree, "etc/alt");
	assert_int_equal(apply_plan(tree, &p, false), 0);
	expect_absent(tree, "etc/old");
	expect_absent(tree, "etc/alt");
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

static void test_symlinks(void **state)
{
	struct plan p = { 0 };
	char *before, *tree, *full;
	char target[64];
	ssize_t n;

	need_root();
	tree = fixture(&before);
	plan_symlink(&p, tree, "etc/link", "/etc/conf");
	plan_symlink(&p, tree, "etc/alt", "b");
	plan_symlink(&p, tree, "etc/was-file", "real");
	assert_int_equal(apply_plan(tree, &p, true), 0);
	full = tree_file(tree, "etc/alt");
	n = readlink(full, target, sizeof(target));
	assert_int_equal(n, 1);
	assert_int_equal(target[0], 'b');
	free(full);
	assert_true(S_ISLNK(stat_of(tree, "etc/was-file").st_mode));
	assert_true(S_ISLNK(stat_of(tree, "etc/link").st_mode));
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* Expect undo of the newest run to leave @n paths alone (-ESTALE). */
static void expect_left_alone(const char *tree, size_t n)
{
	struct gp_undo_result res;
	size_t stale = 0;

	assert_int_equal(undo(tree, NULL, &res), -ESTALE);
	for (size_t i = 0; i < res.n_items; i++) {
		if (res.items[i].result == -ESTALE) {
			assert_non_null(strstr(res.items[i].what,
					       "changed since"));
			stale++;
		} else {
			assert_int_equal(res.items[i].result, 0);
		}
	}
	assert_int_equal(stale, n);
	undo_result_done(&res);
}

/*
 * What someone changed after the fix run is theirs: undo leaves it (and
 * says so) unless forced, and puts back everything else.  A path put
 * back to its original by hand is not a change.
 */
static void test_changed_since(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "fixed\n", 0644);
	plan_write(&p, tree, "etc/new", "created\n", 0644);
	plan_remove(&p, tree, "etc/old");
	plan_symlink(&p, tree, "etc/alt", "b");
	plan_write(&p, tree, "etc/real", "fixed too\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);

	tree_write(tree, "etc/conf", "edited by hand\n");
	tree_write(tree, "etc/new", "edited too\n");
	tree_write(tree, "etc/old", "made again\n");
	tree_remove(tree, "etc/alt");
	tree_symlink(tree, "etc/alt", "c");
	tree_write(tree, "etc/real", "real\n");	/* as it was */
	expect_left_alone(tree, 4);
	expect_content(tree, "etc/conf", "edited by hand\n");
	expect_content(tree, "etc/new", "edited too\n");
	expect_content(tree, "etc/old", "made again\n");
	expect_content(tree, "etc/real", "real\n");
	assert_true(S_ISLNK(stat_of(tree, "etc/alt").st_mode));
	/* Asked again, the same answer. */
	expect_left_alone(tree, 4);

	journal_set_undo_force(true);
	undo_ok(tree);
	journal_set_undo_force(false);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* A write to a link replaces what it points to; the link stays. */
static void test_write_through_link(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/via-link", "through\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	assert_true(S_ISLNK(stat_of(tree, "etc/via-link").st_mode));
	expect_content(tree, "etc/real", "through\n");
	assert_int_equal(stat_of(tree, "etc/real").st_mode & 07777, 0640);
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

static void test_everything_then_undo(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_everything(&p, tree);
	fake_runs = 0;
	assert_int_equal(apply_plan(tree, &p, false), 0);
	assert_int_equal(fake_runs, 1);
	expect_content(tree, "etc/conf", "changed twice\n");
	expect_content(tree, ODD_NAME, "odd, changed\n");
	expect_absent(tree, "etc/new.conf");
	undo_ok(tree);
	/* The command was reverted with its undo command. */
	assert_int_equal(fake_runs, 2);
	assert_string_equal(fake_last, "/usr/bin/fix-it --undo");
	expect_snapshot(tree, before);
	expect_nothing_to_undo(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* ---- interruptions ----------------------------------------------------- */

/* Apply @p in a child that the hook ends after @step; its exit status. */
static int apply_in_child(const char *tree, struct plan *p, unsigned step,
			  bool fallback)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		journal_test_stop_after(step);
		_exit(apply_plan(tree, p, fallback) < 0 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int undo_in_child(const char *tree, unsigned step)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct gp_undo_result res;

		journal_test_stop_after(step);
		_exit(undo(tree, NULL, &res) < 0 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* A directory of the kept tree, rebuilt for each step. */
static char *fresh_root(const char *top, char **ret_snap)
{
	char *tree = strprintf("%s/t", top);

	rm_rf(tree);
	assert_int_equal(mkdir(tree, 0755), 0);
	build_fixture(tree);
	*ret_snap = snapshot(tree);
	return tree;
}

/*
 * Stop the run after each durable step in turn (a crash at that point),
 * then undo: the tree must be what it was.
 */
static void test_interrupted_apply(void **state)
{
	char *top;
	unsigned step;
	int status = 99;

	need_root();
	top = tree_kept(tree_new());
	for (step = 1; status == 99; step++) {
		struct plan p = { 0 };
		char *before, *tree = fresh_root(top, &before);

		plan_everything(&p, tree);
		status = apply_in_child(tree, &p, step, step % 2);
		if (status != 99 && status != 0)
			fail_msg("step %u: child exited %d", step, status);
		/* Stopped before its first change: nothing to undo. */
		undo_left(tree, true);
		expect_snapshot(tree, before);
		expect_no_temp(tree, "etc");
		expect_nothing_to_undo(tree);
		plan_free(&p);
		free(before);
		free(tree);
	}
	/* Every change takes several steps. */
	assert_true(step > 30);
}

/* The same for undo itself: an undo cut short is finished by the next. */
static void test_interrupted_undo(void **state)
{
	char *top;
	unsigned step;
	int status = 99;

	need_root();
	top = tree_kept(tree_new());
	for (step = 1; status == 99; step++) {
		struct plan p = { 0 };
		char *before, *tree = fresh_root(top, &before);

		plan_everything(&p, tree);
		assert_int_equal(apply_in_child(tree, &p, 0, false), 0);
		status = undo_in_child(tree, step);
		if (status != 99 && status != 0)
			fail_msg("step %u: undo exited %d", step, status);
		/* Stopped after its last record: nothing left. */
		if (status == 99)
			undo_left(tree, true);
		expect_snapshot(tree, before);
		expect_no_temp(tree, "etc");
		expect_nothing_to_undo(tree);
		plan_free(&p);
		free(before);
		free(tree);
	}
	assert_true(step > 10);
}

/* The binary's hook: the environment variable does what the call does. */
static void test_stop_hook_from_environment(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;
	int status;
	pid_t pid;

	need_root();
	tree = fixture(&before);
	plan_everything(&p, tree);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("GUESTPREP_JOURNAL_STOP_AFTER", "5", 1);
		_exit(apply_plan(tree, &p, false) < 0 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 99);
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* The journal of the only run in @tree (caller frees). */
static char *journal_path(const char *tree)
{
	char *pattern = tree_file(tree, "var/lib/guestprep/runs");
	DIR *d = opendir(pattern);
	struct dirent *de;
	char *path = NULL;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			path = strprintf("%s/%s/journal", pattern, de->d_name);
	closedir(d);
	free(pattern);
	assert_non_null(path);
	return path;
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "ae");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A record cut by a crash is ignored, and never continued. */
static void test_torn_record(void **state)
{
	struct gp_run_info *runs = NULL;
	struct plan p = { 0 };
	struct gp_root *root;
	char *before, *tree, *journal, *data;
	size_t n = 0;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "changed\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	journal = journal_path(tree);
	append(journal, "undone sum=00");
	undo_ok(tree);
	expect_snapshot(tree, before);

	/* The torn line stays alone on its line; the rest still reads. */
	data = read_tree_file("/", journal);
	assert_non_null(strstr(data, "\nundone sum=00\n"));
	free(data);
	/* A forged record with a wrong sum counts for nothing either. */
	append(journal, "intent seq=9 kind=remove path=/etc/conf "
			"sum=12345678\n");
	root = open_root(tree, false);
	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 1);
	assert_true(runs[0].undone);
	assert_int_equal(runs[0].n_changes, 1);
	run_info_free(runs, n);
	gp_root_free(root);
	expect_nothing_to_undo(tree);
	free(journal);
	plan_free(&p);
	free(before);
}

/* A damaged backup is not restored over the file: undo says so. */
static void test_damaged_backup(void **state)
{
	struct gp_undo_result res;
	struct plan p = { 0 };
	char *before, *tree, *journal, *backup;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "changed\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	journal = journal_path(tree);
	backup = strprintf("%.*s/files/1", (int)(strlen(journal) - 8), journal);
	assert_int_equal(truncate(backup, 3), 0);
	assert_int_equal(undo(tree, NULL, &res), -EBADMSG);
	assert_int_equal(res.n_items, 1);
	assert_int_equal(res.items[0].result, -EBADMSG);
	undo_result_done(&res);
	expect_content(tree, "etc/conf", "changed\n");
	expect_no_temp(tree, "etc");
	/* Still to be undone, once the backup is mended. */
	assert_int_equal(truncate(backup, 0), 0);
	append(backup, "original\n");
	undo_ok(tree);
	expect_content(tree, "etc/conf", "original\n");
	free(journal);
	free(backup);
	plan_free(&p);
	free(before);
}

/* The temporary name of a 255-byte name still fits in NAME_MAX. */
static void test_long_name(void **state)
{
	struct plan p = { 0 };
	char *before, *tree, name[4 + 256];

	need_root();
	tree = fixture(&before);
	memcpy(name, "etc/", 4);
	memset(name + 4, 'n', 255);
	name[4 + 255] = '\0';
	tree_write(tree, name, "long\n");
	free(before);
	before = snapshot(tree);
	plan_write(&p, tree, name, "longer\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	expect_content(tree, name, "longer\n");
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* ---- refusals and failures --------------------------------------------- */

static void test_stale(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "mine\n", 0644);
	plan_write(&p, tree, "etc/new.conf", "mine\n", 0644);
	plan_symlink(&p, tree, "etc/alt", "b");
	plan_remove(&p, tree, "etc/old");
	/* Someone changes everything between plan and apply. */
	tree_write(tree, "etc/conf", "theirs\n");
	tree_write(tree, "etc/new.conf", "theirs\n");
	tree_remove(tree, "etc/alt");
	tree_symlink(tree, "etc/alt", "c");
	tree_write(tree, "etc/old", "TO BE REMOVED\n");
	free(before);
	before = snapshot(tree);

	assert_int_equal(apply_plan(tree, &p, false), -ESTALE);
	for (size_t i = 0; i < p.n; i++)
		assert_int_equal(p.c[i].result, -ESTALE);
	expect_snapshot(tree, before);
	expect_no_temp(tree, "etc");
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

/* Content the same length as planned, but different: still stale. */
static void test_stale_same_size(void **state)
{
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_write(&p, tree, "etc/conf", "mine\n", 0644);
	tree_write(tree, "etc/conf", "ORIGINAL\n");
	free(before);
	before = snapshot(tree);
	assert_int_equal(apply_plan(tree, &p, true), -ESTALE);
	expect_snapshot(tree, before);
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
}

static void test_read_only_dir(void **state)
{
	struct plan p = { 0 };
	char *before, *tree, *dir;

	need_root();
	tree = fixture(&before);
	tree_write(tree, "etc/ro/conf", "keep me\n");
	dir = tree_file(tree, "etc/ro");
	if (!have_mount_ns || mount(dir, dir, NULL, MS_BIND, NULL) < 0) {
		free(dir);
		skip();
	}
	mounted(dir);
	assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND |
			       MS_RDONLY, NULL), 0);
	free(before);
	before = snapshot(tree);
	plan_write(&p, tree, "etc/ro/conf", "lost?\n", 0644);
	plan_write(&p, tree, "etc/ro/new", "lost?\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), -EROFS);
	assert_int_equal(p.c[1].result, -EROFS);
	expect_content(tree, "etc/ro/conf", "keep me\n");
	expect_snapshot(tree, before);
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
	free(dir);
}

/* Fill the file system @dir is on. */
static void fill(const char *dir)
{
	char *filler = strprintf("%s/filler", dir), block[4096];
	int fd = open(filler, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	memset(block, 'f', sizeof(block));
	while (write(fd, block, sizeof(block)) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	close(fd);
	free(filler);
}

static void test_no_space(void **state)
{
	struct plan p = { 0 };
	char *before, *tree, *dir, *big;
	size_t size = 1 << 20;

	need_root();
	tree = fixture(&before);
	tree_mkdir(tree, "etc/small");
	dir = tree_file(tree, "etc/small");
	if (!have_mount_ns ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0755") < 0) {
		free(dir);
		skip();
	}
	mounted(dir);
	tree_write(tree, "etc/small/conf", "small original\n");
	fill(dir);
	free(before);
	before = snapshot(tree);
	big = malloc(size + 1);
	memset(big, 'x', size);
	big[size] = '\0';
	plan_write(&p, tree, "etc/small/conf", big, 0644);
	assert_int_equal(apply_plan(tree, &p, false), -ENOSPC);
	expect_content(tree, "etc/small/conf", "small original\n");
	expect_no_temp(tree, "etc/small");
	expect_snapshot(tree, before);
	undo_ok(tree);
	expect_snapshot(tree, before);
	plan_free(&p);
	free(before);
	free(big);
	free(dir);
}

static void test_needs_writable_root(void **state)
{
	char *before, *tree;
	struct gp_root *root = NULL;
	struct gp_journal *j = NULL;
	struct gp_undo_result res;

	tree = fixture(&before);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(journal_begin(root, "test", &j), -EROFS);
	assert_null(j);
	assert_int_equal(journal_undo(root, NULL, fake_run, &res), -EROFS);
	undo_result_done(&res);
	gp_root_free(root);
	expect_snapshot(tree, before);
	free(before);
}

/* Two fix runs at once would interleave their backups: refused. */
static void test_one_run_at_a_time(void **state)
{
	char *before, *tree;
	struct gp_root *root;
	struct gp_journal *a = NULL, *b = NULL;
	struct gp_undo_result res;

	need_root();
	tree = fixture(&before);
	root = open_root(tree, false);
	assert_int_equal(journal_begin(root, "test", &a), 0);
	assert_int_equal(journal_begin(root, "test", &b), -EBUSY);
	assert_int_equal(journal_undo(root, NULL, fake_run, &res), -EBUSY);
	undo_result_done(&res);
	assert_int_equal(journal_end(a), 0);
	gp_root_free(root);
	free(before);
}

/* ---- runs: history, undo by id ----------------------------------------- */

static void test_history_and_undo_by_id(void **state)
{
	struct plan p = { 0 }, q = { 0 };
	struct gp_run_info *runs = NULL;
	struct gp_undo_result res;
	struct gp_root *root;
	char *before, *tree, *first, *second;
	size_t n = 99;

	need_root();
	tree = fixture(&before);
	root = open_root(tree, false);
	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 0);
	run_info_free(runs, n);

	plan_write(&p, tree, "etc/conf", "first run\n", 0644);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	plan_remove(&q, tree, "etc/old");
	assert_int_equal(apply_plan(tree, &q, false), 0);

	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(runs[i].n_changes, 1);
		assert_true(runs[i].complete);
		assert_false(runs[i].undone);
		assert_string_equal(runs[i].version, "test");
		assert_true(runs[i].started > 1000000000);
	}
	first = strdup(runs[0].id);
	second = strdup(runs[1].id);
	assert_string_not_equal(first, second);
	run_info_free(runs, n);

	/* The older run cannot go while the newer one is in place. */
	assert_int_equal(journal_undo(root, first, fake_run, &res), -EBUSY);
	undo_result_done(&res);
	assert_int_equal(journal_undo(root, second, fake_run, &res), 0);
	assert_string_equal(res.run_id, second);
	assert_int_equal(res.n_items, 1);
	assert_int_equal(res.items[0].result, 0);
	undo_result_done(&res);
	expect_content(tree, "etc/old", "to be removed\n");
	expect_content(tree, "etc/conf", "first run\n");

	assert_int_equal(journal_undo(root, first, fake_run, &res), 0);
	undo_result_done(&res);
	expect_snapshot(tree, before);

	/* Once undone, a run stays undone. */
	assert_int_equal(journal_undo(root, first, fake_run, &res), 0);
	assert_true(res.already_undone);
	assert_int_equal(res.n_items, 0);
	undo_result_done(&res);
	assert_int_equal(journal_undo(root, "no-such-run", fake_run, &res),
			 -ENOENT);
	undo_result_done(&res);
	assert_int_equal(journal_undo(root, "../../etc", fake_run, &res),
			 -ENOENT);
	undo_result_done(&res);

	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(runs[0].id, first);
	assert_true(runs[0].undone && runs[1].undone);
	run_info_free(runs, n);
	expect_nothing_to_undo(tree);
	expect_snapshot(tree, before);

	gp_root_free(root);
	plan_free(&p);
	plan_free(&q);
	free(first);
	free(second);
	free(before);
}

static void test_nothing_ever_run(void **state)
{
	char *before, *tree = fixture(&before);
	struct gp_run_info *runs = NULL;
	struct gp_root *root = NULL;
	size_t n = 99;

	need_root();
	expect_nothing_to_undo(tree);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 0);
	run_info_free(runs, n);
	gp_root_free(root);
	free(before);
}

static void test_command_not_revertible(void **state)
{
	static const char *const cmd[] = { "/usr/bin/once", NULL };
	struct gp_undo_result res;
	struct plan p = { 0 };
	char *before, *tree;

	need_root();
	tree = fixture(&before);
	plan_command(&p, cmd, NULL);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	assert_string_equal(p.c[0].output, "done\n");
	fake_runs = 0;
	assert_int_equal(undo(tree, NULL, &res), 0);
	assert_int_equal(fake_runs, 0);
	assert_int_equal(res.n_items, 1);
	assert_int_equal(res.items[0].result, -EOPNOTSUPP);
	assert_non_null(strstr(res.items[0].what, "/usr/bin/once"));
	undo_result_done(&res);
	/* Nothing more can be done about it: the run counts as undone. */
	expect_nothing_to_undo(tree);
	plan_free(&p);
	free(before);
}

/* ---- exec_command ------------------------------------------------------ */

static int run_argv(const char *const *argv, unsigned flags, char **output)
{
	struct gp_change c = { .kind = GP_CHANGE_COMMAND, .flags = flags };
	struct gp_root *root = NULL;
	int r;

	c.argv = strv_of(argv);
	assert_int_equal(gp_root_new("/", &root), 0);
	r = exec_command(root, &c);
	gp_root_free(root);
	strv_free(c.argv);
	if (output)
		*output = c.output;
	else
		free(c.output);
	return r;
}

static void test_exec_status(void **state)
{
	static const char *const yes[] = { "/bin/true", NULL };
	static const char *const no[] = { "/bin/false", NULL };
	static const char *const missing[] = { "/nonexistent/guestprep", NULL };
	static const char *const relative[] = { "true", NULL };

	assert_int_equal(run_argv(yes, 0, NULL), 0);
	assert_int_equal(run_argv(no, 0, NULL), -ECHILD);
	assert_int_equal(run_argv(missing, 0, NULL), -ENOENT);
	assert_int_equal(run_argv(relative, 0, NULL), -EINVAL);
}

static void test_exec_output(void **state)
{
	static const char *const both[] = {
		"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL,
	};
	char *out = NULL;

	assert_int_equal(run_argv(both, 0, &out), -ECHILD);
	assert_string_equal(out, "out\nerr\n");
	free(out);
}

/* A command that prints more than the cap still ends normally. */
static void test_exec_output_capped(void **state)
{
	static const char *const lots[] = {
		"/bin/sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x", NULL,
	};
	char *out = NULL;

	assert_int_equal(run_argv(lots, 0, &out), 0);
	assert_true(strlen(out) >= EXEC_OUTPUT_MAX);
	assert_true(strlen(out) < EXEC_OUTPUT_MAX + 64);
	assert_non_null(strstr(out, "truncated"));
	free(out);
}

/* argv is never given to a shell: ';' is just a character. */
static void test_exec_no_shell(void **state)
{
	char *top = tree_kept(tree_new());
	char *victim = strprintf("%s/victim", top);
	const char *const argv[] = { "/bin/echo", "a;", "touch", victim, NULL };
	char *out = NULL, *want = strprintf("a; touch %s\n", victim);

	assert_int_equal(run_argv(argv, 0, &out), 0);
	assert_string_equal(out, want);
	assert_int_equal(access(victim, F_OK), -1);
	free(out);
	free(want);
	free(victim);
}

static void test_exec_timeout(void **state)
{
	/* The shell's child sleeps too: the whole group must go. */
	static const char *const sleeper[] = {
		"/bin/sh", "-c", "sleep 30 & sleep 30", NULL,
	};
	time_t start = time(NULL);

	exec_set_timeout(300);
	assert_int_equal(run_argv(sleeper, 0, NULL), -ETIMEDOUT);
	exec_set_timeout(0);
	assert_true(time(NULL) - start < 5);
}

/* A daemon the command starts keeps the pipe open: not waited for. */
static void test_exec_daemon_not_waited(void **state)
{
	static const char *const starter[] = {
		"/bin/sh", "-c", "echo started; sleep 3 &", NULL,
	};
	char *out = NULL;
	time_t start = time(NULL);

	assert_int_equal(run_argv(starter, 0, &out), 0);
	assert_true(time(NULL) - start < 2);
	assert_string_equal(out, "started\n");
	free(out);
}

#if defined(__x86_64__)
/*
 * A static program that exists only in the guest tree: write(1,
 * "in-guest\n", 9); exit(0).  Written out here, so the test needs no
 * static toolchain.
 */
static void write_guest_program(const char *path)
{
	static const unsigned char code[] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,		/* mov eax, 1 (write) */
		0xbf, 0x01, 0x00, 0x00, 0x00,		/* mov edi, 1 */
		0x48, 0x8d, 0x35, 0x10, 0x00, 0x00, 0x00, /* lea rsi, msg */
		0xba, 0x09, 0x00, 0x00, 0x00,		/* mov edx, 9 */
		0x0f, 0x05,				/* syscall */
		0xb8, 0x3c, 0x00, 0x00, 0x00,		/* mov eax, 60 (exit) */
		0x31, 0xff,				/* xor edi, edi */
		0x0f, 0x05,				/* syscall */
		'i', 'n', '-', 'g', 'u', 'e', 's', 't', '\n',
	};
	const Elf64_Addr base = 0x400000;
	const size_t hdrs = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = base + hdrs,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = 1,
	};
	Elf64_Phdr ph = {
		.p_type = PT_LOAD,
		.p_flags = PF_R | PF_X,
		.p_vaddr = base,
		.p_paddr = base,
		.p_filesz = hdrs + sizeof(code),
		.p_memsz = hdrs + sizeof(code),
		.p_align = 0x1000,
	};
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, &eh, sizeof(eh)), sizeof(eh));
	assert_int_equal(write(fd, &ph, sizeof(ph)), sizeof(ph));
	assert_int_equal(write(fd, code, sizeof(code)), sizeof(code));
	close(fd);
}

static void test_exec_in_guest(void **state)
{
	static const char *const argv[] = { "/guest-only-program", NULL };
	struct gp_change c = { .kind = GP_CHANGE_COMMAND };
	char *top = tree_kept(tree_new());
	char *prog = tree_file(top, "guest-only-program");
	struct gp_root *root = NULL;

	need_root();	/* chroot */
	write_guest_program(prog);
	c.argv = strv_of(argv);
	assert_int_equal(gp_root_new(top, &root), 0);
	/* Not flagged: it runs on the host, where there is no such thing. */
	assert_int_equal(exec_command(root, &c), -ENOENT);
	c.flags = GP_CMD_IN_GUEST;
	assert_int_equal(exec_command(root, &c), 0);
	assert_string_equal(c.output, "in-guest\n");
	gp_root_free(root);
	strv_free(c.argv);
	free(c.output);
	free(prog);
}
#else
static void test_exec_in_guest(void **state)
{
	skip();	/* the guest program is x86-64 code */
}
#endif

/* ---- registry changes (guestprep.exe), against a registry of our own ---- */

struct fake_value {
	const char *key, *value;
	bool present;
	uint32_t type;
	char data[16];
	size_t len;
};

static struct fake_value fake_reg[2];

static struct fake_value *fake_find(const char *key, const char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(fake_reg); i++)
		if (fake_reg[i].key && strcmp(fake_reg[i].key, key) == 0 &&
		    strcmp(fake_reg[i].value, value) == 0)
			return &fake_reg[i];
	return NULL;
}

static int fake_get(const char *key, const char *value, uint32_t *ret_type,
		    char **ret_data, size_t *ret_len)
{
	struct fake_value *v = fake_find(key, value);

	if (!v || !v->present)
		return -ENOENT;
	*ret_type = v->type;
	*ret_data = calloc(1, v->len + 2);
	assert_non_null(*ret_data);
	memcpy(*ret_data, v->data, v->len);
	*ret_len = v->len;
	return 0;
}

static int fake_set(const char *key, const char *value, uint32_t type,
		    const char *data, size_t len)
{
	struct fake_value *v = fake_find(key, value);

	if (!v)
		return -ENOENT;
	assert_true(len <= sizeof(v->data));
	v->present = true;
	v->type = type;
	memcpy(v->data, data, len);
	v->len = len;
	return 0;
}

static int fake_del(const char *key, const char *value)
{
	struct fake_value *v = fake_find(key, value);

	if (v)
		v->present = false;
	return 0;
}

static const struct journal_regops fake_ops = {
	.get = fake_get, .set = fake_set, .del = fake_del,
};

#define REG_KEY "SYSTEM\\CurrentControlSet\\Services\\viostor"

/* Start = 3 (REG_DWORD); "odd name" absent. */
static void fake_reg_reset(void)
{
	fake_reg[0] = (struct fake_value){ REG_KEY, "Start", true, 4,
					   { 3, 0, 0, 0 }, 4 };
	fake_reg[1] = (struct fake_value){ .key = REG_KEY, .value = "odd name" };
	journal_registry = &fake_ops;
}

static void expect_fake(size_t i, bool present, uint32_t type,
			const char *data, size_t len)
{
	assert_int_equal(fake_reg[i].present, present);
	if (!present)
		return;
	assert_int_equal(fake_reg[i].type, type);
	assert_int_equal(fake_reg[i].len, len);
	assert_memory_equal(fake_reg[i].data, data, len);
}

/* Set @value to @type/@data, as a planner that saw fake_reg[@i]. */
static struct gp_change *plan_reg(struct plan *p, size_t i, uint32_t type,
				  const char *data, size_t len)
{
	struct gp_change *c = plan_add(p, GP_CHANGE_REGISTRY, NULL, NULL);

	c->path = strdup("HKLM\\" REG_KEY);
	c->value = strdup(fake_reg[i].value);
	c->reg_type = type;
	c->data = malloc(len);
	memcpy(c->data, data, len);
	c->len = len;
	c->existed = fake_reg[i].present;
	if (c->existed) {
		c->old_reg_type = fake_reg[i].type;
		c->old_data = malloc(fake_reg[i].len);
		memcpy(c->old_data, fake_reg[i].data, fake_reg[i].len);
		c->old_len = fake_reg[i].len;
	}
	return c;
}

/* A DWORD changed, a string (UTF-16LE, NULs in it) created. */
static void plan_reg_both(struct plan *p)
{
	plan_reg(p, 0, 4, "\0\0\0\0", 4);
	plan_reg(p, 1, 1, "x\0\xff\0\0", 6);
}

static void test_registry_apply_undo(void **state)
{
	char *before, *tree = fixture(&before), *jpath, *text;
	struct gp_run_info *runs = NULL;
	struct gp_undo_result res;
	struct gp_root *root;
	struct plan p = { 0 };
	size_t n = 0;

	fake_reg_reset();
	plan_reg_both(&p);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	assert_int_equal(p.c[0].result, 0);
	expect_fake(0, true, 4, "\0\0\0\0", 4);
	expect_fake(1, true, 1, "x\0\xff\0\0", 6);

	/* The journal holds both states, in hex; the value name escaped. */
	jpath = journal_path(tree);
	text = read_tree_file("/", jpath);
	assert_non_null(strstr(text, " kind=registry path=HKLM\\x5cSYSTEM"));
	assert_non_null(strstr(text, " value=Start regtype=4 data=00000000"));
	assert_non_null(strstr(text, " existed=1 regtype=4 data=03000000 "));
	assert_non_null(strstr(text, " value=odd\\x20name regtype=1 "
				     "data=7800ff000000 "));
	assert_non_null(strstr(text, "saved seq=2 existed=0 sum="));
	free(text);
	free(jpath);

	root = open_root(tree, false);
	assert_int_equal(journal_history(root, &runs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(runs[0].n_changes, 2);
	assert_true(runs[0].complete);
	run_info_free(runs, n);
	gp_root_free(root);

	assert_int_equal(undo(tree, NULL, &res), 0);
	assert_int_equal(res.n_items, 2);
	assert_string_equal(res.items[0].what,
			    "removed HKLM\\" REG_KEY "\\odd name");
	assert_string_equal(res.items[1].what,
			    "restored HKLM\\" REG_KEY "\\Start");
	assert_int_equal(res.items[0].result, 0);
	assert_int_equal(res.items[1].result, 0);
	undo_result_done(&res);
	expect_fake(0, true, 4, "\3\0\0\0", 4);
	expect_fake(1, false, 0, NULL, 0);
	expect_nothing_to_undo(tree);
	/* The files of the tree were never touched. */
	plan_free(&p);
	journal_registry = NULL;
	free(before);
}

/* The value changed between plan and apply: nothing is recorded or set. */
static void test_registry_stale_apply(void **state)
{
	char *before, *tree = fixture(&before);
	struct plan p = { 0 };

	fake_reg_reset();
	plan_reg(&p, 0, 4, "\0\0\0\0", 4);
	fake_reg[0].data[0] = 5;
	assert_int_equal(apply_plan(tree, &p, false), -ESTALE);
	expect_fake(0, true, 4, "\5\0\0\0", 4);
	expect_nothing_to_undo(tree);
	/* A value that appeared meanwhile is someone else's too. */
	plan_free(&p);
	plan_reg(&p, 1, 4, "\1\0\0\0", 4);
	fake_set(REG_KEY, "odd name", 4, "\2\0\0\0", 4);
	assert_int_equal(apply_plan(tree, &p, false), -ESTALE);
	expect_fake(1, true, 4, "\2\0\0\0", 4);
	plan_free(&p);
	journal_registry = NULL;
	free(before);
}

/* Undo leaves a value changed since alone, unless forced. */
static void test_registry_changed_since(void **state)
{
	char *before, *tree = fixture(&before);
	struct gp_undo_result res;
	struct plan p = { 0 };

	fake_reg_reset();
	plan_reg_both(&p);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	fake_reg[0].data[0] = 7;	/* someone else's Start = 7 */
	assert_int_equal(undo(tree, NULL, &res), -ESTALE);
	assert_int_equal(res.n_items, 2);
	assert_int_equal(res.items[0].result, 0);	/* "odd name" */
	assert_int_equal(res.items[1].result, -ESTALE);
	undo_result_done(&res);
	expect_fake(0, true, 4, "\7\0\0\0", 4);
	expect_fake(1, false, 0, NULL, 0);

	/* Again: only what is left is tried, and still refused. */
	assert_int_equal(undo(tree, NULL, &res), -ESTALE);
	assert_int_equal(res.n_items, 1);
	undo_result_done(&res);

	journal_set_undo_force(true);
	assert_int_equal(undo(tree, NULL, &res), 0);
	journal_set_undo_force(false);
	assert_int_equal(res.n_items, 1);
	assert_int_equal(res.items[0].result, 0);
	undo_result_done(&res);
	expect_fake(0, true, 4, "\3\0\0\0", 4);
	expect_nothing_to_undo(tree);
	plan_free(&p);
	journal_registry = NULL;
	free(before);
}

/* Put back by hand already (or the run stopped before the set): fine. */
static void test_registry_already_back(void **state)
{
	char *before, *tree = fixture(&before);
	struct gp_undo_result res;
	struct plan p = { 0 };

	fake_reg_reset();
	plan_reg_both(&p);
	assert_int_equal(apply_plan(tree, &p, false), 0);
	fake_reg[0].data[0] = 3;
	fake_reg[1].present = false;
	assert_int_equal(undo(tree, NULL, &res), 0);
	undo_result_done(&res);
	expect_fake(0, true, 4, "\3\0\0\0", 4);
	expect_fake(1, false, 0, NULL, 0);
	plan_free(&p);
	journal_registry = NULL;
	free(before);
}

/* Linux has no live registry: such a change is refused, nothing done. */
static void test_registry_not_here(void **state)
{
	char *before, *tree = fixture(&before);
	struct plan p = { 0 };

	fake_reg_reset();
	plan_reg(&p, 0, 4, "\0\0\0\0", 4);
	journal_registry = NULL;
	assert_int_equal(apply_plan(tree, &p, false), -EOPNOTSUPP);
	expect_fake(0, true, 4, "\3\0\0\0", 4);
	expect_nothing_to_undo(tree);
	plan_free(&p);
	free(before);
}

/* ---- main -------------------------------------------------------------- */

/* Mounts made by tests vanish with this process, whatever happens. */
static void private_mounts(void)
{
	have_mount_ns = unshare(CLONE_NEWNS) == 0 &&
			mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

static void probe_xattrs(void)
{
	char *tree = tree_new();
	char *file = tree_file(tree, "probe");

	tree_write(tree, "probe", "");
	have_xattrs = setxattr(file, "user.test", "1", 1, 0) == 0;
	free(file);
	tree_free(tree);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_write_existing),
		T(test_write_new),
		T(test_remove),
		T(test_symlinks),
		T(test_write_through_link),
		T(test_everything_then_undo),
		T(test_changed_since),
		T(test_interrupted_apply),
		T(test_interrupted_undo),
		T(test_stop_hook_from_environment),
		T(test_torn_record),
		T(test_damaged_backup),
		T(test_long_name),
		T(test_stale),
		T(test_stale_same_size),
		T(test_read_only_dir),
		T(test_no_space),
		T(test_needs_writable_root),
		T(test_one_run_at_a_time),
		T(test_history_and_undo_by_id),
		T(test_nothing_ever_run),
		T(test_command_not_revertible),
		T(test_registry_apply_undo),
		T(test_registry_stale_apply),
		T(test_registry_changed_since),
		T(test_registry_already_back),
		T(test_registry_not_here),
		T(test_exec_status),
		T(test_exec_output),
		T(test_exec_output_capped),
		T(test_exec_no_shell),
		T(test_exec_timeout),
		T(test_exec_daemon_not_waited),
		T(test_exec_in_guest),
	};
	int r;

	private_mounts();
	probe_xattrs();
	r = cmocka_run_group_tests(tests, NULL, NULL);
	free(fake_last);
	return r;
}
