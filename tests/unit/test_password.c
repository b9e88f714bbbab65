/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cloud's password policy (agent/password.c): 8 to 30 characters,
 * three of upper case, lower case, digits and the requirements' special
 * characters, nothing else, no '/' first; the reader on a pipe and on a
 * pseudo-terminal (echo off while typing, restored after, the rest of a
 * refused line flushed); `guestprep password` and what it prints,
 * which never holds the password.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "harness.h"
#include "password.h"

static struct gp_password_verdict judge(const char *pw)
{
	struct gp_password_verdict v;

	gp_password_judge(pw, strlen(pw), &v);
	return v;
}

static void expect(const char *pw, bool accepted, unsigned problems)
{
	struct gp_password_verdict v = judge(pw);

	if (v.accepted != accepted || v.problems != problems)
		fail_msg("\"%s\": accepted %d problems 0x%x, expected %d 0x%x",
			 pw, v.accepted, v.problems, accepted, problems);
}

/* --- the policy ---------------------------------------------------------- */

static void lengths(void **state)
{
	(void)state;
	expect("Abcdef1", false, GP_PW_TOO_SHORT);	   /* 7 */
	expect("Abcdef12", true, 0);			   /* 8 */
	expect("Abcdefghij0123456789abcdefghij", true, 0); /* 30 */
	expect("Abcdefghij0123456789abcdefghijk", false,   /* 31 */
	       GP_PW_TOO_LONG);
	assert_int_equal(judge("Abcdef1").length, 7);
	assert_int_equal(judge("Abcdefghij0123456789abcdefghijk").length, 31);
}

static void classes(void **state)
{
	struct gp_password_verdict v;

	(void)state;
	/* Two classes, whichever two: rejected. */
	expect("abcdefgh12", false, GP_PW_FEW_CLASSES);
	expect("ABCDEFGHij", false, GP_PW_FEW_CLASSES);
	expect("abcd!@#$%^", false, GP_PW_FEW_CLASSES);
	expect("12345678()", false, GP_PW_FEW_CLASSES);
	expect("abcdefghijkl", false, GP_PW_FEW_CLASSES);
	/* Any three: accepted. */
	expect("abcDEF123", true, 0);
	expect("abcdef12#", true, 0);
	expect("ABCDEF12#", true, 0);
	expect("abcDEF!!!", true, 0);
	v = judge("aB1!aB1!");
	assert_true(v.accepted);
	assert_int_equal(v.n_classes, 4);
	assert_int_equal(v.classes, GP_PW_UPPER | GP_PW_LOWER | GP_PW_DIGIT |
					    GP_PW_SPECIAL);
}

/* Each special character of the requirements' list counts as special. */
static void every_special(void **state)
{
	static const char list[] = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";
	char pw[16];

	(void)state;
	assert_int_equal(strlen(list), 30);
	for (const char *c = list; *c; c++) {
		snprintf(pw, sizeof(pw), "abcdef1%c", *c);
		expect(pw, true, 0);
		snprintf(pw, sizeof(pw), "abcdefgh%c", *c);
		assert_int_equal(judge(pw).classes,
				 GP_PW_LOWER | GP_PW_SPECIAL);
	}
}

static void outside_the_set(void **state)
{
	(void)state;
	/* Not in the list: space, double quote, backslash, control. */
	expect("Abcdef12 x", false, GP_PW_BAD_CHAR);
	expect("Abcdef12\"x", false, GP_PW_BAD_CHAR);
	expect("Abcdef12\\x", false, GP_PW_BAD_CHAR);
	expect("Abcdef12\tx", false, GP_PW_BAD_CHAR);
	expect("Abcdef12\x7fx", false, GP_PW_BAD_CHAR);
	expect("Abcdef12\rx", false, GP_PW_BAD_CHAR);
	/* A bad character is no class: two classes plus it is too few. */
	expect("abcdefgh 1", false, GP_PW_BAD_CHAR | GP_PW_FEW_CLASSES);
}

static void non_ascii(void **state)
{
	struct gp_password_verdict v;

	(void)state;
	/* "Pässwort12": ä is two bytes, one character. */
	v = judge("P\xc3\xa4sswort12");
	assert_false(v.accepted);
	assert_int_equal(v.problems, GP_PW_NON_ASCII);
	assert_int_equal(v.length, 10);
	/* Seven characters in nine bytes: too short as well. */
	expect("Ab1\xc3\xa4\xc3\xa4x", false,
	       GP_PW_NON_ASCII | GP_PW_TOO_SHORT);
	/* Bytes that are not UTF-8 count one each. */
	v = judge("Abcdef1\xff\xfe");
	assert_int_equal(v.problems, GP_PW_NON_ASCII);
	assert_int_equal(v.length, 9);
}

