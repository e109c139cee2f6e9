#!/usr/bin/env bash
# boot.sh must kill a guest that never reaches init, or that never
# finishes, within its limits, and show the console tail. Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
boot=$here/../scripts/boot.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/kernel"
: >"$tmp/initrd"
# shellcheck source=SCRIPTDIR/tap.sh
. "$here/tap.sh"

run() { # MODE INIT_TIMEOUT TIMEOUT -> sets rc, took, out
	local start=$SECONDS
	rc=0
	out=$(FAKE_QEMU=$1 QEMU=$here/fake-qemu INIT_TIMEOUT=$2 TIMEOUT=$3 \
		timeout 60 "$boot" x86_64 "$tmp/kernel" "$tmp/initrd" "$tmp/$1" 2>&1) || rc=$?
	took=$((SECONDS - start))
}

echo "1..7"
run hang-before-init 3 30
tap "$([ "$rc" = 2 ] && echo 1)" "never-reaching-init exits 2 (got $rc)"
tap "$([ "$took" -le 10 ] && echo 1)" "never-reaching-init is killed within its limit (${took}s)"
tap "$(grep -q 'Decompressing Linux' <<<"$out" && echo 1)" "never-reaching-init prints the console tail"
run hang-after-init 3 6
tap "$([ "$rc" = 3 ] && echo 1)" "hang-after-init exits 3 (got $rc)"
tap "$([ "$took" -le 15 ] && echo 1)" "hang-after-init is killed within its limit (${took}s)"
tap "$(! pgrep -f "$here/fake-qemu" >/dev/null && echo 1)" "no guest is left running"
run clean 3 30
tap "$([ "$rc" = 0 ] && grep -q '^STATUS=0' "$tmp/clean/boot.env" && echo 1)" "a clean guest exits 0 and records its status"
[ "$fails" = 0 ]
