#!/usr/bin/env bash
#
# build-deps.sh PREFIX
#
# Build the static third-party libraries that guestprep's fully static
# release binary links against (libblkid + libmount from util-linux,
# libcap-ng, and libyaml for cloud-init's configuration), from Debian's
# *source packages*, with musl-gcc.
#
# Why musl: a static glibc binary needs kernel >= 3.2 (its ABI note) and
# still tries to dlopen NSS modules at run time.  The release binary must
# run on CentOS 5/6-era guests (kernel 2.6.18 - 2.6.32), so we link it
# against musl, and therefore every library it links must be built
# against musl too.
#
# Why Debian source packages: we get exactly the versions Debian ships
# (e.g. util-linux 2.38.1, libcap-ng 0.8.3 on bookworm) with Debian's
# security and bug-fix patches applied, authenticated through the
# archive's signed InRelease files, without a separate download site.
#
# Result, under PREFIX:
#   include/            blkid/blkid.h, libmount/libmount.h, cap-ng.h, yaml.h
#   include-kernel/     symlinks to the host's Linux UAPI headers (see below)
#   lib/*.a             libblkid.a, libmount.a, libcap-ng.a, libyaml.a
#   lib/pkgconfig/*.pc  blkid.pc, mount.pc, libcap-ng.pc, yaml-0.1.pc
#   .stamp              checksum of this script; a re-run with a matching
#                       stamp exits at once (delete PREFIX to pick up a
#                       newer Debian revision of the same sources)
#
# Callers link with:
#   PKG_CONFIG_LIBDIR=PREFIX/lib/pkgconfig \
#       pkg-config --static --cflags --libs blkid mount libcap-ng yaml-0.1
#
# Environment (all optional):
#   DEPS_SRC_CACHE    where downloaded source packages and the private apt
#                     state are kept (default: PREFIX/../src)
#   DEPS_SOURCES_LIST an apt sources.list (one-line format, deb-src lines)
#                     to use instead of the one derived from the system's
#   DEPS_KEEP_WORK=1  keep the temporary build tree (for debugging)
#
# The Debian packages this script needs are listed in deps.txt next to it.
# It never installs anything itself and never changes the system's apt
# configuration.

set -euo pipefail

readonly FALLBACK_MIRROR=http://deb.debian.org/debian
readonly FALLBACK_SUITE=bookworm
# Debian source package names.
readonly SOURCE_PACKAGES=(util-linux libcap-ng libyaml)

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
        log "      pkg-config --static --cflags --libs blkid mount libcap-ng yaml-0.1"
        printf 'PKG_CONFIG_LIBDIR=%s\n' "$PREFIX/lib/pkgconfig"
}

# --- Fast path: nothing to do if this exact script already built PREFIX ---
if [[ -f $STAMP && $(<"$STAMP") == "$SCRIPT_SUM" ]]; then
        log "up to date ($STAMP matches this script)"
        print_usage_hint
        exit 0
fi

# --- Prerequisites: report, never install --------------------------------
# Each entry is "command-or-file:debian-package".  linux-libc-dev provides
# the kernel UAPI headers, which musl does not ship (see include-kernel).
missing=()
for req in \
        musl-gcc:musl-tools \
        dpkg-source:dpkg-dev \
        apt-get:apt \
        patch:patch \
        xz:xz-utils \
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

# The exact file names (and so versions) apt picks for each package.
run_logged "$WORK/apt-print-uris.log" \
        "${APT[@]}" source --print-uris "${SOURCE_PACKAGES[@]}"
mapfile -t DSC_FILES < <(
        awk '$2 ~ /\.dsc$/ { print $2 }' "$WORK/apt-print-uris.log")
