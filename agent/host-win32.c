/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Host facts of the running Windows for guestprep.exe
 * (the seams of host.c and osid.c): the release from ntdll's
 * RtlGetVersion, the machine from GetNativeSystemInfo (the machine
 * itself, not the emulated one of a WOW64 process), the boot firmware
 * from GetFirmwareType.  Functions newer than Windows Server 2003 are
 * looked up at run time, so guestprep.exe starts on every release the
 * cloud takes and says "unknown" where an old one cannot tell.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "guestprep/log.h"
#include "guestprep/macro.h"
#include "util.h"
#include "win32.h"

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);
typedef BOOL(WINAPI *get_firmware_type_fn)(int *);

/* A function of a DLL every process has loaded (ntdll, kernel32). */
static FARPROC system_function(const wchar_t *dll, const char *name)
{
	HMODULE m = GetModuleHandleW(dll);

	return m ? GetProcAddress(m, name) : NULL;
}

int win32_os_version(char **ret_version, char **ret_sp)
{
	rtl_get_version_fn get;
	OSVERSIONINFOEXW v = {.dwOSVersionInfoSize = sizeof(v)};
	_cleanup_free_ char *version = NULL, *sp = NULL;
	int r;

	/* A cast through void: GetProcAddress returns a generic pointer. */
	get = (rtl_get_version_fn)(void (*)(void))system_function(
		L"ntdll.dll", "RtlGetVersion");
	if (!get || get(&v) != 0)
		return -ENOSYS;
	version = strprintf("%lu.%lu.%lu", v.dwMajorVersion, v.dwMinorVersion,
			    v.dwBuildNumber);
	if (!version)
		return -ENOMEM;
	if (v.szCSDVersion[0]) {
		r = win32_from_wide(
			v.szCSDVersion,
			wcsnlen(v.szCSDVersion, ARRAY_SIZE(v.szCSDVersion)),
			&sp);
		if (r < 0)
			return r;
	}
	*ret_version = TAKE_PTR(version);
	*ret_sp = TAKE_PTR(sp);
	return 0;
}

static const char *arch_name(WORD arch)
{
	switch (arch) {
	case PROCESSOR_ARCHITECTURE_AMD64:
		return "x86_64";
	case PROCESSOR_ARCHITECTURE_INTEL:
		return "i386";
	case PROCESSOR_ARCHITECTURE_ARM64:
		return "aarch64";
	case PROCESSOR_ARCHITECTURE_ARM:
		return "arm";
	case PROCESSOR_ARCHITECTURE_IA64:
		return "ia64";
	default:
		return NULL;
	}
}

/* FirmwareTypeBios is 1, FirmwareTypeUefi 2 (winnt.h's FIRMWARE_TYPE). */
static enum gp_boot boot_mode(void)
{
	get_firmware_type_fn get;
	int type = 0;

	get = (get_firmware_type_fn)(void (*)(void))system_function(
		L"kernel32.dll", "GetFirmwareType");
	if (!get || !get(&type))
		return GP_BOOT_UNKNOWN;
	return type == 2   ? GP_BOOT_UEFI
	       : type == 1 ? GP_BOOT_BIOS
			   : GP_BOOT_UNKNOWN;
}

int host_win32_machine(struct gp_host *host)
{
	_cleanup_free_ char *sp = NULL;
	wchar_t name[256];
	DWORD n = ARRAY_SIZE(name);
	SYSTEM_INFO si;
	const char *arch;
	int r;

	GetNativeSystemInfo(&si);
	arch = arch_name(si.wProcessorArchitecture);
	if (arch) {
		host->arch = strdup(arch);
		if (!host->arch)
			return -ENOMEM;
	}
	r = win32_os_version(&host->kernel, &sp);
	if (r == -ENOMEM)
		return r;
	host->boot = boot_mode();
	/* The report has no field for it; -v shows which machine this is. */
	if (GetComputerNameExW(ComputerNameDnsFullyQualified, name, &n)) {
		_cleanup_free_ char *utf8 = NULL;

		if (win32_from_wide(name, n, &utf8) == 0)
			gp_debug("computer name: %s", utf8);
	}
	return 0;
}
