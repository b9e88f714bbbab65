#!/usr/bin/env bash
#
# build-deps.sh PREFIX
#
# Build the static third-party libraries that guestprep's fully static
# release binary links against, from Debian's *source packages*, with
# musl-gcc:
#
#   util-linux   libblkid, libmount: devices, filesystems and mounts
#                (storage, fstab, bootloader, ...)
#   libcap-ng    the agent drops the capabilities it does not need
#   libyaml      cloud_init plugin: cloud-init's YAML configuration
#   e2fsprogs    libext2fs + libcom_err: the storage plugin reads ext3/ext4
#                superblocks with ext2fs_open()
#   libarchive   the virtio plugin lists initramfs images (cpio, newc/odc)
#                in-process; its decompressors come from
#     zlib         gzip
#     bzip2        bzip2 (libbz2)
#     xz-utils     xz and lzma (liblzma)
#     libzstd      zstd (decompression only, see build_libzstd)
#     lz4          lz4 (liblz4)
#   expat        the firewall plugin parses firewalld's XML zones
#   hivex        the registry hives of an offline Windows volume
#                (agent/winreg.c; library only, no bindings or tools).
#                Mirrors serve it incompletely (bookworm's tarballs and
#                forky's .dsc are missing): it may come from a later
#                release, built from its tarballs without the .dsc (see
#                use_tarballs).  Optional: when nothing serves it, it is
#                left out, loudly, and guestprep builds without it
#                (agent/winreg-none.c; `guestprep version` then prints
#                "features: none").  DEPS_REQUIRE_HIVEX=1 makes that an
#                error.
#
# Only the libraries are built: no programs, documentation, tests or
# shared objects, and no optional dependency beyond this list (libarchive
# without crypto, XML, ACL, xattr, iconv, lzo or b2).
#
# Why musl: a static glibc binary needs kernel >= 3.2 (its ABI note) and
# still tries to dlopen NSS modules at run time.  The release binary must
# run on CentOS 5/6-era guests (kernel 2.6.18 - 2.6.32), so we link it
# against musl, and therefore every library it links must be built
# against musl too.
#
# Why Debian source packages: we get exactly the versions Debian ships
# (e.g. util-linux 2.38.1, e2fsprogs 1.47.0, libarchive 3.6.2 on
# bookworm) with Debian's security and bug-fix patches applied,
# authenticated through the archive's signed InRelease files, without a
# separate download site.  None of them needs autoconf/automake/libtool
# here: we run the configure scripts the upstream tarballs ship, or,
# where a package has none (libyaml, expat: Debian regenerates them) or
# uses plain Makefiles (bzip2, libzstd, lz4), compile the library's
# sources directly or through its own Makefile.
#
# Speed: CI runs this on a fresh machine every time.  The builds are
# independent except libarchive (needs the compressors), so they run in
# two concurrent lanes (see run_lanes); configure scripts are mostly
# serial shell, and this keeps both cores busy through them.
#
# Result, under PREFIX:
#   include/            blkid/, libmount/, cap-ng.h, yaml.h, ext2fs/, et/,
#                       com_err.h, archive.h, archive_entry.h, zlib.h,
#                       bzlib.h, lzma.h, lzma/, zstd.h, lz4*.h, expat.h,
#                       hivex.h (when built)
#   include-kernel/     symlinks to the host's Linux UAPI headers (see below)
#   lib/*.a             libblkid, libmount, libcap-ng, libyaml, libext2fs,
#                       libcom_err, libarchive, libz, libbz2, liblzma,
#                       libzstd, liblz4, libexpat, libhivex (when built)
#   lib/pkgconfig/*.pc  blkid, mount, libcap-ng, yaml-0.1, ext2fs, com_err,
#                       libarchive, zlib, liblzma, libzstd, liblz4, expat,
#                       hivex (when built)
#   built-using         "SOURCE VERSION" lines: the Debian source packages
#                       built into the libraries (musl's too, from the
#                       installed musl-dev), for the packages' Static-Built-
#                       Using field and Provides: bundled(...) (Makefile.am)
#   .stamp              checksum of this script, then "without PKG..."
#                       when optional packages were left out; a re-run
#                       with a matching stamp exits at once (delete PREFIX
#                       to pick up a newer Debian revision of the same
#                       sources, or to try a left-out package again)
#
# Callers link with:
#   PKG_CONFIG_LIBDIR=PREFIX/lib/pkgconfig pkg-config --static \
#       --cflags --libs blkid mount libcap-ng yaml-0.1 ext2fs libarchive expat \
#       [hivex]
#
# Environment (all optional):
#   DEPS_SRC_CACHE    where downloaded source packages and the private apt
#                     state are kept (default: PREFIX/../src)
#   DEPS_SOURCES_LIST an apt sources.list (one-line format, deb-src lines)
#                     to use instead of the one derived from the system's
#   DEPS_NO_FALLBACK=1 fail instead of falling back to another suite's
#                     version, or to a package's tarballs without its
#                     .dsc, when a source package cannot be downloaded
#                     (see fetch_sources)
#   DEPS_NO_TARBALL_FALLBACK=1 never build a source package from its
#                     tarballs without its .dsc (see use_tarballs)
#   DEPS_NEXT_SUITE   the releases tried last, in order, for a source
#                     package the mirror cannot serve (default: the later
#                     Debian releases, e.g. "trixie forky" for bookworm;
#                     empty turns them off)
#   DEPS_REQUIRE_HIVEX=1 fail when hivex's sources cannot be fetched
#                     instead of building the libraries without it
#   DEPS_KEEP_WORK=1  keep the temporary build tree (for debugging)
#
# The Debian packages this script needs are listed in deps.txt next to it.
# It never installs anything itself and never changes the system's apt
# configuration.

set -euo pipefail

# A site file (`make deb` passes one with prefix=/usr for guestprep's own
# configure) is read by every configure script after its options and
# would override --prefix: the libraries would be installed into /usr.
unset CONFIG_SITE

readonly FALLBACK_MIRROR=http://deb.debian.org/debian
readonly FALLBACK_SUITE=bookworm
# Debian source package names: those every build needs...
readonly SOURCE_PACKAGES=(util-linux libcap-ng libyaml e2fsprogs zlib bzip2
        xz-utils libzstd lz4 libarchive expat)
# ... and those it goes without when no suite serves them (configure
# --with-hivex=auto then leaves the feature out), with the pkg-config
# module each gives.  DEPS_REQUIRE_<NAME>=1 (upper case, "-" as "_")
# makes a missing one an error.
readonly OPTIONAL_PACKAGES=(hivex)
declare -rA OPTIONAL_PC=([hivex]=hivex)
# What guestprep asks pkg-config for (the other .pc files are their
# Requires.private); the optional packages' modules are added when built.
PC_MODULES="blkid mount libcap-ng yaml-0.1 ext2fs libarchive expat"
# What this run builds: SOURCE_PACKAGES, then the optional packages
# fetch_sources could get; LEFT_OUT the others.
PACKAGES=("${SOURCE_PACKAGES[@]}" "${OPTIONAL_PACKAGES[@]}")
LEFT_OUT=()

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'build-deps.sh: warning: %s\n' "$*" >&2; }
die() { printf 'build-deps.sh: error: %s\n' "$*" >&2; exit 1; }