static void empty_nul_and_slash(void **state)
{
	struct gp_password_verdict v;

	(void)state;
	v = judge("");
	assert_false(v.accepted);
	assert_int_equal(v.length, 0);
	assert_int_equal(v.problems, GP_PW_TOO_SHORT | GP_PW_FEW_CLASSES);
	/* A NUL is a character outside the set, not the end. */
	gp_password_judge("Abcdef\0"
			  "12",
			  9, &v);
	assert_int_equal(v.length, 9);
	assert_int_equal(v.problems, GP_PW_BAD_CHAR);
	/* "the forward slash (/) cannot be the first character" */
	expect("/Abcdef12", false, GP_PW_SLASH_FIRST);
	expect("Abcdef12/", true, 0);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(gp_password_class_name(GP_PW_SPECIAL), "special");
	assert_null(gp_password_class_name(1u << 9));
	for (unsigned b = GP_PW_TOO_SHORT; b <= GP_PW_SLASH_FIRST; b <<= 1)
		assert_non_null(gp_password_problem_name(b));
	assert_null(gp_password_problem_name(1u << 12));
}

/* --- the reader on a pipe ------------------------------------------------ */

/* A pipe holding the @n bytes @data, then closed: its read end. */
static int pipe_with(const char *data, size_t n)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], data, n), (ssize_t)n);
	close(fds[1]);
	return fds[0];
}

static int read_pipe(const char *data, size_t n, char **ret, size_t *ret_len)
{
	int fd = pipe_with(data, n);
	int r = gp_password_read(fd, stderr, "unused: ", ret, ret_len);

	close(fd);
	return r;
}

