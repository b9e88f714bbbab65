#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run libFuzzer targets for a bounded time: make fuzz / make fuzz-smoke.
#   run.sh SRCDIR FUZZDIR NAME...
# FUZZDIR is the clang build holding tests/fuzz/fuzz_NAME.  Each target
# starts from the seeds tests/fuzz/seeds.sh collects from the fixtures
# (FUZZDIR/corpus/NAME, which keeps what the runs found) and runs for
# FUZZ_SECONDS.  A crash, leak or timeout fails the target and keeps its
# reproducer in FUZZDIR/crashes; the executions of each target go to
# FUZZDIR/results.txt ("NAME EXECUTIONS ok|failed").
set -u

src=$1
dir=$2
shift 2
secs=${FUZZ_SECONDS:-60}
failed=0

# The longest input worth trying, by what the parser reads.
max_len() {
	case $1 in
	initramfs|winreg) echo 65536 ;;
	grub|fw|extchecks|journal|sshd|netplan) echo 16384 ;;
	*) echo 8192 ;;
	esac
}

# The cpio reader of libarchive reserves the size a symlink's header
# declares (up to 4 GiB) before it reads the target: a few bytes of input
# ask for gigabytes of address space.  Outside the sanitizers it is only
# reserved (or malloc fails and the image is unreadable); under ASan,
# freeing it poisons shadow memory an eighth of its size.  So that
# target runs as on a machine that refuses such allocations, which also
# tests that the failure is handled.  Every target keeps a smaller
# quarantine of freed memory than ASan's 256 MB, which with the
# allocator's caches would otherwise reach the RSS limit by itself in the
# targets that run whole plugins.
asan_options() {
	o=quarantine_size_mb=64
	case $1 in
	initramfs) o=$o:allocator_may_return_null=1:max_allocation_size_mb=256 ;;
	esac
	echo "$o${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
}

mkdir -p "$dir/crashes" "$dir/tmp"
: >"$dir/results.txt"
for name in "$@"; do
	prog=$dir/tests/fuzz/fuzz_$name
	corpus=$dir/corpus/$name
	log=$dir/fuzz_$name.log
	mkdir -p "$corpus"
	sh "$src/tests/fuzz/seeds.sh" "$src" "$name" "$corpus" "$dir" || exit 1
	# The targets' temporary trees go under the build directory: after
	# a crash (no atexit) nothing is left in /tmp.
	TMPDIR=$dir/tmp ASAN_OPTIONS=$(asan_options "$name") \
		"$prog" -max_total_time="$secs" \
		-max_len="$(max_len "$name")" -rss_limit_mb=512 -timeout=30 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" \
		"$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$name: ${execs:-?} executions in ${secs}s: ok"
		echo "$name ${execs:-0} ok" >>"$dir/results.txt"
	else
		echo "fuzz_$name: ${execs:-?} executions: CRASH (exit $rc)"
		grep -E '^==[0-9]+==ERROR|SUMMARY|^artifact_prefix|Test unit written' \
			"$log" | head -n 5
		echo "  log: $log"
		echo "  reproduce: $prog $dir/crashes/$name-*"
		echo "$name ${execs:-0} failed" >>"$dir/results.txt"
		failed=1
	fi
done
exit $failed
