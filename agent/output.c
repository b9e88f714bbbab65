/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "json.h"
#include "output.h"

#define GIB (1024ull * 1024 * 1024)

static const char *import_os_type(enum gp_os_kind kind)
{
	switch (kind) {
	case GP_KIND_WINDOWS:
		return "windows";
	case GP_KIND_LINUX:
	case GP_KIND_FREEBSD:	/* the import form files FreeBSD under Linux */
		return "linux";
	default:
		return NULL;
	}
}

/* The form offers the architectures the profile lists, nothing else. */
static const char *import_arch(const struct gp_profile *p, const char *arch)
{
	return arch && gp_strv_contains(p->architectures, arch) ? arch : NULL;
}

void result_fill_import(struct gp_result *res, uint64_t system_disk_bytes,
			const char *platform)
{
	const struct gp_profile *p = res->profile;
	uint64_t gib = (system_disk_bytes + GIB - 1) / GIB;

	res->import.platform = platform ? platform : res->host->os.platform;
	res->import.os_type = import_os_type(res->host->os.kind);
	res->import.architecture = import_arch(p, res->host->arch);
	/* The disk may be smaller than the form accepts, never larger. */
	if (gib && gib < p->system_disk_min_gib)
		gib = p->system_disk_min_gib;
	res->import.system_disk_gib = gib;
	res->import.format = p->image_format;
}

void output_safe(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		size_t n = u[i] >= 0x20 && u[i] != 0x7f ?
				   utf8_sequence(u + i, len - i) : 0;

		if (n) {
			fwrite(u + i, 1, n, f);
			i += n;
		} else if (u[i] == '\n') {
			fputs("\\n", f);
			i++;
		} else {
			fprintf(f, "\\x%02x", u[i++]);
		}
	}
}