if ((${#DSC_FILES[@]} != ${#SOURCE_PACKAGES[@]})); then
        die "could not resolve source packages ${SOURCE_PACKAGES[*]}" \
                "(got: ${DSC_FILES[*]:-none})"
fi

log "fetching ${DSC_FILES[*]} into $POOL"
# Files already in the pool are re-hashed and only downloaded again when
# they do not match the signed index, so re-runs do not hit the network
# for the sources themselves.  As root apt would drop to the _apt user to
# download, which cannot write into our (root-owned) pool and only warns
# before downloading as root anyway; say so explicitly.
(cd "$POOL" && run_logged "$WORK/apt-source.log" \
        "${APT[@]}" -o APT::Sandbox::User=root \
        source --download-only "${SOURCE_PACKAGES[@]}")

# unpack DSC DIR: extract a source package and apply Debian's patches.
unpack() {
        local dsc=$POOL/$1 dir=$2 now
        # dpkg-source checks the .dsc's checksums of the tarballs (which apt
        # already authenticated through the archive signature).  It also
        # tries the uploader's OpenPGP signature on the .dsc; that key lives
        # in debian-keyring, which we do not require, so it only warns
        # "cannot verify inline signature" - expected, and not fatal.
        run_logged "$WORK/${dir##*/}-unpack.log" dpkg-source \
                --require-strong-checksums --no-copy -x "$dsc" "$dir"
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
# (also from its public cap-ng.h!), and libblkid/libmount include
# <linux/blkzoned.h>, <linux/fd.h>, <linux/cdrom.h>, <linux/btrfs.h>, ...
# These headers pull in <asm/...> (arch-specific) and <asm-generic/...>.
# Expose only these three directories: all of /usr/include would mix
# glibc headers into the musl build.
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
        gcc -print-multiarch)
KINC=$PREFIX/include-kernel

log "preparing $PREFIX"
rm -rf "${PREFIX:?}"
mkdir -p "$PREFIX" "$KINC"
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

# --- util-linux: libblkid + libmount --------------------------------------
UL_DSC=$(printf '%s\n' "${DSC_FILES[@]}" | grep '^util-linux_')
CN_DSC=$(printf '%s\n' "${DSC_FILES[@]}" | grep '^libcap-ng_')
YAML_DSC=$(printf '%s\n' "${DSC_FILES[@]}" | grep '^libyaml_')

log "building ${UL_DSC%.dsc} (libblkid, libmount)"
unpack "$UL_DSC" "$WORK/util-linux"
(
        cd "$WORK/util-linux"
        # --disable-all-programs also disables the other libraries
        # (libuuid, libsmartcols, libfdisk); we turn the two we need back
        # on and switch off every optional external dependency, so the
        # result only needs musl.
        run_logged "$WORK/util-linux-configure.log" ./configure \
                --prefix="$PREFIX" \
                --libdir="$PREFIX/lib" \
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
)

# --- libcap-ng ------------------------------------------------------------
log "building ${CN_DSC%.dsc}"
unpack "$CN_DSC" "$WORK/libcap-ng"
(
        cd "$WORK/libcap-ng"
        run_logged "$WORK/libcap-ng-configure.log" ./configure \
                --prefix="$PREFIX" \
                --libdir="$PREFIX/lib" \
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
)

# --- libyaml (the cloud_init plugin parses cloud-init's YAML) -----------
# Debian's libyaml source has no generated configure (Debian runs
# dh_autoreconf), and the library is eight C files with no optional
# dependency: compile them directly instead of requiring autoconf,
# automake and libtool.  The version comes from configure.ac, as the
# autotools build would take it.
log "building ${YAML_DSC%.dsc}"
unpack "$YAML_DSC" "$WORK/libyaml"
(
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
        read -ra cppflags <<<"$CPPFLAGS"
        read -ra cflags <<<"$CFLAGS"
        objs=()
        for c in src/*.c; do
                run_logged "$WORK/libyaml-${c##*/}.log" "$CC" \
                        "${cppflags[@]}" "${cflags[@]}" -Iinclude \
                        -DYAML_VERSION_MAJOR="$major" \
                        -DYAML_VERSION_MINOR="$minor" \
                        -DYAML_VERSION_PATCH="$patch" \
                        -DYAML_VERSION_STRING="\"$version\"" \
                        -c "$c" -o "${c%.c}.o"
                objs+=("${c%.c}.o")
        done
        run_logged "$WORK/libyaml-ar.log" ar rcs libyaml.a "${objs[@]}"
        install -D -m 644 libyaml.a "$PREFIX/lib/libyaml.a"
        install -D -m 644 include/yaml.h "$PREFIX/include/yaml.h"
        mkdir -p "$PREFIX/lib/pkgconfig"
        # shellcheck disable=SC2016
        sed -e "s|@prefix@|$PREFIX|" -e 's|@exec_prefix@|${prefix}|' \
                -e 's|@includedir@|${prefix}/include|' \
                -e 's|@libdir@|${exec_prefix}/lib|' \
                -e "s|@PACKAGE_VERSION@|$version|" \
                yaml-0.1.pc.in >"$PREFIX/lib/pkgconfig/yaml-0.1.pc"
)

# --- Tidy PREFIX --------------------------------------------------------
# libtool archives only matter for libtool-driven shared linking, and
# their absolute dependency paths confuse other builds.
rm -f "$PREFIX"/lib/*.la
# util-linux's install also creates empty program directories and a few
# man pages; nothing but headers, archives and .pc files is wanted.
rm -rf "${PREFIX:?}"/bin "${PREFIX:?}"/sbin "${PREFIX:?}"/share
# cap-ng.h includes <linux/capability.h>, so every user of libcap-ng needs
# the kernel headers too: advertise them through the .pc file (${prefix}
# is pkg-config's variable, hence the single quotes).
# shellcheck disable=SC2016
sed -i 's|^Cflags:.*|& -isystem ${prefix}/include-kernel|' \
        "$PREFIX/lib/pkgconfig/libcap-ng.pc"

for f in lib/libblkid.a lib/libmount.a lib/libcap-ng.a \
        lib/pkgconfig/blkid.pc lib/pkgconfig/mount.pc \
        lib/pkgconfig/libcap-ng.pc include/blkid/blkid.h \
        include/libmount/libmount.h include/cap-ng.h \
        lib/libyaml.a lib/pkgconfig/yaml-0.1.pc include/yaml.h; do
        [[ -e $PREFIX/$f ]] || die "expected $PREFIX/$f was not installed"
done

# Written last: an interrupted run leaves no stamp and is redone.
printf '%s\n' "$SCRIPT_SUM" >"$STAMP"
log "built ${DSC_FILES[*]/%.dsc/}"
print_usage_hint
