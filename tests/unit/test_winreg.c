/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline registry (agent/winreg.c) on hives the tests build with
 * hive.c, and on damaged ones.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/host.h"
#include "guestprep/winreg.h"
#include "harness.h"
#include "hive.h"
#include "util.h"

#define CONFIG "/Windows/System32/config"
#define CV "Microsoft\\Windows NT\\CurrentVersion"

/* The full path of @path in @tree, in a static buffer for hive_*(). */
static const char *in_tree(const char *tree, const char *path)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", tree, path);
	return buf;
}

/* A tree with an empty SOFTWARE and SYSTEM, whose Select says @current. */
static char *windows_tree(uint32_t current)
{
	char *tree = tree_kept(tree_new());
	char *sw, *sys;

	tree_mkdir(tree, CONFIG);
	sw = tree_file(tree, CONFIG "/SOFTWARE");
	sys = tree_file(tree, CONFIG "/SYSTEM");
	hive_new(sw);
	hive_new(sys);
	if (current)
		hive_set_dword(sys, "Select", "Current", current);
	free(sw);
	free(sys);
	return tree;
}

/* A little-endian 32-bit field of a hive file. */
static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static struct gp_winreg *open_reg(const char *tree, struct gp_root **root)
{
	struct gp_winreg *reg = NULL;

	assert_int_equal(gp_root_new(tree, root), 0);
	assert_int_equal(gp_winreg_open(*root, &reg), 0);
	return reg;
}

static void close_reg(struct gp_winreg *reg, struct gp_root *root)
{
	gp_winreg_close(reg);
	gp_root_free(root);
}

static void expect_sz(struct gp_winreg *reg, const char *key,
			  const char *value, const char *want)
{
	_cleanup_free_ char *s = NULL;

	assert_int_equal(gp_winreg_get_string(reg, key, value, &s), 0);
	assert_string_equal(s, want);
}

static void expect_dw(struct gp_winreg *reg, const char *key,
			 const char *value, uint32_t want)
{
	uint32_t v = 0;

	assert_int_equal(gp_winreg_get_dword(reg, key, value, &v), 0);
	assert_int_equal(v, want);
}

static void test_types(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");
	const char *multi[] = { "viostor", "Grüße", "\xf0\x9f\x98\x80", NULL };
	_cleanup_(strv_freep) char **m = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;

	hive_set_string(sw, CV, "ProductName", "Windows Server 2019 Datacenter");
	hive_set_expand(sw, CV, "PathName", "%SystemRoot%\\system32");
	hive_set_string(sw, CV, "", "the default value");
	hive_set_dword(sw, CV, "CurrentMajorVersionNumber", 10);
	hive_set_multi(sw, CV, "Drivers", multi);
	hive_set_raw(sw, CV, "BigEndian", 5, "\x01\x02\x03\x04", 4);

	reg = open_reg(tree, &root);
	expect_sz(reg, "SOFTWARE\\" CV, "ProductName",
		      "Windows Server 2019 Datacenter");
	expect_sz(reg, "SOFTWARE\\" CV, "PathName", "%SystemRoot%\\system32");
	expect_sz(reg, "SOFTWARE\\" CV, "", "the default value");
	expect_dw(reg, "SOFTWARE\\" CV, "CurrentMajorVersionNumber", 10);
	expect_dw(reg, "SOFTWARE\\" CV, "BigEndian", 0x01020304);
	assert_int_equal(gp_winreg_get_multi(reg, "SOFTWARE\\" CV, "Drivers", &m),
			 0);
	assert_int_equal(strv_length(m), 3);
	assert_string_equal(m[0], "viostor");
	assert_string_equal(m[1], "Grüße");
	assert_string_equal(m[2], "\xf0\x9f\x98\x80");
	/* Names compare without case, the hive's and the keys' alike. */
	expect_sz(reg, "software\\MICROSOFT\\windows nt\\currentversion",
		      "productname", "Windows Server 2019 Datacenter");
	assert_true(gp_winreg_key_exists(reg, "Software\\Microsoft"));
	assert_false(gp_winreg_key_exists(reg, "SOFTWARE\\Macrohard"));
	assert_false(gp_winreg_key_exists(reg, "HARDWARE\\Microsoft"));
	assert_string_equal(gp_winreg_source(reg, "software\\" CV),
			    CONFIG "/SOFTWARE");
	close_reg(reg, root);
}

