#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# packages.sh BUILDDIR: build the .deb, the .rpm and the release tarball
# with `make -C BUILDDIR deb rpm release`, then
#   - lint them: lintian and rpmlint, failing on errors and on warnings
#     that packaging/debian/guestprep.lintian-overrides or
#     packaging/rpm/rpmlint.toml do not explain;
#   - check that both declare what the static binary was built from: the
#     .deb's Static-Built-Using field and the .rpm's bundled() Provides
#     name musl and every source package of packaging/static/build-deps.sh,
#     as its manifest (pkg/built-using) recorded them: the optional ones
#     (hivex) exactly when the binary's `version` lists them as features;
#   - install the .deb on this machine (dpkg -i), run `guestprep version`,
#     try the bash completion, purge it (dpkg -P) and check that none of
#     its files is left;
#   - install the .rpm into a scratch root (rpm --root DIR -i --nodeps),
#     run the installed binary, erase it and check that the scratch root is
#     as it was before;
#   - both install contrib/ansible as /usr/share/doc/guestprep/examples/ansible;
#   - verify the release tarball against its .sha256 and run its binary.
# Prints "ok: ..." or "FAIL: ..." per step; exit 0 when all passed, 1 when
# one failed, 77 (skip) when this machine cannot do it (not root, tools
# missing) or the package is installed already (it is not ours to remove).

# ok and fail always succeed, so "test && ok || fail" is an if-then-else.
# shellcheck disable=SC2015
set -uo pipefail

build=${1:?usage: packages.sh BUILDDIR}
build=$(cd "$build" && pwd) || exit 1
failed=0
scratch=
deb_installed=

ok() { echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	failed=1
}
skip() {
	echo "skipped: $*"
	exit 77
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$deb_installed" ]; then
		dpkg -P guestprep >/dev/null 2>&1 || true
	fi
	if [ -n "$scratch" ]; then
		rm -rf "$scratch"
	fi
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i)"
for tool in dpkg dpkg-buildpackage dh rpm rpmbuild lintian rpmlint readelf; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done
if dpkg-query -W -f='${Status}' guestprep 2>/dev/null | grep -q installed; then
	skip "a guestprep package is installed on this machine already"
fi

version=$(sed -n 's/^VERSION = //p' "$build/Makefile")
[ -n "$version" ] || { echo "FAIL: no VERSION in $build/Makefile"; exit 1; }
deb=$build/guestprep_${version}-1_amd64.deb
rpmfile=$build/guestprep-${version}-1.x86_64.rpm
release=$build/guestprep-${version}-x86_64-linux-musl.tar.gz

# --- build
rm -f "$deb" "$rpmfile" "$release" "$release.sha256"
if make -C "$build" deb rpm release >"$build/packages.out" 2>&1; then
	ok "make deb rpm release"
else
	tail -40 "$build/packages.out"
	echo "FAIL: make deb rpm release"
	exit 1
fi
# The man pages go in when packaging/man has them; expect what was there.
srcdir=$(sed -n 's/^abs_top_srcdir = //p' "$build/Makefile")
have_man=
[ -f "$srcdir/packaging/man/guestprep.8" ] && have_man=1

# --- what the binary was built from
# pkg/built-using: "SOURCE VERSION" lines, one for musl and one for each
# source package build-deps.sh builds.
manifest=$build/pkg/built-using
# build_deps_list NAME: the words of build-deps.sh's array NAME.
build_deps_list() {
	# From "readonly NAME=(" to the ")" that closes it, on the same line
	# or a later one.
	awk -v start="readonly $1=(" \
		'index($0, start) == 1 { on = 1 } on { print } on && /\)/ { exit }' \
		"$srcdir/packaging/static/build-deps.sh" |
		tr -d '()' | sed "s/readonly $1=//" | tr -s ' \t\n' '\n' | grep .
}
in_manifest() {
	awk -v s="$1" '$1 == s && NF == 2 { f = 1 } END { exit !f }' \
		"$manifest" 2>/dev/null
}
sources=$(build_deps_list SOURCE_PACKAGES)
missing=
for src in musl $sources; do
	in_manifest "$src" || missing="$missing $src"
done
[ -z "$missing" ] && [ "$(echo "$sources" | wc -l)" -ge 10 ] &&
	ok "built-using names musl and $(echo "$sources" | wc -l) source packages" ||
	fail "built-using lacks:$missing"
