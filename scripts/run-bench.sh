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
# samples; --full uses 10 s samples. fault_under_writer measures its
# writer idle and busy interleaved, in alternate 1 s phases of one window
# (spfbench --windows interleaved), so that a change of the emulated
# machine's pace between two windows cannot pass for the writer's effect.
# VCPUS (default 2) and ACCEL (tcg) are passed to boot.sh.
#
# Then ROUNDS (default 3 quick, 5 full; 0: none) more rounds of the
# headline workload, fault_under_writer with 4 KiB pages and 10 s
# samples, its control with the writer in a process of its own, and the
# same with the writer paced at 50 mprotect() calls a second; then, at
# VCPUS tasks only, the faults the series took over last: page_fault1
# threads with THP as the guest has it (no madvise), fault_under_writer
# with MADV_HUGEPAGE, and swap_under_writer (faults back from swap);
# page_fault2 and page_fault3 threads (file-backed private and shared
# writes on tmpfs), and, with one faulter, fault_under_writer on files
# (spfbench --file: reads of page cache pages) on tmpfs (/tmp) and on the
# guest's ext4 disk (/mnt/ext4): each round boots every kernel once, the order rotating from round to
# round, into rounds/r<N>/<label>/. The report gives the mean
# of each ratio over the rounds with its 95% interval, and SPF on
# against each other kernel paired by round.
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
case "$mode" in
quick) rounds=${ROUNDS:-3} ;;
full) rounds=${ROUNDS:-5} ;;
esac
case "$rounds" in '' | *[!0-9]*) die "ROUNDS must be a number (0: no rounds), not '$rounds'" ;; esac
case "$vcpus" in '' | *[!0-9]* | 0) die "VCPUS must be a positive number, not '$vcpus'" ;; esac
accel=${ACCEL:-tcg}
series=v$(sed -n 's/^SERIES_VERSION=//p' "$TOP/patches/VERSION")

out=$(new_dir "$TOP/results" "$arch-$mode")
log "bench: $mode run on $arch, $vcpus vCPUs, $accel, $rounds headline rounds; results in $out"

# The suite, as guest plan lines. Each run's JSON and CSV come back over
# the console as one base64 line each (the guest has no shared folder).
# The series label comes from the kernel command line (spfbench.series=,
# set per boot below), so that vanilla and 6.12 runs do not claim it.
#
# Each run goes from 1 to VCPUS tasks, unless its arguments name the
# task count (-n): there @VCPUS@ stands for VCPUS.
#
# write_plan FILE WARM DURATION < "NAME SPFBENCH-ARGS" lines
write_plan() {
	local name args label run emit tasks
	echo "# spfbench, ${3} s samples: written by run-bench.sh" >"$1"
	while read -r name args; do
		args=${args//@VCPUS@/$vcpus}
		tasks="-N $vcpus"
		case " $args " in *" -n "*) tasks= ;; esac
		# shellcheck disable=SC2016 # expanded by the guest's shell
		label='s=$(sed -n "s/.*spfbench[.]series=\([^ ]*\).*/\1/p" /proc/cmdline); '
		run="${label}spfbench $args${tasks:+ $tasks} -w $2 -d $3 --accel ${accel^^}"
		run="$run --series \"\${s:-none}\""
		run="$run -o /tmp/$name.csv -j /tmp/$name.json"
		emit="for f in $name.json $name.csv; do echo \"SPF-FILE: \$f \$(base64 -w 0 /tmp/\$f)\"; done"
		echo "bench/$name 1200 sh -c '$run && $emit'"
	done >>"$1"
}
case "$mode" in
quick) warm=1 dur=3 ;;
full) warm=2 dur=10 ;;
esac
plan=$out/bench.plan
write_plan "$plan" "$warm" "$dur" <<-'EOF'
		page_fault1 -t page_fault1
		page_fault1-default -t page_fault1 -p default
		page_fault2 -t page_fault2
		page_fault3 -t page_fault3
		fault_under_writer-4k -t fault_under_writer -p 4k --windows interleaved
		fault_under_writer-thp -t fault_under_writer -p thp --windows interleaved
		swap_under_writer -t swap_under_writer --windows interleaved
		fault_under_writer-file-tmpfs -t fault_under_writer -p 4k --file /tmp --windows interleaved
		fault_under_writer-file-ext4 -t fault_under_writer -p 4k --file /mnt/ext4 --windows interleaved
		same_vma -t same_vma
		mmap_churn -t mmap_churn
	EOF
rplan=$out/rounds.plan
# The headline, and its control: the same writer in a process of its
# own, which shares the CPUs with the faulters but not their mm. Then
# the headline with the writer paced at 50 mprotect() calls a second,
# fewer than the slowest kernel here makes unpaced (6.12: 64-72 with two
# faulters), so that every kernel faces the same write load: unpaced,
# 6.1's faster mprotect() under TCG takes the lock and flushes the TLB
# more often.
write_plan "$rplan" 2 10 <<-'EOF'
	fault_under_writer-4k -t fault_under_writer -p 4k --windows interleaved
	fault_under_writer-4k-wproc -t fault_under_writer -p 4k --writer-in process --windows interleaved
	fault_under_writer-4k-paced -t fault_under_writer -p 4k --writer-rate 50 --windows interleaved
	page_fault1-default -t page_fault1 -p default -m threads -n @VCPUS@
	fault_under_writer-thp -t fault_under_writer -p thp --windows interleaved -n @VCPUS@
	swap_under_writer -t swap_under_writer --windows interleaved -n @VCPUS@
	page_fault2 -t page_fault2 -m threads -n @VCPUS@
	page_fault3 -t page_fault3 -m threads -n @VCPUS@
	fault_under_writer-file-tmpfs -t fault_under_writer -p 4k --file /tmp --windows interleaved -n 1
	fault_under_writer-file-ext4 -t fault_under_writer -p 4k --file /mnt/ext4 --windows interleaved -n 1
EOF

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
rinitrd=$initrd
[ "$rounds" -eq 0 ] ||
	rinitrd=$(PLAN=$rplan GUEST_TAG=bench-rounds "$TOP/scripts/build-guest.sh" "$arch" | tail -n 1)

# boot_run DIR LABEL KERNEL [APPEND]: one boot of the initrd in $initrd,
# the files it printed saved under DIR/LABEL.
boot_run() {
	local label=$2 kernel=$3 append=${4:-} dir=$1/$2 name data
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

# The kernels, one boot each: LABEL KERNEL APPEND.
kernels=(
	"spf-on|$spf|spfbench.series=$series"
	"spf-off|$spf|spfbench.series=$series speculative_page_fault=0"
	"vanilla-6.1|$vanilla|spfbench.series=none"
	"pervma-6.12|$peer|spfbench.series=none"
)
# boot_kernel DIR INDEX: boot kernels[INDEX] into DIR.
boot_kernel() {
	local label kernel append
	IFS='|' read -r label kernel append <<<"${kernels[$2]}"
	boot_run "$1" "$label" "$kernel" "$append"
}

for i in "${!kernels[@]}"; do
	boot_kernel "$out" "$i"
done

initrd=$rinitrd
for ((r = 1; r <= rounds; r++)); do
	log "bench: headline round $r of $rounds"
	for ((k = 0; k < ${#kernels[@]}; k++)); do
		boot_kernel "$out/rounds/r$r" $(((r - 1 + k) % ${#kernels[@]}))
	done
done

log "bench: report"
python3 "$TOP/scripts/bench_report.py" "$out" --baseline vanilla-6.1
log "bench: results in $out (report.md, scaling.svg, summary.csv)"
