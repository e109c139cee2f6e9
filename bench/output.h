// SPDX-License-Identifier: GPL-2.0
// Results of a run and their CSV and JSON forms.
#ifndef SPFBENCH_OUTPUT_H
#define SPFBENCH_OUTPUT_H

#include <cstdint>
#include <string>
#include <vector>

#include "procfs.h"
#include "stats.h"

struct PageReport {
	std::string source;		// "smaps_first_pass" or "vmstat_window"
	uint64_t region_bytes = 0;	// smaps_first_pass: bytes probed
	uint64_t thp_bytes = 0;		// faulted as huge pages
	uint64_t small_bytes = 0;	// faulted as base pages
	int64_t thp_fault_alloc = 0;	// /proc/vmstat deltas over the window
	int64_t thp_fault_fallback = 0;
};

struct ModeResult {
	bool ran = false;
	std::vector<double> samples;	// ops/s, one per second
	Summary stats;
	double idle_pct = 0;
	bool pinned = false;
	double writer_per_s = -1;	// mprotect() calls/s; < 0: no writer
	double tlb_ipis_per_s = NAN;	// x86 TLB shootdown IPIs, all CPUs
	CpuUse cpu;			// faulters' and writer's CPU time
	Counters spf;			// spf_* deltas over the window
	Counters vm;			// fault_counters deltas over it
	PageReport pages;
};

// The /proc/vmstat lines each mode reports besides spf_*: the faults
// (what spf_attempt - spf_abort is a share of) and the swap traffic.
extern const char *const fault_counters[4];

struct Row {
	unsigned tasks = 0;
	ModeResult processes;
	ModeResult threads;		// fault_under_writer: writer busy
	ModeResult threads_writer_idle;	// fault_under_writer only
};

struct Report {
	std::string workload;
	std::vector<std::string> modes;
	std::string page_size;		// requested: 4k, thp, default
	bool page_applied = false;
	unsigned size_mb = 0;
	unsigned writer_mb = 0;		// 0: no writer
	bool writer_process = false;	// the writer had an mm of its own
	bool interleaved = false;	// idle and busy in alternate phases
	unsigned writer_rate = 0;	// mprotect() calls/s at most, 0: unpaced
	std::string file_dir;		// --file: where the files were, or empty
	std::string file_fs;		// the file system type there
	unsigned warmup_s = 0;
	unsigned duration_s = 0;
	std::string accel, kernel, series, spf_switch;
	unsigned vcpus = 0;
	unsigned base_page_bytes = 0;
	Counters spf_counters;		// spf_* deltas over the whole run
	std::vector<Row> rows;
};

extern const char csv_header[];

// tasks * the 1-task rate of the first mode that ran (processes, then
// threads), as will-it-scale computes it; 0 without a 1-task row.
double linear_base(const Report &r);

std::string format_csv_row(const Row &row, double base);
std::string format_csv(const Report &r);

std::string json_escape(const std::string &s);
std::string format_json(const Report &r);

#endif
