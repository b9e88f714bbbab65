/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks: the half every platform shares (agent/extchecks-report.c),
 * for agent/extchecks.c (POSIX) and agent/extchecks-win32.c, which find
 * and run the checks each their own way.  Strings returned are the
 * caller's to free unless said otherwise.
 */
#ifndef GUESTPREP_EXTCHECKS_INTERNAL_H
#define GUESTPREP_EXTCHECKS_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "exec.h"
#include "extchecks.h"

/* The id `guestprep list` files refused entries under. */
#define EXTCHECKS_LIST_IGNORED EXTCHECKS_PLUGIN ".ignored"

/* A JSON value as the strict reader returns it (fuzzers read it too). */
enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	char *str;		/* JV_STRING: decoded, without NUL bytes */
	size_t n;		/* JV_ARRAY, JV_OBJECT: entries */
	struct jv *items;
	char **keys;		/* JV_OBJECT: the key of each item */
};

/*
 * The whole of @data is one JSON value (blanks around it allowed).  0,
 * -ENOMEM, or -EINVAL with *ret_error saying why (a static string).
 */
int jv_parse(const char *data, size_t len, struct jv *ret,
	     const char **ret_error);
void jv_done(struct jv *v);

/*
 * run-parts' rule for a check's name: a plain word of [A-Za-z0-9_-],
 * at most 64 bytes, so "x~", "x.bak", "x.dpkg-new" never run.
 */
bool extchecks_name_valid(const char *s);

/* The error finding "site.NAME" about check @name at @path: it @what. */
struct gp_finding *extchecks_emit_broken(struct gp_ctx *ctx, const char *name,
					 const char *path, const char *what);

/*
 * A check that ran to its end, with @exit_code: its findings when @res
 * holds a valid report, otherwise an error finding saying what is
 * wrong (too much output, not the documented JSON, a failure without a
 * report).  How it ended otherwise (a signal, an exception) is the
 * caller's to judge first.
 */
void extchecks_take_output(struct gp_ctx *ctx, const char *name,
			   const char *path, const struct exec_result *res,
			   int exit_code);

/*
 * The warning "site.ignored" of the directory @shown: each of @skipped
 * ("PATH why") as evidence, @rule as the remedy.  Nothing when empty.
 */
void extchecks_warn_skipped(struct gp_ctx *ctx, const char *shown,
			    char **skipped, const char *rule);

/*
 * One line of `guestprep list`: the check @name at @shown, or, with
 * @why, an entry that would not run.
 */
void extchecks_list_entry(FILE *f, const char *name, const char *shown,
			  const char *why);

#endif
