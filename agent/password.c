/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cloud's password policy and `guestprep password`.
 *
 * The requirements (000, English; the Chinese 001 says the same in
 * fewer words, 002 does not change it): "The logon password for the
 * administrator account must be 8 to 30 characters in length and must
 * contain three out of the four types of characters, namely small and
 * capital letters, numbers, and special characters.  Specifically,
 * special characters can be ( ) ` ~ ! @ # $ % ^ & * - _ + = | { } [ ] : ;
 * ' < > , . ? /.  Additionally, the forward slash (/) cannot be the
 * first character of the password."  The same rule is given for root's
 * password on Linux.  Anything else (a space, '"', '\', control
 * characters, letters outside ASCII) is not in the list, so the console
 * refuses it: such a password is rejected here too.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "password.h"
#include "tty.h"

/* The requirements' list of special characters, in their order. */
static const char specials[] = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";

static unsigned class_of(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return GP_PW_UPPER;
	if (c >= 'a' && c <= 'z')
		return GP_PW_LOWER;
	if (c >= '0' && c <= '9')
		return GP_PW_DIGIT;
	if (c && strchr(specials, c))
		return GP_PW_SPECIAL;
	return 0;
}

void gp_password_judge(const char *pw, size_t len,
		       struct gp_password_verdict *ret)
{
	const unsigned char *s = (const unsigned char *)pw;
	struct gp_password_verdict v = {0};
	size_t i = 0, n;

	while (i < len) {
		if (s[i] < 0x80) {
			unsigned c = class_of(s[i]);

			v.classes |= c;
			if (!c)
				v.problems |= GP_PW_BAD_CHAR;
			n = 1;
		} else {
			/* One character however many bytes it takes. */
			n = utf8_sequence(s + i, len - i);
			if (n == 0)
				n = 1;
			v.problems |= GP_PW_NON_ASCII;
		}
		i += n;
		v.length++;
	}
	for (unsigned b = GP_PW_UPPER; b <= GP_PW_SPECIAL; b <<= 1)
		v.n_classes += !!(v.classes & b);
	if (v.length < GP_PW_MIN_LENGTH)
		v.problems |= GP_PW_TOO_SHORT;
	if (v.length > GP_PW_MAX_LENGTH)
		v.problems |= GP_PW_TOO_LONG;
	if (v.n_classes < GP_PW_MIN_CLASSES)
		v.problems |= GP_PW_FEW_CLASSES;
	if (len && s[0] == '/')
		v.problems |= GP_PW_SLASH_FIRST;
	v.accepted = v.problems == 0;
	*ret = v;
}

const char *gp_password_class_name(unsigned class_bit)
{
	switch (class_bit) {
	case GP_PW_UPPER:
		return "upper";
	case GP_PW_LOWER:
		return "lower";
	case GP_PW_DIGIT:
		return "digit";
	case GP_PW_SPECIAL:
		return "special";
	}
	return NULL;
}

const char *gp_password_problem_name(unsigned problem_bit)
{
	switch (problem_bit) {
	case GP_PW_TOO_SHORT:
		return "too_short";
	case GP_PW_TOO_LONG:
		return "too_long";
	case GP_PW_FEW_CLASSES:
		return "too_few_classes";
	case GP_PW_BAD_CHAR:
		return "invalid_character";
	case GP_PW_NON_ASCII:
		return "non_ascii";
	case GP_PW_SLASH_FIRST:
		return "slash_first";
	}
	return NULL;
}

/* --- reading ------------------------------------------------------------ */

/*
 * One line into @buf (@size bytes: the longest line, its "\r" and the
 * NUL), a byte at a time: standard input is never buffered by stdio,
 * where a copy could stay that nobody wipes, and what follows the line
 * stays unread for whoever comes next.
 */
static int read_line(int fd, char *buf, size_t size, size_t *ret_len)
{
	bool any = false, newline = false, nul = false;
	size_t n = 0;
	char c = 0;
	int r = 0;

	for (;;) {
		ssize_t k = read(fd, &c, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = k < 0 ? -errno : 0;
			break;
		}
		any = true;
		if (c == '\n') {
			newline = true;
			break;
		}
		nul |= c == '\0';
		if (n + 1 >= size) {
			r = -EMSGSIZE;
			break;
		}
		buf[n++] = c;
	}
	explicit_bzero(&c, sizeof(c));
	if (r < 0)
		return r;
	if (!any)
		return -ENODATA;
	if (newline && n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (nul)
		return -EILSEQ;
	if (n > GP_PASSWORD_MAX_LINE)
		return -EMSGSIZE;
	buf[n] = '\0';
	*ret_len = n;
	return 0;
}

void gp_password_free(char *pw)
{
	if (!pw)
		return;
	explicit_bzero(pw, GP_PASSWORD_MAX_LINE + 2);
	free(pw);
}

static void password_freep(char **pw)
{
	gp_password_free(*pw);
}

int gp_password_read(int fd, FILE *tty_out, const char *prompt, char **ret,
		     size_t *ret_len)
{
	_cleanup_(password_freep) char *buf = NULL;
	bool tty = tty_is_terminal(fd);
	size_t len = 0;
	int r;

	/* Always this size, so gp_password_free() knows what to wipe. */
	buf = calloc(1, GP_PASSWORD_MAX_LINE + 2);
	if (!buf)
		return -ENOMEM;
	if (tty) {
		r = tty_echo_off(fd);
		if (r < 0)
			/* cppcheck-suppress memleak ; password_freep() wipes and frees buf */
			return r;
		fputs(prompt, tty_out);
		fflush(tty_out);
	}
	r = read_line(fd, buf, GP_PASSWORD_MAX_LINE + 2, &len);
	if (tty) {
		/* The rest of a refused line must not reach the shell. */
		if (r < 0)
			tty_discard_input(fd);
		tty_echo_restore(fd);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* --- the command ------------------------------------------------------- */

static const char *problem_text(unsigned problem)
{
	switch (problem) {
	case GP_PW_TOO_SHORT:
		return "it is shorter than 8 characters";
	case GP_PW_TOO_LONG:
		return "it is longer than 30 characters";
	case GP_PW_FEW_CLASSES:
		return "it uses fewer than 3 of the 4 kinds of characters "
		       "(upper case letters, lower case letters, digits, "
		       "special characters)";
	case GP_PW_BAD_CHAR:
		return "it has a character the cloud does not take (only "
		       "letters, digits and ()`~!@#$%^&*-_+=|{}[]:;'<>,.?/ are "
		       "allowed: no space, '\"' or '\\')";
	case GP_PW_NON_ASCII:
		return "it has a character outside ASCII (accented letters and "
		       "other scripts are not allowed)";
	case GP_PW_SLASH_FIRST:
		return "it starts with '/'";
	}
	return "?";
}

