#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - run the BPF tests on the kernels that mail servers run, each
# booted under QEMU from one initramfs (make check-kernels).
#
# By default the kernels are Debian 12's current cloud kernels, 6.1 and
# 6.12, resolved from the meta-packages linux-image-cloud-amd64 and
# linux-image-6.12-cloud-amd64 and cached in KMATRIX_CACHE. Inside each
# guest, test_progs runs the packet tests and veth_native attaches the
# guard in native mode to a veth pair (selftests/kernels/init). The result
# of a kernel comes from the "KMATRIX FINAL" line of its serial log, never
# from QEMU's exit status. Prints "PASS kernels/RELEASE/CASE" per case and
# one "PASS kernels/RELEASE", "FAIL kernels/RELEASE: why" or
# "SKIP kernels/RELEASE: why" per kernel; logs stay in OUTPUT/kernels/.
#
# Environment:
#   KMATRIX_KERNELS   "BZIMAGE[:VETH_KO] ..." to boot these kernels instead
#                     (VETH_KO may be .ko, .ko.xz, .ko.zst or .ko.gz; leave
#                     it out when veth is built in)
#   KMATRIX_PACKAGES  meta-packages to fetch (default above)
#   KMATRIX_CACHE     kernel cache (default /var/cache/mxguard-kernels)
#   KMATRIX_TESTS     test_progs -t patterns run in the guest, comma-separated
#                     (default: the packet tests)
#   KMATRIX_TIMEOUT   seconds per kernel before QEMU is killed (120)
#   KMATRIX_JOBS      kernels booted at once (the number of CPUs)
#   KMATRIX_ACCEL     QEMU accelerator (tcg; kvm where VT-x/AMD-V works)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
packages=${KMATRIX_PACKAGES:-linux-image-cloud-amd64 linux-image-6.12-cloud-amd64}
cache=${KMATRIX_CACHE:-/var/cache/mxguard-kernels}
# The BPF tests by name: "packet" and "conn", plus any test of
# selftests/prog_tests/{packet,conn}*.c whose name contains neither.
tests=${KMATRIX_TESTS:-$(
	{ echo packet
	  echo conn
	  grep -ho '^void test_[a-z0-9_]*(void)' "$top"/selftests/prog_tests/packet*.c \
		"$top"/selftests/prog_tests/conn*.c 2>/dev/null |
		sed 's/^void test_\(.*\)(void)$/\1/' | grep -v -e packet -e conn
	} | paste -sd ,)}
timeout_sec=${KMATRIX_TIMEOUT:-120}
jobs=${KMATRIX_JOBS:-$(nproc)}
accel=${KMATRIX_ACCEL:-tcg}
kdir=$OUTPUT/kernels
start_ns=$(date +%s%N)

# elapsed_since NS - seconds since a date +%s%N value, with one decimal
elapsed_since() {
	local ms=$(( ($(date +%s%N) - $1) / 1000000 ))

	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# bzimage_release FILE - the kernel release stored in a bzImage's setup
# header (the kernel_version field at offset 0x20e, relative to 0x200)
bzimage_release() {
	local off

	[ "$(head -c 518 "$1" | tail -c 4)" = HdrS ] || return 1
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	tail -c +$((off + 513)) "$1" | head -c 256 | tr '\0' '\n' |
		head -n 1 | awk '{ print $1 }'
}

# The kernels: "RELEASE VMLINUZ VETH_KO" lines; VETH_KO "-" when built in.
mkdir -p "$kdir" || exit 1
kernels=()
status=0
if [ -n "${KMATRIX_KERNELS:-}" ]; then
	for spec in $KMATRIX_KERNELS; do
		image=${spec%%:*}
		ko=-
		[ "$spec" != "$image" ] && ko=${spec#*:}
		rel=$( [ -r "$image" ] && bzimage_release "$image")
		if [ -z "$rel" ]; then
			echo "FAIL kernels/$(basename "$image"): '$image' is not a readable bzImage"
			status=1
			continue
		fi
		if [ "$ko" != - ] && [ ! -r "$ko" ]; then
			echo "FAIL kernels/$rel: no veth module at '$ko'"
			status=1
			continue
		fi
		kernels+=("$rel $image $ko")
	done
else
	# shellcheck disable=SC2086 # one argument per meta-package
	while read -r kind rest; do
		case $kind in
		KERNEL) kernels+=("$rest") ;;
		SKIP) echo "SKIP $rest" ;;
		esac
	done < <("$top/selftests/kernels/fetch.sh" "$cache" $packages)
