/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "harness.h"
#include "util.h"

struct harness *harness_run_opts(const char *dir, const char *only,
				 const struct harness_opts *opts)
{
	const char *const *set = opts->set;
	struct harness *h = calloc(1, sizeof(*h));
	char *error = NULL;

	assert_non_null(h);
	assert_int_equal(gp_root_new(dir, &h->root), 0);
	if (gp_profile_load("alibaba", &h->profile, &error) < 0)
		fail_msg("profile: %s", error);
	for (size_t i = 0; set && set[i]; i++) {
		char *key = strndup(set[i], strcspn(set[i], "="));

		if (gp_profile_set(h->profile, key, strchr(set[i], '=') + 1,
				   &error) < 0)
			fail_msg("set %s: %s", set[i], error);
		free(key);
	}
	assert_int_equal(gp_host_detect(h->root, &h->host), 0);
	h->host.live = h->host.live || opts->live;
	h->host.os.support = gp_profile_classify(h->profile, &h->host.os,
						 &h->host.os.platform);
	if (only)
		assert_int_equal(strv_split(only, &h->only), 0);
	h->ctx = (struct gp_ctx){ .root = h->root, .host = &h->host,
				  .profile = h->profile, .report = &h->report,
				  .only = h->only,
				  .remove_packages = opts->remove_packages,
				  .disks = opts->disks };
	assert_int_equal(runner_run(&h->ctx), 0);
	if (opts->plan) {
		h->ctx.plan = &h->plan;
		assert_int_equal(runner_plan_fixes(&h->ctx), 0);
	}
	h->ctx.disks = NULL;	/* the caller's */
	return h;
}

struct harness *harness_run(const char *dir, const char *only,
			    const char *const *set)
{
	const struct harness_opts opts = { .set = set };

	return harness_run_opts(dir, only, &opts);
}

struct harness *harness_plan(const char *dir, const char *only,
			     const char *const *set)
{
	const struct harness_opts opts = { .set = set, .plan = true };

	return harness_run_opts(dir, only, &opts);
}

struct harness *harness_run_live(const char *dir, const char *only)
{
	const struct harness_opts opts = { .live = true };

	return harness_run_opts(dir, only, &opts);
}

const struct gp_change *harness_planned(const struct harness *h,
					const char *path)
{
	for (size_t i = 0; i < h->plan.n_changes; i++)
		if (h->plan.changes[i].path &&
		    strcmp(h->plan.changes[i].path, path) == 0)
			return &h->plan.changes[i];
	return NULL;
}

struct harness *harness_fixture(const char *fixture, const char *only)
{
	char *dir = strprintf("%s/%s", FIXTURES_DIR, fixture);
	struct harness *h;

	assert_non_null(dir);
	h = harness_run(dir, only, NULL);
	free(dir);
	return h;
}

void harness_free(struct harness *h)
{
	if (!h)
		return;
	report_done(&h->report);
	plan_done(&h->plan);
	gp_host_done(&h->host);
	gp_profile_free(h->profile);
	gp_root_free(h->root);
	strv_free(h->only);
	free(h);
}

const struct gp_finding *harness_find(const struct harness *h, const char *id)
{
	for (size_t i = 0; i < h->report.n_findings; i++)
		if (strcmp(h->report.findings[i]->id, id) == 0)
			return h->report.findings[i];
	return NULL;
}

static void dump(const struct harness *h)
{
	for (size_t i = 0; i < h->report.n_findings; i++) {
		const struct gp_finding *f = h->report.findings[i];

		print_message("  %-5s %s: %s\n", gp_status_name(f->status),
			      f->id, f->message);
		for (size_t e = 0; e < f->n_evidence; e++)
			print_message("          %s\n", f->evidence[e]);
	}
}

void harness_expect(const struct harness *h, const char *id,
		    enum gp_status status)
{
	const struct gp_finding *f = harness_find(h, id);

	if (f && f->status == status)
		return;
	dump(h);
	fail_msg("%s: expected %s, got %s", id, gp_status_name(status),
		 f ? gp_status_name(f->status) : "no finding");
}

