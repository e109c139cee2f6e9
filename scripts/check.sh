#!/usr/bin/env bash
# check.sh: everything 'make check' runs, in order, with one verdict per
# test. Logs go to a new folder under logs/. The last line is
# "N passed, N failed, N skipped"; the exit status is non-zero on any
# failure.
#
# ARCHES (default "x86_64 arm64") and VARIANTS (default "normal debug")
# pick the kernels; SKIP_HARNESS=1 skips the harness's own tests,
# SKIP_BISECT=1 the build of every patch on its own, and --harness-only
# runs nothing else.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

arches=${ARCHES:-x86_64 arm64}
variants=${VARIANTS:-normal debug}
for a in $arches; do check_arch "$a"; done
for v in $variants; do check_variant "$v"; done

out=$(new_dir "$TOP/logs" check)
verdicts=$out/verdicts.tsv
: >"$verdicts"
log "check: logs in $out"

record() { # STATUS NAME DETAIL
	printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$verdicts"
	[ "$1" = PASS ] || printf '  %-5s %s %s\n' "$1" "$2" "${3:-}" >&2
}

# step NAME LOGFILE CMD...: run CMD, record its verdict, keep its output
# and show its progress lines (the scripts' "[hh:mm:ss] ..." and "  [...]").
step() {
	local name=$1 logf=$2 rc start=$SECONDS
	shift 2
	"$@" 2>&1 | tee "$logf" | grep --line-buffered -E '^(  )?\[' >&2
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ]; then
		record PASS "$name" "$((SECONDS - start)) s"
		return 0
	fi
	tail -n 15 "$logf" | sed 's/^/    /' >&2
	record FAIL "$name" "see $logf"
	return 1
}

# check_splat_detection ARCH KERNEL NAME: boot the debug kernel with a
# plan that provokes a real KASAN report through LKDTM; the parser must
# fail that run with a KASAN splat, though its one test passes.
check_splat_detection() {
	local arch=$1 kernel=$2 name=$3/provoked-kasan initrd
	if ! initrd=$(PLAN=$TOP/harness-tests/plans/provoke-kasan.plan GUEST_TAG=kasan \
		"$TOP/scripts/build-guest.sh" "$arch" 2>"$out/$name-guest.log" | tail -n 1); then
		record FAIL "$name" "building its guest failed: see $out/$name-guest.log"
		return
	fi
	log "check: $name: a boot that must show a KASAN splat"
	# KFENCE samples allocations at random and would sometimes report
	# the bug before KASAN does: switch it off for this boot.
	APPEND=kfence.sample_interval=0 TIMEOUT=900 INIT_TIMEOUT=600 \
		"$TOP/scripts/boot.sh" "$arch" "$kernel" "$initrd" \
		"$out/$name" >"$out/$name-boot.log" 2>&1
	python3 "$TOP/scripts/parse_console.py" "$out/$name/console.log" \
		--verdicts "$out/$name/verdicts.tsv" >/dev/null
	if grep -qP '^PASS\tlkdtm/write-after-free\t' "$out/$name/verdicts.tsv" &&
		grep -qP '^FAIL\tsplat\t.*KASAN' "$out/$name/verdicts.tsv"; then
		record PASS "$name" "the parser caught the provoked KASAN report"
	else
		record FAIL "$name" "no KASAN splat caught: see $out/$name/console.log"
	fi
}

# bisect_targets COMMIT: the objects of the C files that the series changes
# between the base and COMMIT, for x86_64 (build-kernel.sh drops those its
# config does not build).
bisect_targets() {
	kgit diff --name-only --diff-filter=AM "$BASE_REF" "$1" -- '*.c' |
		grep -vE '^(tools|samples|scripts)/|^arch/[^x]' | sed 's/\.c$/.o/' | tr '\n' ' '
}

if [ "${SKIP_HARNESS:-0}" != 1 ]; then
	log "check: harness tests"
	"$TOP/harness-tests/run.sh" "$verdicts" "$out/harness" || true
fi

if [ "${1:-}" = --harness-only ]; then
	:
elif log "check: fetching the base and applying the series" &&
	! step series/apply "$out/apply.log" "$TOP/scripts/series.sh" apply; then
	log "check: the series does not apply; nothing to build"
