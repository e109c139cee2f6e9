#!/usr/bin/env bash
# run.sh VERDICTS OUTDIR: run the harness's own tests and append one
# verdict line per test case to VERDICTS. Each test program prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
verdicts=${1:?usage: run.sh VERDICTS OUTDIR}
out=${2:?usage: run.sh VERDICTS OUTDIR}
mkdir -p "$out"
status=0

# tap_to_verdicts GROUP LOG RC: turn a TAP log into verdict lines. A
# program that failed without saying which test failed, or that ran fewer
# tests than it planned, still fails.
tap_to_verdicts() {
	local group=$1 logf=$2 rc=$3 planned got
	awk -v g="$group" '
		/^ok [0-9]+ / { sub(/^ok [0-9]+ /, ""); s = ($0 ~ /# SKIP/) ? "SKIP" : "PASS"; printf "%s\t%s/%s\t\n", s, g, $0 }
		/^not ok [0-9]+ / { sub(/^not ok [0-9]+ /, ""); printf "FAIL\t%s/%s\t\n", g, $0 }
	' "$logf" >>"$verdicts"
	# The count of tests comes from a TAP plan, or else from a closing
	# "N passed, N failed" line.
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$logf" | head -1)
	[ -n "$planned" ] || planned=$(awk '/^[0-9]+ passed, [0-9]+ failed/ { print $1 + $3 }' "$logf" | tail -1)
	got=$(grep -cE '^(not )?ok [0-9]+ ' "$logf")
	if [ -z "$planned" ] || [ "$planned" != "$got" ]; then
		printf 'FAIL\t%s\tplanned %s tests, ran %s (see %s)\n' "$group" "${planned:-?}" "$got" "$logf" >>"$verdicts"
		status=1
	elif [ "$rc" != 0 ] && ! grep -q '^not ok' "$logf"; then
		printf 'FAIL\t%s\texited %s (see %s)\n' "$group" "$rc" "$logf" >>"$verdicts"
		status=1
	fi
	grep -q '^not ok' "$logf" && status=1
	grep '^not ok' "$logf" | sed "s|^|  $group: |" >&2
}

run_tap() { # GROUP CMD...
	local group=$1 rc=0
	shift
	echo "  harness: $group" >&2
	"$@" >"$out/$group.log" 2>&1 || rc=$?
	tap_to_verdicts "$group" "$out/$group.log" "$rc"
}

run_tap parse-console python3 "$here/test_parse_console.py"
run_tap bench-report python3 "$here/test_bench_report.py"
run_tap doc-links python3 "$here/test_doc_links.py"
run_tap boot-limits "$here/test-boot-limits.sh"
run_tap series "$here/test-series.sh"
run_tap errors "$here/test-errors.sh"
run_tap shellcheck "$here/test-shellcheck.sh"
run_tap vm-flags-stores "$here/test-vm-flags-stores.sh"
if [ -f "$top/bench/Makefile" ]; then
	run_tap spfbench make -s -C "$top/bench" test
fi
exit "$status"