void harness_expect_none(const struct harness *h, const char *id)
{
	if (!harness_find(h, id))
		return;
	dump(h);
	fail_msg("%s: expected no finding", id);
}

void harness_expect_evidence(const struct harness *h, const char *id,
			     const char *text)
{
	const struct gp_finding *f = harness_find(h, id);

	for (size_t i = 0; f && i < f->n_evidence; i++)
		if (strstr(f->evidence[i], text))
			return;
	dump(h);
	fail_msg("%s: no evidence contains \"%s\"", id, text);
}

bool harness_fixable(const struct harness *h, const char *id)
{
	const struct gp_finding *f = harness_find(h, id);

	if (!f) {
		dump(h);
		fail_msg("%s: no finding", id);
	}
	return f->fixable;
}

/* What a failure message calls @c: its path, or the command it runs. */
static const char *change_name(const struct gp_change *c)
{
	if (c->path)
		return c->path;
	return c->argv && c->argv[0] ? c->argv[0] : "a command";
}

/* tests/unit/faults.c, linked into the tests of fixers (faults.h). */
void faults_sweep(struct harness *h, journal_run_fn run) __attribute__((weak));

void harness_apply(struct harness *h, journal_run_fn run)
{
	struct gp_journal *j = NULL;

	if (faults_sweep)
		faults_sweep(h, run);
	gp_root_allow_writes(h->root);
	assert_int_equal(journal_begin(h->root, "test", &j), 0);
	for (size_t i = 0; i < h->plan.n_changes; i++) {
		struct gp_change *c = &h->plan.changes[i];
		int r = journal_apply(j, c, run);

		if (r < 0)
			fail_msg("apply %s: %s", change_name(c), strerror(-r));
	}
	assert_int_equal(journal_end(j), 0);
}

void harness_undo(const char *tree, journal_run_fn run)
{
	struct gp_undo_result res = { 0 };
	struct gp_root *root = NULL;
	int r;

	assert_int_equal(gp_root_new(tree, &root), 0);
	gp_root_allow_writes(root);
	r = journal_undo(root, NULL, run, &res);
	if (r < 0)
		fail_msg("undo in %s: %s", tree, strerror(-r));
	/* 0 from journal_undo() still lets an item be not revertible. */
	for (size_t i = 0; i < res.n_items; i++)
		if (res.items[i].result != 0)
			fail_msg("undo: %s: %s", res.items[i].what,
				 strerror(-res.items[i].result));
	undo_result_done(&res);
	gp_root_free(root);
}

void harness_round_trip(struct harness *h, const char *only,
			const struct harness_opts *opts, const char *id,
			journal_run_fn run)
{
	struct harness_opts o = opts ? *opts : (struct harness_opts){ 0 };
	char *tree = strdup(gp_root_path(h->root));
	char *saved = tree_snapshot(tree);
	enum gp_status before;

	assert_non_null(harness_find(h, id));
	before = harness_find(h, id)->status;
	harness_apply(h, run);
	harness_free(h);

	o.plan = true;
	h = harness_run_opts(tree, only, &o);
	harness_expect(h, id, GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, run);
	tree_expect_same(tree, saved, 0);
	o.plan = false;
	h = harness_run_opts(tree, only, &o);
	harness_expect(h, id, before);
	harness_free(h);
	tree_free(saved);
	free(tree);
}

int harness_no_commands(struct gp_root *root, struct gp_change *change)
{
	(void)root;
	fail_msg("unexpected command %s", change->argv[0]);
	return -EPERM;
}

