// SPDX-License-Identifier: GPL-2.0
// One measured run: start the tasks, warm up, sample, stop.
#ifndef SPFBENCH_RUNNER_H
#define SPFBENCH_RUNNER_H

#include <cstddef>
#include <vector>

#include "args.h"
#include "output.h"
#include "procfs.h"

struct RunEnv {
	std::vector<int> cpus;	// allowed CPUs; task i goes to cpus[i % n]
	size_t base_page = 0;
	size_t hpage = 0;	// THP PMD size, 0: no THP
	bool sampled = false;	// first_vmstat is set
	Counters first_vmstat;	// at the start of the first window
	Counters last_vmstat;	// at the end of the latest window
};

RunEnv probe_env();

// fault_under_writer's writer over the sampling window: idle, busy, or
// both in alternate phases (--windows interleaved, see abba_busy()).
enum class Writer { None, Idle, Busy, Interleaved };

// Exits the program on error. With Writer::Interleaved the result is
// the busy phases' and *idle gets the idle phases'; idle is not used
// otherwise.
ModeResult run_mode(const Options &opt, RunEnv &env, bool processes,
		    unsigned tasks, Writer writer, ModeResult *idle = nullptr);

#endif
