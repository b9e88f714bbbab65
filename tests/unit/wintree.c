/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Windows trees for the tests (see wintree.h).  The values are the ones
 * each release writes at setup: its CurrentVersion key, the product
 * type, the processor architecture, Remote Desktop's settings and the
 * Remote Desktop firewall rule in the format of its firewall (opened
 * ports on 2003, rule strings from 2008 on), and the virtio-win
 * services with ImagePath as the driver's INF installs it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "hive.h"
#include "util.h"
#include "wintree.h"

#define CV "Microsoft\\Windows NT\\CurrentVersion"
#define FW WT_CCS "\\Services\\SharedAccess\\Parameters\\FirewallPolicy"
#define CDD \
	WT_CCS "\\Control\\CriticalDeviceDatabase\\" \
	"pci#ven_1af4&dev_1001&subsys_00021af4&rev_00"

enum layout {
	LAYOUT_2003,		/* WINDOWS\system32\config\software */
	LAYOUT_MODERN,		/* Windows\System32\config\SOFTWARE */
};

/*
 * 8 bytes of padding in each entry of a test's table of a dozen: not
 * worth reordering every positional initializer below.
 */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct release {
	const char *name;
	const char *product;	/* ProductName */
	const char *current;	/* CurrentVersion */
	const char *build;	/* CurrentBuildNumber */
	const char *csd;	/* CSDVersion, or NULL */
	const char *edition;	/* EditionID, or NULL */
	const char *install;	/* InstallationType, or NULL */
	unsigned major;		/* CurrentMajorVersionNumber, or 0 */
	const char *type;	/* ProductOptions\ProductType */
	const char *arch;	/* PROCESSOR_ARCHITECTURE */
	enum layout layout;
};

static const struct release releases[WIN_RELEASE_MAX] = {
	[WIN_2003] = { "Windows Server 2003", "Microsoft Windows Server 2003",
		       "5.2", "3790", NULL, NULL, NULL, 0, "ServerNT", "x86",
		       LAYOUT_2003 },
	[WIN_2003_SP1] = { "Windows Server 2003 SP1",
			   "Microsoft Windows Server 2003", "5.2", "3790",
			   "Service Pack 1", NULL, NULL, 0, "ServerNT", "x86",
			   LAYOUT_2003 },
	[WIN_2003_R2_SP2] = { "Windows Server 2003 R2 SP2",
			      "Microsoft Windows Server 2003 R2", "5.2", "3790",
			      "Service Pack 2", NULL, NULL, 0, "LanmanNT",
			      "AMD64", LAYOUT_2003 },
	[WIN_2008] = { "Windows Server 2008", "Windows Server (R) 2008 Standard",
		       "6.0", "6002", "Service Pack 2", "ServerStandard", NULL,
		       0, "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2008_R2] = { "Windows Server 2008 R2",
			  "Windows Server 2008 R2 Standard", "6.1", "7601",
			  "Service Pack 1", "ServerStandard", "Server", 0,
			  "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2012] = { "Windows Server 2012", "Windows Server 2012 Standard",
		       "6.2", "9200", NULL, "ServerStandard", "Server", 0,
		       "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2012_R2] = { "Windows Server 2012 R2",
			  "Windows Server 2012 R2 Datacenter", "6.3", "9600",
			  NULL, "ServerDatacenter", "Server", 0, "ServerNT",
			  "AMD64", LAYOUT_MODERN },
	[WIN_2016] = { "Windows Server 2016", "Windows Server 2016 Datacenter",
		       "6.3", "14393", NULL, "ServerDatacenter", "Server", 10,
		       "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2016_CORE] = { "Windows Server 2016 Server Core",
			    "Windows Server 2016 Standard", "6.3", "14393",
			    NULL, "ServerStandard", "Server Core", 10,
			    "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2019] = { "Windows Server 2019", "Windows Server 2019 Standard",
		       "6.3", "17763", NULL, "ServerStandard", "Server", 10,
		       "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2022] = { "Windows Server 2022", "Windows Server 2022 Datacenter",
		       "6.3", "20348", NULL, "ServerDatacenter", "Server", 10,
		       "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_2025] = { "Windows Server 2025", "Windows Server 2025 Standard",
		       "6.3", "26100", NULL, "ServerStandard", "Server", 10,
		       "ServerNT", "AMD64", LAYOUT_MODERN },
	[WIN_XP] = { "Windows XP", "Microsoft Windows XP", "5.1", "2600",
		     "Service Pack 3", NULL, NULL, 0, "WinNT", "x86",
		     LAYOUT_2003 },
	[WIN_7] = { "Windows 7", "Windows 7 Professional", "6.1", "7601",
		    "Service Pack 1", "Professional", "Client", 0, "WinNT",
		    "AMD64", LAYOUT_MODERN },
	[WIN_10] = { "Windows 10", "Windows 10 Pro", "6.3", "19045", NULL,
		     "Professional", "Client", 10, "WinNT", "AMD64",
		     LAYOUT_MODERN },
	[WIN_11] = { "Windows 11", "Windows 10 Pro", "6.3", "22631", NULL,
		     "Professional", "Client", 10, "WinNT", "AMD64",
		     LAYOUT_MODERN },
};

