#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Collect the seed corpus of one fuzz target from the fixtures:
#   seeds.sh SRCDIR NAME OUTDIR [BUILDDIR]
# Seeds are made at run time (the fixtures are not copied into the
# tree).  Targets that read several files take them as parts separated
# by a line "----" (tests/fuzz/fuzz.h: fuzz_split); targets that pick a
# format by the input's first byte get that byte first.  BUILDDIR (the
# fuzz build, with its guestprep) lets the journal target start from a
# real journal.
set -eu

src=$1
name=$2
out=$3
build=${4:-}
fx=$src/tests/fixtures
n=0

# seed PREFIX FILE...: PREFIX (printf format, may be empty), then the
# files as parts; missing files end the list.
seed() {
	prefix=$1
	shift
	n=$((n + 1))
	f=$out/seed-$n
	{
		# shellcheck disable=SC2059
		printf "$prefix"
		first=1
		for part in "$@"; do
			[ -f "$part" ] || break
			[ $first -eq 1 ] || printf '\n----\n'
			cat "$part"
			first=0
		done
	} >"$f"
}

# every FIND-ARGS...: one seed per file found under the fixtures.
every() {
	find "$fx" -type f "$@" | sort | while read -r file; do
		seed "" "$file"
		echo "$file"
	done >/dev/null
	n=$(ls "$out" | wc -l)
}

# trees FILE: the fixture trees holding FILE (relative).
trees() {
	find "$fx" -path "*/$1" -type f | sed "s|/$1\$||" | sort -u
}

rm -f "$out"/seed-*
case $name in
osid)
	i=0
	for rel in redhat-release centos-release SuSE-release lsb-release \
		debian_version oracle-release system-release fedora-release; do
		for t in $(trees "etc/$rel"); do
			seed "\\$(printf %03o $i)" "$t/etc/os-release" \
				"$t/etc/$rel" "$t/etc/issue"
		done
		i=$((i + 1))
	done
	for t in $(trees etc/os-release) $(trees usr/lib/os-release); do
		seed "" "$t/etc/os-release" "$t/usr/lib/os-release"
	done
	;;
kvfile)
	every \( -name 'ifcfg-*' -o -path '*/etc/default/grub' \
		-o -path '*/selinux/config' -o -path '*/etc/sysconfig/*' \
		-o -name os-release \)
	;;
ini)
	every \( -name '*.nmconnection' -o -name 'NetworkManager.conf' \
		-o -name '*.network' -o -name '*.link' -o -name '*.netdev' \
		-o -name '*.profile' -o -name 'guestprep.conf' \)
	;;
ifcfg)
	for f in $(find "$fx" -name 'ifcfg-*' -type f | sort); do
		t=${f%/etc/*}
		seed "" "$f" "$t/etc/sysconfig/network"
	done
	;;
ifupdown)
	every -path '*/etc/network/interfaces*'
	;;
netplan)
	every -path '*/netplan/*.yaml'
	;;
