/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  The fix journal (journal.h) of guestprep.exe, whose
 * fixers change registry values only (gp_plan_registry()).
 *
 * Runs live in C:\ProgramData\guestprep\journal\RUN-ID\journal on the
 * system drive, in the format of Linux (journal.c, journal-record.c,
 * which also writes and reads the registry records and undoes them):
 * the same records, the same run ids, every record flushed to disk
 * (_commit) before the next step.  C:\ProgramData\guestprep is made
 * for SYSTEM and Administrators only, as /var/lib/guestprep is 0700.
 * A second guestprep is kept out by a "lock" file in the journal
 * directory, opened without sharing while a run or an undo is at work
 * (flock() on Linux).  Files and commands are not journaled here: a
 * change of another kind is refused (-EOPNOTSUPP).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <windows.h>
#include <sddl.h>

#include "guestprep/macro.h"
#include "journal-internal.h"
#include "util.h"
#include "win32.h"

#define LOCK_FILE "lock"

struct gp_journal {
	struct gp_root *root;
	char *id;
	HANDLE lock;
	struct jfile jf;
	unsigned seq;	/* changes started */
};

/* guestprep.exe's registry changes go to the running Windows. */
static void use_live_registry(void)
{
	if (!journal_registry)
		journal_registry = &winreg_live_ops;
}

/* "C:\ProgramData\guestprep\journal" and @sub below it, wide. */
static int journal_path(const char *sub, wchar_t **ret)
{
	_cleanup_free_ char *path = NULL;
	wchar_t windir[MAX_PATH];
	UINT n;

	n = GetSystemWindowsDirectoryW(windir, ARRAY_SIZE(windir));
	if (n == 0 || n >= ARRAY_SIZE(windir))
		return win32_errno(GetLastError());
	if (n < 2 || windir[1] != L':')
		return -ENOENT;
	path = strprintf("%lc:\\ProgramData\\guestprep\\journal%s%s",
			 (wint_t)windir[0], sub ? "\\" : "", sub ? sub : "");
	if (!path)
		return -ENOMEM;
	return win32_to_wide(path, ret);
}

/* @path with everything after its last backslash cut. */
static void cut_last(wchar_t *path)
{
	wchar_t *slash = wcsrchr(path, L'\\');

	if (slash)
		*slash = L'\0';
}

/* mkdir that accepts an existing directory; @sddl its DACL, or NULL. */
static int make_dir(const wchar_t *path, const wchar_t *sddl)
{
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa) };
	PSECURITY_DESCRIPTOR sd = NULL;
	DWORD err = 0;
	BOOL ok;

	if (sddl && !ConvertStringSecurityDescriptorToSecurityDescriptorW(
			    sddl, SDDL_REVISION_1, &sd, NULL))
		return win32_errno(GetLastError());
	sa.lpSecurityDescriptor = sd;
	ok = CreateDirectoryW(path, sd ? &sa : NULL);
	if (!ok)
		err = GetLastError();
	if (sd)
		LocalFree(sd);
	if (!ok && err != ERROR_ALREADY_EXISTS)
		return win32_errno(err);
	return 0;
}

/*
 * C:\ProgramData\guestprep (SYSTEM and Administrators only: it keeps
 * what values held) and its journal directory.
 */
static int make_journal_dir(void)
{
	_cleanup_free_ wchar_t *dir = NULL;
	int r = journal_path(NULL, &dir);

	if (r < 0)
		return r;
	cut_last(dir);
	r = make_dir(dir, L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)");
	if (r == 0) {
		dir[wcslen(dir)] = L'\\';
		r = make_dir(dir, NULL);
	}
	return r;
}

/* The journal directory, locked against a second guestprep. */
static int lock_journal(HANDLE *ret)
{
	_cleanup_free_ wchar_t *path = NULL;
	HANDLE h;
	int r = journal_path(LOCK_FILE, &path);

	if (r < 0)
		return r;
	h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
			OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD err = GetLastError();

		if (err == ERROR_SHARING_VIOLATION || err == ERROR_LOCK_VIOLATION)
			return -EBUSY;
		return win32_errno(err);
	}
	*ret = h;
	return 0;
}

