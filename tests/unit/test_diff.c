/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diffs: exact output for small cases, and for everything else a
 * patch applier that turns a back into b, a check that the diff is
 * minimal (against a plain LCS table), and `diff -u` as a second opinion.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "diff.h"
#include "util.h"

/* The diff of two texts (NULL: absent), labelled "a" and "b". */
static char *diff_len(const char *a, size_t alen, const char *b, size_t blen)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	assert_int_equal(diff_unified(f, a ? "a" : "/dev/null", a, alen,
				      b ? "b" : "/dev/null", b, blen), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

static char *diff(const char *a, const char *b)
{
	return diff_len(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0);
}

static void expect_diff(const char *a, const char *b, const char *expected)
{
	char *out = diff(a, b);

	assert_string_equal(out, expected);
	free(out);
}

/* --- A patch applier, written from the format, trusting nothing. */

struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static struct lines split(const char *s, size_t len)
{
	struct lines l = { 0 };
	const char *end = s + len;

	l.s = malloc((len + 1) * sizeof(*l.s));
	l.len = malloc((len + 1) * sizeof(*l.len));
	assert_true(l.s && l.len);
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		const char *next = nl ? nl + 1 : end;

		l.s[l.n] = s;
		l.len[l.n++] = next - s;
		s = next;
	}
	return l;
}

static void lines_free(struct lines *l)
{
	free(l->s);
	free(l->len);
}

static void parse_range(const char **p, char sign, size_t *start,
			size_t *count)
{
	char *end;

	assert_int_equal(**p, sign);
	*start = strtoul(*p + 1, &end, 10);
	*count = 1;
	if (*end == ',')
		*count = strtoul(end + 1, &end, 10);
	/* An empty range names the line before; else lines count from 1. */
	if (*count > 0) {
		assert_true(*start >= 1);
		(*start)--;
	}
	*p = end;
}

/* One diff line: its tag, and content with the newline it stands for. */
static bool hunk_line(const char **p, char *tag, const char **s, size_t *len)
{
	const char *nl;

	if (!**p || (*p)[0] == '@')
		return false;
	nl = strchr(*p, '\n');
	assert_non_null(nl);
	*tag = **p;
	*s = *p + 1;
	*len = nl + 1 - *s;
	*p = nl + 1;
	if (startswith(*p, "\\ No newline at end of file\n")) {
		(*len)--;
		*p += strlen("\\ No newline at end of file\n");
	}
	return true;
}

static void expect_line(const struct lines *a, size_t i, const char *s,
			size_t len)
{
	assert_true(i < a->n);
	assert_int_equal(a->len[i], len);
	assert_memory_equal(a->s[i], s, len);
}

/* Apply @patch to @a; return the result, counting hunks and -/+ lines. */
static char *apply(const char *a, size_t alen, const char *patch,
		   size_t *ret_len, size_t *hunks, size_t *del, size_t *ins)
{
	struct lines al = split(a, alen);
	const char *p = patch;
	char *out = NULL;
	size_t size = 0, i = 0, written = 0, prev_end = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	*hunks = *del = *ins = 0;
	if (*p) {
		assert_true(startswith(p, "--- "));
		p = strchr(p, '\n') + 1;
		assert_true(startswith(p, "+++ "));
		p = strchr(p, '\n') + 1;
	}
	while (*p) {
		size_t as, ac, bs, bc, old = 0, new = 0, len;
		const char *s;
		char tag;

		assert_true(startswith(p, "@@ "));
		p += 3;
		parse_range(&p, '-', &as, &ac);
		assert_true(startswith(p, " "));
		p++;
		parse_range(&p, '+', &bs, &bc);
		assert_true(startswith(p, " @@\n"));
		p += 4;
		/*
		 * Hunks come in order, start inside @a, and would have merged
		 * if they touched.
		 */
		assert_true(as >= i && as <= al.n);
		assert_true(*hunks == 0 || as > prev_end);
		for (; i < as; i++, written++)
			fwrite(al.s[i], 1, al.len[i], f);
		assert_int_equal(bs, written);
		while (hunk_line(&p, &tag, &s, &len)) {
			switch (tag) {
			case ' ':
				expect_line(&al, i++, s, len);
				fwrite(s, 1, len, f);
				old++;
				new++;
				break;
			case '-':
				expect_line(&al, i++, s, len);
				old++;
				(*del)++;
				break;
			case '+':
				fwrite(s, 1, len, f);
				new++;
				(*ins)++;
				break;
			default:
				fail_msg("bad hunk line tag '%c'", tag);
			}
		}
		assert_int_equal(old, ac);
		assert_int_equal(new, bc);
		written += new;
		prev_end = i;
		(*hunks)++;
	}
	for (; i < al.n; i++)
		fwrite(al.s[i], 1, al.len[i], f);
	assert_int_equal(fclose(f), 0);
	lines_free(&al);
	*ret_len = size;
	return out;
}

