#!/usr/bin/env bash
# The series round trip and apply's safety: apply then export gives the
# same bytes; a patch with a bad hunk fails with a clear message and leaves
# the kernel tree as it was; commits never exported are not discarded;
# checkpatch names the patches that are not clean.
# Prints TAP. Needs the kernel tree ('make fetch'); fetches it if missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/lib.sh"
series=$TOP/scripts/series.sh
tmp=$(mktemp -d)
# shellcheck source=SCRIPTDIR/tap.sh
. "$here/tap.sh"
state() { # everything apply could change
	kgit rev-parse HEAD "$EXPORTED_REF"
	kgit symbolic-ref -q HEAD || echo detached
	kgit status --porcelain --untracked-files=no
	[ -d "$KTREE/.git/rebase-apply" ] && echo "am in progress"
}
restore() {
	if [ -n "${saved_head:-}" ]; then
		kgit checkout -q "$WORK_BRANCH" 2>/dev/null
		kgit reset -q --hard "$saved_head"
		kgit update-ref "$EXPORTED_REF" "$saved_head"
	fi
	rm -rf "$tmp"
}
trap restore EXIT

echo "1..11"
cp -r "$TOP/patches" "$tmp/rt"
rc=0
PATCHES=$tmp/rt "$series" apply >"$tmp/apply.log" 2>&1 || rc=$?
applied=$rc
tap "$([ "$rc" = 0 ] && echo 1)" "series applies to the pinned base"
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/apply.log"
saved_head=$(kgit rev-parse HEAD)
# Export into a folder that holds only VERSION, so that every byte
# compared below was written by export.
rm -f "$tmp"/rt/*.patch "$tmp/rt/series"
rc=0
PATCHES=$tmp/rt "$series" export >"$tmp/export.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/export.log"
diff -r "$TOP/patches" "$tmp/rt" >"$tmp/diff.log" 2>&1 || rc=$?
tap "$([ "$applied" = 0 ] && [ "$rc" = 0 ] && echo 1)" "apply then export is byte-identical"
[ -s "$tmp/diff.log" ] && sed 's/^/# /' "$tmp/diff.log" | head -20

# A bad hunk: change one context line of the first patch.
cp -r "$TOP/patches" "$tmp/bad"
first=$(grep -vE '^[[:space:]]*(#|$)' "$tmp/bad/series" | head -1)
awk '/^@@/ { hunk = 1 } hunk && !done && /^ / { print $0 "BROKEN"; done = 1; next } { print }' \
	"$TOP/patches/$first" >"$tmp/bad/$first"
before=$(state)
rc=0
PATCHES=$tmp/bad "$series" apply >"$tmp/bad.log" 2>&1 || rc=$?
tap "$([ "$rc" != 0 ] && grep -q "does not apply" "$tmp/bad.log" && echo 1)" "a bad hunk makes apply fail with a clear message"
sed 's/^/# /' "$tmp/bad.log"
tap "$([ "$before" = "$(state)" ] && echo 1)" "a failed apply leaves the tree as it was"

# A commit that was never exported must stop apply.
kgit -c user.name=t -c user.email=t@t.invalid commit -q --allow-empty -m "unexported work"
before=$(state)
rc=0
"$series" apply >"$tmp/refuse.log" 2>&1 || rc=$?
tap "$([ "$rc" != 0 ] && grep -q "never exported" "$tmp/refuse.log" && echo 1)" "apply refuses to discard unexported commits"
tap "$([ "$before" = "$(state)" ] && echo 1)" "the refused apply changed nothing"

# checkpatch over a one-patch series: clean as shipped, then with a line
# given trailing whitespace, which --strict reports as an error.
mkdir "$tmp/cp"
cp "$TOP/patches/$first" "$tmp/cp/"
echo "$first" >"$tmp/cp/series"
rc=0
PATCHES=$tmp/cp "$series" checkpatch >"$tmp/cp.log" 2>&1 || rc=$?
tap "$([ "$rc" = 0 ] && grep -q "all 1 patches clean" "$tmp/cp.log" && echo 1)" "checkpatch passes a clean patch"
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/cp.log"
awk '!done && /^\+.*;$/ { print $0 "   "; done = 1; next } { print }' \
	"$TOP/patches/$first" >"$tmp/cp/$first"
rc=0
PATCHES=$tmp/cp "$series" checkpatch >"$tmp/cp.log" 2>&1 || rc=$?
tap "$([ "$rc" != 0 ] && grep -q "$first: NOT clean" "$tmp/cp.log" && grep -q "trailing whitespace" "$tmp/cp.log" && echo 1)" "checkpatch fails a patch with trailing whitespace, naming it"
sed 's/^/# /' "$tmp/cp.log"

# The one-patch form, which make check runs for each patch, checks only
# the patch it names (the series' first is still the bad one); list gives
# the series file's names in order without its comments and blank lines.
second=$(grep -vE '^[[:space:]]*(#|$)' "$TOP/patches/series" | sed -n 2p)
cp "$TOP/patches/$second" "$tmp/cp/"
printf '# comment\n%s\n\n%s\n' "$first" "$second" >"$tmp/cp/series"
rc=0
PATCHES=$tmp/cp "$series" checkpatch "$second" >"$tmp/cp.log" 2>&1 || rc=$?
tap "$([ "$rc" = 0 ] && grep -q "$second: clean" "$tmp/cp.log" && ! grep -q "$first" "$tmp/cp.log" && echo 1)" "checkpatch PATCH checks only the patch it names"
rc=0
PATCHES=$tmp/cp "$series" checkpatch "no-such.patch" >"$tmp/cp.log" 2>&1 || rc=$?
tap "$([ "$rc" != 0 ] && grep -q "no patch no-such.patch" "$tmp/cp.log" && echo 1)" "checkpatch of a patch not in the folder fails, naming it"
tap "$([ "$(PATCHES=$tmp/cp "$series" list)" = "$(printf '%s\n%s' "$first" "$second")" ] && echo 1)" "list gives the series' patches in order, nothing else"
[ "$fails" = 0 ]