if [[ $# -ne 1 || -z $1 || $1 == -* ]]; then
        printf 'usage: %s PREFIX\n' "${0##*/}" >&2
        exit 2
fi

# configure and the .pc files need an absolute prefix.
PREFIX=$(realpath -m -- "$1")
SCRIPT=$(realpath -- "${BASH_SOURCE[0]}")
SCRIPT_SUM=$(sha256sum "$SCRIPT")
SCRIPT_SUM=${SCRIPT_SUM%% *}
STAMP=$PREFIX/.stamp

# The only line on stdout, so a caller can capture it.
print_usage_hint() {
        log "static musl dependencies are in $PREFIX; link with:"
        log "  PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig \\"
        log "      pkg-config --static --cflags --libs $PC_MODULES"
        printf 'PKG_CONFIG_LIBDIR=%s\n' "$PREFIX/lib/pkgconfig"
}

# required PKG: whether DEPS_REQUIRE_PKG=1 (upper case, "-" as "_")
# makes the optional PKG required.
required() {
        local var=DEPS_REQUIRE_${1^^}
        var=${var//-/_}
        [[ ${!var:-0} == 1 ]]
}

# drop PKG: take PKG out of the packages this run builds.
drop() {
        local p
        local -a keep=()
        for p in "${PACKAGES[@]}"; do
                [[ $p == "$1" ]] || keep+=("$p")
        done
        PACKAGES=("${keep[@]}")
        LEFT_OUT+=("$1")
}

# leave_out PKG WHY...: build without the optional PKG, loudly (or die
# when it is required).
leave_out() {
        local pkg=$1 var=DEPS_REQUIRE_${1^^}
        shift
        var=${var//-/_}
        required "$pkg" && die "$pkg: $* ($var=1)"
        warn "****************************************************************"
        warn "$pkg: $*"
        warn "building the libraries WITHOUT $pkg: guestprep's configure"
        warn "(--with-$pkg=auto) then leaves out what needs it; $var=1"
        warn "makes this an error"
        warn "****************************************************************"
        drop "$pkg"
}

# with_optional: add the modules of the optional packages built to
# PC_MODULES.
with_optional() {
        local pkg
        for pkg in "${PACKAGES[@]}"; do
                [[ -z ${OPTIONAL_PC[$pkg]:-} ]] || PC_MODULES+=" ${OPTIONAL_PC[$pkg]}"
        done
}

# --- Fast path: nothing to do if this exact script already built PREFIX ---
# The stamp's first line is the script's checksum; a second one,
# "without PKG...", names the optional packages that build left out.  A
# run that requires one of them builds again.
if [[ -f $STAMP && $(head -n 1 "$STAMP") == "$SCRIPT_SUM" ]]; then
        retry=
        stamp_without=()
        read -ra stamp_without < <(sed -n 's/^without //p' "$STAMP") || true
        for pkg in "${stamp_without[@]}"; do
                if required "$pkg"; then
                        retry=$pkg
                        break
                fi
                drop "$pkg"
                warn "$PREFIX was built WITHOUT $pkg (remove $PREFIX to try" \
                        "again)"
        done
        if [[ -z $retry ]]; then
                with_optional
                log "up to date ($STAMP matches this script)"
                print_usage_hint
                exit 0
        fi
        log "$PREFIX was built without $retry, which is required: building again"
        PACKAGES=("${SOURCE_PACKAGES[@]}" "${OPTIONAL_PACKAGES[@]}")
        LEFT_OUT=()
fi

# --- Prerequisites: report, never install --------------------------------
# Each entry is "command-or-file:debian-package".  linux-libc-dev provides
# the kernel UAPI headers, which musl does not ship (see include-kernel).
# dpkg-source needs xz and bzip2 to unpack (zlib's and bzip2's source
# packages are .tar.bz2).
missing=()
for req in \
        musl-gcc:musl-tools \
        dpkg-source:dpkg-dev \
        apt-get:apt \
        patch:patch \
        xz:xz-utils \
        bzip2:bzip2 \
        make:make \
        gcc:gcc \
        ar:binutils \
        pkg-config:pkgconf \
        /usr/include/linux/capability.h:linux-libc-dev; do
        what=${req%%:*}
        pkg=${req#*:}
        if [[ $what == /* ]]; then
                [[ -e $what ]] || missing+=("$pkg")
        else
                command -v "$what" >/dev/null 2>&1 || missing+=("$pkg")
        fi
done
if ((${#missing[@]})); then
        die "missing Debian packages: ${missing[*]}" \
                "(apt-get install ${missing[*]}; all are listed in" \
                "${SCRIPT%/*}/deps.txt)"
fi

# --- Safety before we wipe PREFIX ----------------------------------------
# We rebuild PREFIX from scratch so that stale files from an older build
# cannot leak in, but refuse to delete a directory we did not create.
readonly MARKER=.guestprep-static-deps
if [[ -d $PREFIX && -n $(ls -A "$PREFIX") && ! -e $PREFIX/$MARKER ]]; then
        die "$PREFIX exists, is not empty and was not created by" \
                "this script; refusing to overwrite it"
fi
case $PREFIX in
/ | /usr | /usr/local | "$HOME") die "refusing to use $PREFIX as PREFIX" ;;
esac

SRC_CACHE=$(realpath -m -- "${DEPS_SRC_CACHE:-$PREFIX/../src}")
APT_DIR=$SRC_CACHE/apt
POOL=$SRC_CACHE/pool
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" \
        "$APT_DIR/sources.list.d" "$POOL"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/guestprep-deps.XXXXXX")
cleanup() {
        if [[ ${DEPS_KEEP_WORK:-0} == 1 ]]; then
                warn "build tree kept in $WORK"
        else
                rm -rf "$WORK"
        fi
}
trap cleanup EXIT

# run_logged LOGFILE CMD...: keep the console readable, but show the end
# of the log when a step fails so CI output is enough to diagnose it.
run_logged() {
        local logfile=$1
        shift
        if ! "$@" >"$logfile" 2>&1; then
                printf '\n--- last 60 lines of %s ---\n' "$logfile" >&2
                tail -n 60 "$logfile" >&2
                die "command failed: $*"
        fi
}

NPROC=$(nproc 2>/dev/null || echo 1)

# --- A private apt tree with deb-src lines for the system's mirrors ---------
# We only override the sources list, lists and cache directories; the rest
# of the system's apt configuration (proxies, trusted keys) still applies,
# so whatever mirror and proxy the machine uses for binaries works here too.

# Print "SIGNED-BY|URI|SUITE|COMPONENTS" for every enabled binary ("deb")
# source of the system, from both deb822 and one-line files.  ("|", not a
# tab: read would merge the empty SIGNED-BY field into the next one.)
system_sources() {
        local f
        for f in /etc/apt/sources.list.d/*.sources; do
                [[ -r $f ]] || continue
                awk '
                function flush(   n, m, i, j, U, S) {
                        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                                n = split(uris, U, /[ \t]+/)
                                m = split(suites, S, /[ \t]+/)
                                for (i = 1; i <= n; i++)
                                        for (j = 1; j <= m; j++)
                                                printf "%s|%s|%s|%s\n", signed, U[i], S[j], comps
                        }
                        types = uris = suites = comps = signed = ""
                        enabled = "yes"
                }
                BEGIN { enabled = "yes" }
                /^#/ { next }
                /^[ \t]*$/ { flush(); next }
                /^[ \t]/ { next }  # continuation line (e.g. an embedded key)
                {
                        key = tolower(substr($0, 1, index($0, ":") - 1))
                        val = substr($0, index($0, ":") + 1)
                        gsub(/^[ \t]+|[ \t]+$/, "", val)
                        if (key == "types") types = val
                        else if (key == "uris") uris = val
                        else if (key == "suites") suites = val
                        else if (key == "components") comps = val
                        else if (key == "enabled") enabled = tolower(val)
                        # Only a keyring file can be passed on; an embedded key
                        # falls back to the system-wide trusted keys.
                        else if (key == "signed-by" && val ~ /^\//) signed = val
                }
                END { flush() }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
                [[ -r $f ]] || continue
                awk '
                /^[ \t]*deb[ \t]/ {
                        line = $0
                        sub(/[ \t]#.*/, "", line)
                        signed = ""
                        if (match(line, /\[[^]]*\]/)) {
                                n = split(substr(line, RSTART + 1, RLENGTH - 2), O, /[ \t]+/)
                                for (i = 1; i <= n; i++)
                                        if (O[i] ~ /^signed-by=\//)
                                                signed = substr(O[i], 11)
                                line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
                        }
                        $0 = line
                        comps = ""
                        for (i = 4; i <= NF; i++)
                                comps = comps (i > 4 ? " " : "") $i
                        printf "%s|%s|%s|%s\n", signed, $2, $3, comps
                }' "$f"
        done
}

write_sources_list() {
        local out=$1 codename="" signed uri suite comps opt n=0
        if [[ -n ${DEPS_SOURCES_LIST:-} ]]; then
                cp -- "$DEPS_SOURCES_LIST" "$out"
                return
        fi
        if [[ -r /etc/os-release ]]; then
                # shellcheck source=/dev/null
                codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
        fi
        : >"$out"
        if [[ -n $codename ]]; then
                # Keep only the release itself, its -updates and -security
                # suites: backports would silently give us a newer upstream
                # version, and third-party repositories (other suite names)
                # usually publish no sources at all.
                while IFS='|' read -r signed uri suite comps; do
                        case $suite in
                        "$codename" | "$codename"-updates) ;;
                        "$codename"-security | "$codename"/updates) ;;
                        *) continue ;;
                        esac
                        case $uri in
                        cdrom:*) continue ;;
                        esac
                        opt=""
                        [[ -n $signed ]] && opt="[signed-by=$signed] "
                        printf 'deb-src %s%s %s %s\n' \
                                "$opt" "$uri" "$suite" "${comps:-main}" >>"$out"
                        n=$((n + 1))
                done < <(system_sources | sort -u)
        fi
        if ((n == 0)); then
                warn "no usable Debian mirror in the system's apt sources;" \
                        "using $FALLBACK_MIRROR $FALLBACK_SUITE"
                printf 'deb-src %s %s main\n' "$FALLBACK_MIRROR" "$FALLBACK_SUITE" >"$out"
        fi
}

