/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network plugin: network.manager, network.dhcp, network.mac_pinned,
 * network.persistent_net, network.nics, network.ipv6, and the fixers.
 *
 * Installed systems are static fixtures (tests/fixtures/network/...),
 * one per distribution and format; variations, hostile files and the
 * live /proc and /sys are built at run time from copies of them.  Each
 * fixer is planned, applied through the journal, checked again, and
 * undone, and the tree must then be the fixture byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/netcfg.h"
#include "harness.h"
#include "journal.h"
#include "util.h"

#define FIXTURE(name) FIXTURES_DIR "/network/" name

static struct harness *run(const char *dir, const char *only)
{
	return harness_run(dir, only, NULL);
}

static void expect(const char *dir, const char *id, enum gp_status status)
{
	struct harness *h = run(dir, id);

	harness_expect(h, id, status);
	harness_free(h);
}

/* --- one fixture per distribution and format --------------------------- */

/* CentOS 7 as installed with a static address: fails with the address. */
static void centos7_static_fails(void **state)
{
	struct harness *h = run(FIXTURE("centos7-static"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "192.168.122.10/24");
	harness_expect_evidence(h, "network.dhcp", "gateway 192.168.122.1");
	assert_true(harness_fixable(h, "network.dhcp"));
	harness_expect(h, "network.mac_pinned", GP_PASS);
	harness_expect(h, "network.persistent_net", GP_PASS);
	harness_expect(h, "network.nics", GP_PASS);
	/* IPV6INIT=yes without an address: autoconfiguration only. */
	harness_expect(h, "network.ipv6", GP_PASS);
	harness_free(h);
}

/* CentOS 6: DHCP, but bound to the old MAC, twice. */
static void centos6_hwaddr_fails(void **state)
{
	struct harness *h = run(FIXTURE("centos6-hwaddr"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect_evidence(h, "network.manager", "S10network");
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_expect(h, "network.mac_pinned", GP_FAIL);
	harness_expect_evidence(h, "network.mac_pinned",
				"HWADDR=52:54:00:6B:3C:58");
	assert_true(harness_fixable(h, "network.mac_pinned"));
	harness_expect(h, "network.persistent_net", GP_FAIL);
	harness_expect_evidence(h, "network.persistent_net",
				"70-persistent-net.rules:8:");
	harness_free(h);
}

/* Open vSwitch: the address is on the bridge; eth0 is its port. */
static void centos7_ovs_judges_the_bridge(void **state)
{
	struct harness *h = run(FIXTURE("centos7-ovs"), "network");

	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "OVS bridge br-ex");
	harness_expect_evidence(h, "network.dhcp", "10.20.0.15/24");
	harness_expect(h, "network.nics", GP_PASS);
	harness_expect_evidence(h, "network.nics", "ifcfg-eth0");
	harness_free(h);
}

static void rhel9_keyfile_fails(void **state)
{
	struct harness *h = run(FIXTURE("rhel9-keyfile"), "network");

	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "172.16.5.20/24");
	harness_expect_evidence(h, "network.dhcp", "method=manual");
	harness_expect(h, "network.mac_pinned", GP_FAIL);
	harness_expect_evidence(h, "network.mac_pinned",
				"mac-address=52:54:00:12:34:56");
	harness_expect(h, "network.ipv6", GP_PASS);
	harness_free(h);
}

/* NetworkManager-config-server: an unconfigured NIC stays down. */
static void rhel8_config_server_fails(void **state)
{
	struct harness *h = run(FIXTURE("rhel8-config-server"), "network");

	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "no-auto-default=*");
	assert_false(harness_fixable(h, "network.dhcp"));
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

/* Without config-server NetworkManager's automatic connection does DHCP. */
static void nm_without_config_server_passes(void **state)
{
	char *tree = tree_kept(tree_copy("network/rhel8-config-server"));

	tree_remove(tree, "usr/lib/NetworkManager/conf.d/00-server.conf");
	expect(tree, "network.dhcp", GP_PASS);
}

/* A snippet of the same name in /etc shadows the package's. */
static void nm_config_server_shadowed_passes(void **state)
{
	char *tree = tree_kept(tree_copy("network/rhel8-config-server"));

	tree_write(tree, "etc/NetworkManager/conf.d/00-server.conf",
		   "# shadowed\n");
	expect(tree, "network.dhcp", GP_PASS);
	/* A later snippet turning it back on wins again. */
	tree_write(tree, "etc/NetworkManager/conf.d/99-mine.conf",
		   "[main]\nno-auto-default=*\n");
	expect(tree, "network.dhcp", GP_FAIL);
}

/* With NetworkManager disabled nothing configures the NIC. */
static void nm_disabled_fails(void **state)
{
	char *tree = tree_kept(tree_copy("network/rhel8-config-server"));
	struct harness *h;

	tree_remove(tree, "usr/lib/NetworkManager/conf.d/00-server.conf");
	tree_remove(tree, "etc/systemd/system/multi-user.target.wants/"
			  "NetworkManager.service");
	h = run(tree, "network");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_free(h);
}

/* Two netplan files: cloud-init's DHCP one, overridden by a static one. */
static void ubuntu1804_two_netplan_files(void **state)
{
	struct harness *h = run(FIXTURE("ubuntu1804-netplan"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "192.168.1.50/24");
	harness_expect_evidence(h, "network.dhcp", "60-static.yaml");
	harness_expect(h, "network.mac_pinned", GP_FAIL);
	harness_expect_evidence(h, "network.mac_pinned",
				"macaddress: 52:54:00:ab:cd:ef");
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

/* Without the administrator's file, cloud-init's DHCP stands. */
static void ubuntu1804_cloud_init_alone_passes(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu1804-netplan"));

	tree_remove(tree, "etc/netplan/60-static.yaml");
	expect(tree, "network.dhcp", GP_PASS);
	expect(tree, "network.mac_pinned", GP_FAIL);
}

/* A file in /run/netplan shadows its namesake in /etc. */
static void netplan_run_shadows_etc(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu1804-netplan"));

	tree_write(tree, "run/netplan/60-static.yaml",
		   "network:\n  version: 2\n");
	expect(tree, "network.dhcp", GP_PASS);
}

static void ubuntu2204_ovs_bridge(void **state)
{
	struct harness *h = run(FIXTURE("ubuntu2204-ovs"), "network");

	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "OVS bridge br0");
	harness_expect_evidence(h, "network.dhcp", "gateway 10.10.0.1");
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

static void ubuntu2204_dhcp_passes(void **state)
{
	struct harness *h = run(FIXTURE("ubuntu2204-dhcp"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_expect(h, "network.mac_pinned", GP_PASS);
	harness_expect(h, "network.persistent_net", GP_PASS);
	harness_expect(h, "network.nics", GP_PASS);
	harness_expect(h, "network.ipv6", GP_PASS);
	harness_free(h);
}

/* netplan renders to NetworkManager only when NetworkManager runs. */
static void netplan_nm_renderer_needs_nm(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));

	tree_write(tree, "etc/netplan/00-installer-config.yaml",
		   "network:\n  version: 2\n  renderer: NetworkManager\n"
		   "  ethernets:\n    ens3:\n      dhcp4: true\n");
	expect(tree, "network.dhcp", GP_FAIL);
	tree_write(tree, "lib/systemd/system/NetworkManager.service",
		   "[Service]\nExecStart=/usr/sbin/NetworkManager\n"
		   "[Install]\nWantedBy=multi-user.target\n");
	tree_symlink(tree, "etc/systemd/system/multi-user.target.wants/"
			   "NetworkManager.service",
		     "/lib/systemd/system/NetworkManager.service");
	expect(tree, "network.dhcp", GP_PASS);
}

/* Flow style cannot be edited safely: the fixer is not offered. */
static void netplan_flow_style_not_fixable(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	struct harness *h;

	tree_write(tree, "etc/netplan/00-installer-config.yaml",
		   "network: {version: 2, ethernets: {ens3: {addresses: "
		   "[10.0.0.9/24], gateway4: 10.0.0.1}}}\n");
	h = run(tree, "network.dhcp");
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "10.0.0.9/24");
	assert_false(harness_fixable(h, "network.dhcp"));
	harness_free(h);
}

static void debian9_interfaces_source(void **state)
{
	struct harness *h = run(FIXTURE("debian9-interfaces"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "interfaces.d/eth0:3");
	harness_expect_evidence(h, "network.dhcp", "10.0.0.5/24");
	harness_expect(h, "network.ipv6", GP_FAIL);
	harness_expect_evidence(h, "network.ipv6", "inet6 static");
	harness_free(h);
}

static void debian_ipv6_profile_warn(void **state)
{
	static const char *const set[] = { "network.ipv6=warn", NULL };
	struct harness *h = harness_run(FIXTURE("debian9-interfaces"),
					"network.ipv6", set);

	harness_expect(h, "network.ipv6", GP_WARN);
	harness_free(h);
}

/* Two NICs brought up at boot; netmask written apart. */
static void debian_two_nics_fail(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));
	static const char *const set[] = { "network.multiple_nics=warn", NULL };
	struct harness *h;

	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto eth0\niface eth0 inet dhcp\n\n"
		   "auto eth1\niface eth1 inet static\n"
		   "    address 10.9.0.5\n    netmask 255.255.0.0\n");
	h = run(tree, "network");
	harness_expect(h, "network.nics", GP_FAIL);
	harness_expect_evidence(h, "network.nics", "eth1");
	harness_expect_evidence(h, "network.nics", "interface eth1");
	/* The DHCP one is the primary; the other is network.nics' business. */
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_free(h);
	h = harness_run(tree, "network.nics", set);
	harness_expect(h, "network.nics", GP_WARN);
	harness_free(h);
}

