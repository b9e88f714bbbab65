/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cloud's password policy, for `guestprep password`: whether the
 * password the user means to give the instance (Administrator on
 * Windows, root on Linux) is one the import and the console accept.
 *
 * The password is read from standard input only (a command line is seen
 * by every user of the machine through /proc and ends up in shell
 * histories), from a terminal without echo.  Nothing here prints it or
 * any part of it, and every buffer that held it is wiped with
 * explicit_bzero() before it is freed.
 */
#ifndef GUESTPREP_PASSWORD_H
#define GUESTPREP_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest line the reader takes, line ending left out. */
#define GP_PASSWORD_MAX_LINE 1024

/* The four character classes, as bits of gp_password_verdict.classes. */
enum {
	GP_PW_UPPER = 1 << 0,
	GP_PW_LOWER = 1 << 1,
	GP_PW_DIGIT = 1 << 2,
	GP_PW_SPECIAL = 1 << 3,
};

/* The rules a password breaks, as bits of gp_password_verdict.problems. */
enum {
	GP_PW_TOO_SHORT = 1 << 0,
	GP_PW_TOO_LONG = 1 << 1,
	GP_PW_FEW_CLASSES = 1 << 2,
	GP_PW_BAD_CHAR = 1 << 3,    /* ASCII outside the allowed set */
	GP_PW_NON_ASCII = 1 << 4,   /* a byte above 0x7f */
	GP_PW_SLASH_FIRST = 1 << 5, /* '/' may not come first */
};

#define GP_PW_MIN_LENGTH  8
#define GP_PW_MAX_LENGTH  30
#define GP_PW_MIN_CLASSES 3

/* What the policy says of a password; holds nothing of the password. */
struct gp_password_verdict {
	bool accepted;
	size_t length;	  /* characters (a UTF-8 sequence counts once) */
	unsigned classes; /* GP_PW_UPPER... */
	unsigned n_classes;
	unsigned problems; /* GP_PW_TOO_SHORT...; 0 when accepted */
};

/* Judge the @len bytes at @pw (NULs are characters like any other). */
void gp_password_judge(const char *pw, size_t len,
		       struct gp_password_verdict *ret);

/*
 * Names for reports, NULL for a bit that is not one: "upper", "lower",
 * "digit", "special"; "too_short", "too_long", "too_few_classes",
 * "invalid_character", "non_ascii", "slash_first".
 */
const char *gp_password_class_name(unsigned class_bit);
const char *gp_password_problem_name(unsigned problem_bit);

/*
 * Read one password from @fd.  On a terminal: @prompt is written to
 * @tty_out (the terminal, normally stderr) and echo is off while the
 * line is typed.  Otherwise one line is read (anything after it is left
 * unread).  A trailing "\n" or "\r\n" is stripped.  *ret (NUL-terminated,
 * *ret_len bytes) is freed with gp_password_free().  Errors:
 *   -ENODATA   end of input before anything was read;
 *   -EILSEQ    a NUL byte in the line;
 *   -EMSGSIZE  a line longer than GP_PASSWORD_MAX_LINE;
 *   -ENOMEM, or the -errno of read().
 */
int gp_password_read(int fd, FILE *tty_out, const char *prompt, char **ret,
		     size_t *ret_len);
/* Wipe and free a password from gp_password_read(); NULL is fine. */
void gp_password_free(char *pw);

/*
 * `guestprep password`: read from @fd, judge, write the verdict to @out
 * as text or JSON; prompts and errors go to @err.  The exit code: 0
 * accepted, 2 rejected, 64 unusable input, 70 an I/O error.
 */
int password_command(int fd, FILE *out, FILE *err, bool json);

#endif