/* Length of a longest common subsequence of lines: the minimal diff. */
static size_t lcs(const struct lines *a, const struct lines *b)
{
	size_t w = b->n + 1, r;
	size_t *t = calloc((a->n + 1) * w, sizeof(*t));

	assert_non_null(t);
	for (size_t i = 1; i <= a->n; i++) {
		for (size_t j = 1; j <= b->n; j++) {
			size_t *c = &t[i * w + j];

			if (a->len[i - 1] == b->len[j - 1] &&
			    !memcmp(a->s[i - 1], b->s[j - 1], a->len[i - 1]))
				*c = t[(i - 1) * w + j - 1] + 1;
			else
				*c = t[(i - 1) * w + j] > t[i * w + j - 1] ?
				     t[(i - 1) * w + j] : t[i * w + j - 1];
		}
	}
	r = t[a->n * w + b->n];
	free(t);
	return r;
}

/*
 * Diff @a and @b, apply the result to a, compare with b; when @minimal,
 * also check that no shorter diff exists.  Returns the number of hunks.
 */
static size_t check_pair(const char *a, size_t alen, const char *b,
			 size_t blen, bool minimal)
{
	char *out = diff_len(a, alen, b, blen), *res;
	size_t rlen, hunks, del, ins;

	res = apply(a, alen, out, &rlen, &hunks, &del, &ins);
	assert_int_equal(rlen, blen);
	assert_memory_equal(res, b, blen);
	if (alen == blen && !memcmp(a, b, alen))
		assert_string_equal(out, "");
	if (minimal) {
		struct lines al = split(a, alen), bl = split(b, blen);
		size_t common = lcs(&al, &bl);

		assert_int_equal(del, al.n - common);
		assert_int_equal(ins, bl.n - common);
		lines_free(&al);
		lines_free(&bl);
	}
	free(res);
	free(out);
	return hunks;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Texts built line by line. */
struct buf {
	char *s;
	size_t len;
	FILE *f;
};

static void buf_open(struct buf *b)
{
	b->s = NULL;
	b->f = open_memstream(&b->s, &b->len);
	assert_non_null(b->f);
}

static void buf_close(struct buf *b)
{
	assert_int_equal(fclose(b->f), 0);
}

/* xorshift64: the same "random" cases on every run and every libc. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

/* --- Exact output. */

static void test_identical(void **state)
{
	expect_diff("a\nb\n", "a\nb\n", "");
	expect_diff("", "", "");
	expect_diff(NULL, NULL, "");
	expect_diff(NULL, "", "");
	expect_diff("no newline", "no newline", "");
}

static void test_insert_start(void **state)
{
	expect_diff("1\n2\n3\n4\n5\n", "0\n1\n2\n3\n4\n5\n",
		    "--- a\n+++ b\n"
		    "@@ -1,3 +1,4 @@\n"
		    "+0\n"
		    " 1\n"
		    " 2\n"
		    " 3\n");
}

static void test_insert_middle(void **state)
{
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n",
		    "1\n2\n3\n4\nnew\n5\n6\n7\n8\n",
		    "--- a\n+++ b\n"
		    "@@ -2,6 +2,7 @@\n"
		    " 2\n"
		    " 3\n"
		    " 4\n"
		    "+new\n"
		    " 5\n"
		    " 6\n"
		    " 7\n");
}