/* The Remote Desktop rules of each firewall, as setup writes them. */
#define RDP_2008 \
	"v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|" \
	"App=System|Name=@FirewallAPI.dll,-28753|" \
	"Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|"
#define RDP_TCP \
	"v2.20|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|" \
	"App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|" \
	"Name=@FirewallAPI.dll,-28775|Desc=@FirewallAPI.dll,-28756|" \
	"EmbedCtxt=@FirewallAPI.dll,-28752|"
#define RDP_UDP \
	"v2.20|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=3389|" \
	"App=%SystemRoot%\\system32\\svchost.exe|Svc=termservice|" \
	"Name=@FirewallAPI.dll,-28776|Desc=@FirewallAPI.dll,-28777|" \
	"EmbedCtxt=@FirewallAPI.dll,-28752|"
/* Any port, but only for the shadowing helper: not the listener. */
#define RDP_SHADOW \
	"v2.20|Action=Allow|Active=TRUE|Dir=In|Protocol=6|" \
	"App=%SystemRoot%\\system32\\RdpSa.exe|Name=@FirewallAPI.dll,-28778|" \
	"Desc=@FirewallAPI.dll,-28779|EmbedCtxt=@FirewallAPI.dll,-28752|" \
	"Edge=TRUE|Defer=App|"
#define DHCP_IN \
	"v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=68|" \
	"RPort=67|App=%SystemRoot%\\system32\\svchost.exe|Svc=dhcp|" \
	"Name=@FirewallAPI.dll,-25301|Desc=@FirewallAPI.dll,-25303|" \
	"EmbedCtxt=@FirewallAPI.dll,-25000|"
#define SMB_IN \
	"v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|Profile=Domain|" \
	"LPort=445|App=System|Name=@FirewallAPI.dll,-28519|" \
	"Desc=@FirewallAPI.dll,-28522|EmbedCtxt=@FirewallAPI.dll,-28502|"

const char *wintree_name(enum win_release release)
{
	return releases[release].name;
}

static const char *hive_dir(enum layout layout)
{
	return layout == LAYOUT_2003 ? "WINDOWS/system32/config" :
				       "Windows/System32/config";
}

static char *hive_file(const char *tree, const char *name)
{
	char *path = tree_file(tree, "Windows/System32/config");
	char *file;
	bool modern = access(path, F_OK) == 0;

	free(path);
	file = strprintf("%s/%s/%s", tree,
			 hive_dir(modern ? LAYOUT_MODERN : LAYOUT_2003),
			 modern ? name : (strcmp(name, "SOFTWARE") == 0 ?
					  "software" : "system"));
	assert_non_null(file);
	return file;
}

char *wintree_software(const char *tree)
{
	return hive_file(tree, "SOFTWARE");
}

char *wintree_system(const char *tree)
{
	return hive_file(tree, "SYSTEM");
}

char *wintree_driver(const char *tree, const char *name)
{
	char *path = tree_file(tree, "Windows");
	char *file;
	bool modern = access(path, F_OK) == 0;

	free(path);
	file = strprintf("%s/%s/%s.sys", tree,
			 modern ? "Windows/System32/drivers" :
				  "WINDOWS/system32/drivers",
			 name);
	assert_non_null(file);
	return file;
}

static char *ccs_key(const char *key)
{
	char *k = strprintf("%s\\%s", WT_CCS, key);

	assert_non_null(k);
	return k;
}

void wintree_system_dword(const char *tree, const char *key,
			  const char *value, unsigned data)
{
	char *system = wintree_system(tree), *k = ccs_key(key);

	hive_set_dword(system, k, value, data);
	free(k);
	free(system);
}

void wintree_system_string(const char *tree, const char *key,
			   const char *value, const char *data)
{
	char *system = wintree_system(tree), *k = ccs_key(key);

	hive_set_string(system, k, value, data);
	free(k);
	free(system);
}

static void write_software(const char *path, const struct release *r,
			   unsigned flags)
{
	hive_new(path);
	hive_set_string(path, CV, "ProductName", r->product);
	hive_set_string(path, CV, "CurrentVersion", r->current);
	hive_set_string(path, CV, "CurrentBuildNumber", r->build);
	hive_set_string(path, CV, "CurrentBuild", r->build);
	hive_set_string(path, CV, "SystemRoot", r->layout == LAYOUT_2003 ?
						  "C:\\WINDOWS" :
						  "C:\\Windows");
	if (r->csd)
		hive_set_string(path, CV, "CSDVersion", r->csd);
	if (r->edition)
		hive_set_string(path, CV, "EditionID", r->edition);
	if (r->install && !(flags & WT_NO_INSTALL_TYPE))
		hive_set_string(path, CV, "InstallationType", r->install);
	if (r->major) {
		hive_set_dword(path, CV, "CurrentMajorVersionNumber", r->major);
		hive_set_dword(path, CV, "CurrentMinorVersionNumber", 0);
	}
	hive_add_key(path, "Policies\\Microsoft\\Windows NT");
}

