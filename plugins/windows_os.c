/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows_os: which Windows this is, and whether the cloud imports it.
 *
 *   windows_os.version       Windows Server 2003 with SP1 and later, through
 *                            the newest release the profile documents, pass;
 *                            client editions (XP, Vista, 7, 8, 10, 11) and
 *                            systems older than 2003 are refused; a Server
 *                            newer than the profile's platforms warns.
 *   windows_os.architecture  AMD64 (x86_64) or x86 (i386), as the import form
 *                            offers them; ARM64 and Itanium fail.
 *
 * Everything is read from the registry (winreg.h), never from the
 * machine running guestprep: SOFTWARE\Microsoft\Windows NT\CurrentVersion
 * for the release, SYSTEM\...\ProductOptions for the product type and
 * the Session Manager's environment for the processor architecture.
 *
 * The platform value of the import form comes from the profile's
 * platform table: each "Windows Server YYYY" platform lists the id
 * "windows-server" and the NT versions it takes (6.1 for 2008 R2,
 * 10.0.17763 for 2019), matched against "major.minor.build".
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guestprep/plugin.h"
#include "guestprep/strv.h"
#include "guestprep/winreg.h"

#define CURRENT_VERSION "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define PRODUCT_OPTIONS "SYSTEM\\CurrentControlSet\\Control\\ProductOptions"
#define ENVIRONMENT \
	"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"

/* The platform id the profile gives the Windows Server platforms. */
#define SERVER_ID "windows-server"

/* --- reading values ------------------------------------------------ */

/*
 * A value that is absent, or of another type, is not an error of the
 * check: it is left NULL (and said so in the evidence when the type is
 * wrong).  Anything else (a damaged hive, no memory) is.
 */
static bool soft_error(int r)
{
	return r == -ENOENT || r == -EMEDIUMTYPE;
}

