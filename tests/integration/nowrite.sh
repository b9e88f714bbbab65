#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Check mode never writes, proven twice.
#
# 1. Under strace: `check` (text and JSON, -v, --output to a file outside
#    the tree) on every distribution fixture (the Windows one included)
#    and on this machine, `list` and `password`.  From the trace: no file
#    is opened for writing or created, nothing is renamed, linked,
#    removed, truncated, made or has its mode, owner, times or xattrs
#    changed, and no write reaches a file, except the --output file (and
#    its temporary sibling, renamed over it) and the standard streams.
# 2. Without strace: the fixture bind-mounted read-only (root only) must
#    give the same report as the writable fixture; a write the trace
#    missed would fail there with EROFS and change the report.
#
# Skips (77) only when strace is missing; without root, part 2 is left
# out and says so.
. "$TESTS_LIB"

command -v strace >/dev/null || { echo "strace is needed (apt-get install strace)"; exit 77; }
# A strace that cannot trace (ptrace forbidden) must not pass as proof.
if ! strace -f -o /dev/null true 2>"$WORK/err"; then
	fail "strace cannot trace here: $(cat "$WORK/err")"
	finish
fi

# LeakSanitizer stops the world with ptrace, which strace holds: under
# ASan it aborts at exit with status 1, a verdict.  Leaks are the other
# tests' business; here only writes are.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

OUT="$WORK/report"

