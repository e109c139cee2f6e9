// SPDX-License-Identifier: GPL-2.0
// Summary statistics over per-second samples.
#ifndef SPFBENCH_STATS_H
#define SPFBENCH_STATS_H

#include <cmath>
#include <vector>

struct Summary {
	double mean = 0;
	double stddev = 0;	// sample standard deviation (n - 1); 0 if n < 2
	double min = 0;
	double max = 0;
};

// All zero for an empty input.
Summary summarize(const std::vector<double> &v);

// What the parent reads of the tasks at one sample boundary. NaN marks
// what could not be read (or, for the writer, is not there).
struct Reading {
	double t = 0;		// CLOCK_MONOTONIC, seconds
	double ops = 0;		// ops of all tasks
	double cpu = NAN;	// CPU-seconds used by all tasks
	double vcsw = NAN;	// their voluntary context switches
	double nvcsw = NAN;	// their involuntary ones
	double writer_cpu = NAN; // CPU-seconds used by the writer thread
	double zap = NAN;	// seconds all tasks spent in MADV_DONTNEED
};

// Where the faulting tasks' time went over a sampling window. Rates are
// per wall-clock second; NaN: not measured.
struct CpuUse {
	std::vector<double> samples;	// faulter CPU-s per second, one a sample
	double faulter = NAN;		// faulter CPU-s per second, whole window
	double writer = NAN;		// writer CPU-s per second, whole window
	double ops_per_cpu_s = NAN;	// ops per faulter CPU-second
	double vcsw_per_s = NAN;	// faulters' voluntary switches per second
	double nvcsw_per_s = NAN;	// and involuntary ones
	double zap_per_s = NAN;		// seconds in MADV_DONTNEED per second
	double ops_outside_zap = NAN;	// ops per task-second outside it
};

// From the readings at the sample boundaries of a window, its start
// first, of that many tasks. A quantity is NaN in the result if it is
// NaN in any reading it needs; with fewer than two readings everything
// is NaN.
CpuUse cpu_use(const std::vector<Reading> &r, unsigned tasks);

// Append a stretch of readings (its start first) to *into, shifted so
// that its start coincides with the last reading already there: the
// result reads as if the stretches had followed one another with no gap
// between, so that cpu_use() can add up disjoint stretches of a window.
// Every field is shifted, NaN included; into empty takes the stretch as
// it is.
void stitch(std::vector<Reading> *into, const std::vector<Reading> &stretch);

// Whether the writer is busy in phase i (from 0) of an interleaved
// window: off, on, on, off, off, on, on, off, ... (ABBA), so that a
// drift that is linear in time weighs on both states alike. Any even
// number of phases gives each state half of them.
bool abba_busy(unsigned i);

// Length of a phase of an interleaved window, and the time at its start
// left out of the measurement while the writer changes state.
constexpr double phase_s = 1.0;
constexpr double settle_s = 0.2;

// a / b, or NaN if either is NaN or b is not positive.
double ratio(double a, double b);

#endif
