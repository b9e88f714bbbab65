/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run loop with made-up plugins: selection by --only and --skip,
 * which systems a plugin applies to, checks that fail to run, findings
 * outside their check's name space, and the verdict.
 */
#include "config.h"

#include <string.h>

#include "harness.h"
#include "util.h"

static int emit_pass(struct gp_ctx *ctx)
{
	gp_emit(ctx, "alpha.one", GP_PASS, "fine");
	gp_emit(ctx, "alpha.one.detail", GP_WARN, "a detail");
	return 0;
}

static int emit_fail(struct gp_ctx *ctx)
{
	struct gp_finding *f = gp_emit(ctx, "alpha.two", GP_FAIL, "broken %d", 2);

	gp_evidence(f, "seen in %s", "/etc/x");
	gp_evidence(f, "and %s", "/etc/y");
	gp_remedy(f, "mend it");
	gp_set_fixable(f, true);
	return 0;
}

static int cannot_run(struct gp_ctx *ctx)
{
	return -EIO;
}

static int foreign(struct gp_ctx *ctx)
{
	gp_emit(ctx, "alpha.one", GP_PASS, "not mine");
	return 0;
}

static const struct gp_check alpha_checks[] = {
	{ .id = "alpha.one", .summary = "first", .run = emit_pass },
	{ .id = "alpha.two", .summary = "second", .run = emit_fail },
	{ 0 },
};

static const struct gp_check beta_checks[] = {
	{ .id = "beta.broken", .summary = "cannot run", .run = cannot_run },
	{ .id = "beta.foreign",
	  .summary = "emits a foreign id", .run = foreign },
	{ 0 },
};

static const struct gp_plugin alpha = {
	.name = "alpha", .summary = "a", .targets = GP_TARGET_LINUX,
	.checks = alpha_checks,
};

static const struct gp_plugin beta = {
	.name = "beta", .summary = "b", .targets = GP_TARGET_WINDOWS,
	.checks = beta_checks,
};

static const struct gp_plugin *const plugins[] = { &alpha, &beta, NULL };

struct run {
	struct gp_host host;
	struct gp_report report;
	struct gp_ctx ctx;
	char **only, **skip;
};

static struct run *run(enum gp_os_kind kind, const char *only,
		       const char *skip)
{
	struct run *r = calloc(1, sizeof(*r));

	r->host.os.kind = kind;
	if (only)
		assert_int_equal(strv_split(only, &r->only), 0);
	if (skip)
		assert_int_equal(strv_split(skip, &r->skip), 0);
	r->ctx = (struct gp_ctx){ .host = &r->host, .report = &r->report,
				  .plugins = plugins, .only = r->only,
				  .skip = r->skip };
	assert_int_equal(runner_run(&r->ctx), 0);
	return r;
}

static void run_free(struct run *r)
{
	report_done(&r->report);
	strv_free(r->only);
	strv_free(r->skip);
	free(r);
}

/* The ids found, joined: "alpha.one alpha.one.detail ...". */
static char *ids(const struct run *r)
{
	char **v = NULL, *s;

	for (size_t i = 0; i < r->report.n_findings; i++)
		assert_int_equal(strv_push(&v, r->report.findings[i]->id), 0);
	s = strv_join(v, " ");
	strv_free(v);
	return s;
}

static void expect_ids(enum gp_os_kind kind, const char *only,
		       const char *skip, const char *expected)
{
	struct run *r = run(kind, only, skip);
	char *got = ids(r);

	assert_string_equal(got, expected);
	free(got);
	run_free(r);
}

static void test_selection(void **state)
{
	expect_ids(GP_KIND_LINUX, NULL, NULL,
		   "alpha.one alpha.one.detail alpha.two");
	expect_ids(GP_KIND_LINUX, "alpha.two", NULL, "alpha.two");
	expect_ids(GP_KIND_LINUX, "alpha", "alpha.one", "alpha.two");
	expect_ids(GP_KIND_LINUX, NULL, "alpha.one.detail",
		   "alpha.one alpha.two");
	expect_ids(GP_KIND_LINUX, "alpha.one.detail", NULL, "alpha.one.detail");
	/* "alpha.o" is not a name: it selects nothing beneath "alpha.one". */
	expect_ids(GP_KIND_LINUX, "alpha.o", NULL, "");
	/* An unidentified system gets the Linux plugins. */
	expect_ids(GP_KIND_UNKNOWN, "alpha.two", NULL, "alpha.two");
}

