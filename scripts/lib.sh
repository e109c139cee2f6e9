# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# Common helpers for the SPF workbench scripts. Source, do not execute.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOP

# The pinned kernel: BASE (6.1, which the series applies to), or with
# PIN=PEER the per-VMA lock kernel the benchmark compares against.
PIN=${PIN:-BASE}
case "$PIN" in
BASE | PEER) ;;
*) printf 'error: PIN must be BASE or PEER, not %s\n' "$PIN" >&2; exit 1 ;;
esac
# shellcheck source=../BASE
. "$TOP/$PIN"

SPF_CACHE=${SPF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spf-workbench}
export SPF_CACHE

# The kernel git tree: the user's own tree, or the one made from the pin.
if [ -n "${KERNEL_SRC:-}" ]; then
	KTREE=$(cd "$KERNEL_SRC" && pwd) || exit 1
else
	KTREE=$SPF_CACHE/linux-$BASE_VERSION
fi
export KTREE

# The branch the series lives on, and the ref that records the last
# commit that was applied from or exported to patches/.
WORK_BRANCH=spf
EXPORTED_REF=refs/spf/exported
BASE_REF=refs/spf/base

# Fixed identity and time stamps for everything that ends up in a hash,
# so that the same inputs give the same commits and the same kernel image.
BASE_DATE="2000-01-01T00:00:00+0000"
export KBUILD_BUILD_TIMESTAMP="Sat Jan  1 00:00:00 UTC 2000"
export KBUILD_BUILD_USER=spf
export KBUILD_BUILD_HOST=workbench

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# kgit ARGS...: git in the kernel tree.
kgit() { git -C "$KTREE" "$@"; }

series_version() { sed -n 's/^SERIES_VERSION=//p' "$TOP/patches/VERSION"; }

# check_arch ARCH: die with the list of supported arches on anything else.
check_arch() {
	case "$1" in
	x86_64|arm64) ;;
	*) die "unknown arch '$1': use x86_64 or arm64" ;;
	esac
}

# normal, debug, or rt: the debug kernel on PREEMPT_RT (x86_64 only; see RT).
check_variant() {
	case "$1" in
	normal|debug|rt) ;;
	*) die "unknown variant '$1': use normal, debug or rt" ;;
	esac
}

# cross_compile ARCH: the CROSS_COMPILE prefix for ARCH on this host.
cross_compile() {
	local host
	host=$(uname -m)
	case "$1" in
	x86_64) [ "$host" = x86_64 ] || echo x86_64-linux-gnu- ;;
	arm64) [ "$host" = aarch64 ] || echo aarch64-linux-gnu- ;;
	esac
}

# new_dir PARENT NAME: make PARENT/<timestamp>-NAME, never reusing one.
new_dir() {
	local d n=0 stamp
	stamp=$(date -u +%Y%m%d-%H%M%S)
	d=$1/$stamp-$2
	while ! mkdir -p "$1" || ! mkdir "$d" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || die "cannot create a new folder under $1"
		d=$1/$stamp-$2.$n
	done
	echo "$d"
}

# need_cmd CMD PACKAGE: die naming the Debian package that provides CMD.
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install it with 'apt-get install $2' (or run 'make deps')"
}
