#!/usr/bin/env bash
# build-kernel.sh ARCH VARIANT [REF]
#
# VARIANT is normal, debug (configs/debug.config) or rt: the debug
# fragments plus configs/rt.config on the tree of scripts/rt-tree.sh
# (Debian's PREEMPT_RT set under the work branch; x86_64 only).
# Build a guest kernel from the kernel tree's work branch (or REF, e.g. the
# base for a vanilla kernel) in its own O= folder. With PIN=PEER, build the
# peer kernel (see PEER) from its own tree, without the series' fragments.
# The config is the project's fragments merged onto allnoconfig with the
# kernel's own merge_config.sh; the build fails if any requested option is
# not set.
# Prints the path of the kernel image on success. With TARGETS="a.o b/",
# builds only those kbuild targets (used for the per-patch bisect check)
# and prints nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh ARCH VARIANT [REF]}
variant=${2:?usage: build-kernel.sh ARCH VARIANT [REF]}
ref=${3:-}
check_arch "$arch"
check_variant "$variant"

cross=$(cross_compile "$arch")
need_cmd "${cross}gcc" "$([ -n "$cross" ] && echo gcc-aarch64-linux-gnu || echo gcc)"
need_cmd flex flex
need_cmd bison bison
need_cmd bc bc

frags=("$TOP/configs/guest.config" "$TOP/configs/$arch.config")
if [ "$variant" = rt ]; then
	[ "$arch" = x86_64 ] || die "the rt variant is built for x86_64 only, not $arch"
	if [ -n "$ref" ] || [ "$PIN" != BASE ]; then
		die "the rt variant builds the series on Debian's RT set: no REF, no PIN=PEER"
	fi
fi
if [ "$variant" = debug ] || [ "$variant" = rt ]; then
	frags+=("$TOP/configs/debug.config")
	# configs/debug.ARCH.config: debug options of one architecture.
	[ -e "$TOP/configs/debug.$arch.config" ] && frags+=("$TOP/configs/debug.$arch.config")
fi
# Fragments named by the series itself (configs/series-*.config) apply only
# to kernels built with the series, never to the vanilla base;
# configs/series-NAME.ARCH.config only to that architecture.
if [ -z "$ref" ] && [ "$PIN" = BASE ]; then
	for f in "$TOP"/configs/series-*.config; do
		[ -e "$f" ] || continue
		b=$(basename "$f" .config)
		case "$b" in
		*.*) [ "${b##*.}" = "$arch" ] || continue ;;
		esac
		frags+=("$f")
	done
fi
[ "$variant" = rt ] && frags+=("$TOP/configs/rt.config")
[ -n "${EXTRA_CONFIG:-}" ] && frags+=("$EXTRA_CONFIG")

src=$KTREE
# The rt variant: the base with Debian's RT set, then the work branch.
if [ "$variant" = rt ]; then
	src=$("$TOP/scripts/rt-tree.sh" | tail -n 1)
