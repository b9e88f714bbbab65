/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Package databases: whether the distribution's package manager lists a
 * package, read from the tree alone (no dpkg or rpm is run, so it
 * answers the same live and offline).
 *
 * dpkg: /var/lib/dpkg/status is read as dpkg writes it (deb822
 * paragraphs of "Field: value" lines, continuation lines starting with a
 * blank, field names in any case).  Lines that fit none of that are
 * counted, never fatal; a file that cannot be read is recorded in the
 * entry, not returned as an error, so a check can report it.
 *
 * rpm: no library that reads rpm databases (Berkeley DB, SQLite, ndb) is
 * linked in, so the lookup is a heuristic on the files' bytes, not a
 * query (see gp_rpmdb_lookup()).
 *
 * The structs own their strings; the *_done() functions free them and
 * accept a zeroed struct.
 */
#ifndef GUESTPREP_PKGDB_H
#define GUESTPREP_PKGDB_H

#include <stdbool.h>
#include "guestprep/root.h"

#define GP_DPKG_STATUS "/var/lib/dpkg/status"

/* The third word of a Status line ("want flag state"), judged. */
enum gp_dpkg_state {
	GP_DPKG_ABSENT,		/* no paragraph names the package */
	GP_DPKG_INSTALLED,	/* installed, triggers-awaited/-pending */
	GP_DPKG_PARTIAL,	/* unpacked, half-installed, half-configured:
				 * files on disk, not (fully) configured */
	GP_DPKG_REMOVED,	/* config-files, not-installed: at most its
				 * configuration files are left */
	GP_DPKG_UNKNOWN,	/* no Status, or one dpkg would not write */
};

struct gp_dpkg_entry {
	/*
	 * The package's paragraph.  With several (multiarch), the most
	 * present one: installed, then partial, then unknown, then
	 * removed; the first of equals.
	 */
	enum gp_dpkg_state state;
	char *status;		/* its Status value, NULL when it has none */
	char *version;		/* its Version value, or NULL */
	unsigned line;		/* the line of its Package field */

	/* The database as a whole. */
	int error;		/* could not be read: -errno (-ENOENT: none) */
	unsigned paragraphs;	/* paragraphs that name a package */
	unsigned bad_lines;	/* lines that are not deb822 */
	unsigned first_bad_line;
};

/*
 * Look @package up in the tree's dpkg status database.  0 and *ret
 * filled in (a missing or unreadable database is ret->error; free it
 * with gp_dpkg_entry_done()), or -ENOMEM.
 */
int gp_dpkg_lookup(const struct gp_root *root, const char *package,
		   struct gp_dpkg_entry *ret);
void gp_dpkg_entry_done(struct gp_dpkg_entry *e);

/* Installed or partly installed: the package's files are on disk. */
bool gp_dpkg_on_disk(enum gp_dpkg_state state);

/*
 * The database is there but tells nothing: it cannot be read (other
 * than missing), or no line of it is a paragraph naming a package.
 */
bool gp_dpkg_unreadable(const struct gp_dpkg_entry *e);

/* How much of an rpm database file gp_rpmdb_lookup() reads at most. */
#define GP_RPMDB_SCAN_MAX (256ull << 20)

struct gp_rpmdb_file {
	char *path;		/* as the tree names it */
	int error;		/* could not be read: -errno, else 0 */
	bool found;		/* it holds the name */
	bool partial;		/* only GP_RPMDB_SCAN_MAX bytes were read */
};

struct gp_rpmdb {
	bool found;		/* some file holds the name */
	/* The database files looked at, in order, each once however many
	 * links lead to it; the last one holds the name when found. */
	struct gp_rpmdb_file *files;
	size_t n_files;
};

/*
 * Whether an rpm database of the tree (/var/lib/rpm, then
 * /usr/lib/sysimage/rpm: Packages, rpmdb.sqlite, Packages.db) holds
 * @name.  rpm stores each package's header in the database, and a
 * header's strings (the name among them) are NUL-terminated: the name
 * counts when it stands alone, not preceded by a name character
 * ("foo-NAME") and followed by its NUL ("NAME-debuginfo" does not
 * count).  Pages freed by an erase may still hold an old header and
 * another package may require the name, so a match is a hint that wants
 * corroboration (the package's files), not proof.
 *
 * 0 and *ret filled in (files that cannot be read are recorded in it),
 * or -ENOMEM.  Free with gp_rpmdb_done().
 */
int gp_rpmdb_lookup(const struct gp_root *root, const char *name,
		    struct gp_rpmdb *ret);
void gp_rpmdb_done(struct gp_rpmdb *db);

#endif