/* A bond of two NICs is two NICs; a bridge over one is one. */
static void debian_bond_and_bridge(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));

	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto eth0\niface eth0 inet manual\n"
		   "auto eth1\niface eth1 inet manual\n"
		   "auto bond0\niface bond0 inet dhcp\n"
		   "    bond-slaves eth0 eth1\n    bond-mode active-backup\n");
	expect(tree, "network.nics", GP_FAIL);
	expect(tree, "network.dhcp", GP_PASS);
	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto br0\niface br0 inet dhcp\n    bridge_ports eth0\n"
		   "auto eth0\niface eth0 inet manual\n");
	expect(tree, "network.nics", GP_PASS);
	expect(tree, "network.dhcp", GP_PASS);
}

/* hwaddress sets the old MAC on the cloud's NIC. */
static void debian_hwaddress_pinned(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));

	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto eth0\niface eth0 inet dhcp\n"
		   "    hwaddress ether 52:54:00:01:02:03\n");
	expect(tree, "network.mac_pinned", GP_FAIL);
}

/* "source" loops and globs matching nothing end cleanly. */
static void debian_source_loop(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));
	struct harness *h;

	tree_write(tree, "etc/network/interfaces",
		   "source interfaces\nsource-directory interfaces.d\n"
		   "source /etc/network/nothing/*\n"
		   "auto eth0\niface eth0 inet dhcp\n");
	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "source-directory /etc/network/interfaces.d\n");
	h = run(tree, "network");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect_evidence(h, "network.manager",
				"interfaces: sourced again");
	harness_expect_evidence(h, "network.manager",
				"interfaces.d/eth0: sourced again");
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