static void test_insert_end(void **state)
{
	expect_diff("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n7\n",
		    "--- a\n+++ b\n"
		    "@@ -3,3 +3,5 @@\n"
		    " 3\n"
		    " 4\n"
		    " 5\n"
		    "+6\n"
		    "+7\n");
}

static void test_delete(void **state)
{
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n6\n7\n8\n",
		    "--- a\n+++ b\n"
		    "@@ -1,8 +1,6 @@\n"
		    " 1\n"
		    " 2\n"
		    " 3\n"
		    "-4\n"
		    "-5\n"
		    " 6\n"
		    " 7\n"
		    " 8\n");
	/* Deleting a single line of a single-line file. */
	expect_diff("x\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
}

static void test_replace(void **state)
{
	expect_diff("SELINUX=enforcing\nSELINUXTYPE=targeted\n",
		    "SELINUX=permissive\nSELINUXTYPE=targeted\n",
		    "--- a\n+++ b\n"
		    "@@ -1,2 +1,2 @@\n"
		    "-SELINUX=enforcing\n"
		    "+SELINUX=permissive\n"
		    " SELINUXTYPE=targeted\n");
	expect_diff("x\n", "y\n", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n");
}

/* 1..20 with line @x replaced by "X" and line @y by "Y". */
static char *two_changes(int x, int y)
{
	struct buf b;

	buf_open(&b);
	for (int i = 1; i <= 20; i++) {
		if (i == x)
			fputs("X\n", b.f);
		else if (i == y)
			fputs("Y\n", b.f);
		else
			fprintf(b.f, "%d\n", i);
	}
	buf_close(&b);
	return b.s;
}

static void test_two_hunks(void **state)
{
	char *a = two_changes(0, 0), *b = two_changes(5, 13);

	/* Seven unchanged lines between the changes: two hunks. */
	expect_diff(a, b,
		    "--- a\n+++ b\n"
		    "@@ -2,7 +2,7 @@\n"
		    " 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"
		    "@@ -10,7 +10,7 @@\n"
		    " 10\n 11\n 12\n-13\n+Y\n 14\n 15\n 16\n");
	free(a);
	free(b);
}

static void test_merged_hunk(void **state)
{
	char *a = two_changes(0, 0), *b = two_changes(5, 12);

	/* Six: the contexts touch, and GNU diff makes one hunk of them. */
	expect_diff(a, b,
		    "--- a\n+++ b\n"
		    "@@ -2,14 +2,14 @@\n"
		    " 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n 9\n 10\n 11\n"
		    "-12\n+Y\n 13\n 14\n 15\n");
	free(a);
	free(b);
}

static void test_created_removed(void **state)
{
	expect_diff(NULL, "a\nb\n",
		    "--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	expect_diff("a\nb\n", NULL,
		    "--- a\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
	expect_diff(NULL, "only",
		    "--- /dev/null\n+++ b\n@@ -0,0 +1 @@\n+only\n"
		    "\\ No newline at end of file\n");
}

static void test_null_label(void **state)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	assert_int_equal(diff_unified(f, NULL, NULL, 0, "new", "x\n", 2), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(out, "--- /dev/null\n+++ new\n@@ -0,0 +1 @@\n+x\n");
	free(out);
}

static void test_no_newline(void **state)
{
	/* Only a is missing its newline. */
	expect_diff("a\nb", "a\nb\n",
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
		    "\\ No newline at end of file\n+b\n");
	/* Only b. */
	expect_diff("a\nb\n", "a\nb",
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
		    "\\ No newline at end of file\n");
	/* Both, with different last lines. */
	expect_diff("a\nb", "a\nc",
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
		    "\\ No newline at end of file\n+c\n"
		    "\\ No newline at end of file\n");
	/* Both, the last line unchanged: it is context, marked too. */
	expect_diff("x\nb", "y\nb",
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-x\n+y\n b\n"
		    "\\ No newline at end of file\n");
}

static void test_binary(void **state)
{
	static const char a[] = "ab\0c\n", b[] = "ab\0d\n";
	char *out;

	out = diff_len(a, sizeof(a) - 1, b, sizeof(b) - 1);
	assert_string_equal(out, "Binary files a and b differ\n");
	free(out);
	/* One binary side is enough. */
	out = diff_len("text\n", 5, b, sizeof(b) - 1);
	assert_string_equal(out, "Binary files a and b differ\n");
	free(out);
	out = diff_len(NULL, 0, b, sizeof(b) - 1);
	assert_string_equal(out, "Binary files /dev/null and b differ\n");
	free(out);
	/* Equal binary texts are equal. */
	out = diff_len(a, sizeof(a) - 1, a, sizeof(a) - 1);
	assert_string_equal(out, "");
	free(out);
}

static void test_crlf(void **state)
{
	expect_diff("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n",
		    "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n");
	/* Line ends are content: only the converted line differs. */
	expect_diff("a\nb\nc\n", "a\nb\r\nc\n",
		    "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+b\r\n c\n");
}

static void test_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	assert_int_equal(diff_unified(f, "a", "x\n", 2, "b", "y\n", 2), -EIO);
	fclose(f);
}

/* --- Larger and random cases, checked by applying them. */

static void test_random_edits(void **state)
{
	static const char *const words[] = {
		"a\n", "b\n", "c\n", "d\n", "e\n", "a\r\n", "\n", "}\n",
	};

	for (int round = 0; round < 400; round++) {
		/* Few distinct lines: many equally good alignments. */
		unsigned nwords = 2 + rnd(ARRAY_SIZE(words) - 1);
		unsigned n = rnd(round < 300 ? 25 : 150), edits = rnd(8);
		struct buf a, b;
		unsigned *line = malloc((n + edits + 1) * sizeof(*line));
		unsigned len = n;

		assert_non_null(line);
		for (unsigned i = 0; i < n; i++)
			line[i] = rnd(nwords);
		buf_open(&a);
		for (unsigned i = 0; i < n; i++)
			fputs(words[line[i]], a.f);
		buf_close(&a);

		for (unsigned e = 0; e < edits; e++) {
			unsigned at = rnd(len + 1);

			switch (rnd(3)) {
			case 0:	/* insert */
				memmove(line + at + 1, line + at,
					(len - at) * sizeof(*line));
				line[at] = rnd(nwords);
				len++;
				break;
			case 1:	/* delete */
				if (at < len) {
					memmove(line + at, line + at + 1,
						(len - at - 1) * sizeof(*line));
					len--;
				}
				break;
			default: /* replace */
				if (at < len)
					line[at] = rnd(nwords);
			}
		}
		buf_open(&b);
		for (unsigned i = 0; i < len; i++)
			fputs(words[line[i]], b.f);
		buf_close(&b);

		/* Drop the last newline of either side now and then. */
		if (a.len && rnd(4) == 0)
			a.len--;
		if (b.len && rnd(4) == 0)
			b.len--;
		check_pair(a.s, a.len, b.s, b.len, true);
		free(line);
		free(a.s);
		free(b.s);
	}
}

/* Write @len bytes of @s to a new file in @dir. */
static char *write_tmp(const char *dir, const char *name, const char *s,
		       size_t len)
{
	char *path = strprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Our hunks against `diff -u`'s, headers (labels, dates) aside. */
static void expect_like_gnu(const char *a, size_t alen, const char *b,
			    size_t blen)
{
	char dir[] = "/tmp/test_diff.XXXXXX";
	char *pa, *pb, *cmd, *ours, *theirs = NULL, *p, *q;
	size_t size = 0;
	FILE *out, *in;
	char chunk[4096];
	size_t got;

	assert_non_null(mkdtemp(dir));
	pa = write_tmp(dir, "a", a, alen);
	pb = write_tmp(dir, "b", b, blen);
	cmd = strprintf("diff -u %s %s", pa, pb);
	in = popen(cmd, "r");
	assert_non_null(in);
	out = open_memstream(&theirs, &size);
	assert_non_null(out);
	while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
		fwrite(chunk, 1, got, out);
	assert_int_not_equal(pclose(in), -1);
	assert_int_equal(fclose(out), 0);

	ours = diff_len(a, alen, b, blen);
	p = ours;
	q = theirs;
	for (int i = 0; i < 2 && *p; i++) {
		p = strchr(p, '\n') + 1;
		q = strchr(q, '\n') + 1;
	}
	assert_string_equal(p, q);

	free(ours);
	free(theirs);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
	free(pa);
	free(pb);
	free(cmd);
}

/* Unrelated texts: long searches that run into every edge of the box. */
static void test_random_pairs(void **state)
{
	static const char *const words[] = { "x\n", "y\n", "z\n", "w\n" };

	for (int round = 0; round < 600; round++) {
		unsigned nwords = 1 + rnd(ARRAY_SIZE(words));
		unsigned na = rnd(40), nb = rnd(round % 3 ? 40 : 5);
		struct buf a, b;

		buf_open(&a);
		buf_open(&b);
		for (unsigned i = 0; i < na; i++)
			fputs(words[rnd(nwords)], a.f);
		for (unsigned i = 0; i < nb; i++)
			fputs(words[rnd(nwords)], b.f);
		buf_close(&a);
		buf_close(&b);
		if (round & 1)
			check_pair(a.s, a.len, b.s, b.len, true);
		else
			check_pair(b.s, b.len, a.s, a.len, true);
		free(a.s);
		free(b.s);
	}
}

/* Line @i of the @n lines "x" or "y" the bits of @bits choose. */
static char *bits_text(unsigned bits, unsigned n, size_t *len)
{
	char *s = malloc(2 * n + 1);

	assert_non_null(s);
	for (unsigned i = 0; i < n; i++) {
		s[2 * i] = bits & (1u << i) ? 'y' : 'x';
		s[2 * i + 1] = '\n';
	}
	*len = 2 * n;
	return s;
}

/* Every pair of texts of up to 7 lines over two distinct lines. */
static void test_exhaustive_small(void **state)
{
	for (unsigned na = 0; na <= 7; na++)
	for (unsigned ba = 0; ba < 1u << na; ba++)
	for (unsigned nb = 0; nb <= 7; nb++)
	for (unsigned bb = 0; bb < 1u << nb; bb++) {
		size_t alen, blen;
		char *a = bits_text(ba, na, &alen), *b = bits_text(bb, nb, &blen);

		check_pair(a, alen, b, blen, true);
		free(a);
		free(b);
	}
}

static void test_like_gnu_diff(void **state)
{
	if (system("diff --version >/dev/null 2>&1") != 0)
		skip();
	for (int round = 0; round < 40; round++) {
		/*
		 * Distinct lines, and new lines never seen before: the
		 * minimal diff is unique, so both tools must agree on it.
		 */
		unsigned n = rnd(60), next = 1000;
		struct buf a, b;

		buf_open(&a);
		buf_open(&b);
		for (unsigned i = 0; i < n; i++) {
			fprintf(a.f, "line %u\n", i);
			switch (rnd(10)) {
			case 0:		/* delete */
				break;
			case 1:		/* replace */
				fprintf(b.f, "line %u\n", next++);
				break;
			case 2:		/* insert */
				fprintf(b.f, "line %u\n", next++);
				/* fall through */
			default:
				fprintf(b.f, "line %u\n", i);
			}
		}
		buf_close(&a);
		buf_close(&b);
		if (a.len && rnd(5) == 0)
			a.len--;
		if (b.len && rnd(5) == 0)
			b.len--;
		expect_like_gnu(a.s, a.len, b.s, b.len);
		free(a.s);
		free(b.s);
	}
}

static void test_large_one_change(void **state)
{
	struct buf a, b;
	char *out, *nl;
	double t;

	buf_open(&a);
	buf_open(&b);
	for (int i = 0; i < 100000; i++) {
		fprintf(a.f, "option_%d = value\n", i);
		fprintf(b.f, i == 61234 ? "option_%d = changed\n"
					: "option_%d = value\n", i);
	}
	buf_close(&a);
	buf_close(&b);

	t = now();
	out = diff_len(a.s, a.len, b.s, b.len);
	t = now() - t;
	print_message("100k lines, one change: %.3f s\n", t);
	assert_true(t < 1.0);
	nl = strstr(out, "@@");
	assert_non_null(nl);
	assert_true(startswith(nl, "@@ -61232,7 +61232,7 @@\n"));
	free(out);
	assert_int_equal(check_pair(a.s, a.len, b.s, b.len, false), 1);
	free(a.s);
	free(b.s);
}

static void test_many_changes(void **state)
{
	struct buf a, b;
	size_t hunks;

	/* 4000 of 20000 lines changed: costly, yet within the search. */
	buf_open(&a);
	buf_open(&b);
	for (int i = 0; i < 20000; i++) {
		fprintf(a.f, "line %d\n", i);
		if (i % 5 == 0)
			fprintf(b.f, "new %d\n", i);
		else
			fprintf(b.f, "line %d\n", i);
	}
	buf_close(&a);
	buf_close(&b);
	hunks = check_pair(a.s, a.len, b.s, b.len, false);
	assert_int_equal(hunks, 1);	/* gaps of 4 lines: all merged */
	{
		char *out = diff_len(a.s, a.len, b.s, b.len);
		size_t del = 0, ins = 0;

		/* Minimal: each changed line is one - and one +. */
		for (char *p = strstr(out, "@@"); p; p = strchr(p, '\n')) {
			p++;
			del += *p == '-';
			ins += *p == '+';
		}
		assert_int_equal(del, 4000);
		assert_int_equal(ins, 4000);
		free(out);
	}
	free(a.s);
	free(b.s);
}

static void test_pathological(void **state)
{
	struct buf a, b, r;
	char *out;
	double t;

	/* Nothing in common. */
	buf_open(&a);
	buf_open(&b);
	buf_open(&r);
	for (int i = 0; i < 50000; i++) {
		fprintf(a.f, "a line %d\n", i);
		fprintf(b.f, "b line %d\n", i);
		fprintf(r.f, "a line %d\n", 49999 - i);
	}
	buf_close(&a);
	buf_close(&b);
	buf_close(&r);

	t = now();
	out = diff_len(a.s, a.len, b.s, b.len);
	t = now() - t;
	print_message("50k lines, all different: %.3f s\n", t);
	assert_true(t < 1.0);
	assert_true(startswith(out, "--- a\n+++ b\n@@ -1,50000 +1,50000 @@\n"));
	free(out);
	assert_int_equal(check_pair(a.s, a.len, b.s, b.len, false), 1);

	/* The same lines reversed: only the search can tell, up to its cap. */
	t = now();
	out = diff_len(a.s, a.len, r.s, r.len);
	t = now() - t;
	print_message("50k lines, reversed: %.3f s\n", t);
	/* The cap bounds it to ~10^8 steps: 0.3 s, more under sanitizers. */
	assert_true(t < 5.0);
	assert_true(startswith(out, "--- a\n+++ b\n@@ -1,50000 +1,50000 @@\n"));
	free(out);
	assert_int_equal(check_pair(a.s, a.len, r.s, r.len, false), 1);

	free(a.s);
	free(b.s);
	free(r.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_insert_start),
		cmocka_unit_test(test_insert_middle),
		cmocka_unit_test(test_insert_end),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_two_hunks),
		cmocka_unit_test(test_merged_hunk),
		cmocka_unit_test(test_created_removed),
		cmocka_unit_test(test_null_label),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_random_edits),
		cmocka_unit_test(test_random_pairs),
		cmocka_unit_test(test_exhaustive_small),
		cmocka_unit_test(test_like_gnu_diff),
		cmocka_unit_test(test_large_one_change),
		cmocka_unit_test(test_many_changes),
		cmocka_unit_test(test_pathological),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