static void test_lists(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	_cleanup_(strv_freep) char **keys = NULL, **values = NULL;
	_cleanup_(strv_freep) char **none = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;

	hive_add_key(sys, "ControlSet001\\Services\\viostor");
	hive_add_key(sys, "ControlSet001\\Services\\netkvm");
	hive_set_dword(sys, "ControlSet001\\Services\\viostor", "Start", 0);
	hive_set_dword(sys, "ControlSet001\\Services\\viostor", "Type", 1);
	hive_add_key(sys, "ControlSet001\\Services\\Empty");

	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_subkeys(reg, "SYSTEM\\ControlSet001\\Services",
					   &keys), 0);
	strv_sort(keys);
	assert_int_equal(strv_length(keys), 3);
	assert_string_equal(keys[0], "Empty");
	assert_string_equal(keys[1], "netkvm");
	assert_string_equal(keys[2], "viostor");
	assert_int_equal(gp_winreg_values(reg, "SYSTEM\\CurrentControlSet\\"
					  "Services\\VIOSTOR", &values), 0);
	strv_sort(values);
	assert_int_equal(strv_length(values), 2);
	assert_string_equal(values[0], "Start");
	assert_string_equal(values[1], "Type");
	assert_int_equal(gp_winreg_values(reg, "SYSTEM\\ControlSet001\\Services"
					  "\\Empty", &none), 0);
	assert_non_null(none);
	assert_int_equal(strv_length(none), 0);
	assert_int_equal(gp_winreg_subkeys(reg, "SYSTEM\\Nope", &keys),
			 -ENOENT);
	close_reg(reg, root);
}

static void test_control_set(void **state)
{
	char *tree = windows_tree(2);
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	_cleanup_free_ char *resolved = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;
	uint32_t v;

	hive_set_dword(sys, "ControlSet001\\Control\\Terminal Server",
		       "fDenyTSConnections", 1);
	hive_set_dword(sys, "ControlSet002\\Control\\Terminal Server",
		       "fDenyTSConnections", 0);
	reg = open_reg(tree, &root);
	expect_dw(reg, "SYSTEM\\CurrentControlSet\\Control\\Terminal Server",
		     "fDenyTSConnections", 0);
	expect_dw(reg, "SYSTEM\\currentcontrolset\\Control\\Terminal Server",
		     "fDenyTSConnections", 0);
	expect_dw(reg, "SYSTEM\\ControlSet001\\Control\\Terminal Server",
		     "fDenyTSConnections", 1);
	assert_int_equal(gp_winreg_resolve(reg, "SYSTEM\\CurrentControlSet\\"
					   "Services\\viostor", &resolved), 0);
	assert_string_equal(resolved, "SYSTEM\\ControlSet002\\Services\\viostor");
	assert_string_equal(gp_winreg_source(reg, "SYSTEM\\CurrentControlSet"),
			    CONFIG "/SYSTEM");
	close_reg(reg, root);

	/* No Select key: there is no current control set. */
	tree = windows_tree(0);
	free(sys);
	sys = tree_file(tree, CONFIG "/SYSTEM");
	hive_add_key(sys, "ControlSet001\\Control");
	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\CurrentControlSet\\"
					     "Control", "x", &v), -ENOENT);
	assert_true(gp_winreg_key_exists(reg, "SYSTEM\\ControlSet001\\Control"));
	close_reg(reg, root);

	/* Select\Current of another type, or naming no set: damaged. */
	tree = windows_tree(0);
	free(sys);
	sys = tree_file(tree, CONFIG "/SYSTEM");
	hive_set_string(sys, "Select", "Current", "1");
	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\CurrentControlSet",
					     "x", &v), -EBADMSG);
	close_reg(reg, root);
}