/* SLES: IPADDR='a.b.c.d/NN' and the default route in routes. */
static void sles12_cidr_address(void **state)
{
	struct harness *h = run(FIXTURE("sles12-ifcfg"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect_evidence(h, "network.manager", "wicked: enabled");
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "192.168.100.20/24");
	harness_expect_evidence(h, "network.dhcp", "gateway 192.168.100.1");
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

/* SLES 15 style: NETMASK apart, a second address, IPv6 in IPADDR_6. */
static void sles15_netmask_and_suffixes(void **state)
{
	char *tree = tree_kept(tree_copy("network/sles12-ifcfg"));
	struct harness *h;

	tree_write(tree, "etc/sysconfig/network/ifcfg-eth0",
		   "BOOTPROTO='static'\nSTARTMODE='auto'\n"
		   "IPADDR='10.1.1.5'\nNETMASK='255.255.255.0'\n"
		   "IPADDR_1='10.1.1.6/24'\nLABEL_1='1'\n"
		   "IPADDR_6='2001:db8::5/64'\n");
	h = run(tree, "network");
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "address 10.1.1.5/24");
	harness_expect_evidence(h, "network.dhcp", "address 10.1.1.6/24");
	harness_expect(h, "network.ipv6", GP_FAIL);
	harness_free(h);
}

/* SUSE: BOOTPROTO='dhcp' passes; STARTMODE='manual' is not at boot. */
static void sles_dhcp_and_startmode(void **state)
{
	char *tree = tree_kept(tree_copy("network/sles12-ifcfg"));

	tree_write(tree, "etc/sysconfig/network/ifcfg-eth0",
		   "BOOTPROTO='dhcp'\nSTARTMODE='auto'\n");
	expect(tree, "network.dhcp", GP_PASS);
	tree_write(tree, "etc/sysconfig/network/ifcfg-eth0",
		   "BOOTPROTO='dhcp'\nSTARTMODE='manual'\n");
	expect(tree, "network.dhcp", GP_FAIL);
}

/* Backups are not read by network-scripts, nor here. */
static void ifcfg_backups_ignored(void **state)
{
	char *tree = tree_kept(tree_copy("network/centos6-hwaddr"));

	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-eth1.bak",
		   "DEVICE=eth1\nBOOTPROTO=static\nIPADDR=10.0.0.1\n");
	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-eth1~",
		   "DEVICE=eth1\nBOOTPROTO=static\nIPADDR=10.0.0.1\n");
	expect(tree, "network.nics", GP_PASS);
}

static void ifcfg_ipv6_address_fails(void **state)
{
	char *tree = tree_kept(tree_copy("network/centos6-hwaddr"));

	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-eth0",
		   "DEVICE=eth0\nONBOOT=yes\nBOOTPROTO=dhcp\nIPV6INIT=yes\n"
		   "IPV6ADDR=2001:db8::10/64\n");
	expect(tree, "network.ipv6", GP_FAIL);
}

