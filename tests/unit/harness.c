/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "harness.h"
#include "util.h"

struct harness *harness_run(const char *dir, const char *only,
			    const char *const *set)
{
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
	h->host.os.support = gp_profile_classify(h->profile, &h->host.os,
						 &h->host.os.platform);
	if (only)
		assert_int_equal(strv_split(only, &h->only), 0);
	h->ctx = (struct gp_ctx){ .root = h->root, .host = &h->host,
				  .profile = h->profile, .report = &h->report,
				  .only = h->only };
	assert_int_equal(runner_run(&h->ctx), 0);
	return h;
}

struct harness *harness_plan(const char *dir, const char *only,
			     const char *const *set)
{
	struct harness *h = harness_run(dir, only, set);

	h->ctx.plan = &h->plan;
	assert_int_equal(runner_plan_fixes(&h->ctx), 0);
	return h;
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

void tree_write(const char *tree, const char *path, const char *content)
{
	char *full = tree_file(tree, path);
	FILE *f;

	mkdir_parents(full);
	f = fopen(full, "we");
	if (!f)
		fail_msg("create %s: %s", full, strerror(errno));
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
	free(full);
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
