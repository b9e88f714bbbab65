/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner behind include/guestprep/fix.h: fixers describe changes,
 * and each is recorded with what the path holds now, so that the plan
 * can be shown as a diff, an unchanged path is not planned at all (a
 * second fix run changes nothing), and the journal can refuse to apply
 * over a file that changed in between.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "guestprep/fix.h"
#include "runner.h"
#include "util.h"

const char *gp_change_kind_name(enum gp_change_kind kind)
{
	static const char *const names[] = {
		[GP_CHANGE_WRITE] = "write",
		[GP_CHANGE_REMOVE] = "remove",
		[GP_CHANGE_SYMLINK] = "symlink",
		[GP_CHANGE_COMMAND] = "command",
		[GP_CHANGE_REGISTRY] = "registry",
	};

	return names[kind];
}

const char *gp_change_state_name(enum gp_change_state state)
{
	static const char *const names[] = {
		[GP_CHANGE_PLANNED] = "planned",
		[GP_CHANGE_APPLIED] = "applied",
		[GP_CHANGE_FAILED] = "failed",
		[GP_CHANGE_NOT_REACHED] = "not-reached",
		[GP_CHANGE_MANUAL] = "manual",
	};

	return names[state];
}

void change_done(struct gp_change *c)
{
	free(c->check);
	free(c->why);
	free(c->path);
	free(c->data);
	free(c->target);
	strv_free(c->argv);
	strv_free(c->undo_argv);
	strv_free(c->replaces);
	free(c->old_data);
	free(c->old_target);
	free(c->value);
	free(c->output);
}

void plan_done(struct gp_plan *plan)
{
	for (size_t i = 0; i < plan->n_changes; i++)
		change_done(&plan->changes[i]);
	free(plan->changes);
	*plan = (struct gp_plan){ 0 };
}

/* A new, zeroed change at the end of the plan, or NULL. */
static struct gp_change *plan_append(struct gp_ctx *ctx, const char *why)
{
	struct gp_plan *plan = ctx->plan;
	struct gp_change *list, *c;

	list = realloc(plan->changes, (plan->n_changes + 1) * sizeof(*list));
	if (!list)
		return NULL;
	plan->changes = list;
	c = memset(&list[plan->n_changes], 0, sizeof(*c));
	c->check = strdup(ctx->check ? ctx->check->id : "");
	c->why = strdup(why);
	if (!c->check || !c->why) {
		change_done(c);
		return NULL;
	}
	plan->n_changes++;
	return c;
}

/* Drop the last change appended, when it turned out to be no change. */
static void plan_drop_last(struct gp_ctx *ctx)
{
	change_done(&ctx->plan->changes[--ctx->plan->n_changes]);
}

/* The change already planned for @path, so two fixers of one file merge. */
static struct gp_change *planned(struct gp_ctx *ctx, const char *path)
{
	for (size_t i = 0; i < ctx->plan->n_changes; i++) {
		struct gp_change *c = &ctx->plan->changes[i];

		if (c->path && strcmp(c->path, path) == 0)
			return c;
	}
	return NULL;
}

/* Record what @path is now (not following a final symlink). */
static int observe(const struct gp_root *root, const char *path,
		   struct gp_change *c)
{
	struct stat st;
	int r = gp_root_stat(root, path, false, &st);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	c->existed = true;
	if (S_ISLNK(st.st_mode)) {
		c->was_link = true;
		return gp_root_readlink(root, path, &c->old_target);
	}
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return gp_root_read_file(root, path, GP_PLAN_MAX_FILE, &c->old_data,
				 &c->old_len);
}

static bool same_content(const struct gp_change *c, const char *data,
			 size_t len)
{
	return c->existed && !c->was_link && c->old_len == len &&
	       memcmp(c->old_data, data, len) == 0;
}

