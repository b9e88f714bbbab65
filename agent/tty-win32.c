/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The console, for reading a secret (see tty.h): echo
 * off with SetConsoleMode while it is typed, and the mode put back
 * afterwards, also when Ctrl-C or Ctrl-Break ends the program at the
 * prompt (a console control handler: Windows has no SIGINT handler that
 * runs before the process goes).
 */
#include "config.h"

#include <io.h>
#include <stdio.h>
#include <windows.h>

#include "tty.h"

static HANDLE saved_handle = INVALID_HANDLE_VALUE;
static DWORD saved_mode;

static HANDLE console_of(int fd)
{
	intptr_t h = _get_osfhandle(fd);

	return h == -1 ? INVALID_HANDLE_VALUE : (HANDLE)h;
}

static BOOL WINAPI restore_on_break(DWORD type)
{
	if (saved_handle != INVALID_HANDLE_VALUE)
		SetConsoleMode(saved_handle, saved_mode);
	return FALSE; /* the default handler ends the program */
}

bool tty_is_terminal(int fd)
{
	DWORD mode;

	/* A console, not a pipe or file (_isatty also says yes to NUL). */
	return GetConsoleMode(console_of(fd), &mode) != 0;
}

int tty_echo_off(int fd)
{
	HANDLE h = console_of(fd);
	DWORD mode;

	if (!GetConsoleMode(h, &mode))
		return -ENOTTY;
	saved_mode = mode;
	saved_handle = h;
	SetConsoleCtrlHandler(restore_on_break, TRUE);
	/* Line input stays on: the line is read when Enter is pressed. */
	mode &= ~(DWORD)ENABLE_ECHO_INPUT;
	mode |= ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT;
	/* What was typed ahead, echoed already, is dropped. */
	FlushConsoleInputBuffer(h);
	if (SetConsoleMode(h, mode))
		return 0;
	SetConsoleCtrlHandler(restore_on_break, FALSE);
	saved_handle = INVALID_HANDLE_VALUE;
	return -EIO;
}

void tty_echo_restore(int fd)
{
	if (saved_handle == INVALID_HANDLE_VALUE)
		return;
	SetConsoleMode(saved_handle, saved_mode);
	saved_handle = INVALID_HANDLE_VALUE;
	SetConsoleCtrlHandler(restore_on_break, FALSE);
	/* Enter was not echoed: move on as the POSIX ECHONL does. */
	fputs("\n", stderr);
}

void tty_discard_input(int fd)
{
	FlushConsoleInputBuffer(console_of(fd));
}