static void unlock_journal(HANDLE *h)
{
	if (*h && *h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
	*h = NULL;
}

/* Now, as clock_gettime(CLOCK_REALTIME) gives it. */
static void now_utc(struct timespec *ts)
{
	FILETIME ft;
	uint64_t t;

	GetSystemTimeAsFileTime(&ft);
	t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
	t -= 116444736000000000ull;	/* 1601 to 1970, in 100 ns */
	ts->tv_sec = (time_t)(t / 10000000u);
	ts->tv_nsec = (long)(t % 10000000u) * 100;
}

/* RUN-ID as on Linux: the UTC time and the pid, a suffix if taken. */
static int make_run_dir(struct gp_journal *j, const struct timespec *now)
{
	char stamp[32];
	struct tm tm;

	if (gmtime_s(&tm, &now->tv_sec) != 0 ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -EINVAL;
	for (unsigned i = 0; i < 1000; i++) {
		_cleanup_free_ wchar_t *path = NULL;
		char *id = i ? strprintf("%s-%d-%u", stamp, _getpid(), i)
			     : strprintf("%s-%d", stamp, _getpid());
		int r;

		if (!id)
			return -ENOMEM;
		r = journal_path(id, &path);
		if (r == 0 && CreateDirectoryW(path, NULL)) {
			j->id = id;
			return 0;
		}
		free(id);
		if (r < 0)
			return r;
		if (GetLastError() != ERROR_ALREADY_EXISTS)
			return win32_errno(GetLastError());
	}
	return -EEXIST;
}

/* The run's journal file, binary (no CRLF), append only. */
static int open_journal_file(const char *id, int flags, int *ret_fd)
{
	_cleanup_free_ char *sub = strprintf("%s\\%s", id, JOURNAL_FILE);
	_cleanup_free_ wchar_t *path = NULL;
	int fd, r;

	if (!sub)
		return -ENOMEM;
	r = journal_path(sub, &path);
	if (r < 0)
		return r;
	fd = _wopen(path, flags | _O_WRONLY | _O_APPEND | _O_BINARY |
			  _O_NOINHERIT, _S_IREAD | _S_IWRITE);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

void journal_free(struct gp_journal *j)
{
	if (!j)
		return;
	if (j->jf.fd >= 0)
		_close(j->jf.fd);
	unlock_journal(&j->lock);
	free(j->id);
	free(j);
}

static void journal_freep(struct gp_journal **j)
{
	journal_free(*j);
}

const char *journal_run_id(const struct gp_journal *j)
{
	return j->id;
}

int journal_begin(struct gp_root *root, const char *tool_version,
		  struct gp_journal **ret)
{
	_cleanup_(journal_freep) struct gp_journal *j = NULL;
	_cleanup_(rec_done) struct rec r = { 0 };
	struct timespec now;
	int rc;

	steps_reset();
	use_live_registry();
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->root = root;
	j->jf.fd = -1;
	now_utc(&now);
	rc = make_journal_dir();
	if (rc == 0)
		rc = lock_journal(&j->lock);
	if (rc == 0)
		rc = make_run_dir(j, &now);
	if (rc == 0)
		rc = open_journal_file(j->id, _O_CREAT | _O_EXCL, &j->jf.fd);
	if (rc == 0)
		rc = jwrite_all(j->jf.fd, JOURNAL_HEADER,
				strlen(JOURNAL_HEADER));
	if (rc < 0)
		return rc;
	rec_put(&r, "run", 3);
	rec_str(&r, "id", j->id);
	rec_time(&r, "started", &now);
	rec_str(&r, "version", tool_version ? tool_version : "unknown");
	rec_printf(&r, " pid=%d", _getpid());
	rc = jfile_write(&j->jf, &r);
	if (rc < 0)
		return rc;
	*ret = TAKE_PTR(j);
	return 0;
}

int journal_apply(struct gp_journal *j, struct gp_change *change,
		  journal_run_fn run_command)
{
	int r = -EOPNOTSUPP;

	if (change->kind == GP_CHANGE_REGISTRY)
		r = journal_apply_registry(&j->jf, &j->seq, change);
	change->result = r;
	return r;
}

int journal_end(struct gp_journal *j)
{
	_cleanup_(rec_done) struct rec r = { 0 };
	int ret;

	rec_printf(&r, "end changes=%u", j->seq);
	ret = jfile_write(&j->jf, &r);
	journal_free(j);
	return ret;
}

/* ---- undo: the registry records are undone by journal-record.c --------- */

/* Never journaled here; say so, and keep it for the Linux side. */
int journal_revert_path(struct undo *u, const struct jchange *c, char **what)
{
	*what = strprintf("not revertible by guestprep.exe: %s", c->path);
	return *what ? -ENOSYS : -ENOMEM;
}

int journal_revert_command(struct undo *u, const struct jchange *c,
			   char **what)
{
	*what = strprintf("not revertible by guestprep.exe: %s",
			  c->argv && c->argv[0] ? c->argv[0] : "?");
	return *what ? -ENOSYS : -ENOMEM;
}

static int undo_locked(struct undo *u, const char *run_id)
{
	struct jrun *runs = NULL, *run = NULL;
	size_t n = 0;
	int r;

	r = jruns_load(u->root, &runs, &n);
	if (r == 0)
		r = pick_run(u->root, runs, n, run_id, &run);
	if (run && !(u->res->run_id = strdup(run->id)))
		r = -ENOMEM;
	if (r == 0 && run && run->undone) {
		u->res->already_undone = true;
	} else if (r == 0 && run) {
		r = open_journal_file(run->id, 0, &u->jf.fd);
		/* A crash may have cut the last record: never continue it. */
		u->jf.torn = !run->ends_in_newline;
		if (r == 0)
			r = undo_changes(u, run);
	}
	if (u->jf.fd >= 0)
		_close(u->jf.fd);
	u->jf.fd = -1;
	jruns_free(runs, n);
	return r;
}

int journal_undo(struct gp_root *root, const char *run_id,
		 journal_run_fn run_command, struct gp_undo_result *ret)
{
	struct undo u = {
		.root = root,
		.run = run_command,
		.run_fd = -1,
		.files_fd = -1,
		.jf = { .fd = -1 },
		.res = ret,
	};
	HANDLE lock = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	steps_reset();
	use_live_registry();
	if (run_id && !run_id_ok(run_id))
		return -ENOENT;
	r = lock_journal(&lock);
	if (r == -ENOENT)
		return r;	/* no run ever */
	if (r < 0)
		return r;
	r = undo_locked(&u, run_id);
	unlock_journal(&lock);
	return r;
}
