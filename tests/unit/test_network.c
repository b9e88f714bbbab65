/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder, being written. */
#include "config.h"

#include "harness.h"

static void placeholder(void **state)
{
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(placeholder),
	};
	return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
