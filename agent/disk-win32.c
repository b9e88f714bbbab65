/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The system disk (disk.h) of the running Windows, for
 * windows_disk in guestprep.exe: the disk under the Windows directory's
 * volume (IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS), its partition style and
 * partitions (IOCTL_DISK_GET_DRIVE_LAYOUT_EX) and size
 * (IOCTL_DISK_GET_LENGTH_INFO), and the file system and label of each
 * partition that holds a mounted volume (GetVolumeInformationW).  Windows
 * asks for Administrator to open \\.\PhysicalDriveN; without it, or under
 * an emulation that has no such device, the layout says why (probe_error)
 * and the checks report it.  Disk images are not read here (there is no
 * libblkid): give them to guestprep on Linux.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winioctl.h>

#include "guestprep/disk.h"
#include "guestprep/log.h"
#include "guestprep/macro.h"
#include "util.h"
#include "win32.h"

#define MAX_PARTITIONS 128

static void handle_closep(HANDLE *h)
{
	if (*h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
}

static int open_device(const char *path, HANDLE *ret)
{
	_cleanup_free_ wchar_t *w = NULL;
	HANDLE h;
	int r = win32_to_wide(path, &w);

	if (r < 0)
		return r;
	/* No access right asked: the IOCTLs below only query. */
	h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return win32_errno(GetLastError());
	*ret = h;
	return 0;
}

static int ioctl_out(HANDLE h, DWORD code, void *out, DWORD size)
{
	DWORD got = 0;

	if (!DeviceIoControl(h, code, NULL, 0, out, size, &got, NULL))
		return win32_errno(GetLastError());
	return 0;
}

/* The single extent of a volume: its disk and where it starts. */
static int volume_extent(HANDLE vol, DWORD *ret_disk, uint64_t *ret_start)
{
	VOLUME_DISK_EXTENTS ext;
	int r = ioctl_out(vol, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, &ext,
			  sizeof(ext));

	/* A volume spanning disks (ERROR_MORE_DATA) has no one disk. */
	if (r < 0)
		return r;
	if (ext.NumberOfDiskExtents != 1)
		return -EMEDIUMTYPE;
	*ret_disk = ext.Extents[0].DiskNumber;
	*ret_start = (uint64_t)ext.Extents[0].StartingOffset.QuadPart;
	return 0;
}

int win32_system_disk(char **ret)
{
	_cleanup_(handle_closep) HANDLE vol = INVALID_HANDLE_VALUE;
	wchar_t windir[MAX_PATH];
	char path[8];
	uint64_t start;
	DWORD disk = 0;
	UINT n;
	int r;

	n = GetSystemWindowsDirectoryW(windir, ARRAY_SIZE(windir));
	if (n < 2 || n >= ARRAY_SIZE(windir) || windir[1] != L':')
		return -ENOENT;
	snprintf(path, sizeof(path), "\\\\.\\%c:", (char)windir[0]);
	r = open_device(path, &vol);
	if (r == 0)
		r = volume_extent(vol, &disk, &start);
	if (r < 0)
		return r;
	*ret = strprintf("\\\\.\\PhysicalDrive%lu", disk);
	return *ret ? 0 : -ENOMEM;
}

static void guid_string(const GUID *g, char *buf, size_t size)
{
	snprintf(buf, size, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1],
		 g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
		 g->Data4[6], g->Data4[7]);
}

/* The file system of @start on disk @disk, from the volume there. */
static void volume_at(DWORD disk, uint64_t start, struct gp_partition *p)
{
	wchar_t name[MAX_PATH], fs[MAX_PATH + 1], label[MAX_PATH + 1];
	HANDLE find = FindFirstVolumeW(name, ARRAY_SIZE(name));
	bool more = find != INVALID_HANDLE_VALUE;

	for (; more; more = FindNextVolumeW(find, name, ARRAY_SIZE(name))) {
		size_t len = wcslen(name);
		HANDLE vol;
		DWORD d;
		uint64_t s;
		int r;

		if (len < 2 || name[len - 1] != L'\\')
			continue;
		/* The device is the name without its trailing backslash. */
		name[len - 1] = L'\0';
		vol = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
				  NULL, OPEN_EXISTING, 0, NULL);
		name[len - 1] = L'\\';
		if (vol == INVALID_HANDLE_VALUE)
			continue;
		r = volume_extent(vol, &d, &s);
		CloseHandle(vol);
		if (r < 0 || d != disk || s != start)
			continue;
		if (GetVolumeInformationW(name, label, ARRAY_SIZE(label), NULL,
					  NULL, NULL, fs, ARRAY_SIZE(fs))) {
			WideCharToMultiByte(CP_UTF8, 0, fs, -1, p->fstype,
					    sizeof(p->fstype) - 1, NULL, NULL);
			WideCharToMultiByte(CP_UTF8, 0, label, -1, p->label,
					    sizeof(p->label) - 1, NULL, NULL);
			/* "NTFS": the names the profile uses are blkid's. */
			for (char *c = p->fstype; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32
								   : *c);
		}
		break;
	}
	if (find != INVALID_HANDLE_VALUE)
		FindVolumeClose(find);
}

