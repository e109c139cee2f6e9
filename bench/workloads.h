// SPDX-License-Identifier: GPL-2.0
// The fault loops run by each task, and the mprotect() writer.
#ifndef SPFBENCH_WORKLOADS_H
#define SPFBENCH_WORKLOADS_H

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "args.h"

// Per-task state shared with the parent. Slots live in a MAP_SHARED
// anonymous mapping so forked workers can use them; each has its own
// cache lines (128 bytes covers adjacent-line prefetch) so that the
// counters do not false-share.
struct alignas(128) Slot {
	std::atomic<uint64_t> ops;		// written by its task only
	std::atomic<uint64_t> region;		// probed mapping, 0: none
	std::atomic<uint64_t> region_len;
	// Nanoseconds spent in madvise(MADV_DONTNEED) by the refaulting
	// workloads, counted when each call returns; written by its task
	// only.
	std::atomic<uint64_t> zap_ns;
	std::atomic<int> pinned;
	std::atomic<int> tid;			// the task's thread id
};

// Forked workers share these through memory, not through libatomic.
static_assert(std::atomic<uint64_t>::is_always_lock_free &&
	      std::atomic<int>::is_always_lock_free,
	      "counters must be lock-free to work across processes");

struct Control {
	alignas(128) std::atomic<int> go;	// parent: start the loops
	std::atomic<int> stop;			// parent: leave the loops
	std::atomic<int> failed;		// a worker hit an error
	alignas(128) std::atomic<unsigned> ready; // workers set up
	Slot writer;				// mprotect() calls of the writer;
						// region: its VMA is populated
						// (--writer-in process)
	std::atomic<int> writer_on;		// parent: the writer is busy
};

struct WorkerArgs {
	Workload workload;
	PageMode page;
	size_t size;		// bytes mapped per task
	size_t hpage;		// PMD size for THP alignment, 0: unknown
	unsigned index;
	int cpu;		// CPU to pin to, -1: none
	Control *ctl;
	Slot *slot;
	char *shared_vma;	// same_vma in threads mode: the common VMA
	const char *file_dir;	// fault_under_writer --file, nullptr: anon
};

// Set up, report ready, wait for go, then fault until stop is set.
// Exits the process on error, after setting ctl->failed.
void worker_main(WorkerArgs a);

// fault_under_writer's writer: until stop, toggle [region, region + len)
// between read-write and read-only while ctl->writer_on is set, and
// sleep in 10 ms steps while it is not (as an idle writer does all the
// time). It sees a change of writer_on within one mprotect() pair or
// one sleep. With rate > 0 it starts a pair every 2 / rate seconds at
// most; a pair that starts late starts the schedule afresh, so that a
// writer that cannot keep up runs as fast as it can, never in bursts.
void writer_main(Control *ctl, char *region, size_t len, unsigned rate);

// Workloads whose tasks keep one mapping, touched once before "ready",
// so that the parent can see in smaps how it was faulted.
bool workload_probes(Workload w);

// Anonymous private read-write mapping with the -p advice applied;
// aligned to hpage for PageMode::Huge. nullptr on failure.
char *map_anon(size_t len, PageMode page, size_t hpage);

#endif