static void networkd_static_mac(void **state)
{
	struct harness *h = run(FIXTURE("networkd-static"), "network");

	harness_expect(h, "network.manager", GP_PASS);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "10.1.10.9/24");
	harness_expect(h, "network.mac_pinned", GP_FAIL);
	/* systemd's container file matches no NIC of the cloud. */
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

/* Two tools configuring eth0: ifupdown and netplan. */
static void conflict_warns(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));
	struct harness *h;

	tree_write(tree, "usr/sbin/netplan", "");
	tree_write(tree, "etc/netplan/01-netcfg.yaml",
		   "network:\n  version: 2\n  ethernets:\n    eth0:\n"
		   "      dhcp4: yes\n");
	h = run(tree, "network.manager");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect_evidence(h, "network.manager", "01-netcfg.yaml:4:");
	harness_expect_evidence(h, "network.manager", "interfaces.d/eth0:3:");
	harness_free(h);
}

/* Without any service state, every format found is judged. */
static void unknown_services_judge_all(void **state)
{
	char *tree = tree_kept(tree_new());
	struct harness *h;

	tree_write(tree, "etc/os-release", "ID=debian\nVERSION_ID=7\n");
	tree_write(tree, "etc/network/interfaces",
		   "auto eth0\niface eth0 inet static\n address 10.0.0.2\n"
		   " netmask 255.255.255.0\n");
	h = run(tree, "network");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect(h, "network.dhcp", GP_FAIL);
	harness_expect_evidence(h, "network.dhcp", "address 10.0.0.2/24");
	harness_free(h);
}

static void profile_static_ip_warn(void **state)
{
	static const char *const set[] = { "network.static_ip=warn",
					   "network.mac_pinned=warn", NULL };
	struct harness *h = harness_run(FIXTURE("centos6-hwaddr"), "network",
					set);

	harness_expect(h, "network.mac_pinned", GP_WARN);
	harness_expect(h, "network.persistent_net", GP_WARN);
	harness_free(h);
}

/* --- persistent names -------------------------------------------------- */

static void persistent_comments_only_pass(void **state)
{
	char *tree = tree_kept(tree_copy("network/centos6-hwaddr"));

	tree_write(tree, "etc/udev/rules.d/70-persistent-net.rules",
		   "# This file was automatically generated by the "
		   "/lib/udev/write_net_rules\n# program\n");
	expect(tree, "network.persistent_net", GP_PASS);
}

static void persistent_link_file_fails(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	struct harness *h;

	tree_write(tree, "etc/systemd/network/10-lan.link",
		   "[Match]\nMACAddress=52:54:00:11:22:33\n\n[Link]\n"
		   "Name=lan0\n");
	tree_write(tree, "etc/systemd/network/20-mtu.link",
		   "[Match]\nOriginalName=*\n\n[Link]\nMTUBytes=9000\n");
	h = harness_plan(tree, "network.persistent_net", NULL);
	harness_expect(h, "network.persistent_net", GP_FAIL);
	harness_expect_evidence(h, "network.persistent_net", "10-lan.link");
	assert_non_null(harness_planned(h, "/etc/systemd/network/10-lan.link"));
	assert_null(harness_planned(h, "/etc/systemd/network/20-mtu.link"));
	harness_free(h);
}

/* --- hostile and broken files ------------------------------------------ */

static void binary_ifcfg_reported(void **state)
{
	char *tree = tree_kept(tree_copy("network/centos6-hwaddr"));
	static const char junk[] = "\177ELF\2\1\1\0\0\0IPADDR=1.2.3.4\n\0\xff";
	struct harness *h;

	tree_write_bytes(tree, "etc/sysconfig/network-scripts/ifcfg-eth1", junk,
			 sizeof(junk));
	h = run(tree, "network");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect_evidence(h, "network.manager", "binary data");
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_expect(h, "network.nics", GP_PASS);
	harness_free(h);
}

static void garbled_yaml_reported(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	struct harness *h;

	tree_write(tree, "etc/netplan/90-broken.yaml",
		   "network:\n  ethernets:\n    eth1: [unclosed\n");
	h = run(tree, "network");
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect_evidence(h, "network.manager", "90-broken.yaml");
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_free(h);
}

