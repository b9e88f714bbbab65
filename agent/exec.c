/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the commands of fix mode (see exec.h).
 *
 * No shell: argv goes straight to execve() with a small fixed
 * environment, so nothing a fixer passes is ever parsed again.  The child
 * gets its own process group, so that on timeout everything it started
 * is killed with it.  Output is read while the command runs (a full pipe
 * would stall it), capped, and stops being read once the command itself
 * has exited: a daemon it started may keep the pipe open for ever.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "guestprep/fix.h"
#include "guestprep/macro.h"
#include "exec.h"

#define TRUNCATED_NOTE "\n[output truncated]\n"
/* After the command exits, what its children still print is dropped. */
#define DRAIN_MAX (1u << 20)

static unsigned timeout_ms = EXEC_TIMEOUT_SEC * 1000;

/* Commands see this, not the environment guestprep was started with. */
static char *const clean_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"LC_ALL=C",
	NULL,
};

void exec_set_timeout(unsigned ms)
{
	timeout_ms = ms ? ms : EXEC_TIMEOUT_SEC * 1000;
}

struct output {
	char *buf;
	size_t len;
	bool truncated;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep what fits under the cap; the rest is read and dropped. */
static int output_add(struct output *out, const char *data, size_t n)
{
	size_t room = EXEC_OUTPUT_MAX - out->len;

	if (!out->buf) {
		out->buf = malloc(EXEC_OUTPUT_MAX + sizeof(TRUNCATED_NOTE));
		if (!out->buf)
			return -ENOMEM;
	}
	if (n > room) {
		n = room;
		out->truncated = true;
	}
	memcpy(out->buf + out->len, data, n);
	out->len += n;
	return 0;
}

static char *output_take(struct output *out)
{
	char *s;

	if (!out->buf)
		return strdup("");
	if (out->truncated)
		memcpy(out->buf + out->len, TRUNCATED_NOTE,
		       sizeof(TRUNCATED_NOTE));
	else
		out->buf[out->len] = '\0';
	s = out->buf;
	out->buf = NULL;
	return s;
}

/*
 * In the child, between fork() and execve(): async-signal-safe calls only.
 * A failure is reported to the parent as an errno on @err_fd.
 */
static _Noreturn void child_run(char *const argv[], char *const env[],
				const char *chroot_dir, bool keep_stderr,
				int in_fd, int out_fd, int err_fd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	/* We may run with SIGPIPE ignored; the command should not. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    (!keep_stderr && dup2(out_fd, STDERR_FILENO) < 0))
		goto fail;
	if (chroot_dir && chroot(chroot_dir) < 0)
		goto fail;
	if (chdir("/") < 0)
		goto fail;
	execve(argv[0], argv, env);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* What the child reported before execve(): 0 when the exec succeeded. */
static int exec_error(int err_fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) && e > 0 ? -e : 0;
}

/* Read what is there now; -EAGAIN when nothing is, 0 at end of file. */
static ssize_t read_some(int fd, struct output *out)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	if (n > 0 && output_add(out, buf, (size_t)n) < 0)
		return -ENOMEM;
	return n;
}

/* The command has exited: take what is buffered, without waiting. */
static void drain(int fd, struct output *out)
{
	size_t total = 0;
	ssize_t n;

	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		return;
	while (total < DRAIN_MAX && (n = read_some(fd, out)) > 0)
		total += (size_t)n;
}

/*
 * Collect output until the child exits or the deadline passes.  Returns
 * 0 with *status set, or -ETIMEDOUT (the child is then still running).
 */
