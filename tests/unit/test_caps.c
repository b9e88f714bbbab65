/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check mode's capability drop, read back from the kernel: what README.md
 * promises is exactly what /proc/self/status shows afterwards.
 */
#include "config.h"

#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"
#include "caps.h"

/* The hexadecimal set of @field ("CapEff") in /proc/self/status. */
static unsigned long long status_field(const char *field)
{
	char line[256];
	unsigned long long v = ~0ull;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0 &&
		    line[strlen(field)] == ':')
			v = strtoull(line + strlen(field) + 1, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* In a child, so the test process keeps its own capabilities. */
static int drop_and_report(void)
{
	const unsigned long long want = 1ull << CAP_DAC_READ_SEARCH;

	if (caps_drop_for_check() < 0)
		return 10;
	if (status_field("CapEff") != want)
		return 11;
	if (status_field("CapPrm") != want)
		return 12;
	if (status_field("CapBnd") != want)
		return 13;
	if (status_field("CapInh") != 0)
		return 14;
	if (status_field("CapAmb") != 0 && status_field("CapAmb") != ~0ull)
		return 15;
	if (status_field("NoNewPrivs") != 1)
		return 16;
	return 0;
}

static void test_check_mode_keeps_only_read_search(void **state)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		skip();	/* the drop is only observable from root */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(drop_and_report());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("capability check %d failed (see drop_and_report)",
			 WEXITSTATUS(status));
}

static void test_describe(void **state)
{
	char *s = caps_describe();

	assert_non_null(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_mode_keeps_only_read_search),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
