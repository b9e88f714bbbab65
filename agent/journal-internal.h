/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the fix journal (journal.h): what the portable part
 * (journal-record.c: the record format, reading runs back, undo's
 * order, history, and the registry changes of guestprep.exe) shares
 * with the platform's file side (journal.c with openat, flock and
 * extended attributes on Linux; journal-win32.c for guestprep.exe).
 */
#ifndef GUESTPREP_JOURNAL_INTERNAL_H
#define GUESTPREP_JOURNAL_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "guestprep/macro.h"
#include "journal.h"

/* guestprep.exe: what the Windows C runtime lacks (limits.h). */
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

#define JOURNAL_HEADER "guestprep-journal 1\n"
#define JOURNAL_FILE   "journal"
#define JOURNAL_MAX    (64u << 20)
#define FNV_INIT       0xcbf29ce484222325ull

/* ---- the test hook (journal_test_stop_after) ---------------------------- */

void steps_reset(void);
void step_done(void);

/* undo --force: put back what changed since the fix run too. */
bool undo_forced(void);

/* ---- records -------------------------------------------------------------- */

uint64_t fnv1a(const void *data, size_t len, uint64_t h);

/* A record (or any text) being built; the first error sticks. */
struct rec {
	char *buf;
	size_t len, cap;
	int err;
};

void rec_done(struct rec *r);
void rec_put(struct rec *r, const char *s, size_t n);
/* For numbers and keys only: anything longer is a bug. */
_printf_(2, 3) void rec_printf(struct rec *r, const char *fmt, ...);
void rec_escape(struct rec *r, const char *s, size_t len);
void rec_str(struct rec *r, const char *key, const char *s);
void rec_time(struct rec *r, const char *key, const struct timespec *ts);
void rec_strv(struct rec *r, const char *key, char *const *strv);

int jwrite_all(int fd, const void *buf, size_t len);

/* The journal file being appended to. */
struct jfile {
	int fd;
	bool torn;	/* a write failed half way: start a fresh line */
};

/* Seal @r with its sum, append it and make it durable (fsync). */
int jfile_write(struct jfile *f, struct rec *r);
/* The common short records: "TYPE seq=N" and an optional error. */
int jfile_seq(struct jfile *f, const char *type, unsigned seq, int err);

/* Undo rec_escape() in place; returns the length, or -EBADMSG. */
ssize_t unescape(char *s);

/* ---- a run as read back ---------------------------------------------------- */

struct jsaved {
	bool existed;
	bool link;
	mode_t mode;
	unsigned uid;	/* uid_t, gid_t: not in the Windows C runtime */
	unsigned gid;
	struct timespec times[2];	/* atime, mtime */
	unsigned long long size;
	char *backup;
	char *xattrs;
	char *target;
	/* A registry value: its type and data (existed says whether). */
	uint32_t reg_type;
	char *reg_data;
	size_t reg_len;
};

struct jchange {
	unsigned seq;
	enum gp_change_kind kind;
	char *path;		/* a registry change: "HKLM\KEY" */
	char *temp;
	char *dir;
	bool has_dir_times;
	struct timespec dir_times[2];
	char **argv;
	char **undo_argv;
	unsigned flags;
	char **mkdirs;
	char **revert_temps;
	bool saved;
	struct jsaved orig;
	bool done, failed, reverted;
	bool keeps;		/* a command whose files are kept */
	/*
	 * What the run leaves at the path, to tell whether someone changed
	 * it since: a write's size and content sum (has_new_sum; not in
	 * journals of older versions), a symlink's target.
	 */
	bool has_new_sum;
	unsigned long long new_size;
	uint64_t new_sum;
	char *new_target;
	/* A registry change: the value and what it was set to. */
	char *value;
	uint32_t reg_type;
	char *reg_data;
	size_t reg_len;
};

struct jrun {
	char *id;
	char *version;
	struct timespec started;
	struct jchange *changes;
	size_t n;
	bool complete, undone;
	bool ends_in_newline;
};

bool run_id_ok(const char *id);
/* Parse the journal text @data (modified in place) into @run. */
int jrun_parse(struct jrun *run, char *data, size_t size);
void jrun_done(struct jrun *run);
/* Every run in JOURNAL_DIR of @root that can be read, oldest first. */
int jruns_load(const struct gp_root *root, struct jrun **ret, size_t *ret_n);
void jruns_free(struct jrun *runs, size_t n);
int pick_run(const struct gp_root *root, struct jrun *runs, size_t n,
	     const char *id, struct jrun **ret);

/* ---- undo ------------------------------------------------------------------ */

struct undo {
	struct gp_root *root;
	journal_run_fn run;
	int run_fd;
	int files_fd;
	struct jfile jf;
	struct gp_undo_result *res;
};

/* Revert the changes of @run newest first, then record it undone. */
int undo_changes(struct undo *u, struct jrun *run);

/*
 * The platform's side of undo (journal.c; journal-win32.c has no files
 * or commands to revert): put back a file change or revert a command,
 * setting *@what to the line for people.
 */
int journal_revert_path(struct undo *u, const struct jchange *c, char **what);
int journal_revert_command(struct undo *u, const struct jchange *c,
			   char **what);

/* ---- registry changes (guestprep.exe) ---------------------------------------- */

/*
 * The live registry under HKEY_LOCAL_MACHINE, raw: @key without "HKLM\",
 * data as the API holds it (UTF-16LE strings with their NUL).  get:
 * -ENOENT when the value (or key) does not exist; the data is
 * NUL-padded.  del: a missing value is not an error.
 */
struct journal_regops {
	int (*get)(const char *key, const char *value, uint32_t *ret_type,
		   char **ret_data, size_t *ret_len);
	int (*set)(const char *key, const char *value, uint32_t type,
		   const char *data, size_t len);
	int (*del)(const char *key, const char *value);
};

/*
 * The platform's registry: winreg-win32.c's in guestprep.exe, none (NULL:
 * -EOPNOTSUPP) on Linux, where registry changes are whole hive files.
 * Tests point it at a registry of their own.
 */
extern const struct journal_regops *journal_registry;
extern const struct journal_regops winreg_live_ops;

/*
 * Apply a GP_CHANGE_REGISTRY through the journal: intent (the new data),
 * saved (the old, checked against what the plan saw: -ESTALE), set or
 * delete, done.  @seq counts the run's changes.
 */
int journal_apply_registry(struct jfile *jf, unsigned *seq,
			   struct gp_change *c);

#endif
