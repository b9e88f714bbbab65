/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * windows: mingw.  Site checks (extchecks.h) in guestprep.exe: programs
 * in C:\ProgramData\guestprep\checks.d (SYSCONFDIR, beside
 * guestprep.conf) or the --checks-dir directory, run as on Linux and
 * judged by the same code (extchecks-report.c).
 *
 * What runs is NAME.exe, NAME.cmd or NAME.bat (through cmd.exe) and
 * NAME.ps1 (through Windows PowerShell), NAME a plain word as on Linux,
 * in name order; hidden entries are passed over silently, as dot files
 * are.  Trust comes from the security descriptor, as it comes from the
 * owner and mode on Linux: the directory and each program must be owned
 * by SYSTEM, Administrators, TrustedInstaller or whoever runs guestprep,
 * and no one else may be allowed to change them (write, append, delete,
 * change the DACL or the owner).  Symbolic links and junctions in the
 * directory are refused: nothing confines them to it.
 *
 * Each check runs in a job object, so that the timeout ends it with
 * everything it started; stdout comes through a pipe, stdin is NUL,
 * stderr is ours.  A check runs with a restricted token that holds no
 * privileges (the counterpart of the capabilities Linux drops): it
 * cannot take ownership, back up or restore past an ACL, load drivers
 * or debug other processes.
 */
#include "config.h"

#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include "guestprep/log.h"
#include "guestprep/macro.h"
#include "guestprep/strv.h"
#include "extchecks-internal.h"
#include "util.h"
#include "win32.h"

#define CHECKS_DIR SYSCONFDIR "/guestprep/checks.d"
/* What is read after the check exits, from what it left in the pipe. */
#define DRAIN_MAX (1u << 20)
/* How long to wait for more output before asking whether it exited. */
#define POLL_MS 20

static const struct gp_check site_checks[] = {
	{ .id = EXTCHECKS_PLUGIN,
	  .summary = "site checks: programs in " CHECKS_DIR },
	{ 0 },
};

static const struct gp_plugin site_plugin = {
	.name = EXTCHECKS_PLUGIN,
	.summary = "site-specific checks run from " CHECKS_DIR,
	.checks = site_checks,
};

static const char trust_rule[] =
	"site checks must be NAME.exe, .cmd, .bat or .ps1 files with plain "
	"names, owned by Administrators (or SYSTEM) and writable only by "
	"them: icacls DIR /inheritance:r /grant:r "
	"*S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F";

static void handle_closep(HANDLE *h)
{
	if (*h && *h != INVALID_HANDLE_VALUE)
		CloseHandle(*h);
}

static void local_freep(void *p)
{
	HLOCAL *l = p;

	if (*l)
		LocalFree(*l);
}

/* ---- who may be trusted ---------------------------------------------- */

/* The user guestprep runs as (a TOKEN_USER), or NULL. */
static TOKEN_USER *self_user(void)
{
	_cleanup_(handle_closep) HANDLE tok = NULL;
	TOKEN_USER *tu;
	DWORD len = 0;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return NULL;
	GetTokenInformation(tok, TokenUser, NULL, 0, &len);
	tu = len ? malloc(len) : NULL;
	if (tu && !GetTokenInformation(tok, TokenUser, tu, len, &len)) {
		free(tu);
		return NULL;
	}
	return tu;
}

/* SYSTEM, Administrators, TrustedInstaller or the running user. */
static bool sid_trusted(PSID sid)
{
	static const wchar_t *const trusted[] = {
		L"S-1-5-18",	 /* SYSTEM */
		L"S-1-5-32-544", /* BUILTIN\Administrators */
		/* NT SERVICE\TrustedInstaller, which owns Windows' files */
		L"S-1-5-80-956008885-3418522649-1831038044-1853292631-"
		L"2271478464",
	};
	_cleanup_free_ TOKEN_USER *self = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(trusted); i++) {
		_cleanup_(local_freep) PSID known = NULL;

		if (ConvertStringSidToSidW(trusted[i], &known) &&
		    EqualSid(sid, known))
			return true;
	}
	self = self_user();
	return self && EqualSid(sid, self->User.Sid);
}

