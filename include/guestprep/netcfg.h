/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network configuration: what each tool that brings interfaces up at
 * boot is told to do, read from the tree, in one model.
 *
 * Every format has its own reader (agent/netcfg-*.c): RHEL-family and
 * SUSE ifcfg files, Debian's /etc/network/interfaces with its source
 * lines, netplan YAML, NetworkManager keyfiles and systemd-networkd
 * .network files.  A reader adds one struct gp_net_iface per interface
 * a file configures, with the file and line that say so; it never
 * decides which tool is in charge (the network plugin does, from the
 * services enabled at boot).  What a file holds that cannot be read
 * becomes a problem line ("FILE:LINE: what"), never an error return.
 *
 * The fixer side turns one interface's configuration into DHCP without
 * MAC pinning as a small text edit of its own file (comments and
 * unrelated settings stay byte for byte), so that `--dry-run` shows a
 * short diff and undo is exact.
 *
 * Functions return 0 or a negative errno (-ENOMEM, in practice); the
 * model owns all its strings (gp_netcfg_done()).
 */
#ifndef GUESTPREP_NETCFG_H
#define GUESTPREP_NETCFG_H

#include <stdbool.h>
#include <stddef.h>

struct gp_root;

enum gp_net_source {
	GP_NET_IFCFG_RH,	/* /etc/sysconfig/network-scripts/ifcfg-* */
	GP_NET_IFCFG_SUSE,	/* /etc/sysconfig/network/ifcfg-* (wicked) */
	GP_NET_IFUPDOWN,	/* /etc/network/interfaces and sources */
	GP_NET_NETPLAN,		/* /etc/netplan/ *.yaml (and /run, /lib) */
	GP_NET_NM,		/* NetworkManager keyfiles */
	GP_NET_NETWORKD,	/* systemd-networkd .network files */
	GP_NET_SOURCE_MAX,
};

/* IPv4 method. */
enum gp_net_method {
	GP_NET_UNSET,		/* the file does not say */
	GP_NET_DHCP,
	GP_NET_STATIC,
	GP_NET_MANUAL,		/* up, without an address (a port, "manual") */
	GP_NET_DISABLED,	/* explicitly no IPv4 */
	GP_NET_OTHER,		/* ppp, link-local, "shared", ... */
};

enum gp_net_kind {
	GP_NET_ETHERNET,	/* or unknown: taken as a NIC */
	GP_NET_LOOPBACK,
	GP_NET_BRIDGE,		/* Linux or Open vSwitch bridge */
	GP_NET_BOND,
	GP_NET_VLAN,
	GP_NET_PORT,		/* enslaved to a bridge or bond */
	GP_NET_VIRTUAL,		/* tunnels, wifi, dummies, ... */
};

struct gp_net_iface {
	enum gp_net_source source;
	char *path;		/* the file that configures it */
	unsigned line;		/* where (the stanza or the file's start) */
	char *name;		/* kernel name; NULL when matched by MAC only */
	char *id;		/* netplan id, NM connection id, file stem */
	enum gp_net_kind kind;
	bool ovs;		/* Open vSwitch (ifcfg DEVICETYPE=ovs, netplan) */
	char *master;		/* bridge or bond it is a port of */
	bool onboot;		/* brought up at boot */

	enum gp_net_method method4;
	char *method_text;	/* "BOOTPROTO=static", for evidence */
	unsigned method_line;
	char **addresses;	/* "a.b.c.d/NN", IPv4 and IPv6 as written */
	char *gateway;		/* IPv4 default gateway */

	char *mac_match;	/* only the device with this MAC matches */
	char *mac_set;		/* the MAC it sets on the device */
	char *mac_text;		/* "HWADDR=...": the line, for evidence */
	unsigned mac_line;

	bool ipv6;		/* static IPv6 addresses or DHCPv6 */
	bool ipv6_auto;		/* autoconfiguration asked for explicitly */
	char *ipv6_text;	/* what says so, for evidence */

	char *renderer;		/* netplan: "networkd", "NetworkManager" */
	bool editable;		/* the fixer can edit it (not flow YAML...) */
};

struct gp_netcfg {
	struct gp_net_iface *ifaces;
	size_t n_ifaces;
	char **files;		/* every file read, NULL-terminated */
	char **problems;	/* "FILE:LINE: what", NULL-terminated */
	/* NetworkManager.conf: [main] no-auto-default=* (config-server). */
	bool nm_no_auto_default;
	char *nm_no_auto_default_text;
	/* NetworkManager.conf [main] plugins= lists ifcfg-rh (or ifupdown). */
	char *nm_plugins;
};

