/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For `make lint` only (Makefile.am forces it in front of every file it
 * lints, with GP_LINT defined: cppcheck --include=, clang-tidy -include);
 * never compiled into a test, whose binaries stay what cmocka makes them.
 *
 * A failing cmocka assertion ends the test: _fail() longjmps back into
 * the runner.  cmocka 1.1.5 does not say so, though: _fail, _skip and
 * _assert_true are ordinary functions that the assert_* macros call
 * unconditionally.  So the analyzers go on past `assert_non_null(p)`
 * with p NULL and report the dereference that follows, and so on after
 * every assertion a test makes (dozens of false reports).
 *
 * Here the assertions that decide a value the analyzers track become an
 * explicit test with a noreturn branch, which is what they mean; they
 * still evaluate each argument once, as cmocka's do.  The assertions on
 * strings and memory stay cmocka's calls: they compare contents, which
 * the analyzers do not follow anyway.
 */
#ifndef GUESTPREP_LINT_CMOCKA_NORETURN_H
#define GUESTPREP_LINT_CMOCKA_NORETURN_H

#ifndef GP_LINT
#error "for make lint only, which defines GP_LINT"
#endif

/* What each test file does first; config.h may be included twice. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
/* A build without cmocka has no unit tests to lint, and no cmocka.h. */
#if defined(__has_include)
#if __has_include(<cmocka.h>)
#include <cmocka.h>
#endif
#endif

/* Redeclared with the attribute: both longjmp out of the test. */
void _fail(const char *const file, const int line)
	__attribute__((noreturn));
void _skip(const char *const file, const int line)
	__attribute__((noreturn));

/*
 * cppcheck does not read cmocka.h (it is not given the system include
 * directories, or it would analyse libc too): what the tests use of
 * cmocka besides the assertions below is declared for it here.
 */
#ifndef fail
void print_error(const char *const format, ...);
#define fail() _fail(__FILE__, __LINE__)
#define skip() _skip(__FILE__, __LINE__)
#define fail_msg(msg, ...)                                                   \
	do {                                                                 \
		print_error("ERROR: " msg "\n", ##__VA_ARGS__);              \
		fail();                                                      \
	} while (0)
#define cast_to_largest_integral_type(x) ((unsigned long long)(x))
#endif

#define GP_LINT_CHECK(c) ((c) ? (void)0 : _fail(__FILE__, __LINE__))

#undef assert_true
#define assert_true(c) GP_LINT_CHECK(c)
#undef assert_false
#define assert_false(c) GP_LINT_CHECK(!(c))
#undef assert_non_null
#define assert_non_null(c) GP_LINT_CHECK((c) != NULL)
#undef assert_null
#define assert_null(c) GP_LINT_CHECK((c) == NULL)
/* Compared as cmocka compares them: both widened to LargestIntegralType. */
#undef assert_int_equal
#define assert_int_equal(a, b)                                               \
	GP_LINT_CHECK(cast_to_largest_integral_type(a) ==                    \
		      cast_to_largest_integral_type(b))
#undef assert_int_not_equal
#define assert_int_not_equal(a, b)                                           \
	GP_LINT_CHECK(cast_to_largest_integral_type(a) !=                    \
		      cast_to_largest_integral_type(b))
#undef assert_ptr_equal
#define assert_ptr_equal(a, b) GP_LINT_CHECK((const void *)(a) == (b))
#undef assert_ptr_not_equal
#define assert_ptr_not_equal(a, b) GP_LINT_CHECK((const void *)(a) != (b))

#endif
