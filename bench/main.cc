// SPDX-License-Identifier: GPL-2.0
// spfbench: page fault scalability benchmark in the style of
// will-it-scale, for speculative page fault kernels.
#include <limits.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "args.h"
#include "output.h"
#include "procfs.h"
#include "runner.h"

namespace {

FILE *open_output(const std::string &path)
{
	FILE *f = fopen(path.c_str(), "w");
	if (!f) {
		fprintf(stderr, "spfbench: %s: %s\n", path.c_str(), strerror(errno));
		exit(1);
	}
	return f;
}

void write_output(FILE *f, const std::string &path, const std::string &text)
{
	if (fputs(text.c_str(), f) == EOF || fflush(f) ||
	    (f != stdout && fclose(f))) {
		fprintf(stderr, "spfbench: writing %s: %s\n", path.c_str(),
			strerror(errno));
		exit(1);
	}
}

void progress(const char *mode, unsigned tasks, const char *what,
	      const ModeResult &m)
{
	fprintf(stderr, "spfbench: %s, %u task%s%s: %.0f ops/s "
		"(stddev %.0f, min %.0f, max %.0f), idle %.2f%%\n",
		mode, tasks, tasks == 1 ? "" : "s", what, m.stats.mean,
		m.stats.stddev, m.stats.min, m.stats.max, m.idle_pct);
	fprintf(stderr, "spfbench:   CPU: faulters %.3f, %.0f ops per CPU-s",
		m.cpu.faulter, m.cpu.ops_per_cpu_s);
	if (m.writer_per_s >= 0)
		fprintf(stderr, ", writer %.3f", m.cpu.writer);
	fprintf(stderr, "; faulters' context switches/s: %.1f voluntary, "
		"%.1f involuntary\n", m.cpu.vcsw_per_s, m.cpu.nvcsw_per_s);
}

} // namespace

int main(int argc, char **argv)
{
	Options opt;
	std::string err;

	switch (parse_args(argc, argv, &opt, &err)) {
	case ParseStatus::Help:
		fputs(usage().c_str(), stdout);
		return 0;
	case ParseStatus::Error:
		fprintf(stderr, "spfbench: %s\n\n%s", err.c_str(), usage().c_str());
		return 2;
	case ParseStatus::Ok:
		break;
	}

	// Without swap, MADV_PAGEOUT leaves anonymous pages where they
	// are and swap_under_writer would time writes, not faults.
	if (opt.workload == Workload::SwapUnderWriter) {
		std::string swaps;
		if (!read_file("/proc/swaps", &swaps) || !count_swap_areas(swaps)) {
			fprintf(stderr, "spfbench: swap_under_writer needs active swap: "
				"/proc/swaps lists no area (swapon one first)\n");
			return 1;
		}
	}

	// --file: the directory, canonical, and the file system there,
	// which the report names (a directory that is not the mount the
	// caller meant shows as what it is).
	std::string file_fs;
	if (!opt.file_dir.empty()) {
		char real[PATH_MAX];
		std::string mounts;
		if (!realpath(opt.file_dir.c_str(), real)) {
			fprintf(stderr, "spfbench: --file %s: %s\n",
				opt.file_dir.c_str(), strerror(errno));
			return 1;
		}
		opt.file_dir = real;
		if (read_file("/proc/self/mounts", &mounts))
			file_fs = mount_fs_type(mounts, opt.file_dir);
		if (file_fs.empty())
			file_fs = "unknown";
	}

	// Open the outputs first: a bad path should not cost a whole run.
	FILE *csv = opt.csv_path.empty() ? stdout : open_output(opt.csv_path);
	FILE *json = opt.json_path.empty() ? nullptr : open_output(opt.json_path);

	struct utsname uts;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	bool writer = workload_has_writer(opt.workload);
	RunEnv env = probe_env();
	Report rep;

	rep.workload = workload_name(opt.workload);
	if (opt.processes)
		rep.modes.push_back("processes");
	if (opt.threads)
		rep.modes.push_back("threads");
	rep.page_size = page_mode_name(opt.page);
	rep.page_applied = page_mode_applies(opt.workload);
	rep.size_mb = opt.size_mb;
	rep.writer_mb = writer ? opt.writer_mb : 0;
	rep.writer_process = writer && opt.writer_process;
	rep.interleaved = writer && opt.interleave;
	rep.writer_rate = writer ? opt.writer_rate : 0;
	rep.file_dir = opt.file_dir;
	rep.file_fs = file_fs;
	rep.warmup_s = opt.warmup_s;
	rep.duration_s = opt.duration_s;
	rep.accel = opt.accel;
	rep.kernel = uname(&uts) == 0 ? uts.release : "unknown";
	rep.series = opt.series;
	rep.spf_switch = read_value("/proc/sys/vm/speculative_page_fault", "absent");
	rep.vcpus = online > 0 ? online : 1;
	rep.base_page_bytes = env.base_page;

	fprintf(stderr, "spfbench: %s on %s, %u vCPUs, accel %s, series %s, "
		"spf switch %s\n", rep.workload.c_str(), rep.kernel.c_str(),
		rep.vcpus, rep.accel.c_str(), rep.series.c_str(),
		rep.spf_switch.c_str());
	if (!rep.file_dir.empty())
		fprintf(stderr, "spfbench: faulting files in %s (%s), shared, "
			"read\n", rep.file_dir.c_str(), rep.file_fs.c_str());

	unsigned max = opt.tasks_max ? opt.tasks_max : rep.vcpus;
	for (unsigned n = opt.tasks_min; n <= max; n++) {
		Row row;
		row.tasks = n;
		if (opt.processes) {
			row.processes = run_mode(opt, env, true, n, Writer::None);
			progress("processes", n, "", row.processes);
		}
		if (opt.threads && writer && opt.interleave) {
			row.threads = run_mode(opt, env, false, n,
					       Writer::Interleaved,
					       &row.threads_writer_idle);
			progress("threads", n, ", writer idle phases",
				 row.threads_writer_idle);
			progress("threads", n, ", writer busy phases", row.threads);
		} else if (opt.threads && writer) {
			row.threads_writer_idle =
				run_mode(opt, env, false, n, Writer::Idle);
			progress("threads", n, ", writer idle",
				 row.threads_writer_idle);
			row.threads = run_mode(opt, env, false, n, Writer::Busy);
			progress("threads", n, ", writer busy", row.threads);
		}
		if (opt.threads && writer) {
			double idle = row.threads_writer_idle.stats.mean;
			if (idle > 0)
				fprintf(stderr, "spfbench: threads, %u task%s: "
					"busy/idle %.4f, per faulter CPU-s %.4f\n",
					n, n == 1 ? "" : "s",
					row.threads.stats.mean / idle,
					ratio(row.threads.cpu.ops_per_cpu_s,
					      row.threads_writer_idle.cpu.ops_per_cpu_s));
		} else if (opt.threads) {
			row.threads = run_mode(opt, env, false, n, Writer::None);
			progress("threads", n, "", row.threads);
		}
		rep.rows.push_back(row);
	}
	rep.spf_counters = counter_deltas(env.first_vmstat, env.last_vmstat, "spf_");

	write_output(csv, opt.csv_path.empty() ? "stdout" : opt.csv_path,
		     format_csv(rep));
	if (json)
		write_output(json, opt.json_path, format_json(rep));
	return 0;
}