/* Aliases make a graph; a billion laughs must not take a billion steps. */
static void yaml_alias_bomb(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	char *yaml = strdup("a0: &a0 [x, x, x, x, x, x, x, x]\n"), *all;
	struct harness *h;

	for (int i = 1; i < 12; i++) {
		char *more = strprintf("%sa%d: &a%d [*a%d, *a%d, *a%d, *a%d, "
				       "*a%d, *a%d, *a%d, *a%d]\n", yaml, i, i,
				       i - 1, i - 1, i - 1, i - 1, i - 1,
				       i - 1, i - 1, i - 1);
		free(yaml);
		yaml = more;
	}
	all = strprintf("%snetwork:\n  version: 2\n  ethernets:\n"
			"    ens3:\n      dhcp4: false\n"
			"      addresses: *a11\n", yaml);
	tree_write(tree, "etc/netplan/00-installer-config.yaml", all);
	alarm(20);
	h = harness_plan(tree, "network.dhcp", NULL);
	alarm(0);
	harness_expect(h, "network.dhcp", GP_FAIL);
	/* Too big a graph to find its last line: not edited. */
	assert_false(harness_fixable(h, "network.dhcp"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	free(yaml);
	free(all);
}

static void fifo_and_huge_file_refused(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	char *big = tree_file(tree, "etc/netplan/99-big.yaml");
	struct harness *h;

	tree_mkfifo(tree, "etc/netplan/98-fifo.yaml");
	tree_write(tree, "etc/netplan/99-big.yaml", "");
	assert_int_equal(truncate(big, 10 << 20), 0);
	alarm(20);
	h = run(tree, "network");
	alarm(0);
	/* A FIFO is not a regular file: not even listed. */
	harness_expect(h, "network.manager", GP_WARN);
	harness_expect_evidence(h, "network.manager", "99-big.yaml");
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_free(h);
	free(big);
}

/* A link out of the root is resolved inside it. */
static void symlink_escape_stays_inside(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));

	tree_remove(tree, "etc/netplan/00-installer-config.yaml");
	tree_symlink(tree, "etc/netplan/00-installer-config.yaml",
		     "../../../../../../../etc/passwd");
	expect(tree, "network.dhcp", GP_FAIL);
}

/* --- live evidence ----------------------------------------------------- */

static void live_route_and_lease(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));
	struct harness *h;

	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto eth0\niface eth0 inet static\n address 10.0.0.5/24\n"
		   " gateway 10.0.0.1\nauto eth1\niface eth1 inet dhcp\n");
	tree_write(
		tree, "proc/net/route",
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
		"Mask\t\tMTU\tWindow\tIRTT\n"
		"eth1\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		"eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
	tree_write(tree, "sys/class/net/eth1/operstate", "up\n");
	tree_mkdir(tree, "sys/class/net/eth1/device");
	tree_mkdir(tree, "sys/class/net/eth0/device");
	tree_mkdir(tree, "sys/class/net/lo");
	tree_write(tree, "var/lib/dhcp/dhclient.eth1.leases", "lease {\n}\n");
	h = harness_run_live(tree, "network");
	/* The kernel's default route picks the primary NIC. */
	harness_expect(h, "network.dhcp", GP_PASS);
	harness_expect_evidence(h, "network.dhcp",
				"live: the default route goes through eth1");
	harness_expect_evidence(h, "network.dhcp", "live: eth1 is up");
	harness_expect_evidence(h, "network.dhcp",
				"live: DHCP lease /var/lib/dhcp/dhclient.eth1");
	harness_expect(h, "network.nics", GP_FAIL);
	harness_expect_evidence(h, "network.nics", "live: physical NIC eth0");
	harness_free(h);
}

/* This machine: whatever it is, the checks judge it without error. */
static void this_machine_judged(void **state)
{
	struct harness *h = harness_run_live("/", "network");

	for (size_t i = 0; i < h->report.n_findings; i++)
		assert_true(h->report.findings[i]->status != GP_ERROR);
	assert_non_null(harness_find(h, "network.dhcp"));
	harness_free(h);
}

/* --- the line editor --------------------------------------------------- */

static void edits_apply(void **state)
{
	struct gp_edits e = { 0 };
	char *out = NULL;
	size_t len;

	assert_int_equal(gp_edits_add(&e, GP_EDIT_DELETE, 2, NULL), 0);
	assert_int_equal(gp_edits_add(&e, GP_EDIT_REPLACE, 3, "C"), 0);
	assert_int_equal(gp_edits_add(&e, GP_EDIT_INSERT, 0, "top"), 0);
	assert_int_equal(gp_edits_add(&e, GP_EDIT_INSERT, 3, "after"), 0);
	assert_int_equal(gp_edits_apply(&e, "a\nb\nc\nd", 7, &out, &len), 0);
	assert_string_equal(out, "top\na\nC\nafter\nd");
	assert_int_equal(len, strlen(out));
	free(out);
	gp_edits_done(&e);
	/* An insertion after a last line without newline adds one. */
	assert_int_equal(gp_edits_add(&e, GP_EDIT_INSERT, 1, "x"), 0);
	assert_int_equal(gp_edits_apply(&e, "a", 1, &out, &len), 0);
	assert_string_equal(out, "a\nx\n");
	free(out);
	gp_edits_done(&e);
}

