/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles (see include/guestprep/profile.h): a table maps each key to a
 * typed field of struct gp_profile, so adding a rule is one field and one
 * line here, and the same code reads profiles and configuration files.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "guestprep/profile.h"
#include "keyfile.h"
#include "profile-builtin.h"
#include "util.h"

#define MAX_INHERIT 8

enum key_type {
	KT_STRING,
	KT_STRV,
	KT_UINT,
	KT_U64,
	KT_STATUS,
};

struct profile_key {
	const char *key;
	enum key_type type;
	size_t offset;
};

#define KEY(name, type, field) { name, type, offsetof(struct gp_profile, field) }

static const struct profile_key profile_keys[] = {
	KEY("description", KT_STRING, description),
	KEY("os.fallback_platform", KT_STRING, fallback_platform),
	KEY("os.unsupported", KT_STATUS, os_unsupported),
	KEY("os.unlisted_version", KT_STATUS, os_unlisted_version),
	KEY("os.unknown", KT_STATUS, os_unknown),
	KEY("os.architectures", KT_STRV, architectures),
	KEY("import.image_formats", KT_STRV, image_formats),
	KEY("import.image_format", KT_STRING, image_format),
	KEY("storage.system_disk_min_gib", KT_UINT, system_disk_min_gib),
	KEY("storage.system_disk_max_gib", KT_UINT, system_disk_max_gib),
	KEY("storage.data_disk_min_gib", KT_UINT, data_disk_min_gib),
	KEY("storage.data_disk_max_gib", KT_UINT, data_disk_max_gib),
	KEY("storage.partition_tables", KT_STRV, partition_tables),
	KEY("storage.filesystems", KT_STRV, filesystems),
	KEY("storage.ext4_forbidden", KT_STRV, ext4_forbidden),
	KEY("storage.uefi_boot", KT_STATUS, uefi_boot),
	KEY("storage.multiple_partitions", KT_STATUS, multiple_partitions),
	KEY("storage.separate_mounts", KT_STATUS, separate_mounts),
	KEY("storage.system_disk_small", KT_STATUS, system_disk_small),
	KEY("storage.data_disk_small", KT_STATUS, data_disk_small),
	KEY("selinux.enforcing", KT_STATUS, selinux_enforcing),
	KEY("selinux.fix_mode", KT_STRING, selinux_fix_mode),
	KEY("disk_space.fail_free_mib", KT_U64, disk_fail_free_mib),
	KEY("disk_space.warn_free_mib", KT_U64, disk_warn_free_mib),
	KEY("disk_space.warn_free_pct", KT_UINT, disk_warn_free_pct),
	KEY("disk_space.fail_free_inodes", KT_U64, disk_fail_free_inodes),
	KEY("disk_space.warn_free_inodes_pct", KT_UINT, disk_warn_free_inodes_pct),
	KEY("system_files.missing_issue", KT_STATUS, missing_issue),
	KEY("sshd.port", KT_UINT, ssh_port),
	KEY("windows.rdp_port", KT_UINT, rdp_port),
	KEY("network.static_ip", KT_STATUS, static_ip),
	KEY("network.multiple_nics", KT_STATUS, multiple_nics),
	KEY("network.ipv6", KT_STATUS, ipv6),
	KEY("firewall.active", KT_STATUS, firewall_active),
	KEY("network.mac_pinned", KT_STATUS, mac_pinned),
	KEY("firewall.blocked", KT_STATUS, firewall_blocked),
	KEY("firewall.restricted", KT_STATUS, firewall_restricted),
	KEY("firewall.fix_mode", KT_STRING, firewall_fix_mode),
	KEY("sshd.root_login", KT_STATUS, sshd_root_login),
	KEY("sshd.password_auth", KT_STATUS, sshd_password_auth),
	KEY("sshd.login_restricted", KT_STATUS, sshd_login_restricted),
	KEY("virtio.initramfs_modules", KT_STRV, virtio_initramfs_modules),
	KEY("virtio.kernel_modules", KT_STRV, virtio_kernel_modules),
	KEY("virtio.optional_modules", KT_STRV, virtio_optional_modules),
	KEY("virtio.xen_frontends", KT_STRV, virtio_xen_frontends),
	KEY("virtio.default_kernel", KT_STATUS, virtio_default_kernel),
	KEY("virtio.other_kernels", KT_STATUS, virtio_other_kernels),
	KEY("virtio.xen_pv", KT_STATUS, virtio_xen_pv),
	KEY("qemu_ga.installed", KT_STATUS, qemu_ga_installed),
	KEY("cloud_init.missing", KT_STATUS, cloud_init_missing),
	KEY("cloud_init.datasources", KT_STRV, cloud_init_datasources),
	/* windows: winpass */
	KEY("windows_disk.partition_tables", KT_STRV, windows_partition_tables),
	KEY("windows_disk.filesystems", KT_STRV, windows_filesystems),
	/* end windows: winpass */
	/* windows: plugins */
	KEY("windows_os.unsupported", KT_STATUS, windows_os_unsupported),
	KEY("windows_os.service_pack", KT_STATUS, windows_os_service_pack),
	KEY("windows_os.unlisted", KT_STATUS, windows_os_unlisted),
	KEY("windows_rdp.disabled", KT_STATUS, windows_rdp_disabled),
	KEY("windows_rdp.port", KT_STATUS, windows_rdp_port),
	KEY("windows_rdp.firewall", KT_STATUS, windows_rdp_firewall),
	KEY("windows_virtio.storage", KT_STATUS, windows_virtio_storage),
	KEY("windows_virtio.network", KT_STATUS, windows_virtio_network),
	KEY("windows_virtio.boot_device", KT_STATUS, windows_virtio_boot_device),
	KEY("windows_qemu_ga.installed", KT_STATUS, windows_qemu_ga_installed),
	KEY("windows_qemu_ga.disabled", KT_STATUS, windows_qemu_ga_disabled),
	/* end windows: plugins */
};

