/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall plugin and the rule model behind it: firewall.active,
 * firewall.ssh_port, firewall.live, the fixers, and the evaluator and
 * readers of agent/fwrules.c and agent/fw-*.c.
 *
 * Installed systems are static fixtures (tests/fixtures/firewall/...);
 * variants, damaged and hostile configurations are built at run time from
 * copies of them.  Fixers are applied through the journal, checked again
 * and undone, and the tree is compared with the fixture byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guestprep/fwrules.h"
#include "harness.h"
#include "journal.h"
#include "util.h"

#define FIXTURE(name) FIXTURES_DIR "/firewall/" name

static void expect(const char *dir, const char *id, enum gp_status status,
		   const char *const *set)
{
	struct harness *h = harness_run(dir, "firewall", set);

	harness_expect(h, id, status);
	harness_free(h);
}

/* A copy of @fixture, kept for the teardown. */
static char *copy(const char *fixture)
{
	char *name = strprintf("firewall/%s", fixture);
	char *tree = tree_kept(tree_copy(name));

	free(name);
	return tree;
}

/* --- the evaluator, on iptables-save text ----------------------------- */

/* Evaluate @text for port 22; the reach, and the deciding line. */
static enum fw_reach eval_text(const char *text, unsigned *ret_line,
			       size_t *ret_partial)
{
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	enum fw_reach reach;

	assert_int_equal(fw_read_iptables(&rs, "/t", text, strlen(text)), 0);
	assert_int_equal(fw_evaluate(&rs, 22, &v), 0);
	reach = v.reach;
	if (ret_line) {
		const char *colon = strchr(v.decided_by, ':');

		*ret_line = colon ? (unsigned)strtoul(colon + 1, NULL, 10) : 0;
	}
	if (ret_partial)
		*ret_partial = v.n_partial;
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
	return reach;
}

#define HEAD "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n"

static void eval_policy(void **state)
{
	unsigned line;

	assert_int_equal(eval_text(HEAD "COMMIT\n", &line, NULL), FW_CLOSED);
	assert_int_equal(line, 2);
	assert_int_equal(eval_text("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
				   NULL, NULL), FW_OPEN);
	/* No filter table at all: nothing is filtered. */
	assert_int_equal(eval_text("*nat\n:PREROUTING ACCEPT [0:0]\n"
				   "-A PREROUTING -j DROP\nCOMMIT\n", NULL,
				   NULL), FW_OPEN);
}

static void eval_matches(void **state)
{
	static const struct {
		const char *rule;
		enum fw_reach reach;
	} cases[] = {
		{ "-A INPUT -p tcp --dport 22 -j ACCEPT", FW_OPEN },
		{ "-A INPUT -p tcp -m tcp --dport 21:23 -j ACCEPT", FW_OPEN },
		{ "-A INPUT -p tcp -m multiport --dports 80,22,443 -j ACCEPT",
		  FW_OPEN },
		{ "-A INPUT -p tcp --dport 2222 -j ACCEPT", FW_CLOSED },
		{ "-A INPUT -p udp --dport 22 -j ACCEPT", FW_CLOSED },
		{ "-A INPUT -p tcp ! --dport 22 -j ACCEPT", FW_CLOSED },
		{ "-A INPUT ! -p udp -j ACCEPT", FW_OPEN },
		{ "-A INPUT -i lo -j ACCEPT", FW_CLOSED },
		{ "-A INPUT ! -i lo -j ACCEPT", FW_OPEN },
		{ "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT",
		  FW_CLOSED },
		{ "-A INPUT -m conntrack --ctstate NEW -p tcp --dport ssh "
		  "-j ACCEPT", FW_OPEN },
		{ "-A INPUT -p tcp --syn --dport 22 -j ACCEPT", FW_OPEN },
		{ "-A INPUT -p tcp ! --syn -j ACCEPT", FW_CLOSED },
		{ "-A INPUT -p tcp --tcp-flags SYN,ACK SYN -j ACCEPT", FW_OPEN },
		{ "-A INPUT -p tcp --tcp-flags ALL ACK -j ACCEPT", FW_CLOSED },
		{ "-A INPUT ! -s 10.0.0.0/8 -j ACCEPT", FW_OPEN },
		{ "-A INPUT -s 0.0.0.0/0 -p tcp --dport 22 -j ACCEPT", FW_OPEN },
		{ "-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT",
		  FW_RESTRICTED },
		{ "-A INPUT -i eth1 -p tcp --dport 22 -j ACCEPT",
		  FW_RESTRICTED },
		{ "-A INPUT -d 192.0.2.10/32 -j ACCEPT", FW_RESTRICTED },
		{ "-A INPUT -m geoip --src-cc CN -j ACCEPT", FW_RESTRICTED },
		{ "-A INPUT -p tcp --dport 22 -m limit --limit 5/min -j ACCEPT",
		  FW_OPEN },
		{ "-A INPUT -p tcp --dport 22 -j LOG\n"
		  "-A INPUT -p tcp --dport 22 -j MARK --set-mark 1", FW_CLOSED },
		/* A rate limiter that drops repeat offenders: not the first. */
		{ "-A INPUT -p tcp --dport 22 -m recent --update --seconds 60 "
		  "--hitcount 4 -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT",
		  FW_OPEN },
		/* The old "-p ! tcp" syntax. */
		{ "-A INPUT -p ! tcp -j ACCEPT", FW_CLOSED },
		{ "-I INPUT -p tcp --dport 22 -j ACCEPT\n-I INPUT 1 -j DROP",
		  FW_CLOSED },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = strprintf(HEAD "%s\nCOMMIT\n", cases[i].rule);
		enum fw_reach reach = eval_text(text, NULL, NULL);

		if (reach != cases[i].reach)
			fail_msg("%s: %s, expected %s", cases[i].rule,
				 fw_reach_name(reach),
				 fw_reach_name(cases[i].reach));
		free(text);
	}
}

/* REJECT before ACCEPT: the first that matches decides. */
static void eval_order(void **state)
{
	unsigned line;

	assert_int_equal(eval_text("*filter\n:INPUT ACCEPT [0:0]\n"
				   "-A INPUT -p tcp --dport 22 -j REJECT\n"
				   "-A INPUT -p tcp --dport 22 -j ACCEPT\n"
				   "COMMIT\n", &line, NULL), FW_CLOSED);
	assert_int_equal(line, 3);
}