/* "DOMAIN\name (S-1-...)" for people, or the SID alone. */
static char *sid_name(PSID sid)
{
	_cleanup_(local_freep) wchar_t *str = NULL;
	_cleanup_free_ char *id = NULL, *who = NULL;
	wchar_t name[256], domain[256];
	DWORD nn = ARRAY_SIZE(name), nd = ARRAY_SIZE(domain);
	_cleanup_free_ wchar_t *full = NULL;
	SID_NAME_USE use;

	if (!ConvertSidToStringSidW(sid, &str) ||
	    win32_from_wide(str, wcslen(str), &id) < 0)
		return strdup("an unknown account");
	if (!LookupAccountSidW(NULL, sid, name, &nn, domain, &nd, &use))
		return TAKE_PTR(id);
	full = malloc((wcslen(domain) + wcslen(name) + 2) * sizeof(*full));
	if (!full)
		return TAKE_PTR(id);
	swprintf(full, wcslen(domain) + wcslen(name) + 2, L"%ls%ls%ls",
		 domain, *domain ? L"\\" : L"", name);
	if (win32_from_wide(full, wcslen(full), &who) < 0)
		return TAKE_PTR(id);
	return strprintf("%s (%s)", who, id);
}

/* Rights that let someone change what runs (on a file or a directory). */
#define CHANGE_RIGHTS                                                      \
	(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |               \
	 FILE_DELETE_CHILD | FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC |   \
	 WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)

/*
 * Why the DACL @acl lets someone untrusted change the object, or NULL.
 * Deny entries are not counted in its favour: judging their order is
 * not worth the risk of a wrong yes.  Inherit-only entries are for
 * what is created below, which is judged on its own.
 */
static char *dacl_refused(PACL acl)
{
	ACL_SIZE_INFORMATION info;

	if (!acl)
		return strdup("has no access control list: anyone may change "
			      "it");
	if (!GetAclInformation(acl, &info, sizeof(info), AclSizeInformation))
		return strdup("has an access control list that cannot be read");
	for (DWORD i = 0; i < info.AceCount; i++) {
		ACE_HEADER *h;
		ACCESS_ALLOWED_ACE *a;
		_cleanup_free_ char *who = NULL;

		if (!GetAce(acl, i, (void **)&h))
			return strdup("has an access control list that cannot "
				      "be read");
		if (h->AceFlags & INHERIT_ONLY_ACE)
			continue;
		if (h->AceType == ACCESS_DENIED_ACE_TYPE ||
		    h->AceType == SYSTEM_AUDIT_ACE_TYPE ||
		    h->AceType == ACCESS_DENIED_CALLBACK_ACE_TYPE)
			continue;
		if (h->AceType != ACCESS_ALLOWED_ACE_TYPE &&
		    h->AceType != ACCESS_ALLOWED_CALLBACK_ACE_TYPE)
			return strprintf("has an access rule of type %u that "
					 "cannot be judged",
					 (unsigned)h->AceType);
		a = (ACCESS_ALLOWED_ACE *)h;
		if (!(a->Mask & CHANGE_RIGHTS) ||
		    sid_trusted((PSID)&a->SidStart))
			continue;
		who = sid_name((PSID)&a->SidStart);
		return strprintf("is writable by %s", who ? who : "someone");
	}
	return NULL;
}

/* Why the owner @owner and DACL @dacl (as read, with @err) are refused. */
static char *sd_refused(DWORD err, PSID owner, PACL dacl)
{
	_cleanup_free_ char *who = NULL;

	if (err != ERROR_SUCCESS)
		return strprintf("has an owner and permissions that cannot be "
				 "read: %s", strerror(-win32_errno(err)));
	if (!owner || !sid_trusted(owner)) {
		who = owner ? sid_name(owner) : NULL;
		return strprintf("is owned by %s, not by Administrators or "
				 "SYSTEM", who ? who : "no one");
	}
	return dacl_refused(dacl);
}

/*
 * Why the object open at @h, or else the file @path (wide), is not to be
 * trusted, or NULL.
 */
static char *untrusted(HANDLE h, const wchar_t *path)
{
	const SECURITY_INFORMATION what = OWNER_SECURITY_INFORMATION |
					  DACL_SECURITY_INFORMATION;
	_cleanup_(local_freep) PSECURITY_DESCRIPTOR sd = NULL;
	PSID owner = NULL;
	PACL dacl = NULL;
	DWORD err;

	if (h)
		err = GetSecurityInfo(h, SE_FILE_OBJECT, what, &owner, NULL,
				      &dacl, NULL, &sd);
	else
		err = GetNamedSecurityInfoW(path, SE_FILE_OBJECT, what, &owner,
					    NULL, &dacl, NULL, &sd);
	return sd_refused(err, owner, dacl);
}

