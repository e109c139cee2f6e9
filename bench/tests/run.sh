#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh UNIT SPFBENCH WORKDIR: the unit tests, then short runs of the
# host-built spfbench. Prints "ok N name" / "not ok N name" per test and
# ends with "P passed, F failed"; exits non-zero if anything failed.

unit=${1:?usage: run.sh UNIT SPFBENCH WORKDIR}
bin=${2:?usage: run.sh UNIT SPFBENCH WORKDIR}
dir=${3:?usage: run.sh UNIT SPFBENCH WORKDIR}
mkdir -p "$dir" || exit 1

header='tasks,processes,processes_idle,threads,threads_idle,linear'
have_python=false
command -v python3 >/dev/null 2>&1 && have_python=true

# Unit tests first: they number from 1, we carry on after them.
"$unit" "$dir/unit.json" >"$dir/unit.out" 2>&1
sed '$d' "$dir/unit.out"
last=$(tail -n 1 "$dir/unit.out")
case "$last" in
*" passed, "*" failed")
	passed=${last%% passed*}
	failed=${last#*passed, }
	failed=${failed%% failed}
	;;
*)
	echo "# unit tests did not finish: $last"
	passed=0
	failed=1
	;;
esac
n=$((passed + failed))

result() {	# result NAME STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n $1"
		passed=$((passed + 1))
	else
		echo "not ok $n $1"
		failed=$((failed + 1))
	fi
}

skip() {	# skip NAME REASON
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
	passed=$((passed + 1))
}

# json_check FILE PYTHON-EXPRESSION-OVER-j [ARG]: ARG is sys.argv[3]
json_check() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$@"
}

# csv_check FILE TASKS AWK-CONDITION: the header is exact and the row
# for TASKS satisfies the condition ($2 processes, $4 threads, $6 linear).
csv_check() {
	[ "$(head -n 1 "$1")" = "$header" ] || { echo "# bad header in $1"; return 1; }
	awk -F, -v t="$2" "NR > 1 && \$1 == t { found = 1; if (!($3)) bad = 1 }
		END { exit !(found && !bad) }" "$1" || { echo "# $1:"; sed 's/^/#   /' "$1"; return 1; }
}

# spf NAME ARGS...: run spfbench, CSV to NAME.csv, JSON to NAME.json.
spf() {
	name=$1
	shift
	"$bin" "$@" -o "$dir/$name.csv" -j "$dir/$name.json" 2>"$dir/$name.err"
	rc=$?
	[ $rc -eq 0 ] || { echo "# spfbench $* exited $rc"; sed 's/^/#   /' "$dir/$name.err"; }
	return $rc
}

if $have_python; then
	python3 -m json.tool "$dir/unit.json" >/dev/null
	result json_tool_parses_report $?
else
	skip json_tool_parses_report "no python3"
fi

spf pf1 -t page_fault1 -n 1 -m threads -w 0 -d 1 -s 8 &&
	csv_check "$dir/pf1.csv" 1 '$2 == 0 && $4 > 0 && $6 == $4'
result smoke_page_fault1 $?

spf pf2 -t page_fault2 -n 1 -m processes -w 0 -d 1 -s 8 &&
	csv_check "$dir/pf2.csv" 1 '$2 > 0 && $4 == 0'
result smoke_page_fault2 $?

if $have_python; then
	# Processes mode reads the CPU clocks of the child processes.
	json_check "$dir/pf2.json" '(lambda p: 0 < p["faulter_cpu"] <= 1.05 and
		p["ops_per_cpu_s"] > 0 and "writer_cpu" not in p)(
		j["results"][0]["processes"])'
	result smoke_processes_cpu_json $?
else
	skip smoke_processes_cpu_json "no python3"
fi

spf pf3 -t page_fault3 -n 1 -m processes -w 0 -d 1 -s 8 &&
	csv_check "$dir/pf3.csv" 1 '$2 > 0 && $4 == 0'
result smoke_page_fault3 $?

spf fuw -t fault_under_writer -p 4k -n 1 -d 1 -w 0 &&
	csv_check "$dir/fuw.csv" 1 '$2 == 0 && $4 > 0'
result smoke_fault_under_writer $?