static void test_missing(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");
	char *s = NULL, **m = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg = NULL;
	uint32_t v = 7;

	hive_set_string(sw, CV, "ProductName", "x");
	hive_set_dword(sw, CV, "Dword", 1);
	hive_set_raw(sw, CV, "Short", 4, "\x01\x02", 2);
	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_string(reg, "SOFTWARE\\" CV, "Nope", &s),
			 -ENOENT);
	assert_int_equal(gp_winreg_get_string(reg, "SOFTWARE\\Nope", "x", &s),
			 -ENOENT);
	assert_int_equal(gp_winreg_get_string(reg, "NOHIVE\\Nope", "x", &s),
			 -ENOENT);
	assert_int_equal(gp_winreg_get_dword(reg, "SOFTWARE\\" CV, "ProductName",
					     &v), -EMEDIUMTYPE);
	assert_int_equal(gp_winreg_get_string(reg, "SOFTWARE\\" CV, "Dword", &s),
			 -EMEDIUMTYPE);
	assert_int_equal(gp_winreg_get_multi(reg, "SOFTWARE\\" CV, "Dword", &m),
			 -EMEDIUMTYPE);
	assert_int_equal(gp_winreg_get_dword(reg, "SOFTWARE\\" CV, "Short", &v),
			 -EBADMSG);
	/* Empty components are not key names. */
	assert_int_equal(gp_winreg_get_dword(reg, "SOFTWARE\\\\Microsoft", "x",
					     &v), -EINVAL);
	assert_int_equal(v, 7);
	assert_null(s);
	assert_null(m);
	close_reg(reg, root);

	/* A hive that is not there is a missing hive, not a damaged one. */
	tree_remove(tree, CONFIG "/SYSTEM");
	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\Select", "Current",
					     &v), -ENOENT);
	expect_sz(reg, "SOFTWARE\\" CV, "ProductName", "x");
	close_reg(reg, root);

	/* No registry at all. */
	tree = tree_kept(tree_new());
	tree_mkdir(tree, CONFIG);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_winreg_open(root, &reg), -ENOENT);
	gp_root_free(root);
	tree = tree_kept(tree_new());
	tree_write(tree, "/etc/os-release", "ID=debian\n");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_winreg_open(root, &reg), -ENOENT);
	gp_root_free(root);
}

static void test_case_of_path(void **state)
{
	char *tree = tree_kept(tree_new());
	const char *path = "/WINDOWS/system32/CONFIG/software";
	_cleanup_free_ char *file = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;

	tree_mkdir(tree, "/WINDOWS/system32/CONFIG");
	file = tree_file(tree, path);
	hive_new(file);
	hive_set_string(file, CV, "ProductName", "Windows Server 2016");
	reg = open_reg(tree, &root);
	expect_sz(reg, "SOFTWARE\\" CV, "ProductName", "Windows Server 2016");
	assert_string_equal(gp_winreg_source(reg, "SOFTWARE"), path);
	close_reg(reg, root);
}