/* ---- the directory ----------------------------------------------------- */

struct site;

/* What runs a check: the file itself, cmd.exe or PowerShell. */
enum kind { KIND_NONE, KIND_EXE, KIND_CMD, KIND_PS1 };

/* As in extchecks.c: running and listing share the walk. */
typedef void site_visit_fn(struct site *s, const char *name, enum kind kind,
			   const wchar_t *path, const char *shown,
			   const char *why);

struct site {
	char *shown;			/* the directory, "C:\...\checks.d" */
	wchar_t *wdir;
	site_visit_fn *visit;
	char **names;			/* the checks that run, by name */
	/* running */
	struct gp_ctx *ctx;
	char **skipped;			/* "PATH why", for one warning */
	/* listing */
	FILE *out;
};

/* NAME.exe, .cmd, .bat or .ps1 with NAME a plain word: its kind. */
static enum kind entry_kind(const char *file, char **ret_name)
{
	static const struct {
		const char *ext;
		enum kind kind;
	} kinds[] = {
		{ ".exe", KIND_EXE },
		{ ".cmd", KIND_CMD },
		{ ".bat", KIND_CMD },
		{ ".ps1", KIND_PS1 },
	};
	const char *dot = strrchr(file, '.');
	_cleanup_free_ char *name = NULL;

	if (!dot)
		return KIND_NONE;
	name = strndup(file, (size_t)(dot - file));
	if (!name || !extchecks_name_valid(name))
		return KIND_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (_stricmp(dot, kinds[i].ext) == 0) {
			*ret_name = TAKE_PTR(name);
			return kinds[i].kind;
		}
	return KIND_NONE;
}

static bool name_taken(char *const *names, const char *name)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Why the entry @file (attributes @attr) is not run, or NULL. */
static char *entry_refused(struct site *s, const char *file, DWORD attr,
			   const wchar_t *path, char **ret_name,
			   enum kind *ret_kind)
{
	_cleanup_free_ char *name = NULL;
	enum kind kind = entry_kind(file, &name);

	if (kind == KIND_NONE)
		return strdup("is not NAME.exe, .cmd, .bat or .ps1 with a "
			      "plain NAME ([A-Za-z0-9_-]: a backup or a "
			      "leftover?)");
	if (attr & FILE_ATTRIBUTE_REPARSE_POINT)
		return strdup("is a symbolic link or a junction");
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return strdup("is not a regular file");
	if (name_taken(s->names, name))
		return strprintf("has the name of another check (%s.%s)",
				 EXTCHECKS_PLUGIN, name);
	*ret_name = TAKE_PTR(name);
	*ret_kind = kind;
	return untrusted(NULL, path);
}

/* What goes between the directory and an entry: "C:\" has it already. */
static const char *sep(const char *dir)
{
	return *dir && dir[strlen(dir) - 1] == '\\' ? "" : "\\";
}

static void visit_entry(struct site *s, const char *file, DWORD attr)
{
	_cleanup_free_ char *shown = strprintf("%s%s%s", s->shown,
					       sep(s->shown), file);
	_cleanup_free_ char *name = NULL, *why = NULL;
	_cleanup_free_ wchar_t *path = NULL;
	enum kind kind = KIND_NONE;

	if (!shown || win32_to_wide(shown, &path) < 0)
		return;
	why = entry_refused(s, file, attr, path, &name, &kind);
	if (!why && strv_push(&s->names, name) < 0)
		return;
	s->visit(s, name, kind, path, shown, why);
}

struct entry {
	char *file;
	DWORD attr;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->file,
		      ((const struct entry *)b)->file);
}