static const struct profile_key *find_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(profile_keys); i++)
		if (strcmp(profile_keys[i].key, key) == 0)
			return &profile_keys[i];
	return NULL;
}

static int parse_status(const char *s, enum gp_status *ret)
{
	static const enum gp_status allowed[] = { GP_PASS, GP_WARN, GP_FAIL };

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (strcmp(s, gp_status_name(allowed[i])) == 0) {
			*ret = allowed[i];
			return 0;
		}
	return -EINVAL;
}

static int set_typed(struct gp_profile *p, const struct profile_key *k,
		     const char *value)
{
	void *field = (char *)p + k->offset;
	unsigned long long n;
	char **strv, *s;
	int r;

	switch (k->type) {
	case KT_STRING:
		s = strdup(value);
		if (!s)
			return -ENOMEM;
		free(*(char **)field);
		*(char **)field = s;
		return 0;
	case KT_STRV:
		r = strv_split(value, &strv);
		if (r < 0)
			return r;
		strv_free(*(char ***)field);
		*(char ***)field = strv;
		return 0;
	case KT_UINT:
		r = parse_u64(value, &n);
		if (r < 0 || n > UINT32_MAX)
			return -EINVAL;
		*(unsigned *)field = (unsigned)n;
		return 0;
	case KT_U64:
		r = parse_u64(value, &n);
		if (r < 0)
			return -EINVAL;
		*(uint64_t *)field = n;
		return 0;
	case KT_STATUS:
		return parse_status(value, (enum gp_status *)field);
	}
	return -EINVAL;
}

static const char *type_hint(enum key_type type)
{
	switch (type) {
	case KT_UINT:
	case KT_U64:
		return "a whole number";
	case KT_STATUS:
		return "fail, warn or pass";
	default:
		return "text";
	}
}

static struct gp_platform *get_platform(struct gp_profile *p, const char *name)
{
	struct gp_platform *list;

	for (size_t i = 0; i < p->n_platforms; i++)
		if (strcmp(p->platforms[i].name, name) == 0)
			return &p->platforms[i];
	list = realloc(p->platforms, (p->n_platforms + 1) * sizeof(*list));
	if (!list)
		return NULL;
	p->platforms = list;
	list += p->n_platforms;
	*list = (struct gp_platform){ .name = strdup(name) };
	if (!list->name)
		return NULL;
	p->n_platforms++;
	return list;
}

/* "platform.NAME = ids" and "versions.NAME = patterns". */
static int set_platform(struct gp_profile *p, const char *key,
			const char *value)
{
	bool ids = startswith(key, "platform.");
	const char *name = strchr(key, '.') + 1;
	struct gp_platform *pl;
	char **strv;
	int r;

	if (!*name)
		return -ENOENT;
	pl = get_platform(p, name);
	if (!pl)
		return -ENOMEM;
	r = strv_split(value, &strv);
	if (r < 0)
		return r;
	if (ids) {
		strv_free(pl->ids);
		pl->ids = strv;
	} else {
		strv_free(pl->versions);
		/* An empty list means "any version". */
		pl->versions = strv_length(strv) ? strv : NULL;
		if (!pl->versions)
			strv_free(strv);
	}
	return 0;
}

int gp_profile_set(struct gp_profile *p, const char *key, const char *value,
		   char **ret_error)
{
	const struct profile_key *k;
	int r;

	if (startswith(key, "platform.") || startswith(key, "versions."))
		return set_platform(p, key, value);
	k = find_key(key);
	r = k ? set_typed(p, k, value) : -ENOENT;
	if (r == -ENOENT && ret_error)
		*ret_error = strprintf("unknown key \"%s\"", key);
	else if (r == -EINVAL && ret_error)
		*ret_error = strprintf("%s: \"%s\" is not %s", key, value,
				       type_hint(k->type));
	return r;
}

