// SPDX-License-Identifier: GPL-2.0
// Command-line options of spfbench.
#ifndef SPFBENCH_ARGS_H
#define SPFBENCH_ARGS_H

#include <string>

enum class Workload {
	PageFault1,
	PageFault2,
	PageFault3,
	FaultUnderWriter,
	SameVma,
	MmapChurn,
	SwapUnderWriter,
};

enum class PageMode {
	Small,		// MADV_NOHUGEPAGE ("4k")
	Huge,		// MADV_HUGEPAGE ("thp")
	Default,	// no madvise ("default")
};

struct Options {
	Workload workload = Workload::PageFault1;
	bool processes = true;		// -m processes|both
	bool threads = true;		// -m threads|both
	unsigned tasks_min = 1;
	unsigned tasks_max = 0;		// 0: number of online CPUs
	unsigned warmup_s = 1;
	unsigned duration_s = 5;
	unsigned size_mb = 0;		// 0: default_size_mb(workload)
	unsigned writer_mb = 256;	// fault_under_writer only
	bool writer_process = false;	// its writer in a process of its own
	bool interleave = false;	// --windows interleaved
	unsigned writer_rate = 0;	// mprotect() calls/s, 0: unpaced
	PageMode page = PageMode::Small;
	std::string file_dir;		// fault_under_writer --file, empty: anon
	std::string csv_path;		// empty: stdout
	std::string json_path;		// empty: no JSON
	std::string accel = "unknown";
	std::string series = "none";
};

enum class ParseStatus { Ok, Help, Error };

// Parse argv[1..argc-1] into *opt. On Error, *err says why.
// Pure: touches nothing but its arguments.
ParseStatus parse_args(int argc, const char *const *argv, Options *opt,
		       std::string *err);

std::string usage();

const char *workload_name(Workload w);
const char *page_mode_name(PageMode p);
unsigned default_size_mb(Workload w);

// fault_under_writer and swap_under_writer: faulter threads beside an
// mprotect() writer in the same mm (the --writer-* and --windows options).
bool workload_has_writer(Workload w);

// Anonymous workloads honour -p; the file-backed ones and mmap_churn
// (which never touches its mapping) do not.
bool page_mode_applies(Workload w);

#endif
