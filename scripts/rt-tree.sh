#!/usr/bin/env bash
# rt-tree.sh: the kernel tree of the rt variant. Fetches Debian's
# PREEMPT_RT patch set pinned in RT (the debian/ tarball of the linux
# source package, from the address apt gives with a deb-src entry, else
# RT_POOL_URI, checked against its sha256), applies it to the base in a
# worktree of its own ($SPF_CACHE/trees/rt: the work branch is never
# touched) and puts the work branch's commits on top with cherry-pick.
# Prints the tree's path. The arches' Kconfig files merge by union: the
# RT set and the series each add a 'select' line at the same place in
# arch/arm64/Kconfig, and both must stay; every other file merges as
# usual.
# With REPIN=1, prints the fetched tarball's sha256 and stops.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=../RT
. "$TOP/RT"

need_cmd apt-get apt
need_cmd xz xz-utils
kgit rev-parse -q --verify "$BASE_REF" >/dev/null ||
	die "no base in $KTREE: run 'make fetch' first"
kgit rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null ||
	die "no work branch $WORK_BRANCH in $KTREE: run 'make apply' first"

dl=$SPF_CACHE/dl
mkdir -p "$dl"
tarball=$dl/$RT_DEBIAN_TARBALL
if [ ! -f "$tarball" ]; then
	log "rt: fetching $RT_DEBIAN_TARBALL ($RT_SOURCE $RT_VERSION)"
	uri=$(apt-get source --print-uris "$RT_SOURCE=$RT_VERSION" 2>"$dl/rt-apt.log" |
		grep -oE "^'[^']*/$RT_DEBIAN_TARBALL'" | tr -d "'") || true
	if [ -z "$uri" ]; then
		log "rt: apt has no source package $RT_SOURCE=$RT_VERSION (no deb-src entry?): using the pinned $RT_POOL_URI"
		uri=$RT_POOL_URI
	fi
	/usr/lib/apt/apt-helper download-file "$uri" "$tarball.part" >"$dl/rt-fetch.log" 2>&1 || {
		sed 's/^/  /' "$dl/rt-fetch.log" >&2
		rm -f "$tarball.part"
		die "cannot fetch $uri: the archive no longer has $RT_VERSION? Add a deb-src entry for the archive (Types: deb-src, as the deb one) and run 'apt-get update', or re-pin RT"
	}
	mv "$tarball.part" "$tarball"
fi
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "${REPIN:-0}" = 1 ]; then
	echo "RT_DEBIAN_SHA256=$sum"
	exit 0
fi
[ "$sum" = "$RT_DEBIAN_SHA256" ] ||
	die "sha256 mismatch for $tarball: got $sum, RT pins $RT_DEBIAN_SHA256. Delete it to fetch again, or re-pin (see RT)."

pdir=$SPF_CACHE/rt/$RT_VERSION
if [ ! -f "$pdir/patches-rt/series" ]; then
	rm -rf "$pdir"
	mkdir -p "$pdir"
	tar -xJf "$tarball" -C "$pdir" --strip-components=1 debian/patches-rt ||
		die "$tarball has no debian/patches-rt"
fi

# The base with the RT set, made once per RT version; then the series.
rtbase_ref=refs/spf/rt/$RT_VERSION
tree=$SPF_CACHE/trees/rt
scratch=$SPF_CACHE/trees/rt-scratch
ident=(-c user.name=spf-workbench -c user.email=rt@spf-workbench.invalid
	-c core.attributesFile="$pdir/attributes" -c commit.gpgsign=false)
printf 'arch/*/Kconfig merge=union\n' >"$pdir/attributes"
export GIT_COMMITTER_DATE=$BASE_DATE
if [ ! -d "$scratch" ]; then
	mkdir -p "$(dirname "$scratch")"
	kgit worktree add -q --detach "$scratch" "$BASE_REF"
fi
sgit() { git -C "$scratch" "${ident[@]}" "$@"; }
if ! kgit rev-parse -q --verify "$rtbase_ref" >/dev/null; then
	log "rt: applying the RT set of $RT_VERSION to the base"
	sgit checkout -q --detach "$BASE_REF"
	n=0
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		sgit am -q --keep-cr "$pdir/patches-rt/$p" >"$pdir/am.log" 2>&1 || {
			sgit am --abort >/dev/null 2>&1 || true
			sed 's/^/  /' "$pdir/am.log" >&2
			die "RT patch $p does not apply to the base"
		}
		n=$((n + 1))
	done <"$pdir/patches-rt/series"
	kgit update-ref "$rtbase_ref" "$(sgit rev-parse HEAD)"
	log "rt: $n RT patches applied"
fi

# The work branch's commits on top, unless this pair was made before.
head=$(kgit rev-parse "refs/heads/$WORK_BRANCH")
top_ref=refs/spf/rt/series-$head
if ! kgit rev-parse -q --verify "$top_ref" >/dev/null; then
	log "rt: putting the work branch ($(kgit rev-parse --short "$head")) on the RT set"
	sgit checkout -q --detach "$rtbase_ref"
	sgit cherry-pick --allow-empty "$BASE_REF..$head" >"$pdir/cherry-pick.log" 2>&1 || {
		sgit status --short | sed 's/^/  /' >&2
		sgit cherry-pick --abort >/dev/null 2>&1 || true
		tail -n 5 "$pdir/cherry-pick.log" >&2
		die "the series does not apply on the RT set"
	}
	kgit update-ref "$top_ref" "$(sgit rev-parse HEAD)"
fi
# The build tree moves only by checkout, so that unchanged files keep
# their times and an incremental build stays incremental.
if [ ! -d "$tree" ]; then
	kgit worktree add -q --detach "$tree" "$top_ref"
else
	git -C "$tree" checkout -q --detach "$top_ref"
fi
echo "$tree"