const char *gp_net_source_name(enum gp_net_source source);
const char *gp_net_method_name(enum gp_net_method method);

/* Read every format the tree holds into @cfg (zeroed by the caller). */
int gp_netcfg_load(const struct gp_root *root, struct gp_netcfg *cfg);
void gp_netcfg_done(struct gp_netcfg *cfg);

/* One reader per format family; each appends to @cfg. */
int gp_netcfg_read_ifcfg(const struct gp_root *root, struct gp_netcfg *cfg);
int gp_netcfg_read_ifupdown(const struct gp_root *root, struct gp_netcfg *cfg);
int gp_netcfg_read_netplan(const struct gp_root *root, struct gp_netcfg *cfg);
int gp_netcfg_read_nm(const struct gp_root *root, struct gp_netcfg *cfg);
int gp_netcfg_read_networkd(const struct gp_root *root,
			    struct gp_netcfg *cfg);

/* For the readers: a new interface at the end of @cfg, or NULL. */
struct gp_net_iface *gp_netcfg_add(struct gp_netcfg *cfg,
				   enum gp_net_source source, const char *path,
				   unsigned line);
int gp_netcfg_problem(struct gp_netcfg *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int gp_netcfg_file(struct gp_netcfg *cfg, const char *path);
/* Replace *@field with a copy of @value (NULL clears it). */
int gp_net_set(char **field, const char *value);

/*
 * A file rewritten for the fixer: the path and its new content.  The
 * list owns the strings.
 */
struct gp_net_rewrite {
	char *path;
	char *data;
	size_t len;
};

struct gp_net_rewrites {
	struct gp_net_rewrite *items;
	size_t n;
};

void gp_net_rewrites_done(struct gp_net_rewrites *rw);
/* Take @data (malloc'ed, @len bytes) for @path; frees it on failure. */
int gp_net_rewrites_add(struct gp_net_rewrites *rw, const char *path,
			char *data, size_t len);

/*
 * Plan the rewrite that makes @iface (found by gp_netcfg_load() in
 * @cfg) use DHCP for IPv4 with no address, gateway or MAC pinning, in
 * its own format.  The files to write are appended to @rw; files that
 * would not change are not.  -EOPNOTSUPP when the format or this file's
 * layout cannot be edited safely.
 */
int gp_netcfg_to_dhcp(const struct gp_root *root, const struct gp_netcfg *cfg,
		      const struct gp_net_iface *iface,
		      struct gp_net_rewrites *rw);

int gp_netcfg_fix_ifcfg(const struct gp_root *root,
			const struct gp_netcfg *cfg,
			const struct gp_net_iface *iface,
			struct gp_net_rewrites *rw);
int gp_netcfg_fix_ifupdown(const struct gp_root *root,
			   const struct gp_net_iface *iface,
			   struct gp_net_rewrites *rw);
int gp_netcfg_fix_netplan(const struct gp_root *root,
			  const struct gp_netcfg *cfg,
			  const struct gp_net_iface *iface,
			  struct gp_net_rewrites *rw);
int gp_netcfg_fix_ini(const struct gp_root *root,
		      const struct gp_net_iface *iface,
		      struct gp_net_rewrites *rw);

/*
 * Line edits, for the fixers: lines are numbered from 1; an insertion
 * "after" line 0 goes first, after the last line is appended.  Edits
 * are applied in one pass; several edits of one line apply in order.
 */
enum gp_edit_op {
	GP_EDIT_DELETE,
	GP_EDIT_REPLACE,	/* the line's text, without its newline */
	GP_EDIT_INSERT,		/* a new line after @line */
};

struct gp_edit {
	enum gp_edit_op op;
	unsigned line;
	char *text;
};

struct gp_edits {
	struct gp_edit *items;
	size_t n;
};

int gp_edits_add(struct gp_edits *e, enum gp_edit_op op, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void gp_edits_done(struct gp_edits *e);
/* @text with @e applied: a new buffer, *ret_len bytes. */
int gp_edits_apply(const struct gp_edits *e, const char *text, size_t len,
		   char **ret, size_t *ret_len);
/*
 * Apply @e to @text (@len bytes, what @path holds) and add the result to
 * @rw as the new content of @path, unless it is @text again (then
 * nothing is added: a file that would not change is not rewritten).
 */
int gp_edits_rewrite(const struct gp_edits *e, const char *path,
		     const char *text, size_t len, struct gp_net_rewrites *rw);

#endif