/* The visible entries of the directory, in name order as run-parts. */
static int dir_entries(const struct site *s, struct entry **ret, size_t *ret_n)
{
	_cleanup_free_ wchar_t *pattern = NULL;
	struct entry *list = NULL;
	WIN32_FIND_DATAW fd;
	size_t n = 0, len = wcslen(s->wdir);
	HANDLE h;
	int r = 0;

	pattern = malloc((len + 3) * sizeof(*pattern));
	if (!pattern)
		return -ENOMEM;
	swprintf(pattern, len + 3, L"%ls%ls*", s->wdir,
		 len && s->wdir[len - 1] == L'\\' ? L"" : L"\\");
	h = FindFirstFileExW(pattern, FindExInfoBasic, &fd,
			     FindExSearchNameMatch, NULL, 0);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND
			       ? 0
			       : win32_errno(GetLastError());
	do {
		struct entry *more;

		/* Dot files and hidden files: nothing to say about them. */
		if (fd.cFileName[0] == L'.' ||
		    (fd.dwFileAttributes & FILE_ATTRIBUTE_HIDDEN))
			continue;
		more = reallocarray(list, n + 1, sizeof(*list));
		if (!more) {
			r = -ENOMEM;
			break;
		}
		list = more;
		list[n].attr = fd.dwFileAttributes;
		r = win32_from_wide(fd.cFileName, wcslen(fd.cFileName),
				    &list[n].file);
		if (r < 0)
			break;
		n++;
	} while (FindNextFileW(h, &fd));
	FindClose(h);
	if (r == 0 && n > 0)
		qsort(list, n, sizeof(*list), entry_cmp);
	*ret = list;
	*ret_n = n;
	return r;
}

/* Every entry of the directory, once it is found trustworthy. */
static void walk_dir(struct site *s)
{
	_cleanup_(handle_closep) HANDLE lock = INVALID_HANDLE_VALUE;
	_cleanup_free_ struct entry *list = NULL;
	_cleanup_free_ char *why = NULL;
	size_t n = 0;
	DWORD attr = GetFileAttributesW(s->wdir);
	int r;

	if (attr == INVALID_FILE_ATTRIBUTES)
		return; /* no site checks: nothing to say */
	/*
	 * Held open, without FILE_SHARE_DELETE, until the last check has
	 * run: the directory judged is the one run from, as neither it nor
	 * a directory above it can be renamed or replaced meanwhile.
	 */
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		lock = CreateFileW(s->wdir, READ_CONTROL,
				   FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
				   OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS,
				   NULL);
	if (!(attr & FILE_ATTRIBUTE_DIRECTORY))
		why = strdup("is not a directory");
	else if (lock == INVALID_HANDLE_VALUE)
		why = strprintf("cannot be opened: %s",
				strerror(-win32_errno(GetLastError())));
	else
		why = untrusted(lock, NULL);
	if (why) {
		s->visit(s, NULL, KIND_NONE, NULL, s->shown, why);
		return;
	}
	r = dir_entries(s, &list, &n);
	if (r < 0) {
		why = strprintf("cannot be read: %s", strerror(-r));
		s->visit(s, NULL, KIND_NONE, NULL, s->shown, why ? why : "cannot be read");
	}
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			visit_entry(s, list[i].file, list[i].attr);
		free(list[i].file);
	}
}

/*
 * The directory: --checks-dir (made absolute by session.c), else
 * SYSCONFDIR's, with Windows' separators for people.
 */
static int site_init(struct site *s, const char *checks_dir)
{
	size_t len;

	s->shown = strdup(checks_dir ? checks_dir : CHECKS_DIR);
	if (!s->shown)
		return -ENOMEM;
	for (char *p = s->shown; *p; p++)
		if (*p == '/')
			*p = '\\';
	/* "C:\dir\" is "C:\dir"; "C:\" stays (drive C's current one). */
	len = strlen(s->shown);
	if (len > 3 && s->shown[len - 1] == '\\')
		s->shown[len - 1] = '\0';
	return win32_to_wide(s->shown, &s->wdir);
}

static void site_done(struct site *s)
{
	free(s->shown);
	free(s->wdir);
	strv_free(s->names);
	strv_free(s->skipped);
}

/* ---- running one check --------------------------------------------------- */

/* "C:\Windows\System32" (wide, or NULL). */
static wchar_t *system_dir(void)
{
	UINT n = GetSystemDirectoryW(NULL, 0);
	wchar_t *w = n ? malloc(n * sizeof(*w)) : NULL;

	if (w && GetSystemDirectoryW(w, n) + 1 != n) {
		free(w);
		return NULL;
	}
	return w;
}

/*
 * The program and command line for @kind: the file itself, or the
 * interpreter Windows ships in @sys, its system directory (never one
 * found on the PATH).
 */