static const GUID esp_type = {0xc12a7328,
			      0xf81f,
			      0x11d2,
			      {0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b}};

static void fill_partition(const DRIVE_LAYOUT_INFORMATION_EX *dl,
			   const PARTITION_INFORMATION_EX *pi,
			   struct gp_partition *p)
{
	*p = (struct gp_partition){
		.partno = (unsigned)pi->PartitionNumber,
		.start = (uint64_t)pi->StartingOffset.QuadPart,
		.size = (uint64_t)pi->PartitionLength.QuadPart,
	};
	if (pi->PartitionStyle == PARTITION_STYLE_GPT) {
		guid_string(&pi->Gpt.PartitionType, p->type, sizeof(p->type));
		guid_string(&pi->Gpt.PartitionId, p->partuuid,
			    sizeof(p->partuuid));
		p->esp = IsEqualGUID(&pi->Gpt.PartitionType, &esp_type);
		return;
	}
	snprintf(p->type, sizeof(p->type), "0x%x", pi->Mbr.PartitionType);
	snprintf(p->partuuid, sizeof(p->partuuid), "%08lx-%02u",
		 dl->Mbr.Signature, p->partno);
	p->esp = pi->Mbr.PartitionType == 0xef;
	p->extended = pi->Mbr.PartitionType == 0x05 ||
		      pi->Mbr.PartitionType == 0x0f ||
		      pi->Mbr.PartitionType == 0x85;
}

static int read_layout(HANDLE h, struct gp_disk_layout *l)
{
	_cleanup_free_ DRIVE_LAYOUT_INFORMATION_EX *dl = NULL;
	DWORD size =
		sizeof(*dl) + MAX_PARTITIONS * sizeof(dl->PartitionEntry[0]);
	STORAGE_DEVICE_NUMBER num;
	GET_LENGTH_INFORMATION len;
	int r;

	dl = calloc(1, size);
	if (!dl)
		return -ENOMEM;
	r = ioctl_out(h, IOCTL_DISK_GET_LENGTH_INFO, &len, sizeof(len));
	if (r == 0)
		l->size = (uint64_t)len.Length.QuadPart;
	r = ioctl_out(h, IOCTL_DISK_GET_DRIVE_LAYOUT_EX, dl, size);
	if (r == 0)
		r = ioctl_out(h, IOCTL_STORAGE_GET_DEVICE_NUMBER, &num,
			      sizeof(num));
	if (r < 0)
		return r;
	if (dl->PartitionStyle == PARTITION_STYLE_MBR)
		strcpy(l->table, "dos");
	else if (dl->PartitionStyle == PARTITION_STYLE_GPT)
		strcpy(l->table, "gpt");
	l->parts = calloc(dl->PartitionCount ? dl->PartitionCount : 1,
			  sizeof(*l->parts));
	if (!l->parts)
		return -ENOMEM;
	for (DWORD i = 0; i < dl->PartitionCount && i < MAX_PARTITIONS; i++) {
		const PARTITION_INFORMATION_EX *pi = &dl->PartitionEntry[i];
		struct gp_partition *p = &l->parts[l->n_parts];

		/* MBR slots that are empty still have an entry. */
		if (pi->PartitionNumber == 0 ||
		    (pi->PartitionStyle == PARTITION_STYLE_MBR &&
		     pi->Mbr.PartitionType == PARTITION_ENTRY_UNUSED))
			continue;
		fill_partition(dl, pi, p);
		if (!p->extended)
			volume_at(num.DeviceNumber, p->start, p);
		l->n_parts++;
	}
	return 0;
}

int gp_disk_find(const struct gp_root *root, char *const *disks,
		 struct gp_disk_layout *ret)
{
	_cleanup_(handle_closep) HANDLE h = INVALID_HANDLE_VALUE;
	struct gp_disk_layout l = {.how = "the disk of the Windows volume"};
	int r;

	if (disks[0]) {
		l.how = "--disk";
		l.disk = strdup(disks[0]);
	} else {
		r = win32_system_disk(&l.disk);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			l.why_none = strprintf("the disk of the Windows "
					       "volume cannot be found: %s",
					       strerror(-r));
			if (!l.why_none)
				return -ENOMEM;
			*ret = l;
			return 0;
		}
	}
	if (!l.disk)
		return -ENOMEM;
	r = open_device(l.disk, &h);
	if (r == 0)
		r = read_layout(h, &l);
	if (r == -ENOMEM) {
		gp_disk_layout_done(&l);
		return r;
	}
	if (r < 0) {
		free(l.parts);
		l.parts = NULL;
		l.n_parts = 0;
		l.probe_error = r;
	}
	*ret = l;
	return 0;
}

int win32_default_disks(char ***disks)
{
	char *disk = NULL;
	int r;

	if (*disks)
		return 0;
	r = win32_system_disk(&disk);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		gp_debug("the disk of the Windows volume: %s", strerror(-r));
		return 0;
	}
	return strv_consume(disks, disk);
}
