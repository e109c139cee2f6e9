// SPDX-License-Identifier: GPL-2.0
// Summary statistics over per-second samples.
#ifndef SPFBENCH_STATS_H
#define SPFBENCH_STATS_H

#include <vector>

struct Summary {
	double mean = 0;
	double stddev = 0;	// sample standard deviation (n - 1); 0 if n < 2
	double min = 0;
	double max = 0;
};

// All zero for an empty input.
Summary summarize(const std::vector<double> &v);

#endif
