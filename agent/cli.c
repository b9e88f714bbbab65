/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "extchecks.h"
#include "util.h"

void cli_help(FILE *f)
{
	fputs("Usage: guestprep check [OPTIONS]   check this system for import\n"
	      "       guestprep fix [OPTIONS]     mend what can be mended, journaled\n"
	      "       guestprep undo [RUN-ID]     revert a fix run (default: the last)\n"
	      "       guestprep history           fix runs recorded on this system\n"
	      "       guestprep list [OPTIONS]    plugins, checks and site checks (not run)\n"
	      "       guestprep password [-f json]  judge a password read from standard\n"
	      "                                   input against the cloud's policy\n"
	      "       guestprep version | --help\n"
	      "\n"
	      "Options of check:\n"
	      "  -r, --root DIR       inspect the system mounted at DIR (default /)\n"
	      "  -p, --profile NAME   target profile (default alibaba), or a file path\n"
	      "  -c, --config FILE    configuration file (default "
	      SYSCONFDIR "/guestprep/guestprep.conf)\n"
	      "  -f, --format FORMAT  text or json\n"
	      "  -o, --output FILE    write the report to FILE instead of stdout\n"
	      "      --only ID,...    run only these plugins, checks or findings\n"
	      "      --skip ID,...    leave these out\n"
	      "  -s, --set KEY=VALUE  override a profile key (repeatable)\n"
	      "  -d, --disk PATH      raw disk image or block device of the system\n"
	      "                       (with --root); again for each data disk\n"
	      "      --color WHEN     auto, always or never (default auto)\n"
	      "      --checks-dir DIR run the site checks in DIR (a trusted directory\n"
	      "                       of this host) even with --root; default: those\n"
	      "                       in /etc/guestprep/checks.d, on the live system only\n"
	      "      --checks-timeout SEC  kill a site check after SEC seconds (10)\n"
	      "  -v, --verbose        details for every finding, debug log on stderr\n"
	      "\n"
	      "Options of fix (and the check options above):\n"
	      "  -n, --dry-run        show the plan (diffs, commands) and change nothing\n"
	      "  -y, --yes            do not ask before applying (never asked off a tty)\n"
	      "      --remove-packages  remove forbidden packages (qemu-guest-agent)\n"
	      "      --chroot         with --root, run guest commands chrooted into it\n"
	      "                       (otherwise they are reported as manual steps)\n"
	      "\n"
	      "Options of undo:\n"
	      "      --force          put back files (and, in guestprep.exe, registry\n"
	      "                       values) changed since the fix run too\n"
	      "\n"
	      "Exit status: 0 ready, 1 ready with warnings, 2 not ready,\n"
	      "             64 usage or configuration error, 70 internal error.\n"
	      "             password: 0 accepted, 2 rejected, 64 no usable input.\n",
	      f);
}