static void test_utf16(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");
	/* "A", a lone high surrogate, "B", a lone low surrogate, then a NUL
	 * and junk after it; an odd last byte. */
	static const unsigned char lone[] = { 'A', 0, 0x00, 0xd8, 'B', 0,
					      0x00, 0xdc, 0, 0, 'Z', 0, 'q' };
	/* "a", NUL, NUL (the end), "b" after it; no final terminator. */
	static const unsigned char multi[] = { 'a', 0, 0, 0, 0, 0, 'b', 0 };
	static const unsigned char unterminated[] = { 'x', 0, 0, 0, 'y', 0 };
	_cleanup_(strv_freep) char **m = NULL, **u = NULL, **e = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;

	hive_set_raw(sw, "K", "Lone", 1, lone, sizeof(lone));
	hive_set_raw(sw, "K", "Multi", 7, multi, sizeof(multi));
	hive_set_raw(sw, "K", "Unterminated", 7, unterminated,
		     sizeof(unterminated));
	hive_set_raw(sw, "K", "Empty", 7, "", 0);
	hive_set_raw(sw, "K", "EmptySz", 1, "", 0);
	reg = open_reg(tree, &root);
	expect_sz(reg, "SOFTWARE\\K", "Lone", "A\xef\xbf\xbd" "B\xef\xbf\xbd");
	expect_sz(reg, "SOFTWARE\\K", "EmptySz", "");
	assert_int_equal(gp_winreg_get_multi(reg, "SOFTWARE\\K", "Multi", &m), 0);
	assert_int_equal(strv_length(m), 1);
	assert_string_equal(m[0], "a");
	assert_int_equal(gp_winreg_get_multi(reg, "SOFTWARE\\K", "Unterminated",
					     &u), 0);
	assert_int_equal(strv_length(u), 2);
	assert_string_equal(u[1], "y");
	assert_int_equal(gp_winreg_get_multi(reg, "SOFTWARE\\K", "Empty", &e), 0);
	assert_non_null(e);
	assert_int_equal(strv_length(e), 0);
	close_reg(reg, root);
}

/*
 * A value claiming more than GP_WINREG_MAX_VALUE bytes: its vk cell's
 * data length is patched (hivex writes no such value itself).
 */
static void test_too_large(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");
	_cleanup_free_ char *big = calloc(1, 40002);
	_cleanup_free_ char *s = NULL;
	struct gp_root *root = NULL;
	struct gp_winreg *reg;
	unsigned char *p, *vk = NULL;
	size_t len;

	assert_non_null(big);
	for (size_t i = 0; i < 40000; i += 2)
		big[i] = 'a';		/* "aaaa..." in UTF-16LE */
	/* Big data cells (over 16 KiB) are read whole. */
	hive_set_raw(sw, "K", "Fits", 1, big, 40002);
	hive_set_dword(sw, "K", "Huge", 1);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_root_read_file(root, CONFIG "/SOFTWARE", 0,
					   (char **)&p, &len), 0);
	gp_root_free(root);
	for (size_t off = 0x1000; off + 0x20 < len; off += 8)
		if ((int32_t)le32(p + off) < 0 &&
		    memcmp(p + off + 4, "vk", 2) == 0 &&
		    p[off + 4 + 2] == 4 && memcmp(p + off + 4 + 0x14, "Huge", 4) == 0)
			vk = p + off + 4;
	assert_non_null(vk);
	/* The length at 0x04; its top bit says "data in the offset field". */
	vk[0x04] = 0;
	vk[0x05] = 0;
	vk[0x06] = 0x20;	/* 2 MiB */
	vk[0x07] = 0;
	tree_write_bytes(tree, CONFIG "/SOFTWARE", p, len);
	free(p);

	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_string(reg, "SOFTWARE\\K", "Fits", &s),
			 0);
	assert_int_equal(strlen(s), 20000);
	assert_int_equal(gp_winreg_get_dword(reg, "SOFTWARE\\K", "Huge",
					     &(uint32_t){ 0 }), -EFBIG);
	close_reg(reg, root);
}

/* Every call on a hive that cannot be read gives @err, and nothing. */
static void expect_broken(const char *tree, const char *hive, int err)
{
	_cleanup_free_ char *key = strprintf("%s\\A", hive);
	struct gp_root *root = NULL;
	struct gp_winreg *reg;
	char *s = NULL, **v = NULL;
	uint32_t d;

	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_string(reg, key, "x", &s), err);
	assert_int_equal(gp_winreg_get_dword(reg, key, "x", &d), err);
	assert_int_equal(gp_winreg_subkeys(reg, hive, &v), err);
	assert_int_equal(gp_winreg_values(reg, hive, &v), err);
	assert_false(gp_winreg_key_exists(reg, hive));
	assert_null(s);
	assert_null(v);
	/* The other hive still reads. */
	assert_true(gp_winreg_key_exists(reg, "SOFTWARE\\Microsoft"));
	close_reg(reg, root);
}

