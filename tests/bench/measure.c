// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * measure: run a command N times and print its median wall time and the
 * peak resident set size the kernel accounted to it (getrusage of the
 * child, through wait4), so that `make bench` needs no /usr/bin/time.
 *
 *   measure [-n RUNS] [-w WARMUPS] -- COMMAND [ARG...]
 *
 * Prints one line: "median_ms min_ms max_ms maxrss_kib exit_status".
 * The child's stdout and stderr go to /dev/null; its exit status is the
 * one of the last run (the same command is expected to give the same
 * answer every time; a signal is reported as 128 + its number).
 * Warm-up runs fill the page cache and are not counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

struct sample {
	double ms;
	long maxrss_kib;
	int status;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs @argv once; 0 and *ret filled, or a negative errno. */
static int run_once(char **argv, struct sample *ret)
{
	struct rusage ru;
	double start;
	int status;
	pid_t pid;

	start = now_ms();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	ret->ms = now_ms() - start;
	ret->maxrss_kib = ru.ru_maxrss; /* Linux reports KiB */
	if (WIFEXITED(status))
		ret->status = WEXITSTATUS(status);
	else
		ret->status = 128 + WTERMSIG(status);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int usage(void)
{
	fputs("usage: measure [-n RUNS] [-w WARMUPS] -- COMMAND [ARG...]\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static double ms[MAX_RUNS];
	static long rss[MAX_RUNS];
	struct sample s = { 0 };
	int runs = 5, warmups = 1, opt;

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warmups = atoi(optarg);
		else
			return usage();
	}
	if (optind >= argc || runs < 1 || runs > MAX_RUNS || warmups < 0)
		return usage();

	for (int i = 0; i < warmups + runs; i++) {
		int r = run_once(argv + optind, &s);

		if (r < 0) {
			fprintf(stderr, "measure: %s: %s\n", argv[optind],
				strerror(-r));
			return 1;
		}
		if (s.status == 127) {
			fprintf(stderr, "measure: cannot run %s\n",
				argv[optind]);
			return 1;
		}
		if (i >= warmups) {
			ms[i - warmups] = s.ms;
			rss[i - warmups] = s.maxrss_kib;
		}
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	qsort(rss, (size_t)runs, sizeof(rss[0]), cmp_long);
	/* The median of the peaks: one run's page-cache luck is not news;
	 * the peaks hardly vary anyway. */
	printf("%.1f %.1f %.1f %ld %d\n", ms[runs / 2], ms[0], ms[runs - 1],
	       rss[runs / 2], s.status);
	return 0;
}