static void eval_chains(void **state)
{
	size_t partial;

	/* Jump, RETURN, then the policy. */
	assert_int_equal(eval_text(HEAD ":a - [0:0]\n"
				   "-A INPUT -j a\n-A a -j RETURN\n"
				   "-A a -j ACCEPT\nCOMMIT\n", NULL, NULL),
			 FW_CLOSED);
	/* A chain that ends returns to the rule after the jump. */
	assert_int_equal(eval_text(HEAD ":a - [0:0]\n-A INPUT -j a\n"
				   "-A INPUT -j ACCEPT\nCOMMIT\n", NULL, NULL),
			 FW_OPEN);
	/* A goto does not come back. */
	assert_int_equal(eval_text(HEAD ":a - [0:0]\n-A INPUT -g a\n"
				   "-A INPUT -j ACCEPT\nCOMMIT\n", NULL, NULL),
			 FW_CLOSED);
	/* Only some sources reach the chain that accepts. */
	assert_int_equal(eval_text(HEAD ":ok - [0:0]\n"
				   "-A INPUT -s 10.1.0.0/16 -j ok\n"
				   "-A ok -j ACCEPT\nCOMMIT\n", NULL, &partial),
			 FW_RESTRICTED);
	assert_int_equal(partial, 1);
	/* A subnet that reaches a chain that drops is not "restricted". */
	assert_int_equal(eval_text(HEAD ":no - [0:0]\n"
				   "-A INPUT -s 10.1.0.0/16 -j no\n"
				   "-A no -j DROP\nCOMMIT\n", NULL, &partial),
			 FW_CLOSED);
	assert_int_equal(partial, 0);
}

static void eval_loop_is_an_error(void **state)
{
	const char *text = HEAD ":a - [0:0]\n:b - [0:0]\n-A INPUT -j a\n"
			   "-A a -j b\n-A b -j a\nCOMMIT\n";
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };

	assert_int_equal(fw_read_iptables(&rs, "/t", text, strlen(text)), 0);
	assert_int_equal(fw_evaluate(&rs, 22, &v), -ELOOP);
	fw_ruleset_done(&rs);
}

/* Garbage is reported and never decides. */
static void eval_garbage_is_a_problem(void **state)
{
	static const char text[] = HEAD "-A INPUT -p tcp --dport\n"
				   "-A INPUT \"unbalanced\n"
				   "what is this\n"
				   "-A INPUT --bogus-option x -j ACCEPT\n"
				   "COMMIT\n\x01\x02\0binary";
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };

	assert_int_equal(fw_read_iptables(&rs, "/t", text, sizeof(text) - 1),
			 0);
	assert_true(rs.n_problems >= 3);
	assert_int_equal(fw_evaluate(&rs, 22, &v), 0);
	/* The unknown option makes the ACCEPT "only": not for everyone. */
	assert_int_equal(v.reach, FW_RESTRICTED);
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
}

static void eval_ports(void **state)
{
	uint16_t lo, hi;

	assert_int_equal(fw_parse_port("22", &lo, &hi), 0);
	assert_int_equal(lo, 22);
	assert_int_equal(fw_parse_port("1000:2000", &lo, &hi), 0);
	assert_int_equal(hi, 2000);
	assert_int_equal(fw_parse_port("1000-2000", &lo, &hi), 0);
	assert_int_equal(fw_parse_port(":1024", &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(fw_parse_port("ssh", &lo, &hi), 0);
	assert_int_equal(lo, 22);
	assert_int_equal(fw_parse_port("70000", &lo, &hi), -EINVAL);
	assert_int_equal(fw_parse_port("30:20", &lo, &hi), -EINVAL);
	assert_int_equal(fw_parse_port("nosuchservice", &lo, &hi), -EINVAL);
}

/* --- nftables ----------------------------------------------------------- */

static char *nft_tree;

static enum fw_reach eval_nft(const char *text, size_t *ret_problems)
{
	char *tree = nft_tree ? nft_tree : (nft_tree = tree_kept(tree_new()));
	struct gp_root *root = NULL;
	struct fw_ruleset rs = { 0 };
	struct fw_verdict v = { 0 };
	enum fw_reach reach;

	tree_write(tree, "etc/nftables.conf", text);
	assert_int_equal(gp_root_new(tree, &root), 0);
	assert_int_equal(fw_read_nftables(root, NULL, "/etc/nftables.conf",
					  &rs), 0);
	assert_int_equal(fw_evaluate(&rs, 22, &v), 0);
	reach = v.reach;
	if (ret_problems)
		*ret_problems = rs.n_problems;
	fw_verdict_done(&v);
	fw_ruleset_done(&rs);
	gp_root_free(root);
	return reach;
}

#define NFT_IN(policy, rules)                                              \
	"table inet filter {\n\tchain input {\n\t\ttype filter hook input " \
	"priority 0; policy " policy ";\n" rules "\t}\n}\n"

static void nft_rules(void **state)
{
	static const struct {
		const char *text;
		enum fw_reach reach;
	} cases[] = {
		{ NFT_IN("drop", ""), FW_CLOSED },
		{ NFT_IN("accept", ""), FW_OPEN },
		{ NFT_IN("drop", "tcp dport 22 accept\n"), FW_OPEN },
		{ NFT_IN("drop", "tcp dport { 80, 22 } accept\n"), FW_OPEN },
		{ NFT_IN("drop", "tcp dport 1-1024 accept\n"), FW_OPEN },
		{ NFT_IN("drop", "tcp dport != 22 accept\n"), FW_CLOSED },
		{ NFT_IN("drop", "udp dport 22 accept\n"), FW_CLOSED },
		{ NFT_IN("drop", "iifname \"lo\" accept\n"), FW_CLOSED },
		{ NFT_IN("drop", "ct state established,related accept\n"),
		  FW_CLOSED },
		{ NFT_IN("drop", "ct state { new } tcp dport ssh accept\n"),
		  FW_OPEN },
		{ NFT_IN("drop", "ip saddr 10.0.0.0/8 tcp dport 22 accept\n"),
		  FW_RESTRICTED },
		{ NFT_IN("drop", "ip6 saddr ::/0 tcp dport 22 accept\n"),
		  FW_CLOSED },
		{ NFT_IN("accept", "tcp dport 22 counter drop\n"), FW_CLOSED },
		{ NFT_IN("accept", "tcp dport 22 limit rate over 10/minute "
				   "drop\n"), FW_OPEN },
		{ NFT_IN("drop", "meta l4proto tcp th dport 22 accept\n"),
		  FW_OPEN },
		{ NFT_IN("drop", "ct state vmap { new : accept }\n"), FW_OPEN },
		{ NFT_IN("drop", "ct state vmap { established : accept }\n"),
		  FW_CLOSED },
		/* One line, statements split by ';'. */
		{ "table ip f { chain i { type filter hook input priority 0; "
		  "policy drop; tcp dport 22 accept; } }\n", FW_OPEN },
		/* Other families do not see IPv4. */
		{ "table ip6 f { chain i { type filter hook input priority 0; "
		  "policy drop; } }\n", FW_OPEN },
		/* Not a hook on input: not where the packet goes. */
		{ "table ip f { chain o { type filter hook output priority 0; "
		  "policy drop; } }\n", FW_OPEN },
		/* Two base chains: both must accept. */
		{ "table ip a { chain i { type filter hook input priority 0; "
		  "tcp dport 22 accept; } }\n"
		  "table ip b { chain i { type filter hook input priority 10; "
		  "policy drop; } }\n", FW_CLOSED },
		/* The imperative form. */
		{ "add table inet t\n"
		  "add chain inet t in { type filter hook input priority 0; "
		  "policy drop; }\nadd rule inet t in tcp dport 22 accept\n",
		  FW_OPEN },
		{ "add table inet t\n"
		  "add chain inet t in { type filter hook input priority 0; }\n"
		  "add rule inet t in tcp dport 22 accept\n"
		  "insert rule inet t in drop\n", FW_CLOSED },
		/* flush ruleset forgets what came before. */
		{ NFT_IN("drop", "") "flush ruleset\n", FW_OPEN },
		{ "define ssh = 22\n" NFT_IN("drop", "tcp dport $ssh accept\n"),
		  FW_OPEN },
		/* jump and return */
		{ "table inet f {\n chain x {\n  tcp dport 22 return\n"
		  "  accept\n }\n chain i {\n  type filter hook input "
		  "priority 0; policy drop;\n  jump x\n }\n}\n", FW_CLOSED },
	};

	nft_tree = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum fw_reach reach = eval_nft(cases[i].text, NULL);

		if (reach != cases[i].reach)
			fail_msg("case %zu: %s, expected %s:\n%s", i,
				 fw_reach_name(reach),
				 fw_reach_name(cases[i].reach), cases[i].text);
	}
}

static void nft_garbage(void **state)
{
	size_t problems = 0;

	nft_tree = NULL;
	/* An unterminated string, binary junk: reported, not fatal. */
	assert_int_equal(eval_nft("table inet f {\n \"unterminated\n", &problems),
			 FW_OPEN);
	assert_true(problems > 0);
	assert_int_equal(eval_nft("frobnicate everything\n"
				  NFT_IN("drop", "tcp dport 22 wibble accept\n"),
				  &problems), FW_RESTRICTED);
	assert_true(problems > 0);
	/* An include of itself stops, with a problem. */
	assert_int_equal(eval_nft("include \"/etc/nftables.conf\"\n",
				  &problems), FW_OPEN);
	assert_true(problems > 0);
	assert_int_equal(eval_nft("include \"/etc/missing.nft\"\n", &problems),
			 FW_OPEN);
	assert_int_equal(problems, 1);
}

/* --- firewall.active --------------------------------------------------- */

static void active_none_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian12-none"), "firewall",
					NULL);

	harness_expect(h, "firewall.active", GP_PASS);
	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_free(h);
}