static int command_for(enum kind kind, const wchar_t *path,
		       const wchar_t *sys, wchar_t **ret_app, wchar_t **ret_cmd)
{
	_cleanup_free_ wchar_t *app = NULL, *cmd = NULL;
	size_t n;

	if (kind == KIND_EXE) {
		n = wcslen(path) + 3;
		app = _wcsdup(path);
		cmd = malloc(n * sizeof(*cmd));
		if (!app || !cmd)
			return -ENOMEM;
		swprintf(cmd, n, L"\"%ls\"", path);
	} else {
		n = wcslen(sys) + wcslen(path) + 128;
		app = malloc(n * sizeof(*app));
		cmd = malloc(n * sizeof(*cmd));
		if (!app || !cmd)
			return -ENOMEM;
		if (kind == KIND_CMD) {
			/* /d: no AutoRun commands; /s /c: run the quoted. */
			swprintf(app, n, L"%ls\\cmd.exe", sys);
			swprintf(cmd, n, L"cmd.exe /d /s /c \"\"%ls\"\"", path);
		} else {
			/* The file's ACL is the trust: no signing policy. */
			swprintf(app, n,
				 L"%ls\\WindowsPowerShell\\v1.0\\"
				 L"powershell.exe",
				 sys);
			swprintf(cmd, n,
				 L"powershell.exe -NoLogo -NoProfile "
				 L"-NonInteractive -ExecutionPolicy Bypass "
				 L"-File \"%ls\"",
				 path);
		}
	}
	*ret_app = TAKE_PTR(app);
	*ret_cmd = TAKE_PTR(cmd);
	return 0;
}

static int wcsicmp_p(const void *a, const void *b)
{
	return _wcsicmp(*(wchar_t *const *)a, *(wchar_t *const *)b);
}

/*
 * The environment of a check: what Windows itself sets up and programs
 * rely on (SystemRoot above all), PATH of the system directories only,
 * and GUESTPREP_ROOT, the drive being checked ("C:\").  Sorted, as
 * CreateProcess wants it.  Nothing else of ours is passed on.
 */
static wchar_t *check_env(const wchar_t *sys, const wchar_t *drive)
{
	static const wchar_t *const keep[] = {
		L"ALLUSERSPROFILE", L"APPDATA", L"CommonProgramFiles",
		L"CommonProgramFiles(x86)", L"CommonProgramW6432",
		L"COMPUTERNAME", L"ComSpec", L"LOCALAPPDATA",
		L"NUMBER_OF_PROCESSORS", L"OS", L"PATHEXT",
		L"PROCESSOR_ARCHITECTURE", L"ProgramData", L"ProgramFiles",
		L"ProgramFiles(x86)", L"ProgramW6432", L"PSModulePath",
		L"SystemDrive", L"SystemRoot", L"TEMP", L"TMP",
		L"USERPROFILE", L"windir",
	};
	wchar_t *vars[ARRAY_SIZE(keep) + 2] = { 0 };
	wchar_t *block = NULL, *p;
	size_t n = 0, total = 1;

	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		DWORD len = GetEnvironmentVariableW(keep[i], NULL, 0);
		size_t klen = wcslen(keep[i]);

		if (len == 0)
			continue;
		vars[n] = malloc((klen + 1 + len) * sizeof(wchar_t));
		if (!vars[n])
			goto out;
		swprintf(vars[n], klen + 2, L"%ls=", keep[i]);
		GetEnvironmentVariableW(keep[i], vars[n] + klen + 1, len);
		n++;
	}
	vars[n] = malloc((wcslen(sys) * 4 + 128) * sizeof(wchar_t));
	vars[n + 1] = malloc((wcslen(drive) + 32) * sizeof(wchar_t));
	if (!vars[n] || !vars[n + 1])
		goto out;
	/* C:\Windows\System32 and what Windows keeps beside it. */
	swprintf(vars[n], wcslen(sys) * 4 + 128,
		 L"PATH=%ls;%.*ls;%ls\\Wbem;%ls\\WindowsPowerShell\\v1.0", sys,
		 (int)(wcsrchr(sys, L'\\') ? wcsrchr(sys, L'\\') - sys
					   : (ptrdiff_t)wcslen(sys)),
		 sys, sys, sys);
	swprintf(vars[n + 1], wcslen(drive) + 32, L"GUESTPREP_ROOT=%ls", drive);
	n += 2;
	qsort(vars, n, sizeof(*vars), wcsicmp_p);
	for (size_t i = 0; i < n; i++)
		total += wcslen(vars[i]) + 1;
	block = malloc(total * sizeof(*block));
	if (!block)
		goto out;
	p = block;
	for (size_t i = 0; i < n; i++) {
		size_t len = wcslen(vars[i]) + 1;

		memcpy(p, vars[i], len * sizeof(*p));
		p += len;
	}
	*p = L'\0';
