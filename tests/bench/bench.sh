#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: wall time (median of N runs) and peak RSS of
# `guestprep check` on
#   - the live machine,
#   - a debootstrapped Debian 12 with its kernel and initramfs,
#   - a large synthetic tree (gen-tree.sh: several kernels, a 60 MB zstd
#     initramfs with the virtio modules last, hundreds of config files),
# next to the time zstd alone takes to decompress the synthetic images:
# the floor for any reader that has to see their last entry.
# Target: a real system (live, Debian) in under 150 ms and 10 MiB.
#
# Environment (make bench sets the first four):
#   GUESTPREP, MEASURE, MKFILES,
#   INFLATE                       the programs
#   BENCH_RUNS=N                  timed runs per row (default 11)
#   BENCH_DIR=DIR                 where the generated trees are kept
#                                 between runs (default /var/tmp/guestprep-bench)
#   BENCH_MAIN_MB=N               size of the big image (default 60)
#   VIRTIO_DEBOOTSTRAP_CACHE=DIR  a bootstrapped Debian tree to use, as
#                                 made by tests/integration/virtio-debootstrap.sh;
#   SYSTEM_CACHE=DIR              or DIR/deb, the tree `make check-integration`
#                                 keeps (make bench passes its default);
#                                 without either one is bootstrapped into
#                                 BENCH_DIR (root and the network needed,
#                                 about 3 minutes once), unless
#   BENCH_DEBOOTSTRAP=no          which leaves that row out.
# Exits 0 whatever the numbers: it measures, it does not judge; the
# last column says whether a row meets the target.
set -u

GUESTPREP=${GUESTPREP:?set GUESTPREP to the guestprep binary}
MEASURE=${MEASURE:?set MEASURE to the measure program}
MKFILES=${MKFILES:?set MKFILES to the mkfiles program}
INFLATE=${INFLATE:?set INFLATE to the inflate program}
RUNS=${BENCH_RUNS:-11}
BENCH_DIR=${BENCH_DIR:-/var/tmp/guestprep-bench}
MAIN_MB=${BENCH_MAIN_MB:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET_MS=150
TARGET_KIB=10240
MIRROR=${VIRTIO_MIRROR:-http://deb.debian.org/debian}

mkdir -p "$BENCH_DIR" || exit 1
# Bump the version when gen-tree.sh changes, so that a kept tree is remade.
TREE="$BENCH_DIR/tree-$MAIN_MB-v2"
FLOOR="$BENCH_DIR/floor-$MAIN_MB-v2"

# The synthetic tree, made once per size and kept (about 10 s of
# generation, 400 MB of disk for the default size).
synthetic_tree() {
	[ -e "$TREE/.complete" ] && return 0
	rm -rf "$TREE" "$TREE.tmp" "$FLOOR"
	echo "generating the synthetic tree in $TREE ..."
	MKFILES=$MKFILES sh "$HERE/gen-tree.sh" "$TREE.tmp" "$MAIN_MB" |
		sed 's/^/  /' || return 1
	mv "$TREE.tmp" "$TREE" && : >"$TREE/.complete"
}

# Where the compressed archive of an initramfs begins: after the
# uncompressed cpio archives (early microcode) and the zeros that pad
# them.  0 for an image that is compressed from its first byte.
compressed_offset() {
	img=$1 off=0
	while [ "$(tail -c +$(( off + 1 )) "$img" | head -c 6)" = 070701 ]; do
		t=$(tail -c +$(( off + 1 )) "$img" |
			LC_ALL=C grep -obUa -m 1 'TRAILER!!!' | head -n 1 | cut -d: -f1)
		[ -n "$t" ] || return 1
		off=$(( off + t + 11 ))
		z=$(tail -c +$(( off + 1 )) "$img" | head -c 65536 | od -An -v -tu1 |
			tr -s ' ' '\n' | awk 'NF && $1 != 0 { print n; exit } NF { n++ }')
		[ -n "$z" ] || return 1
		off=$(( off + z ))
	done
	echo "$off"
}

# The zstd half of each image, alone, for `zstd -dc`.
floor_files() {
	[ -e "$FLOOR/.complete" ] && return 0
	mkdir -p "$FLOOR" || return 1
	for img in "$TREE"/boot/initramfs-*.img; do
		off=$(compressed_offset "$img") || { echo "cannot parse $img" >&2; return 1; }
		tail -c +$(( off + 1 )) "$img" >"$FLOOR/$(basename "$img").zst" || return 1
	done
	: >"$FLOOR/.complete"
}

# A Debian tree: the cache of virtio-debootstrap.sh, or one made here.
debian_tree() {
	if [ -n "${VIRTIO_DEBOOTSTRAP_CACHE:-}" ]; then
		if [ -e "$VIRTIO_DEBOOTSTRAP_CACHE/boot" ]; then
			DEB=$VIRTIO_DEBOOTSTRAP_CACHE
			return 0
		fi
		DEB_WHY="VIRTIO_DEBOOTSTRAP_CACHE=$VIRTIO_DEBOOTSTRAP_CACHE has no /boot"
		return 1
	fi
	if [ -n "${SYSTEM_CACHE:-}" ] && [ -f "$SYSTEM_CACHE/deb/.complete" ]; then
		DEB=$SYSTEM_CACHE/deb
		return 0
	fi
	DEB="$BENCH_DIR/debian12"
	[ -e "$DEB/.complete" ] && return 0
	if [ "${BENCH_DEBOOTSTRAP:-}" = no ]; then
		DEB_WHY="BENCH_DEBOOTSTRAP=no"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		DEB_WHY="not root: debootstrap cannot run"
		return 1
	fi
	if ! command -v debootstrap >/dev/null; then
		DEB_WHY="debootstrap is not installed"
		return 1
	fi
	echo "bootstrapping Debian 12 into $DEB (once; about 3 minutes) ..."
	rm -rf "$DEB"
	if ! debootstrap --variant=minbase \
		--include=linux-image-amd64,initramfs-tools bookworm "$DEB" \
		"$MIRROR" >"$BENCH_DIR/debootstrap.log" 2>&1; then
		rm -rf "$DEB"
		DEB_WHY="debootstrap failed (network?), see $BENCH_DIR/debootstrap.log"
		return 1
	fi
	: >"$DEB/.complete"
}

hr() {
	printf '%s\n' "------------------------------------------------------------------------------------------"
}

header() {
	printf '%-40s %5s %9s %9s %9s %9s %4s  %s\n' \
		"what" "runs" "median" "min" "max" "peak RSS" "exit" "target"
	printf '%-40s %5s %9s %9s %9s %9s %4s  %s\n' \
		"" "" "ms" "ms" "ms" "MiB" "" ""
	hr
}

# row LABEL TARGET(yes|no|floor) COMMAND...
row() {
	label=$1 target=$2
	shift 2
	out=$("$MEASURE" -n "$RUNS" -w 1 -- "$@" 2>&1)
	if [ $? -ne 0 ]; then
		printf '%-40s %s\n' "$label" "cannot measure: $out"
		return
	fi
	set -- $out
	med=$1 min=$2 max=$3 kib=$4 rc=$5
	case $target in
	yes)
		verdict=$(awk -v ms="$med" -v kib="$kib" -v tms=$TARGET_MS -v tkib=$TARGET_KIB \
			'BEGIN { print (ms < tms && kib < tkib) ? "ok" : "OVER (" tms " ms, " tkib / 1024 " MiB)" }')
		;;
	floor)
		verdict="floor"
		FLOOR_MS=$med FLOOR_MIN=$min
		# A floor measured after its check: say how the two compare.
		[ -z "${PAIR_MED:-}" ] || verdict=$(awk -v p="$PAIR_MED" -v f="$med" \
			'BEGIN { printf "floor (the check above: %.2fx)", p / f }')
		;;
	*)
		# The minimum too: on a busy machine it is the least disturbed.
		verdict=$(awk -v ms="$med" -v f="${FLOOR_MS:-0}" -v m="$min" -v fm="${FLOOR_MIN:-0}" \
			'BEGIN { if (f > 0 && fm > 0) printf "%.2fx the floor (min: %.2fx)", ms / f, m / fm; else print "-" }')
		;;
	esac
	LAST_MED=$med
	printf '%-40s %5s %9s %9s %9s %9.1f %4s  %s\n' "$label" "$RUNS" \
		"$med" "$min" "$max" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" \
		"$rc" "$verdict"
}

