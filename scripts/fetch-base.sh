#!/usr/bin/env bash
# Fetch the pinned Debian kernel source, verify it and turn it into a git
# tree whose first commit is the base. With KERNEL_SRC set, check that the
# user's tree is a git tree and remember its HEAD as the base instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${KERNEL_SRC:-}" ]; then
	kgit rev-parse --git-dir >/dev/null 2>&1 ||
		die "KERNEL_SRC=$KERNEL_SRC is not a git tree"
	if ! kgit rev-parse -q --verify "$BASE_REF" >/dev/null; then
		kgit update-ref "$BASE_REF" HEAD
		log "KERNEL_SRC: base is $(kgit rev-parse --short HEAD) ($(kgit log -1 --format=%s))"
	fi
	exit 0
fi

if kgit rev-parse -q --verify "$BASE_REF" >/dev/null 2>&1; then
	exit 0
fi

need_cmd apt-get apt
need_cmd dpkg-deb dpkg
need_cmd xz xz-utils

dl=$SPF_CACHE/dl
mkdir -p "$dl"
deb=$dl/${BASE_PACKAGE}_${BASE_VERSION}_all.deb

if [ ! -f "$deb" ]; then
	log "fetching $BASE_PACKAGE=$BASE_VERSION with apt-get download"
	if ! (cd "$dl" && apt-get download "$BASE_PACKAGE=$BASE_VERSION") >"$dl/apt.log" 2>&1; then
		sed 's/^/  /' "$dl/apt.log" >&2
		{
			echo "error: the pinned base $BASE_PACKAGE=$BASE_VERSION cannot be had."
			echo "Versions apt can see now (run 'apt-get update' first if this is empty):"
			apt-cache madison "$BASE_PACKAGE" 2>/dev/null | sed 's/^/  /'
			echo "To re-pin: set BASE_VERSION (and BASE_UPSTREAM) in BASE to one of them,"
			echo "run 'REPIN=1 make fetch', write the printed sha256 into BASE_TARBALL_SHA256,"
			echo "and check that the series still applies ('make apply')."
		} >&2
		exit 1
	fi
fi

tmp=$(mktemp -d "$SPF_CACHE/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "extracting $BASE_TARBALL"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./$BASE_TARBALL"
sum=$(sha256sum "$tmp/$BASE_TARBALL" | cut -d' ' -f1)
if [ "${REPIN:-0}" = 1 ]; then
	log "REPIN: the tarball's sha256 is $sum"
	echo "BASE_TARBALL_SHA256=$sum"
	exit 0
fi
if [ "$sum" != "$BASE_TARBALL_SHA256" ]; then
	die "sha256 mismatch for $BASE_TARBALL from $deb: got $sum, BASE pins $BASE_TARBALL_SHA256. Delete $deb to fetch again, or re-pin (see BASE)."
fi
log "checksum ok; unpacking the kernel source (about a minute)"
mkdir "$tmp/src"
tar -xJf "$tmp/$BASE_TARBALL" -C "$tmp/src" --strip-components=1
grep -q "^SUBLEVEL = ${BASE_UPSTREAM##*.}\$" "$tmp/src/Makefile" ||
	die "the tarball does not hold Linux $BASE_UPSTREAM (see $tmp/src/Makefile)"

log "creating the base git commit (about a minute)"
git -C "$tmp/src" init -q -b base
git -C "$tmp/src" -c core.excludesFile=/dev/null add -A -f
GIT_AUTHOR_NAME="spf-workbench" GIT_AUTHOR_EMAIL="base@spf-workbench.invalid" \
GIT_COMMITTER_NAME="spf-workbench" GIT_COMMITTER_EMAIL="base@spf-workbench.invalid" \
GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE" \
	git -C "$tmp/src" -c commit.gpgsign=false commit -q --no-verify \
	-m "Linux $BASE_UPSTREAM from Debian $BASE_PACKAGE $BASE_VERSION" \
	-m "Tarball $BASE_TARBALL, sha256 $BASE_TARBALL_SHA256."
git -C "$tmp/src" update-ref "$BASE_REF" HEAD
git -C "$tmp/src" branch -q "$WORK_BRANCH"
git -C "$tmp/src" checkout -q "$WORK_BRANCH"
git -C "$tmp/src" update-ref "$EXPORTED_REF" HEAD
rm -rf "$KTREE"
mv "$tmp/src" "$KTREE"
log "base ready: $KTREE at $(kgit rev-parse --short HEAD)"