static char *tree_with_software(void)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");

	hive_add_key(sw, "Microsoft");
	return tree;
}

static void test_damaged(void **state)
{
	unsigned char junk[16384];
	char *tree = tree_with_software();
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	_cleanup_free_ char *good = NULL;
	size_t len = 0;
	unsigned seed = 12345;
	struct stat st;
	int fd;

	/* Random bytes, and random bytes behind a valid signature. */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
	tree_write_bytes(tree, CONFIG "/SYSTEM", junk, sizeof(junk));
	expect_broken(tree, "SYSTEM", -EBADMSG);
	/* The signature bytes, not a string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(junk, "regf", 4);
	tree_write_bytes(tree, CONFIG "/SYSTEM", junk, sizeof(junk));
	expect_broken(tree, "SYSTEM", -EBADMSG);
	tree_write_bytes(tree, CONFIG "/SYSTEM", "", 0);
	expect_broken(tree, "SYSTEM", -EBADMSG);

	/* A valid hive cut short, in its base block and in its bins. */
	hive_new(sys);
	hive_set_dword(sys, "A\\B", "x", 1);
	assert_int_equal(stat(sys, &st), 0);
	fd = open(sys, O_RDONLY);
	assert_true(fd >= 0);
	good = malloc((size_t)st.st_size);
	assert_non_null(good);
	assert_int_equal(read(fd, good, (size_t)st.st_size), st.st_size);
	close(fd);
	len = (size_t)st.st_size;
	tree_write_bytes(tree, CONFIG "/SYSTEM", good, 2000);
	expect_broken(tree, "SYSTEM", -EBADMSG);
	tree_write_bytes(tree, CONFIG "/SYSTEM", good, len - 4096 + 100);
	expect_broken(tree, "SYSTEM", -EBADMSG);
}


/*
 * A key whose only subkey is its own parent: "A" lists the root key
 * ("ROOT") as its child, so SYSTEM\A\ROOT\A... would go round.
 */
static void test_cycle(void **state)
{
	char *tree = tree_with_software();
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	struct gp_root *root = NULL;
	struct gp_winreg *reg;
	unsigned char *p, *a = NULL, *list;
	uint32_t root_off;
	size_t len;
	char **v = NULL;
	uint32_t d;

	hive_new(sys);
	hive_add_key(sys, "A\\B");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_root_read_file(root, CONFIG "/SYSTEM", 0,
					   (char **)&p, &len), 0);
	gp_root_free(root);
	root_off = le32(p + 0x24);
	/* Find A's nk cell: its name follows the 0x4c bytes of fields. */
	for (size_t off = 0x1000; off + 0x50 < len; off += 8)
		if ((int32_t)le32(p + off) < 0 &&	/* allocated */
		    memcmp(p + off + 4, "nk", 2) == 0 &&
		    p[off + 4 + 0x48] == 1 && p[off + 4 + 0x4c] == 'A')
			a = p + off + 4;
	assert_non_null(a);
	list = p + 0x1000 + le32(a + 0x1c) + 4;	/* "lf"/"lh", count, entries */
	assert_int_equal(list[0], 'l');
	list[4 + 0] = (unsigned char)root_off;
	list[4 + 1] = (unsigned char)(root_off >> 8);
	list[4 + 2] = (unsigned char)(root_off >> 16);
	list[4 + 3] = (unsigned char)(root_off >> 24);
	tree_write_bytes(tree, CONFIG "/SYSTEM", p, len);
	free(p);

	reg = open_reg(tree, &root);
	assert_true(gp_winreg_key_exists(reg, "SYSTEM\\A"));
	assert_int_equal(gp_winreg_subkeys(reg, "SYSTEM\\A", &v), 0);
	assert_int_equal(strv_length(v), 1);
	assert_string_equal(v[0], "ROOT");
	strv_free(v);
	v = NULL;
	/* The root key again, below itself: the walk stops there. */
	assert_false(gp_winreg_key_exists(reg, "SYSTEM\\A\\ROOT"));
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\A\\ROOT\\A", "x", &d),
			 -EBADMSG);
	assert_int_equal(gp_winreg_subkeys(reg, "SYSTEM\\A\\ROOT\\A\\ROOT", &v),
			 -EBADMSG);
	assert_null(v);
	close_reg(reg, root);
}

