/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Terminals, for reading a secret: echo off while it is typed, and back
 * on afterwards even when a signal ends the program at the prompt.  The
 * one place that knows termios, so that a port (the Windows console's
 * SetConsoleMode) replaces this file and nothing else.  One terminal at
 * a time: the saved settings are the module's.
 */
#ifndef GUESTPREP_TTY_H
#define GUESTPREP_TTY_H

#include <stdbool.h>

bool tty_is_terminal(int fd);
/* Echo off on @fd (what was typed ahead is dropped); 0 or -errno. */
int tty_echo_off(int fd);
/* Back to the settings tty_echo_off() found. */
void tty_echo_restore(int fd);
/* Drop what was typed and not read yet, so no shell reads it next. */
void tty_discard_input(int fd);

#endif
