#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch.sh - resolve Debian kernel meta-packages to their current kernel and
# keep that kernel's vmlinuz and veth.ko in a cache outside the source tree.
#
# Usage: selftests/kernels/fetch.sh CACHE META...
#
# For each meta-package (such as linux-image-cloud-amd64) prints one line:
#   KERNEL RELEASE VMLINUZ VETH_KO   a kernel ready in CACHE/RELEASE/
#   SKIP kernels/NAME: REASON        no kernel for this meta-package
# A kernel already in the cache is used without any network access. When
# the download fails, the newest cached kernel of the same meta-package is
# used instead, with a warning on stderr. The .deb itself is deleted after
# extraction; 6.12's veth.ko.xz is stored decompressed.
set -u

cache=$1
shift

warn() { echo "fetch: $*" >&2; }

# resolve META... - print "META PACKAGE" for each meta-package that depends
# on a kernel image package (one apt-cache call: each one takes ~0.6 s)
resolve() {
	apt-cache depends "$@" 2>/dev/null | awk '
		/^[^ ]/ { meta = $1; next }
		/^ *\|?Depends: linux-image-[0-9]/ && !(meta in seen) {
			seen[meta] = 1
			print meta, $2
		}'
}

# cached_fallback META - the newest cached release fetched for META
cached_fallback() {
	local f

	for f in "$cache"/*/meta; do
		[ -e "$f" ] || continue
		if [ "$(cat "$f")" = "$1" ] && [ -e "${f%/meta}/vmlinuz" ]; then
			basename "${f%/meta}"
		fi
	done | sort -V | tail -n 1
}

# extract PKG RELEASE META DIR - download PKG and unpack the two files
# into DIR/RELEASE, atomically. 0 or 1 (the reason goes to stderr).
extract() {
	local pkg=$1 rel=$2 meta=$3 tmp deb ko

	tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
	if ! (cd "$tmp" && timeout 600 apt-get -q -o Acquire::Retries=1 download "$pkg") \
		> "$tmp/apt.log" 2>&1; then
		warn "failed to download '$pkg':"
		grep -E '^(E|Err):' "$tmp/apt.log" | head -n 3 >&2
		rm -rf "$tmp"
		return 1
	fi
	deb=$(ls "$tmp"/*.deb)
	mkdir "$tmp/x"
	if ! dpkg-deb --fsys-tarfile "$deb" |
	     tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' \
		 '*/kernel/drivers/net/veth.ko*'; then
		warn "failed to unpack vmlinuz and veth.ko from '$deb'"
		rm -rf "$tmp"
		return 1
	fi
	ko=$(find "$tmp/x" -name 'veth.ko*' | head -n 1)
	mkdir "$tmp/$rel"
	mv "$tmp/x/boot/vmlinuz-$rel" "$tmp/$rel/vmlinuz" &&
	xzcat -f "$ko" > "$tmp/$rel/veth.ko" &&
	dpkg-deb -f "$deb" Package Version > "$tmp/$rel/package" &&
	echo "$meta" > "$tmp/$rel/meta" &&
	mv -T "$tmp/$rel" "$cache/$rel"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

if ! command -v apt-cache > /dev/null || ! command -v dpkg-deb > /dev/null; then
	for meta in "$@"; do
		echo "SKIP kernels/$meta: apt-cache and dpkg-deb are missing; this fetch needs a Debian host (KMATRIX_KERNELS takes other kernels)"
	done
	exit 0
fi

# A read-only cache still serves the kernels it holds. One fetch at a time
# per cache, so parallel runs never download the same kernel twice.
writable=0
if mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ]; then
	writable=1
	exec 9> "$cache/.lock"
	flock 9
fi

resolved=$(resolve "$@")
for meta in "$@"; do
	pkg=$(awk -v m="$meta" '$1 == m { print $2 }' <<< "$resolved")
	rel=${pkg#linux-image-}
	if [ -z "$pkg" ]; then
		warn "no kernel package found for '$meta' in the apt lists"
	elif [ -e "$cache/$rel/vmlinuz" ] && [ -e "$cache/$rel/veth.ko" ]; then
		echo "KERNEL $rel $cache/$rel/vmlinuz $cache/$rel/veth.ko"
		continue
	elif [ $writable = 0 ]; then
		warn "cannot download '$pkg': the kernel cache '$cache' is not writable; set KMATRIX_CACHE to a writable directory"
	elif extract "$pkg" "$rel" "$meta"; then
		echo "KERNEL $rel $cache/$rel/vmlinuz $cache/$rel/veth.ko"
		continue
	fi

	rel=$(cached_fallback "$meta")
	if [ -n "$rel" ]; then
		warn "using the cached kernel $rel for '$meta' instead"
		echo "KERNEL $rel $cache/$rel/vmlinuz $cache/$rel/veth.ko"
	elif [ -n "$pkg" ] && [ $writable = 0 ]; then
		echo "SKIP kernels/${pkg#linux-image-}: the kernel cache '$cache' is not writable and holds no kernel for '$meta'; set KMATRIX_CACHE"
	elif [ -n "$pkg" ]; then
		echo "SKIP kernels/${pkg#linux-image-}: failed to download '$pkg' and the cache '$cache' has no kernel for '$meta'"
	else
		echo "SKIP kernels/$meta: no kernel package for '$meta' in the apt lists and none in the cache '$cache'"
	fi
done