if $have_python; then
	json_check "$dir/fuw.json" 'j["workload"] == "fault_under_writer" and
		j["modes"] == ["threads"] and
		(lambda r: r["tasks"] == 1 and r["threads"]["mean"] > 0 and
			r["threads_writer_idle"]["mean"] > 0 and
			r["busy_idle_ratio"] > 0 and
			r["threads"]["writer_mprotect_per_s"] > 0 and
			r["threads_writer_idle"]["writer_mprotect_per_s"] == 0)(j["results"][0])'
	result smoke_fault_under_writer_json $?
	# CPU use: the busy writer runs, the idle one hardly; nothing
	# exceeds the CPUs there are.
	json_check "$dir/fuw.json" '(lambda r, b, i: 0 < b["faulter_cpu"] <= j["vcpus"] + 0.05 and
			0 < i["faulter_cpu"] <= j["vcpus"] + 0.05 and
			len(b["faulter_cpu_samples"]) == 1 and
			0 < b["writer_cpu"] <= 1.05 and 0 <= i["writer_cpu"] < 0.2 and
			b["ops_per_cpu_s"] > 0 and i["ops_per_cpu_s"] > 0 and
			b["faulter_vcsw_per_s"] >= 0 and b["faulter_nvcsw_per_s"] >= 0 and
			r["busy_idle_ratio_per_cpu_s"] > 0 and
			0 < i["zap_s_per_s"] < 1 and 0 < b["zap_s_per_s"] < 1 and
			b["ops_per_task_s_outside_zap"] > b["mean"] and
			r["busy_idle_ratio_outside_zap"] > 0)(
			j["results"][0], j["results"][0]["threads"],
			j["results"][0]["threads_writer_idle"])'
	result smoke_fault_under_writer_cpu_json $?
else
	skip smoke_fault_under_writer_json "no python3"
	skip smoke_fault_under_writer_cpu_json "no python3"
fi

# The control: the writer in a process of its own still runs and is
# measured, and the report says where it was.
spf fuwproc -t fault_under_writer -p 4k -n 1 -d 1 -w 0 --writer-size 32 --writer-in process &&
	csv_check "$dir/fuwproc.csv" 1 '$2 == 0 && $4 > 0'
result smoke_fault_under_writer_process $?
if $have_python; then
	json_check "$dir/fuwproc.json" 'j["writer_in"] == "process" and
		(lambda b, i: b["writer_mprotect_per_s"] > 0 and 0 < b["writer_cpu"] <= 1.05 and
			i["writer_mprotect_per_s"] == 0 and 0 <= i["writer_cpu"] < 0.2)(
			j["results"][0]["threads"], j["results"][0]["threads_writer_idle"])'
	result smoke_fault_under_writer_process_json $?
	json_check "$dir/fuw.json" 'j["writer_in"] == "thread"'
	result smoke_fault_under_writer_thread_json $?
	json_check "$dir/fuw.json" 'j["windows"] == "sequential"'
	result smoke_fault_under_writer_sequential_json $?
	# x86 counts TLB shootdown IPIs in /proc/interrupts; where there is
	# no such line the figure is null, never a made-up 0.
	if grep -q '^ *TLB:' /proc/interrupts 2>/dev/null; then
		want='v is not None and v >= 0'
	else
		want='v is None'
	fi
	json_check "$dir/fuw.json" "(lambda v: $want)(j[\"results\"][0][\"threads\"][\"tlb_shootdowns_per_s\"])"
	result smoke_tlb_shootdowns $?
else
	skip smoke_fault_under_writer_process_json "no python3"
	skip smoke_fault_under_writer_thread_json "no python3"
	skip smoke_tlb_shootdowns "no python3"
	skip smoke_fault_under_writer_sequential_json "no python3"
fi

# A paced writer keeps to its rate, 20 mprotect() calls a second, in the
# busy phases, and makes none in the idle ones.
spf fuwpaced -t fault_under_writer -p 4k -n 1 -d 2 -w 0 --writer-size 32 \
	--windows interleaved --writer-rate 20 &&
	csv_check "$dir/fuwpaced.csv" 1 '$4 > 0'
result smoke_fault_under_writer_paced $?
if $have_python; then
	json_check "$dir/fuwpaced.json" 'j["writer_rate"] == 20 and
		(lambda b, i: 14 <= b["writer_mprotect_per_s"] <= 24 and
			i["writer_mprotect_per_s"] == 0 and b["writer_cpu"] < 0.5)(
			j["results"][0]["threads"], j["results"][0]["threads_writer_idle"])'
	result smoke_fault_under_writer_paced_json $?
else
	skip smoke_fault_under_writer_paced_json "no python3"
fi