static void test_not_a_file(void **state)
{
	char *tree = tree_with_software();
	char *outside = tree_kept(tree_new());
	_cleanup_free_ char *out = tree_file(outside, "/SYSTEM");
	struct gp_root *root = NULL;
	struct gp_winreg *reg;
	uint32_t d;

	/* A valid hive outside the root, reached by a link: not followed
	 * out (resolved in the root, it names nothing there). */
	hive_new(out);
	hive_set_dword(out, "A", "x", 1);
	tree_remove(tree, CONFIG "/SYSTEM");
	tree_symlink(tree, CONFIG "/SYSTEM", out);
	expect_broken(tree, "SYSTEM", -ENOENT);
	tree_remove(tree, CONFIG "/SYSTEM");
	tree_symlink(tree, CONFIG "/SYSTEM", "../../../../../../../../..");
	expect_broken(tree, "SYSTEM", -EISDIR);

	tree_remove(tree, CONFIG "/SYSTEM");
	tree_mkdir(tree, CONFIG "/SYSTEM");
	expect_broken(tree, "SYSTEM", -EISDIR);
	tree_remove(tree, CONFIG "/SYSTEM");
	tree_mkfifo(tree, CONFIG "/SYSTEM");
	expect_broken(tree, "SYSTEM", -EINVAL);

	/* A link inside the root is followed, as Windows never makes one
	 * but a copied tree may. */
	tree_remove(tree, CONFIG "/SYSTEM");
	tree_mkdir(tree, "/elsewhere");
	hive_new(in_tree(tree, "/elsewhere/SYSTEM"));
	hive_set_dword(in_tree(tree, "/elsewhere/SYSTEM"), "A", "x", 5);
	tree_symlink(tree, CONFIG "/SYSTEM", "/elsewhere/SYSTEM");
	reg = open_reg(tree, &root);
	assert_int_equal(gp_winreg_get_dword(reg, "SYSTEM\\A", "x", &d), 0);
	assert_int_equal(d, 5);
	close_reg(reg, root);
}

/* The registry the harness's context opens, read again after a change. */
static uint32_t read_dword(const char *tree, const char *key,
			   const char *value)
{
	struct gp_root *root = NULL;
	struct gp_winreg *reg = open_reg(tree, &root);
	uint32_t d = 0xdeadbeef;
	int r = gp_winreg_get_dword(reg, key, value, &d);

	close_reg(reg, root);
	return r < 0 ? (uint32_t)r : d;
}

