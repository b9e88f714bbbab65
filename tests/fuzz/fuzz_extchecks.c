/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site-check output (agent/extchecks.c): what a check printed, parsed as
 * JSON, validated and turned into findings exactly as after a run; the
 * report is then written as JSON and must parse again, whatever bytes
 * the check's evidence held.  The parser is static, so the file is
 * compiled into this target (its symbols replace the archive's).
 */
/* NOLINTNEXTLINE(bugprone-suspicious-include): on purpose, see above. */
#include "../../agent/extchecks.c"

#include "fuzz.h"
#include "guestprep/host.h"
#include "guestprep/profile.h"
#include "output.h"

static struct gp_profile *profile;

static void cleanup(void)
{
	gp_profile_free(profile);
}

static void output_parses(const struct gp_report *report)
{
	struct gp_host host = { .arch = (char *)"x86_64" };
	struct gp_result res = { .mode = "check", .profile = profile,
				 .root = "/fuzz", .host = &host,
				 .report = report };
	struct jv top = { 0 };
	const char *why = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		fuzz_die("open_memstream");
	result_fill_import(&res, 0, NULL);
	if (output_json(f, &res) < 0)
		abort();
	fclose(f);
	if (jv_parse(buf, len, &top, &why) < 0) {
		fprintf(stderr, "invalid JSON report (%s):\n%s\n", why, buf);
		abort();
	}
	jv_done(&top);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_report report = { 0 };
	struct gp_ctx ctx = { .report = &report, .plugin = &site_plugin,
			      .check = &site_checks[0] };
	struct exec_result res = { .len = size };
	char *error = NULL;

	if (!profile) {
		gp_log_set_level(GP_LOG_ERR);
		if (gp_profile_load("alibaba", &profile, &error) < 0)
			fuzz_die("profile");
		atexit(cleanup);
	}
	/* As exec.c hands it over: NUL-terminated, NULs inside possible. */
	res.output = malloc(size + 1);
	if (!res.output)
		return 0;
	memcpy(res.output, data, size);
	res.output[size] = '\0';
	take_result(&ctx, "fuzz", "/etc/guestprep/checks.d/fuzz", &res);
	output_parses(&report);
	free(res.output);
	report_done(&report);
	return 0;
}