static int read_string(struct gp_winreg *reg, const char *key,
		       const char *value, char **ret, char ***ev)
{
	_cleanup_free_ char *s = NULL;
	int r = gp_winreg_get_string(reg, key, value, &s);

	if (soft_error(r)) {
		*ret = NULL;
		if (r == -EMEDIUMTYPE &&
		    strv_pushf(ev, "%s: %s is not a string (%s)", key, value,
			       gp_winreg_source(reg, key)) < 0)
			return -ENOMEM;
		return 0;
	}
	if (r < 0)
		return r;
	if (strv_pushf(ev, "%s: %s = \"%s\" (%s)", key, value, s,
		       gp_winreg_source(reg, key)) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(s);
	return 0;
}

/* 1 when the DWORD was read, 0 when it is absent. */
static int read_dword(struct gp_winreg *reg, const char *key,
		      const char *value, uint32_t *ret, char ***ev)
{
	uint32_t v;
	int r = gp_winreg_get_dword(reg, key, value, &v);

	if (soft_error(r))
		return 0;
	if (r < 0)
		return r;
	if (strv_pushf(ev, "%s: %s = %u (%s)", key, value, v,
		       gp_winreg_source(reg, key)) < 0)
		return -ENOMEM;
	*ret = v;
	return 1;
}

static void evidence_lines(struct gp_finding *f, char *const *lines)
{
	for (size_t i = 0; lines && lines[i]; i++)
		gp_evidence(f, "%s", lines[i]);
}

/* --- the release ------------------------------------------------------ */

struct winver {
	char **evidence;
	char *product;		/* ProductName */
	char *edition;		/* EditionID */
	char *install;		/* InstallationType (7 / 2008 R2 and later) */
	char *csd;		/* CSDVersion: "Service Pack 1" */
	char *build;		/* CurrentBuildNumber, or CurrentBuild */
	char *current;		/* CurrentVersion: "5.2", "6.3" */
	char *product_type;	/* ProductOptions: WinNT, ServerNT, LanmanNT */
	uint32_t major, minor;	/* from 10 on: CurrentMajorVersionNumber */
	bool have_major;
	char *version;		/* "6.3.9600", built from the above */
};

static void winver_done(struct winver *w)
{
	strv_free(w->evidence);
	free(w->product);
	free(w->edition);
	free(w->install);
	free(w->csd);
	free(w->build);
	free(w->current);
	free(w->product_type);
	free(w->version);
}

static int read_current_version(struct gp_winreg *reg, struct winver *w)
{
	const char *k = CURRENT_VERSION;
	char **ev = NULL;
	uint32_t minor = 0;
	int r;

	r = read_string(reg, k, "ProductName", &w->product, &w->evidence);
	if (r == 0)
		r = read_string(reg, k, "EditionID", &w->edition, &w->evidence);
	if (r == 0)
		r = read_string(reg, k, "InstallationType", &w->install,
				&w->evidence);
	if (r == 0)
		r = read_string(reg, k, "CSDVersion", &w->csd, &w->evidence);
	if (r == 0)
		r = read_string(reg, k, "CurrentBuildNumber", &w->build,
				&w->evidence);
	if (r == 0 && !w->build)
		r = read_string(reg, k, "CurrentBuild", &w->build,
				&w->evidence);
	if (r == 0)
		r = read_string(reg, k, "CurrentVersion", &w->current,
				&w->evidence);
	if (r < 0)
		return r;
	/* CurrentVersion stays "6.3" on 10 and later, for old programs. */
	r = read_dword(reg, k, "CurrentMajorVersionNumber", &w->major, &ev);
	if (r > 0)
		r = read_dword(reg, k, "CurrentMinorVersionNumber", &minor,
			       &ev);
	if (r > 0) {
		w->have_major = true;
		w->minor = minor;
	}
	for (size_t i = 0; r >= 0 && ev && ev[i]; i++)
		r = strv_push(&w->evidence, ev[i]);
	strv_free(ev);
	return r < 0 ? r : 0;
}

/* "major.minor.build" when the build is a number, else "major.minor". */
static int make_version(struct winver *w)
{
	const char *b = w->build;
	bool build = b && *b && strspn(b, "0123456789") == strlen(b);

	if (w->have_major)
		w->version = build ? strprintf("%u.%u.%s", w->major, w->minor,
					       b) :
				     strprintf("%u.%u", w->major, w->minor);
	else if (w->current)
		w->version = build ? strprintf("%s.%s", w->current, b) :
				     strdup(w->current);
	else
		return 0;
	return w->version ? 0 : -ENOMEM;
}

static int read_winver(struct gp_winreg *reg, struct winver *w)
{
	int r = read_current_version(reg, w);

	if (r == 0)
		r = read_string(reg, PRODUCT_OPTIONS, "ProductType",
				&w->product_type, &w->evidence);
	if (r == 0)
		r = make_version(w);
	return r;
}

/*
 * Server or client edition.  InstallationType ("Client", "Server",
 * "Server Core", "Nano Server") is the clearest; systems before 7 and
 * 2008 R2 lack it, and have ProductOptions\ProductType (WinNT on a
 * workstation, ServerNT or LanmanNT on a server); the product name is
 * the last resort.
 */
static bool is_server(const struct winver *w)
{
	if (w->install && strcasecmp(w->install, "Client") == 0)
		return false;
	if (w->install && (strncasecmp(w->install, "Server", 6) == 0 ||
			   strcasecmp(w->install, "Nano Server") == 0))
		return true;
	if (w->product_type)
		return strcasecmp(w->product_type, "WinNT") != 0;
	return w->product && strstr(w->product, "Server");
}

/* The service pack number CSDVersion names ("Service Pack 2"), or 0. */
static unsigned service_pack(const char *csd)
{
	const char *p;

	if (!csd)
		return 0;
	p = strstr(csd, "Service Pack ");
	if (!p)
		return 0;
	return (unsigned)strtoul(p + 13, NULL, 10);
}

/* The profile's platform whose versions take @version, or NULL. */
static const char *server_platform(const struct gp_profile *p,
				   const char *version)
{
	for (size_t i = 0; i < p->n_platforms; i++) {
		const struct gp_platform *pl = &p->platforms[i];

		if (gp_strv_contains(pl->ids, SERVER_ID) &&
		    gp_version_matches(version, pl->versions))
			return pl->name;
	}
	return NULL;
}

static void add_documented(struct gp_finding *f, const struct gp_profile *p)
{
	for (size_t i = 0; i < p->n_platforms; i++) {
		const struct gp_platform *pl = &p->platforms[i];
		_cleanup_free_ char *v = NULL;

		if (!gp_strv_contains(pl->ids, SERVER_ID))
			continue;
		v = pl->versions ? strv_join(pl->versions, ", ") : NULL;
		gp_evidence(f, "platform \"%s\": NT %s", pl->name,
			    v ? v : "any version");
	}
}

static const char *name_of(const struct winver *w)
{
	return w->product ? w->product : "this Windows";
}

static void judge_server(struct gp_ctx *ctx, const struct winver *w)
{
	static char *const nt_2003[] = { "5.2", NULL };
	const struct gp_profile *p = gp_ctx_profile(ctx);
	const char *platform = server_platform(p, w->version);
	struct gp_finding *f;

	if (gp_version_cmp(w->version, "5.2") < 0) {
		f = gp_emit(ctx, "windows_os.version",
			    p->windows_os_unsupported,
			    "%s (NT %s) is older than Windows Server 2003",
			    name_of(w), w->version);
		evidence_lines(f, w->evidence);
		gp_remedy(f, "upgrade to a Windows Server release the cloud "
			     "imports (2003 SP1 to 2019)");
	} else if (gp_version_matches(w->version, nt_2003) &&
		   service_pack(w->csd) < 1) {
		f = gp_emit(ctx, "windows_os.version",
			    p->windows_os_service_pack,
			    "%s has no service pack: the cloud requires "
			    "Windows Server 2003 with Service Pack 1 or later",
			    name_of(w));
		evidence_lines(f, w->evidence);
		gp_remedy(f, "install Service Pack 2 for Windows Server 2003");
	} else if (platform) {
		f = gp_emit(ctx, "windows_os.version", GP_PASS,
			    "%s (NT %s): import as platform \"%s\"",
			    name_of(w), w->version, platform);
		evidence_lines(f, w->evidence);
		gp_evidence(f, "import platform: %s", platform);
		gp_ctx_set_import_platform(ctx, platform);
	} else {
		f = gp_emit(ctx, "windows_os.version", p->windows_os_unlisted,
			    "%s (NT %s) is a Windows Server release the "
			    "requirements do not document", name_of(w),
			    w->version);
		evidence_lines(f, w->evidence);
		add_documented(f, p);
		gp_remedy(f, "confirm with the cloud's support (a ticket) that "
			     "this release imports, choosing the newest "
			     "Windows Server platform in the import form");
	}
}

static int check_version(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	_cleanup_(winver_done) struct winver w = { 0 };
	struct gp_winreg *reg;
	struct gp_finding *f;
	int r;

	reg = gp_winreg_need(ctx, "windows_os.version", "SOFTWARE");
	if (!reg)
		return 0;
	r = read_winver(reg, &w);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_os.version", reg,
					  CURRENT_VERSION, r);
		return 0;
	}
	if (!w.version) {
		f = gp_emit(ctx, "windows_os.version", p->os_unknown,
			    "the Windows release cannot be told");
		evidence_lines(f, w.evidence);
		gp_evidence(f, "%s: no CurrentVersion (%s)", CURRENT_VERSION,
			    gp_winreg_source(reg, CURRENT_VERSION));
		gp_remedy(f, "check that this is a Windows system volume with "
			     "an intact SOFTWARE hive");
		return 0;
	}
	if (!is_server(&w)) {
		f = gp_emit(ctx, "windows_os.version",
			    p->windows_os_unsupported,
			    "%s (NT %s) is a client edition: only Windows "
			    "Server imports", name_of(&w), w.version);
		evidence_lines(f, w.evidence);
		gp_remedy(f, "import a Windows Server system (2003 SP1 to "
			     "2019); client editions (XP, 7, 8, 10) are not "
			     "supported");
		return 0;
	}
	judge_server(ctx, &w);
	return 0;
}