/* Fill @c as a write of @data; 1 when the path already holds it. */
static int prepare_write(struct gp_ctx *ctx, struct gp_change *c,
			 const char *path, const char *data, size_t len,
			 mode_t mode)
{
	int r = observe(ctx->root, path, c);

	if (r < 0)
		return r;
	if (same_content(c, data, len))
		return 1;
	c->kind = GP_CHANGE_WRITE;
	c->mode = mode;
	c->path = strdup(path);
	c->data = malloc(len + 1);
	if (!c->path || !c->data)
		return -ENOMEM;
	memcpy(c->data, data, len);
	c->data[len] = '\0';
	c->len = len;
	return 0;
}

/*
 * The real path of a new file whose directories may not exist yet: what
 * exists is resolved (links in it followed, inside the root), the rest
 * is appended as given; the journal creates those directories.
 */
static int resolve_new(const struct gp_root *root, const char *path,
		       char **ret)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	int r;

	if (!dir)
		return -ENOMEM;
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		_cleanup_free_ char *real = NULL;

		*slash = '\0';
		r = gp_root_resolve(root, dir, &real);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		return asprintf(ret, "%s%s", strcmp(real, "/") ? real : "",
				path + (slash - dir)) < 0 ? -ENOMEM : 0;
	}
	*ret = strdup(path);
	return *ret ? 0 : -ENOMEM;
}

int gp_plan_write(struct gp_ctx *ctx, const char *path, const char *data,
		  size_t len, mode_t mode, const char *why)
{
	_cleanup_free_ char *real = NULL;
	struct gp_change *c, *prev;
	int r;

	if (!ctx->plan)
		return -EPERM;
	/* Edit what a symlink points to, as an editor would. */
	r = gp_root_resolve(ctx->root, path, &real);
	if (r == -ENOENT)
		r = resolve_new(ctx->root, path, &real);
	if (r < 0)
		return r;
	prev = planned(ctx, real);
	if (prev && prev->kind == GP_CHANGE_WRITE) {
		char *copy = malloc(len + 1);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
		copy[len] = '\0';
		free(prev->data);
		prev->data = copy;
		prev->len = len;
		return 0;
	}
	c = plan_append(ctx, why);
	if (!c)
		return -ENOMEM;
	r = prepare_write(ctx, c, real, data, len, mode);
	if (r != 0)
		plan_drop_last(ctx);	/* failed, or already so */
	return r < 0 ? r : 0;
}

/* Append a change of @kind to @path, with what the path holds now. */
static int plan_path_change(struct gp_ctx *ctx, enum gp_change_kind kind,
			    const char *path, const char *why,
			    struct gp_change **ret)
{
	struct gp_change *c;
	int r;

	if (!ctx->plan)
		return -EPERM;
	if (planned(ctx, path))
		return -EEXIST;
	c = plan_append(ctx, why);
	if (!c)
		return -ENOMEM;
	c->kind = kind;
	c->path = strdup(path);
	r = c->path ? observe(ctx->root, path, c) : -ENOMEM;
	if (r < 0) {
		plan_drop_last(ctx);
		return r;
	}
	*ret = c;
	return 0;
}

int gp_plan_remove(struct gp_ctx *ctx, const char *path, const char *why)
{
	struct gp_change *c;
	int r = plan_path_change(ctx, GP_CHANGE_REMOVE, path, why, &c);

	if (r == 0 && !c->existed)
		plan_drop_last(ctx);	/* nothing there to remove */
	return r;
}

int gp_plan_symlink(struct gp_ctx *ctx, const char *path, const char *target,
		    const char *why)
{
	struct gp_change *c;
	int r = plan_path_change(ctx, GP_CHANGE_SYMLINK, path, why, &c);

	if (r < 0)
		return r;
	/* Already the very link asked for: nothing to do. */
	if (c->was_link && strcmp(c->old_target, target) == 0) {
		plan_drop_last(ctx);
		return 0;
	}
	c->target = strdup(target);
	if (!c->target) {
		plan_drop_last(ctx);
		return -ENOMEM;
	}
	return 0;
}

static int copy_argv(const char *const *argv, char ***ret)
{
	char **v = NULL;

	for (size_t i = 0; argv && argv[i]; i++)
		if (strv_push(&v, argv[i]) < 0) {
			strv_free(v);
			return -ENOMEM;
		}
	*ret = v;
	return 0;
}

