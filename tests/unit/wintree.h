/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Windows trees for the tests of the Windows plugins: a directory that
 * looks like the system volume of a given Windows release, with its
 * SOFTWARE and SYSTEM hives (built with tests/unit/hive.h) and the
 * driver files the registry names.
 *
 * A new tree is ready for import as far as the Windows plugins can tell:
 * Remote Desktop allowed on 3389, each firewall profile on with the
 * release's own Remote Desktop rule active, viostor (boot start) and
 * netkvm installed (before 2012 with the critical device database
 * entry that lets Windows boot from the virtio controller), no QEMU
 * guest agent.  Tests then break one thing
 * with the hive_*() calls on wintree_system() / wintree_software(), in
 * the only control set, ControlSet001 (WT_CCS below).
 */
#ifndef GUESTPREP_TEST_WINTREE_H
#define GUESTPREP_TEST_WINTREE_H

enum win_release {
	WIN_2003,		/* Windows Server 2003, no service pack */
	WIN_2003_SP1,
	WIN_2003_R2_SP2,
	WIN_2008,
	WIN_2008_R2,
	WIN_2012,
	WIN_2012_R2,
	WIN_2016,
	WIN_2016_CORE,		/* InstallationType "Server Core" */
	WIN_2019,
	WIN_2022,
	WIN_2025,
	WIN_XP,
	WIN_7,
	WIN_10,
	WIN_11,			/* its ProductName still says "Windows 10" */
	WIN_RELEASE_MAX,
};

/* The one control set of a tree's SYSTEM hive, for hive key paths. */
#define WT_CCS "ControlSet001"

/* The tree of @release, kept for tree_teardown(). */
char *wintree_new(enum win_release release);

/* What wintree_new_opts() leaves out (hive.h cannot delete). */
enum {
	WT_NO_VIOSTOR = 1 << 0,		/* no viostor service, no file */
	WT_NO_NETKVM = 1 << 1,		/* no netkvm service, no file */
	WT_NO_PRODUCT_TYPE = 1 << 2,	/* no ProductOptions\ProductType */
	WT_NO_RDP_VALUES = 1 << 3,	/* no fDenyTSConnections, PortNumber */
	WT_NO_FIREWALL = 1 << 4,	/* no FirewallPolicy key at all */
	WT_NO_INSTALL_TYPE = 1 << 5,	/* no InstallationType */
	WT_NO_CDD = 1 << 6,		/* no CriticalDeviceDatabase entry */
};
char *wintree_new_opts(enum win_release release, unsigned flags);

/* The release's name, for messages: "Windows Server 2012 R2". */
const char *wintree_name(enum win_release release);

/* The hive files of @tree (caller frees). */
char *wintree_software(const char *tree);
char *wintree_system(const char *tree);

/* The driver file of service @name ("viostor"), as the tree has it. */
char *wintree_driver(const char *tree, const char *name);

/*
 * Set a REG_DWORD / REG_SZ of SYSTEM below the control set:
 * wintree_system_dword(tree, "Control\\Terminal Server",
 * "fDenyTSConnections", 1).
 */
void wintree_system_dword(const char *tree, const char *key,
			  const char *value, unsigned data);
void wintree_system_string(const char *tree, const char *key,
			   const char *value, const char *data);

#endif
