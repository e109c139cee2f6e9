#!/usr/bin/env bash
# mutants.sh check | run ARCH [NAME...]   (VARIANT=normal|debug, default normal)
#
# Shows that the series' tests can fail. Each mutants/NAME.mutant is a
# comment saying what the mutant breaks, then a diff against the work
# branch that removes one thing speculative page faults rely on (a
# writer's mark, the per-VMA check, a page table lock).
#
# check: every mutant still applies to the work branch (make check runs
#        this after applying the series). Nothing is built.
# run:   first the unmutated work branch, then each mutant (all, or the
#        NAMEs given): commit it on top of the work branch as the branch
#        spf-mutant (the work branch is not touched), run the source
#        checks (vm-flags-stores.sh: a mutant they catch is killed with
#        no build), build the ARCH VARIANT kernel from it in one build
#        folder of its own (so that a mutant rebuilds only the files it
#        and the one before it changed), boot it with mutants/mutants.plan
#        (or MUTANTS_PLAN=FILE) and record which tests failed. The
#        unmutated kernel must pass; a mutant no test fails "survived".
#        Logs, summary.tsv and run.env (arch, variant, vCPUs, series) go
#        to a new folder logs/<timestamp>-mutants-ARCH-VARIANT/. The
#        last line is "N killed, N survived"; the exit status is non-zero
#        if a mutant survived or anything could not be run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: mutants.sh check | run ARCH [NAME...]"
cmd=${1:?$usage}
shift
mdir=${MUTANTS:-$TOP/mutants}
MUTANT_BRANCH=spf-mutant