fi
[ ${#kernels[@]} -gt 0 ] || exit $status

# skip_all REASON - report every kernel skipped
skip_all() {
	local k

	for k in "${kernels[@]}"; do
		echo "SKIP kernels/${k%% *}: $1"
	done
	exit 0
}

# fail_all REASON - report every kernel failed
fail_all() {
	local k

	for k in "${kernels[@]}"; do
		echo "FAIL kernels/${k%% *}: $1"
	done
	exit 1
}

command -v qemu-system-x86_64 > /dev/null ||
	skip_all "qemu-system-x86_64 is missing; install qemu-system-x86"
command -v busybox > /dev/null ||
	skip_all "busybox is missing; install busybox-static"

# The static runners and the one initramfs of every kernel.
if ! make -C "$top" --no-print-directory OUTPUT="$OUTPUT" kernels-progs \
	> "$kdir/build.log" 2>&1; then
	tail -n 20 "$kdir/build.log"
	fail_all "failed to build the static test runners (log: $kdir/build.log)"
fi
modules=()
for k in "${kernels[@]}"; do
	read -r rel image ko <<< "$k"
	modules+=("$rel=$ko")
done
if ! "$top/selftests/kernels/mkinitramfs.sh" "$kdir/initramfs.cpio" \
	"$OUTPUT" "${modules[@]}" > "$kdir/initramfs.log" 2>&1; then
	cat "$kdir/initramfs.log"
	fail_all "failed to pack the initramfs"
fi

# boot RELEASE IMAGE - boot one kernel; the serial console goes to
# kdir/RELEASE.log, QEMU's own messages to RELEASE.qemu, and "STATUS SECS"
# (timeout's exit status, boot time) to RELEASE.status.
boot() {
	local log=$kdir/$1.log t0 rc

	t0=$(date +%s%N)
	timeout -k 5 "$timeout_sec" qemu-system-x86_64 -accel "$accel" \
		-m 512 -smp 1 -nodefaults -display none -no-reboot \
		-serial stdio -kernel "$2" -initrd "$kdir/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet KMATRIX_TESTS=$tests" \
		< /dev/null 2> "$kdir/$1.qemu" | tr -d '\r' > "$log"
	rc=${PIPESTATUS[0]}
	echo "$rc $(elapsed_since "$t0")" > "$kdir/$1.status"
}

for k in "${kernels[@]}"; do
	read -r rel image ko <<< "$k"
	rm -f "$kdir/$rel".{log,qemu,status}
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	boot "$rel" "$image" &
done
wait

# first_error LOG - the verifier's or libbpf's reason for the first
# program that failed to load, from the verbose reruns in the log
first_error() {
	awk '{ sub(/^  \| /, "") }
	     /-- END PROG LOAD LOG --/ { print (p1 ~ /^processed / ? p2 : p1); exit }
	     /libbpf: .*not found in kernel/ { sub(/^.*libbpf: /, ""); print; exit }
	     { p2 = p1; p1 = $0 }' "$1"
}

# report RELEASE - print the kernel's result lines; 1 when it failed
report() {
	local rel=$1 log=$kdir/$1.log rc secs final failed reason error

	read -r rc secs < "$kdir/$rel.status"
	# the runners' result lines, between the markers
	sed -n '/^KMATRIX BEGIN/,/^KMATRIX FINAL/p' "$log" |
		grep -aE '^(PASS|FAIL|SKIP) ' | sed "s|^\([A-Z]*\) |\1 kernels/$rel/|"
	final=$(grep -a '^KMATRIX FINAL ' "$log" | head -n 1)
	# the names of the failed cases, the first five of them
	failed=$(sed -n '/^KMATRIX BEGIN/,/^KMATRIX FINAL/p' "$log" |
		grep -a '^FAIL ' | awk '{ sub(":$", "", $2) }
			NR <= 5 { names = names (NR > 1 ? " " : "") $2 }
			END { if (NR > 5) names = names " and " NR - 5 " more"
			      printf "%s", names }')

	if [[ $final == "KMATRIX FINAL PASS "* ]] && [ -z "$failed" ]; then
		echo "PASS kernels/$rel"
		echo "  $rel: ${secs} s (log: $log)"
		return 0
	fi
	if [ -n "$final" ]; then
		reason="${failed:-a check} failed"
		error=$(first_error "$log")
		[ -n "$error" ] && reason="$reason: $error"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		reason="timed out after $timeout_sec s"
	elif grep -aq 'Kernel panic' "$log"; then
		reason=$(grep -a -m 1 'Kernel panic' "$log" | sed 's/^\[[^]]*\] //')
	elif [ -s "$kdir/$rel.qemu" ]; then
		reason="qemu: $(head -n 1 "$kdir/$rel.qemu")"
	else
		reason="no KMATRIX FINAL line in the serial log"
	fi
	echo "FAIL kernels/$rel: $reason (log: $log)"
	return 1
}

for k in "${kernels[@]}"; do
	report "${k%% *}" || status=1
done
echo "  ${#kernels[@]} kernels in $(elapsed_since "$start_ns") s"
exit $status
