/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running programs for fix mode: no shell, a timeout, output captured,
 * chrooted into the root when the command belongs to an offline guest.
 * This is the seam tests replace (-Wl,--wrap=exec_command).
 */
#ifndef GUESTPREP_EXEC_H
#define GUESTPREP_EXEC_H

#include "guestprep/root.h"
#include "change.h"

#define EXEC_TIMEOUT_SEC 300
/* At most this much output is kept; a note says when more was printed. */
#define EXEC_OUTPUT_MAX (64u << 10)

/*
 * Run change->argv (argv[0] an absolute path: there is no PATH search
 * and no shell) with stdin empty, the environment PATH, HOME=/root and
 * LC_ALL=C only, in "/", putting what it printed (stdout and stderr
 * interleaved, capped) into change->output, which it replaces.
 *
 * 0 when it exited 0; -ECHILD for a non-zero exit or a signal;
 * -ETIMEDOUT when it was killed (with its process group) for the
 * timeout; the errno of execve() or chroot() when it could not start
 * (-ENOENT: no such program); -EINVAL for an empty or relative argv[0].
 * Commands flagged GP_CMD_IN_GUEST run chrooted into @root unless the
 * root is live.  Once the command has exited, output its children still
 * print is not waited for.
 */
int exec_command(struct gp_root *root, struct gp_change *change);

/* The timeout, in milliseconds, for tests; 0 restores EXEC_TIMEOUT_SEC. */
void exec_set_timeout(unsigned ms);

#endif