/* A rewrite is listed only when the edits change the file. */
static void edits_rewrite(void **state)
{
	struct gp_net_rewrites rw = { 0 };
	struct gp_edits e = { 0 };

	assert_int_equal(gp_edits_rewrite(&e, "/a", "x\ny\n", 4, &rw), 0);
	assert_int_equal(rw.n, 0);
	assert_int_equal(gp_edits_add(&e, GP_EDIT_REPLACE, 2, "y"), 0);
	assert_int_equal(gp_edits_rewrite(&e, "/a", "x\ny\n", 4, &rw), 0);
	assert_int_equal(rw.n, 0);
	assert_int_equal(gp_edits_add(&e, GP_EDIT_DELETE, 1, NULL), 0);
	assert_int_equal(gp_edits_rewrite(&e, "/b", "x\ny\n", 4, &rw), 0);
	assert_int_equal(rw.n, 1);
	assert_string_equal(rw.items[0].path, "/b");
	assert_int_equal(rw.items[0].len, 2);
	assert_memory_equal(rw.items[0].data, "y\n", 2);
	gp_edits_done(&e);
	gp_net_rewrites_done(&rw);
}

/* --- fixers: plan, apply, check again, undo ---------------------------- */

static void expect_content(const char *tree, const char *path,
			   const char *has, const char *lacks)
{
	char *data = tree_read(tree, path);

	if (has && !strstr(data, has))
		fail_msg("%s lacks \"%s\":\n%s", path, has, data);
	if (lacks && strstr(data, lacks))
		fail_msg("%s still has \"%s\":\n%s", path, lacks, data);
	free(data);
}

struct fix_case {
	const char *fixture;
	size_t n_changes;
	/* After the fix: in this file, this text and not that one. */
	const char *path, *has, *lacks;
	const char *path2, *has2, *lacks2;
};

static const struct fix_case fix_cases[] = {
	{ "centos7-static", 1,
	  "etc/sysconfig/network-scripts/ifcfg-eth0", "BOOTPROTO=dhcp\n",
	  "IPADDR",
	  "etc/sysconfig/network-scripts/ifcfg-eth0", "DNS1=192.168.122.1",
	  "GATEWAY" },
	{ "centos6-hwaddr", 2,
	  "etc/sysconfig/network-scripts/ifcfg-eth0", "BOOTPROTO=dhcp",
	  "HWADDR",
	  "etc/sysconfig/network-scripts/ifcfg-eth0", "UUID=", NULL },
	{ "centos7-ovs", 1,
	  "etc/sysconfig/network-scripts/ifcfg-br-ex", "OVSBOOTPROTO=dhcp",
	  "IPADDR",
	  "etc/sysconfig/network-scripts/ifcfg-br-ex",
	  "OVSDHCPINTERFACES=\"eth0\"", "BOOTPROTO=static" },
	{ "rhel9-keyfile", 1,
	  "etc/NetworkManager/system-connections/ens3.nmconnection",
	  "method=auto\n\n[ipv6]", "address1",
	  "etc/NetworkManager/system-connections/ens3.nmconnection",
	  "dns=172.16.5.1;", "mac-address" },
	{ "ubuntu1804-netplan", 2,
	  "etc/netplan/60-static.yaml", "      dhcp4: true\n", "192.168.1.50",
	  "etc/netplan/50-cloud-init.yaml", "name: \"e*\"", "macaddress" },
	{ "ubuntu2204-ovs", 1,
	  "etc/netplan/00-installer-config.yaml",
	  "    br0:\n      dhcp4: true\n", "10.10.0.20",
	  "etc/netplan/00-installer-config.yaml", "openvswitch: {}", "via:" },
	{ "debian9-interfaces", 1,
	  "etc/network/interfaces.d/eth0", "iface eth0 inet dhcp\n",
	  "10.0.0.5",
	  "etc/network/interfaces.d/eth0", "\tdns-nameservers 10.0.0.2",
	  "gateway 10.0.0.1" },
	{ "sles12-ifcfg", 2,
	  "etc/sysconfig/network/ifcfg-eth0", "BOOTPROTO='dhcp'\n",
	  "192.168.100.20",
	  "etc/sysconfig/network/routes", NULL, "default" },
	{ "networkd-static", 1,
	  "etc/systemd/network/20-wired.network",
	  "[Network]\nDHCP=ipv4\n", "Address=",
	  "etc/systemd/network/20-wired.network", "Name=e*\n",
	  "MACAddress" },
};