# An optional package (hivex) is built in when the mirror serves it; the
# binary's second `version` line names the features it has.  As for
# build-deps.sh, DEPS_REQUIRE_HIVEX=1 makes a binary without it a failure.
features=$("$build/pkg/guestprep" version 2>/dev/null | sed -n 's/^features: //p')
for src in $(build_deps_list OPTIONAL_PACKAGES); do
	case " $features " in
	*" $src "*)
		in_manifest "$src" &&
			ok "built-using names $src (features: $features)" ||
			fail "built-using lacks $src, a feature of pkg/guestprep" ;;
	*)
		echo "note: pkg/guestprep was built without $src (features: $features)"
		req=DEPS_REQUIRE_$(echo "$src" | tr 'a-z-' 'A-Z_')
		[ "${!req:-0}" != 1 ] ||
			fail "pkg/guestprep lacks $src, which $req=1 requires"
		in_manifest "$src" &&
			fail "built-using names $src, which pkg/guestprep lacks" ||
			ok "built-using leaves out $src, as pkg/guestprep does" ;;
	esac
done
# Debian Policy 7.8: "source (= version)", exact versions with epochs.
want=$(awk 'NF == 2 { printf "%s%s (= %s)", n++ ? ", " : "", $1, $2 }' "$manifest")
got=$(dpkg-deb -f "$deb" Static-Built-Using 2>&1)
[ -n "$want" ] && [ "$got" = "$want" ] &&
	ok "deb: Static-Built-Using: $got" ||
	fail "deb: Static-Built-Using is '$got', want '$want'"
# RPM: bundled(SOURCE) = the upstream version (no epoch, no revision).
want=$(awk 'NF == 2 { v = $2; sub(/^[0-9]+:/, "", v); sub(/-[^-]*$/, "", v)
	print "bundled(" $1 ") = " v }' "$manifest" | sort)
got=$(rpm -qp --provides "$rpmfile" 2>/dev/null | grep '^bundled(' | sort)
[ -n "$want" ] && [ "$got" = "$want" ] &&
	ok "rpm: $(echo "$got" | wc -l) bundled() Provides" ||
	fail "rpm: bundled() Provides are '$got', want '$want'"

# --- lint
# lintian: overridden tags do not count; anything else at warning level
# or above fails.
if lint=$(lintian --fail-on error,warning --display-level '>=warning' \
	"$deb" 2>&1); then
	ok "lintian: no errors or unexplained warnings"
else
	printf '%s\n' "$lint"
	fail "lintian"
fi
# rpmlint: the filters in rpmlint.toml explain what is left.
lint=$(rpmlint -c "$srcdir/packaging/rpm/rpmlint.toml" "$rpmfile" \
	"$srcdir/packaging/rpm/guestprep.spec" 2>&1)
rc=$?
summary=$(printf '%s\n' "$lint" | grep -E '[0-9]+ errors?, [0-9]+ warnings?' | tail -1)
if [ $rc -eq 0 ] && printf '%s\n' "$summary" | grep -qE ' 0 errors?, 0 warnings?'; then
	ok "rpmlint: $summary"
else
	printf '%s\n' "$lint"
	fail "rpmlint"
fi

# check_version WHAT BINARY: `version` prints the version the scripts
# parse, then the features line.
check_version() {
	local out
	out=$("$2" version 2>&1)
	[ "$(printf '%s\n' "$out" | sed -n 1p)" = "guestprep $version" ] &&
		printf '%s\n' "$out" | sed -n 2p | grep -q '^features: [a-z]' &&
		[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] &&
		ok "$1: guestprep version: $(printf '%s\n' "$out" | tr '\n' ' ')" ||
		fail "$1: guestprep version printed '$out'"
}

# --- the .deb on this machine
etc_before=
[ -e /etc/guestprep ] && etc_before=1
if dpkg -i "$deb" >"$build/dpkg.out" 2>&1; then
	deb_installed=1
	ok "dpkg -i $(basename "$deb")"
else
	cat "$build/dpkg.out"
	fail "dpkg -i"