else
	# The mutants of 'make mutants' must still apply to the series, or
	# they no longer show that the tests can fail.
	step mutants/apply "$out/mutants-apply.log" "$TOP/scripts/mutants.sh" check || true
	# No direct store to vm_flags where the series converted them.
	step source/vm-flags-stores "$out/vm-flags-stores.log" "$TOP/scripts/vm-flags-stores.sh" || true

	while read -r p; do
		step "checkpatch/$p" "$out/checkpatch-$p.log" \
			"$TOP/scripts/series.sh" checkpatch "$p" || true
	done < <("$TOP/scripts/series.sh" list)

	# Every patch builds on its own: build each commit below the top of
	# the series (the top is built next) in the x86_64 normal folder, so
	# that only what a patch touches is rebuilt. A header change rebuilds
	# nearly every object, so by default each commit compiles only the
	# C files the series has changed up to it, with that commit's config;
	# BISECT_FULL=1 builds and links the whole kernel at every commit.
	if [ "${SKIP_BISECT:-0}" != 1 ]; then
		n=0
		for c in $(kgit rev-list --reverse "$BASE_REF..$WORK_BRANCH~1" 2>/dev/null); do
			n=$((n + 1))
			kgit checkout -q --detach "$c"
			targets=
			if [ "${BISECT_FULL:-0}" != 1 ]; then
				targets=$(bisect_targets "$c")
				[ -n "$targets" ] || targets=init/version.o
			fi
			log "check: bisect build $n: $(kgit log -1 --format=%s "$c")"
			step "bisect/$n-$(kgit log -1 --format=%f "$c" | cut -c1-50)" \
				"$out/bisect-$n.log" env BISECT=1 TARGETS="$targets" \
				"$TOP/scripts/build-kernel.sh" x86_64 normal || true
		done
		kgit checkout -q "$WORK_BRANCH"
	fi

	for arch in $arches; do
		for variant in $variants; do
			k=$arch-$variant
			log "check: $k: build"
			step "$k/build-kernel" "$out/$k-build.log" "$TOP/scripts/build-kernel.sh" "$arch" "$variant" || continue
			kernel=$(tail -n 1 "$out/$k-build.log")
			step "$k/build-guest" "$out/$k-guest.log" "$TOP/scripts/build-guest.sh" "$arch" || continue
			initrd=$(tail -n 1 "$out/$k-guest.log")
			log "check: $k: boot and run"
			tmo=2400 itmo=180
			[ "$variant" != normal ] && tmo=4800 itmo=600
			bstart=$SECONDS
			TIMEOUT=${TIMEOUT:-$tmo} INIT_TIMEOUT=${INIT_TIMEOUT:-$itmo} \
				"$TOP/scripts/boot.sh" "$arch" "$kernel" "$initrd" "$out/$k" 2>&1 |
				tee "$out/$k-boot.log" >&2
			echo "$k: boot and plan took $((SECONDS - bstart)) s" >>"$out/timing.txt"
			known=(--known "$TOP/guest/known-failures/$arch.txt")
			[ -f "$TOP/guest/known-failures/$k.txt" ] &&
				known+=(--known "$TOP/guest/known-failures/$k.txt")
			python3 "$TOP/scripts/parse_console.py" "$out/$k/console.log" \
				"${known[@]}" --prefix "$k/" --verdicts "$out/$k/verdicts.tsv" >&2
			cat "$out/$k/verdicts.tsv" >>"$verdicts"
			[ "$variant" = debug ] && check_splat_detection "$arch" "$kernel" "$k"
		done
	done
fi

pass=$(grep -cE '^(PASS|XPASS)' "$verdicts")
fail=$(grep -c '^FAIL' "$verdicts")
skip=$(grep -cE '^(SKIP|XFAIL)' "$verdicts")
if grep -q '^XPASS' "$verdicts"; then
	echo "note: known failures that passed (update guest/known-failures/):"
	grep '^XPASS' "$verdicts" | cut -f2 | sed 's/^/  /'
fi
if [ "$fail" -gt 0 ]; then
	echo "failed:"
	grep '^FAIL' "$verdicts" | cut -f2,3 | sed 's/^/  /'
fi
echo "logs: $out (took $((SECONDS / 60)) min)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
