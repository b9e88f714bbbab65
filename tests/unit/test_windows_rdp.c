/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The windows_rdp plugin: Remote Desktop allowed (fDenyTSConnections and its
 * Group Policy), its port, and the firewall's profiles and rules for
 * tcp/3389, on the trees of tests/unit/wintree.c.  The fixers plan a new
 * SYSTEM hive; the tests apply it through the journal, check again and
 * undo it byte for byte.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "guestprep/winreg.h"
#include "harness.h"
#include "hive.h"
#include "util.h"
#include "wintree.h"

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

#define TS "Control\\Terminal Server"
#define RDP_TCP TS "\\WinStations\\RDP-Tcp"
#define FW "Services\\SharedAccess\\Parameters\\FirewallPolicy"
#define RULES FW "\\FirewallRules"
#define TS_POLICY "Policies\\Microsoft\\Windows NT\\Terminal Services"
#define FW_GPO "Policies\\Microsoft\\WindowsFirewall"
#define SYSTEM_HIVE "/Windows/System32/config/SYSTEM"

#define RDP_RULE(active, extra) \
	"v2.20|Action=Allow|Active=" active "|Dir=In|Protocol=6|" extra \
	"LPort=3389|App=%SystemRoot%\\system32\\svchost.exe|" \
	"Svc=termservice|Name=@FirewallAPI.dll,-28775|" \
	"Desc=@FirewallAPI.dll,-28756|EmbedCtxt=@FirewallAPI.dll,-28752|"

static struct harness *run(const char *tree, const char *only)
{
	return harness_run(tree, only, NULL);
}

static void expect(const char *tree, const char *id, enum gp_status status)
{
	struct harness *h = run(tree, id);

	harness_expect(h, id, status);
	harness_free(h);
}

static void set_rule(const char *tree, const char *name, const char *text)
{
	wintree_system_string(tree, RULES, name, text);
}

/* Every profile's RDP rule of a 2012-or-later tree inactive. */
static char *rules_inactive_tree(enum win_release release)
{
	char *tree = wintree_new(release);

	set_rule(tree, "RemoteDesktop-UserMode-In-TCP", RDP_RULE("FALSE", ""));
	return tree;
}

/*
 * Plan the fixes of @only on @tree, apply them, check that @id now
 * passes, undo and compare the tree with what it was, byte for byte.
 */
static void fix_apply_recheck_undo(const char *tree, const char *only,
				   const char *id, const char *hive)
{
	char *before = tree_snapshot(tree);
	struct harness *h = harness_plan(tree, only, NULL);
	const struct gp_change *c = harness_planned(h, hive);

	harness_expect(h, id, GP_FAIL);
	assert_true(harness_fixable(h, id));
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_WRITE);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree, only, NULL);
	harness_expect(h, id, GP_PASS);
	/* Idempotent: nothing left to do. */
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);
	expect(tree, id, GP_FAIL);
}

/* --- every release, as set up --------------------------------------- */

static void ready_releases_pass(void **state)
{
	for (enum win_release r = WIN_2003_SP1; r <= WIN_2025; r++) {
		char *tree = wintree_new(r);
		struct harness *h = run(tree, "windows_rdp");

		print_message("%s\n", wintree_name(r));
		harness_expect(h, "windows_rdp.enabled", GP_PASS);
		harness_expect(h, "windows_rdp.port", GP_PASS);
		harness_expect(h, "windows_rdp.firewall", GP_PASS);
		harness_free(h);
	}
}

/* --- windows_rdp.enabled -------------------------------------------- */

static void denied_fails(void **state)
{
	char *tree = wintree_new(WIN_2012_R2);
	struct harness *h;

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	h = run(tree, "windows_rdp.enabled");
	harness_expect(h, "windows_rdp.enabled", GP_FAIL);
	assert_true(harness_fixable(h, "windows_rdp.enabled"));
	harness_expect_evidence(h, "windows_rdp.enabled",
				"fDenyTSConnections = 1");
	harness_free(h);
}

/* Setup writes the value; without it the service denies connections. */
static void deny_value_absent_fails(void **state)
{
	char *tree = wintree_new_opts(WIN_2016, WT_NO_RDP_VALUES);
	struct harness *h = run(tree, "windows_rdp.enabled");

	harness_expect(h, "windows_rdp.enabled", GP_FAIL);
	assert_true(harness_fixable(h, "windows_rdp.enabled"));
	harness_free(h);
}

