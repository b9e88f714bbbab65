/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * os-release and the distributions' release files (agent/osid.c).  The
 * input's first part is /etc/os-release, the second a release file, the
 * third /etc/issue; the first byte of the input picks which release
 * file, so the parsers of each format are reached.
 */
#include "config.h"

#include "fuzz.h"
#include "guestprep/macro.h"
#include "guestprep/host.h"
#include "osid.h"

static const char *const release_files[] = {
	"etc/redhat-release",	"etc/centos-release", "etc/SuSE-release",
	"etc/lsb-release",	"etc/debian_version", "etc/oracle-release",
	"etc/system-release",	"etc/fedora-release",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *parts[3];
	size_t lens[3], n;
	struct gp_os os = { 0 };
	struct gp_root *root = fuzz_tree();
	unsigned pick = 0;

	if (size > 0) {
		pick = data[0] % ARRAY_SIZE(release_files);
		data++;
		size--;
	}
	fuzz_reset();
	n = fuzz_split(data, size, parts, lens, 3);
	fuzz_put("etc/os-release", parts[0], lens[0]);
	if (n > 1)
		fuzz_put(release_files[pick], parts[1], lens[1]);
	if (n > 2)
		fuzz_put("etc/issue", parts[2], lens[2]);
	if (osid_detect(root, &os) == 0)
		osid_done(&os);
	return 0;
}