static void test_plan_set_dword(void **state)
{
	char *tree = windows_tree(2);
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	char *before;
	struct harness *h;
	struct gp_winreg *reg;
	const char *ts = "SYSTEM\\CurrentControlSet\\Control\\Terminal Server";

	hive_set_dword(sys, "ControlSet002\\Control\\Terminal Server",
		       "fDenyTSConnections", 1);
	hive_add_key(sys, "ControlSet002\\Services\\QEMU-GA");
	before = tree_kept(tree_snapshot(tree));

	h = harness_run(tree, "os", NULL);
	h->ctx.plan = &h->plan;
	reg = gp_ctx_winreg(&h->ctx);
	assert_non_null(reg);
	assert_ptr_equal(gp_ctx_winreg(&h->ctx), reg);
	/* Outside fix mode nothing can be planned. */
	h->ctx.plan = NULL;
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg, ts,
						  "fDenyTSConnections", 0, "x"),
			 -EPERM);
	h->ctx.plan = &h->plan;
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg, ts,
						  "fDenyTSConnections", 0,
						  "allow remote desktop"), 0);
	/* A second change of the same hive builds on the first. */
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg,
						  "SYSTEM\\CurrentControlSet\\"
						  "Services\\QEMU-GA", "Start",
						  4, "disable the agent"), 0);
	/* A missing key is not made; a value already so plans nothing. */
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg,
						  "SYSTEM\\Nope", "x", 1, "x"),
			 -ENOENT);
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg,
						  "SOFTWARE\\Nope", "x", 1, "x"),
			 -ENOENT);
	assert_int_equal(h->plan.n_changes, 1);
	assert_non_null(harness_planned(h, CONFIG "/SYSTEM"));
	/* Nothing is written before the plan is applied. */
	assert_int_equal(read_dword(tree, ts, "fDenyTSConnections"), 1);

	harness_apply(h, harness_no_commands);
	assert_int_equal(read_dword(tree, ts, "fDenyTSConnections"), 0);
	assert_int_equal(read_dword(tree, "SYSTEM\\ControlSet002\\Services\\"
				    "QEMU-GA", "Start"), 4);
	gp_winreg_close(h->ctx.winreg);
	h->ctx.winreg = NULL;
	harness_free(h);

	/* Idempotent: the fixed tree plans nothing. */
	h = harness_run(tree, "os", NULL);
	h->ctx.plan = &h->plan;
	reg = gp_ctx_winreg(&h->ctx);
	assert_int_equal(gp_winreg_plan_set_dword(&h->ctx, reg, ts,
						  "fDenyTSConnections", 0, "x"),
			 0);
	assert_int_equal(h->plan.n_changes, 0);
	gp_winreg_close(h->ctx.winreg);
	h->ctx.winreg = NULL;
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	assert_int_equal(read_dword(tree, ts, "fDenyTSConnections"), 1);
}

static void test_ctx_no_registry(void **state)
{
	char *tree = tree_kept(tree_new());
	struct harness *h;

	tree_write(tree, "/etc/os-release", "ID=debian\nVERSION_ID=12\n");
	h = harness_run(tree, "os", NULL);
	assert_null(gp_ctx_winreg(&h->ctx));
	assert_null(gp_ctx_winreg(&h->ctx));
	harness_free(h);
}

/* The host facts of a Windows tree (agent/osid.c, host.c). */
static void test_host_windows(void **state)
{
	char *tree = windows_tree(1);
	_cleanup_free_ char *sw = tree_file(tree, CONFIG "/SOFTWARE");
	_cleanup_free_ char *sys = tree_file(tree, CONFIG "/SYSTEM");
	struct gp_root *root = NULL;
	struct gp_host host = { 0 };

	hive_set_string(sw, CV, "ProductName", "Windows Server 2019 Standard");
	hive_set_string(sw, CV, "CurrentVersion", "6.3");
	hive_set_dword(sw, CV, "CurrentMajorVersionNumber", 10);
	hive_set_dword(sw, CV, "CurrentMinorVersionNumber", 0);
	hive_set_string(sw, CV, "CurrentBuildNumber", "17763");
	hive_set_string(sw, CV, "EditionID", "ServerStandard");
	hive_set_string(sw, CV, "InstallationType", "Server Core");
	hive_set_string(sys, "ControlSet001\\Control\\Session Manager\\Environment",
			"PROCESSOR_ARCHITECTURE", "AMD64");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_host_detect(root, &host), 0);
	assert_int_equal(host.os.kind, GP_KIND_WINDOWS);
	assert_int_equal(host.os.family, GP_FAMILY_WINDOWS);
	assert_string_equal(host.os.id, "windows");
	/* Not "6.3": that is what old programs are told. */
	assert_string_equal(host.os.version, "10.0.17763");
	assert_string_equal(host.os.pretty, "Windows Server 2019 Standard");
	assert_string_equal(host.os.edition, "ServerStandard");
	assert_string_equal(host.os.installation_type, "Server Core");
	assert_string_equal(host.os.source, CONFIG "/SOFTWARE");
	assert_string_equal(host.arch, "x86_64");
	assert_true(strv_isempty(host.os.notes));
	gp_host_done(&host);
	gp_root_free(root);
}