static void active_disabled_firewalld_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-firewalld-disabled"),
					"firewall", NULL);

	harness_expect(h, "firewall.active", GP_PASS);
	harness_expect_evidence(h, "firewall.active", "disabled");
	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_free(h);
}

static void active_firewalld_warns(void **state)
{
	static const char *const tolerated[] = { "firewall.active=pass", NULL };
	static const char *const strict[] = { "firewall.active=fail", NULL };
	struct harness *h = harness_run(FIXTURE("centos7-firewalld"),
					"firewall", NULL);

	harness_expect(h, "firewall.active", GP_WARN);
	harness_expect_evidence(h, "firewall.active",
				"multi-user.target.wants/firewalld.service");
	assert_false(harness_fixable(h, "firewall.active"));
	harness_free(h);
	expect(FIXTURE("centos7-firewalld"), "firewall.active", GP_PASS,
	       tolerated);
	expect(FIXTURE("centos7-firewalld"), "firewall.active", GP_FAIL,
	       strict);
}

/* ufw's service runs at every boot; ENABLED=no makes it do nothing. */
static void active_ufw_disabled_stale_rules_pass(void **state)
{
	struct harness *h = harness_run(FIXTURE("ubuntu1804-ufw-disabled-stale"),
					"firewall", NULL);

	harness_expect(h, "firewall.active", GP_PASS);
	harness_expect_evidence(h, "firewall.active", "ENABLED=no");
	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_free(h);
}

/* ENABLED=yes, but the service is not started: inactive too. */
static void active_ufw_service_disabled_passes(void **state)
{
	char *tree = copy("ubuntu1804-ufw-no-ssh");

	tree_remove(tree, "etc/systemd/system/multi-user.target.wants/"
			  "ufw.service");
	expect(tree, "firewall.active", GP_PASS, NULL);
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

/* Several at once: each is reported, and each must let 22 in. */
static void active_several(void **state)
{
	char *tree = copy("centos7-iptables-reject-first");
	struct harness *h;

	tree_symlink(tree, "etc/systemd/system/multi-user.target.wants/"
			   "firewalld.service",
		     "/usr/lib/systemd/system/firewalld.service");
	h = harness_run(tree, "firewall", NULL);
	harness_expect(h, "firewall.active", GP_WARN);
	harness_expect_evidence(h, "firewall.active", "firewalld.service started");
	harness_expect_evidence(h, "firewall.active", "iptables.service started");
	/* firewalld's zone is open; the saved iptables set is not. */
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port", "zone public: open");
	harness_expect_evidence(h, "firewall.ssh_port",
				"/etc/sysconfig/iptables: closed");
	harness_free(h);
}

/* --- firewall.ssh_port: firewalld -------------------------------------- */

static void firewalld_stock_public_passes(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-firewalld"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_expect_evidence(h, "firewall.ssh_port",
				"/usr/lib/firewalld/zones/public.xml:5");
	harness_free(h);
}

static void firewalld_custom_zone_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-firewalld-custom-zone"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port",
				"zone webfront: closed: /etc/firewalld/zones/"
				"webfront.xml:2");
	/* The zone bound to eth1 is judged too. */
	harness_expect_evidence(h, "firewall.ssh_port", "zone backend: open");
	assert_true(harness_fixable(h, "firewall.ssh_port"));
	harness_free(h);
}

