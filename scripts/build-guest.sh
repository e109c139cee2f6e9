#!/usr/bin/env bash
# build-guest.sh ARCH [REF]
#
# Build the guest's test programs (statically linked, from the kernel tree
# the kernel is built from) and pack them with busybox, the init and the
# test plan into an initramfs. Prints the initramfs path.
# PLAN=FILE replaces the test plan; GUEST_TAG=NAME builds into its own
# folder, so that a special guest does not replace the normal one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-guest.sh ARCH [REF]}
ref=${2:-}
check_arch "$arch"
cross=$(cross_compile "$arch")
need_cmd "${cross}gcc" "$([ -n "$cross" ] && echo gcc-aarch64-linux-gnu || echo gcc)"
need_cmd cpio cpio
need_cmd gzip gzip

src=$KTREE
name=$arch
if [ -n "$ref" ]; then
	src=$SPF_CACHE/trees/$ref
	name=$arch-$(echo "$ref" | tr -c 'A-Za-z0-9.\n-' '_')
	[ -d "$src" ] || die "no worktree for $ref: build its kernel first"
fi
[ -n "${GUEST_TAG:-}" ] && name=$name-$GUEST_TAG
out=$SPF_CACHE/guest/$name
rm -rf "$out"
mkdir -p "$out/hdr" "$out/root/bin" "$out/root/tests" "$out/root/proc" \
	"$out/root/sys" "$out/root/dev" "$out/root/tmp"

log "guest $name: installing uapi headers"
make -s -C "$src" O="$out/hdr" ARCH="$arch" INSTALL_HDR_PATH="$out/hdr/usr" \
	headers_install >"$out/headers.log" 2>&1 ||
	{ tail "$out/headers.log" >&2; die "headers_install failed for $arch"; }

# busybox: the host's static one, or the arm64 one unpacked by 'make deps'.
case "$arch" in
x86_64) busybox=/bin/busybox ;;
arm64) busybox=$SPF_CACHE/pkgs/arm64/bin/busybox ;;
esac
if [ "$(uname -m)" = aarch64 ] && [ "$arch" = arm64 ]; then
	busybox=/bin/busybox
fi
[ -x "$busybox" ] || die "no static busybox for $arch at $busybox: run 'make deps'"
cp "$busybox" "$out/root/bin/busybox"

vmdir=$src/tools/testing/selftests/vm
# cc_test PROG CFLAGS LIBS SOURCES...: build one static test program.
cc_test() {
	local prog=$1 cflags=$2 libs=$3
	shift 3
	# shellcheck disable=SC2086 # cflags and libs are word lists
	(cd "$vmdir" && "${cross}gcc" -static -O2 -Wall $cflags -I "$src" \
		-isystem "$out/hdr/usr/include" "$@" -o "$out/root/tests/$prog" \
		$libs -lrt -lpthread -lm) >>"$out/selftests.log" 2>&1 ||
		{ tail -20 "$out/selftests.log" >&2; die "building $prog for $arch failed"; }
	built=$((built + 1))
}

log "guest $name: building selftests from $vmdir"
built=0
while read -r prog arches extra libs cflags; do
	case "$prog" in '#'*|'') continue ;; esac
	[ "$arches" = all ] || [ "$arches" = "$arch" ] || continue
	srcs=("$prog.c")
	[ "$extra" = - ] || srcs+=("$extra")
	[ "$libs" = - ] && libs=
	[ "$cflags" = - ] && cflags=
	cc_test "$prog" "$cflags" "$libs" "${srcs[@]}"
done <"$TOP/guest/selftests.list"
# The series' own selftests: every spf_*.c in the vm folder.
for c in "$vmdir"/spf_*.c; do
	[ -e "$c" ] || continue
	prog=$(basename "$c" .c)
	# With the extra sources the vm Makefile names for it
	# ("$(OUTPUT)/spf_race: vm_util.c").
	read -r -a extra < <(sed -n "s|^\$(OUTPUT)/$prog: *||p" "$vmdir/Makefile") || true
	cc_test "$prog" "" "" "$prog.c" "${extra[@]}"
done
# The benchmark, static for this arch.
log "guest $name: building spfbench"
make -s -C "$TOP/bench" ARCH="$arch" >>"$out/selftests.log" 2>&1 ||
	{ tail -20 "$out/selftests.log" >&2; die "building spfbench for $arch failed"; }
cp "$TOP/bench/build/$arch/spfbench" "$out/root/tests/"
built=$((built + 1))

cp "$TOP/guest/init" "$out/root/init"
cat "$TOP/guest/plans/common.plan" "$TOP/guest/plans/$arch.plan" >"$out/root/plan"
if [ -n "${EXTRA_PLAN:-}" ]; then
	cat "$EXTRA_PLAN" >>"$out/root/plan"
fi
if [ -n "${PLAN:-}" ]; then
	cp "$PLAN" "$out/root/plan"
fi
(cd "$out/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$out/initramfs.cpio.gz"
log "guest $name: $built programs, initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1)"
echo "$out/initramfs.cpio.gz"