static void test_host_windows_2003(void **state)
{
	char *tree = tree_kept(tree_new());
	const char *cfg = "/WINDOWS/system32/config";
	_cleanup_free_ char *sw = NULL, *sys = NULL;
	struct gp_root *root = NULL;
	struct gp_host host = { 0 };

	/* XP and 2003 name the directories in capitals, the hives not. */
	tree_mkdir(tree, cfg);
	sw = tree_file(tree, "/WINDOWS/system32/config/software");
	sys = tree_file(tree, "/WINDOWS/system32/config/system");
	hive_new(sw);
	hive_new(sys);
	hive_set_string(sw, CV, "ProductName",
			"Microsoft Windows Server 2003 R2");
	hive_set_string(sw, CV, "CurrentVersion", "5.2");
	hive_set_string(sw, CV, "CurrentBuildNumber", "3790");
	hive_set_string(sw, CV, "CSDVersion", "Service Pack 2");
	hive_set_dword(sys, "Select", "Current", 1);
	hive_set_string(sys, "ControlSet001\\Control\\Session Manager\\Environment",
			"PROCESSOR_ARCHITECTURE", "x86");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_host_detect(root, &host), 0);
	assert_string_equal(host.os.id, "windows");
	assert_string_equal(host.os.version, "5.2.3790");
	assert_string_equal(host.os.pretty,
			    "Microsoft Windows Server 2003 R2 Service Pack 2");
	assert_null(host.os.edition);
	assert_null(host.os.installation_type);
	assert_string_equal(host.os.source, "/WINDOWS/system32/config/software");
	assert_string_equal(host.arch, "i386");
	gp_host_done(&host);
	gp_root_free(root);
}

/* A damaged SOFTWARE hive: still Windows, with a note, and no version. */
static void test_host_windows_damaged(void **state)
{
	char *tree = windows_tree(1);
	struct gp_root *root = NULL;
	struct gp_host host = { 0 };

	tree_write(tree, CONFIG "/SOFTWARE", "regf, or so it says");
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_host_detect(root, &host), 0);
	assert_int_equal(host.os.kind, GP_KIND_WINDOWS);
	assert_string_equal(host.os.id, "windows");
	assert_null(host.os.version);
	assert_null(host.os.pretty);
	assert_null(host.arch);		/* no Environment key either */
	assert_false(strv_isempty(host.os.notes));
	gp_host_done(&host);
	gp_root_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_types, tree_teardown),
		cmocka_unit_test_teardown(test_lists, tree_teardown),
		cmocka_unit_test_teardown(test_control_set, tree_teardown),
		cmocka_unit_test_teardown(test_missing, tree_teardown),
		cmocka_unit_test_teardown(test_case_of_path, tree_teardown),
		cmocka_unit_test_teardown(test_utf16, tree_teardown),
		cmocka_unit_test_teardown(test_too_large, tree_teardown),
		cmocka_unit_test_teardown(test_damaged, tree_teardown),
		cmocka_unit_test_teardown(test_cycle, tree_teardown),
		cmocka_unit_test_teardown(test_not_a_file, tree_teardown),
		cmocka_unit_test_teardown(test_plan_set_dword, tree_teardown),
		cmocka_unit_test_teardown(test_ctx_no_registry, tree_teardown),
		cmocka_unit_test_teardown(test_host_windows, tree_teardown),
		cmocka_unit_test_teardown(test_host_windows_2003, tree_teardown),
		cmocka_unit_test_teardown(test_host_windows_damaged,
					  tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