out:
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		free(vars[i]);
	return block;
}

/* The handles a check gets: NUL, the pipe, our stderr (or NUL). */
struct child_io {
	HANDLE in, out, err;	/* inheritable, for the child */
	HANDLE read;		/* our end of the pipe */
};

static void child_io_close(struct child_io *io)
{
	handle_closep(&io->in);
	handle_closep(&io->out);
	handle_closep(&io->err);
	handle_closep(&io->read);
	*io = (struct child_io){ 0 };
}

static HANDLE open_nul(DWORD access)
{
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa),
				   .bInheritHandle = TRUE };

	return CreateFileW(L"NUL", access, FILE_SHARE_READ | FILE_SHARE_WRITE,
			   &sa, OPEN_EXISTING, 0, NULL);
}

static int child_io_open(struct child_io *io)
{
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa),
				   .bInheritHandle = TRUE };
	HANDLE err = GetStdHandle(STD_ERROR_HANDLE);

	*io = (struct child_io){ 0 };
	if (!CreatePipe(&io->read, &io->out, &sa, 0))
		return win32_errno(GetLastError());
	/* Only the child's end is inherited. */
	SetHandleInformation(io->read, HANDLE_FLAG_INHERIT, 0);
	io->in = open_nul(GENERIC_READ);
	if (!err || err == INVALID_HANDLE_VALUE ||
	    !DuplicateHandle(GetCurrentProcess(), err, GetCurrentProcess(),
			     &io->err, 0, TRUE, DUPLICATE_SAME_ACCESS))
		io->err = open_nul(GENERIC_WRITE);
	if (io->in == INVALID_HANDLE_VALUE || io->err == INVALID_HANDLE_VALUE) {
		child_io_close(io);
		return -EIO;
	}
	return 0;
}

/* Output kept up to EXEC_OUTPUT_MAX, the rest read and dropped. */
static int output_add(struct exec_result *res, const char *data, size_t n)
{
	size_t room = EXEC_OUTPUT_MAX - res->len;

	if (!res->output) {
		res->output = malloc(EXEC_OUTPUT_MAX + 1);
		if (!res->output)
			return -ENOMEM;
	}
	if (n > room) {
		n = room;
		res->truncated = true;
	}
	memcpy(res->output + res->len, data, n);
	res->len += n;
	res->output[res->len] = '\0';
	return 0;
}

/* What the pipe holds now, without waiting; 0 at its end (or -errno). */
static int read_ready(HANDLE pipe, struct exec_result *res, size_t max)
{
	size_t total = 0;

	while (total < max) {
		char buf[4096];
		DWORD avail = 0, got = 0;

		if (!PeekNamedPipe(pipe, NULL, 0, NULL, &avail, NULL))
			return GetLastError() == ERROR_BROKEN_PIPE
				       ? 0
				       : win32_errno(GetLastError());
		if (avail == 0)
			return 1;
		if (!ReadFile(pipe, buf,
			      avail < sizeof(buf) ? avail : sizeof(buf), &got,
			      NULL))
			return GetLastError() == ERROR_BROKEN_PIPE
				       ? 0
				       : win32_errno(GetLastError());
		if (output_add(res, buf, got) < 0)
			return -ENOMEM;
		total += got;
	}
	return 1;
}

/*
 * Collect output until the process ends or @timeout_ms passes: 0 or
 * -ETIMEDOUT.  An anonymous pipe has no overlapped reads, and a read
 * that blocks could wait on a child the check left behind, so the pipe
 * is only read for what it holds, between short waits on the process.
 * Once it has exited, what it left in the pipe is taken; what its
 * children still print is not waited for, as on Linux.
 */
static int collect(HANDLE proc, HANDLE pipe, unsigned timeout_ms,
		   struct exec_result *res)
{
	ULONGLONG deadline = GetTickCount64() + timeout_ms;
	bool open = true;