# Interleaved windows: two idle and two busy phases of one run, kept
# apart: the writer makes no call in an idle phase once it settled, and
# each state gets one sample per phase. Both places of the writer.
for where in thread process; do
	spf "fuwi-$where" -t fault_under_writer -p 4k -n 1 -d 2 -w 0 --writer-size 32 \
		--writer-in "$where" --windows interleaved &&
		csv_check "$dir/fuwi-$where.csv" 1 '$4 > 0 && $5 >= 0'
	result "smoke_fault_under_writer_interleaved_$where" $?
	if $have_python; then
		json_check "$dir/fuwi-$where.json" 'j["windows"] == "interleaved" and
			j["phase_s"] == 1.0 and j["settle_s"] == 0.2 and
			(lambda b, i: len(b["samples"]) == 2 and len(i["samples"]) == 2 and
				b["writer_mprotect_per_s"] > 0 and i["writer_mprotect_per_s"] == 0 and
				0 < b["writer_cpu"] <= 1.05 and 0 <= i["writer_cpu"] < 0.2 and
				len(b["faulter_cpu_samples"]) == 2 and i["mean"] > 0)(
				j["results"][0]["threads"], j["results"][0]["threads_writer_idle"])'
		result "smoke_fault_under_writer_interleaved_${where}_json" $?
	else
		skip "smoke_fault_under_writer_interleaved_${where}_json" "no python3"
	fi
done

spf fuwthp -t fault_under_writer -p thp -n 1 -d 1 -w 0 -s 8 --writer-size 32 &&
	csv_check "$dir/fuwthp.csv" 1 '$4 > 0'
rc=$?
if [ $rc -eq 0 ] && $have_python; then
	json_check "$dir/fuwthp.json" '(lambda p: p["requested"] == "thp" and
		p["source"] == "smaps_first_pass" and
		p["region_bytes"] == 8 << 20 and
		p["thp_faulted_bytes"] + p["small_faulted_bytes"] <= 8 << 20)(
		j["results"][0]["threads"]["pages"])'
	rc=$?
fi
result smoke_fault_under_writer_thp $rc

# --file: the faulters read shared mappings of files in the directory
# given, unlinked at once; the report names the directory and its file
# system.
spf fuwfile -t fault_under_writer -n 1 -d 1 -w 0 -s 8 --writer-size 32 \
	--file "$dir" &&
	csv_check "$dir/fuwfile.csv" 1 '$4 > 0' &&
	! ls "$dir"/spfbench.* >/dev/null 2>&1 &&
	grep -q "faulting files in $(cd "$dir" && pwd -P) " "$dir/fuwfile.err"
rc=$?
if [ $rc -eq 0 ] && $have_python; then
	json_check "$dir/fuwfile.json" 'j["file_dir"] == sys.argv[3] and
		j["file_fs"] not in ("", "unknown") and
		j["results"][0]["threads_writer_idle"]["mean"] > 0' "$(cd "$dir" && pwd -P)"
	rc=$?
fi
result smoke_fault_under_writer_file $rc

spf fuwnofile -t fault_under_writer -n 1 -d 1 -w 0 --file "$dir/none"
[ $? -eq 1 ] && grep -q "^spfbench: --file $dir/none: No such file" "$dir/fuwnofile.err"
result smoke_file_missing_dir $?

spf svma -t same_vma -n 2 -d 1 -w 0 &&
	csv_check "$dir/svma.csv" 2 '$2 > 0 && $4 > 0 && $6 == 0'
result smoke_same_vma $?

spf churn -t mmap_churn -n 1 -d 1 -w 0 &&
	csv_check "$dir/churn.csv" 1 '$2 > 0 && $4 > 0 && $6 == $2'
result smoke_mmap_churn $?

spf scale -t mmap_churn -N 2 -m threads -d 1 -w 0 -s 1 &&
	csv_check "$dir/scale.csv" 2 '$4 > 0 && $6 > 0' &&
	[ "$(wc -l <"$dir/scale.csv")" -eq 3 ]
rc=$?
if [ $rc -eq 0 ] && $have_python; then
	json_check "$dir/scale.json" '[r["tasks"] for r in j["results"]] == [1, 2] and
		j["series"] == "none" and j["accel"] == "unknown" and
		j["vcpus"] >= 1 and isinstance(j["spf_counters"], dict) and
		j["spf_switch"] in ("0", "1", "absent")'
	rc=$?
fi
result smoke_task_scaling $rc

# The command line as the harness sees it: exit status 2 and usage on
# stderr for bad arguments, 0 and usage on stdout for -h.
for bad in "-t page_fault9" "-t page_fault1 -n 0" "-t page_fault1 -d x" \
	   "-t fault_under_writer -m processes" "-t page_fault1 -p 2m" "-t"; do
	# shellcheck disable=SC2086
	"$bin" $bad >"$dir/bad.out" 2>"$dir/bad.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q '^usage: spfbench' "$dir/bad.err" && [ ! -s "$dir/bad.out" ]
	result "cli_rejects '$bad'" $?
done

"$bin" -h >"$dir/help.out" 2>"$dir/help.err" &&
	grep -q '^usage: spfbench' "$dir/help.out" && [ ! -s "$dir/help.err" ]
result cli_help $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