/* Windows reads a REG_SZ there as no value at all; the fix sets a DWORD. */
static void deny_value_of_wrong_type_fails(void **state)
{
	char *tree = wintree_new(WIN_2016);

	wintree_system_string(tree, TS, "fDenyTSConnections", "0");
	fix_apply_recheck_undo(tree, "windows_rdp.enabled",
			       "windows_rdp.enabled", SYSTEM_HIVE);
}

static void policy_denies_not_fixable(void **state)
{
	char *tree = wintree_new(WIN_2019);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_dword(software, TS_POLICY, "fDenyTSConnections", 1);
	h = harness_plan(tree, "windows_rdp.enabled", NULL);
	harness_expect(h, "windows_rdp.enabled", GP_FAIL);
	assert_false(harness_fixable(h, "windows_rdp.enabled"));
	harness_expect_evidence(h, "windows_rdp.enabled", "Terminal Services");
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	free(software);
}

/* The policy wins both ways: it allows what the local value denies. */
static void policy_allows_over_local(void **state)
{
	char *tree = wintree_new(WIN_2019);
	char *software = wintree_software(tree);

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	hive_set_dword(software, TS_POLICY, "fDenyTSConnections", 0);
	expect(tree, "windows_rdp.enabled", GP_PASS);
	free(software);
}

static void enabled_profile_severity(void **state)
{
	static const char *const set[] = { "windows_rdp.disabled=warn", NULL };
	char *tree = wintree_new(WIN_2008_R2);
	struct harness *h;

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	h = harness_run(tree, "windows_rdp.enabled", set);
	harness_expect(h, "windows_rdp.enabled", GP_WARN);
	harness_free(h);
}

static void fix_enabled(void **state)
{
	char *tree = wintree_new(WIN_2012_R2);

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	fix_apply_recheck_undo(tree, "windows_rdp.enabled",
			       "windows_rdp.enabled", SYSTEM_HIVE);
}

/* The fix creates the value when setup's is missing. */
static void fix_enabled_creates_value(void **state)
{
	char *tree = wintree_new_opts(WIN_2008, WT_NO_RDP_VALUES);

	fix_apply_recheck_undo(tree, "windows_rdp.enabled",
			       "windows_rdp.enabled", SYSTEM_HIVE);
}

/* 2003's hives are lower case, in WINDOWS\system32\config. */
static void fix_enabled_2003(void **state)
{
	char *tree = wintree_new(WIN_2003_SP1);

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	fix_apply_recheck_undo(tree, "windows_rdp.enabled",
			       "windows_rdp.enabled",
			       "/WINDOWS/system32/config/system");
}

/* --- windows_rdp.port ----------------------------------------------- */

static void port_3390_fails(void **state)
{
	char *tree = wintree_new(WIN_2016);
	struct harness *h;

	wintree_system_dword(tree, RDP_TCP, "PortNumber", 3390);
	h = run(tree, "windows_rdp.port");
	harness_expect(h, "windows_rdp.port", GP_FAIL);
	assert_true(harness_fixable(h, "windows_rdp.port"));
	harness_expect_evidence(h, "windows_rdp.port", "PortNumber = 3390");
	harness_free(h);
}

/* Without PortNumber the listener takes 3389. */
static void port_absent_passes(void **state)
{
	char *tree = wintree_new_opts(WIN_2016, WT_NO_RDP_VALUES);

	expect(tree, "windows_rdp.port", GP_PASS);
}

static void port_from_profile(void **state)
{
	static const char *const set[] = { "windows.rdp_port=3390", NULL };
	char *tree = wintree_new(WIN_2016);
	struct harness *h = harness_run(tree, "windows_rdp.port", set);

	harness_expect(h, "windows_rdp.port", GP_FAIL);
	harness_free(h);
	wintree_system_dword(tree, RDP_TCP, "PortNumber", 3390);
	h = harness_run(tree, "windows_rdp.port", set);
	harness_expect(h, "windows_rdp.port", GP_PASS);
	harness_free(h);
}

