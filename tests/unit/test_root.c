/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The root-confined file access: every test runs twice, once with
 * openat2(RESOLVE_IN_ROOT) and once with the user-space walk used on old
 * kernels, and both must give the same answers.  The tree deliberately
 * lacks /etc/passwd, which the host has: any escape would find it.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "harness.h"
#include "root-internal.h"
#include "util.h"

static char *tree;

static int setup(void **state)
{
	char *big;
	int fd;

	tree = tree_new();
	tree_write(tree, "etc/os-release", "ID=inside\n");
	tree_write(tree, "usr/bin/dash", "#!\n");
	tree_symlink(tree, "usr/bin/sh", "dash");
	tree_symlink(tree, "bin", "usr/bin");
	tree_symlink(tree, "etc/abs", "/etc/os-release");
	tree_symlink(tree, "etc/escape_abs", "/../../../../../../etc/passwd");
	tree_symlink(tree, "etc/escape_rel", "../../../../../../../../etc/passwd");
	tree_symlink(tree, "etc/escape_dir", "../../../../../../../..");
	tree_symlink(tree, "etc/host_dir", "/etc");
	tree_symlink(tree, "loop", "loop");
	tree_symlink(tree, "ping", "pong");
	tree_symlink(tree, "pong", "ping");
	tree_symlink(tree, "dangling", "/nowhere/at/all");
	tree_mkdir(tree, "etc/dir");

	big = strprintf("%s/big", tree);
	fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	/* Sparse: five gigabytes that take no room. */
	assert_int_equal(ftruncate(fd, 5ll << 30), 0);
	close(fd);
	free(big);

	big = strprintf("%s/fifo", tree);
	assert_int_equal(mkfifo(big, 0644), 0);
	free(big);
	*state = tree;
	return 0;
}

static int teardown(void **state)
{
	tree_free(tree);
	return 0;
}

/* Run @fn on a root of the tree with each resolver. */
static void both(void (*fn)(struct gp_root *root))
{
	for (int fallback = 0; fallback <= 1; fallback++) {
		struct gp_root *root = NULL;

		assert_int_equal(gp_root_new(tree, &root), 0);
		if (fallback)
			root_force_fallback(root);
		fn(root);
		gp_root_free(root);
	}
}

static void expect_content(struct gp_root *root, const char *path,
			   const char *content)
{
	char *data = NULL;
	size_t size = 0;
	int r = gp_root_read_file(root, path, 0, &data, &size);

	if (r < 0)
		fail_msg("%s: %s", path, strerror(-r));
	assert_string_equal(data, content);
	assert_int_equal(size, strlen(content));
	free(data);
}

static void expect_error(struct gp_root *root, const char *path, int err)
{
	char *data = NULL;
	int r = gp_root_read_file(root, path, 0, &data, NULL);

	if (r != err)
		fail_msg("%s: expected %s, got %s", path, strerror(-err),
			 r < 0 ? strerror(-r) : "success");
	assert_null(data);
}

static void reads_plain(struct gp_root *root)
{
	expect_content(root, "/etc/os-release", "ID=inside\n");
	expect_content(root, "etc/os-release", "ID=inside\n");
	expect_content(root, "//etc/./os-release", "ID=inside\n");
	expect_content(root, "/etc/dir/../os-release", "ID=inside\n");
}

static void dotdot_clamped(struct gp_root *root)
{
	expect_content(root, "/../../../etc/os-release", "ID=inside\n");
	expect_content(root, "../etc/../../etc/os-release", "ID=inside\n");
	expect_error(root, "/../../../../etc/passwd", -ENOENT);
}

static void absolute_link_inside(struct gp_root *root)
{
	expect_content(root, "/etc/abs", "ID=inside\n");
	expect_content(root, "/bin/sh", "#!\n");
}

static void links_cannot_escape(struct gp_root *root)
{
	struct stat st;

	expect_error(root, "/etc/escape_abs", -ENOENT);
	expect_error(root, "/etc/escape_rel", -ENOENT);
	expect_error(root, "/etc/escape_dir/etc/passwd", -ENOENT);
	expect_error(root, "/etc/host_dir/passwd", -ENOENT);
	assert_int_equal(gp_root_stat(root, "/etc/escape_dir/etc/os-release",
				      true, &st), 0);
	assert_false(gp_root_exists(root, "/etc/host_dir/passwd"));
}