static void fix_apply_recheck_undo(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fix_cases); i++) {
		const struct fix_case *c = &fix_cases[i];
		char *fixture = strprintf("network/%s", c->fixture);
		char *tree = tree_kept(tree_copy(fixture));
		struct harness *h = harness_plan(tree, "network", NULL);

		if (h->plan.n_changes != c->n_changes)
			fail_msg("%s: %zu changes planned, not %zu",
				 c->fixture, h->plan.n_changes, c->n_changes);
		harness_apply(h, harness_no_commands);
		harness_free(h);

		expect_content(tree, c->path, c->has, c->lacks);
		expect_content(tree, c->path2, c->has2, c->lacks2);
		h = harness_plan(tree, "network", NULL);
		harness_expect(h, "network.dhcp", GP_PASS);
		harness_expect(h, "network.mac_pinned", GP_PASS);
		harness_expect(h, "network.persistent_net", GP_PASS);
		if (h->plan.n_changes)
			fail_msg("%s: a second run plans %zu changes",
				 c->fixture, h->plan.n_changes);
		harness_free(h);

		harness_undo(tree, harness_no_commands);
		tree_expect_fixture(tree, fixture);
		h = run(tree, "network.dhcp,network.mac_pinned");
		assert_true(harness_find(h, "network.dhcp")->status ==
				    GP_FAIL ||
			    harness_find(h, "network.mac_pinned")->status ==
				    GP_FAIL);
		harness_free(h);
		free(fixture);
	}
}

/* netplan without dhcp4 anywhere: the key is added to the device. */
static void fix_netplan_adds_dhcp4(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	struct harness *h;

	tree_write(tree, "etc/netplan/00-installer-config.yaml",
		   "network:\n  version: 2\n  ethernets:\n    ens3:\n"
		   "      # the office\n      addresses: [10.3.0.5/24]\n"
		   "      gateway4: 10.3.0.1\n");
	h = harness_plan(tree, "network", NULL);
	assert_int_equal(h->plan.n_changes, 1);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/netplan/00-installer-config.yaml",
		       "    ens3:\n      dhcp4: true\n      # the office\n",
		       "10.3.0");
	expect(tree, "network.dhcp", GP_PASS);
}

/* An ifcfg file without BOOTPROTO gets one; quoting is kept. */
static void fix_ifcfg_adds_bootproto(void **state)
{
	char *tree = tree_kept(tree_copy("network/centos6-hwaddr"));
	struct harness *h;

	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-eth0",
		   "DEVICE=\"eth0\"\nONBOOT=\"yes\"\nIPADDR=\"10.0.0.3\"\n"
		   "NETMASK=\"255.255.255.0\"\n# a comment\nNM_CONTROLLED=no");
	h = harness_plan(tree, "network.dhcp", NULL);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/sysconfig/network-scripts/ifcfg-eth0",
		       "# a comment\nNM_CONTROLLED=no\nBOOTPROTO=dhcp\n",
		       "IPADDR");
	expect(tree, "network.dhcp", GP_PASS);
}

/* networkd without [Network]: the section is added. */
static void fix_networkd_adds_section(void **state)
{
	char *tree = tree_kept(tree_copy("network/networkd-static"));
	struct harness *h;

	tree_write(tree, "etc/systemd/network/20-wired.network",
		   "[Match]\nName=en*\n\n[Address]\nAddress=10.1.10.9/24\n\n"
		   "[Route]\nGateway=10.1.10.1\n");
	h = harness_plan(tree, "network.dhcp", NULL);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/systemd/network/20-wired.network",
		       "[Match]\nName=en*\n", "10.1.10");
	expect_content(tree, "etc/systemd/network/20-wired.network",
		       "[Network]\nDHCP=ipv4\n", "[Route]");
	expect(tree, "network.dhcp", GP_PASS);
}

/* Debian: hwaddress goes, the stanza's other options stay. */
static void fix_ifupdown_hwaddress(void **state)
{
	char *tree = tree_kept(tree_copy("network/debian9-interfaces"));
	struct harness *h;

	tree_write(tree, "etc/network/interfaces.d/eth0",
		   "auto eth0\niface eth0 inet dhcp\n"
		   "    hwaddress ether 52:54:00:01:02:03\n    mtu 1450\n"
		   "    up ip route add 10.8.0.0/16 via 10.0.0.254 \\\n"
		   "       dev eth0\n");
	h = harness_plan(tree, "network.mac_pinned", NULL);
	assert_int_equal(h->plan.n_changes, 1);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/network/interfaces.d/eth0",
		       "iface eth0 inet dhcp\n    mtu 1450\n    up ip route",
		       "hwaddress");
	expect(tree, "network.mac_pinned", GP_PASS);
}