static void fix_port(void **state)
{
	char *tree = wintree_new(WIN_2019);

	wintree_system_dword(tree, RDP_TCP, "PortNumber", 3390);
	fix_apply_recheck_undo(tree, "windows_rdp.port", "windows_rdp.port",
			       SYSTEM_HIVE);
}

/* --- windows_rdp.firewall: rules ------------------------------------ */

static void firewall_rule_inactive_fails(void **state)
{
	char *tree = rules_inactive_tree(WIN_2012_R2);
	struct harness *h = harness_run(tree, "windows_rdp.firewall", NULL);

	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_expect_evidence(h, "windows_rdp.firewall",
				"inactive Remote Desktop rules: FirewallRules\\"
				"RemoteDesktop-UserMode-In-TCP");
	assert_true(harness_fixable(h, "windows_rdp.firewall"));
	harness_free(h);
}

/* The rule @name of @tree, read back through the registry reader. */
static void expect_rule(const char *tree, const char *name, const char *text)
{
	struct gp_root *root = NULL;
	struct gp_winreg *reg = NULL;
	char *got = NULL;

	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(gp_winreg_open(root, &reg), 0);
	assert_int_equal(gp_winreg_get_string(reg, "SYSTEM\\CurrentControlSet\\"
					      RULES, name, &got), 0);
	assert_string_equal(got, text);
	free(got);
	gp_winreg_close(reg);
	gp_root_free(root);
}

/* The rule string keeps every field but Active, byte for byte. */
static void fix_firewall_rule(void **state)
{
	char *tree = rules_inactive_tree(WIN_2012_R2);
	char *system = wintree_system(tree);
	struct harness *h;

	/* An inactive rule of another group is left alone. */
	set_rule(tree, "Custom-Off", "v2.20|Action=Allow|Active=FALSE|Dir=In|"
				     "Protocol=6|LPort=3389|Name=custom|");
	fix_apply_recheck_undo(tree, "windows_rdp.firewall",
			       "windows_rdp.firewall", SYSTEM_HIVE);
	h = harness_plan(tree, "windows_rdp.firewall", NULL);
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect_rule(tree, "RemoteDesktop-UserMode-In-TCP",
		    RDP_RULE("TRUE", ""));
	expect_rule(tree, "Custom-Off", "v2.20|Action=Allow|Active=FALSE|"
					"Dir=In|Protocol=6|LPort=3389|"
					"Name=custom|");
	free(system);
}

static void fix_firewall_rule_2008_r2(void **state)
{
	char *tree = wintree_new(WIN_2008_R2);

	set_rule(tree, "RemoteDesktop-In-TCP",
		 "v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|"
		 "LPort=3389|App=System|Name=@FirewallAPI.dll,-28753|"
		 "EmbedCtxt=@FirewallAPI.dll,-28752|");
	fix_apply_recheck_undo(tree, "windows_rdp.firewall",
			       "windows_rdp.firewall", SYSTEM_HIVE);
}

/* 2003: the opened port "Disabled" becomes "Enabled". */
static void fix_firewall_2003(void **state)
{
	char *tree = wintree_new(WIN_2003_SP1);

	wintree_system_string(tree,
			      FW "\\DomainProfile\\GloballyOpenPorts\\List",
			      "3389:TCP",
			      "3389:TCP:*:Disabled:@xpsp2res.dll,-22009");
	fix_apply_recheck_undo(tree, "windows_rdp.firewall",
			       "windows_rdp.firewall",
			       "/WINDOWS/system32/config/system");
}

