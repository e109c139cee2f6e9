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

double ratio(double a, double b)
{
	return std::isnan(a) || std::isnan(b) || b <= 0 ? NAN : a / b;
}

// stitch() shifts every field by name: a new one must be added there.
static_assert(sizeof(Reading) == 7 * sizeof(double),
	      "Reading changed: update stitch()");

void stitch(std::vector<Reading> *into, const std::vector<Reading> &stretch)
{
	if (stretch.empty())
		return;
	if (into->empty()) {
		*into = stretch;
		return;
	}

	const Reading base = into->back(), start = stretch.front();
	auto shift = [&base, &start](const Reading &x, double Reading::*f) {
		return base.*f + (x.*f - start.*f);
	};
	for (size_t i = 1; i < stretch.size(); i++) {
		Reading r;
		for (double Reading::*f : { &Reading::t, &Reading::ops, &Reading::cpu,
					    &Reading::vcsw, &Reading::nvcsw,
					    &Reading::writer_cpu, &Reading::zap })
			r.*f = shift(stretch[i], f);
		into->push_back(r);
	}
}

bool abba_busy(unsigned i)
{
	return (i + 1) / 2 % 2 == 1;
}

CpuUse cpu_use(const std::vector<Reading> &r, unsigned tasks)
{
	CpuUse u;

	if (r.size() < 2)
		return u;
	for (size_t i = 1; i < r.size(); i++)
		u.samples.push_back(ratio(r[i].cpu - r[i - 1].cpu,
					  r[i].t - r[i - 1].t));

	// NaN anywhere in the window spoils the window's difference too.
	auto delta = [&r](double Reading::*f) {
		double d = r.back().*f - r.front().*f;
		for (const Reading &x : r)
			if (std::isnan(x.*f))
				return static_cast<double>(NAN);
		return d;
	};
	double wall = r.back().t - r.front().t;
	double cpu = delta(&Reading::cpu);

	u.faulter = ratio(cpu, wall);
	u.writer = ratio(delta(&Reading::writer_cpu), wall);
	u.ops_per_cpu_s = ratio(delta(&Reading::ops), cpu);
	u.vcsw_per_s = ratio(delta(&Reading::vcsw), wall);
	u.nvcsw_per_s = ratio(delta(&Reading::nvcsw), wall);

	// The tasks' wall time less what they spent in MADV_DONTNEED: the
	// rate over it is the fault loop's own, whatever the zap waited for.
	double zap = delta(&Reading::zap);
	u.zap_per_s = ratio(zap, wall);
	u.ops_outside_zap = ratio(delta(&Reading::ops), tasks * wall - zap);
	return u;
}