static void firewalld_drop_zone_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("rocky8-firewalld-drop"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port", "target DROP");
	harness_free(h);
}

static void firewalld_subnet_warns(void **state)
{
	static const char *const strict[] = { "firewall.restricted=fail",
					      NULL };
	struct harness *h = harness_run(FIXTURE("centos7-firewalld-subnet"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_expect_evidence(h, "firewall.ssh_port", "from 10.20.0.0/16");
	harness_free(h);
	expect(FIXTURE("centos7-firewalld-subnet"), "firewall.ssh_port",
	       GP_FAIL, strict);
}

/* A service overridden in /etc moves ssh to another port. */
static void firewalld_service_override_in_etc(void **state)
{
	char *tree = copy("centos7-firewalld");

	tree_write(tree, "etc/firewalld/services/ssh.xml",
		   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service>\n"
		   "  <port protocol=\"tcp\" port=\"2222\"/>\n</service>\n");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
}

/* A rich rule that rejects comes before the service that accepts. */
static void firewalld_rich_reject_first(void **state)
{
	char *tree = copy("centos7-firewalld");

	tree_write(tree, "etc/firewalld/zones/public.xml",
		   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<zone>\n"
		   "  <service name=\"ssh\"/>\n"
		   "  <rule family=\"ipv4\"><port port=\"22\" protocol=\"tcp\"/>"
		   "<reject/></rule>\n</zone>\n");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
	/* An IPv6-only rich rule does not touch IPv4. */
	tree_write(tree, "etc/firewalld/zones/public.xml",
		   "<zone>\n  <service name=\"ssh\"/>\n"
		   "  <rule family=\"ipv6\"><port port=\"22\" protocol=\"tcp\"/>"
		   "<drop/></rule>\n</zone>\n");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	/* target ACCEPT (the trusted zone) lets everything in. */
	tree_write(tree, "etc/firewalld/firewalld.conf", "DefaultZone=trusted\n");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

static void firewalld_broken_zones_warn(void **state)
{
	char *tree = copy("centos7-firewalld");
	struct harness *h;

	tree_write(tree, "etc/firewalld/zones/public.xml", "<zone><service");
	h = harness_run(tree, "firewall.ssh_port", NULL);
	harness_expect(h, "firewall.ssh_port", GP_WARN);
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	harness_free(h);
	tree_write(tree, "etc/firewalld/zones/public.xml",
		   "<service><port protocol=\"tcp\" port=\"22\"/></service>\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	tree_remove(tree, "etc/firewalld/zones/public.xml");
	tree_mkfifo(tree, "etc/firewalld/zones/public.xml");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	tree_remove(tree, "etc/firewalld/zones/public.xml");
	tree_write(tree, "etc/firewalld/firewalld.conf", "DefaultZone=nosuch\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	/* A zone name that climbs out of the directory is no zone. */
	tree_write(tree, "etc/firewalld/firewalld.conf",
		   "DefaultZone=../../../etc/passwd\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
}

/* A zone file that is a link out of the root is read inside it. */
static void firewalld_symlink_stays_in_root(void **state)
{
	char *tree = copy("centos7-firewalld");

	tree_write(tree, "srv/zone.xml",
		   "<zone target=\"DROP\"><short>x</short></zone>\n");
	tree_symlink(tree, "etc/firewalld/zones/public.xml",
		     "../../../../../../srv/zone.xml");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
}

/* ifcfg-eth0 with ZONE=drop: that zone decides for eth0. */
static void firewalld_ifcfg_zone(void **state)
{
	char *tree = copy("centos7-firewalld");
	struct harness *h;

	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-eth0",
		   "TYPE=Ethernet\nBOOTPROTO=dhcp\nNAME=eth0\nDEVICE=eth0\n"
		   "ONBOOT=yes\nZONE=drop\n");
	tree_write(tree, "etc/sysconfig/network-scripts/ifcfg-lo",
		   "DEVICE=lo\nZONE=trusted\n");
	h = harness_run(tree, "firewall.ssh_port", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port", "zone drop: closed");
	harness_expect_evidence(h, "firewall.ssh_port", "zone public: open");
	harness_free(h);
	h = harness_plan(tree, "firewall", NULL);
	assert_non_null(harness_planned(h, "/etc/firewalld/zones/drop.xml"));
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	harness_undo(tree, harness_no_commands);
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
}

/* A zone bound to a subnet that allows ssh: only from that subnet. */
static void firewalld_source_zone_restricts(void **state)
{
	char *tree = copy("rocky8-firewalld-drop");
	struct harness *h;

	tree_write(tree, "etc/firewalld/zones/trusted.xml",
		   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		   "<zone target=\"ACCEPT\">\n  <short>Trusted</short>\n"
		   "  <source address=\"10.8.0.0/16\"/>\n</zone>\n");
	h = harness_run(tree, "firewall.ssh_port", NULL);
	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_expect_evidence(h, "firewall.ssh_port",
				"zone trusted (only from 10.8.0.0/16)");
	harness_free(h);
	/* Direct rules are said not to be read. */
	tree_write(tree, "etc/firewalld/direct.xml",
		   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<direct/>\n");
	h = harness_run(tree, "firewall.ssh_port", NULL);
	harness_expect_evidence(h, "firewall.ssh_port",
				"direct rules are not evaluated");
	harness_free(h);
}

/* --- firewall.ssh_port: iptables, ufw, nftables, SuSEfirewall2, ferm -- */

static void iptables_reject_before_accept_fails(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos7-iptables-reject-first"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port",
				"/etc/sysconfig/iptables:12: -A INPUT -j REJECT");
	assert_true(harness_fixable(h, "firewall.ssh_port"));
	harness_free(h);
}

/* CentOS 6: upstart running the SysV start links. */
static void iptables_centos6_sysv(void **state)
{
	struct harness *h = harness_run(FIXTURE("centos6-iptables"), "firewall",
					NULL);

	harness_expect(h, "firewall.active", GP_WARN);
	harness_expect_evidence(h, "firewall.active", "rc3.d/S08iptables");
	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_expect_evidence(h, "firewall.ssh_port", "iptables:10:");
	harness_free(h);
}

static void iptables_stock_order_passes(void **state)
{
	char *tree = copy("centos7-iptables-reject-first");

	tree_write(tree, "etc/sysconfig/iptables",
		   "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
		   ":OUTPUT ACCEPT [0:0]\n"
		   "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
		   "-A INPUT -p icmp -j ACCEPT\n-A INPUT -i lo -j ACCEPT\n"
		   "-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 "
		   "-j ACCEPT\n"
		   "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
		   "COMMIT\n");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	/* Enabled without saved rules: the service loads nothing. */
	tree_remove(tree, "etc/sysconfig/iptables");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

static void iptables_hostile_files_warn(void **state)
{
	char *tree = copy("centos7-iptables-reject-first");
	char *path = tree_file(tree, "etc/sysconfig/iptables");
	FILE *f;

	tree_remove(tree, "etc/sysconfig/iptables");
	tree_mkfifo(tree, "etc/sysconfig/iptables");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	tree_remove(tree, "etc/sysconfig/iptables");
	/* Larger than anyone's rule set: refused, not read. */
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 8 << 20), 0);
	fclose(f);
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	tree_write(tree, "etc/sysconfig/iptables",
		   "*filter\n:INPUT DROP [0:0]\n:a - [0:0]\n:b - [0:0]\n"
		   "-A INPUT -j a\n-A a -j b\n-A b -j a\nCOMMIT\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	/* Only junk: no INPUT chain could be read. */
	tree_write(tree, "etc/sysconfig/iptables", "*filter\n\x7f" "ELF\x01\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	free(path);
}

static void persistent_subnet_warns(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian10-persistent-subnet"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_expect_evidence(h, "firewall.ssh_port", "192.168.10.0/24");
	harness_expect_evidence(h, "firewall.ssh_port", "rules.v4:15");
	harness_free(h);
}

static void ufw_cases(void **state)
{
	expect(FIXTURE("ubuntu1804-ufw-ssh"), "firewall.ssh_port", GP_PASS,
	       NULL);
	expect(FIXTURE("ubuntu1804-ufw-no-ssh"), "firewall.ssh_port", GP_FAIL,
	       NULL);
	expect(FIXTURE("ubuntu1804-ufw-deny-first"), "firewall.ssh_port",
	       GP_FAIL, NULL);
}

static void ufw_policy_decides(void **state)
{
	char *tree = copy("ubuntu1804-ufw-no-ssh");
	struct harness *h = harness_run(tree, "firewall.ssh_port", NULL);

	harness_expect_evidence(h, "firewall.ssh_port",
				"/etc/default/ufw:11: DEFAULT_INPUT_POLICY");
	harness_free(h);
	tree_write(tree, "etc/default/ufw", "DEFAULT_INPUT_POLICY=\"ACCEPT\"\n");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

static void nftables_cases(void **state)
{
	struct harness *h = harness_run(FIXTURE("debian11-nftables-drop"),
					"firewall.ssh_port", NULL);

	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	/* The rule that decides is in the included file. */
	harness_expect_evidence(h, "firewall.ssh_port",
				"/etc/nftables.d/10-filter.nft:13");
	harness_free(h);
	expect(FIXTURE("debian11-nftables-ssh"), "firewall.ssh_port", GP_PASS,
	       NULL);
}

/* RHEL's nftables.service loads /etc/sysconfig/nftables.conf. */
static void nftables_config_from_unit(void **state)
{
	char *tree = copy("debian11-nftables-ssh");

	tree_write(tree, "lib/systemd/system/nftables.service",
		   "[Service]\nExecStart=/sbin/nft -f /etc/sysconfig/nftables"
		   ".conf\n[Install]\nWantedBy=sysinit.target\n");
	tree_write(tree, "etc/sysconfig/nftables.conf",
		   NFT_IN("drop", "tcp dport 80 accept\n"));
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
}

static void nftables_hostile_files_warn(void **state)
{
	char *tree = copy("debian11-nftables-ssh");

	tree_remove(tree, "etc/nftables.conf");
	tree_mkfifo(tree, "etc/nftables.conf");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	tree_remove(tree, "etc/nftables.conf");
	tree_write(tree, "etc/nftables.conf", "\x7f" "ELF\x02\x01\x01 \"junk\n");
	expect(tree, "firewall.ssh_port", GP_WARN, NULL);
	/* A link that climbs out of the root stays inside it. */
	tree_remove(tree, "etc/nftables.conf");
	tree_write(tree, "srv/rules.nft", NFT_IN("drop", ""));
	tree_symlink(tree, "etc/nftables.conf", "../../../../../srv/rules.nft");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
	/* Not installed with a config: no rules, nothing filtered. */
	tree_remove(tree, "etc/nftables.conf");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

static void suse_cases(void **state)
{
	char *tree = copy("sles12-susefirewall2");
	struct harness *h;

	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	tree_write(tree, "etc/sysconfig/SuSEfirewall2",
		   "FW_SERVICES_EXT_TCP=\"http\"\nFW_CONFIGURATIONS_EXT=\"\"\n"
		   "FW_SERVICES_ACCEPT_EXT=\"172.16.0.0/12,tcp,22\"\n");
	h = harness_run(tree, "firewall.ssh_port", NULL);
	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_expect_evidence(h, "firewall.ssh_port", "172.16.0.0/12");
	harness_free(h);
	tree_write(tree, "etc/sysconfig/SuSEfirewall2",
		   "FW_SERVICES_EXT_TCP=\"22\"\n");
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	tree_write(tree, "etc/sysconfig/SuSEfirewall2", "FW_DEV_EXT=\"eth0\"\n");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);
}

/* Debian's ferm, enabled, with @ferm.conf as its configuration. */
static char *ferm_tree(const char *conf)
{
	char *tree = copy("debian12-none");

	tree_write(tree, "lib/systemd/system/ferm.service",
		   "[Unit]\nDescription=ferm firewall configuration\n"
		   "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
		   "ExecStart=/etc/init.d/ferm start\n"
		   "[Install]\nWantedBy=multi-user.target\n");
	tree_symlink(tree, "etc/systemd/system/multi-user.target.wants/"
			   "ferm.service", "/lib/systemd/system/ferm.service");
	tree_write(tree, "etc/ferm/ferm.conf", conf);
	return tree;
}

/* As Debian installs it: policy DROP, ssh allowed. */
#define FERM_DEBIAN                                                        \
	"# -*- shell-script -*-\n#\n#  Configuration file for ferm(1).\n"  \
	"#\n\ntable filter {\n    chain INPUT {\n        policy DROP;\n\n" \
	"        # connection tracking\n"                                    \
	"        mod state state INVALID DROP;\n"                            \
	"        mod state state (ESTABLISHED RELATED) ACCEPT;\n\n"          \
	"        # allow local packet\n        interface lo ACCEPT;\n\n"   \
	"        # respond to ping\n        proto icmp ACCEPT;\n\n"        \
	"        # allow IPsec\n        proto udp dport 500 ACCEPT;\n"      \
	"        proto (esp ah) ACCEPT;\n\n"                                \
	"        # allow SSH connections\n"                                  \
	"        proto tcp dport ssh ACCEPT;\n    }\n"                      \
	"    chain OUTPUT {\n        policy ACCEPT;\n    }\n"              \
	"    chain FORWARD {\n        policy DROP;\n    }\n}\n"

static void ferm_cases(void **state)
{
	struct harness *h;
	char *tree = ferm_tree(FERM_DEBIAN);

	h = harness_run(tree, "firewall", NULL);
	harness_expect(h, "firewall.active", GP_WARN);
	harness_expect(h, "firewall.ssh_port", GP_PASS);
	harness_expect_evidence(h, "firewall.ssh_port", "ferm.conf:25: proto tcp dport ssh ACCEPT");
	harness_free(h);

	/* A block with a source: only from there. */
	tree = ferm_tree("domain (ip ip6) table filter chain INPUT {\n"
			 "  policy DROP;\n"
			 "  saddr (10.0.0.0/8 192.168.0.0/16) proto tcp {\n"
			 "    dport (ssh 2222) ACCEPT;\n  }\n"
			 "  proto tcp dport (http https) ACCEPT;\n}\n");
	h = harness_run(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_expect_evidence(h, "firewall.ssh_port", "10.0.0.0/8");
	/* ferm's files are not edited: disabling it is the way. */
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	harness_free(h);

	/* @def variables, and an IPv6-only domain that does not count. */
	tree = ferm_tree("@def $SSH = (22);\n"
			 "domain ip6 chain INPUT policy ACCEPT;\n"
			 "chain INPUT { policy DROP; proto tcp dport $SSH "
			 "REJECT; }\n");
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);

	/* Unknown functions and garbage: reported; nothing decided by them. */
	tree = ferm_tree("@include 'ferm.d/';\n\"unterminated\n");
	h = harness_run(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_WARN);
	harness_free(h);
	tree = ferm_tree("@include 'ferm.d/';\nchain INPUT policy DROP;\n");
	h = harness_run(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	harness_expect_evidence(h, "firewall.ssh_port", "not understood");
	harness_free(h);
}

static void fix_disable_ferm(void **state)
{
	static const char *const set[] = { "firewall.fix_mode=disable", NULL };
	char *tree = ferm_tree(FERM_DEBIAN);
	struct harness *h = harness_plan(tree, "firewall", set);

	assert_non_null(harness_planned(h, "/etc/systemd/system/multi-user."
					   "target.wants/ferm.service"));
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, "firewall.active", GP_PASS, set);
	harness_undo(tree, harness_no_commands);
	expect(tree, "firewall.active", GP_WARN, set);
}

/* Another port in the profile: judged for that port. */
static void profile_port(void **state)
{
	static const char *const port2222[] = { "sshd.port=2222", NULL };
	static const char *const blocked_warn[] = { "firewall.blocked=warn",
						    NULL };

	expect(FIXTURE("centos7-firewalld"), "firewall.ssh_port", GP_FAIL,
	       port2222);
	expect(FIXTURE("debian11-nftables-ssh"), "firewall.ssh_port", GP_PASS,
	       port2222);
	expect(FIXTURE("rocky8-firewalld-drop"), "firewall.ssh_port", GP_WARN,
	       blocked_warn);
}

/* --- firewall.live ------------------------------------------------------- */

static void live_is_supporting_evidence(void **state)
{
	char *tree = copy("centos7-firewalld");
	struct harness *h;

	expect(tree, "firewall.live", GP_SKIP, NULL);
	tree_write(tree, "proc/net/ip_tables_names", "filter\nnat\n");
	h = harness_run_live(tree, "firewall.live");
	harness_expect(h, "firewall.live", GP_SKIP);
	harness_expect_evidence(h, "firewall.live",
				"/proc/net/ip_tables_names: iptables table "
				"loaded: filter");
	harness_free(h);
}

/* --- fixers: plan, journal, re-check, undo --------------------------- */

/*
 * Plan the fix for @fixture, check the plan touches @path, apply it,
 * check again (@id passes), plan again (nothing), undo, and compare.
 */
static void fix_round_trip(const char *fixture, const char *const *set,
			   const char *path, const char *id,
			   enum gp_status before)
{
	char *name = strprintf("firewall/%s", fixture);
	char *tree = tree_kept(tree_copy(name));
	struct harness *h = harness_plan(tree, "firewall", set);

	harness_expect(h, id, before);
	if (!harness_planned(h, path))
		fail_msg("%s: no change of %s planned (%zu changes)", fixture,
			 path, h->plan.n_changes);
	harness_apply(h, harness_no_commands);
	harness_free(h);

	h = harness_plan(tree, "firewall", set);
	harness_expect(h, id, GP_PASS);
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);

	harness_undo(tree, harness_no_commands);
	tree_expect_fixture(tree, name);
	h = harness_run(tree, "firewall", set);
	harness_expect(h, id, before);
	harness_free(h);
	free(name);
}

static void fix_firewalld_custom_zone(void **state)
{
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("centos7-firewalld-custom-zone", NULL,
		       "/etc/firewalld/zones/webfront.xml", "firewall.ssh_port",
		       GP_FAIL);
	h = harness_plan(FIXTURE("centos7-firewalld-custom-zone"), "firewall",
			 NULL);
	c = harness_planned(h, "/etc/firewalld/zones/webfront.xml");
	assert_non_null(c);
	assert_non_null(strstr(c->data, "  <service name=\"ssh\"/>\n</zone>"));
	/* The zone that was open is left alone. */
	assert_int_equal(h->plan.n_changes, 1);
	harness_free(h);
}

/* The zone exists only in /usr/lib: a copy with ssh goes to /etc. */
static void fix_firewalld_copies_zone(void **state)
{
	fix_round_trip("rocky8-firewalld-drop", NULL,
		       "/etc/firewalld/zones/drop.xml", "firewall.ssh_port",
		       GP_FAIL);
}

static void fix_firewalld_subnet(void **state)
{
	fix_round_trip("centos7-firewalld-subnet", NULL,
		       "/etc/firewalld/zones/public.xml", "firewall.ssh_port",
		       GP_WARN);
}

/* Without /etc/firewalld/zones the copy has nowhere to go. */
static void fix_firewalld_without_etc_zones(void **state)
{
	char *tree = copy("rocky8-firewalld-drop");
	struct harness *h;

	tree_remove(tree, "etc/firewalld/zones/.gitkeep");
	tree_remove(tree, "etc/firewalld/zones");
	h = harness_plan(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* The rule goes before the REJECT, nowhere else. */
static void fix_iptables_before_reject(void **state)
{
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("centos7-iptables-reject-first", NULL,
		       "/etc/sysconfig/iptables", "firewall.ssh_port", GP_FAIL);
	h = harness_plan(FIXTURE("centos7-iptables-reject-first"), "firewall",
			 NULL);
	c = harness_planned(h, "/etc/sysconfig/iptables");
	assert_non_null(c);
	assert_non_null(strstr(c->data,
			       "--dport 80 -j ACCEPT\n-A INPUT -p tcp -m state "
			       "--state NEW -m tcp --dport 22 -j ACCEPT\n"
			       "-A INPUT -j REJECT"));
	/* One line added, nothing else touched. */
	assert_int_equal(c->len, c->old_len +
				 strlen("-A INPUT -p tcp -m state --state NEW "
					"-m tcp --dport 22 -j ACCEPT\n"));
	harness_free(h);
}

static void fix_persistent_subnet(void **state)
{
	fix_round_trip("debian10-persistent-subnet", NULL,
		       "/etc/iptables/rules.v4", "firewall.ssh_port", GP_WARN);
}

/* Policy decides and INPUT has no rule: the rule goes before COMMIT. */
static void fix_iptables_empty_input(void **state)
{
	char *tree = copy("centos7-iptables-reject-first");
	struct harness *h;
	const struct gp_change *c;

	tree_write(tree, "etc/sysconfig/iptables",
		   "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n"
		   ":OUTPUT ACCEPT [0:0]\nCOMMIT\n");
	h = harness_plan(tree, "firewall", NULL);
	c = harness_planned(h, "/etc/sysconfig/iptables");
	assert_non_null(c);
	assert_non_null(strstr(c->data, ":OUTPUT ACCEPT [0:0]\n-A INPUT -p "
					"tcp -m state --state NEW -m tcp "
					"--dport 22 -j ACCEPT\nCOMMIT\n"));
	harness_free(h);
}

static void fix_ufw_policy(void **state)
{
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("ubuntu1804-ufw-no-ssh", NULL, "/etc/ufw/user.rules",
		       "firewall.ssh_port", GP_FAIL);
	h = harness_plan(FIXTURE("ubuntu1804-ufw-no-ssh"), "firewall", NULL);
	c = harness_planned(h, "/etc/ufw/user.rules");
	assert_non_null(strstr(c->data,
			       "### tuple ### allow tcp 22 0.0.0.0/0 any "
			       "0.0.0.0/0 in\n-A ufw-user-input -p tcp "
			       "--dport 22 -j ACCEPT\n\n### END RULES ###"));
	c = harness_planned(h, "/etc/ufw/user6.rules");
	assert_non_null(c);
	assert_non_null(strstr(c->data, "### tuple ### allow tcp 22 ::/0 any "
					"::/0 in\n-A ufw6-user-input -p tcp "
					"--dport 22 -j ACCEPT\n"));
	harness_free(h);
}

/* The allow goes above the deny, with its tuple comment. */
static void fix_ufw_deny_first(void **state)
{
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("ubuntu1804-ufw-deny-first", NULL, "/etc/ufw/user.rules",
		       "firewall.ssh_port", GP_FAIL);
	h = harness_plan(FIXTURE("ubuntu1804-ufw-deny-first"), "firewall",
			 NULL);
	c = harness_planned(h, "/etc/ufw/user.rules");
	assert_non_null(strstr(c->data,
			       "-j ACCEPT\n\n### tuple ### deny tcp 22"));
	harness_free(h);
}

static void fix_nftables(void **state)
{
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("debian11-nftables-drop", NULL,
		       "/etc/nftables.d/10-filter.nft", "firewall.ssh_port",
		       GP_FAIL);
	h = harness_plan(FIXTURE("debian11-nftables-drop"), "firewall", NULL);
	c = harness_planned(h, "/etc/nftables.d/10-filter.nft");
	assert_non_null(strstr(c->data, "\t\tjump services\n\t\ttcp dport 22 "
					"accept\n\t\treject with"));
	harness_free(h);
}

/* One-line chains and policy drop: before the closing brace. */
static void fix_nftables_one_line(void **state)
{
	char *tree = copy("debian11-nftables-ssh");
	struct harness *h;

	tree_write(tree, "etc/nftables.conf",
		   "table ip f { chain i { type filter hook input priority 0; "
		   "policy drop; } }\n");
	h = harness_plan(tree, "firewall", NULL);
	assert_non_null(harness_planned(h, "/etc/nftables.conf"));
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	tree_write(tree, "etc/nftables.conf",
		   "table inet f {\n\tchain i {\n\t\ttype filter hook input "
		   "priority 0; policy drop;\n\t}\n}\n");
	h = harness_plan(tree, "firewall", NULL);
	assert_non_null(harness_planned(h, "/etc/nftables.conf"));
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
}

static void fix_suse(void **state)
{
	char *tree = copy("sles12-susefirewall2");
	struct harness *h;
	const struct gp_change *c;

	tree_write(tree, "etc/sysconfig/SuSEfirewall2",
		   "## Type: string\nFW_SERVICES_EXT_TCP=\"http https\"\n"
		   "FW_CONFIGURATIONS_EXT=\"\"\n");
	h = harness_plan(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	c = harness_planned(h, "/etc/sysconfig/SuSEfirewall2");
	assert_non_null(c);
	assert_string_equal(c->data, "## Type: string\nFW_SERVICES_EXT_TCP="
				     "\"http https 22\"\nFW_CONFIGURATIONS_EXT"
				     "=\"\"\n");
	harness_apply(h, harness_no_commands);
	harness_free(h);
	expect(tree, "firewall.ssh_port", GP_PASS, NULL);
	harness_undo(tree, harness_no_commands);
	expect(tree, "firewall.ssh_port", GP_FAIL, NULL);

	/* A value over two lines is not rewritten. */
	tree_write(tree, "etc/sysconfig/SuSEfirewall2",
		   "FW_SERVICES_EXT_TCP=\"http\n https\"\n");
	h = harness_plan(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
	/* No FW_SERVICES_EXT_TCP at all: one is added. */
	tree_write(tree, "etc/sysconfig/SuSEfirewall2", "FW_DEV_EXT=\"eth0\"");
	h = harness_plan(tree, "firewall", NULL);
	c = harness_planned(h, "/etc/sysconfig/SuSEfirewall2");
	assert_non_null(c);
	assert_string_equal(c->data, "FW_DEV_EXT=\"eth0\"\n"
				     "FW_SERVICES_EXT_TCP=\"22\"\n");
	harness_free(h);
}

/* A deny the fixer's rule cannot get ahead of: nothing is planned. */
static void fix_refuses_what_would_not_open(void **state)
{
	char *tree = copy("centos7-firewalld");
	struct harness *h;

	tree_write(tree, "etc/firewalld/zones/public.xml",
		   "<zone>\n  <rule><port port=\"22\" protocol=\"tcp\"/><drop/>"
		   "</rule>\n</zone>\n");
	h = harness_plan(tree, "firewall", NULL);
	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

/* firewall.fix_mode = disable: the service stops starting. */
static void fix_disable_firewalld(void **state)
{
	static const char *const set[] = { "firewall.fix_mode=disable", NULL };
	struct harness *h = harness_plan(FIXTURE("centos7-firewalld"),
					 "firewall", set);
	const struct gp_change *c;

	assert_true(harness_fixable(h, "firewall.active"));
	c = harness_planned(h, "/etc/systemd/system/multi-user.target.wants/"
			       "firewalld.service");
	assert_non_null(c);
	assert_int_equal(c->kind, GP_CHANGE_REMOVE);
	assert_non_null(harness_planned(h, "/etc/systemd/system/dbus-org."
					   "fedoraproject.FirewallD1.service"));
	assert_int_equal(h->plan.n_changes, 2);
	harness_free(h);
	fix_round_trip("centos7-firewalld", set,
		       "/etc/systemd/system/multi-user.target.wants/"
		       "firewalld.service", "firewall.active", GP_WARN);
	/* Closed and disabled: both checks, one plan. */
	fix_round_trip("rocky8-firewalld-drop", set,
		       "/etc/systemd/system/multi-user.target.wants/"
		       "firewalld.service", "firewall.ssh_port", GP_FAIL);
}

static void fix_disable_ufw(void **state)
{
	static const char *const set[] = { "firewall.fix_mode=disable", NULL };
	struct harness *h;
	const struct gp_change *c;

	fix_round_trip("ubuntu1804-ufw-no-ssh", set, "/etc/ufw/ufw.conf",
		       "firewall.ssh_port", GP_FAIL);
	h = harness_plan(FIXTURE("ubuntu1804-ufw-no-ssh"), "firewall", set);
	c = harness_planned(h, "/etc/ufw/ufw.conf");
	assert_non_null(strstr(c->data, "\nENABLED=no\n"));
	assert_int_equal(c->len, c->old_len - 1);
	assert_int_equal(h->plan.n_changes, 1);
	harness_free(h);
}

/* A fix_mode that is neither open nor disable plans nothing. */
static void fix_mode_unknown(void **state)
{
	static const char *const set[] = { "firewall.fix_mode=banana", NULL };
	struct harness *h = harness_plan(FIXTURE("ubuntu1804-ufw-no-ssh"),
					 "firewall", set);

	harness_expect(h, "firewall.ssh_port", GP_FAIL);
	assert_false(harness_fixable(h, "firewall.ssh_port"));
	assert_int_equal(h->plan.n_changes, 0);
	harness_free(h);
}

static void fix_disable_sysv(void **state)
{
	static const char *const set[] = { "firewall.fix_mode=disable", NULL };

	fix_round_trip("centos6-iptables", set, "/etc/rc.d/rc3.d/S08iptables",
		       "firewall.active", GP_WARN);
}

#define TEST(fn) cmocka_unit_test_teardown(fn, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(eval_policy),
		TEST(eval_matches),
		TEST(eval_order),
		TEST(eval_chains),
		TEST(eval_loop_is_an_error),
		TEST(eval_garbage_is_a_problem),
		TEST(eval_ports),
		TEST(nft_rules),
		TEST(nft_garbage),
		TEST(active_none_passes),
		TEST(active_disabled_firewalld_passes),
		TEST(active_firewalld_warns),
		TEST(active_ufw_disabled_stale_rules_pass),
		TEST(active_ufw_service_disabled_passes),
		TEST(active_several),
		TEST(firewalld_stock_public_passes),
		TEST(firewalld_custom_zone_fails),
		TEST(firewalld_drop_zone_fails),
		TEST(firewalld_subnet_warns),
		TEST(firewalld_service_override_in_etc),
		TEST(firewalld_rich_reject_first),
		TEST(firewalld_broken_zones_warn),
		TEST(firewalld_symlink_stays_in_root),
		TEST(firewalld_source_zone_restricts),
		TEST(firewalld_ifcfg_zone),
		TEST(iptables_reject_before_accept_fails),
		TEST(iptables_centos6_sysv),
		TEST(iptables_stock_order_passes),
		TEST(iptables_hostile_files_warn),
		TEST(persistent_subnet_warns),
		TEST(ufw_cases),
		TEST(ufw_policy_decides),
		TEST(nftables_cases),
		TEST(nftables_config_from_unit),
		TEST(nftables_hostile_files_warn),
		TEST(suse_cases),
		TEST(ferm_cases),
		TEST(profile_port),
		TEST(live_is_supporting_evidence),
		TEST(fix_firewalld_custom_zone),
		TEST(fix_firewalld_copies_zone),
		TEST(fix_firewalld_subnet),
		TEST(fix_firewalld_without_etc_zones),
		TEST(fix_iptables_before_reject),
		TEST(fix_persistent_subnet),
		TEST(fix_iptables_empty_input),
		TEST(fix_ufw_policy),
		TEST(fix_ufw_deny_first),
		TEST(fix_nftables),
		TEST(fix_nftables_one_line),
		TEST(fix_suse),
		TEST(fix_refuses_what_would_not_open),
		TEST(fix_disable_firewalld),
		TEST(fix_disable_ufw),
		TEST(fix_disable_ferm),
		TEST(fix_disable_sysv),
		TEST(fix_mode_unknown),
	};

	return cmocka_run_group_tests_name("firewall", tests, NULL, NULL);
}
