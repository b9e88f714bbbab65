#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build.sh BUILDDIR: the fully static release binary, BUILDDIR/guestprep.
#
# Builds the static libraries with build-deps.sh (musl, from Debian's
# source packages: libblkid/libmount, libcap-ng, libyaml, libext2fs,
# libarchive with its compressors, expat, hivex), then configures
# guestprep out of tree against them with musl-gcc; configure's
# pkg-config checks take them, with their private dependencies, from
# BUILDDIR/deps only.  hivex is optional (--with-hivex=auto): when no
# Debian release on the mirror serves it, not even its tarballs without
# the .dsc, build-deps.sh leaves it out, the binary cannot read a
# Windows registry, and `BUILDDIR/guestprep version` says "features:
# none" (DEPS_REQUIRE_HIVEX=1 makes that an error).
# `make -C BUILDDIR check` afterwards runs the tests that drive the
# binary, including tests/static/static.sh (no kernel floor, works
# without the system calls of newer kernels).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: build.sh BUILDDIR}
mkdir -p "$build"
build=$(cd "$build" && pwd)
deps=$build/deps

"$here/build-deps.sh" "$deps"

# musl's include path has no Linux UAPI headers; build-deps.sh links them
# (linux/, asm/) into include-kernel.  They go in CPPFLAGS so configure's
# preprocessor tests see them too.
export PKG_CONFIG_LIBDIR=$deps/lib/pkgconfig
cd "$build"
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
"$top/configure" -q CC=musl-gcc \
	CPPFLAGS="-isystem $deps/include-kernel" \
	CFLAGS="-O2 -g" LDFLAGS="-Wl,--gc-sections" \
	--prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	--enable-static-binary --with-hivex=auto
make -j"$(nproc)"
echo "static binary: $build/guestprep ($("$build/guestprep" version | sed -n 2p))"
