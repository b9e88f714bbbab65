/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Package databases: dpkg's status file as dpkg writes (and garbles) it,
 * and the rpm database heuristic on files built at run time.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "guestprep/pkgdb.h"
#include "guestprep/strv.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

/* A paragraph of nine lines; STANZA_F leaves its Status to a "%s". */
#define STANZA(pkg, status)                                                 \
	"Package: " pkg "\nStatus: " status "\nPriority: optional\n"       \
	"Architecture: amd64\nVersion: 1.0-1\n"                             \
	"Description: a package\n with a long description\n .\n more\n"
#define STANZA_F(pkg) STANZA(pkg, "%s")

/* Look @pkg up in a tree whose status file is the @len bytes @text. */
static struct gp_dpkg_entry lookup_bytes(const char *text, size_t len,
					 const char *pkg)
{
	char *tree = tree_kept(tree_new());
	struct gp_root *root;
	struct gp_dpkg_entry e;

	tree_write_bytes(tree, "var/lib/dpkg/status", text, len);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_dpkg_lookup(root, pkg, &e), 0);
	gp_root_free(root);
	return e;
}

static struct gp_dpkg_entry lookup(const char *text, const char *pkg)
{
	return lookup_bytes(text, strlen(text), pkg);
}

static void dpkg_states(void **state)
{
	static const struct {
		const char *status;
		enum gp_dpkg_state expect;
	} cases[] = {
		{ "install ok installed", GP_DPKG_INSTALLED },
		{ "hold ok installed", GP_DPKG_INSTALLED },
		{ "deinstall ok installed", GP_DPKG_INSTALLED },
		{ "install ok triggers-pending", GP_DPKG_INSTALLED },
		{ "install ok triggers-awaited", GP_DPKG_INSTALLED },
		{ "install ok unpacked", GP_DPKG_PARTIAL },
		{ "install reinstreq half-installed", GP_DPKG_PARTIAL },
		{ "install ok half-configured", GP_DPKG_PARTIAL },
		{ "deinstall ok config-files", GP_DPKG_REMOVED },
		{ "purge ok not-installed", GP_DPKG_REMOVED },
		/* Not what dpkg writes: cannot tell. */
		{ "install ok", GP_DPKG_UNKNOWN },
		{ "install ok sideways", GP_DPKG_UNKNOWN },
		{ "install ok installed now", GP_DPKG_UNKNOWN },
		{ "", GP_DPKG_UNKNOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *full = strprintf(STANZA("zlib1g", "install ok installed")
				       "\n" STANZA_F("qemu-guest-agent"),
				       cases[i].status);
		struct gp_dpkg_entry e = lookup(full, "qemu-guest-agent");

		if (e.state != cases[i].expect)
			print_error("case %zu: \"%s\"\n", i, cases[i].status);
		assert_int_equal(e.state, cases[i].expect);
		assert_string_equal(e.status, cases[i].status);
		assert_string_equal(e.version, "1.0-1");
		assert_int_equal(e.line, 11);
		assert_int_equal(e.paragraphs, 2);
		assert_int_equal(e.bad_lines, 0);
		assert_int_equal(e.error, 0);
		assert_false(gp_dpkg_unreadable(&e));
		assert_int_equal(gp_dpkg_on_disk(e.state),
				 cases[i].expect == GP_DPKG_INSTALLED ||
				 cases[i].expect == GP_DPKG_PARTIAL);
		gp_dpkg_entry_done(&e);
		free(full);
	}
}

static void dpkg_no_status_is_unknown(void **state)
{
	struct gp_dpkg_entry e = lookup("Package: cloud-init\nVersion: 2\n",
					"cloud-init");

	assert_int_equal(e.state, GP_DPKG_UNKNOWN);
	assert_null(e.status);
	assert_string_equal(e.version, "2");
	assert_int_equal(e.line, 1);
	gp_dpkg_entry_done(&e);
}

/* deb822: field names in any case, values trimmed, CRLF tolerated. */
static void dpkg_field_syntax(void **state)
{
	struct gp_dpkg_entry e = lookup("package:   cloud-init  \r\n"
					"STATUS:\tinstall ok installed \r\n"
					"version: 18.2\r\n", "cloud-init");

	assert_int_equal(e.state, GP_DPKG_INSTALLED);
	assert_string_equal(e.status, "install ok installed");
	assert_string_equal(e.version, "18.2");
	gp_dpkg_entry_done(&e);
}

/* Only the exact name, and never from a continuation line. */
static void dpkg_other_packages(void **state)
{
	static const char *const texts[] = {
		STANZA("cloud-init-dbgsym", "install ok installed"),
		STANZA("xcloud-init", "install ok installed"),
		"Package: zlib1g\nStatus: install ok installed\n"
		"Description: compression\n Package: cloud-init\n",
		"",
	};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct gp_dpkg_entry e = lookup(texts[i], "cloud-init");

		assert_int_equal(e.state, GP_DPKG_ABSENT);
		assert_null(e.status);
		assert_int_equal(e.bad_lines, 0);
		gp_dpkg_entry_done(&e);
	}
}

