#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile offline tree: links escaping the root, loops, FIFOs, device
# nodes, a huge sparse file, odd names.  guestprep must finish quickly,
# report findings (not crash), emit valid JSON, read nothing outside the
# root, and change nothing inside it.
. "$TESTS_LIB"

T="$WORK/tree"
mkdir -p "$T/etc/selinux" "$T/etc/default" "$T/boot/grub" "$T/usr/bin"

# Identity files that point at the host's own (Debian 12 here).
ln -s /../../../../../../etc/os-release "$T/etc/os-release"
ln -s ../../../../../../../../../etc/debian_version "$T/etc/debian_version"
ln -s /etc/../../../usr/lib/os-release "$T/etc/lsb-release"
# Loops and FIFOs where configuration is expected.
ln -s issue "$T/etc/issue"
ln -s a "$T/etc/selinux/b"
ln -s b "$T/etc/selinux/a"
ln -s a "$T/etc/selinux/config"
mkfifo "$T/etc/fstab"
mkfifo "$T/etc/default/grub"
# A device node as the shadow file, where the system lets us make one.
mknod "$T/etc/shadow" c 1 5 2>/dev/null || ln -s /dev/zero "$T/etc/shadow"
# Five sparse gigabytes of bootloader configuration.
truncate -s 5G "$T/boot/grub/grub.cfg"
# Directories that are links out of the root, or nowhere.
ln -s / "$T/bin"
ln -s /../.. "$T/sbin"
ln -s "$T/../../../../../lib" "$T/lib"
# Names no terminal or JSON parser should choke on.
touch "$T/etc/$(printf 'new\nline')" "$T/etc/$(printf 'bad\377utf8')"

snapshot() {
	(cd "$T" && find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort)
}
snapshot >"$WORK/before"

start=$(date +%s)
gp check --root "$T" --format json
elapsed=$(($(date +%s) - start))
case $rc in
0|1|2) pass "hostile tree gives a verdict (exit $rc)" ;;
*) fail "hostile tree: exit $rc"; cat "$WORK/err" >&2 ;;
esac
[ "$elapsed" -lt 10 ] || fail "hostile tree took ${elapsed}s"
jq -e . "$WORK/out" >/dev/null || fail "hostile tree: JSON is not valid"

# Nothing of the host leaked in through the links.
jq -e '.host.os.id == null and .host.os.version == null' "$WORK/out" >/dev/null ||
	fail "host identity leaked: $(jq -c .host.os "$WORK/out")"
jq -e '.host.os.family == "unknown"' "$WORK/out" >/dev/null || fail "family"

statuses "$WORK/out" >"$WORK/got"
while read -r id want; do
	grep -qx "$id $want" "$WORK/got" || fail "$id: expected $want, got $(grep "^$id " "$WORK/got")"
done <<EOS
os.identified fail
selinux.config warn
system_files.issue fail
system_files.fstab fail
system_files.bootloader fail
system_files.dirs fail
system_files.shadow fail
EOS
jq -e '.findings | all(.status != "error")' "$WORK/out" >/dev/null ||
	fail "a check errored on the hostile tree"

# The text report is safe for a terminal.
gp check --root "$T" --color never
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037]')" "$WORK/out"; then
	fail "control characters reached the text report"
fi

# Check mode changed nothing.
snapshot >"$WORK/after"
cmp -s "$WORK/before" "$WORK/after" || fail "check mode changed the tree"

finish
