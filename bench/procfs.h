// SPDX-License-Identifier: GPL-2.0
// Parsers for /proc/stat, /proc/vmstat, /proc/interrupts, /proc/swaps,
// /proc/PID/smaps and /proc/PID/task/TID/status text. They
// take the text, not a path, so that tests can feed synthetic input.
#ifndef SPFBENCH_PROCFS_H
#define SPFBENCH_PROCFS_H

#include <cstdint>
#include <map>
#include <string>

struct CpuTimes {
	uint64_t idle = 0;	// idle + iowait
	uint64_t total = 0;	// user..steal; guest time is already in user
};

// Parse the aggregate "cpu " line. False if there is none.
bool parse_proc_stat(const std::string &text, CpuTimes *out);

// Percentage of idle time between two snapshots; 0 if no time passed.
double idle_percent(const CpuTimes &before, const CpuTimes &after);

using Counters = std::map<std::string, int64_t>;

// "name value" lines; malformed lines are skipped.
Counters parse_vmstat(const std::string &text);

// after - before for every counter named prefix*, in either snapshot
// (a counter missing from one side counts as 0 there).
Counters counter_deltas(const Counters &before, const Counters &after,
			const std::string &prefix);

// The sum over all CPUs of the /proc/interrupts line named name (its
// first field without the colon, like "TLB" for x86's TLB shootdown
// IPIs). False if there is no such line or it has no count.
bool parse_interrupts(const std::string &text, const std::string &name,
		      uint64_t *out);

// The swap areas /proc/swaps lists: its lines after the header that
// name an area ("Filename Type Size Used Priority").
unsigned count_swap_areas(const std::string &text);

// The type of the file system that holds the absolute, canonical @path,
// from /proc/self/mounts text: the mount whose point is the longest
// prefix of @path at a '/', the last one listed where mounts stack.
// Empty if no line matches.
std::string mount_fs_type(const std::string &mounts, const std::string &path);

struct SmapsVma {
	uint64_t start = 0;
	uint64_t end = 0;
	uint64_t rss_kb = 0;
	uint64_t anon_huge_kb = 0;
};

// Find the VMA containing addr in /proc/PID/smaps text.
bool smaps_find(const std::string &text, uint64_t addr, SmapsVma *out);

struct CtxSwitches {
	uint64_t voluntary = 0;		// the task blocked (slept)
	uint64_t involuntary = 0;	// the task was preempted
};

// The voluntary_ctxt_switches and nonvoluntary_ctxt_switches lines of
// /proc/PID/task/TID/status. False unless both are there.
bool parse_ctxt_switches(const std::string &text, CtxSwitches *out);

// Whole file into *out; false if it cannot be read.
bool read_file(const std::string &path, std::string *out);

// First line of a file without surrounding blanks, or fallback.
std::string read_value(const std::string &path, const std::string &fallback);

#endif
