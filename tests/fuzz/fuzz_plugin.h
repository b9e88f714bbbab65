/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers that live inside a plugin (sshd_config in plugins/sshd.c, grub
 * configurations in plugins/bootloader.c, ...): the input's parts are
 * written to the files the plugin reads, then its checks run on the
 * tree, its fixers plan (in memory: nothing is applied) and the report
 * and the plan are rendered as a run would print them, into memory.
 *
 * The profile, and the host (from a fixed os-release), are loaded once
 * per process.
 */
#ifndef GUESTPREP_FUZZ_PLUGIN_H
#define GUESTPREP_FUZZ_PLUGIN_H

#include "fuzz.h"
#include "guestprep/host.h"
#include "guestprep/log.h"
#include "guestprep/profile.h"
#include "change.h"
#include "output.h"
#include "report.h"
#include "runner.h"

struct fuzz_plugin {
	const char *only;	/* the checks to run: "sshd" */
	const char *os_release;	/* the system the tree claims to be */
	const char *const *paths;	/* where the parts go; NULL ends */
};

static struct gp_profile *fuzz_profile;
static struct gp_host fuzz_host;

static inline void fuzz_plugin_cleanup(void)
{
	gp_host_done(&fuzz_host);
	gp_profile_free(fuzz_profile);
}

static inline void fuzz_plugin_setup(const struct fuzz_plugin *fp)
{
	char *error = NULL;

	if (fuzz_profile)
		return;
	gp_log_set_level(GP_LOG_ERR);
	fuzz_fixed("etc/os-release", fp->os_release, strlen(fp->os_release));
	if (gp_profile_load("alibaba", &fuzz_profile, &error) < 0) {
		fprintf(stderr, "profile: %s\n", error);
		abort();
	}
	if (gp_host_detect(fuzz_tree(), &fuzz_host) < 0)
		fuzz_die("gp_host_detect");
	fuzz_host.os.support = gp_profile_classify(fuzz_profile, &fuzz_host.os,
						   &fuzz_host.os.platform);
	atexit(fuzz_plugin_cleanup);
}

static inline void fuzz_plugin_output(const struct gp_report *report,
				      const struct gp_plan *plan)
{
	struct gp_result res = { .mode = plan ? "fix" : "check",
				 .profile = fuzz_profile, .root = "/fuzz",
				 .host = &fuzz_host, .report = report,
				 .plan = plan, .before = report,
				 .dry_run = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		fuzz_die("open_memstream");
	result_fill_import(&res, 0, NULL);
	output_json(f, &res);
	output_text(f, &res, false, true);
	if (plan)
		output_plan_text(f, &res);
	fclose(f);
	free(buf);
}

static inline int fuzz_plugin_run(const struct fuzz_plugin *fp,
				  const uint8_t *data, size_t size)
{
	char *only[] = { (char *)fp->only, NULL };
	const uint8_t *parts[8];
	size_t lens[8], n, max = 0;
	struct gp_report report = { 0 };
	struct gp_plan plan = { 0 };
	struct gp_ctx ctx;

	fuzz_plugin_setup(fp);
	while (max < 8 && fp->paths[max])
		max++;
	fuzz_reset();
	n = fuzz_split(data, size, parts, lens, max);
	for (size_t i = 0; i < n; i++)
		fuzz_put(fp->paths[i], parts[i], lens[i]);

	ctx = (struct gp_ctx){ .root = fuzz_tree(), .host = &fuzz_host,
			       .profile = fuzz_profile, .report = &report,
			       .only = only };
	if (runner_run(&ctx) == 0) {
		ctx.plan = &plan;
		runner_plan_fixes(&ctx);
		fuzz_plugin_output(&report, &plan);
	}
	plan_done(&plan);
	report_done(&report);
	return 0;
}

#endif
