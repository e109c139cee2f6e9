#!/usr/bin/env bash
# Install the Debian packages the workbench needs. As root it installs
# them; otherwise it prints the exact commands to run. It also unpacks the
# arm64 static busybox for the arm64 guest into the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential flex bison bc libelf-dev libssl-dev cpio gzip xz-utils
	ccache git rsync python3 shellcheck e2fsprogs
	qemu-system-x86 qemu-system-arm busybox-static
	gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
	libnuma-dev libnuma-dev:arm64)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "Missing packages. Run as root:"
		[ "$need_arm64" = 1 ] && echo "  dpkg --add-architecture arm64"
		echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
		exit 1
	fi
	[ "$need_arm64" = 1 ] && dpkg --add-architecture arm64
	log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

# The arm64 guest's busybox: unpacked, never installed over the host's.
bb=$SPF_CACHE/pkgs/arm64/bin/busybox
if [ ! -x "$bb" ]; then
	dl=$SPF_CACHE/pkgs/dl
	mkdir -p "$dl"
	log "fetching busybox-static:arm64"
	(cd "$dl" && apt-get download busybox-static:arm64) >"$dl/apt.log" 2>&1 ||
		{ cat "$dl/apt.log" >&2; die "cannot download busybox-static:arm64 (is the arm64 architecture added? run 'make deps' as root)"; }
	dpkg-deb -x "$(ls "$dl"/busybox-static_*_arm64.deb)" "$SPF_CACHE/pkgs/arm64"
fi
log "dependencies ok"
