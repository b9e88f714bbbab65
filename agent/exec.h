/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running programs for fix mode: no shell, a timeout, output captured,
 * chrooted into the root when the command belongs to an offline guest.
 * This is the seam tests replace (-Wl,--wrap=exec_command).
 */
#ifndef GUESTPREP_EXEC_H
#define GUESTPREP_EXEC_H

#include <stdbool.h>
#include <stddef.h>
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

/* How exec_program() runs a program; all zero is exec_command()'s way. */
struct exec_opts {
	char *const *env;	/* NULL: exec_command()'s fixed environment */
	unsigned timeout_ms;	/* 0: exec_command()'s timeout */
	bool keep_stderr;	/* stderr stays ours, apart from the output */
};

/* What exec_program() collected; output is NUL-terminated, caller frees. */
struct exec_result {
	char *output;		/* stdout (and stderr unless keep_stderr) */
	size_t len;		/* bytes in output, before the NUL */
	bool truncated;		/* more than EXEC_OUTPUT_MAX was printed */
	int status;		/* as from waitpid() */
};

/*
 * Run @argv (argv[0] absolute, no shell, no chroot) as exec_command()
 * does.  0 once the program has ended, however it ended (*ret holds its
 * wait status: the caller judges it); -ETIMEDOUT when it was killed for
 * the timeout; the errno of execve() when it could not start; -EINVAL
 * for a relative argv[0].  *ret is written only on 0.
 */
int exec_program(char *const argv[], const struct exec_opts *opts,
		 struct exec_result *ret);

/* The timeout, in milliseconds, for tests; 0 restores EXEC_TIMEOUT_SEC. */
void exec_set_timeout(unsigned ms);

#endif
