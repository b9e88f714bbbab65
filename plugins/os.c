/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * os: which system this is, and whether the cloud takes it.
 *
 * The core identified the system before any plugin ran (host.h); this
 * plugin judges that identity against the profile: was the system
 * recognised at all, which platform value the import form needs, and
 * whether the architecture is one the form offers.
 */
#include "config.h"

#include <string.h>

#include "guestprep/plugin.h"

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static void add_identity_evidence(struct gp_finding *f, const struct gp_os *os)
{
	if (os->source)
		gp_evidence(f, "identified from %s", os->source);
	for (size_t i = 0; os->notes && os->notes[i]; i++)
		gp_evidence(f, "%s", os->notes[i]);
}

static int check_identified(struct gp_ctx *ctx)
{
	const struct gp_os *os = &gp_ctx_host(ctx)->os;
	struct gp_finding *f;

	if (os->kind != GP_KIND_UNKNOWN && os->id) {
		f = gp_emit(ctx, "os.identified", GP_PASS, "%s (%s %s, %s family)",
			    os->pretty ? os->pretty : os->id, os->id,
			    or_unknown(os->version),
			    gp_os_family_name(os->family));
		add_identity_evidence(f, os);
		return 0;
	}
	f = gp_emit(ctx, "os.identified", gp_ctx_profile(ctx)->os_unknown,
		    "the operating system could not be identified");
	add_identity_evidence(f, os);
	gp_evidence(f, "looked for /etc/os-release, /usr/lib/os-release, "
		       "/etc/*-release, /etc/lsb-release, /etc/debian_version "
		       "and /etc/issue");
	gp_remedy(f, "restore the distribution's release files (the cloud "
		     "recognises the system by /etc/issue* and the release "
		     "files), or import it as platform \"Others Linux\"");
	return 0;
}

static void add_versions(struct gp_finding *f, const struct gp_profile *p,
			 const char *platform)
{
	for (size_t i = 0; i < p->n_platforms; i++) {
		const struct gp_platform *pl = &p->platforms[i];

		if (strcmp(pl->name, platform) != 0 || !pl->versions)
			continue;
		for (size_t v = 0; pl->versions[v]; v++)
			gp_evidence(f, "documented release of %s: %s", platform,
				    pl->versions[v]);
	}
}

static int check_platform(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const struct gp_os *os = &gp_ctx_host(ctx)->os;
	const char *name = os->pretty ? os->pretty : or_unknown(os->id);
	struct gp_finding *f;

	/* The profile's Windows platforms are told apart by release. */
	if (os->kind == GP_KIND_WINDOWS) {
		gp_emit(ctx, "os.platform", GP_SKIP,
			"a Windows release is judged by windows_os.version");
		return 0;
	}
	switch (os->support) {
	case GP_SUPPORT_YES:
		gp_emit(ctx, "os.platform", GP_PASS,
			"supported: import as platform \"%s\"", os->platform);
		break;
	case GP_SUPPORT_UNLISTED:
		f = gp_emit(ctx, "os.platform", p->os_unlisted_version,
			    "%s %s is not a release the requirements list for "
			    "platform \"%s\"", name, or_unknown(os->version),
			    os->platform);
		add_versions(f, p, os->platform);
		gp_remedy(f, "confirm with the cloud's support (a ticket) that "
			     "this release imports as \"%s\", or import it as "
			     "\"%s\"", os->platform,
			  or_unknown(p->fallback_platform));
		break;
	case GP_SUPPORT_NO:
		f = gp_emit(ctx, "os.platform", p->os_unsupported,
			    "%s is not a supported platform", name);
		gp_evidence(f, "os id \"%s\" maps to no platform of profile %s",
			    os->id, p->name);
		if (os->platform)
			gp_remedy(f, "import it as platform \"%s\": the cloud "
				     "will not configure its network or password",
				  os->platform);
		break;
	case GP_SUPPORT_UNKNOWN:
		if (os->id)
			gp_emit(ctx, "os.platform", GP_SKIP,
				"profile %s lists no platform for %s systems",
				p->name, gp_os_kind_name(os->kind));
		else
			gp_emit(ctx, "os.platform", GP_SKIP,
				"no platform can be chosen for an unidentified "
				"system");
		break;
	}
	return 0;
}

static int check_architecture(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const char *arch = gp_ctx_host(ctx)->arch;
	struct gp_finding *f;

	if (!arch) {
		f = gp_emit(ctx, "os.architecture", GP_WARN,
			    "the architecture could not be told");
		gp_remedy(f, "choose x86_64 for a 64-bit and i386 for a 32-bit "
			     "system in the import form");
		return 0;
	}
	if (gp_strv_contains(p->architectures, arch)) {
		gp_emit(ctx, "os.architecture", GP_PASS, "%s", arch);
		return 0;
	}
	f = gp_emit(ctx, "os.architecture", GP_FAIL,
		    "%s is not an architecture the import accepts", arch);
	for (size_t i = 0; p->architectures && p->architectures[i]; i++)
		gp_evidence(f, "accepted: %s", p->architectures[i]);
	return 0;
}

static const struct gp_check os_checks[] = {
	{ .id = "os.identified",
	  .summary = "the distribution and release can be told",
	  .run = check_identified },
	{ .id = "os.platform",
	  .summary = "the release maps to a supported import platform",
	  .run = check_platform },
	{ .id = "os.architecture",
	  .summary = "the architecture is one the import accepts",
	  .run = check_architecture },
	{ 0 },
};

const struct gp_plugin os_plugin = {
	.name = "os",
	.summary = "operating system, import platform and architecture",
	.targets = GP_TARGET_LINUX | GP_TARGET_FREEBSD | GP_TARGET_WINDOWS,
	.checks = os_checks,
};