all_mutants() {
	local f
	for f in "$mdir"/*.mutant; do
		[ -e "$f" ] || die "no mutants in $mdir"
		basename "$f" .mutant
	done
}

need_work_branch() {
	kgit rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null ||
		die "no work branch $WORK_BRANCH in $KTREE: run 'make apply' first"
}

# commit_mutant NAME: refs/heads/$MUTANT_BRANCH := the work branch plus
# the mutant's diff ("none": the work branch itself). Uses an index of its
# own, so that neither the work tree nor the work branch changes.
commit_mutant() {
	local name=$1 idx tree commit
	if [ "$name" = none ]; then
		kgit update-ref "refs/heads/$MUTANT_BRANCH" "refs/heads/$WORK_BRANCH"
		return
	fi
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx kgit read-tree "refs/heads/$WORK_BRANCH"
	if ! GIT_INDEX_FILE=$idx kgit apply --cached "$mdir/$name.mutant"; then
		rm -f "$idx"
		return 1
	fi
	tree=$(GIT_INDEX_FILE=$idx kgit write-tree)
	rm -f "$idx"
	commit=$(GIT_AUTHOR_NAME=spf-workbench GIT_AUTHOR_EMAIL=mutant@spf-workbench.invalid \
		GIT_COMMITTER_NAME=spf-workbench GIT_COMMITTER_EMAIL=mutant@spf-workbench.invalid \
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		kgit commit-tree "$tree" -p "refs/heads/$WORK_BRANCH" -m "mutant: $name")
	kgit update-ref "refs/heads/$MUTANT_BRANCH" "$commit"
}

case "$cmd" in
check)
	[ $# = 0 ] || die "$usage"
	need_work_branch
	bad=0
	err=$(mktemp)
	for m in $(all_mutants); do
		if commit_mutant "$m" 2>"$err"; then
			echo "ok: $m"
		else
			echo "does not apply: $m ($(head -n 1 "$err"))"
			bad=$((bad + 1))
		fi
	done
	rm -f "$err"
	kgit update-ref -d "refs/heads/$MUTANT_BRANCH"
	[ "$bad" = 0 ] || die "$bad mutants no longer apply to $WORK_BRANCH: refresh them in $mdir"
	exit 0
	;;
run) ;;
*) die "unknown command '$cmd': $usage" ;;
esac

arch=${1:?$usage}
shift
check_arch "$arch"
variant=${VARIANT:-normal}
check_variant "$variant"
if [ $# -gt 0 ]; then
	names=("$@")
	for m in "${names[@]}"; do
		[ -f "$mdir/$m.mutant" ] || die "no mutant '$m': known are $(all_mutants | tr '\n' ' ')"
	done
else
	mapfile -t names < <(all_mutants)
fi
need_work_branch

out=$(new_dir "$TOP/logs" "mutants-$arch-$variant")
summary=$out/summary.tsv
printf 'mutant\tverdict\tfailed\n' >"$summary"
{
	echo "ARCH=$arch"
	echo "VARIANT=$variant"
	echo "VCPUS=${VCPUS:-2}"
	echo "ACCEL=${ACCEL:-tcg}"
	echo "SERIES=v$(series_version)"
	echo "WORK_BRANCH=$(kgit rev-parse --short "refs/heads/$WORK_BRANCH")"
} >"$out/run.env"
log "mutants: $arch $variant (${ACCEL:-tcg}, ${VCPUS:-2} vCPUs, series v$(series_version)), ${#names[@]} mutants and the unmutated control; logs in $out"

plan=${MUTANTS_PLAN:-$mdir/mutants.plan}
[ -f "$plan" ] || die "no test plan at $plan"
cp "$plan" "$out/plan"
log "mutants: building the guest with $plan"
initrd=$(PLAN=$plan GUEST_TAG=mutants "$TOP/scripts/build-guest.sh" "$arch" \
	2>"$out/guest.log" | tail -n 1) || die "building the guest failed: see $out/guest.log"

tmo=1200 itmo=180
[ "$variant" != normal ] && tmo=2400 itmo=600

# try NAME: build and boot one kernel; prints the failed tests, one a
# line. Returns 2, printing the step, if it could not be applied, built
# or its console parsed.
try() {
	local name=$1 kernel
	if ! commit_mutant "$name" 2>"$out/$name-apply.log"; then
		echo "apply"
		return 2
	fi
	# The source checks of make check first: a mutant they catch needs
	# no kernel.
	if ! "$TOP/scripts/vm-flags-stores.sh" "refs/heads/$MUTANT_BRANCH" \
		>"$out/$name-source.log" 2>&1; then
		echo "source/vm-flags-stores"
		return 0
	fi
	log "mutants: $name: build"
	if ! kernel=$(EXTRA_CONFIG=$TOP/configs/series-spf.$arch.config \
		"$TOP/scripts/build-kernel.sh" "$arch" "$variant" "$MUTANT_BRANCH" \
		2>"$out/$name-build.log" | tail -n 1) || [ -z "$kernel" ]; then
		echo "build"
		return 2
	fi
	log "mutants: $name: boot and run"
	TIMEOUT=${TIMEOUT:-$tmo} INIT_TIMEOUT=${INIT_TIMEOUT:-$itmo} \
		"$TOP/scripts/boot.sh" "$arch" "$kernel" "$initrd" "$out/$name" \
		>"$out/$name-boot.log" 2>&1 || true
	python3 "$TOP/scripts/parse_console.py" "$out/$name/console.log" \
		--verdicts "$out/$name/verdicts.tsv" >"$out/$name-parse.log" 2>&1 || true
	if [ ! -s "$out/$name/verdicts.tsv" ]; then
		echo "parse"
		return 2
	fi
	grep '^FAIL' "$out/$name/verdicts.tsv" | cut -f2 || true
}

failed=$(try none) || die "the unmutated kernel could not be run ($failed): see $out/none-$failed.log"
if [ -n "$failed" ]; then
	printf 'none\tcontrol-failed\t%s\n' "$(echo "$failed" | paste -sd ' ')" >>"$summary"
	die "the unmutated kernel failed $(echo "$failed" | paste -sd ' '): no mutant can be judged (see $out/none)"
fi
printf 'none\tcontrol-passed\t\n' >>"$summary"
killed=0 survived=0 broken=0
for m in "${names[@]}"; do
	rc=0
	failed=$(try "$m") || rc=$?
	if [ "$rc" != 0 ]; then
		verdict="not-run ($failed: see $out/$m-$failed.log)"
		broken=$((broken + 1))
	elif [ -n "$failed" ]; then
		verdict=killed
		killed=$((killed + 1))
	else
		verdict=survived
		survived=$((survived + 1))
	fi
	failed=$(echo "$failed" | paste -sd ' ')
	printf '%s\t%s\t%s\n' "$m" "$verdict" "$failed" >>"$summary"
	log "mutants: $m: $verdict${failed:+ by $failed}"
done
kgit update-ref -d "refs/heads/$MUTANT_BRANCH"
column -t -s "$(printf '\t')" "$summary"
echo "logs: $out"
[ "$broken" = 0 ] || echo "$broken mutants could not be run"
echo "$killed killed, $survived survived"
[ "$survived" = 0 ] && [ "$broken" = 0 ]
