// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <algorithm>
#include <cmath>

Summary summarize(const std::vector<double> &v)
{
	Summary s;

	if (v.empty())
		return s;

	double sum = 0;
	for (double x : v)
		sum += x;
	s.mean = sum / v.size();

	if (v.size() > 1) {
		double sq = 0;
		for (double x : v)
			sq += (x - s.mean) * (x - s.mean);
		s.stddev = std::sqrt(sq / (v.size() - 1));
	}

	auto mm = std::minmax_element(v.begin(), v.end());
	s.min = *mm.first;
	s.max = *mm.second;
	return s;
}