static int plan_command(struct gp_ctx *ctx, const char *const *argv,
			const char *const *undo_argv,
			const char *const *replaces, unsigned flags,
			const char *why)
{
	struct gp_change *c;

	if (!ctx->plan)
		return -EPERM;
	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	for (size_t i = 0; replaces && replaces[i]; i++)
		if (replaces[i][0] != '/')
			return -EINVAL;
	c = plan_append(ctx, why);
	if (!c)
		return -ENOMEM;
	c->kind = GP_CHANGE_COMMAND;
	c->flags = flags;
	if (copy_argv(argv, &c->argv) < 0 ||
	    copy_argv(undo_argv, &c->undo_argv) < 0 ||
	    copy_argv(replaces, &c->replaces) < 0) {
		plan_drop_last(ctx);
		return -ENOMEM;
	}
	return 0;
}

int gp_plan_command(struct gp_ctx *ctx, const char *const *argv,
		    const char *const *undo_argv, unsigned flags,
		    const char *why)
{
	return plan_command(ctx, argv, undo_argv, NULL, flags, why);
}

int gp_plan_command_replacing(struct gp_ctx *ctx, const char *const *argv,
			      const char *const *replaces, unsigned flags,
			      const char *why)
{
	if (!replaces || !replaces[0])
		return -EINVAL;
	return plan_command(ctx, argv, NULL, replaces, flags, why);
}

/* The registry change already planned for @path and @value. */
static struct gp_change *planned_value(struct gp_ctx *ctx, const char *path,
				       const char *value)
{
	for (size_t i = 0; i < ctx->plan->n_changes; i++) {
		struct gp_change *c = &ctx->plan->changes[i];

		if (c->kind == GP_CHANGE_REGISTRY && strcmp(c->path, path) == 0 &&
		    strcasecmp(c->value, value) == 0)
			return c;
	}
	return NULL;
}

/* A copy of @len bytes of @data, NUL-terminated (strings display). */
static char *dup_bytes(const void *data, size_t len)
{
	char *p = malloc(len + 2);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, data, len);
	p[len] = p[len + 1] = '\0';
	return p;
}

static bool same_regdata(const struct gp_regdata *a,
			 const struct gp_regdata *b)
{
	return a && b && a->type == b->type && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static int fill_registry(struct gp_change *c, const char *path,
			 const char *value, const struct gp_regdata *now,
			 const struct gp_regdata *want)
{
	c->kind = GP_CHANGE_REGISTRY;
	c->path = strdup(path);
	c->value = strdup(value);
	c->reg_type = want->type;
	c->data = dup_bytes(want->data, want->len);
	c->len = want->len;
	if (!c->path || !c->value || !c->data)
		return -ENOMEM;
	if (!now)
		return 0;
	c->existed = true;
	c->old_reg_type = now->type;
	c->old_data = dup_bytes(now->data, now->len);
	c->old_len = now->len;
	return c->old_data ? 0 : -ENOMEM;
}

int gp_plan_registry(struct gp_ctx *ctx, const char *key, const char *value,
		     const struct gp_regdata *now,
		     const struct gp_regdata *want, const char *why)
{
	_cleanup_free_ char *path = NULL;
	struct gp_change *c;
	int r;

	if (!ctx->plan)
		return -EPERM;
	if (!key || !*key || !value || !want || (!want->data && want->len) ||
	    (now && !now->data && now->len))
		return -EINVAL;
	path = strprintf("HKLM\\%s", key);
	if (!path)
		return -ENOMEM;
	c = planned_value(ctx, path, value);
	if (c) {
		/* Two fixers of one value: the later wins, from the same old. */
		char *copy = dup_bytes(want->data, want->len);

		if (!copy)
			return -ENOMEM;
		free(c->data);
		c->data = copy;
		c->len = want->len;
		c->reg_type = want->type;
		return 0;
	}
	if (same_regdata(now, want))
		return 0;	/* already so: a second run changes nothing */
	c = plan_append(ctx, why);
	if (!c)
		return -ENOMEM;
	r = fill_registry(c, path, value, now, want);
	if (r < 0)
		plan_drop_last(ctx);
	return r;
}
