/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the registry hives of tests/fixtures/distros/windows: a
 * Windows Server 2019 Datacenter (NT 10.0, build 17763, x64) as a fresh
 * installation leaves it, before any preparation for the cloud: Remote
 * Desktop off, the firewall on in all three profiles with its Remote
 * Desktop rule inactive, no virtio drivers, no QEMU guest agent.  Only
 * the keys guestprep reads are there.
 *
 *   make tests/windows/mkhives
 *   tests/windows/mkhives $(srcdir)/tests/fixtures/distros/windows
 *
 * The files are the same bytes on every run (hive.c writes fixed times
 * and hivex keeps them).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "hive.h"

#define CV  "Microsoft\\Windows NT\\CurrentVersion"
#define CS  "ControlSet001"
#define FW  CS "\\Services\\SharedAccess\\Parameters\\FirewallPolicy"
#define RDP_RULE                                                            \
	"v2.28|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=3389|"     \
	"App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|"          \
	"Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|"        \
	"EmbedCtxt=@FirewallAPI.dll,-28752|"

static void software(const char *f)
{
	hive_new(f);
	hive_set_string(f, CV, "ProductName", "Windows Server 2019 Datacenter");
	hive_set_string(f, CV, "EditionID", "ServerDatacenter");
	hive_set_string(f, CV, "InstallationType", "Server");
	hive_set_string(f, CV, "CurrentVersion", "6.3");
	hive_set_dword(f, CV, "CurrentMajorVersionNumber", 10);
	hive_set_dword(f, CV, "CurrentMinorVersionNumber", 0);
	hive_set_string(f, CV, "CurrentBuildNumber", "17763");
	hive_set_string(f, CV, "CurrentBuild", "17763");
	hive_set_dword(f, CV, "UBR", 1);
	hive_set_string(f, CV, "ReleaseId", "1809");
	hive_set_string(f, CV, "BuildLabEx",
			"17763.1.amd64fre.rs5_release.180914-1434");
	hive_set_string(f, CV, "CurrentType", "Multiprocessor Free");
	hive_set_string(f, CV, "SystemRoot", "C:\\Windows");
	hive_set_string(f, CV, "PathName", "C:\\Windows");
	hive_set_string(f, CV, "RegisteredOwner", "Windows User");
	hive_set_dword(f, CV, "InstallDate", 1574380800);
	hive_add_key(f, "Microsoft\\Windows\\CurrentVersion\\Run");
	hive_add_key(f, "Policies\\Microsoft\\Windows NT");
}

static void environment(const char *f)
{
	const char *env = CS "\\Control\\Session Manager\\Environment";

	hive_set_string(f, env, "PROCESSOR_ARCHITECTURE", "AMD64");
	hive_set_string(f, env, "NUMBER_OF_PROCESSORS", "2");
	hive_set_string(f, env, "OS", "Windows_NT");
	hive_set_expand(f, env, "ComSpec", "%SystemRoot%\\system32\\cmd.exe");
	hive_set_expand(f, env, "Path",
			"%SystemRoot%\\system32;%SystemRoot%;"
			"%SystemRoot%\\System32\\Wbem;"
			"%SYSTEMROOT%\\System32\\WindowsPowerShell\\v1.0\\");
	hive_set_expand(f, env, "TEMP", "%SystemRoot%\\TEMP");
}

static void remote_desktop(const char *f)
{
	const char *ts = CS "\\Control\\Terminal Server";
	const char *tcp = CS "\\Control\\Terminal Server\\WinStations\\RDP-Tcp";
	static const char *const profiles[] = { "DomainProfile",
						"StandardProfile",
						"PublicProfile" };

	hive_set_dword(f, ts, "fDenyTSConnections", 1);
	hive_set_dword(f, ts, "fSingleSessionPerUser", 1);
	hive_set_dword(f, tcp, "PortNumber", 3389);
	hive_set_dword(f, tcp, "UserAuthentication", 1);
	hive_set_dword(f, tcp, "SecurityLayer", 2);
	for (size_t i = 0; i < 3; i++) {
		char key[256];

		snprintf(key, sizeof(key), FW "\\%s", profiles[i]);
		hive_set_dword(f, key, "EnableFirewall", 1);
		hive_set_dword(f, key, "DefaultInboundAction", 1);
		hive_set_dword(f, key, "DefaultOutboundAction", 0);
	}
	hive_set_string(f, FW "\\FirewallRules", "RemoteDesktop-UserMode-In-TCP",
			RDP_RULE);
}

/* A service key as the installer leaves it. */
static void service(const char *f, const char *name, uint32_t start,
		    uint32_t type, const char *image)
{
	char key[256];

	snprintf(key, sizeof(key), CS "\\Services\\%s", name);
	hive_set_dword(f, key, "Start", start);
	hive_set_dword(f, key, "Type", type);
	hive_set_dword(f, key, "ErrorControl", 1);
	hive_set_expand(f, key, "ImagePath", image);
}

static void services(const char *f)
{
	/* Boot-start storage drivers of a plain installation. */
	service(f, "storahci", 0, 1, "System32\\drivers\\storahci.sys");
	service(f, "LSI_SAS", 0, 1, "System32\\drivers\\lsi_sas.sys");
	service(f, "stornvme", 0, 1, "System32\\drivers\\stornvme.sys");
	service(f, "disk", 0, 1, "System32\\drivers\\disk.sys");
	service(f, "Tcpip", 0, 1, "System32\\drivers\\tcpip.sys");
	service(f, "TermService", 3, 0x20,
		"%SystemRoot%\\System32\\svchost.exe -k NetworkService");
	service(f, "MpsSvc", 2, 0x20,
		"%SystemRoot%\\system32\\svchost.exe -k LocalServiceNoNetwork");
	service(f, "Dhcp", 2, 0x20,
		"%SystemRoot%\\system32\\svchost.exe -k LocalServiceNetworkRestricted");
}

static void system_hive(const char *f)
{
	hive_new(f);
	hive_set_dword(f, "Select", "Current", 1);
	hive_set_dword(f, "Select", "Default", 1);
	hive_set_dword(f, "Select", "Failed", 0);
	hive_set_dword(f, "Select", "LastKnownGood", 1);
	hive_set_string(f, CS "\\Control\\ComputerName\\ComputerName",
			"ComputerName", "WIN-GUESTPREP");
	hive_set_string(f, CS "\\Control\\ProductOptions", "ProductType",
			"ServerNT");
	environment(f);
	remote_desktop(f);
	services(f);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/Windows/System32/config", argv[1]);
	/* mkdir -p */
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		goto fail;
	snprintf(path, sizeof(path), "%s/Windows/System32/config/SOFTWARE",
		 argv[1]);
	software(path);
	snprintf(path, sizeof(path), "%s/Windows/System32/config/SYSTEM",
		 argv[1]);
	system_hive(path);
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return 1;
}