static void write_firewall(const char *path, enum win_release release)
{
	static const char *const profiles[] = {
		FW "\\DomainProfile", FW "\\StandardProfile",
		FW "\\PublicProfile",
	};
	bool legacy = releases[release].layout == LAYOUT_2003;

	for (size_t i = 0; i < (legacy ? 2 : 3); i++) {
		char *list = strprintf("%s\\GloballyOpenPorts\\List",
				       profiles[i]);

		hive_set_dword(path, profiles[i], "EnableFirewall", 1);
		if (legacy)
			hive_set_string(path, list, "3389:TCP",
					"3389:TCP:*:Enabled:@xpsp2res.dll,"
					"-22009");
		free(list);
	}
	if (legacy)
		return;
	hive_set_string(path, FW "\\FirewallRules", "CoreNet-DHCP-In",
			DHCP_IN);
	hive_set_string(path, FW "\\FirewallRules", "FPS-SMB-In-TCP", SMB_IN);
	if (release <= WIN_2008_R2) {
		hive_set_string(path, FW "\\FirewallRules",
				"RemoteDesktop-In-TCP", RDP_2008);
		return;
	}
	hive_set_string(path, FW "\\FirewallRules",
			"RemoteDesktop-UserMode-In-TCP", RDP_TCP);
	hive_set_string(path, FW "\\FirewallRules",
			"RemoteDesktop-UserMode-In-UDP", RDP_UDP);
	hive_set_string(path, FW "\\FirewallRules",
			"RemoteDesktop-Shadow-In-TCP", RDP_SHADOW);
}

/* A driver service, as its INF installs it. */
static void write_driver(const char *tree, const char *path,
			 const struct release *r, const char *name,
			 unsigned start, const char *group)
{
	char *key = strprintf(WT_CCS "\\Services\\%s", name);
	char *image = r->layout == LAYOUT_2003 ?
			      strprintf("system32\\DRIVERS\\%s.sys", name) :
			      strprintf("\\SystemRoot\\System32\\drivers\\%s.sys",
					name);
	char *file = wintree_driver(tree, name);
	char *rel = file + strlen(tree) + 1;

	assert_non_null(key);
	assert_non_null(image);
	hive_set_dword(path, key, "Type", 1);
	hive_set_dword(path, key, "Start", start);
	hive_set_dword(path, key, "ErrorControl", 1);
	hive_set_expand(path, key, "ImagePath", image);
	hive_set_string(path, key, "Group", group);
	tree_write(tree, rel, "MZ\x90");
	free(file);
	free(image);
	free(key);
}

static void write_system(const char *tree, const char *path,
			 enum win_release release, unsigned flags)
{
	const struct release *r = &releases[release];
	const char *rdp_tcp =
		WT_CCS "\\Control\\Terminal Server\\WinStations\\RDP-Tcp";

	hive_new(path);
	hive_set_dword(path, "Select", "Current", 1);
	hive_set_dword(path, "Select", "Default", 1);
	hive_set_dword(path, "Select", "LastKnownGood", 1);
	if (flags & WT_NO_PRODUCT_TYPE)
		hive_add_key(path, WT_CCS "\\Control\\ProductOptions");
	else
		hive_set_string(path, WT_CCS "\\Control\\ProductOptions",
				"ProductType", r->type);
	hive_set_string(path, WT_CCS "\\Control\\Session Manager\\Environment",
			"PROCESSOR_ARCHITECTURE", r->arch);
	if (flags & WT_NO_RDP_VALUES) {
		hive_add_key(path, rdp_tcp);
	} else {
		hive_set_dword(path, WT_CCS "\\Control\\Terminal Server",
			       "fDenyTSConnections", 0);
		hive_set_dword(path, rdp_tcp, "PortNumber", 3389);
	}
	hive_set_dword(path, WT_CCS "\\Services\\TermService", "Start", 3);
	if (!(flags & WT_NO_FIREWALL))
		write_firewall(path, release);
	if (!(flags & WT_NO_VIOSTOR))
		write_driver(tree, path, r, "viostor", 0, "SCSI miniport");
	/* What Plug and Play leaves once it has seen the controller. */
	if (!(flags & WT_NO_CDD) && strcmp(r->current, "6.2") < 0) {
		hive_set_string(path, CDD, "Service", "viostor");
		hive_set_string(path, CDD, "ClassGUID",
				"{4D36E97B-E325-11CE-BFC1-08002BE10318}");
	}
	if (!(flags & WT_NO_NETKVM))
		write_driver(tree, path, r, "netkvm", 3, "NDIS");
}

char *wintree_new_opts(enum win_release release, unsigned flags)
{
	const struct release *r = &releases[release];
	char *tree = tree_kept(tree_new());
	char *dir, *software, *system;

	assert_true(release < WIN_RELEASE_MAX);
	dir = strprintf("%s", hive_dir(r->layout));
	tree_mkdir(tree, dir);
	free(dir);
	software = wintree_software(tree);
	system = wintree_system(tree);
	write_software(software, r, flags);
	write_system(tree, system, release, flags);
	free(software);
	free(system);
	return tree;
}

char *wintree_new(enum win_release release)
{
	return wintree_new_opts(release, 0);
}
