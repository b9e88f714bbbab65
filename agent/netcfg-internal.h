/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the network configuration readers (agent/netcfg-*.c). */
#ifndef GUESTPREP_NETCFG_INTERNAL_H
#define GUESTPREP_NETCFG_INTERNAL_H

#include <stdbool.h>
#include "guestprep/netcfg.h"
#include "guestprep/root.h"

/* No network configuration file is this large; larger ones are refused. */
#define NETCFG_MAX_FILE (1u << 20)
/* Files per directory, and nesting of source lines, read at most. */
#define NETCFG_MAX_FILES 256
#define NETCFG_MAX_DEPTH 8

/*
 * The names in @dir that end with @suffix (NULL: any) and do not start
 * with '.', sorted; regular files only.  A missing directory is an empty
 * list; *ret is NULL-terminated (caller frees with strv_free()).
 */
int netcfg_list_dir(const struct gp_root *root, const char *dir,
		    const char *suffix, char ***ret);

/*
 * Read @path for a reader: 0 and the text, 1 when it is missing, or a
 * problem recorded (1 too); -ENOMEM.
 */
int netcfg_read(const struct gp_root *root, struct gp_netcfg *cfg,
		const char *path, char **ret, size_t *ret_len);

/* Whether @s is a word of booleans as configuration files spell it. */
bool netcfg_true(const char *s);
bool netcfg_false(const char *s);

/* Append "a.b.c.d/NN" (or anything else) to iface->addresses. */
int netcfg_add_address(struct gp_net_iface *iface, const char *addr);
/* The prefix length of a dotted netmask ("255.255.255.0": 24), or 0. */
unsigned netcfg_mask_bits(const char *mask);
/* Whether @addr (with or without /NN) is an IPv6 address. */
bool netcfg_is_ipv6(const char *addr);

#endif
