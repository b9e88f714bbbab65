/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site checks: executables an administrator drops into
 * /etc/guestprep/checks.d, run like monitoring plugins (no shell, a clean
 * environment, a timeout) and merged into the report as the findings of
 * the pseudo plugin "site" (ids "site.NAME" and beneath).  What they print
 * is the JSON form README.md documents; whatever they do wrong becomes an
 * "error" finding naming them, never a failed run.
 *
 * They run only on the live system by default: executables found in an
 * offline guest tree (--root) are the image's, not the administrator's,
 * and guestprep runs as root.  --checks-dir names a trusted directory of
 * the host to run against any root (GUESTPREP_ROOT tells them which).
 */
#ifndef GUESTPREP_EXTCHECKS_H
#define GUESTPREP_EXTCHECKS_H

#include <stdio.h>

#include "runner.h"

/* The pseudo plugin's name: --only site, --skip site.NAME. */
#define EXTCHECKS_PLUGIN "site"
/* Inside the root, on the live system. */
#define EXTCHECKS_DIR "/etc/guestprep/checks.d"
#define EXTCHECKS_TIMEOUT_SEC 10
/* --checks-timeout and checks-timeout: 1 s to a day. */
#define EXTCHECKS_TIMEOUT_MAX 86400
/* What one check may report: more is an error finding. */
#define EXTCHECKS_MAX_FINDINGS 64
#define EXTCHECKS_MAX_EVIDENCE 32
#define EXTCHECKS_MAX_TEXT 2048
#define EXTCHECKS_MAX_ID 128

/*
 * Run the site checks ctx->checks_dir names (or the live root's
 * EXTCHECKS_DIR) and add their findings to ctx->report.  0, or -ENOMEM;
 * a broken check is a finding, not an error.
 */
int extchecks_run(struct gp_ctx *ctx);

/*
 * For `guestprep list`: print the "site" pseudo plugin and each site
 * check that extchecks_run() would run for @root and @checks_dir (NULL:
 * the live root's EXTCHECKS_DIR), and those it would refuse with the
 * reason, without running any.  0, or -EIO when @f failed.
 */
int extchecks_list(FILE *f, const struct gp_root *root, const char *checks_dir);

/* A timeout in seconds, 1 to EXTCHECKS_TIMEOUT_MAX; 0 or -EINVAL. */
int extchecks_parse_timeout(const char *s, unsigned *ret);

#endif
