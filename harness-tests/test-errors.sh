#!/usr/bin/env bash
# Bad input gives a clear error, never a silent fallback: a base version
# apt cannot find, a tarball whose checksum is wrong, an unknown arch,
# variant or series command, a bad guest size, a bad benchmark argument.
# Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/scripts/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=SCRIPTDIR/tap.sh
. "$here/tap.sh"
# expect_error NAME PATTERN CMD...: CMD must fail and say PATTERN.
expect_error() {
	local name=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" != 0 ] && grep -qE "$pattern" "$tmp/out"; then
		tap 1 "$name"
	else
		tap 0 "$name"
		sed 's/^/# /' "$tmp/out" | tail -5
	fi
}

# A copy of the workbench with another BASE, and a cache of its own.
repin() { # VERSION SHA256
	rm -rf "$tmp/wb" "$tmp/cache"
	mkdir -p "$tmp/wb" "$tmp/cache/dl"
	cp -r "$top/scripts" "$tmp/wb/"
	sed -e "s/^BASE_VERSION=.*/BASE_VERSION=$1/" \
		-e "s/^BASE_TARBALL_SHA256=.*/BASE_TARBALL_SHA256=$2/" "$top/BASE" >"$tmp/wb/BASE"
}

echo "1..18"
repin 6.1.0-0spf0 "$BASE_TARBALL_SHA256"
expect_error "a base version apt cannot find is refused" "cannot be had" \
	env SPF_CACHE="$tmp/cache" "$tmp/wb/scripts/fetch-base.sh"
tap "$(grep -qE "$BASE_PACKAGE \| +$BASE_VERSION " "$tmp/out" && grep -q "To re-pin" "$tmp/out" && echo 1)" \
	"the refusal lists the versions apt sees and says how to re-pin"

deb=$SPF_CACHE/dl/${BASE_PACKAGE}_${BASE_VERSION}_all.deb
if [ -f "$deb" ]; then
	repin "$BASE_VERSION" 0000000000000000000000000000000000000000000000000000000000000000
	ln -s "$deb" "$tmp/cache/dl/"
	expect_error "a tarball with the wrong checksum is refused" "sha256 mismatch" \
		env SPF_CACHE="$tmp/cache" "$tmp/wb/scripts/fetch-base.sh"
	tap "$([ ! -e "$tmp/cache/linux-$BASE_VERSION" ] && echo 1)" "nothing is unpacked from a bad tarball"
else
	echo "ok 3 # SKIP the pinned .deb is not in the cache yet ('make fetch')"
	echo "ok 4 # SKIP the pinned .deb is not in the cache yet ('make fetch')"
	n=4
fi
expect_error "an unknown arch is refused" "unknown arch 'riscv'" "$top/scripts/build-kernel.sh" riscv normal
expect_error "an unknown variant is refused" "unknown variant 'fast'" "$top/scripts/build-kernel.sh" x86_64 fast
expect_error "the rt variant is refused on arm64" "for x86_64 only, not arm64" "$top/scripts/build-kernel.sh" arm64 rt
expect_error "the rt variant is refused on the vanilla base" "no REF, no PIN=PEER" "$top/scripts/build-kernel.sh" x86_64 rt refs/spf/base
: >"$tmp/image"
expect_error "a bad vCPU count is refused" "VCPUS must be a number" \
	env VCPUS=two "$top/scripts/boot.sh" x86_64 "$tmp/image" "$tmp/image" "$tmp/boot"
expect_error "an unknown series command is refused" "unknown command 'push'" "$top/scripts/series.sh" push
expect_error "an unknown pin is refused" "PIN must be BASE or PEER" env PIN=NEXT "$top/scripts/fetch-base.sh"
expect_error "the benchmark refuses an unknown arch" "unknown arch 'mips'" "$top/scripts/run-bench.sh" mips
expect_error "the benchmark refuses an unknown option" "usage: run-bench.sh" "$top/scripts/run-bench.sh" --fast
expect_error "the benchmark refuses a bad vCPU count" "VCPUS must be a positive number" \
	env VCPUS=0 "$top/scripts/run-bench.sh" x86_64
expect_error "the benchmark refuses a bad round count" "ROUNDS must be a number" \
	env ROUNDS=three "$top/scripts/run-bench.sh" x86_64
expect_error "mutants.sh refuses an unknown arch" "unknown arch 'mips'" "$top/scripts/mutants.sh" run mips
expect_error "mutants.sh refuses an unknown mutant and lists the known ones" \
	"no mutant 'nosuch': known are .*mprotect-unmarked" "$top/scripts/mutants.sh" run x86_64 nosuch
expect_error "mutants.sh refuses an unknown command" "unknown command 'kill'" "$top/scripts/mutants.sh" kill
[ "$fails" = 0 ]
