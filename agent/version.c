/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Release and kernel version ordering (see include/guestprep/profile.h).
 *
 * Versions come from release files and module directories, not from a
 * single scheme: "6.10", "14.04.6", "7.9.2009", "12.1-RELEASE-p3",
 * "3.10.0-1160.el7.x86_64".  Runs of digits compare as numbers, so
 * "6.10" follows "6.9" and "14.04" equals "14.4"; every other character
 * compares as a byte, so "7.9.2009" follows "7.9".
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "guestprep/macro.h"
#include "guestprep/profile.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Characters that end a component: "12.1-RELEASE" has three. */
static bool is_separator(char c)
{
	return c == '.' || c == '-' || c == '_' || c == '+' || c == '~';
}

/* Compare the digit runs at *a and *b as numbers, advancing past both. */
static int cmp_number(const char **a, const char *aend, const char **b,
		      const char *bend)
{
	const char *as, *bs;
	size_t alen, blen;

	/* Leading zeros carry no value: "04" is 4. */
	while (*a < aend && **a == '0')
		(*a)++;
	while (*b < bend && **b == '0')
		(*b)++;
	for (as = *a; *a < aend && is_digit(**a); (*a)++)
		;
	for (bs = *b; *b < bend && is_digit(**b); (*b)++)
		;
	alen = (size_t)(*a - as);
	blen = (size_t)(*b - bs);
	/* Without leading zeros, the longer run is the larger number. */
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(as, bs, alen);
}

static int cmp_n(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *aend = a + alen, *bend = b + blen;

	while (a < aend || b < bend) {
		unsigned char ca = a < aend ? (unsigned char)*a : 0;
		unsigned char cb = b < bend ? (unsigned char)*b : 0;

		if (is_digit((char)ca) && is_digit((char)cb)) {
			int r = cmp_number(&a, aend, &b, bend);

			if (r != 0)
				return r < 0 ? -1 : 1;
			continue;
		}
		if (ca != cb)
			return ca < cb ? -1 : 1;
		a++;
		b++;
	}
	return 0;
}

/* NULL sorts before every version, so a missing one never wins. */
int gp_version_cmp(const char *a, const char *b)
{
	if (!a)
		return b ? -1 : 0;
	if (!b)
		return 1;
	return cmp_n(a, strlen(a), b, strlen(b));
}

static size_t count_components(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		if (is_separator(*s))
			n++;
	return n;
}

/* The length of the first @n components of @s. */
static size_t prefix_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (is_separator(s[i]) && --n == 0)
			break;
	return i;
}

enum op { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

/* Split a pattern into its comparison and the version it names. */
static const char *parse_op(const char *pattern, enum op *ret)
{
	static const struct {
		const char *text;
		enum op op;
	} ops[] = {
		{ ">=", OP_GE }, { "<=", OP_LE }, { "==", OP_EQ },
		{ ">", OP_GT },	 { "<", OP_LT },  { "=", OP_EQ },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t len = strlen(ops[i].text);

		if (strncmp(pattern, ops[i].text, len) == 0) {
			*ret = ops[i].op;
			return pattern + len + strspn(pattern + len, " \t");
		}
	}
	*ret = OP_EQ;
	return pattern;
}

/*
 * A pattern names a release as precisely as it wants: the version is
 * cut to as many components as the pattern has before comparing, so
 * "6" takes "6.10" (not "60"), "13.1" takes "13.1.2" (not "13.10"),
 * "<=12" takes "12.5" and ">7" does not take "7.9".
 */
static bool match_one(const char *version, const char *pattern)
{
	const char *want;
	enum op op;
	int r;

	want = parse_op(pattern, &op);
	if (!*want)
		return false;
	r = cmp_n(version, prefix_len(version, count_components(want)), want,
		  strlen(want));
	switch (op) {
	case OP_LT:
		return r < 0;
	case OP_LE:
		return r <= 0;
	case OP_GT:
		return r > 0;
	case OP_GE:
		return r >= 0;
	default:
		return r == 0;
	}
}

bool gp_version_matches(const char *version, char *const *patterns)
{
	if (!version || !*version || !patterns)
		return false;
	for (size_t i = 0; patterns[i]; i++)
		if (match_one(version, patterns[i]))
			return true;
	return false;
}