write_sources_list "$APT_DIR/sources.list"
log "private apt sources ($APT_DIR/sources.list):"
sed 's/^/      /' "$APT_DIR/sources.list" >&2

APT=(
        apt-get -q
        -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
        -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
        -o "Dir::State::Lists=$APT_DIR/lists"
        -o "Dir::Cache=$APT_DIR/cache"
)

log "updating the private source index"
# apt verifies InRelease against the archive keyring here; every file we
# download later is checked against the hashes in these signed indices.
run_logged "$WORK/apt-update.log" "${APT[@]}" update
if grep -q '^[WE]:' "$WORK/apt-update.log"; then
        grep '^[WE]:' "$WORK/apt-update.log" >&2
fi

# --- Source packages --------------------------------------------------------
# fetch_sources sets DSC[package] to the .dsc file (in POOL) to build.
declare -A DSC

# dsc_names: the .dsc names without the suffix, in PACKAGES order.
dsc_names() {
        local pkg names=()
        for pkg in "${PACKAGES[@]}"; do
                names+=("${DSC[$pkg]%.dsc}")
        done
        printf '%s\n' "${names[*]}"
}

# in_pool "FILE:SIZE"...: every file is in the pool with its indexed size.
# (apt checks the hashes as it downloads, dpkg-source against the .dsc.)
in_pool() {
        local f
        for f in "$@"; do
                [[ -f $POOL/${f%:*} && $(stat -c %s "$POOL/${f%:*}") == "${f##*:}" ]] ||
                        return 1
        done
}

# uris LOGFILE: "PACKAGE FILE:SIZE" for each file in an --print-uris log.
# Debian names every file of a source package PACKAGE_VERSION...
uris() {
        awk '$1 ~ /^'\''/ { p = $2; sub(/_.*/, "", p); print p, $2 ":" $3 }' "$1"
}

# download LOGFILE SELECTOR...: into the pool.  Files already there are
# re-hashed and only fetched again when they do not match the signed
# index, so re-runs do not hit the network for the sources themselves.
# As root apt would drop to the _apt user to download, which cannot write
# into our (root-owned) pool and only warns before downloading as root
# anyway; say so explicitly.
download() {
        local logfile=$1
        shift
        (cd "$POOL" && "${APT[@]}" -o APT::Sandbox::User=root \
                source --download-only "$@") >>"$logfile" 2>&1
}

# The Debian releases after the one the sources list names, nearest
# first, for try_next_release (DEPS_NEXT_SUITE overrides them; ""
# turns them off).
next_releases() {
        case $1 in
        bullseye) echo bookworm trixie forky ;;
        bookworm) echo trixie forky ;;
        trixie) echo forky ;;
        esac
}

# --- Without the .dsc -------------------------------------------------------
# A mirror may serve a source package's tarballs but not its .dsc (seen
# with hivex 1.3.24-3 in forky).  The .dsc adds the uploader's signature,
# which we cannot check anyway (see unpack), and the tarballs' checksums,
# which the signed Sources index has as well.  So a 3.0 (quilt) package
# whose orig and debian tarballs match the index's hashes is built from
# them (unpack_tarballs), loudly, unless DEPS_NO_TARBALL_FALLBACK=1 (or
# DEPS_NO_FALLBACK=1, which turns off every fallback).
# TARBALLS[DSC] is "ORIG DEBIAN" for such a package, by the name of the
# .dsc it lacks; BUILT_USING[DSC] its "SOURCE VERSION", for built-using.
declare -A TARBALLS BUILT_USING