static void loops_end(struct gp_root *root)
{
	struct stat st;

	expect_error(root, "/loop", -ELOOP);
	expect_error(root, "/ping", -ELOOP);
	expect_error(root, "/ping/x", -ELOOP);
	assert_int_equal(gp_root_stat(root, "/loop", false, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void special_files_refused(struct gp_root *root)
{
	time_t start = time(NULL);
	FILE *f = NULL;

	expect_error(root, "/fifo", -EINVAL);
	expect_error(root, "/etc/dir", -EISDIR);
	expect_error(root, "/big", -EFBIG);
	expect_error(root, "/dangling", -ENOENT);
	assert_int_equal(gp_root_fopen(root, "/fifo", &f), -EINVAL);
	assert_null(f);
	/* Nothing above may block or read gigabytes. */
	assert_true(time(NULL) - start < 5);
}

static void size_limit(struct gp_root *root)
{
	char *data = NULL;

	assert_int_equal(gp_root_read_file(root, "/etc/os-release", 4, &data,
					   NULL), -EFBIG);
	assert_int_equal(gp_root_read_file(root, "/etc/os-release", 10, &data,
					   NULL), 0);
	free(data);
}

static void writes_refused(struct gp_root *root)
{
	int fd = -1;

	assert_int_equal(gp_root_open(root, "/etc/os-release", O_WRONLY, &fd),
			 -EROFS);
	assert_int_equal(gp_root_open(root, "/etc/new", O_RDWR | O_CREAT, &fd),
			 -EROFS);
	assert_int_equal(gp_root_open(root, "/etc/os-release", O_RDONLY, &fd), 0);
	close(fd);
}

static void resolves_canonically(struct gp_root *root)
{
	char *path = NULL;

	assert_int_equal(gp_root_resolve(root, "/bin/sh", &path), 0);
	assert_string_equal(path, "/usr/bin/dash");
	free(path);
	assert_int_equal(gp_root_resolve(root, "/etc/escape_dir/etc/abs", &path), 0);
	assert_string_equal(path, "/etc/os-release");
	free(path);
	assert_int_equal(gp_root_resolve(root, "/", &path), 0);
	assert_string_equal(path, "/");
	free(path);
}

static void reads_links_and_dirs(struct gp_root *root)
{
	char *target = NULL;
	DIR *d = NULL;
	unsigned n = 0;

	assert_int_equal(gp_root_readlink(root, "/bin", &target), 0);
	assert_string_equal(target, "usr/bin");
	free(target);
	assert_int_equal(gp_root_readlink(root, "/etc/os-release", &target),
			 -EINVAL);
	assert_int_equal(gp_root_opendir(root, "/bin", &d), 0);
	while (readdir(d))
		n++;
	closedir(d);
	assert_int_equal(n, 4);	/* ".", "..", dash, sh */
	assert_int_equal(gp_root_opendir(root, "/etc/os-release", &d), -ENOTDIR);
}

/* The same, on a root open for writing. */
static void both_writable(void (*fn)(struct gp_root *root))
{
	for (int fallback = 0; fallback <= 1; fallback++) {
		struct gp_root *root = NULL;

		assert_int_equal(gp_root_new(tree, &root), 0);
		gp_root_allow_writes(root);
		if (fallback)
			root_force_fallback(root);
		fn(root);
		gp_root_free(root);
	}
}

/* @path's parent must be the tree's @dir, and its last component @name. */
static void expect_parent(struct gp_root *root, const char *path,
			  const char *dir, const char *name)
{
	char *full = tree_file(tree, dir), *got = NULL;
	struct stat want, st;
	int fd = -1, r;

	r = gp_root_open_parent(root, path, &fd, &got);
	if (r < 0)
		fail_msg("%s: %s", path, strerror(-r));
	assert_string_equal(got, name);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(stat(full, &want), 0);
	if (st.st_dev != want.st_dev || st.st_ino != want.st_ino)
		fail_msg("%s: parent is not %s", path, full);
	/* Opened for real (not O_PATH), so that it can be fsynced. */
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(got);
	free(full);
}

static void expect_parent_error(struct gp_root *root, const char *path,
				int err)
{
	char *name = NULL;
	int fd = -1, r = gp_root_open_parent(root, path, &fd, &name);

	if (r != err)
		fail_msg("%s: expected %s, got %s", path, strerror(-err),
			 r < 0 ? strerror(-r) : "success");
	assert_int_equal(fd, -1);
	assert_null(name);
}

static void parent_inside(struct gp_root *root)
{
	expect_parent(root, "/etc/os-release", "etc", "os-release");
	expect_parent(root, "etc/new", "etc", "new");
	expect_parent(root, "/new", ".", "new");
	expect_parent(root, "/etc/dir/", "etc", "dir");
	/* Links in the directory part are followed, in the root... */
	expect_parent(root, "/bin/sh", "usr/bin", "sh");
	expect_parent(root, "/etc/escape_dir/etc/new", "etc", "new");
	expect_parent(root, "/etc/host_dir/passwd", "etc", "passwd");
	expect_parent(root, "/../../../etc/x", "etc", "x");
	/* ...the last component is not. */
	expect_parent(root, "/etc/abs", "etc", "abs");
	expect_parent(root, "/etc/escape_abs", "etc", "escape_abs");
}

static void parent_errors(struct gp_root *root)
{
	expect_parent_error(root, "/", -EINVAL);
	expect_parent_error(root, "", -EINVAL);
	expect_parent_error(root, "/etc/..", -EINVAL);
	expect_parent_error(root, "/etc/.", -EINVAL);
	expect_parent_error(root, "/nowhere/x", -ENOENT);
	expect_parent_error(root, "/dangling/x", -ENOENT);
	expect_parent_error(root, "/etc/os-release/x", -ENOTDIR);
	expect_parent_error(root, "/loop/x", -ELOOP);
}

/* A file made through an escaping link lands inside the tree. */
static void parent_write_inside(struct gp_root *root)
{
	char *inside = tree_file(tree, "made-by-test"), *name = NULL;
	int dirfd = -1, fd;

	assert_int_equal(gp_root_open_parent(root, "/etc/escape_dir/made-by-test",
					     &dirfd, &name), 0);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				 O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(access(inside, F_OK), 0);
	assert_int_equal(unlinkat(dirfd, name, 0), 0);
	close(dirfd);
	free(name);
	free(inside);
}

static void parent_needs_writes(struct gp_root *root)
{
	expect_parent_error(root, "/etc/os-release", -EROFS);
}

/* Types are those of what a path resolves to, inside the root. */
static void file_types(struct gp_root *root)
{
	assert_true(gp_root_is_file(root, "/etc/os-release"));
	assert_true(gp_root_is_file(root, "/bin/sh"));
	assert_true(gp_root_is_file(root, "/etc/abs"));
	assert_false(gp_root_is_dir(root, "/etc/os-release"));
	assert_true(gp_root_is_dir(root, "/etc/dir"));
	assert_true(gp_root_is_dir(root, "/bin"));
	assert_true(gp_root_is_dir(root, "/etc/escape_dir"));
	assert_false(gp_root_is_file(root, "/etc/dir"));
	/* Not regular: a FIFO is neither. */
	assert_false(gp_root_is_file(root, "/fifo"));
	assert_false(gp_root_is_dir(root, "/fifo"));
	/* Escapes stay inside, where there is no passwd. */
	assert_false(gp_root_is_file(root, "/etc/escape_abs"));
	assert_false(gp_root_is_file(root, "/etc/host_dir/passwd"));
	/* Errors are false, not a crash. */
	assert_false(gp_root_is_file(root, "/nowhere"));
	assert_false(gp_root_is_dir(root, "/dangling"));
	assert_false(gp_root_is_dir(root, "/loop"));
	assert_false(gp_root_is_file(root, "/etc/os-release/x"));
}

static void test_parent_inside(void **state) { both_writable(parent_inside); }
static void test_parent_errors(void **state) { both_writable(parent_errors); }
static void test_parent_write_inside(void **state) { both_writable(parent_write_inside); }
static void test_parent_needs_writes(void **state) { both(parent_needs_writes); }

static void test_reads_plain(void **state) { both(reads_plain); }
static void test_dotdot_clamped(void **state) { both(dotdot_clamped); }
static void test_absolute_link_inside(void **state) { both(absolute_link_inside); }
static void test_links_cannot_escape(void **state) { both(links_cannot_escape); }
static void test_loops_end(void **state) { both(loops_end); }
static void test_special_files_refused(void **state) { both(special_files_refused); }
static void test_size_limit(void **state) { both(size_limit); }
static void test_writes_refused(void **state) { both(writes_refused); }
static void test_resolves_canonically(void **state) { both(resolves_canonically); }
static void test_reads_links_and_dirs(void **state) { both(reads_links_and_dirs); }
static void test_file_types(void **state)
{
	both(file_types);
}

static void test_device_node_not_opened(void **state)
{
	char *dev = strprintf("%s/etc/dev-null", tree);
	struct gp_root *root = NULL;
	char *data = NULL;

	if (mknod(dev, S_IFCHR | 0644, makedev(1, 3)) < 0) {
		free(dev);
		skip();	/* not root: no device nodes */
	}
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_root_read_file(root, "/etc/dev-null", 0, &data,
					   NULL), -EINVAL);
	gp_root_free(root);
	unlink(dev);
	free(dev);
}

static void test_live_root(void **state)
{
	struct gp_root *root = NULL;

	assert_int_equal(gp_root_new("/", &root), 0);
	assert_true(gp_root_is_live(root));
	gp_root_free(root);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_false(gp_root_is_live(root));
	gp_root_free(root);
	assert_int_equal(gp_root_new("/nonexistent-guestprep", &root), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_plain),
		cmocka_unit_test(test_dotdot_clamped),
		cmocka_unit_test(test_absolute_link_inside),
		cmocka_unit_test(test_links_cannot_escape),
		cmocka_unit_test(test_loops_end),
		cmocka_unit_test(test_special_files_refused),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_writes_refused),
		cmocka_unit_test(test_resolves_canonically),
		cmocka_unit_test(test_reads_links_and_dirs),
		cmocka_unit_test(test_file_types),
		cmocka_unit_test(test_device_node_not_opened),
		cmocka_unit_test(test_live_root),
		cmocka_unit_test(test_parent_inside),
		cmocka_unit_test(test_parent_errors),
		cmocka_unit_test(test_parent_write_inside),
		cmocka_unit_test(test_parent_needs_writes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