/* Multiarch: the paragraph that says most about files on disk counts. */
static void dpkg_several_paragraphs(void **state)
{
	static const struct {
		const char *first, *second;
		enum gp_dpkg_state expect;
		unsigned line;
	} cases[] = {
		{ "deinstall ok config-files", "install ok installed",
		  GP_DPKG_INSTALLED, 11 },
		{ "install ok installed", "deinstall ok config-files",
		  GP_DPKG_INSTALLED, 1 },
		{ "install ok unpacked", "install ok installed",
		  GP_DPKG_INSTALLED, 11 },
		{ "install ok installed", "install ok installed",
		  GP_DPKG_INSTALLED, 1 },
		{ "deinstall ok config-files", "install ok sideways",
		  GP_DPKG_UNKNOWN, 11 },
		{ "install ok sideways", "install ok half-installed",
		  GP_DPKG_PARTIAL, 11 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *full = strprintf(STANZA_F("cloud-init") "\n"
				       STANZA_F("cloud-init"), cases[i].first,
				       cases[i].second);
		struct gp_dpkg_entry e = lookup(full, "cloud-init");

		assert_int_equal(e.state, cases[i].expect);
		assert_int_equal(e.line, cases[i].line);
		assert_int_equal(e.paragraphs, 2);
		gp_dpkg_entry_done(&e);
		free(full);
	}
}

/* Garbled lines are counted, and the paragraphs around them still read. */
static void dpkg_garbled_lines(void **state)
{
	struct gp_dpkg_entry e = lookup(
		STANZA("zlib1g", "install ok installed") "\n"
		"this line is not a field\n: no name\nPack age: x\n"
		" continuation of nothing\n\n"
		STANZA("cloud-init", "install ok installed") "\n"
		"<<<<<<< merge conflict\n", "cloud-init");

	assert_int_equal(e.state, GP_DPKG_INSTALLED);
	assert_int_equal(e.bad_lines, 5);
	assert_int_equal(e.first_bad_line, 11);
	assert_int_equal(e.paragraphs, 2);
	assert_false(gp_dpkg_unreadable(&e));
	gp_dpkg_entry_done(&e);
}

/* A repeated Package field is refused, as dpkg does. */
static void dpkg_repeated_package(void **state)
{
	struct gp_dpkg_entry e = lookup("Package: zlib1g\nPackage: cloud-init\n"
					"Status: install ok installed\n",
					"cloud-init");

	assert_int_equal(e.state, GP_DPKG_ABSENT);
	assert_int_equal(e.bad_lines, 1);
	assert_int_equal(e.first_bad_line, 2);
	gp_dpkg_entry_done(&e);
}

/* NULs, over-long lines, no final newline: the paragraph is still read. */
static void dpkg_hostile_bytes(void **state)
{
	static const char text[] =
		"Package: a\0b\nStatus: install ok installed\n\n"
		"Package: cloud-init\nStatus: install ok installed\n"
		"\n\0\0\0";
	static const char tail[] =
		"\nPackage: cloud-init\nStatus: install ok installed";
	size_t n = 300000;
	char *junk = malloc(n + sizeof(tail));
	struct gp_dpkg_entry e = lookup_bytes(text, sizeof(text) - 1,
					      "cloud-init");

	assert_int_equal(e.state, GP_DPKG_INSTALLED);
	assert_int_equal(e.bad_lines, 2);
	assert_int_equal(e.first_bad_line, 1);
	gp_dpkg_entry_done(&e);

	assert_non_null(junk);
	memset(junk, 'x', n);
	memcpy(junk + n, tail, sizeof(tail));
	e = lookup(junk, "cloud-init");
	assert_int_equal(e.state, GP_DPKG_INSTALLED);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.bad_lines, 1);
	gp_dpkg_entry_done(&e);
	free(junk);
}

