#!/usr/bin/env bash
# run-bench.sh [--full] [ARCH]: the main job. Build the vanilla 6.1 kernel,
# the kernel with the series and the 6.12 peer with per-VMA locks (see
# PEER), boot each under QEMU, run the spfbench suite, and compare: the
# series with speculation on, the same kernel with it switched off at boot
# (speculative_page_fault=0), vanilla 6.1 and 6.12.
# Results go to a new results/<timestamp>/ folder: per kernel run the
# spfbench CSV and JSON files and the console, then report.md (also
# printed), scaling.svg and summary.csv from bench_report.py.
#
# Quick mode (default) runs each workload for 1..VCPUS tasks with 3 s
# samples; --full uses 10 s samples and 16 MiB more per task. VCPUS
# (default 2) and ACCEL (tcg) are passed to boot.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=quick
if [ "${1:-}" = --full ]; then
	mode=full
	shift
fi
case "${1:-}" in -*) die "usage: run-bench.sh [--full] [ARCH]" ;; esac
arch=${1:-x86_64}
check_arch "$arch"
vcpus=${VCPUS:-2}
case "$vcpus" in '' | *[!0-9]* | 0) die "VCPUS must be a positive number, not '$vcpus'" ;; esac
accel=${ACCEL:-tcg}
series=v$(sed -n 's/^SERIES_VERSION=//p' "$TOP/patches/VERSION")

out=$(new_dir "$TOP/results" "$arch-$mode")
log "bench: $mode run on $arch, $vcpus vCPUs, $accel; results in $out"

# The suite, as guest plan lines. Each run's JSON and CSV come back over
# the console as one base64 line each (the guest has no shared folder).
# The series label comes from the kernel command line (spfbench.series=,
# set per boot below), so that vanilla and 6.12 runs do not claim it.
case "$mode" in
quick) warm=1 dur=3 ;;
full) warm=2 dur=10 ;;
esac
plan=$out/bench.plan
{
	echo "# spfbench suite, $mode mode: written by run-bench.sh"
	n=0
	while read -r name args; do
		n=$((n + 1))
		# shellcheck disable=SC2016 # expanded by the guest's shell
		label='s=$(sed -n "s/.*spfbench[.]series=\([^ ]*\).*/\1/p" /proc/cmdline); '
		run="${label}spfbench $args -N $vcpus -w $warm -d $dur --accel ${accel^^}"
		run="$run --series \"\${s:-none}\""
		run="$run -o /tmp/$name.csv -j /tmp/$name.json"
		emit="for f in $name.json $name.csv; do echo \"SPF-FILE: \$f \$(base64 -w 0 /tmp/\$f)\"; done"
		echo "bench/$name 1200 sh -c '$run && $emit'"
	done <<-'EOF'
		page_fault1 -t page_fault1
		page_fault2 -t page_fault2
		page_fault3 -t page_fault3
		fault_under_writer-4k -t fault_under_writer -p 4k
		fault_under_writer-thp -t fault_under_writer -p thp
		same_vma -t same_vma
		mmap_churn -t mmap_churn
	EOF
} >"$plan"

# The 6.1 tree with the series (applied from patches/ unless the work
# branch exists already), and the peer's tree.
if kgit rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null 2>&1; then
	log "bench: using the series on branch $WORK_BRANCH ($(kgit rev-parse --short "$WORK_BRANCH"))"
else
	"$TOP/scripts/series.sh" apply
fi
PIN=PEER "$TOP/scripts/fetch-base.sh"

log "bench: building the kernels: vanilla 6.1, the series, the 6.12 peer"
vanilla=$("$TOP/scripts/build-kernel.sh" "$arch" normal "$BASE_REF" | tail -n 1)
spf=$("$TOP/scripts/build-kernel.sh" "$arch" normal | tail -n 1)
peer=$(PIN=PEER "$TOP/scripts/build-kernel.sh" "$arch" normal | tail -n 1)
initrd=$(PLAN=$plan GUEST_TAG=bench "$TOP/scripts/build-guest.sh" "$arch" | tail -n 1)

# boot_run LABEL KERNEL [APPEND]: one boot, the files it printed saved
# under $out/LABEL.
boot_run() {
	local label=$1 kernel=$2 append=${3:-} dir=$out/$1 name data
	log "bench: $label: booting $kernel${append:+ with $append}"
	mkdir -p "$dir"
	if ! APPEND="quiet loglevel=1 $append" VCPUS=$vcpus ACCEL=$accel \
		TIMEOUT=3600 INIT_TIMEOUT=300 \
		"$TOP/scripts/boot.sh" "$arch" "$kernel" "$initrd" "$dir/boot" >"$dir/boot.log" 2>&1; then
		tail -n 20 "$dir/boot.log" >&2
		die "$label: the guest did not finish the suite: see $dir/boot/console.log"
	fi
	grep -a '^# SPF-FILE: ' "$dir/boot/console.log" | sed 's/^# SPF-FILE: //' | tr -d '\r' |
		while read -r name data; do
			printf '%s' "$data" | base64 -d >"$dir/$name" ||
				die "$label: $name came back damaged over the console"
		done
	n=$(find "$dir" -maxdepth 1 -name '*.json' | wc -l)
	[ "$n" -gt 0 ] || die "$label: no results came back: see $dir/boot/console.log"
	grep -a 'not ok' "$dir/boot/console.log" >&2 && die "$label: a benchmark run failed: see $dir/boot/console.log"
	log "bench: $label: $n workloads"
}

boot_run spf-on "$spf" "spfbench.series=$series"
boot_run spf-off "$spf" "spfbench.series=$series speculative_page_fault=0"
boot_run vanilla-6.1 "$vanilla" spfbench.series=none
boot_run pervma-6.12 "$peer" spfbench.series=none

log "bench: report"
python3 "$TOP/scripts/bench_report.py" "$out" --baseline vanilla-6.1
log "bench: results in $out (report.md, scaling.svg, summary.csv)"