static int parse_format(const char *s, enum gp_format *ret)
{
	if (strcmp(s, "text") == 0)
		*ret = GP_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*ret = GP_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

static int parse_color(const char *s, enum gp_color *ret)
{
	static const char *const names[] = {
		[GP_COLOR_AUTO] = "auto",
		[GP_COLOR_ALWAYS] = "always",
		[GP_COLOR_NEVER] = "never",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum gp_color)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_command(const char *s, enum gp_command *ret)
{
	static const struct {
		const char *name;
		enum gp_command cmd;
	} commands[] = {
		{ "check", GP_CMD_CHECK },
		{ "list", GP_CMD_LIST },
		{ "version", GP_CMD_VERSION },
		{ "help", GP_CMD_HELP },
		{ "fix", GP_CMD_FIX },
		{ "undo", GP_CMD_UNDO },
		{ "history", GP_CMD_HISTORY },
		{ "password", GP_CMD_PASSWORD },
	};

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(s, commands[i].name) == 0) {
			*ret = commands[i].cmd;
			return 0;
		}
	return -EINVAL;
}

static int parse_timeout(const char *s, unsigned *ret, char **ret_error)
{
	if (extchecks_parse_timeout(s, ret) == 0)
		return 0;
	*ret_error = strprintf("--checks-timeout: \"%s\" is not a number of "
			       "seconds from 1 to %u", s,
			       (unsigned)EXTCHECKS_TIMEOUT_MAX);
	return -EINVAL;
}

static int replace(char **field, const char *value)
{
	char *s = strdup(value);

	if (!s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

/* --only and --skip may be given several times; the lists add up. */
static int add_list(char ***list, const char *value)
{
	_cleanup_(strv_freep) char **words = NULL;
	int r = strv_split(value, &words);

	for (size_t i = 0; r == 0 && words[i]; i++)
		r = strv_push(list, words[i]);
	return r;
}

enum {
	OPT_ONLY = 0x100,
	OPT_SKIP,
	OPT_COLOR,
	OPT_VERSION,
	OPT_REMOVE_PACKAGES,
	OPT_FORCE,
	OPT_CHROOT,
	OPT_CHECKS_DIR,
	OPT_CHECKS_TIMEOUT,
};

static const struct option long_options[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "profile", required_argument, NULL, 'p' },
	{ "config", required_argument, NULL, 'c' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "set", required_argument, NULL, 's' },
	{ "disk", required_argument, NULL, 'd' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "yes", no_argument, NULL, 'y' },
	{ "remove-packages", no_argument, NULL, OPT_REMOVE_PACKAGES },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "chroot", no_argument, NULL, OPT_CHROOT },
	{ "checks-dir", required_argument, NULL, OPT_CHECKS_DIR },
	{ "checks-timeout", required_argument, NULL, OPT_CHECKS_TIMEOUT },
	{ 0 },
};

static int apply_option(struct gp_options *o, int c, const char *arg,
			char **ret_error)
{
	switch (c) {
	case 'r':
#ifdef _WIN32
		/* windows: mingw.  guestprep.exe checks the running Windows. */
		*ret_error = strdup("--root is not available in guestprep.exe: "
				    "it checks the running Windows; inspect a "
				    "mounted Windows volume with guestprep "
				    "check --root on Linux");
		return -EINVAL;
#endif
		return replace(&o->root, arg);
	case 'p':
		return replace(&o->profile, arg);
	case 'c':
		return replace(&o->config, arg);
	case 'o':
		return replace(&o->output, arg);
	case 'f':
		o->has_format = true;
		if (parse_format(arg, &o->format) == 0)
			return 0;
		*ret_error = strprintf("--format: \"%s\" is not text or json", arg);
		return -EINVAL;
	case OPT_COLOR:
		o->has_color = true;
		if (parse_color(arg, &o->color) == 0)
			return 0;
		*ret_error = strprintf("--color: \"%s\" is not auto, always or never", arg);
		return -EINVAL;
	case OPT_ONLY:
		o->has_only = true;
		return add_list(&o->only, arg);
	case OPT_SKIP:
		o->has_skip = true;
		return add_list(&o->skip, arg);
	case 's':
		if (strchr(arg, '='))
			return strv_push(&o->set, arg);
		*ret_error = strprintf("--set: \"%s\" is not KEY=VALUE", arg);
		return -EINVAL;
	case 'd':
		return strv_push(&o->disks, arg);
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		o->command = GP_CMD_HELP;
		return 0;
	case OPT_VERSION:
		o->command = GP_CMD_VERSION;
		return 0;
	case 'n':
		o->dry_run = true;
		return 0;
	case 'y':
		o->yes = true;
		return 0;
	case OPT_REMOVE_PACKAGES:
		o->remove_packages = true;
		return 0;
	case OPT_FORCE:
		o->force = true;
		return 0;
	case OPT_CHROOT:
		o->chroot = true;
		return 0;
	case OPT_CHECKS_DIR:
		return replace(&o->checks_dir, arg);
	case OPT_CHECKS_TIMEOUT:
		return parse_timeout(arg, &o->checks_timeout, ret_error);
	default:
		*ret_error = strdup("unknown option (see guestprep --help)");
		return -EINVAL;
	}
}

int cli_parse(int argc, char **argv, struct gp_options *ret, char **ret_error)
{
	struct gp_options o = { .command = GP_CMD_CHECK };
	bool explicit = false;
	int c, r = 0;

	/* The command comes first; options may follow it. */
	if (argc > 1 && argv[1][0] != '-') {
		if (parse_command(argv[1], &o.command) < 0) {
			*ret_error = strprintf("unknown command \"%s\" (see "
					       "guestprep --help)", argv[1]);
			return -EINVAL;
		}
		explicit = true;
		argv++;
		argc--;
	}
	opterr = 0;
	optind = 1;
	while (r == 0 &&
	       (c = getopt_long(argc, argv, ":r:p:c:f:o:s:d:vhny", long_options,
				NULL)) != -1) {
		if (c == ':') {
			*ret_error = strprintf("option %s needs a value",
					       argv[optind - 1]);
			r = -EINVAL;
		} else {
			r = apply_option(&o, c, optarg, ret_error);
		}
	}
	/* undo takes the run to revert; nothing else takes arguments. */
	if (r == 0 && o.command == GP_CMD_UNDO && optind == argc - 1)
		r = replace(&o.run_id, argv[optind++]);
	/*
	 * Never repeat what password was given: a stray argument, or the
	 * value of an option ("-sSecret"), may well be the password.
	 */
	if (o.command == GP_CMD_PASSWORD && (r < 0 || optind < argc)) {
		free(*ret_error);
		*ret_error = strdup("password takes no argument and only "
				    "--format: type the password at the "
				    "prompt or pipe it to standard input");
		r = r < 0 ? r : -EINVAL;
	}
	if (r == 0 && optind < argc) {
		*ret_error = strprintf("unexpected argument \"%s\"", argv[optind]);
		r = -EINVAL;
	}
	if (r == 0 && !explicit && o.command == GP_CMD_CHECK && argc == 1)
		o.command = GP_CMD_HELP;	/* bare "guestprep" */
	if (r == 0 && !o.root)
		r = replace(&o.root, "/");
	if (r < 0) {
		cli_done(&o);
		return r;
	}
	*ret = o;
	return 0;
}

void cli_done(struct gp_options *o)
{
	free(o->root);
	free(o->profile);
	free(o->config);
	free(o->output);
	free(o->run_id);
	free(o->checks_dir);
	strv_free(o->only);
	strv_free(o->skip);
	strv_free(o->set);
	strv_free(o->disks);
	*o = (struct gp_options){ 0 };
}