fi
if [ -n "$deb_installed" ]; then
	deb_sum=$(sha256sum </usr/sbin/guestprep)
	check_version deb /usr/sbin/guestprep
	/usr/sbin/guestprep --help | grep -q '(default /etc/guestprep/guestprep.conf)' &&
		ok "deb: the binary reads /etc/guestprep/guestprep.conf" ||
		fail "deb: the binary does not read /etc/guestprep/guestprep.conf"
	dpkg-query -W -f='${Conffiles}\n' guestprep |
		grep -q '^ /etc/guestprep/guestprep.conf ' &&
		ok "deb: /etc/guestprep/guestprep.conf is a conffile" ||
		fail "deb: /etc/guestprep/guestprep.conf is not a conffile"
	want="/usr/sbin/guestprep /etc/guestprep/guestprep.conf
		/usr/share/bash-completion/completions/guestprep
		/usr/share/doc/guestprep/README.md.gz
		/usr/share/doc/guestprep/copyright"
	[ -n "$have_man" ] && want="$want /usr/share/man/man8/guestprep.8.gz
		/usr/share/man/man5/guestprep.conf.5.gz"
	missing=
	for f in $want; do
		[ -f "$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "deb: files installed${have_man:+ (with man pages)}" ||
		fail "deb: not installed:$missing"
	examples=/usr/share/doc/guestprep/examples/ansible
	[ -f "$examples/check.yml" ] && diff -r "$srcdir/contrib/ansible" "$examples" &&
		ok "deb: contrib/ansible installed as $examples" ||
		fail "deb: $examples is not contrib/ansible"
	mapfile -t files < <(dpkg -L guestprep)

	# An administrator's edit survives reinstalling (an upgrade to the
	# same default): dpkg keeps a changed conffile.
	echo "# local edit $$" >>/etc/guestprep/guestprep.conf
	if dpkg -i "$deb" >"$build/dpkg.out" 2>&1 &&
		grep -q "^# local edit $$\$" /etc/guestprep/guestprep.conf; then
		ok "deb: reinstalling keeps the edited guestprep.conf"
	else
		cat "$build/dpkg.out"
		fail "deb: reinstalling lost the edited guestprep.conf"
	fi

	# The completion, as bash runs it: commands, --only ids from
	# `guestprep list` (after a comma too), profiles, --format values.
	complete_words() {
		bash -c '
			source /usr/share/bash-completion/bash_completion
			source /usr/share/bash-completion/completions/guestprep
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_guestprep
			printf "%s\n" "${COMPREPLY[@]}"' - "$@" 2>&1 | sort | tr '\n' ' '
	}
	PATH=/usr/sbin:$PATH
	check_completion() {
		local want=$1 got
		shift
		got=$(complete_words "$@")
		[ "$got" = "$want" ] && ok "completion of '$*': $got" ||
			fail "completion of '$*': got '$got', want '$want'"
	}
	check_completion "check " guestprep ch
	check_completion "os.architecture os.identified os.platform " \
		guestprep check --only os.
	check_completion "os,selinux os,selinux.cmdline os,selinux.config os,selinux.live " \
		guestprep check --skip os,sel
	check_completion "--yes " guestprep -p alibaba fix --y
	check_completion "alibaba alibaba-2018 " guestprep fix --profile ali
	check_completion "json " guestprep check --format j
	check_completion "--dry-run " guestprep fix --dry

	if dpkg -P guestprep >"$build/dpkg.out" 2>&1; then
		deb_installed=
		ok "dpkg -P guestprep"
	else
		cat "$build/dpkg.out"
		fail "dpkg -P guestprep"
	fi
	left=0
	for f in "${files[@]}"; do
		# Shared directories (/usr/sbin, ...) stay; files must go.
		if [ -e "$f" ] && ! [ -d "$f" ]; then
			echo "left behind: $f"
			left=1
		fi
	done
	dirs=/usr/share/doc/guestprep
	[ -n "$etc_before" ] || dirs="$dirs /etc/guestprep"
	for d in $dirs; do
		if [ -e "$d" ]; then
			echo "left behind: $d"
			left=1
		fi
	done
	if dpkg-query -W guestprep >/dev/null 2>&1; then
		echo "dpkg still knows guestprep"
		left=1
	fi
	[ $left -eq 0 ] && ok "deb: nothing left after purge" ||
		fail "deb: files left after purge"
fi

# --- the .rpm in a scratch root
scratch=$(mktemp -d /tmp/guestprep-rpm.XXXXXX)
# The directories a base system has (they belong to its filesystem
# package, not to ours), and the database, before the snapshot.
mkdir -p "$scratch"/{etc,usr/sbin,usr/share/doc,usr/share/man/man5} \
	"$scratch"/{usr/share/man/man8,usr/share/bash-completion/completions}
rpm --root "$scratch" --initdb
dbpath=$(rpm --eval '%{_dbpath}')
snapshot() {
	(cd "$scratch" && find . -path ".$dbpath" -prune -o \
		-printf '%p %y %m %s\n' | sort)
}
before=$(snapshot)
if rpm --root "$scratch" -i --nodeps "$rpmfile" >"$build/rpm.out" 2>&1; then
	ok "rpm --root -i $(basename "$rpmfile")"
	rpm_sum=$(sha256sum <"$scratch/usr/sbin/guestprep")
	check_version rpm "$scratch/usr/sbin/guestprep"
	flags=$(rpm --root "$scratch" -q --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' guestprep)
	printf '%s\n' "$flags" | grep -q '^cn /etc/guestprep/guestprep.conf$' &&
		ok "rpm: guestprep.conf is %config(noreplace)" ||
		fail "rpm: guestprep.conf is not %config(noreplace): $flags"
	want="usr/sbin/guestprep etc/guestprep/guestprep.conf
		usr/share/bash-completion/completions/guestprep
		usr/share/doc/guestprep/README.md"
	[ -n "$have_man" ] && want="$want usr/share/man/man8/guestprep.8*
		usr/share/man/man5/guestprep.conf.5*"
	missing=
	for f in $want; do
		# shellcheck disable=SC2086 # the glob takes .gz or not
		ls "$scratch"/$f >/dev/null 2>&1 || missing="$missing /$f"
	done
	[ -z "$missing" ] && ok "rpm: files installed${have_man:+ (with man pages)}" ||
		fail "rpm: not installed:$missing"
	examples=usr/share/doc/guestprep/examples/ansible
	[ -f "$scratch/$examples/check.yml" ] &&
		diff -r "$srcdir/contrib/ansible" "$scratch/$examples" &&
		ok "rpm: contrib/ansible installed as /$examples" ||
		fail "rpm: /$examples is not contrib/ansible"
	rpm --root "$scratch" -q --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' guestprep |
		grep -q "^d /$examples/check.yml\$" &&
		ok "rpm: the Ansible example is %doc" ||
		fail "rpm: the Ansible example is not %doc"
	conf=$scratch/etc/guestprep/guestprep.conf
	echo "# local edit $$" >>"$conf"
	if rpm --root "$scratch" -U --replacepkgs --nodeps "$rpmfile" \
		>>"$build/rpm.out" 2>&1 && grep -q "^# local edit $$\$" "$conf" &&
		! [ -e "$conf.rpmnew" ] && ! [ -e "$conf.rpmsave" ]; then
		ok "rpm: reinstalling keeps the edited guestprep.conf"
	else
		cat "$build/rpm.out"
		fail "rpm: reinstalling lost the edited guestprep.conf"
	fi
	if rpm --root "$scratch" -e guestprep >>"$build/rpm.out" 2>&1; then
		ok "rpm --root -e guestprep"
	else
		cat "$build/rpm.out"
		fail "rpm --root -e guestprep"
	fi
	# rpm keeps an edited %config file as .rpmsave on erase: the
	# administrator's file, as intended; it goes before the comparison.
	if grep -qs "^# local edit $$\$" "$conf.rpmsave"; then
		ok "rpm: erase kept the edited configuration as guestprep.conf.rpmsave"
		rm -f "$conf.rpmsave"
		rmdir "$scratch/etc/guestprep"
	else
		fail "rpm: erase did not keep the edited configuration"
	fi
	after=$(snapshot)
	if [ "$before" = "$after" ]; then
		ok "rpm: the scratch root is clean after erase"
	else
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after")
		fail "rpm: the scratch root changed"
	fi
else
	cat "$build/rpm.out"
	fail "rpm --root -i"
fi

# --- the release tarball
if (cd "$build" && sha256sum -c --quiet "$(basename "$release").sha256"); then
	ok "release: sha256 matches"
else
	fail "release: sha256 mismatch"
fi
name=$(basename "$release" .tar.gz)
tar -C "$scratch" -xzf "$release"
tar_sum=$(sha256sum <"$scratch/$name/guestprep")
[ "$tar_sum" = "${deb_sum:-}" ] && [ "$tar_sum" = "${rpm_sum:-}" ] &&
	ok "the .deb, the .rpm and the tarball ship the same binary" ||
	fail "the binaries differ: deb ${deb_sum:-?} rpm ${rpm_sum:-?} tar $tar_sum"
check_version release "$scratch/$name/guestprep"
missing=
for f in README.md guestprep.conf bash-completion/guestprep \
	${have_man:+man/guestprep.8 man/guestprep.conf.5}; do
	[ -f "$scratch/$name/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "release: contents complete" ||
	fail "release: missing:$missing"
if tar -tvzf "$release" | awk '$2 != "0/0" { bad = 1 } END { exit bad }'; then
	ok "release: every file owned by 0/0"
else
	fail "release: files not owned by 0/0"
fi

exit $failed