/* netplan "match: {macaddress: X}" in flow style, alone on its line. */
static void fix_netplan_flow_match(void **state)
{
	char *tree = tree_kept(tree_copy("network/ubuntu2204-dhcp"));
	struct harness *h;

	tree_write(tree, "etc/netplan/00-installer-config.yaml",
		   "network:\n  version: 2\n  ethernets:\n    id0:\n"
		   "      match: {macaddress: \"52:54:00:aa:00:01\"}\n"
		   "      set-name: eth0\n      dhcp4: true\n");
	h = harness_plan(tree, "network", NULL);
	harness_expect(h, "network.mac_pinned", GP_FAIL);
	assert_int_equal(h->plan.n_changes, 1);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/netplan/00-installer-config.yaml",
		       "      match: {name: \"e*\"}\n      set-name: eth0\n",
		       "52:54");
	expect(tree, "network.mac_pinned", GP_PASS);
	expect(tree, "network.dhcp", GP_PASS);
}

/* SUSE: every suffixed address and its label go, ifroute-eth0 too. */
static void fix_suse_suffixes_and_ifroute(void **state)
{
	char *tree = tree_kept(tree_copy("network/sles12-ifcfg"));
	struct harness *h;

	tree_write(tree, "etc/sysconfig/network/ifcfg-eth0",
		   "BOOTPROTO=\"static\"\nSTARTMODE=\"auto\"\n"
		   "IPADDR=\"10.1.1.5\"\nNETMASK=\"255.255.255.0\"\n"
		   "IPADDR_1=\"10.1.1.6/24\"\nLABEL_1=\"1\"\nMTU=\"9000\"\n");
	tree_remove(tree, "etc/sysconfig/network/routes");
	tree_write(tree, "etc/sysconfig/network/ifroute-eth0",
		   "# destination gateway netmask interface\n"
		   "default 10.1.1.1 - eth0\n10.2.0.0/16 10.1.1.254 - eth0\n");
	h = harness_plan(tree, "network.dhcp", NULL);
	harness_expect_evidence(h, "network.dhcp", "gateway 10.1.1.1");
	assert_int_equal(h->plan.n_changes, 2);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_content(tree, "etc/sysconfig/network/ifcfg-eth0",
		       "BOOTPROTO=\"dhcp\"\nSTARTMODE=\"auto\"\nMTU=\"9000\"\n",
		       "IPADDR");
	expect_content(tree, "etc/sysconfig/network/ifroute-eth0",
		       "10.2.0.0/16 10.1.1.254 - eth0\n", "default");
	expect(tree, "network.dhcp", GP_PASS);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(centos7_static_fails),
		TEST(centos6_hwaddr_fails),
		TEST(centos7_ovs_judges_the_bridge),
		TEST(rhel9_keyfile_fails),
		TEST(rhel8_config_server_fails),
		TEST(nm_without_config_server_passes),
		TEST(nm_config_server_shadowed_passes),
		TEST(nm_disabled_fails),
		TEST(ubuntu1804_two_netplan_files),
		TEST(ubuntu1804_cloud_init_alone_passes),
		TEST(netplan_run_shadows_etc),
		TEST(ubuntu2204_ovs_bridge),
		TEST(ubuntu2204_dhcp_passes),
		TEST(netplan_nm_renderer_needs_nm),
		TEST(netplan_flow_style_not_fixable),
		TEST(debian9_interfaces_source),
		TEST(debian_ipv6_profile_warn),
		TEST(debian_two_nics_fail),
		TEST(debian_bond_and_bridge),
		TEST(debian_hwaddress_pinned),
		TEST(debian_source_loop),
		TEST(sles12_cidr_address),
		TEST(sles15_netmask_and_suffixes),
		TEST(sles_dhcp_and_startmode),
		TEST(ifcfg_backups_ignored),
		TEST(ifcfg_ipv6_address_fails),
		TEST(networkd_static_mac),
		TEST(conflict_warns),
		TEST(unknown_services_judge_all),
		TEST(profile_static_ip_warn),
		TEST(persistent_comments_only_pass),
		TEST(persistent_link_file_fails),
		TEST(binary_ifcfg_reported),
		TEST(garbled_yaml_reported),
		TEST(yaml_alias_bomb),
		TEST(fifo_and_huge_file_refused),
		TEST(symlink_escape_stays_inside),
		TEST(live_route_and_lease),
		TEST(this_machine_judged),
		TEST(edits_apply),
		TEST(edits_rewrite),
		TEST(fix_apply_recheck_undo),
		TEST(fix_netplan_adds_dhcp4),
		TEST(fix_ifcfg_adds_bootproto),
		TEST(fix_networkd_adds_section),
		TEST(fix_ifupdown_hwaddress),
		TEST(fix_netplan_flow_match),
		TEST(fix_suse_suffixes_and_ifroute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
