/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan of a fix run, for people (diffs and commands, as `--dry-run`
 * shows them) and for tools (the report's "changes").
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "guestprep/winreg.h"
#include "diff.h"
#include "json.h"
#include "output.h"
#include "util.h"

/* ---- registry values, for people ------------------------------------------ */

static const char *reg_type_name(unsigned type)
{
	static const char *const names[] = {
		[GP_REG_NONE] = "REG_NONE",
		[GP_REG_SZ] = "REG_SZ",
		[GP_REG_EXPAND_SZ] = "REG_EXPAND_SZ",
		[GP_REG_BINARY] = "REG_BINARY",
		[GP_REG_DWORD] = "REG_DWORD",
		[GP_REG_DWORD_BIG_ENDIAN] = "REG_DWORD_BIG_ENDIAN",
		[GP_REG_LINK] = "REG_LINK",
		[GP_REG_MULTI_SZ] = "REG_MULTI_SZ",
		[GP_REG_QWORD] = "REG_QWORD",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : NULL;
}

struct strbuf_lite {
	char *s;
	size_t len;
	int err;
};

static void sb_put(struct strbuf_lite *b, const char *s, size_t n)
{
	char *p;

	if (b->err)
		return;
	p = realloc(b->s, b->len + n + 1);
	if (!p) {
		b->err = -ENOMEM;
		return;
	}
	memcpy(p + b->len, s, n);
	b->s = p;
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_code(struct strbuf_lite *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sb_put(b, u, n);
}

/* UTF-16LE up to its NUL as UTF-8 (a lone surrogate: U+FFFD). */
static void put_utf16(struct strbuf_lite *b, const unsigned char *p,
		      size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint32_t u = p[i] | (uint32_t)p[i + 1] << 8, lo;

		if (u == 0)
			break;
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len &&
		    (lo = p[i + 2] | (uint32_t)p[i + 3] << 8) >= 0xdc00 &&
		    lo < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (u >= 0xd800 && u < 0xe000) {
			u = 0xfffd;
		}
		sb_code(b, u);
	}
}

/* "REG_DWORD 0x00000000 (0)", "REG_SZ "text"", or the type and hex. */
static void put_regdata(struct strbuf_lite *b, unsigned type,
			const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	const char *name = reg_type_name(type);
	char num[64];

	if (name)
		sb_put(b, name, strlen(name));
	else
		sb_put(b, num, (size_t)snprintf(num, sizeof(num), "type %u",
						type));
	if (type == GP_REG_DWORD && len == 4) {
		uint32_t v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;

		sb_put(b, num, (size_t)snprintf(num, sizeof(num),
						" 0x%08x (%u)", v, v));
		return;
	}
	if (type == GP_REG_SZ || type == GP_REG_EXPAND_SZ) {
		sb_put(b, " \"", 2);
		put_utf16(b, p, len);
		sb_put(b, "\"", 1);
		return;
	}
	sb_put(b, " hex:", 5);
	for (size_t i = 0; i < len && i < 64; i++)
		sb_put(b, num, (size_t)snprintf(num, sizeof(num), "%02x",
						p[i]));
	if (len > 64)
		sb_put(b, "...", 3);
}

/* A diff-like text: "--- HKLM\KEY\VALUE", "- old", "+ new". */
static char *registry_diff(const struct gp_change *c)
{
	struct strbuf_lite b = { 0 };
	const char *v = *c->value ? c->value : "(Default)";

	for (int i = 0; i < 2; i++) {
		sb_put(&b, i ? "+++ " : "--- ", 4);
		sb_put(&b, c->path, strlen(c->path));
		sb_put(&b, "\\", 1);
		sb_put(&b, v, strlen(v));
		sb_put(&b, "\n", 1);
	}
	sb_put(&b, "- ", 2);
	if (c->existed)
		put_regdata(&b, c->old_reg_type, c->old_data, c->old_len);
	else
		sb_put(&b, "(absent)", 8);
	sb_put(&b, "\n+ ", 3);
	put_regdata(&b, c->reg_type, c->data, c->len);
	sb_put(&b, "\n", 1);
	if (b.err) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *change_diff(const struct gp_change *c)
{
	_cleanup_free_ char *after = NULL;
	const char *old = c->existed && !c->was_link ? c->old_data : NULL;
	const char *new = c->kind == GP_CHANGE_WRITE ? c->data : NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (c->kind == GP_CHANGE_REGISTRY)
		return registry_diff(c);
	if (c->kind != GP_CHANGE_WRITE &&
	    !(c->kind == GP_CHANGE_REMOVE && old))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	after = new ? strdup(c->path) : strdup("/dev/null");
	diff_unified(f, old ? c->path : "/dev/null", old, old ? c->old_len : 0,
		     after ? after : "/dev/null", new, new ? c->len : 0);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *command_line(char *const *argv)
{
	return strv_join(argv, " ");
}

/* One line saying what the change does, for the text plan. */
static void describe(FILE *f, const struct gp_change *c)
{
	_cleanup_free_ char *cmd = NULL;

	switch (c->kind) {
	case GP_CHANGE_WRITE:
		fprintf(f, "%s ", c->existed ? "edit" : "create");
		output_safe(f, c->path);
		break;
	case GP_CHANGE_REMOVE:
		fputs("remove ", f);
		output_safe(f, c->path);
		break;
	case GP_CHANGE_SYMLINK:
		fputs("link ", f);
		output_safe(f, c->path);
		fputs(" -> ", f);
		output_safe(f, c->target);
		break;
	case GP_CHANGE_COMMAND:
		cmd = command_line(c->argv);
		fputs("run ", f);
		output_safe(f, cmd ? cmd : c->argv[0]);
		break;
	case GP_CHANGE_REGISTRY:
		fprintf(f, "%s ", c->existed ? "set" : "create");
		output_safe(f, c->path);
		fputc('\\', f);
		output_safe(f, *c->value ? c->value : "(Default)");
		break;
	}
}

static void write_diff_text(FILE *f, const struct gp_change *c)
{
	_cleanup_free_ char *diff = change_diff(c);
	char *line, *next;

	for (line = diff; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fputs("       ", f);
		output_safe(f, line);
		fputc('\n', f);
	}
}

void output_plan_text(FILE *f, const struct gp_result *res)
{
	const struct gp_plan *plan = res->plan;

	if (!plan->n_changes) {
		fputs("\nNothing to change: no fixer has work to do.\n", f);
		return;
	}
	fprintf(f, "\n%s (%zu change%s):\n", res->dry_run ? "Plan" : "Changes",
		plan->n_changes, plan->n_changes == 1 ? "" : "s");
	for (size_t i = 0; i < plan->n_changes; i++) {
		const struct gp_change *c = &plan->changes[i];

		fprintf(f, "  %zu. [%s] ", i + 1, gp_change_state_name(c->state));
		describe(f, c);
		fputs("\n     for ", f);
		output_safe(f, c->check);
		fputs(": ", f);
		output_safe(f, c->why);
		fputc('\n', f);
		if (c->result < 0)
			fprintf(f, "     error: %s\n", strerror(-c->result));
		if (c->output && *c->output) {
			fputs("     output: ", f);
			output_safe(f, c->output);
			fputc('\n', f);
		}
		write_diff_text(f, c);
	}
	if (res->run_id)
		fprintf(f, "Journal: run %s; revert with: guestprep undo %s\n",
			res->run_id, res->run_id);
}

static void write_argv(struct json *j, const char *key, char *const *argv)
{
	if (!argv) {
		json_null(j, key);
		return;
	}
	json_array_begin(j, key);
	for (size_t i = 0; argv[i]; i++)
		json_string(j, NULL, argv[i]);
	json_array_end(j);
}

static void write_change(struct json *j, const struct gp_change *c)
{
	_cleanup_free_ char *diff = change_diff(c);

	json_object_begin(j, NULL);
	json_string(j, "check", c->check);
	json_string(j, "action", gp_change_kind_name(c->kind));
	json_string(j, "why", c->why);
	json_string(j, "path", c->path);
	json_string(j, "target", c->target);
	if (c->kind == GP_CHANGE_REGISTRY)
		json_string(j, "value", c->value);
	write_argv(j, "command", c->argv);
	write_argv(j, "undo_command", c->undo_argv);
	json_string(j, "diff", diff);
	json_string(j, "state", gp_change_state_name(c->state));
	json_string(j, "error", c->result < 0 ? strerror(-c->result) : NULL);
	json_string(j, "output", c->output);
	json_object_end(j);
}

void output_plan_json(struct json *j, const struct gp_result *res)
{
	json_array_begin(j, "changes");
	for (size_t i = 0; res->plan && i < res->plan->n_changes; i++)
		write_change(j, &res->plan->changes[i]);
	json_array_end(j);
}
