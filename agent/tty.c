/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "guestprep/macro.h"
#include "tty.h"

/*
 * The terminal's settings while echo is off, so that a signal that ends
 * the program (Ctrl-C at the prompt) does not leave the terminal silent.
 */
static struct termios saved_tio;
static volatile sig_atomic_t saved_fd = -1;
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction old_actions[ARRAY_SIZE(fatal_signals)];

static void restore_and_die(int sig)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &old_actions[i], NULL);
}

bool tty_is_terminal(int fd)
{
	return isatty(fd) == 1;
}

int tty_echo_off(int fd)
{
	struct sigaction sa = {.sa_handler = restore_and_die};
	struct termios tio;
	int r;

	if (tcgetattr(fd, &saved_tio) < 0)
		return -errno;
	tio = saved_tio;
	/* No echo, but the newline, so the terminal moves on as usual. */
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	tio.c_lflag |= ECHONL;
	sigemptyset(&sa.sa_mask);
	saved_fd = fd;
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &old_actions[i]);
	/* TCSAFLUSH: what was typed ahead, echoed already, is dropped. */
	if (tcsetattr(fd, TCSAFLUSH, &tio) == 0)
		return 0;
	r = -errno;
	restore_signals();
	saved_fd = -1;
	return r;
}

void tty_echo_restore(int fd)
{
	tcsetattr(fd, TCSANOW, &saved_tio);
	saved_fd = -1;
	restore_signals();
}

void tty_discard_input(int fd)
{
	tcflush(fd, TCIFLUSH);
}