	for (;;) {
		ULONGLONG now = GetTickCount64();
		DWORD w;

		if (open) {
			int r = read_ready(pipe, res, EXEC_OUTPUT_MAX);

			if (r == -ENOMEM)
				return r;
			open = r > 0;
		}
		if (now >= deadline)
			return -ETIMEDOUT;
		w = WaitForSingleObject(proc, deadline - now < POLL_MS
						      ? (DWORD)(deadline - now)
						      : POLL_MS);
		if (w == WAIT_OBJECT_0) {
			if (open)
				read_ready(pipe, res, DRAIN_MAX);
			return 0;
		}
		if (w == WAIT_FAILED)
			return win32_errno(GetLastError());
	}
}

/*
 * Our token without its privileges.  Linux keeps a fix run's
 * capabilities for its site checks; here they never need them, and
 * guestprep.exe does not tell check from fix at this point.
 */
static int check_token(HANDLE *ret)
{
	_cleanup_(handle_closep) HANDLE tok = NULL;

	if (!OpenProcessToken(GetCurrentProcess(),
			      TOKEN_DUPLICATE | TOKEN_ASSIGN_PRIMARY |
				      TOKEN_QUERY,
			      &tok) ||
	    !CreateRestrictedToken(tok, DISABLE_MAX_PRIVILEGE, 0, NULL, 0,
				   NULL, 0, NULL, ret))
		return win32_errno(GetLastError());
	return 0;
}

/* Start @app suspended with only @io's handles; it runs once in @job. */
static int start(wchar_t *app, wchar_t *cmd,
		 wchar_t *env, const wchar_t *cwd, struct child_io *io,
		 HANDLE job, PROCESS_INFORMATION *pi)
{
	_cleanup_(handle_closep) HANDLE token = NULL;
	STARTUPINFOEXW si = { .StartupInfo.cb = sizeof(si) };
	HANDLE inherit[3] = { io->in, io->out, io->err };
	_cleanup_free_ void *attrs = NULL;
	SIZE_T size = 0;
	DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT |
		      EXTENDED_STARTUPINFO_PRESENT;
	BOOL ok;
	int r;

	r = check_token(&token);
	if (r < 0)
		return r;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = io->in;
	si.StartupInfo.hStdOutput = io->out;
	si.StartupInfo.hStdError = io->err;
	/* Not every handle we hold that happens to be inheritable. */
	InitializeProcThreadAttributeList(NULL, 1, 0, &size);
	attrs = malloc(size);
	if (!attrs || !InitializeProcThreadAttributeList(attrs, 1, 0, &size))
		return -ENOMEM;
	si.lpAttributeList = attrs;
	if (!UpdateProcThreadAttribute(attrs, 0,
				       PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
				       inherit, sizeof(inherit), NULL, NULL)) {
		DeleteProcThreadAttributeList(attrs);
		return win32_errno(GetLastError());
	}
	/* Without a console of ours, no console window for the check. */
	if (!GetConsoleWindow())
		flags |= CREATE_NO_WINDOW;
	ok = CreateProcessAsUserW(token, app, cmd, NULL, NULL, TRUE, flags,
				  env, cwd, &si.StartupInfo, pi);
	r = ok ? 0 : win32_errno(GetLastError());
	DeleteProcThreadAttributeList(attrs);
	if (r < 0)
		return r;
	/* Windows 7 refuses a second job for a process already in one. */
	if (!AssignProcessToJobObject(job, pi->hProcess))
		gp_debug("site check: no job object (error %lu)",
			 GetLastError());
	ResumeThread(pi->hThread);
	return 0;
}

/*
 * Run @kind at @path as exec_program() does on Linux: 0 with *res and
 * *ret_code once it has ended, -ETIMEDOUT when it was ended (with all
 * it started) for the timeout, else why it could not start.
 */
static int run_program(enum kind kind, const wchar_t *path, unsigned timeout_ms,
		       struct exec_result *res, DWORD *ret_code)
{
	_cleanup_free_ wchar_t *app = NULL, *cmd = NULL, *env = NULL;
	_cleanup_free_ wchar_t *sys = system_dir();
	_cleanup_(handle_closep) HANDLE job = NULL;
	PROCESS_INFORMATION pi = { 0 };
	struct child_io io;
	wchar_t drive[4] = L"C:\\";
	int r;