/* Binary junk: no paragraph at all, so the database tells nothing. */
static void dpkg_binary_garbage(void **state)
{
	unsigned char junk[8192];
	uint32_t x = 2463534242u;
	struct gp_dpkg_entry e;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	e = lookup_bytes((const char *)junk, sizeof(junk), "cloud-init");
	assert_int_equal(e.state, GP_DPKG_ABSENT);
	assert_int_equal(e.paragraphs, 0);
	assert_true(e.bad_lines > 0);
	assert_true(gp_dpkg_unreadable(&e));
	gp_dpkg_entry_done(&e);
}

/* Missing is not unreadable; a directory or a FIFO is (without hanging). */
static void dpkg_not_a_file(void **state)
{
	static const struct {
		int kind;
		int error;
		bool unreadable;
	} cases[] = {
		{ 0, -ENOENT, false }, { 1, -EISDIR, true }, { 2, 0, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *tree = tree_kept(tree_new());
		struct gp_dpkg_entry e;
		struct gp_root *root;

		tree_mkdir(tree, "var/lib/dpkg");
		if (cases[i].kind == 1)
			tree_mkdir(tree, "var/lib/dpkg/status");
		else if (cases[i].kind == 2)
			tree_mkfifo(tree, "var/lib/dpkg/status");
		assert_int_equal(gp_root_new(tree, &root), 0);
		alarm(20);
		assert_int_equal(gp_dpkg_lookup(root, "cloud-init", &e), 0);
		alarm(0);
		assert_int_equal(e.state, GP_DPKG_ABSENT);
		if (cases[i].error)
			assert_int_equal(e.error, cases[i].error);
		else
			assert_true(e.error < 0);
		assert_int_equal(gp_dpkg_unreadable(&e), cases[i].unreadable);
		gp_dpkg_entry_done(&e);
		gp_root_free(root);
	}
}

/* --- rpm --------------------------------------------------------------- */

/* An rpm database file with a header whose strings are @strings at @at. */
static void write_rpmdb(const char *tree, const char *path, size_t at,
			const char *const *strings)
{
	size_t size = at + 4096;
	unsigned char *buf = calloc(1, size);
	unsigned char *p = buf + at;

	assert_non_null(buf);
	/* The Berkeley DB hash magic: three bytes, not a string. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + 12, "\x61\x15\x06", 3);
	for (size_t i = 0; strings[i]; i++) {
		size_t n = strlen(strings[i]) + 1;

		memcpy(p, strings[i], n);
		p += n;
	}
	tree_write_bytes(tree, path, buf, size);
	free(buf);
}

static struct gp_rpmdb rpm_lookup(const char *tree, const char *name)
{
	struct gp_root *root;
	struct gp_rpmdb db;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_rpmdb_lookup(root, name, &db), 0);
	gp_root_free(root);
	return db;
}

static void rpmdb_name_found(void **state)
{
	static const char *const header[] = {
		"qemu-guest-agent", "2.12.0", "QEMU guest agent", NULL,
	};
	char *tree = tree_kept(tree_new());
	struct gp_rpmdb db;

	write_rpmdb(tree, "var/lib/rpm/Packages", 8192, header);
	db = rpm_lookup(tree, "qemu-guest-agent");
	assert_true(db.found);
	assert_int_equal(db.n_files, 1);
	assert_string_equal(db.files[0].path, "/var/lib/rpm/Packages");
	assert_true(db.files[0].found);
	assert_false(db.files[0].partial);
	assert_int_equal(db.files[0].error, 0);
	gp_rpmdb_done(&db);
}

/* Names that contain it, or strings that mention it, do not count. */
static void rpmdb_lookalikes(void **state)
{
	static const char *const header[] = {
		"qemu-guest-agent-debuginfo", "xqemu-guest-agent",
		"Requires: qemu-guest-agent >= 2", "qemu-guest-agentx", NULL,
	};
	char *tree = tree_kept(tree_new());
	struct gp_rpmdb db;

	write_rpmdb(tree, "var/lib/rpm/Packages", 8192, header);
	db = rpm_lookup(tree, "qemu-guest-agent");
	assert_false(db.found);
	assert_int_equal(db.n_files, 1);
	assert_false(db.files[0].found);
	gp_rpmdb_done(&db);
}

/* The file is read in 1 MiB chunks: the name around the boundary. */
static void rpmdb_across_chunks(void **state)
{
	static const char *const name[] = { "cloud-init", NULL };
	static const size_t at[] = {
		(1u << 20) - 5, (1u << 20) - 11, (1u << 20) - 12, 1u << 20,
		(1u << 20) + 1, 3u << 20,
	};
	char *tree = tree_kept(tree_new());

	for (size_t i = 0; i < ARRAY_SIZE(at); i++) {
		struct gp_rpmdb db;

		write_rpmdb(tree, "var/lib/rpm/Packages", at[i], name);
		db = rpm_lookup(tree, "cloud-init");
		if (!db.found)
			print_error("at %zu\n", at[i]);
		assert_true(db.found);
		gp_rpmdb_done(&db);
	}
}

/* RHEL 9: /var/lib/rpm links to /usr/lib/sysimage/rpm; read once. */
static void rpmdb_linked_dir_read_once(void **state)
{
	static const char *const other[] = { "zlib", NULL };
	char *tree = tree_kept(tree_new());
	struct gp_rpmdb db;

	write_rpmdb(tree, "usr/lib/sysimage/rpm/rpmdb.sqlite", 4096, other);
	tree_mkdir(tree, "var/lib");
	tree_symlink(tree, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	db = rpm_lookup(tree, "cloud-init");
	assert_false(db.found);
	assert_int_equal(db.n_files, 1);
	assert_string_equal(db.files[0].path, "/var/lib/rpm/rpmdb.sqlite");
	gp_rpmdb_done(&db);
}

/* A database that cannot be read is recorded, and the next is read. */
static void rpmdb_unreadable_recorded(void **state)
{
	static const char *const header[] = { "cloud-init", NULL };
	char *tree = tree_kept(tree_new());
	struct gp_rpmdb db;

	tree_mkdir(tree, "var/lib/rpm/Packages");
	write_rpmdb(tree, "var/lib/rpm/Packages.db", 4096, header);
	db = rpm_lookup(tree, "cloud-init");
	assert_true(db.found);
	assert_int_equal(db.n_files, 2);
	assert_int_equal(db.files[0].error, -EISDIR);
	assert_false(db.files[0].found);
	assert_true(db.files[1].found);
	gp_rpmdb_done(&db);

	db = rpm_lookup(tree_kept(tree_new()), "cloud-init");
	assert_false(db.found);
	assert_int_equal(db.n_files, 0);
	gp_rpmdb_done(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(dpkg_states),
		TEST(dpkg_no_status_is_unknown),
		TEST(dpkg_field_syntax),
		TEST(dpkg_other_packages),
		TEST(dpkg_several_paragraphs),
		TEST(dpkg_garbled_lines),
		TEST(dpkg_repeated_package),
		TEST(dpkg_hostile_bytes),
		TEST(dpkg_binary_garbage),
		TEST(dpkg_not_a_file),
		TEST(rpmdb_name_found),
		TEST(rpmdb_lookalikes),
		TEST(rpmdb_across_chunks),
		TEST(rpmdb_linked_dir_read_once),
		TEST(rpmdb_unreadable_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