void harness_buf_add(struct harness_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2 + 4096;
		/* b->data stays the caller's to free when this fails. */
		unsigned char *data = realloc(b->data, cap);

		assert_non_null(data);
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = strprintf("%s/guestprep-test.XXXXXX", tmp ? tmp : "/tmp");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

char *tree_file(const char *tree, const char *path)
{
	char *full = strprintf("%s/%s", tree, path[0] == '/' ? path + 1 : path);

	assert_non_null(full);
	return full;
}

static void mkdir_parents(char *full)
{
	for (char *p = strchr(full + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", full, strerror(errno));
		*p = '/';
	}
}

void tree_write_bytes(const char *tree, const char *path, const void *data,
		      size_t len)
{
	char *full = tree_file(tree, path);
	FILE *f;

	mkdir_parents(full);
	f = fopen(full, "we");
	if (!f)
		fail_msg("create %s: %s", full, strerror(errno));
	if (len > 0 && fwrite(data, 1, len, f) != len)
		fail_msg("write %s: %s", full, strerror(errno));
	assert_int_equal(fclose(f), 0);
	free(full);
}

void tree_write(const char *tree, const char *path, const char *content)
{
	tree_write_bytes(tree, path, content, strlen(content));
}

/* All of the file @full, NUL-terminated; its length in *@ret_len. */
static char *read_whole(const char *full, size_t *ret_len)
{
	FILE *f = fopen(full, "re");
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		fail_msg("open %s: %s", full, strerror(errno));
	do {
		if (cap - len < 4096) {
			/* One more for the NUL. */
			char *bigger = realloc(data, cap * 2 + 4096 + 1);

			if (!bigger) {
				free(data);
				fclose(f);
				fail_msg("read %s: out of memory", full);
			}
			data = bigger;
			cap = cap * 2 + 4096;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f))
		fail_msg("read %s: %s", full, strerror(errno));
	fclose(f);
	data[len] = '\0';
	*ret_len = len;
	return data;
}

char *tree_read(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);
	size_t len;
	char *data = read_whole(full, &len);

	free(full);
	return data;
}

void tree_mkdir(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);

	mkdir_parents(full);
	if (mkdir(full, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", full, strerror(errno));
	free(full);
}

void tree_symlink(const char *tree, const char *path, const char *target)
{
	char *full = tree_file(tree, path);

	mkdir_parents(full);
	if (symlink(target, full) < 0)
		fail_msg("symlink %s: %s", full, strerror(errno));
	free(full);
}

void tree_mkfifo(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);

	if (mkfifo(full, 0644) < 0)
		fail_msg("mkfifo %s: %s", full, strerror(errno));
	free(full);
}

void tree_remove(const char *tree, const char *path)
{
	char *full = tree_file(tree, path);

	if (remove(full) < 0)
		fail_msg("remove %s: %s", full, strerror(errno));
	free(full);
}

static char *kept_trees[16];
static size_t n_kept;

char *tree_kept(char *tree)
{
	assert_true(n_kept < ARRAY_SIZE(kept_trees));
	kept_trees[n_kept++] = tree;
	return tree;
}

int tree_teardown(void **state)
{
	while (n_kept > 0)
		tree_free(kept_trees[--n_kept]);
	return 0;
}

char *tree_copy(const char *fixture)
{
	char *tree = tree_new();
	/* The source may be read-only (distcheck): the copy must not be. */
	char *cmd = strprintf("cp -a '%s/%s/.' '%s/' && chmod -R u+w '%s'",
			      FIXTURES_DIR, fixture, tree, tree);

	assert_non_null(cmd);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	free(cmd);
	return tree;
}

char *tree_snapshot(const char *tree)
{
	char *copy = tree_new();
	char *cmd = strprintf("cp -a '%s/.' '%s/'", tree, copy);

	assert_non_null(cmd);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	free(cmd);
	return copy;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	/* Tests may make files immutable; clear that before removing. */
	if (type == FTW_F && S_ISREG(st->st_mode)) {
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
		int flags = 0;

		if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
		    (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL))) {
			flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
			ioctl(fd, FS_IOC_SETFLAGS, &flags);
		}
		if (fd >= 0)
			close(fd);
	}
	return remove(path);
}