nm)
	for f in $(find "$fx" -name '*.nmconnection' -type f | sort); do
		t=${f%/etc/*}
		seed "" "$f" "$t/etc/NetworkManager/NetworkManager.conf"
	done
	for t in $(trees etc/NetworkManager/NetworkManager.conf); do
		seed "" /dev/null "$t/etc/NetworkManager/NetworkManager.conf"
	done
	;;
networkd)
	every \( -name '*.network' -o -name '*.link' \)
	;;
sshd)
	for t in $(trees etc/ssh/sshd_config); do
		d=$(find "$t/etc/ssh/sshd_config.d" -name '*.conf' 2>/dev/null |
			head -n 1)
		seed "" "$t/etc/ssh/sshd_config" "${d:-/nonexistent}"
	done
	;;
grub)
	for f in $(find "$fx" \( -name grub.cfg -o -name grub.conf \
		-o -name menu.lst \) -type f | sort); do
		t=${f%/boot/*}
		seed "" "$f" "$t/etc/default/grub"
	done
	;;
fstab)
	every -path '*/etc/fstab'
	;;
selinux)
	for f in $(find "$fx" -path '*/etc/selinux/config' -type f | sort); do
		t=${f%/etc/*}
		seed "" "$f" "$t/etc/default/grub"
	done
	;;
fw)
	for f in $(find "$fx" \( -path '*/sysconfig/iptables' \
		-o -name 'rules.v4' -o -name '*.rules' \) -type f | sort); do
		seed '\000' "$f"
	done
	for f in $(find "$fx" -name nftables.conf -type f | sort); do
		t=${f%/etc/*}
		inc=$(find "$t/etc" -name '*.nft' | head -n 1)
		seed '\001' "$f" "${inc:-/nonexistent}"
	done
	# No fixture has these: a small, typical file of each.
	printf '\002%s\n' 'domain (ip ip6) table filter {' \
		'  chain INPUT { policy DROP;' \
		'    mod state state (ESTABLISHED RELATED) ACCEPT;' \
		'    proto tcp dport (22 80) ACCEPT; } }' >"$out/seed-ferm"
	printf '\003%s\n' '<?xml version="1.0" encoding="utf-8"?>' \
		'<zone target="DROP"><short>Public</short>' \
		'<service name="ssh"/><service name="site"/>' \
		'<port protocol="tcp" port="3389"/>' \
		'<rule family="ipv4"><source address="10.0.0.0/8"/>' \
		'<port protocol="tcp" port="80"/><accept/></rule>' \
		'<interface name="eth0"/></zone>' '----' \
		'<?xml version="1.0"?><service><port protocol="tcp" port="8080-8090"/></service>' \
		>"$out/seed-firewalld"
	;;
initramfs)
	every -name 'initr*.img' -size +0
	# Small images of each compression the tools here can make.
	tmp=$(mktemp -d)
	mkdir -p "$tmp/t/usr/lib/modules/6.1.0/kernel/drivers/block"
	echo x >"$tmp/t/usr/lib/modules/6.1.0/kernel/drivers/block/virtio_blk.ko"
	ln -s usr/lib "$tmp/t/lib"
	if command -v cpio >/dev/null; then
		(cd "$tmp/t" && find . | cpio -o -H newc 2>/dev/null) >"$tmp/a"
		cp "$tmp/a" "$out/seed-cpio"
		for z in gzip xz zstd bzip2 lz4; do
			command -v $z >/dev/null || continue
			$z -c <"$tmp/a" >"$out/seed-$z" 2>/dev/null || true
		done
		# An early microcode archive, then the compressed one.
		if [ -f "$out/seed-gzip" ]; then
			cat "$tmp/a" "$out/seed-gzip" >"$out/seed-early"
		fi
	fi
	rm -rf "$tmp"
	;;
conf)
	printf '%s\n' '# guestprep.conf' 'profile = alibaba' 'format = json' \
		'only = network sshd' 'skip = firewall' 'color = never' \
		'sshd.port = 2222' 'network.require_dhcp = true' \
		>"$out/seed-conf"
	for f in "$src"/agent/profiles/*.profile; do seed "" "$f"; done
	;;
extchecks)
	printf '%s' '{"findings": [{"id": "disk", "status": "warn",' \
		' "message": "m\u00e9ssage \ud83d\ude00", "evidence":' \
		' ["a\nb", "\u0001"], "remediation": "do it"},' \
		' {"status": "pass", "message": "ok"}]}' >"$out/seed-report"
	printf '%s' '{"findings": []}' >"$out/seed-empty"
	printf '%s' '[1, 2.5e3, -0, true, false, null, {"a": {"b": []}}]' \
		>"$out/seed-values"
	;;
journal)
	# A real journal: fix a copy of a fixture with the fuzz build's
	# guestprep (the copy is a temporary directory).
	gp=$build/guestprep
	if [ -x "$gp" ]; then
		tmp=$(mktemp -d)
		cp -a "$fx/selinux/." "$tmp/" 2>/dev/null || true
		for t in "$tmp"/*/; do
			"$gp" fix --root "$t" --yes --only selinux \
				>/dev/null 2>&1 || true
		done
		find "$tmp" -path '*/var/lib/guestprep/runs/*/journal' \
			-type f | while read -r j; do
			n=$((n + 1))
			cp "$j" "$out/seed-journal-$n"
		done
		rm -rf "$tmp"
	fi
	printf 'guestprep-journal 1\n' >"$out/seed-header"
	;;
winreg)
	for f in $(find "$fx" \( -iname SOFTWARE -o -iname SYSTEM \) \
		-path '*config*' -type f | sort); do
		case $(basename "$f" | tr a-z A-Z) in
		SOFTWARE) seed '\000' "$f" ;;
		*) seed '\001' "$f" ;;
		esac
	done
	;;
*)
	echo "seeds.sh: no seeds for $name" >&2
	exit 1
	;;
esac
# Inputs that once crashed a target (tests/fuzz/regressions/NAME-*).
for f in "$src/tests/fuzz/regressions/$name"-*; do
	[ -f "$f" ] && cp "$f" "$out/seed-${f##*/}"
done
exit 0