static int wait_child(pid_t pid, int out_fd, struct output *out,
		      int64_t deadline, int *status)
{
	bool eof = false;

	for (;;) {
		int64_t left = deadline - now_ms();
		int slice = left > 100 ? 100 : (int)left;
		pid_t w;

		if (left <= 0)
			return -ETIMEDOUT;
		if (!eof) {
			struct pollfd p = { .fd = out_fd, .events = POLLIN };

			if (poll(&p, 1, slice) > 0) {
				ssize_t n = read_some(out_fd, out);

				/* A read error: stop reading, keep waiting. */
				eof = n == 0 || (n < 0 && n != -EAGAIN);
			}
		} else {
			struct timespec ts = { 0, 10 * 1000000L };

			nanosleep(&ts, NULL);
		}
		w = waitpid(pid, status, WNOHANG);
		if (w == pid) {
			if (!eof)
				drain(out_fd, out);
			return 0;
		}
		if (w < 0 && errno != EINTR)
			return -errno;
	}
}

static void kill_child(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Pipes for the child: [0] stdin (empty), [1] output, [2] exec errors. */
struct pipes {
	int in[2], out[2], err[2];
};

static void pipes_close(struct pipes *p)
{
	int *fds[] = { p->in, p->out, p->err };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		for (int k = 0; k < 2; k++)
			if (fds[i][k] >= 0) {
				close(fds[i][k]);
				fds[i][k] = -1;
			}
}

static int pipes_open(struct pipes *p)
{
	p->in[0] = p->in[1] = p->out[0] = p->out[1] = -1;
	p->err[0] = p->err[1] = -1;
	if (pipe2(p->in, O_CLOEXEC) < 0 || pipe2(p->out, O_CLOEXEC) < 0 ||
	    pipe2(p->err, O_CLOEXEC) < 0) {
		int r = -errno;

		pipes_close(p);
		return r;
	}
	/* stdin reads end of file at once. */
	close(p->in[1]);
	p->in[1] = -1;
	return 0;
}

static int exec_status(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -ECHILD;
}

/*
 * Fork, exec and collect; 0 once the program has ended, whatever its
 * status (then in res->status), or a negative errno.
 */
static int run(char *const argv[], const char *chroot_dir,
	       const struct exec_opts *opts, struct exec_result *res)
{
	struct output out = { 0 };
	struct pipes p;
	int r;
	pid_t pid;

	r = pipes_open(&p);
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		pipes_close(&p);
		return r;
	}
	if (pid == 0)
		child_run(argv, opts->env ? opts->env : clean_env, chroot_dir,
			  opts->keep_stderr, p.in[0], p.out[1], p.err[1]);

	/* Both sides set the group, so kill(-pid) works whoever is first. */
	setpgid(pid, pid);
	close(p.out[1]);
	close(p.err[1]);
	p.out[1] = p.err[1] = -1;
	r = exec_error(p.err[0]);
	if (r == 0)
		r = wait_child(pid, p.out[0], &out,
			       now_ms() + (opts->timeout_ms ? opts->timeout_ms
							    : timeout_ms),
			       &res->status);
	if (r < 0)
		kill_child(pid);
	pipes_close(&p);
	res->len = out.len;
	res->truncated = out.truncated;
	res->output = output_take(&out);
	free(out.buf);
	return r;
}

int exec_program(char *const argv[], const struct exec_opts *opts,
		 struct exec_result *ret)
{
	struct exec_result res = { 0 };
	int r;

	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	r = run(argv, NULL, opts, &res);
	if (r < 0) {
		free(res.output);
		return r;
	}
	if (!res.output)
		return -ENOMEM;
	*ret = res;
	return 0;
}

int exec_command(struct gp_root *root, struct gp_change *change)
{
	const struct exec_opts opts = { 0 };
	struct exec_result res = { 0 };
	const char *chroot_dir = NULL;
	char *output = NULL;
	int r;

	if (!change->argv || !change->argv[0] || change->argv[0][0] != '/')
		return -EINVAL;
	if ((change->flags & GP_CMD_IN_GUEST) && !gp_root_is_live(root))
		chroot_dir = gp_root_path(root);
	r = run(change->argv, chroot_dir, &opts, &res);
	if (r == 0)
		r = exec_status(res.status);
	output = res.output;
	free(change->output);
	change->output = output;
	if (!output && r == 0)
		r = -ENOMEM;
	return r;
}