	if (!sys)
		return -ENOMEM;
	drive[0] = sys[0];
	r = command_for(kind, path, sys, &app, &cmd);
	if (r < 0)
		return r;
	env = check_env(sys, drive);
	job = CreateJobObjectW(NULL, NULL);
	if (!env || !job)
		return env ? win32_errno(GetLastError()) : -ENOMEM;
	r = child_io_open(&io);
	if (r < 0)
		return r;
	r = start(app, cmd, env, drive, &io, job, &pi);
	/* Our copies of its ends: the pipe ends when the check's do. */
	handle_closep(&io.in);
	handle_closep(&io.out);
	handle_closep(&io.err);
	io.in = io.out = io.err = NULL;
	if (r == 0) {
		r = collect(pi.hProcess, io.read, timeout_ms, res);
		if (r < 0) {
			TerminateJobObject(job, 1);
			TerminateProcess(pi.hProcess, 1);
			WaitForSingleObject(pi.hProcess, 5000);
		} else if (!GetExitCodeProcess(pi.hProcess, ret_code)) {
			r = win32_errno(GetLastError());
		}
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
	}
	child_io_close(&io);
	if (r == 0 && !res->output)
		r = output_add(res, "", 0);
	return r;
}

/* An exit code that is an NTSTATUS error: the process crashed. */
static bool crashed(DWORD code)
{
	return (code & 0xf0000000u) == 0xc0000000u;
}

static void run_one(struct site *s, const char *name, enum kind kind,
		    const wchar_t *path, const char *shown)
{
	_cleanup_free_ char *what = NULL;
	unsigned sec = s->ctx->checks_timeout_sec ? s->ctx->checks_timeout_sec
						  : EXTCHECKS_TIMEOUT_SEC;
	struct exec_result res = { 0 };
	DWORD code = 0;
	int r;

	/* cmd.exe expands %VAR% even within quotes. */
	if (kind == KIND_CMD && strchr(shown, '%')) {
		extchecks_emit_broken(s->ctx, name, shown,
				      "could not be started: cmd.exe would "
				      "expand the '%' in its path");
		return;
	}
	gp_debug("running site check %s", shown);
	r = run_program(kind, path, sec * 1000, &res, &code);
	if (r == -ETIMEDOUT)
		what = strprintf("timed out after %u s", sec);
	else if (r < 0)
		what = strprintf("could not be started: %s", strerror(-r));
	else if (crashed(code))
		what = strprintf("crashed (exception 0x%08lX)",
				 (unsigned long)code);
	if (r < 0 || crashed(code))
		extchecks_emit_broken(s->ctx, name, shown,
				      what ? what : "failed");
	else
		extchecks_take_output(s->ctx, name, shown, &res, (int)code);
	free(res.output);
}

/* check: run what is trusted, collect the rest for one warning. */
static void run_visit(struct site *s, const char *name, enum kind kind,
		      const wchar_t *path, const char *shown, const char *why)
{
	if (why)
		strv_pushf(&s->skipped, "%s %s", shown, why);
	else
		run_one(s, name, kind, path, shown);
}

int extchecks_run(struct gp_ctx *ctx)
{
	struct site s = { .ctx = ctx, .visit = run_visit };

	ctx->plugin = &site_plugin;
	ctx->check = &site_checks[0];
	if (site_init(&s, ctx->checks_dir) == 0) {
		walk_dir(&s);
		extchecks_warn_skipped(ctx, s.shown, s.skipped, trust_rule);
	} else {
		ctx->report->oom = true;
	}
	site_done(&s);
	ctx->plugin = NULL;
	ctx->check = NULL;
	return ctx->report->oom ? -ENOMEM : 0;
}

/* ---- listing: what check would run, without running it ---- */

static void list_visit(struct site *s, const char *name, enum kind kind,
		       const wchar_t *path, const char *shown, const char *why)
{
	extchecks_list_entry(s->out, name, shown, why);
}

int extchecks_list(FILE *f, const struct gp_root *root, const char *checks_dir)
{
	struct site s = { .visit = list_visit, .out = f };
	int r = site_init(&s, checks_dir);

	fprintf(f, "%-16s site-specific checks: programs in %s\n",
		site_plugin.name, s.shown ? s.shown : CHECKS_DIR);
	if (r == 0)
		walk_dir(&s);
	site_done(&s);
	return ferror(f) ? -EIO : 0;
}