/* A closed profile without a Remote Desktop rule of its own: no fix. */
static void firewall_profile_without_rule_not_fixable(void **state)
{
	char *tree = wintree_new(WIN_2019);
	struct harness *h;

	set_rule(tree, "RemoteDesktop-UserMode-In-TCP",
		 RDP_RULE("FALSE", "Profile=Private|"));
	h = harness_plan(tree, "windows_rdp.firewall", NULL);
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	assert_false(harness_fixable(h, "windows_rdp.firewall"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void firewall_2008_rule_inactive_fails(void **state)
{
	char *tree = wintree_new(WIN_2008_R2);

	set_rule(tree, "RemoteDesktop-In-TCP",
		 "v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|"
		 "LPort=3389|App=System|Name=@FirewallAPI.dll,-28753|"
		 "EmbedCtxt=@FirewallAPI.dll,-28752|");
	expect(tree, "windows_rdp.firewall", GP_FAIL);
}

static void firewall_off_passes(void **state)
{
	char *tree = rules_inactive_tree(WIN_2016);

	wintree_system_dword(tree, FW "\\DomainProfile", "EnableFirewall", 0);
	wintree_system_dword(tree, FW "\\StandardProfile", "EnableFirewall", 0);
	wintree_system_dword(tree, FW "\\PublicProfile", "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
}

/* Only the Public profile is on, and the rule is for Private only. */
static void firewall_rule_for_other_profile_fails(void **state)
{
	char *tree = wintree_new(WIN_2019);
	struct harness *h;

	set_rule(tree, "RemoteDesktop-UserMode-In-TCP",
		 RDP_RULE("TRUE", "Profile=Private|"));
	wintree_system_dword(tree, FW "\\DomainProfile", "EnableFirewall", 0);
	h = run(tree, "windows_rdp.firewall");
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_expect_evidence(h, "windows_rdp.firewall",
				"Public profile: on (EnableFirewall = 1");
	harness_free(h);
	wintree_system_dword(tree, FW "\\PublicProfile", "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
}

static void firewall_rule_for_two_profiles(void **state)
{
	char *tree = wintree_new(WIN_2019);

	set_rule(tree, "RemoteDesktop-UserMode-In-TCP",
		 RDP_RULE("TRUE", "Profile=Domain|Profile=Public|"));
	wintree_system_dword(tree, FW "\\StandardProfile", "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
	wintree_system_dword(tree, FW "\\StandardProfile", "EnableFirewall", 1);
	expect(tree, "windows_rdp.firewall", GP_FAIL);
}

static void firewall_block_rule_fails(void **state)
{
	char *tree = wintree_new(WIN_2016);
	struct harness *h;

	set_rule(tree, "{8E1A1F0C-0000-4C1B-9C9A-000000000001}",
		 "v2.26|Action=Block|Active=TRUE|Dir=In|Protocol=6|"
		 "LPort=3389|Name=no rdp|");
	set_rule(tree, "RemoteDesktop-UserMode-In-TCP", RDP_RULE("FALSE", ""));
	h = harness_plan(tree, "windows_rdp.firewall", NULL);
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	assert_false(harness_fixable(h, "windows_rdp.firewall"));
	harness_expect_evidence(h, "windows_rdp.firewall", "is blocked by");
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* An inactive block rule or an outbound one blocks nothing. */
static void firewall_inactive_or_outbound_block(void **state)
{
	char *tree = wintree_new(WIN_2016);

	set_rule(tree, "block-off", "v2.26|Action=Block|Active=FALSE|Dir=In|"
				    "Protocol=6|LPort=3389|Name=x|");
	set_rule(tree, "block-out", "v2.26|Action=Block|Active=TRUE|Dir=Out|"
				    "Protocol=6|LPort=3389|Name=y|");
	expect(tree, "windows_rdp.firewall", GP_PASS);
}

/* "Block all incoming connections, including those in the list". */
static void firewall_no_exceptions_fails(void **state)
{
	char *tree = wintree_new(WIN_2012);

	wintree_system_dword(tree, FW "\\PublicProfile",
			     "DoNotAllowExceptions", 1);
	expect(tree, "windows_rdp.firewall", GP_FAIL);
}

static void firewall_default_inbound_allow_passes(void **state)
{
	char *tree = rules_inactive_tree(WIN_2012);

	wintree_system_dword(tree, FW "\\DomainProfile",
			     "DefaultInboundAction", 0);
	wintree_system_dword(tree, FW "\\StandardProfile",
			     "DefaultInboundAction", 0);
	wintree_system_dword(tree, FW "\\PublicProfile",
			     "DefaultInboundAction", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
}

static void firewall_port_ranges_and_lists(void **state)
{
	static const char *const open[] = {
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=3000-4000|Name=range|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=22|"
		"LPort=3389|Name=list|",
		/* No LPort: every port. */
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Name=all|",
		/* No protocol: every protocol. */
		"v2.26|Action=Allow|Active=TRUE|Dir=In|LPort=3389|Name=any|",
	};
	static const char *const closed[] = {
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=17|"
		"LPort=3389|Name=udp|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=3390-4000|Name=range|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|"
		"Name=keyword|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort2_10=Ply2Disc|Name=keyword only|",
		"v2.26|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|"
		"LPort=3389|Name=out|",
		/* A program that is not the listener. */
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=3389|App=C:\\tools\\other.exe|Name=app|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=3389|App=%SystemRoot%\\system32\\svchost.exe|Svc=dnscache|"
		"Name=svc|",
		"v2.26|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=3389|Name=bypass|",
		"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
		"LPort=99999999999|Name=huge|",
	};

	for (size_t i = 0; i < ARRAY_SIZE(open) + ARRAY_SIZE(closed); i++) {
		bool is_open = i < ARRAY_SIZE(open);
		const char *text =
			is_open ? open[i] : closed[i - ARRAY_SIZE(open)];
		char *tree = rules_inactive_tree(WIN_2019);

		print_message("%s\n", text);
		set_rule(tree, "Custom-RDP", text);
		expect(tree, "windows_rdp.firewall",
		       is_open ? GP_PASS : GP_FAIL);
	}
}

/* Only from some addresses: still a way in, said in the evidence. */
static void firewall_remote_addresses_noted(void **state)
{
	char *tree = wintree_new(WIN_2019);
	struct harness *h;

	set_rule(tree, "RemoteDesktop-UserMode-In-TCP",
		 RDP_RULE("TRUE", "RA4=LocalSubnet|"));
	h = run(tree, "windows_rdp.firewall");
	harness_expect(h, "windows_rdp.firewall", GP_PASS);
	harness_expect_evidence(h, "windows_rdp.firewall",
				"some remote addresses only");
	harness_free(h);
}

/* The shadowing helper's rule takes any port, for RdpSa.exe only. */
static void firewall_shadow_rule_is_not_enough(void **state)
{
	char *tree = rules_inactive_tree(WIN_2016);
	struct harness *h = run(tree, "windows_rdp.firewall");

	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_free(h);
}

/* Junk in the rules: ignored, never a crash. */
static void firewall_garbage_rules(void **state)
{
	static const char *const junk[] = {
		"", "|", "||||", "v2.10", "v2.10|", "v2.10|Action", "v2.10|=|=",
		"Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389",
		"v2.10|Action=Allow|Active=TRUE|Dir=In|LPort=-|",
		"v2.10|Action=Allow|Active=TRUE|Dir=In|LPort=3389-|",
		"v2.10|Action=Allow|Active=TRUE|Dir=In|LPort=-3389|",
	};
	char *tree = rules_inactive_tree(WIN_2019);
	char *system = wintree_system(tree);
	struct harness *h;

	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		char name[16];

		snprintf(name, sizeof(name), "junk-%zu", i);
		set_rule(tree, name, junk[i]);
	}
	hive_set_dword(system, WT_CCS "\\" RULES, "a-dword", 1);
	hive_set_binary(system, WT_CCS "\\" RULES, "binary", "\xff\xfe\0", 3);
	h = run(tree, "windows_rdp.firewall");
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_free(h);
	free(system);
}

/* --- windows_rdp.firewall: Group Policy ----------------------------- */

static void firewall_policy_turns_off(void **state)
{
	char *tree = rules_inactive_tree(WIN_2016);
	char *software = wintree_software(tree);
	static const char *const keys[] = {
		FW_GPO "\\DomainProfile", FW_GPO "\\PrivateProfile",
		FW_GPO "\\PublicProfile",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		hive_set_dword(software, keys[i], "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
	free(software);
}

/* A Group Policy rule is the policy's: not ours to enable. */
static void firewall_policy_rule_not_fixable(void **state)
{
	char *tree = wintree_new_opts(WIN_2016, WT_NO_FIREWALL);
	char *software = wintree_software(tree);
	struct harness *h;

	wintree_system_dword(tree, FW "\\DomainProfile", "EnableFirewall", 1);
	hive_set_string(software, FW_GPO "\\FirewallRules",
			"RemoteDesktop-UserMode-In-TCP", RDP_RULE("FALSE", ""));
	h = harness_plan(tree, "windows_rdp.firewall", NULL);
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	assert_false(harness_fixable(h, "windows_rdp.firewall"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	free(software);
}

static void firewall_policy_turns_on(void **state)
{
	char *tree = rules_inactive_tree(WIN_2016);
	char *software = wintree_software(tree);

	wintree_system_dword(tree, FW "\\DomainProfile", "EnableFirewall", 0);
	wintree_system_dword(tree, FW "\\StandardProfile", "EnableFirewall", 0);
	wintree_system_dword(tree, FW "\\PublicProfile", "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
	hive_set_dword(software, FW_GPO "\\PublicProfile", "EnableFirewall", 1);
	expect(tree, "windows_rdp.firewall", GP_FAIL);
	free(software);
}

static void firewall_policy_rules_count(void **state)
{
	char *tree = rules_inactive_tree(WIN_2016);
	char *software = wintree_software(tree);
	struct harness *h;

	hive_set_string(software, FW_GPO "\\FirewallRules", "gpo-rdp",
			"v2.26|Action=Allow|Active=TRUE|Dir=In|Protocol=6|"
			"LPort=3389|Name=RDP from GPO|");
	expect(tree, "windows_rdp.firewall", GP_PASS);
	hive_set_string(software, FW_GPO "\\FirewallRules", "gpo-block",
			"v2.26|Action=Block|Active=TRUE|Dir=In|Protocol=6|"
			"LPort=3389|Name=no RDP from GPO|");
	h = run(tree, "windows_rdp.firewall");
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_expect_evidence(h, "windows_rdp.firewall", "Group Policy rule");
	harness_free(h);
	free(software);
}

/* --- windows_rdp.firewall: Windows Server 2003 ----------------------- */

static void firewall_2003_port_disabled_fails(void **state)
{
	char *tree = wintree_new(WIN_2003_SP1);
	struct harness *h;

	wintree_system_string(tree,
			      FW "\\StandardProfile\\GloballyOpenPorts\\List",
			      "3389:TCP",
			      "3389:TCP:*:Disabled:@xpsp2res.dll,-22009");
	h = run(tree, "windows_rdp.firewall");
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	harness_expect_evidence(h, "windows_rdp.firewall",
				"StandardProfile\\GloballyOpenPorts\\List\\3389:TCP");
	harness_free(h);
	wintree_system_dword(tree, FW "\\StandardProfile", "EnableFirewall", 0);
	expect(tree, "windows_rdp.firewall", GP_PASS);
}

static void firewall_2003_other_port_only(void **state)
{
	char *tree = wintree_new(WIN_2003_R2_SP2);

	wintree_system_string(tree,
			      FW "\\DomainProfile\\GloballyOpenPorts\\List",
			      "3389:TCP", "3390:TCP:*:Enabled:moved");
	wintree_system_string(tree,
			      FW "\\DomainProfile\\GloballyOpenPorts\\List",
			      "3389:UDP", "3389:UDP:*:Enabled:udp");
	wintree_system_string(tree,
			      FW "\\DomainProfile\\GloballyOpenPorts\\List",
			      "junk", "3389");
	expect(tree, "windows_rdp.firewall", GP_FAIL);
}

static void firewall_no_profiles_warns(void **state)
{
	char *tree = wintree_new_opts(WIN_2012_R2, WT_NO_FIREWALL);

	expect(tree, "windows_rdp.firewall", GP_WARN);
}

static void firewall_profile_severity(void **state)
{
	static const char *const set[] = { "windows_rdp.firewall=warn", NULL };
	char *tree = rules_inactive_tree(WIN_2012_R2);
	struct harness *h = harness_run(tree, "windows_rdp.firewall", set);

	harness_expect(h, "windows_rdp.firewall", GP_WARN);
	harness_free(h);
}

/* --- damaged hives, and all fixers at once ---------------------------- */

static void damaged_system_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(truncate(system, 8192), 0);
	h = run(tree, "windows_rdp");
	harness_expect(h, "windows_rdp.enabled", GP_ERROR);
	harness_expect(h, "windows_rdp.port", GP_ERROR);
	harness_expect(h, "windows_rdp.firewall", GP_ERROR);
	harness_free(h);
	free(system);
}

static void missing_system_hive_is_an_error(void **state)
{
	char *tree = wintree_new(WIN_2016);
	char *system = wintree_system(tree);
	struct harness *h;

	assert_int_equal(unlink(system), 0);
	h = run(tree, "windows_rdp");
	harness_expect(h, "windows_rdp.enabled", GP_ERROR);
	harness_expect(h, "windows_rdp.port", GP_ERROR);
	harness_expect(h, "windows_rdp.firewall", GP_ERROR);
	harness_free(h);
	free(system);
}

/* The fixers of one hive build on each other; one undo restores it. */
static void fix_all_windows_plugins(void **state)
{
	char *tree = wintree_new(WIN_2012_R2);
	char *before;
	struct harness *h;

	wintree_system_dword(tree, TS, "fDenyTSConnections", 1);
	wintree_system_dword(tree, RDP_TCP, "PortNumber", 13389);
	wintree_system_dword(tree, "Services\\viostor", "Start", 3);
	wintree_system_dword(tree, "Services\\QEMU-GA", "Start", 2);
	set_rule(tree, "RemoteDesktop-UserMode-In-TCP", RDP_RULE("FALSE", ""));
	before = tree_snapshot(tree);
	h = harness_plan(tree,
			 "windows_rdp windows_virtio windows_qemu_ga", NULL);
	harness_expect(h, "windows_rdp.enabled", GP_FAIL);
	harness_expect(h, "windows_rdp.port", GP_FAIL);
	harness_expect(h, "windows_virtio.storage", GP_FAIL);
	harness_expect(h, "windows_qemu_ga.installed", GP_FAIL);
	harness_expect(h, "windows_rdp.firewall", GP_FAIL);
	assert_non_null(harness_planned(h, SYSTEM_HIVE));
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree,
			 "windows_rdp windows_virtio windows_qemu_ga", NULL);
	harness_expect(h, "windows_rdp.enabled", GP_PASS);
	harness_expect(h, "windows_rdp.port", GP_PASS);
	harness_expect(h, "windows_virtio.storage", GP_PASS);
	harness_expect(h, "windows_rdp.firewall", GP_PASS);
	harness_expect(h, "windows_qemu_ga.installed", GP_WARN);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_same(tree, before, 0);
	tree_free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(ready_releases_pass),
		TEST(denied_fails),
		TEST(deny_value_absent_fails),
		TEST(deny_value_of_wrong_type_fails),
		TEST(policy_denies_not_fixable),
		TEST(policy_allows_over_local),
		TEST(enabled_profile_severity),
		TEST(fix_enabled),
		TEST(fix_enabled_creates_value),
		TEST(fix_enabled_2003),
		TEST(port_3390_fails),
		TEST(port_absent_passes),
		TEST(port_from_profile),
		TEST(fix_port),
		TEST(firewall_rule_inactive_fails),
		TEST(fix_firewall_rule),
		TEST(fix_firewall_rule_2008_r2),
		TEST(fix_firewall_2003),
		TEST(firewall_profile_without_rule_not_fixable),
		TEST(firewall_policy_rule_not_fixable),
		TEST(firewall_2008_rule_inactive_fails),
		TEST(firewall_off_passes),
		TEST(firewall_rule_for_other_profile_fails),
		TEST(firewall_rule_for_two_profiles),
		TEST(firewall_block_rule_fails),
		TEST(firewall_inactive_or_outbound_block),
		TEST(firewall_no_exceptions_fails),
		TEST(firewall_default_inbound_allow_passes),
		TEST(firewall_port_ranges_and_lists),
		TEST(firewall_remote_addresses_noted),
		TEST(firewall_shadow_rule_is_not_enough),
		TEST(firewall_garbage_rules),
		TEST(firewall_policy_turns_off),
		TEST(firewall_policy_turns_on),
		TEST(firewall_policy_rules_count),
		TEST(firewall_2003_port_disabled_fails),
		TEST(firewall_2003_other_port_only),
		TEST(firewall_no_profiles_warns),
		TEST(firewall_profile_severity),
		TEST(damaged_system_hive_is_an_error),
		TEST(missing_system_hive_is_an_error),
		TEST(fix_all_windows_plugins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