# use_tarballs LOGFILE: whether the source package of an --print-uris
# log can be built from its tarballs in the pool; sets TARBALLS and
# BUILT_USING for it.
use_tarballs() {
        local name hash algo sum dsc="" orig="" debian="" src="" ver=""
        [[ ${DEPS_NO_TARBALL_FALLBACK:-0} != 1 ]] || return 1
        while read -r name _ hash; do
                case $name in
                *.dsc) dsc=$name && continue ;;
                *.asc) continue ;; # upstream's signature of the orig tarball
                *.orig.tar.*) orig=$name ;;
                *.debian.tar.*) debian=$name ;;
                # orig-COMPONENT tarballs, formats 1.0 and 3.0 (native)
                *) return 1 ;;
                esac
                # apt prints the strongest hash the index has.
                case $hash in
                SHA256:* | SHA512:*) ;;
                *) return 1 ;;
                esac
                algo=${hash%%:*}
                [[ -f $POOL/$name ]] || return 1 # not served either
                sum=$("${algo,,}sum" <"$POOL/$name") || return 1
                [[ ${sum%% *} == "${hash#*:}" ]] || return 1
        done < <(awk '$1 ~ /^'\''/ { print $2, $3, $4 }' "$1")
        [[ -n $dsc && -n $orig && -n $debian ]] || return 1
        # The debian tarball names the format and, in debian/changelog, the
        # version with its epoch (the file names leave it out).
        [[ $(tar -xOf "$POOL/$debian" debian/source/format 2>/dev/null) == "3.0 (quilt)" ]] ||
                return 1
        read -r src ver < <(tar -xOf "$POOL/$debian" debian/changelog 2>/dev/null |
                sed -n '1s/^\([^ ]*\) (\([^)]*\)).*/\1 \2/p') || return 1
        [[ ${src}_${ver#*:}.dsc == "$dsc" ]] || return 1
        TARBALLS[$dsc]="$orig $debian"
        BUILT_USING[$dsc]="$src $ver"
}

# fetch_from PKG SEL WHENCE APT...: download the source package SEL (PKG
# or PKG/SUITE) into the pool with the apt command APT, and point
# DSC[PKG] at it: complete, or else its tarballs without the .dsc
# (use_tarballs).  WHENCE says where it comes from, for the warning.
fetch_from() {
        local pkg=$1 sel=$2 whence=$3 log f why
        local -a got
        shift 3
        log=$(mktemp "$WORK/print-uris-$pkg.XXXXXX")
        (cd "$WORK" && "$@" source --print-uris "$sel") >"$log" 2>&1 || return 1
        mapfile -t got < <(uris "$log" | awk '{ print $2 }')
        f=$(printf '%s\n' "${got[@]%:*}" | grep '\.dsc$') || return 1
        # As in download: apt fetches what it can, we look at what it got.
        (cd "$POOL" && "$@" -o APT::Sandbox::User=root \
                source --download-only "$sel") >"$log.get" 2>&1 || true
        if in_pool "${got[@]}"; then
                warn "could not download ${DSC[$pkg]}; using $f from" \
                        "$whence instead (DEPS_NO_FALLBACK=1 makes this an error)"
        elif use_tarballs "$log"; then
                why=$(grep -F "/$f " "$log.get" |
                        sed -n 's/^E: Failed to fetch [^ ]* *//p' | tr -s ' ')
                warn "****************************************************************"
                warn "could not download ${DSC[$pkg]}; using $f from $whence"
                warn "instead, WITHOUT that .dsc, which the mirror does not serve"
                warn "(${why:-not downloaded}): from ${TARBALLS[$f]/ / and },"
                warn "checked against the signed Sources index's hashes, patched"
                warn "by debian/patches/series as dpkg-source -x would"
                warn "(DEPS_NO_TARBALL_FALLBACK=1 or DEPS_NO_FALLBACK=1 makes this"
                warn "an error)"
                warn "****************************************************************"
        else
                return 1
        fi
        DSC[$pkg]=$f
}

# try_next_release PKG: the last resort for a source package the mirror
# lists but does not serve (seen with hivex 1.3.23 in bookworm, whose
# tarballs are missing, and 1.3.24-1 in trixie, whose .dsc and debian
# tarball are): the same package from the later Debian releases, nearest
# first, each through a sources list of its own, so that no other
# package is resolved against them.  Sets DSC[PKG]; loud, as it is a
# newer upstream version.
try_next_release() {
        local pkg=$1 rel next
        local -a apt_next
        # The release itself, not its -security or -updates suite.
        rel=$(awk '/^deb-src/ { sub(/\[[^]]*\]/, ""); print $3; exit }' "$APT_DIR/sources.list")
        rel=${rel%%-*}
        rel=${rel%%/*}
        for next in ${DEPS_NEXT_SUITE-$(next_releases "$rel")}; do
                apt_next=(
                        apt-get -q
                        -o "Dir::Etc::SourceList=$APT_DIR/next-$next.list"
                        -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
                        -o "Dir::State::Lists=$APT_DIR/lists-$next"
                        -o "Dir::Cache=$APT_DIR/cache"
                )
                # Once a run: a later release may be testing, which moves on.
                if [[ ! -e $WORK/updated-$next ]]; then
                        sed -n "s/^\(deb-src .*\) $rel \(.*\)\$/\1 $next \2/p" \
                                "$APT_DIR/sources.list" >"$APT_DIR/next-$next.list"
                        [[ -s $APT_DIR/next-$next.list ]] || continue
                        mkdir -p "$APT_DIR/lists-$next/partial"
                        "${apt_next[@]}" update >"$WORK/apt-update-$next.log" 2>&1 ||
                                continue
                        : >"$WORK/updated-$next"
                fi
                fetch_from "$pkg" "$pkg" "$next, a later release than $rel" \
                        "${apt_next[@]}" || continue
                warn "$pkg from $next is newer than $rel's (DEPS_NEXT_SUITE= turns" \
                        "this off)"
                return 0
        done
        return 1
}

fetch_sources() {
        local pkg f suite
        local -A files=()
        local -a suites
        # The exact file names (and so versions) apt picks for each package.
        # (Run in the empty WORK: apt leaves out files already in the
        # current directory.)  An optional package on its own: one the
        # index does not list would fail them all.
        (cd "$WORK" && run_logged "$WORK/apt-print-uris.log" \
                "${APT[@]}" source --print-uris "${SOURCE_PACKAGES[@]}")
        for pkg in "${OPTIONAL_PACKAGES[@]}"; do
                (cd "$WORK" && "${APT[@]}" source --print-uris "$pkg") \
                        >>"$WORK/apt-print-uris.log" 2>&1 ||
                        leave_out "$pkg" "no suite of the private apt sources" \
                                "lists its source package"
        done
        while read -r pkg f; do
                files[$pkg]+=" $f"
                [[ $f == *.dsc:* ]] && DSC[$pkg]=${f%:*}
        done < <(uris "$WORK/apt-print-uris.log")
        for pkg in "${PACKAGES[@]}"; do
                [[ -n ${DSC[$pkg]:-} ]] || die "could not resolve source package $pkg"
        done

        log "fetching $(dsc_names) into $POOL"
        # One apt run for all; it fetches what it can even when a file
        # fails, and we look at what is missing below.
        download "$WORK/apt-source.log" "${PACKAGES[@]}" || true

        # A mirror (or a proxy/cache in front of it) may list a version in
        # one suite's index but not serve its files - seen with -security
        # indices that list a package whose pool files are missing.  Then
        # take the same package from the next suite that serves it
        # (possibly an older revision), or from a later release, complete
        # or without its .dsc, loudly, unless DEPS_NO_FALLBACK=1.  An
        # optional package nothing serves is left out (leave_out).
        mapfile -t suites < <(awk '/^deb-src/ { sub(/\[[^]]*\]/, ""); print $3 }' \
                "$APT_DIR/sources.list")
        for pkg in "${PACKAGES[@]}"; do
                # shellcheck disable=SC2086 # the list is "FILE:SIZE" words
                in_pool ${files[$pkg]} && continue
                grep -E '^(E|Err):' "$WORK/apt-source.log" | grep -F "$pkg" >&2 || true
                if [[ ${DEPS_NO_FALLBACK:-0} == 1 ]]; then
                        if [[ -n ${OPTIONAL_PC[$pkg]:-} ]]; then
                                leave_out "$pkg" "could not download ${DSC[$pkg]}" \
                                        "(DEPS_NO_FALLBACK=1)"
                                continue
                        fi
                        die "could not download ${DSC[$pkg]} (DEPS_NO_FALLBACK=1)"
                fi
                for suite in "${suites[@]}"; do
                        fetch_from "$pkg" "$pkg/$suite" "suite $suite" "${APT[@]}" &&
                                continue 2
                done
                try_next_release "$pkg" && continue
                tail -n 30 "$WORK/apt-source.log" "$WORK"/print-uris-"$pkg".*.get \
                        >&2 2>/dev/null || true
                if [[ -n ${OPTIONAL_PC[$pkg]:-} ]]; then
                        leave_out "$pkg" "could not download its source package" \
                                "from any suite (${DSC[$pkg]}, then the later releases)"
                        continue
                fi
                die "could not download source package $pkg from any suite"
        done
        with_optional
}

fetch_sources

# unpack_tarballs DIR ORIG DEBIAN: what dpkg-source -x does for a 3.0
# (quilt) package without its .dsc (see use_tarballs): the orig
# tarball's top directory becomes DIR, the debian tarball replaces any
# debian/ in it, and the patches of debian/patches/series (or the
# vendor's debian.series) are applied in order, -p1 and without fuzz,
# as dpkg-source applies them.
unpack_tarballs() {
        local dir=$1 tmp=$1.orig name=${1##*/} series p opt
        local -a top
        mkdir -p "$tmp"
        run_logged "$WORK/$name-unpack-orig.log" tar -xf "$POOL/$2" -C "$tmp" --no-same-owner
        # Usually one directory, PACKAGE-VERSION; its name does not matter.
        mapfile -t top < <(find "$tmp" -mindepth 1 -maxdepth 1)
        if ((${#top[@]} == 1)) && [[ -d ${top[0]} ]]; then
                mv -- "${top[0]}" "$dir"
                rmdir -- "$tmp"
        else
                mv -- "$tmp" "$dir"
        fi
        rm -rf -- "$dir/debian"
        run_logged "$WORK/$name-unpack-debian.log" tar -xf "$POOL/$3" -C "$dir" --no-same-owner
        # The modes dpkg-source gives, whoever runs this and with any umask.
        chmod -R u+w,go-w -- "$dir"
        series=$dir/debian/patches/debian.series
        [[ -f $series ]] || series=$dir/debian/patches/series
        [[ -f $series ]] || return 0
        while read -r p opt; do
                [[ -z $opt || $opt == -p1 ]] ||
                        die "$name: $p: series option '$opt' is not supported"
                run_logged "$WORK/$name-patch-${p//\//_}.log" patch -d "$dir" \
                        -p1 -t -N -F 0 -E --no-backup-if-mismatch -r - \
                        -i "$dir/debian/patches/$p"
        done < <(sed -e 's/\(^\|[[:space:]]\)#.*//' -e '/^[[:space:]]*$/d' "$series")
}

# unpack DSC DIR: extract a source package and apply Debian's patches.
unpack() {
        local dsc=$POOL/$1 dir=$2 now
        if [[ -n ${TARBALLS[$1]:-} ]]; then
                # shellcheck disable=SC2086 # two file names
                unpack_tarballs "$dir" ${TARBALLS[$1]}
        else
                # dpkg-source checks the .dsc's checksums of the tarballs
                # (which apt already authenticated through the archive
                # signature).  It also tries the uploader's OpenPGP
                # signature on the .dsc; that key lives in debian-keyring,
                # which we do not require, so it only warns "cannot verify
                # inline signature" - expected, and not fatal.
                run_logged "$WORK/${dir##*/}-unpack.log" dpkg-source \
                        --require-strong-checksums --no-copy -x "$dsc" "$dir"
        fi
        # Debian's patches touch configure.ac / Makemodule.am (for programs
        # we do not build), which makes them newer than the shipped
        # configure and Makefile.in, so make would try to re-run autoconf
        # and automake.  Debian regenerates with dh_autoreconf; we do not
        # want autotools/gettext/autopoint as build dependencies, so give
        # all generated files one common timestamp taken after patching:
        # newer than every input, and equal among themselves (make only
        # rebuilds what is strictly older than a prerequisite).
        now=$(date +%s.%N)
        find "$dir" \( -name aclocal.m4 -o -name configure \
                -o -name config.h.in -o -name Makefile.in \) \
                -exec touch -d "@$now" {} +
}

# --- Kernel UAPI headers for musl-gcc ------------------------------------
# musl-gcc's spec passes -nostdinc and only searches musl's own include
# dir, which has no linux/*.h.  libcap-ng includes <linux/capability.h>
# (also from its public cap-ng.h!), libblkid/libmount include
# <linux/blkzoned.h>, <linux/fd.h>, <linux/cdrom.h>, <linux/btrfs.h>, ...,
# libext2fs <linux/fd.h> and <linux/fs.h>, libarchive <linux/fs.h>,
# <linux/fiemap.h> and <linux/magic.h> (all internal to those libraries).
# These headers pull in <asm/...> (arch-specific) and <asm-generic/...>.
# Expose only these three directories: all of /usr/include would mix
# glibc headers into the musl build.
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
        gcc -print-multiarch)
KINC=$PREFIX/include-kernel

log "preparing $PREFIX"
rm -rf "${PREFIX:?}"
# (lib/pkgconfig and include up front: the concurrent builds install
# into them.)
mkdir -p "$PREFIX" "$KINC" "$PREFIX/lib/pkgconfig" "$PREFIX/include"
: >"$PREFIX/$MARKER"
for d in /usr/include/linux /usr/include/asm-generic \
        "/usr/include/$MULTIARCH/asm"; do
        [[ -d $d ]] || die "$d not found (package linux-libc-dev)"
        ln -s "$d" "$KINC/${d##*/}"
done

export CC=musl-gcc
# The kernel headers go into CPPFLAGS, not CFLAGS: configure's header
# checks run the bare preprocessor too, and with CFLAGS only they report
# "accepted by the compiler, rejected by the preprocessor".
export CPPFLAGS="-isystem $KINC"
# -ffunction-sections/-fdata-sections let the final link drop unused code
# with -Wl,--gc-sections.
export CFLAGS="-O2 -ffunction-sections -fdata-sections"
# Never let configure find the host's (glibc) .pc files: anything it
# found there (selinux, systemd, udev, ...) could not be linked with musl.
export PKG_CONFIG_LIBDIR=$PREFIX/lib/pkgconfig
export PKG_CONFIG_PATH=

# --- The builds ---------------------------------------------------------
# One function per source package, each starting from its unpacked,
# patched tree in WORK and installing into PREFIX.  They run in
# concurrent lanes (see the end), so each works in its own subshell
# directory and logs to its own files.

# read -a of the exported flags, for direct compiler calls.
read -ra CPPFLAGS_A <<<"$CPPFLAGS"
read -ra CFLAGS_A <<<"$CFLAGS"

# compile NAME OUTPUT.a FLAGS... -- SOURCES...: compile the sources with
# musl-gcc, NPROC at a time, and archive them; for the libraries we build
# without their build system (NAME names the log files).
compile() {
        local name=$1 out=$2 c
        local -a flags=() srcs=() objs=() pids=()
        shift 2
        while (($#)) && [[ $1 != -- ]]; do
                flags+=("$1")
                shift
        done
        shift
        srcs=("$@")
        for c in "${srcs[@]}"; do
                objs+=("${c%.c}.o")
                run_logged "$WORK/$name-${c##*/}.log" "$CC" "${CPPFLAGS_A[@]}" \
                        "${CFLAGS_A[@]}" "${flags[@]}" -c "$c" -o "${c%.c}.o" &
                pids+=($!)
                if ((${#pids[@]} >= NPROC)); then
                        wait "${pids[0]}" || die "$name: compiling failed"
                        pids=("${pids[@]:1}")
                fi
        done
        for c in "${pids[@]}"; do
                wait "$c" || die "$name: compiling failed"
        done
        run_logged "$WORK/$name-ar.log" ar rcs "$out" "${objs[@]}"
}

# configure_logged NAME ARGS...: run the shipped configure for PREFIX.
configure_logged() {
        local name=$1
        shift
        run_logged "$WORK/$name-configure.log" ./configure \
                --prefix="$PREFIX" --libdir="$PREFIX/lib" "$@"
}

# --- util-linux: libblkid + libmount --------------------------------------
build_util_linux() {
        unpack "${DSC[util-linux]}" "$WORK/util-linux"
        cd "$WORK/util-linux"
        # --disable-all-programs also disables the other libraries
        # (libuuid, libsmartcols, libfdisk); we turn the two we need back
        # on and switch off every optional external dependency, so the
        # result only needs musl.  (libext2fs needs neither libuuid nor
        # libblkid: only e2fsprogs' programs do.)
        configure_logged util-linux \
                --disable-dependency-tracking \
                --disable-all-programs \
                --enable-libblkid \
                --enable-libmount \
                --enable-static \
                --disable-shared \
                --disable-nls \
                --disable-asciidoc \
                --disable-poman \
                --disable-gtk-doc \
                --disable-bash-completion \
                --disable-pylibmount \
                --disable-makeinstall-chown \
                --disable-makeinstall-setuid \
                --without-python \
                --without-selinux \
                --without-audit \
                --without-smack \
                --without-udev \
                --without-systemd \
                --without-econf \
                --without-cryptsetup \
                --without-cap-ng \
                --without-libz \
                --without-libmagic \
                --without-ncursesw \
                --without-ncurses \
                --without-slang \
                --without-tinfo \
                --without-readline \
                --without-utempter \
                --without-user \
                --without-util
        run_logged "$WORK/util-linux-make.log" make -j"$NPROC"
        run_logged "$WORK/util-linux-install.log" make install
}

# --- libcap-ng ------------------------------------------------------------
build_libcap_ng() {
        unpack "${DSC[libcap-ng]}" "$WORK/libcap-ng"
        cd "$WORK/libcap-ng"
        configure_logged libcap-ng \
                --disable-dependency-tracking \
                --enable-static \
                --disable-shared \
                --without-python \
                --without-python3
        # Only the library: the utilities (pscap, filecap, ...) and the
        # LD_PRELOAD helper libdrop_ambient are of no use in a static link.
        run_logged "$WORK/libcap-ng-make.log" \
                make -C src -j"$NPROC" lib_LTLIBRARIES=libcap-ng.la
        run_logged "$WORK/libcap-ng-install.log" \
                make -C src lib_LTLIBRARIES=libcap-ng.la \
                install-libLTLIBRARIES install-includeHEADERS \
                install-pkgconfigDATA
        # cap-ng.h includes <linux/capability.h>, so every user of
        # libcap-ng needs the kernel headers too: advertise them through
        # the .pc file (${prefix} is pkg-config's variable, hence the
        # single quotes).
        # shellcheck disable=SC2016
        sed -i 's|^Cflags:.*|& -isystem ${prefix}/include-kernel|' \
                "$PREFIX/lib/pkgconfig/libcap-ng.pc"
}

# --- libyaml (the cloud_init plugin parses cloud-init's YAML) -----------
# Debian's libyaml source has no generated configure (Debian runs
# dh_autoreconf), and the library is eight C files with no optional
# dependency: compile them directly instead of requiring autoconf,
# automake and libtool.  The version comes from configure.ac, as the
# autotools build would take it.
build_libyaml() {
        local major minor patch version
        unpack "${DSC[libyaml]}" "$WORK/libyaml"
        cd "$WORK/libyaml"
        yaml_version() {
                sed -n "s/^m4_define(\[YAML_$1\], *\([0-9][0-9]*\)).*/\1/p" \
                        configure.ac
        }
        major=$(yaml_version MAJOR)
        minor=$(yaml_version MINOR)
        patch=$(yaml_version PATCH)
        [[ -n $major && -n $minor && -n $patch ]] ||
                die "libyaml: no version in configure.ac"
        version=$major.$minor.$patch
        compile libyaml libyaml.a -Iinclude \
                -DYAML_VERSION_MAJOR="$major" \
                -DYAML_VERSION_MINOR="$minor" \
                -DYAML_VERSION_PATCH="$patch" \
                -DYAML_VERSION_STRING="\"$version\"" \
                -- src/*.c
        install -m 644 libyaml.a "$PREFIX/lib/libyaml.a"
        install -m 644 include/yaml.h "$PREFIX/include/yaml.h"
        # shellcheck disable=SC2016
        sed -e "s|@prefix@|$PREFIX|" -e 's|@exec_prefix@|${prefix}|' \
                -e 's|@includedir@|${prefix}/include|' \
                -e 's|@libdir@|${exec_prefix}/lib|' \
                -e "s|@PACKAGE_VERSION@|$version|" \
                yaml-0.1.pc.in >"$PREFIX/lib/pkgconfig/yaml-0.1.pc"
}

# --- e2fsprogs: libext2fs + libcom_err (storage plugin) -------------------
# Only lib/et (com_err, which libext2fs reports its errors through) and
# lib/ext2fs are built.  libext2fs uses neither libuuid nor libblkid
# (mke2fs, e2fsck and friends do), so whatever configure decides about
# those ("private" or system copies) is never compiled or linked.  The
# library keeps every object Debian's has (debugfs/e2image/resize2fs
# helpers, tdb, MMP): the dynamic development build links Debian's
# libext2fs, and a function that exists there must link here too.
build_e2fsprogs() {
        unpack "${DSC[e2fsprogs]}" "$WORK/e2fsprogs"
        cd "$WORK/e2fsprogs"
        configure_logged e2fsprogs \
                --disable-nls \
                --disable-fuse2fs \
                --disable-uuidd \
                --disable-fsck \
                --disable-e2initrd-helper \
                --disable-backtrace \
                --without-libintl-prefix \
                --without-libiconv-prefix \
                --with-crond-dir=no \
                --with-systemd-unit-dir=no \
                --with-udev-rules-dir=no
        # "subs" generates the shared headers (ext2_types.h, dirpaths.h).
        run_logged "$WORK/e2fsprogs-subs.log" make -j"$NPROC" subs
        run_logged "$WORK/e2fsprogs-et.log" make -C lib/et -j"$NPROC"
        run_logged "$WORK/e2fsprogs-ext2fs.log" make -C lib/ext2fs -j"$NPROC"
        # Also installs compile_et and man pages, removed when tidying.
        run_logged "$WORK/e2fsprogs-install-et.log" make -C lib/et install
        run_logged "$WORK/e2fsprogs-install-ext2fs.log" make -C lib/ext2fs install
}

# --- zlib (gzip for libarchive) -------------------------------------------
# zlib's own configure (not autoconf) is quick; --static builds no .so.
build_zlib() {
        unpack "${DSC[zlib]}" "$WORK/zlib"
        cd "$WORK/zlib"
        run_logged "$WORK/zlib-configure.log" ./configure --static \
                --prefix="$PREFIX" --libdir="$PREFIX/lib"
        run_logged "$WORK/zlib-make.log" make -j"$NPROC" libz.a
        # Headers, libz.a, zlib.pc (and a man page, removed when tidying).
        run_logged "$WORK/zlib-install.log" make install
}

# --- bzip2 (libbz2 for libarchive) ----------------------------------------
# A plain Makefile; its libbz2.a target is exactly the library.  Our
# CFLAGS replace its "-Wall -Winline -O2 -g $(BIGFILES)", so add BIGFILES'
# large-file flag back.  bzip2 1.0.8 ships no .pc file, and libarchive
# does not ask for one (it links -lbz2 through Libs.private).
build_bzip2() {
        unpack "${DSC[bzip2]}" "$WORK/bzip2"
        cd "$WORK/bzip2"
        run_logged "$WORK/bzip2-make.log" make -j"$NPROC" libbz2.a \
                CC="$CC" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64"
        install -m 644 libbz2.a "$PREFIX/lib/libbz2.a"
        install -m 644 bzlib.h "$PREFIX/include/bzlib.h"
}

# --- xz-utils (liblzma: xz and lzma for libarchive) ------------------------
build_xz_utils() {
        unpack "${DSC[xz-utils]}" "$WORK/xz-utils"
        cd "$WORK/xz-utils"
        configure_logged xz-utils \
                --disable-dependency-tracking \
                --enable-static \
                --disable-shared \
                --disable-nls \
                --disable-xz \
                --disable-xzdec \
                --disable-lzmadec \
                --disable-lzmainfo \
                --disable-lzma-links \
                --disable-scripts \
                --disable-doc
        run_logged "$WORK/xz-utils-make.log" make -C src/liblzma -j"$NPROC"
        run_logged "$WORK/xz-utils-install.log" make -C src/liblzma install
}

# --- libzstd (zstd for libarchive) ----------------------------------------
# zstd's lib/Makefile builds libzstd.a single-threaded.  Decompression
# only (upstream's ZSTD_LIB_COMPRESSION=0 knob): guestprep only reads
# archives, the compressor is three quarters of the build time, and
# libarchive's configure then simply leaves out in-process zstd *writing*
# (it would fall back to running a zstd program) - reading, and
# libarchive's API, are the same.
build_libzstd() {
        local -a knobs=(ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0
                PREFIX="$PREFIX" LIBDIR="$PREFIX/lib"
                INCLUDEDIR="$PREFIX/include" PKGCONFIGDIR="$PREFIX/lib/pkgconfig")
        unpack "${DSC[libzstd]}" "$WORK/libzstd"
        cd "$WORK/libzstd"
        run_logged "$WORK/libzstd-make.log" \
                make -C lib -j"$NPROC" libzstd.a libzstd.pc "${knobs[@]}"
        run_logged "$WORK/libzstd-install.log" make -C lib \
                install-static install-includes install-pc "${knobs[@]}"
}

# --- lz4 (liblz4 for libarchive) --------------------------------------------
# lz4's lib/Makefile "install" target also builds the shared library, so
# install its static library, headers and .pc file by hand.
build_lz4() {
        unpack "${DSC[lz4]}" "$WORK/lz4"
        cd "$WORK/lz4/lib"
        run_logged "$WORK/lz4-make.log" make -j"$NPROC" liblz4.a liblz4.pc \
                PREFIX="$PREFIX" LIBDIR="$PREFIX/lib" INCLUDEDIR="$PREFIX/include"
        install -m 644 liblz4.a "$PREFIX/lib/liblz4.a"
        install -m 644 lz4.h lz4hc.h lz4frame.h lz4frame_static.h "$PREFIX/include/"
        install -m 644 liblz4.pc "$PREFIX/lib/pkgconfig/liblz4.pc"
}

# --- libarchive (virtio plugin: initramfs images) ---------------------------
# Needs the five compressors above in PREFIX.  Every optional dependency
# we do not build is switched off explicitly, so nothing on the build
# machine can sneak in.  ext2fs/ext2_fs.h (only for file flags when
# writing to disk; <linux/fs.h> has the same) is pinned to "no": whether
# e2fsprogs' headers are in PREFIX yet depends on the lanes' timing, and
# the result must not.
build_libarchive() {
        local h
        unpack "${DSC[libarchive]}" "$WORK/libarchive"
        cd "$WORK/libarchive"
        configure_logged libarchive \
                CPPFLAGS="$CPPFLAGS -I$PREFIX/include" \
                LDFLAGS="-L$PREFIX/lib" \
                ac_cv_header_ext2fs_ext2_fs_h=no \
                --disable-dependency-tracking \
                --enable-static \
                --disable-shared \
                --disable-bsdtar \
                --disable-bsdcat \
                --disable-bsdcpio \
                --disable-acl \
                --disable-xattr \
                --enable-posix-regex-lib=libc \
                --with-zlib \
                --with-bz2lib \
                --with-lzma \
                --with-zstd \
                --with-lz4 \
                --without-libb2 \
                --without-iconv \
                --without-lzo2 \
                --without-cng \
                --without-mbedtls \
                --without-nettle \
                --without-openssl \
                --without-xml2 \
                --without-expat
        # configure silently drops a compressor whose header or library
        # it cannot use; we need all of them.
        for h in ZLIB_H LIBZ BZLIB_H LIBBZ2 LZMA_H LIBLZMA ZSTD_H LIBZSTD \
                LZ4_H LIBLZ4; do
                grep -q "^#define HAVE_$h 1" config.h ||
                        die "libarchive: configure did not find HAVE_$h" \
                                "(see $WORK/libarchive-configure.log)"
        done
        run_logged "$WORK/libarchive-make.log" make -j"$NPROC" libarchive.la
        run_logged "$WORK/libarchive-install.log" make \
                install-libLTLIBRARIES install-includeHEADERS \
                install-pkgconfigDATA
}

# --- expat (firewall plugin: firewalld's XML) ------------------------------
# Debian's expat source is upstream's git tree without a generated
# configure (Debian runs buildconf.sh), and the library is three C files:
# compile them directly, like libyaml, with the configuration configure
# would write on Linux with musl (which has getrandom(); on kernels older
# than 3.17 it fails with ENOSYS and expat falls back to /dev/urandom),
# and upstream's -fno-strict-aliasing.
build_expat() {
        local major minor micro
        unpack "${DSC[expat]}" "$WORK/expat"
        cd "$WORK/expat/expat"
        expat_version() { sed -n "s/^#define XML_$1_VERSION \([0-9][0-9]*\)$/\1/p" lib/expat.h; }
        major=$(expat_version MAJOR)
        minor=$(expat_version MINOR)
        micro=$(expat_version MICRO)
        [[ -n $major && -n $minor && -n $micro ]] ||
                die "expat: no version in lib/expat.h"
        cat >expat_config.h <<-'CONFIG'
	/* Written by guestprep's build-deps.sh in place of configure. */
	#ifndef EXPAT_CONFIG_H
	#define EXPAT_CONFIG_H 1
	#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	#define BYTEORDER 4321
	#else
	#define BYTEORDER 1234
	#endif
	#define HAVE_GETRANDOM 1
	#define HAVE_FCNTL_H 1
	#define HAVE_UNISTD_H 1
	#define XML_NS 1
	#define XML_DTD 1
	#define XML_DEV_URANDOM 1
	#define XML_CONTEXT_BYTES 1024
	#endif
	CONFIG
        compile expat libexpat.a -I. -Ilib -fno-strict-aliasing \
                -- lib/xmlparse.c lib/xmltok.c lib/xmlrole.c
        install -m 644 libexpat.a "$PREFIX/lib/libexpat.a"
        install -m 644 lib/expat.h lib/expat_external.h "$PREFIX/include/"
        # shellcheck disable=SC2016
        sed -e "s|@prefix@|$PREFIX|" -e 's|@exec_prefix@|${prefix}|' \
                -e 's|@libdir@|${exec_prefix}/lib|' \
                -e 's|@includedir@|${prefix}/include|' \
                -e 's|@PACKAGE_NAME@|expat|' \
                -e "s|@PACKAGE_VERSION@|$major.$minor.$micro|" \
                -e 's|@LIBM@|-lm|' \
                expat.pc.in >"$PREFIX/lib/pkgconfig/expat.pc"
}

# --- hivex (winreg: the registry hives of an offline Windows) --------------
# hivex's configure insists on libxml2 and pod2man for its tools and
# probes for four languages' bindings; the library itself is a handful
# of C files with no dependency but iconv (musl's has UTF-16LE and
# Latin-1) and four gnulib modules (full-read/full-write over
# safe-read/safe-write).  Compile them directly, the list of sources
# taken from lib/Makefile.am, with the three macros configure would
# define on Linux; no bindings, no hivexsh/hivexml/hivexregedit.
build_hivex() {
        local version
        local -a srcs
        unpack "${DSC[hivex]}" "$WORK/hivex"
        cd "$WORK/hivex"
        version=$(sed -n 's/^PACKAGE_VERSION=.\([0-9.]*\).*/\1/p' configure | head -n 1)
        [[ -n $version ]] || die "hivex: no version in configure"
        mapfile -t srcs < <(sed -n '/^libhivex_la_SOURCES/,/^$/p' lib/Makefile.am |
                grep -o '[A-Za-z0-9_-]\+\.c' | sed 's|^|lib/|')
        ((${#srcs[@]} > 3)) || die "hivex: no sources in lib/Makefile.am"
        cat >config.h <<-'CONFIG'
	/* Written by guestprep's build-deps.sh in place of configure. */
	#define HAVE_ENDIAN_H 1
	#define HAVE_MMAP 1
	#define ICONV_CONST
	CONFIG
        compile hivex libhivex.a -D_GNU_SOURCE -I. -Iinclude -Ilib -Ignulib/lib \
                -- "${srcs[@]}" gnulib/lib/full-read.c gnulib/lib/full-write.c \
                gnulib/lib/safe-read.c gnulib/lib/safe-write.c
        install -m 644 libhivex.a "$PREFIX/lib/libhivex.a"
        # include/ since 1.3.20; lib/ before.
        install -m 644 "$(ls include/hivex.h lib/hivex.h 2>/dev/null | head -n 1)" \
                "$PREFIX/include/hivex.h"
        # shellcheck disable=SC2016
        printf '%s\n' "prefix=$PREFIX" 'libdir=${prefix}/lib' \
                'includedir=${prefix}/include' '' 'Name: hivex' \
                "Version: $version" \
                'Description: Read and write Windows Registry Hive files.' \
                'Cflags: -I${includedir}' 'Libs: -L${libdir} -lhivex' \
                >"$PREFIX/lib/pkgconfig/hivex.pc"
}

# --- Run the builds in lanes -----------------------------------------------
# Each argument of run_lanes is a lane: build steps run one after another
# in a background subshell, and the lanes run concurrently.  A step named
# in AFTER first waits until the steps it needs (in other lanes) are done.
# The order is chosen for two cores and measured: libarchive and
# util-linux are the biggest builds, so the compressors come first - xz
# (the slowest) in one lane, the other four in the other - and libarchive
# starts as soon as they are done, while util-linux runs in the other
# lane; e2fsprogs and the small ones even out the ends.  A third lane was
# slower (it delays libarchive).  A lane's make -j"$NPROC" may
# oversubscribe the cores for a while, which costs little.
declare -A AFTER=([libarchive]="zlib bzip2 xz-utils libzstd lz4")

# wait_for STEP...: until each step is done; leave the lane when another
# lane has failed.
wait_for() {
        local step
        for step in "$@"; do
                until [[ -e $WORK/done/$step ]]; do
                        [[ ! -e $WORK/done/FAILED ]] || exit 1
                        sleep 0.2
                done
        done
}

run_lanes() {
        local lane step pid failed=0
        local -a pids=()
        mkdir -p "$WORK/done"
        for lane in "$@"; do
                (
                        # Tell waiting lanes when this one dies.
                        trap '(($? == 0)) || : >"$WORK/done/FAILED"' EXIT
                        for step in $lane; do
                                # shellcheck disable=SC2086 # a list of steps
                                wait_for ${AFTER[$step]:-}
                                SECONDS=0
                                log "building ${DSC[$step]%.dsc}"
                                "build_${step//-/_}"
                                log "built ${DSC[$step]%.dsc} in ${SECONDS}s"
                                : >"$WORK/done/$step"
                        done
                ) &
                pids+=($!)
        done
        # Let every lane finish (or fail) before WORK is removed.
        for pid in "${pids[@]}"; do
                wait "$pid" || failed=1
        done
        ((failed == 0)) || die "a build failed (see above)"
}

# The optional packages this run builds end the second lane.
lane2="zlib bzip2 lz4 libzstd util-linux libcap-ng libyaml expat"
for pkg in "${PACKAGES[@]}"; do
        [[ -z ${OPTIONAL_PC[$pkg]:-} ]] || lane2+=" $pkg"
done
run_lanes "xz-utils libarchive e2fsprogs" "$lane2"

# --- Tidy PREFIX --------------------------------------------------------
# libtool archives only matter for libtool-driven shared linking, and
# their absolute dependency paths confuse other builds.
rm -f "$PREFIX"/lib/*.la
# util-linux's, e2fsprogs' and zlib's installs also create program
# directories (compile_et), man pages and helper files; nothing but
# headers, archives and .pc files is wanted.
rm -rf "${PREFIX:?}"/bin "${PREFIX:?}"/sbin "${PREFIX:?}"/share

for f in lib/libblkid.a lib/libmount.a lib/libcap-ng.a lib/libyaml.a \
        lib/libext2fs.a lib/libcom_err.a lib/libarchive.a lib/libz.a \
        lib/libbz2.a lib/liblzma.a lib/libzstd.a lib/liblz4.a \
        lib/libexpat.a \
        lib/pkgconfig/blkid.pc lib/pkgconfig/mount.pc \
        lib/pkgconfig/libcap-ng.pc lib/pkgconfig/yaml-0.1.pc \
        lib/pkgconfig/ext2fs.pc lib/pkgconfig/com_err.pc \
        lib/pkgconfig/libarchive.pc lib/pkgconfig/zlib.pc \
        lib/pkgconfig/liblzma.pc lib/pkgconfig/libzstd.pc \
        lib/pkgconfig/liblz4.pc lib/pkgconfig/expat.pc \
        include/blkid/blkid.h include/libmount/libmount.h include/cap-ng.h \
        include/yaml.h include/ext2fs/ext2fs.h include/et/com_err.h \
        include/archive.h include/archive_entry.h include/zlib.h \
        include/bzlib.h include/lzma.h include/zstd.h include/lz4.h \
        include/expat.h; do
        [[ -e $PREFIX/$f ]] || die "expected $PREFIX/$f was not installed"
done
# The optional ones: what was built is there, what was left out is not
# (a configure with --with-hivex=auto must not find half of it).
declare -A OPTIONAL_FILES=(
        [hivex]="lib/libhivex.a lib/pkgconfig/hivex.pc include/hivex.h")
for pkg in "${OPTIONAL_PACKAGES[@]}"; do
        for f in ${OPTIONAL_FILES[$pkg]}; do
                if [[ " ${PACKAGES[*]} " == *" $pkg "* ]]; then
                        [[ -e $PREFIX/$f ]] || die "expected $PREFIX/$f was not installed"
                else
                        [[ ! -e $PREFIX/$f ]] || die "$PREFIX/$f is there, but $pkg was left out"
                fi
        done
done
# Every module resolves, with all its Requires.private, from PREFIX alone,
# and points at nothing outside it.
# shellcheck disable=SC2086 # PC_MODULES is a list of words
pc_flags=$(pkg-config --static --cflags --libs --print-errors $PC_MODULES) ||
        die "pkg-config cannot resolve $PC_MODULES from $PKG_CONFIG_LIBDIR"
for f in $pc_flags; do
        case $f in
        -I/* | -L/*) [[ ${f:2} == "$PREFIX"/* ]] || die "$f is outside $PREFIX" ;;
        /*) [[ $f == "$PREFIX"/* ]] || die "$f is outside $PREFIX" ;;
        esac
done

# --- What went in -------------------------------------------------------
# built-using: every Debian source package whose code the libraries carry,
# with its version as the archive has it (the .dsc's Version: keeps the
# epoch that file names leave out, e.g. zlib's "1:"; for a package built
# without its .dsc, debian/changelog's, see use_tarballs), sorted.  musl
# comes from the system's musl-dev, whose libc.a musl-gcc links.
write_built_using() {
        local pkg dsc src ver tmp=$PREFIX/built-using.tmp
        {
                dpkg-query -W -f='${source:Package} ${source:Version}\n' musl-dev ||
                        die "musl-dev is not installed"
                for pkg in "${PACKAGES[@]}"; do
                        if [[ -n ${BUILT_USING[${DSC[$pkg]}]:-} ]]; then
                                printf '%s\n' "${BUILT_USING[${DSC[$pkg]}]}"
                                continue
                        fi
                        dsc=$POOL/${DSC[$pkg]}
                        src=$(sed -n 's/^Source: *//p' "$dsc" | head -n 1)
                        ver=$(sed -n 's/^Version: *//p' "$dsc" | head -n 1)
                        [[ -n $src && -n $ver ]] || die "no Source/Version in $dsc"
                        printf '%s %s\n' "$src" "$ver"
                done
        } | LC_ALL=C sort -u >"$tmp"
        mv "$tmp" "$PREFIX/built-using"
}
write_built_using

# Written last: an interrupted run leaves no stamp and is redone.
{
        printf '%s\n' "$SCRIPT_SUM"
        ((${#LEFT_OUT[@]} == 0)) || printf 'without %s\n' "${LEFT_OUT[*]}"
} >"$STAMP"
log "built $(dsc_names)"
((${#LEFT_OUT[@]} == 0)) || warn "left out (no source to build): ${LEFT_OUT[*]}"
print_usage_hint