const char *const *gp_profile_builtin_names(void)
{
	static const char *names[16];

	if (!names[0])
		for (size_t i = 0; i < ARRAY_SIZE(names) - 1 &&
				   gp_builtin_profiles[i].name; i++)
			names[i] = gp_builtin_profiles[i].name;
	return names;
}

static int load_text(const char *name, struct keyfile *ret, char **ret_error)
{
	_cleanup_free_ char *path = NULL, *label = NULL;
	int r;

	for (size_t i = 0; gp_builtin_profiles[i].name; i++)
		if (strcmp(gp_builtin_profiles[i].name, name) == 0) {
			label = strprintf("builtin:%s", name);
			if (!label)
				return -ENOMEM;
			return keyfile_parse(label, gp_builtin_profiles[i].text,
					     ret, ret_error);
		}
	if (path_has_dir(name))
		path = strdup(name);
	else
		path = strprintf("%s/guestprep/profiles/%s.profile",
				 SYSCONFDIR, name);
	if (!path)
		return -ENOMEM;
	r = keyfile_load(path, ret, ret_error);
	if (r == -ENOENT) {
		_cleanup_free_ char *builtin =
			strv_join((char *const *)gp_profile_builtin_names(), ", ");

		*ret_error = strprintf("no profile \"%s\" (built in: %s; "
				       "nor %s)", name, builtin ? builtin : "?",
				       path);
	}
	return r;
}

static int profile_apply(struct gp_profile *p, const char *name,
			 unsigned depth, char **ret_error)
{
	_cleanup_(keyfile_done) struct keyfile kf = { 0 };
	int r;

	if (depth > MAX_INHERIT) {
		*ret_error = strprintf("profile %s: inheritance too deep", name);
		return -ELOOP;
	}
	r = load_text(name, &kf, ret_error);
	if (r < 0)
		return r;
	for (size_t i = 0; i < kf.n_entries; i++) {
		struct keyfile_entry *e = &kf.entries[i];
		_cleanup_free_ char *what = NULL;

		if (strcmp(e->key, "inherit") == 0 && i == 0) {
			r = profile_apply(p, e->value, depth + 1, ret_error);
			if (r < 0)
				return r;
			continue;
		}
		r = strcmp(e->key, "inherit") == 0 ? -EINVAL :
		    gp_profile_set(p, e->key, e->value, &what);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			*ret_error = strprintf("%s:%u: %s", kf.name, e->line,
					       what ? what :
					       "\"inherit\" must come first");
			return -EINVAL;
		}
	}
	return 0;
}

int gp_profile_load(const char *name, struct gp_profile **ret,
		    char **ret_error)
{
	_cleanup_free_ char *error = NULL;
	struct gp_profile *p;
	const char *base;
	int r;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	p->name = strndup(base, strcspn(base, "."));
	r = p->name ? profile_apply(p, name, 0, &error) : -ENOMEM;
	if (r < 0) {
		gp_profile_free(p);
		if (ret_error)
			*ret_error = TAKE_PTR(error);
		return r;
	}
	*ret = p;
	return 0;
}

void gp_profile_free(struct gp_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(profile_keys); i++) {
		void *field = (char *)p + profile_keys[i].offset;

		if (profile_keys[i].type == KT_STRING)
			free(*(char **)field);
		else if (profile_keys[i].type == KT_STRV)
			strv_free(*(char ***)field);
	}
	for (size_t i = 0; i < p->n_platforms; i++) {
		free(p->platforms[i].name);
		strv_free(p->platforms[i].ids);
		strv_free(p->platforms[i].versions);
	}
	free(p->platforms);
	free(p->name);
	free(p);
}

enum gp_support gp_profile_classify(const struct gp_profile *p,
				    const struct gp_os *os,
				    const char **ret_platform)
{
	*ret_platform = NULL;
	if (!os->id || os->kind == GP_KIND_UNKNOWN)
		return GP_SUPPORT_UNKNOWN;
	for (size_t i = 0; i < p->n_platforms; i++) {
		const struct gp_platform *pl = &p->platforms[i];

		if (!gp_strv_contains(pl->ids, os->id))
			continue;
		*ret_platform = pl->name;
		if (!pl->versions || gp_version_matches(os->version, pl->versions))
			return GP_SUPPORT_YES;
		return GP_SUPPORT_UNLISTED;
	}
	/* Any other Linux can still be imported, as the fallback platform. */
	if (os->kind == GP_KIND_LINUX) {
		*ret_platform = p->fallback_platform;
		return GP_SUPPORT_NO;
	}
	/* A profile with no platform of this kind cannot judge it. */
	return GP_SUPPORT_UNKNOWN;
}
