#!/usr/bin/env bash
# series.sh apply|export|checkpatch [PATCH...]|list
#
# apply:  make the kernel tree's work branch the base plus patches/series,
#         one commit per patch with plain 'git am' (no fuzz, no 3-way).
#         Refuses when the work branch holds commits that were never
#         exported, or uncommitted changes, unless FORCE=1. On a patch that
#         does not apply, the tree is left exactly as it was.
# export: write the work branch back to patches/ with 'git format-patch':
#         cover letter (from the branch description), numbered patches,
#         base-commit, and the quilt series file.
# checkpatch: the base tree's scripts/checkpatch.pl --strict on every patch
#         in the series file, or on the named ones (file names as the
#         series file gives them); fails if any patch has an error,
#         warning or check. Reads patches/ only: the tree is not touched.
# list:   the series file's patch names, one a line, in order.
#
# PATCHES=DIR works on another patch folder (the harness tests use it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmd=${1:?usage: series.sh apply|export|checkpatch [PATCH...]|list}
shift
pdir=${PATCHES:-$TOP/patches}

# Settings that change format-patch's bytes, pinned so that any machine
# writes the same files.
fgit=(git -C "$KTREE" -c diff.noprefix=false -c diff.mnemonicPrefix=false
	-c diff.algorithm=myers -c diff.renames=true -c diff.relative=false
	-c format.signOff=false -c format.numbered=auto -c core.abbrev=12
	-c format.thread=false)

series_files() {
	[ -f "$pdir/series" ] || die "no $pdir/series"
	grep -vE '^[[:space:]]*(#|$)' "$pdir/series"
}

cover_to_description() {
	# Subject and body of the cover letter, without the generated
	# shortlog, diffstat and base-commit that follow them.
	local cover=$1 tmp author
	tmp=$(mktemp -d)
	git mailinfo -b "$tmp/msg" "$tmp/patch" <"$cover" >"$tmp/info"
	author=$(sed -n 's/^Author: //p' "$tmp/info")
	sed -n 's/^Subject: //p' "$tmp/info"
	echo
	awk -v a="$author" 'index($0, a " (") == 1 && /\([0-9]+\):$/ { exit } { print }' "$tmp/msg" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	rm -rf "$tmp"
}

do_apply() {
	"$TOP/scripts/fetch-base.sh"
	local base prev p n=0 head exported
	base=$(kgit rev-parse "$BASE_REF")
	if [ -n "$(kgit status --porcelain --untracked-files=no)" ] && [ "${FORCE:-0}" != 1 ]; then
		die "$KTREE has uncommitted changes: commit and export them ('make export'), or FORCE=1 to discard"
	fi
	if kgit rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null; then
		head=$(kgit rev-parse "refs/heads/$WORK_BRANCH")
		exported=$(kgit rev-parse -q --verify "$EXPORTED_REF" || echo none)
		if [ "$head" != "$exported" ] && [ "${FORCE:-0}" != 1 ]; then
			echo "error: branch $WORK_BRANCH in $KTREE has commits that were never exported:" >&2
			kgit log --oneline "$exported..$head" 2>/dev/null | sed 's/^/  /' >&2 ||
				kgit log --oneline -5 "$head" | sed 's/^/  /' >&2
			die "run 'make export' to keep them, or FORCE=1 to discard them"
		fi
	fi
	prev=$(kgit symbolic-ref -q --short HEAD || kgit rev-parse HEAD)
	kgit checkout -q --detach "$base"
	while read -r p; do
		n=$((n + 1))
		[ -f "$pdir/$p" ] || { kgit checkout -q "$prev"; die "series names $p, which is not in $pdir"; }
		if ! kgit -c user.name=spf-workbench -c user.email=apply@spf-workbench.invalid \
			am -q --committer-date-is-author-date "$pdir/$p" >"$SPF_CACHE/am.log" 2>&1; then
			sed 's/^/  /' "$SPF_CACHE/am.log" >&2
			kgit am --abort >/dev/null 2>&1 || true
			kgit checkout -q "$prev"
			die "patch $n ($p) does not apply to the base $(kgit rev-parse --short "$base"); the tree is back as it was"
		fi
	done < <(series_files)
	kgit checkout -q -B "$WORK_BRANCH"
	kgit update-ref "$EXPORTED_REF" HEAD
	if [ -f "$pdir/0000-cover-letter.patch" ]; then
		kgit config "branch.$WORK_BRANCH.description" "$(cover_to_description "$pdir/0000-cover-letter.patch")"
	fi
	log "applied $n patches from $pdir onto $(kgit rev-parse --short "$base"): $WORK_BRANCH is $(kgit rev-parse --short HEAD)"
}

do_export() {
	local base tmp n version date name email
	base=$(kgit rev-parse "$BASE_REF")
	[ "$(kgit symbolic-ref -q --short HEAD)" = "$WORK_BRANCH" ] ||
		die "$KTREE is not on branch $WORK_BRANCH"
	[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
		die "$KTREE has uncommitted changes: commit them first"
	n=$(kgit rev-list --count "$base..HEAD")
	[ "$n" -gt 0 ] || die "no commits on $WORK_BRANCH above the base"
	kgit config "branch.$WORK_BRANCH.description" >/dev/null ||
		die "no cover letter: write one with 'git -C $KTREE branch --edit-description $WORK_BRANCH'"
	version=$(series_version)
	# The cover letter's From and Date come from the newest patch, so
	# that exporting the same commits always gives the same bytes.
	date=$(kgit log -1 --format=%aD HEAD)
	name=$(kgit log -1 --format=%an HEAD)
	email=$(kgit log -1 --format=%ae HEAD)
	tmp=$(mktemp -d)
	GIT_COMMITTER_DATE=$date GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
		"${fgit[@]}" format-patch -q --no-to --no-cc --no-add-header --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --base="$base" \
		--subject-prefix="PATCH v$version" -o "$tmp" "$base..HEAD"
	rm -f "$pdir"/[0-9][0-9][0-9][0-9]-*.patch
	cp "$tmp"/*.patch "$pdir/"
	{
		echo "# Apply in this order (quilt series; 'make apply' uses git am)."
		for f in "$tmp"/[0-9][0-9][0-9][0-9]-*.patch; do
			case "$f" in */0000-cover-letter.patch) ;; *) echo "${f##*/}" ;; esac
		done
	} >"$pdir/series"
	rm -rf "$tmp"
	kgit update-ref "$EXPORTED_REF" HEAD
	log "exported $n patches (v$version) to $pdir"
}

do_checkpatch() { # [PATCH...]: default, the whole series
	local p n=0 bad=0 patches
	[ -x "$KTREE/scripts/checkpatch.pl" ] || die "no $KTREE/scripts/checkpatch.pl: run 'make fetch' first"
	if [ $# -gt 0 ]; then
		patches=("$@")
	else
		mapfile -t patches < <(series_files)
	fi
	for p in "${patches[@]}"; do
		[ -f "$pdir/$p" ] || die "no patch $p in $pdir"
		n=$((n + 1))
		if (cd "$KTREE" && ./scripts/checkpatch.pl --strict -q "$pdir/$p"); then
			log "checkpatch: $p: clean"
		else
			log "checkpatch: $p: NOT clean"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ] || die "checkpatch: $bad of $n patches not clean"
	[ $# -gt 0 ] || log "checkpatch: all $n patches clean under --strict"
}

case "$cmd" in
apply) do_apply ;;
export) do_export ;;
checkpatch) do_checkpatch "$@" ;;
list) series_files ;;
*) die "unknown command '$cmd': use apply, export, checkpatch or list" ;;
esac