skip_row() {
	printf '%-40s %s\n' "$1" "not measured: $2"
}

DEB="" DEB_WHY=""
debian_tree
deb_ok=$?
SYN_WHY=""
for t in zstd cpio; do
	command -v $t >/dev/null || SYN_WHY="$SYN_WHY $t"
done
if [ -n "$SYN_WHY" ]; then
	SYN_WHY="needs$SYN_WHY to make the tree"
elif ! synthetic_tree; then
	SYN_WHY="gen-tree.sh failed"
elif ! floor_files; then
	SYN_WHY="the images' zstd frames cannot be found"
fi

echo
echo "$("$GUESTPREP" version 2>/dev/null | head -n 1) on $(uname -n), $(nproc) CPUs," \
	"load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs per row (after 1 warm-up)"
echo
header
row "start-up only (guestprep version)" no "$GUESTPREP" version
row "live system (/)" yes "$GUESTPREP" check
if [ $deb_ok -eq 0 ]; then
	row "debootstrapped Debian 12 (--root)" yes "$GUESTPREP" check --root "$DEB"
	for img in "$DEB"/boot/initrd.img-* "$DEB"/boot/initramfs-*.img; do
		[ -f "$img" ] || continue
		off=$(compressed_offset "$img") || continue
		PAIR_MED=$LAST_MED
		row "  its initramfs, libarchive alone ($(du -m "$img" | cut -f1) MB)" floor \
			"$INFLATE" "$img" "$off"
		PAIR_MED=""
	done
else
	skip_row "debootstrapped Debian 12 (--root)" "$DEB_WHY"
fi
hr
if [ -z "$SYN_WHY" ]; then
	newest=$(ls "$FLOOR"/*.zst | sort -V | tail -n 1)
	row "zstd -dc, newest image ($(du -m "$newest" | cut -f1) MB)" floor zstd -qdc "$newest"
	row "zstd -dc, all $(ls "$FLOOR"/*.zst | wc -l) images ($(du -cm "$FLOOR"/*.zst | tail -n 1 | cut -f1) MB)" floor zstd -qdc "$FLOOR"/*.zst
	row "synthetic tree, --only virtio" no "$GUESTPREP" check --root "$TREE" --only virtio
	row "synthetic tree, all checks" no "$GUESTPREP" check --root "$TREE"
else
	skip_row "synthetic tree" "$SYN_WHY"
fi
hr
echo "target: a real system (live, Debian) under $TARGET_MS ms and $(( TARGET_KIB / 1024 )) MiB;" \
	"floor: decompressing the images alone."
[ -n "$(ls /boot/initr* /boot/initramfs* 2>/dev/null)" ] ||
	echo "the live system has no initramfs in /boot: its row reads none."
echo "synthetic rows: the check reads every kernel's image: compared with zstd on all of them."
exit 0
