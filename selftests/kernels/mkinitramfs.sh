#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh - pack the one initramfs that every kernel of the matrix
# boots: static busybox, selftests/kernels/init, the static test runners
# and BPF objects of BUILD, iproute2's ip with the libraries it loads, and
# the veth module of each kernel under /lib/modules/RELEASE/.
#
# Usage: selftests/kernels/mkinitramfs.sh OUT.cpio BUILD RELEASE=VETH_KO...
# A VETH_KO of "-" means the kernel has veth built in. Needs no root.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
build=$2
shift 2

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

# copy_with_libs FILE - copy a dynamic executable and every library that
# ldd lists for it, each under its own path, plus the dynamic loader
copy_with_libs() {
	local f

	install -D "$1" "$root$1"
	for f in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				   $1 ~ /^\// { print $1 }'); do
		[ -e "$root$f" ] || install -D -m 0755 "$(readlink -f "$f")" "$root$f"
	done
}

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox is missing; install busybox-static"
if ldd "$busybox" > /dev/null 2>&1; then
	die "$busybox is linked dynamically; install busybox-static"
fi
[ -x /usr/sbin/ip ] || die "/usr/sbin/ip is missing; install iproute2"
for f in test_progs.static veth_native.static; do
	[ -x "$build/selftests/$f" ] || die "$build/selftests/$f is missing; run 'make kernels-progs'"
done

root=$(mktemp -d "$out.root.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys,tmp,run} "$root/mxg/build/selftests" \
	"$root/mxg/build/bpf"
install -m 0755 "$busybox" "$root/bin/busybox"
install -m 0755 "$top/selftests/kernels/init" "$root/init"
install -m 0755 "$build/selftests/test_progs.static" \
	"$build/selftests/veth_native.static" "$root/mxg/build/selftests/"
cp "$build"/bpf/*.bpf.o "$root/mxg/build/bpf/"
# Frames or expected output that a packet test reads from the source tree.
if [ -d "$top/selftests/golden" ]; then
	mkdir -p "$root/mxg/selftests"
	cp -r "$top/selftests/golden" "$root/mxg/selftests/"
fi
copy_with_libs /usr/sbin/ip

for spec in "$@"; do
	rel=${spec%%=*}
	ko=${spec#*=}
	[ "$ko" = - ] && continue
	mkdir -p "$root/lib/modules/$rel"
	# 6.12 ships modules compressed; insmod wants them plain.
	case $ko in
	*.xz) xz -dc "$ko" > "$root/lib/modules/$rel/veth.ko" ;;
	*.zst) zstd -qdc "$ko" > "$root/lib/modules/$rel/veth.ko" ;;
	*.gz) gzip -dc "$ko" > "$root/lib/modules/$rel/veth.ko" ;;
	*) cp "$ko" "$root/lib/modules/$rel/veth.ko" ;;
	esac || die "failed to copy '$ko'"
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