static void write_text(FILE *out, const struct gp_password_verdict *v)
{
	const char *sep = "";

	fprintf(out, "password %s: %zu characters, %u of 4 kinds (",
		v->accepted ? "accepted" : "rejected", v->length, v->n_classes);
	for (unsigned b = GP_PW_UPPER; b <= GP_PW_SPECIAL; b <<= 1)
		if (v->classes & b) {
			fprintf(out, "%s%s", sep, gp_password_class_name(b));
			sep = ", ";
		}
	fputs(*sep ? ")\n" : "none)\n", out);
	for (unsigned b = GP_PW_TOO_SHORT; b <= GP_PW_SLASH_FIRST; b <<= 1)
		if (v->problems & b)
			fprintf(out, "  - %s\n", problem_text(b));
	if (!v->accepted)
		fputs("The cloud takes 8 to 30 characters with at least 3 of: "
		      "upper case letters, lower case letters, digits, "
		      "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/ (not first: /).\n",
		      out);
}

static void write_json(FILE *out, const struct gp_password_verdict *v)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_bool(&j, "accepted", v->accepted);
	json_uint(&j, "length", v->length);
	json_array_begin(&j, "classes");
	for (unsigned b = GP_PW_UPPER; b <= GP_PW_SPECIAL; b <<= 1)
		if (v->classes & b)
			json_string(&j, NULL, gp_password_class_name(b));
	json_array_end(&j);
	json_array_begin(&j, "problems");
	for (unsigned b = GP_PW_TOO_SHORT; b <= GP_PW_SLASH_FIRST; b <<= 1)
		if (v->problems & b)
			json_string(&j, NULL, gp_password_problem_name(b));
	json_array_end(&j);
	json_object_end(&j);
}

static int read_error(FILE *err, int r)
{
	switch (r) {
	case -ENODATA:
		fputs("guestprep: error: no password on standard input\n", err);
		return GP_EXIT_USAGE;
	case -EILSEQ:
		fputs("guestprep: error: the password contains a NUL byte\n",
		      err);
		return GP_EXIT_USAGE;
	case -EMSGSIZE:
		fprintf(err,
			"guestprep: error: the line is longer than %d bytes\n",
			GP_PASSWORD_MAX_LINE);
		return GP_EXIT_USAGE;
	}
	fprintf(err, "guestprep: error: reading the password: %s\n",
		strerror(-r));
	return GP_EXIT_INTERNAL;
}

int password_command(int fd, FILE *out, FILE *err, bool json)
{
	struct gp_password_verdict v;
	char *pw = NULL;
	size_t len = 0;
	int r;

	r = gp_password_read(fd, err, "Password (not shown): ", &pw, &len);
	if (r < 0)
		return read_error(err, r);
	gp_password_judge(pw, len, &v);
	gp_password_free(pw);
	if (json)
		write_json(out, &v);
	else
		write_text(out, &v);
	if (fflush(out) != 0 || ferror(out)) {
		fputs("guestprep: error: cannot write the verdict\n", err);
		return GP_EXIT_INTERNAL;
	}
	return v.accepted ? GP_EXIT_READY : GP_EXIT_NOT_READY;
}