fi
name=$arch-$variant
# The peer kernel (PIN=PEER) gets build folders of its own.
[ "$PIN" = BASE ] || name=$name-${BASE_PACKAGE#linux-source-}
if [ -n "$ref" ]; then
	# A separate worktree, so that the work branch is never disturbed.
	name=$name-$(echo "$ref" | tr -c 'A-Za-z0-9.\n-' '_')
	src=$SPF_CACHE/trees/$ref
	if [ ! -d "$src" ]; then
		mkdir -p "$(dirname "$src")"
		kgit worktree add -q --detach "$src" "$ref"
	else
		git -C "$src" checkout -q --detach "$ref"
	fi
fi
out=$SPF_CACHE/build/$name
mkdir -p "$out"

export CCACHE_DIR=${CCACHE_DIR:-$SPF_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
cc=${cross}gcc
command -v ccache >/dev/null 2>&1 && cc="ccache $cc"
kmake=(make -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" CC="$cc")

log "$name: merging ${#frags[@]} config fragments onto allnoconfig"
(cd "$src" && ARCH=$arch CROSS_COMPILE=$cross \
	scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}") >"$out/config.log" 2>&1 ||
	{ tail -20 "$out/config.log" >&2; die "$name: merge_config.sh failed"; }

# Every option a fragment asks for must be in the final .config as asked,
# unless a later fragment asks for it otherwise (rt.config turns off what
# PREEMPT_RT excludes).
missing=0
# overridden F SYM: whether a fragment after F in frags names SYM.
overridden() {
	local g later=0
	for g in "${frags[@]}"; do
		if [ "$later" = 1 ] && grep -qE "^(# )?$2[= ]" "$g"; then
			return 0
		fi
		[ "$g" = "$1" ] && later=1
	done
	return 1
}
# shellcheck disable=SC2094 # the fragment is read, the report goes to stderr
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		sym=${want#\# }
		sym=${sym%%[= ]*}
		# BISECT=1 builds a commit in the middle of the series, which
		# may not define the series' own options yet, or not let the
		# architecture select them yet.
		if [ "${BISECT:-0}" = 1 ] && [ "${f##*/series-}" != "$f" ]; then
			continue
		fi
		overridden "$f" "$sym" && continue
		got=$(grep -E "^($sym=|# $sym is not set)" "$out/.config" || true)
		if [ "$want" = "# $sym is not set" ] && [ -z "$got" ]; then
			continue
		fi
		if [ "$got" != "$want" ]; then
			echo "  ${f##*/}: asked for '$want', got '${got:-nothing}'" >&2
			missing=$((missing + 1))
		fi
	done <"$f"
done
[ "$missing" = 0 ] || die "$name: $missing requested config options did not end up set (dependencies missing?)"

case "$arch" in
x86_64) target=bzImage image=arch/x86/boot/bzImage ;;
arm64) target=Image image=arch/arm64/boot/Image ;;
esac
if [ -n "${TARGETS:-}" ]; then
	# Keep the objects this config builds: an object listed under
	# obj-$(CONFIG_X) (or similar) is built only when X is set.
	target=() image=
	for t in $TARGETS; do
		o=$(basename "$t")
		line=$(grep -E "(^|[[:space:]=])${o%.o}\.o([^A-Za-z0-9_-]|$)" \
			"$src/$(dirname "$t")/Makefile" 2>/dev/null | head -n 1) || true
		[ -n "$line" ] || continue
		sym=$(echo "$line" | sed -nE 's/^[^=]*\$\((CONFIG_[A-Za-z0-9_]+)\).*/\1/p')
		[ -z "$sym" ] || grep -qE "^$sym=y" "$out/.config" || continue
		# "NAME-y := a.o" that "NAME-$(CONFIG_X) := ..." overrides
		# (mm/'s nommu.o against CONFIG_MMU) is built only without X.
		var=$(echo "$line" | sed -nE 's/^([A-Za-z0-9_]+)-y[[:space:]]*:=.*/\1/p')
		if [ -n "$var" ]; then
			sym=$(sed -nE "s/^$var-\\\$\((CONFIG_[A-Za-z0-9_]+)\)[[:space:]]*:=.*/\1/p" \
				"$src/$(dirname "$t")/Makefile" | head -n 1)
			[ -z "$sym" ] || ! grep -qE "^$sym=y" "$out/.config" || continue
		fi
		target+=("$t")
	done
	[ ${#target[@]} -gt 0 ] || target=(init/version.o)
fi

jobs=${JOBS:-$(nproc)}
log "$name: building ${target[*]} with $jobs jobs (log: $out/build.log)"
start=$SECONDS
set +e
"${kmake[@]}" -j"$jobs" "${target[@]}" 2>&1 | tee "$out/build.log" |
	awk -v n="$name" '/^  (CC|LD|AR|AS)/ { c++ } c && c % 500 == 0 && !seen[c]++ { printf "  [%s] %d objects, at %s\n", n, c, $2; fflush() }' >&2
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ]; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2 || true
	tail -20 "$out/build.log" >&2
	die "$name: kernel build failed"
fi
log "$name: built in $((SECONDS - start)) s"
[ -z "$image" ] || echo "$out/$image"