static void expect_read(const char *data, size_t n, const char *want)
{
	char *pw = NULL;
	size_t len = 0;

	assert_int_equal(read_pipe(data, n, &pw, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(pw, want, len);
	assert_int_equal(pw[len], '\0');
	gp_password_free(pw);
}

static void expect_read_error(const char *data, size_t n, int error)
{
	char *pw = NULL;
	size_t len = 0;

	assert_int_equal(read_pipe(data, n, &pw, &len), error);
	assert_null(pw);
}

static void pipe_lines(void **state)
{
	(void)state;
	expect_read("Abcdef12\n", 9, "Abcdef12");
	expect_read("Abcdef12\r\n", 10, "Abcdef12");
	expect_read("Abcdef12", 8, "Abcdef12");
	/* Only the line's own ending goes; inner CRs are characters. */
	expect_read("Abc\rdef12\n", 10, "Abc\rdef12");
	expect_read("Abcdef12\r", 9, "Abcdef12\r");
	/* One line: what follows is not read. */
	expect_read("first\nsecond\n", 13, "first");
	expect_read("\n", 1, "");
	expect_read("\r\n", 2, "");
}

static void pipe_errors(void **state)
{
	char line[GP_PASSWORD_MAX_LINE + 3];
	int fd;

	(void)state;
	expect_read_error("", 0, -ENODATA);
	expect_read_error("Abc\0def12\n", 10, -EILSEQ);
	expect_read_error("\0\n", 2, -EILSEQ);

	/* Exactly the limit, with either ending: read. */
	memset(line, 'a', sizeof(line));
	line[GP_PASSWORD_MAX_LINE] = '\n';
	{
		char *pw = NULL;
		size_t len = 0;

		assert_int_equal(
			read_pipe(line, GP_PASSWORD_MAX_LINE + 1, &pw, &len),
			0);
		assert_int_equal(len, GP_PASSWORD_MAX_LINE);
		gp_password_free(pw);
		line[GP_PASSWORD_MAX_LINE] = '\r';
		line[GP_PASSWORD_MAX_LINE + 1] = '\n';
		assert_int_equal(
			read_pipe(line, GP_PASSWORD_MAX_LINE + 2, &pw, &len),
			0);
		assert_int_equal(len, GP_PASSWORD_MAX_LINE);
		gp_password_free(pw);
	}
	/* One byte more: refused, with or without a newline. */
	memset(line, 'a', sizeof(line));
	line[GP_PASSWORD_MAX_LINE + 1] = '\n';
	expect_read_error(line, GP_PASSWORD_MAX_LINE + 2, -EMSGSIZE);
	expect_read_error(line, GP_PASSWORD_MAX_LINE + 1, -EMSGSIZE);

	/* Very long input (64 KiB, more than a pipe buffer holds). */
	{
		size_t big = 65536;
		char *data = malloc(big);
		int fds[2];
		pid_t pid;
		char *pw = NULL;
		size_t len;

		assert_non_null(data);
		memset(data, 'x', big);
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			signal(SIGPIPE, SIG_IGN);
			(void)!write(fds[1], data, big);
			_exit(0);
		}
		close(fds[1]);
		fd = fds[0];
		assert_int_equal(gp_password_read(fd, stderr, "", &pw, &len),
				 -EMSGSIZE);
		close(fd);
		waitpid(pid, NULL, 0);
		free(data);
	}
	/* A read error is passed on. */
	{
		char *pw = NULL;
		size_t len;

		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(gp_password_read(fd, stderr, "", &pw, &len),
				 -EBADF);
		close(fd);
	}
}

/* --- the reader on a terminal -------------------------------------------- */

struct pty {
	int master, slave;
	FILE *tty_out; /* the prompt goes to the terminal */
	pid_t typist;
};

/*
 * A pseudo-terminal whose "user" (a child process) waits for echo to be
 * turned off, as a person waits for the prompt, then types @typed.
 */
static void pty_open(struct pty *p, const char *typed, size_t n)
{
	struct termios tio;

	assert_int_equal(openpty(&p->master, &p->slave, NULL, NULL, NULL), 0);
	p->tty_out = fdopen(dup(p->slave), "w");
	assert_non_null(p->tty_out);
	p->typist = fork();
	assert_true(p->typist >= 0);
	if (p->typist == 0) {
		for (int i = 0; i < 5000; i++) {
			if (tcgetattr(p->slave, &tio) == 0 &&
			    !(tio.c_lflag & ECHO))
				break;
			usleep(1000);
		}
		(void)!write(p->master, typed, n);
		_exit(0);
	}
}

/* Everything the terminal showed so far (echo and prompt). */
static char *pty_screen(struct pty *p)
{
	static char buf[8192];
	ssize_t k;
	size_t n = 0;
	int flags = fcntl(p->master, F_GETFL);

	fcntl(p->master, F_SETFL, flags | O_NONBLOCK);
	while (n < sizeof(buf) - 1 &&
	       (k = read(p->master, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)k;
	fcntl(p->master, F_SETFL, flags);
	buf[n] = '\0';
	return buf;
}

static void pty_close(struct pty *p)
{
	waitpid(p->typist, NULL, 0);
	fclose(p->tty_out);
	close(p->slave);
	close(p->master);
}

static void terminal_without_echo(void **state)
{
	struct termios before, after;
	struct pty p;
	char *pw = NULL;
	size_t len = 0;

	(void)state;
	pty_open(&p, "Secret12!\n", 10);
	assert_int_equal(tcgetattr(p.slave, &before), 0);
	assert_true(before.c_lflag & ECHO);
	assert_int_equal(
		gp_password_read(p.slave, p.tty_out, "Password: ", &pw, &len),
		0);
	assert_int_equal(len, 9);
	assert_memory_equal(pw, "Secret12!", 9);
	gp_password_free(pw);
	/* Echo is back, every other setting as it was. */
	assert_int_equal(tcgetattr(p.slave, &after), 0);
	assert_true(after.c_lflag & ECHO);
	assert_int_equal(after.c_lflag, before.c_lflag);
	pty_close(&p);
}

static void terminal_shows_prompt_not_password(void **state)
{
	struct pty p;
	char *pw = NULL, *screen;
	size_t len = 0;

	(void)state;
	pty_open(&p, "Secret12!\r\n", 11);
	assert_int_equal(
		gp_password_read(p.slave, p.tty_out, "Password: ", &pw, &len),
		0);
	/* The terminal turns the typed CR into NL (ICRNL): one line. */
	assert_true(len == 9 || len == 10);
	assert_memory_equal(pw, "Secret12!", 9);
	gp_password_free(pw);
	waitpid(p.typist, NULL, 0);
	screen = pty_screen(&p);
	assert_non_null(strstr(screen, "Password: "));
	assert_null(strstr(screen, "Secret"));
	assert_null(strstr(screen, "12!"));
	fclose(p.tty_out);
	close(p.slave);
	close(p.master);
}

/* A refused line is flushed: none of it is left for the shell to read. */
static void terminal_flushes_refused_line(void **state)
{
	char typed[GP_PASSWORD_MAX_LINE + 200];
	struct termios after;
	struct pty p;
	char *pw = NULL;
	size_t len = 0;
	int pending = -1;

	(void)state;
	memset(typed, 'z', sizeof(typed));
	typed[sizeof(typed) - 1] = '\n';
	pty_open(&p, typed, sizeof(typed));
	assert_int_equal(
		gp_password_read(p.slave, p.tty_out, "Password: ", &pw, &len),
		-EMSGSIZE);
	assert_null(pw);
	assert_int_equal(ioctl(p.slave, FIONREAD, &pending), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(tcgetattr(p.slave, &after), 0);
	assert_true(after.c_lflag & ECHO);
	pty_close(&p);
}

static void terminal_end_of_input(void **state)
{
	struct pty p;
	char *pw = NULL;
	size_t len = 0;

	(void)state;
	pty_open(&p, "\x04", 1); /* Ctrl-D on an empty line */
	assert_int_equal(
		gp_password_read(p.slave, p.tty_out, "Password: ", &pw, &len),
		-ENODATA);
	pty_close(&p);
}

/* Ended by a signal at the prompt: the terminal gets its echo back. */
static void terminal_restored_on_signal(void **state)
{
	struct termios tio;
	int master, slave, status;
	pid_t reader;

	(void)state;
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	reader = fork();
	assert_true(reader >= 0);
	if (reader == 0) {
		FILE *out = fdopen(dup(slave), "w");
		char *pw = NULL;
		size_t len;

		gp_password_read(slave, out, "Password: ", &pw, &len);
		_exit(0); /* only when nothing was sent */
	}
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(tcgetattr(slave, &tio), 0);
		if (!(tio.c_lflag & ECHO))
			break;
		usleep(1000);
	}
	assert_false(tio.c_lflag & ECHO);
	assert_int_equal(kill(reader, SIGTERM), 0);
	assert_int_equal(waitpid(reader, &status, 0), reader);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_int_equal(tcgetattr(slave, &tio), 0);
	assert_true(tio.c_lflag & ECHO);
	close(slave);
	close(master);
}

/* --- the command --------------------------------------------------------- */

struct run {
	int code;
	char *out, *err;
};

static struct run command(const char *input, size_t n, bool json)
{
	struct run r = {0};
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&r.out, &out_len);
	FILE *err = open_memstream(&r.err, &err_len);
	int fd = pipe_with(input, n);

	assert_non_null(out);
	assert_non_null(err);
	r.code = password_command(fd, out, err, json);
	close(fd);
	fclose(out);
	fclose(err);
	return r;
}

static void run_done(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void command_exit_codes(void **state)
{
	struct run r;

	(void)state;
	r = command("Secret12!\n", 10, false);
	assert_int_equal(r.code, 0);
	assert_null(strstr(r.out, "Secret"));
	assert_null(strstr(r.err, "Secret"));
	run_done(&r);

	r = command("secret12\n", 9, false);
	assert_int_equal(r.code, 2);
	assert_null(strstr(r.out, "secret"));
	run_done(&r);

	r = command("", 0, false);
	assert_int_equal(r.code, 64);
	run_done(&r);
	r = command("Sec\0ret12!\n", 11, false);
	assert_int_equal(r.code, 64);
	assert_null(strstr(r.err, "Sec"));
	run_done(&r);
}

static void command_json(void **state)
{
	struct run r;

	(void)state;
	r = command("Secret12!\n", 10, true);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "{\n"
				   "  \"accepted\": true,\n"
				   "  \"length\": 9,\n"
				   "  \"classes\": [\n"
				   "    \"upper\",\n"
				   "    \"lower\",\n"
				   "    \"digit\",\n"
				   "    \"special\"\n"
				   "  ],\n"
				   "  \"problems\": []\n"
				   "}\n");
	run_done(&r);

	r = command("/ab cd\n", 7, true);
	assert_int_equal(r.code, 2);
	assert_string_equal(r.out, "{\n"
				   "  \"accepted\": false,\n"
				   "  \"length\": 6,\n"
				   "  \"classes\": [\n"
				   "    \"lower\",\n"
				   "    \"special\"\n"
				   "  ],\n"
				   "  \"problems\": [\n"
				   "    \"too_short\",\n"
				   "    \"too_few_classes\",\n"
				   "    \"invalid_character\",\n"
				   "    \"slash_first\"\n"
				   "  ]\n"
				   "}\n");
	run_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lengths),
		cmocka_unit_test(classes),
		cmocka_unit_test(every_special),
		cmocka_unit_test(outside_the_set),
		cmocka_unit_test(non_ascii),
		cmocka_unit_test(empty_nul_and_slash),
		cmocka_unit_test(names),
		cmocka_unit_test(pipe_lines),
		cmocka_unit_test(pipe_errors),
		cmocka_unit_test(terminal_without_echo),
		cmocka_unit_test(terminal_shows_prompt_not_password),
		cmocka_unit_test(terminal_flushes_refused_line),
		cmocka_unit_test(terminal_end_of_input),
		cmocka_unit_test(terminal_restored_on_signal),
		cmocka_unit_test(command_exit_codes),
		cmocka_unit_test(command_json),
	};
	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
