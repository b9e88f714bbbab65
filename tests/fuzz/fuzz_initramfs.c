/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initramfs lister (agent/initramfs.c): cpio archives, compressed or
 * not, one after the other.  The input is the image, in a memfd; every
 * entry's path goes through gp_initramfs_module_name() as the virtio
 * check does.
 */
#include "config.h"

#include <sys/mman.h>

#include "fuzz.h"
#include "guestprep/initramfs.h"

static int on_entry(const struct gp_initramfs_entry *entry, void *userdata)
{
	char name[256];
	size_t *n = userdata;

	if (!entry->path)
		abort();
	if (gp_initramfs_module_name(entry->path, name, sizeof(name)) &&
	    strlen(name) >= sizeof(name))
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct gp_initramfs_info info;
	size_t n = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-initramfs", MFD_CLOEXEC);
		if (fd < 0)
			fuzz_die("memfd_create");
	}
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		fuzz_die("memfd");
	if (gp_initramfs_list_fd(fd, on_entry, &n, &info) == 0 &&
	    n > info.n_entries)
		abort();	/* every entry listed is counted */
	return 0;
}
