/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Windows registry, one interface for the Windows plugins whatever
 * it is read from:
 *   - offline, on Linux: the hive files of a mounted Windows volume
 *     (Windows/System32/config/SOFTWARE and SYSTEM, found whatever the
 *     case of the path), read through hivex, inside the root;
 *   - live, in guestprep.exe: the Win32 registry API.
 *
 * A key is named from its hive down, backslash separated, as regedit
 * shows it without "HKEY_LOCAL_MACHINE\": "SOFTWARE\Microsoft\Windows
 * NT\CurrentVersion", "SYSTEM\CurrentControlSet\Services\viostor".
 * Offline, "CurrentControlSet" is resolved the way Windows resolves it
 * at boot: SYSTEM\Select\Current names ControlSet00N.  Key and value
 * names compare case-insensitively; "" is a key's default value.
 *
 * Strings come back as UTF-8 (hives hold UTF-16LE).  A hive that cannot
 * be parsed, a cycle or a value larger than GP_WINREG_MAX_VALUE is an
 * error, never a crash.  Errors:
 *   -ENOENT       no such hive, key or value;
 *   -EMEDIUMTYPE  the value exists with another type;
 *   -EBADMSG      the hive is damaged (or the data does not decode);
 *   -EFBIG        the value is too large;
 *   -ENOMEM, -EACCES...
 */
#ifndef GUESTPREP_WINREG_H
#define GUESTPREP_WINREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guestprep/root.h"

#define GP_WINREG_MAX_VALUE (1u << 20)

/* The value types of winnt.h that the checks meet. */
enum gp_winreg_type {
	GP_REG_NONE = 0,
	GP_REG_SZ = 1,
	GP_REG_EXPAND_SZ = 2,
	GP_REG_BINARY = 3,
	GP_REG_DWORD = 4,
	GP_REG_DWORD_BIG_ENDIAN = 5,
	GP_REG_LINK = 6,
	GP_REG_MULTI_SZ = 7,
	GP_REG_QWORD = 11,
};

struct gp_winreg;

/*
 * Open the registry of the system at @root (offline) or of this system
 * (live, on Windows).  Hives are opened when first used.  -ENOENT when
 * the tree has no registry at all.
 */
int gp_winreg_open(const struct gp_root *root, struct gp_winreg **ret);
void gp_winreg_close(struct gp_winreg *reg);

/* Whether @key exists (false on any error). */
bool gp_winreg_key_exists(struct gp_winreg *reg, const char *key);

/* REG_SZ or REG_EXPAND_SZ (unexpanded), as UTF-8. */
int gp_winreg_get_string(struct gp_winreg *reg, const char *key,
			 const char *value, char **ret);

/* REG_DWORD (and REG_DWORD_BIG_ENDIAN). */
int gp_winreg_get_dword(struct gp_winreg *reg, const char *key,
			const char *value, uint32_t *ret);

/* REG_MULTI_SZ, as a NULL-terminated strv (see strv.h). */
int gp_winreg_get_multi(struct gp_winreg *reg, const char *key,
			const char *value, char ***ret);

/* The names of @key's subkeys, or of its values, as a strv. */
int gp_winreg_subkeys(struct gp_winreg *reg, const char *key, char ***ret);
int gp_winreg_values(struct gp_winreg *reg, const char *key, char ***ret);

/*
 * Where @key is read from, for evidence: the hive file inside the root
 * ("/Windows/System32/config/SYSTEM") offline, "HKLM" live.  With the
 * control set resolved: "SYSTEM\ControlSet001\Services\viostor".
 * Never NULL; valid until the registry is closed.
 */
const char *gp_winreg_source(struct gp_winreg *reg, const char *key);
int gp_winreg_resolve(struct gp_winreg *reg, const char *key, char **ret);

/*
 * Fix mode (offline): plan setting the REG_DWORD @value of @key to
 * @data, creating the value when it is missing (a missing key is
 * -ENOENT).  The hive is edited in memory and the whole new hive file is
 * planned with gp_plan_write(), so the journal keeps the original and
 * `guestprep undo` restores it byte for byte.  Changes of one hive by
 * several fixers build on each other.  Nothing is planned when the value
 * already holds @data.  @why is one line for the plan (see fix.h).
 */
struct gp_ctx;
int gp_winreg_plan_set_dword(struct gp_ctx *ctx, struct gp_winreg *reg,
			     const char *key, const char *value,
			     uint32_t data, const char *why);
/* The same for a REG_SZ, from UTF-8 (invalid sequences become U+FFFD). */
int gp_winreg_plan_set_string(struct gp_ctx *ctx, struct gp_winreg *reg,
			      const char *key, const char *value,
			      const char *utf8, const char *why);

/*
 * For the checks (the registry of the run is gp_ctx_winreg(), plugin.h).
 *
 * gp_winreg_need: the registry with a readable @hive ("SYSTEM",
 * "SOFTWARE"), or NULL after an error finding for @id that says why
 * not (no hive, a damaged one, a build without hivex), so that a value
 * in a hive that cannot be read never looks like a value not set.
 *
 * gp_winreg_emit_unreadable: that error finding, for @key and the
 * error @r a read of it returned (@reg may be NULL).
 */
struct gp_ctx;
struct gp_winreg *gp_winreg_need(struct gp_ctx *ctx, const char *id,
				 const char *hive);
void gp_winreg_emit_unreadable(struct gp_ctx *ctx, const char *id,
			       struct gp_winreg *reg, const char *key, int r);

#endif