# violations TRACE: print the trace lines that change a file other than
# $OUT (or its temporary $OUT.XXXXXX), /dev/null or /dev/tty.  The trace
# is strace -y: every descriptor shows its path as FD<path>.
violations() {
	awk -v out="$OUT" '
	function ok(p) {
		# The temporary report is OUT.XXXXXX (mkstemp), renamed to OUT.
		return p == out || (length(p) == length(out) + 7 &&
			substr(p, 1, length(out) + 1) == out "." &&
			substr(p, length(out) + 2) ~ /^[A-Za-z0-9]+$/) ||
			p == "/dev/null" || p == "/dev/tty"
	}
	# A descriptor that is fine to write: a stream, or an allowed file.
	function okfd(s,  n, p) {
		n = s; sub(/<.*/, "", n)
		p = s; sub(/^[0-9]+</, "", p); sub(/>$/, "", p)
		return n == "1" || n == "2" || ok(p) ||
			p ~ /^(pipe|socket|anon_inode):/ || p ~ /^\/dev\/pts\//
	}
	# Every descriptor of the call, and with paths set every quoted
	# path, must be allowed (the quoted data of a write is no path).
	function allok(args, paths,  a, s) {
		a = args
		while (paths && match(a, /"([^"\\]|\\.)*"/)) {
			s = substr(a, RSTART + 1, RLENGTH - 2)
			if (!ok(s))
				return 0
			a = substr(a, RSTART + RLENGTH)
		}
		a = args
		while (match(a, /(^|[(, ])[0-9]+<[^>]*>/)) {
			s = substr(a, RSTART, RLENGTH); sub(/^[(, ]/, "", s)
			if (!okfd(s))
				return 0
			a = substr(a, RSTART + RLENGTH)
		}
		return 1
	}
	{
		line = $0
		sub(/^[0-9]+ +/, "", line)
		if (line !~ /^[a-z0-9_]+\(/)
			next
		call = line; sub(/\(.*/, "", call)
		args = line; sub(/^[a-z0-9_]+\(/, "", args)
	}
	call ~ /^(open|openat|openat2|creat|open_by_handle_at)$/ {
		if (call == "creat" || args ~ /O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)/) {
			# The path the call resolved to, when it succeeded.
			p = ""
			if (match(line, /= [0-9]+<[^>]*>$/)) {
				p = substr(line, RSTART + 2); sub(/^[0-9]+</, "", p); sub(/>$/, "", p)
			} else if (match(args, /"([^"\\]|\\.)*"/))
				p = substr(args, RSTART + 1, RLENGTH - 2)
			if (!ok(p))
				print
		}
		next
	}
	call ~ /^(rename|renameat|renameat2|link|linkat|symlink|symlinkat|unlink|unlinkat|mkdir|mkdirat|rmdir|mknod|mknodat|truncate|truncate64|chmod|fchmodat|fchmodat2|chown|chown32|lchown|lchown32|fchownat|utime|utimes|futimesat|utimensat|setxattr|lsetxattr|removexattr|lremovexattr|mount|umount|umount2|swapon|acct|chroot|pivot_root)$/ {
		if (!allok(args, 1))
			print
		next
	}
	call ~ /^(ftruncate|ftruncate64|fchmod|fchown|fchown32|fsetxattr|fremovexattr|fallocate|write|writev|pwrite64|pwritev|pwritev2|sendfile|sendfile64|copy_file_range|splice|tee|vmsplice)$/ {
		if (!allok(args, 0))
			print
		next
	}'
}

# traced NAME ARGS...: run guestprep under strace (its trace in
# $WORK/NAME.trace), stdout to $WORK/stdout, stdin a pipe carrying
# $PIPE_INPUT when that is set; sets $rc; fails on any violation and on
# an exit that is not a verdict (0, 1, 2).
traced() {
	local name=$1 v

	shift
	rm -f "$OUT"
	if [ -n "${PIPE_INPUT:-}" ]; then
		printf '%s\n' "$PIPE_INPUT" | timeout 120 strace -f -y -qq \
			-o "$WORK/$name.trace" -e trace=%file,%desc -e signal=none \
			"$GUESTPREP" "$@" >"$WORK/stdout" 2>"$WORK/err"
	else
		timeout 120 strace -f -y -qq -o "$WORK/$name.trace" \
			-e trace=%file,%desc -e signal=none \
			"$GUESTPREP" "$@" >"$WORK/stdout" 2>"$WORK/err"
	fi
	rc=$?
	case $rc in
	0|1|2) ;;
	*) fail "$name: exit $rc"; tail -n 5 "$WORK/err" >&2; return ;;
	esac
	v=$(violations <"$WORK/$name.trace")
	if [ -n "$v" ]; then
		fail "$name wrote:"
		printf '%s\n' "$v" | head -n 20 | sed 's/^/    /' >&2
	else
		pass "$name: $(wc -l <"$WORK/$name.trace") calls, no write"
	fi
}

# The detector itself: a trace that writes where it must not is caught
# (otherwise a broken pattern would prove nothing).
cat >"$WORK/bad.trace" <<EOS
1 openat(AT_FDCWD</x>, "/etc/passwd", O_WRONLY|O_CLOEXEC) = 3</etc/passwd>
1 openat2(3</r>, "etc/x", {flags=O_RDWR|O_CREAT, mode=0600, resolve=RESOLVE_IN_ROOT}, 24) = 4</r/etc/x>
1 rename("/r/a", "$OUT") = 0
1 unlinkat(AT_FDCWD</x>, "/r/b", 0) = 0
1 fchmod(5</r/etc/shadow>, 0644) = 0
1 write(6</r/etc/hosts>, "x", 1) = 1
1 utimensat(7</r/etc/fstab>, NULL, NULL, 0) = 0
1 mkdir("$OUT.d", 0700) = 0
EOS
cat >"$WORK/good.trace" <<EOS
1 openat(AT_FDCWD</x>, "$OUT.Ab12Cd", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 4<$OUT.Ab12Cd>
1 fchmod(4<$OUT.Ab12Cd>, 0644) = 0
1 write(4<$OUT.Ab12Cd>, "{", 1) = 1
1 rename("$OUT.Ab12Cd", "$OUT") = 0
1 write(2</dev/pts/0>, "x", 1) = 1
1 write(1<pipe:[123]>, "x", 1) = 1
1 openat(AT_FDCWD</x>, "/dev/null", O_RDWR) = 3</dev/null>
1 openat2(3</r>, "etc/os-release", {flags=O_RDONLY|O_NOFOLLOW|O_CLOEXEC, resolve=RESOLVE_IN_ROOT}, 24) = 4</r/etc/os-release>
EOS
n=$(violations <"$WORK/bad.trace" | wc -l)
[ "$n" -eq 8 ] || fail "the detector found $n of 8 writes in bad.trace"
n=$(violations <"$WORK/good.trace" | wc -l)
[ "$n" -eq 0 ] || fail "the detector flagged $n allowed calls"
# And on this strace's own output: touch creates a file, sets its times.
strace -f -y -qq -o "$WORK/touch.trace" -e trace=%file,%desc -e signal=none \
	touch "$WORK/touched"
n=$(violations <"$WORK/touch.trace" | wc -l)
[ "$n" -ge 2 ] || fail "the detector found $n writes of touch, not 2"

# 1a. Every fixture tree, both formats, verbose, report to a file.
for tree in "$FIXTURES"/distros/*/; do
	name=$(basename "$tree")
	traced "$name.text" check --root "$tree" -v -f text -o "$OUT"
	traced "$name.json" check --root "$tree" -v -f json -o "$OUT"
	jq -e . "$OUT" >/dev/null || fail "$name: no JSON report in --output"
done

# 1b. This machine.  Its verdict is whatever it is; only writes matter.
traced live.text check -v -f text -o "$OUT"
traced live.json check -v -f json -o "$OUT"
jq -e '.host.live == true' "$OUT" >/dev/null || fail "live: not a live report"
# The report on standard output: no file at all.
traced live.stdout check -f json

# 1c. The commands that never touch a system.
traced list list
traced list.json list -f json
echo 'Correct-Horse-9-Battery' >"$WORK/pw"
traced password password -f json <"$WORK/pw"
jq -e '.accepted == true' "$WORK/stdout" >/dev/null || fail "password was not read"
# From a real pipe too, the way scripts feed it.
PIPE_INPUT=short traced password.pipe password
[ "$rc" -eq 2 ] || fail "password from a pipe: exit $rc, expected 2 (rejected)"

# 2. A read-only bind mount of each fixture gives the same report.  Disk
# space is left out: the numbers are those of whatever holds the tree.
if [ "$(id -u)" -ne 0 ]; then
	echo "skip: the read-only bind mount needs root"
	finish
fi
RO="$WORK/ro"
mkdir "$RO"
# Never remove $WORK while the fixture is mounted in it: rmdir fails on
# a mount point (or a full directory), and the work directory then stays.
trap 'umount "$RO" 2>/dev/null; rmdir "$RO" && rm -rf "$WORK"' EXIT
if ! mount --bind "$FIXTURES/distros/centos7" "$RO" 2>"$WORK/err" ||
	! mount -o remount,bind,ro "$RO" 2>>"$WORK/err"; then
	umount "$RO" 2>/dev/null
	echo "skip: cannot bind-mount here: $(cat "$WORK/err")"
	finish
fi
umount "$RO"
for tree in "$FIXTURES"/distros/*/; do
	name=$(basename "$tree")
	tree=${tree%/}
	if ! mount --bind "$tree" "$RO" || ! mount -o remount,bind,ro "$RO"; then
		umount "$RO" 2>/dev/null
		fail "$name: bind mount"
		continue
	fi
	if touch "$RO/.guestprep-rw" 2>/dev/null; then
		rm -f "$RO/.guestprep-rw"
		fail "$name: the bind mount is writable"
	fi
	for f in json text; do
		gp check --root "$RO" --skip disk_space -v -f "$f" --color never
		ro_rc=$rc
		sed "s|$RO|ROOT|g" "$WORK/out" >"$WORK/ro.$f"
		grep -i 'read-only file system' "$WORK/err" && fail "$name: EROFS"
		gp check --root "$tree" --skip disk_space -v -f "$f" --color never
		sed "s|$tree|ROOT|g" "$WORK/out" >"$WORK/rw.$f"
		if [ "$rc" -eq "$ro_rc" ] && cmp -s "$WORK/rw.$f" "$WORK/ro.$f"; then
			pass "$name: same $f report read-only (exit $rc)"
		else
			fail "$name: $f report differs read-only (exit $ro_rc, $rc)"
			diff -u "$WORK/rw.$f" "$WORK/ro.$f" | head -n 20 >&2
		fi
	done
	umount "$RO" || fail "$name: umount"
done

finish