void tree_free(char *tree)
{
	if (!tree)
		return;
	nftw(tree, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(tree);
}

/* The trees tree_expect_same() compares, for its nftw() callbacks. */
static const char *same_tree, *same_ref;
static unsigned same_flags;

/* The journal's own directory: its runs are no part of the comparison. */
static bool in_journal(const char *rel)
{
	static const char dir[] = "/var/lib/guestprep";

	return startswith(rel, dir) &&
	       (rel[sizeof(dir) - 1] == '\0' || rel[sizeof(dir) - 1] == '/');
}

/*
 * /var and /var/lib made for the journal in a tree that had neither: they
 * stay after the undo, as the journal does.
 */
static bool journal_parent(const char *rel)
{
	char *journal;
	struct stat st;
	bool r;

	if (strcmp(rel, "/var") != 0 && strcmp(rel, "/var/lib") != 0)
		return false;
	journal = strprintf("%s/var/lib/guestprep", same_tree);
	assert_non_null(journal);
	r = lstat(journal, &st) == 0;
	free(journal);
	return r;
}

static void expect_same_target(const char *path, const char *other,
			       const char *rel)
{
	char a[4096], b[4096];
	ssize_t na = readlink(path, a, sizeof(a) - 1);
	ssize_t nb = readlink(other, b, sizeof(b) - 1);

	assert_true(na >= 0 && nb >= 0);
	a[na] = '\0';
	b[nb] = '\0';
	if (strcmp(a, b) != 0)
		fail_msg("%s: -> %s, should be -> %s", rel, b, a);
}

static void expect_same_bytes(const char *path, const char *other,
			      const char *rel)
{
	size_t na, nb;
	char *a = read_whole(path, &na);
	char *b = read_whole(other, &nb);

	if (na != nb || memcmp(a, b, na) != 0)
		fail_msg("%s: content differs (%zu bytes, should be %zu)", rel,
			 nb, na);
	free(a);
	free(b);
}

/* An entry of the reference: the tree has the same. */
static int same_entry(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	const char *rel = path + strlen(same_ref);
	const char *name = rel[0] ? rel : "/";
	char *other;
	struct stat ost;

	(void)type;
	(void)ftw;
	if (in_journal(rel))
		return 0;
	other = strprintf("%s%s", same_tree, rel);
	assert_non_null(other);
	if (lstat(other, &ost) < 0)
		fail_msg("%s: missing from %s", name, same_tree);
	if (ost.st_mode != st->st_mode)
		fail_msg("%s: mode %o, should be %o", name, ost.st_mode,
			 st->st_mode);
	if (S_ISLNK(st->st_mode)) {
		expect_same_target(path, other, name);
	} else if (S_ISREG(st->st_mode)) {
		expect_same_bytes(path, other, name);
		if (!(same_flags & TREE_SAME_IGNORE_MTIME) &&
		    ost.st_mtim.tv_sec != st->st_mtim.tv_sec)
			fail_msg("%s: modification time %lld, should be %lld",
				 name, (long long)ost.st_mtim.tv_sec,
				 (long long)st->st_mtim.tv_sec);
	}
	free(other);
	return 0;
}

/* An entry of the tree: the reference has it too. */
static int known_entry(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	const char *rel = path + strlen(same_tree);
	char *orig;
	struct stat rst;

	(void)st;
	(void)type;
	(void)ftw;
	if (in_journal(rel))
		return 0;
	orig = strprintf("%s%s", same_ref, rel);
	assert_non_null(orig);
	if (lstat(orig, &rst) < 0 && !journal_parent(rel))
		fail_msg("%s: in %s, not in %s", rel, same_tree, same_ref);
	free(orig);
	return 0;
}

void tree_expect_same(const char *tree, const char *reference, unsigned flags)
{
	same_tree = tree;
	same_ref = reference;
	same_flags = flags;
	assert_int_equal(nftw(reference, same_entry, 16, FTW_PHYS), 0);
	assert_int_equal(nftw(tree, known_entry, 16, FTW_PHYS), 0);
	same_tree = same_ref = NULL;
}

void tree_expect_fixture(const char *tree, const char *fixture)
{
	char *copy = tree_copy(fixture);

	tree_expect_same(tree, copy, 0);
	tree_free(copy);
}