/* --- the architecture ------------------------------------------------- */

/* PROCESSOR_ARCHITECTURE as Windows names it, and as the form does. */
static const char *import_arch(const char *windows)
{
	static const struct {
		const char *windows, *import;
	} map[] = {
		{ "AMD64", "x86_64" }, { "x86", "i386" },
		{ "ARM64", "aarch64" }, { "IA64", "ia64" },
		{ "ARM", "arm" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcasecmp(windows, map[i].windows) == 0)
			return map[i].import;
	return NULL;
}

static int check_architecture(struct gp_ctx *ctx)
{
	const struct gp_profile *p = gp_ctx_profile(ctx);
	struct gp_winreg *reg =
		gp_winreg_need(ctx, "windows_os.architecture", "SYSTEM");
	_cleanup_(strv_freep) char **ev = NULL;
	_cleanup_free_ char *windows = NULL;
	const char *arch;
	struct gp_finding *f;
	int r;

	if (!reg)
		return 0;
	r = read_string(reg, ENVIRONMENT, "PROCESSOR_ARCHITECTURE", &windows,
			&ev);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_winreg_emit_unreadable(ctx, "windows_os.architecture", reg,
					  ENVIRONMENT, r);
		return 0;
	}
	if (!windows) {
		f = gp_emit(ctx, "windows_os.architecture", GP_WARN,
			    "the architecture could not be told");
		evidence_lines(f, ev);
		gp_evidence(f, "%s: no PROCESSOR_ARCHITECTURE (%s)",
			    ENVIRONMENT, gp_winreg_source(reg, ENVIRONMENT));
		gp_remedy(f, "choose x86_64 for a 64-bit and i386 for a 32-bit "
			     "system in the import form");
		return 0;
	}
	arch = import_arch(windows);
	if (arch && gp_strv_contains(p->architectures, arch)) {
		f = gp_emit(ctx, "windows_os.architecture", GP_PASS,
			    "%s: import with architecture %s", windows, arch);
		evidence_lines(f, ev);
		gp_evidence(f, "import architecture: %s", arch);
		return 0;
	}
	f = gp_emit(ctx, "windows_os.architecture", GP_FAIL,
		    "%s is not an architecture the import accepts", windows);
	evidence_lines(f, ev);
	for (size_t i = 0; p->architectures && p->architectures[i]; i++)
		gp_evidence(f, "accepted: %s", p->architectures[i]);
	gp_remedy(f, "import an x86_64 (AMD64) or i386 (x86) installation "
		     "of Windows Server");
	return 0;
}

static const struct gp_check windows_os_checks[] = {
	{ .id = "windows_os.version",
	  .summary = "a Windows Server release the cloud imports "
		     "(2003 SP1 to 2019), not a client edition",
	  .run = check_version },
	{ .id = "windows_os.architecture",
	  .summary = "the Windows architecture is x86_64 or i386",
	  .run = check_architecture },
	{ 0 },
};

const struct gp_plugin windows_os_plugin = {
	.name = "windows_os",
	.summary = "Windows release, edition and architecture",
	.targets = GP_TARGET_WINDOWS,
	.checks = windows_os_checks,
};