static void test_targets_and_errors(void **state)
{
	struct run *r = run(GP_KIND_WINDOWS, NULL, NULL);

	/* Only beta applies; its broken check is an error finding and its
	 * foreign finding becomes an internal error of that check. */
	assert_int_equal(r->report.n_findings, 2);
	assert_string_equal(r->report.findings[0]->id, "beta.broken");
	assert_int_equal(r->report.findings[0]->status, GP_ERROR);
	assert_non_null(r->report.findings[0]->remediation);
	assert_string_equal(r->report.findings[1]->id, "beta.foreign");
	assert_int_equal(r->report.findings[1]->status, GP_ERROR);
	assert_int_equal(report_verdict(&r->report), GP_VERDICT_NOT_READY);
	run_free(r);
}

static void test_finding_details_and_verdict(void **state)
{
	struct run *r = run(GP_KIND_LINUX, NULL, NULL);
	const struct gp_finding *f = r->report.findings[2];
	unsigned n[GP_STATUS_MAX];

	assert_string_equal(f->message, "broken 2");
	assert_string_equal(f->plugin, "alpha");
	assert_int_equal(f->n_evidence, 2);
	assert_string_equal(f->evidence[1], "and /etc/y");
	assert_string_equal(f->remediation, "mend it");
	assert_true(f->fixable);
	report_count(&r->report, n);
	assert_int_equal(n[GP_PASS], 1);
	assert_int_equal(n[GP_WARN], 1);
	assert_int_equal(n[GP_FAIL], 1);
	assert_int_equal(report_verdict(&r->report), GP_VERDICT_NOT_READY);
	run_free(r);

	r = run(GP_KIND_LINUX, "alpha.one", NULL);
	assert_int_equal(report_verdict(&r->report), GP_VERDICT_WARNINGS);
	run_free(r);
	r = run(GP_KIND_LINUX, "alpha.one", "alpha.one.detail");
	assert_int_equal(report_verdict(&r->report), GP_VERDICT_READY);
	run_free(r);
}

static void test_unknown_patterns(void **state)
{
	char *good[] = { "os", "selinux.config", "system_files.shadow.mount",
			 NULL };
	char *bad[] = { "os", "nonesuch", NULL };
	char *partial[] = { "selinux.conf", NULL };

	assert_null(runner_unknown_pattern(good));
	assert_string_equal(runner_unknown_pattern(bad), "nonesuch");
	assert_string_equal(runner_unknown_pattern(partial), "selinux.conf");
	assert_null(runner_unknown_pattern(NULL));
}

/* Every compiled-in plugin keeps the naming contract of DESIGN.md. */
static void test_registry_names(void **state)
{
	for (size_t i = 0; gp_plugins[i]; i++) {
		const struct gp_plugin *p = gp_plugins[i];

		assert_non_null(p->summary);
		assert_true(p->targets != 0);
		for (const char *c = p->name; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
		for (const struct gp_check *c = p->checks; c->id; c++) {
			assert_true(id_beneath(c->id, p->name));
			assert_true(strcmp(c->id, p->name) != 0);
			assert_non_null(c->summary);
			assert_non_null(c->run);
		}
	}
}

/*
 * A fixer may write a file whose directories do not exist yet (a
 * firewalld zone copied into /etc): the plan names it beneath what
 * exists, links in that part followed, and the journal makes the rest.
 */
static void test_plan_write_new_dirs(void **state)
{
	char *tree = tree_new();
	struct harness *h;

	tree_write(tree, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	tree_mkdir(tree, "usr/lib/fw");
	tree_symlink(tree, "etc/fw", "../usr/lib/fw");
	h = harness_run(tree, "os", NULL);
	h->ctx.plan = &h->plan;
	assert_int_equal(gp_plan_write(&h->ctx, "/etc/new/dir/a.conf", "a\n", 2,
				       0644, "test"), 0);
	assert_int_equal(gp_plan_write(&h->ctx, "/etc/fw/zones/b.xml", "b\n", 2,
				       0644, "test"), 0);
	assert_int_equal(h->plan.n_changes, 2);
	assert_string_equal(h->plan.changes[0].path, "/etc/new/dir/a.conf");
	assert_string_equal(h->plan.changes[1].path, "/usr/lib/fw/zones/b.xml");
	harness_free(h);
	tree_free(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_targets_and_errors),
		cmocka_unit_test(test_finding_details_and_verdict),
		cmocka_unit_test(test_unknown_patterns),
		cmocka_unit_test(test_registry_names),
		cmocka_unit_test(test_plan_write_new_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
