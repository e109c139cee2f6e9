// SPDX-License-Identifier: GPL-2.0
// Unit tests for spfbench's pure parts. Prints "ok N name" or
// "not ok N name" per test, then "P passed, F failed".
// Usage: unit [JSON_FILE]  (writes a sample report for json.tool)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "args.h"
#include "output.h"
#include "procfs.h"
#include "stats.h"

namespace {

bool cur_ok;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("# %s:%d: CHECK(%s) failed\n", __FILE__,      \
			       __LINE__, #cond);                             \
			cur_ok = false;                                      \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		std::string a_ = (a), b_ = (b);                              \
		if (a_ != b_) {                                              \
			printf("# %s:%d: got '%s'\n#   expected '%s'\n",     \
			       __FILE__, __LINE__, a_.c_str(), b_.c_str());  \
			cur_ok = false;                                      \
		}                                                            \
	} while (0)

bool near(double a, double b)
{
	return std::fabs(a - b) < 1e-9 * (1 + std::fabs(b));
}

struct Test {
	std::string name;
	std::function<void()> fn;
};

std::vector<Test> tests;

void add(const std::string &name, std::function<void()> fn)
{
	tests.push_back({ name, fn });
}

ParseStatus parse(std::vector<const char *> args, Options *o,
		  std::string *err = nullptr)
{
	std::string e;
	args.insert(args.begin(), "spfbench");
	return parse_args(args.size(), args.data(), o, err ? err : &e);
}

void args_tests()
{
	add("args_defaults", [] {
		Options o;
		CHECK(parse({ "-t", "page_fault1" }, &o) == ParseStatus::Ok);
		CHECK(o.workload == Workload::PageFault1);
		CHECK(o.processes && o.threads);
		CHECK(o.tasks_min == 1 && o.tasks_max == 0);
		CHECK(o.warmup_s == 1 && o.duration_s == 5);
		CHECK(o.size_mb == 128);
		CHECK(o.page == PageMode::Small);
		CHECK(o.csv_path.empty() && o.json_path.empty());
		CHECK(o.accel == "unknown" && o.series == "none");
	});
	add("args_all_options", [] {
		Options o;
		CHECK(parse({ "-t", "fault_under_writer", "-m", "threads", "-n", "2",
			      "-w", "0", "-d", "3", "-s", "8", "-p", "thp",
			      "-o", "a.csv", "-j", "b.json", "--accel", "TCG",
			      "--series", "v1", "--writer-size", "64",
			      "--writer-in", "process", "--windows", "interleaved",
			      "--writer-rate", "50" },
			    &o) == ParseStatus::Ok);
		CHECK(o.workload == Workload::FaultUnderWriter);
		CHECK(o.threads && !o.processes);
		CHECK(o.tasks_min == 2 && o.tasks_max == 2);
		CHECK(o.warmup_s == 0 && o.duration_s == 3);
		CHECK(o.size_mb == 8 && o.writer_mb == 64 && o.writer_process);
		CHECK(o.interleave && o.writer_rate == 50);
		CHECK(o.page == PageMode::Huge);
		CHECK(o.csv_path == "a.csv" && o.json_path == "b.json");
		CHECK(o.accel == "TCG" && o.series == "v1");
	});
	add("args_attached_values", [] {
		Options o;
		CHECK(parse({ "-tsame_vma", "-N3", "--accel=KVM", "-pdefault",
			      "-mprocesses" }, &o) == ParseStatus::Ok);
		CHECK(o.workload == Workload::SameVma);
		CHECK(o.tasks_min == 1 && o.tasks_max == 3);
		CHECK(o.accel == "KVM" && o.page == PageMode::Default);
		CHECK(o.processes && !o.threads);
	});
	add("args_workload_names", [] {
		const char *names[] = { "page_fault1", "page_fault2", "page_fault3",
					"fault_under_writer", "same_vma", "mmap_churn",
					"swap_under_writer" };
		for (const char *n : names) {
			Options o;
			CHECK(parse({ "-t", n }, &o) == ParseStatus::Ok);
			CHECK_STR(workload_name(o.workload), n);
		}
	});
	add("args_size_defaults", [] {
		Options o;
		CHECK(parse({ "-t", "same_vma" }, &o) == ParseStatus::Ok);
		CHECK(o.size_mb == 16);
		CHECK(parse({ "-t", "mmap_churn" }, &o) == ParseStatus::Ok);
		CHECK(o.size_mb == 128);
	});
	add("args_writer_threads_only", [] {
		Options o;
		CHECK(parse({ "-t", "fault_under_writer" }, &o) == ParseStatus::Ok);
		CHECK(o.threads && !o.processes);
		CHECK(!o.interleave);	// sequential windows by default
		CHECK(o.writer_rate == 0);	// unpaced
	});
	add("args_file", [] {
		Options o;
		CHECK(parse({ "-t", "fault_under_writer" }, &o) == ParseStatus::Ok);
		CHECK(o.file_dir.empty());	// anonymous by default
		CHECK(parse({ "-t", "fault_under_writer", "--file", "/mnt/ext4" },
			    &o) == ParseStatus::Ok);
		CHECK(o.file_dir == "/mnt/ext4");
		CHECK(parse({ "-t", "fault_under_writer", "--file=/tmp" }, &o) ==
		      ParseStatus::Ok);
		CHECK(o.file_dir == "/tmp");
	});
	add("args_swap_under_writer", [] {
		Options o;
		CHECK(parse({ "-t", "swap_under_writer", "--windows", "interleaved",
			      "--writer-rate", "50" }, &o) == ParseStatus::Ok);
		CHECK(o.workload == Workload::SwapUnderWriter);
		CHECK(o.threads && !o.processes);
		CHECK(o.interleave && o.writer_rate == 50);
		CHECK(o.size_mb == 16);
		CHECK(workload_has_writer(o.workload));
		CHECK(page_mode_applies(o.workload));
		CHECK(!workload_has_writer(Workload::SameVma));
		std::string err;
		CHECK(parse({ "-t", "swap_under_writer", "-m", "both" }, &o, &err) ==
		      ParseStatus::Error);
		CHECK_STR(err, "swap_under_writer needs one mm: only -m threads is supported");
	});
	add("args_windows_sequential", [] {
		Options o;
		CHECK(parse({ "-t", "fault_under_writer", "--windows=interleaved",
			      "--windows", "sequential" }, &o) == ParseStatus::Ok);
		CHECK(!o.interleave);
	});
	add("args_last_value_wins", [] {
		Options o;
		CHECK(parse({ "-t", "page_fault1", "-d", "2", "-d", "7" }, &o) ==
		      ParseStatus::Ok);
		CHECK(o.duration_s == 7);
	});
	add("args_help", [] {
		Options o;
		CHECK(parse({ "-h" }, &o) == ParseStatus::Help);
		CHECK(parse({ "-t", "page_fault1", "--help" }, &o) == ParseStatus::Help);
		CHECK(usage().find("usage: spfbench") == 0);
	});

	struct Bad {
		const char *name;
		std::vector<const char *> args;
	};
	const std::vector<Bad> bad = {
		{ "no_workload", {} },
		{ "unknown_workload", { "-t", "page_fault9" } },
		{ "missing_workload_value", { "-t" } },
		{ "zero_tasks", { "-t", "page_fault1", "-n", "0" } },
		{ "zero_max_tasks", { "-t", "page_fault1", "-N", "0" } },
		{ "non_numeric_tasks", { "-t", "page_fault1", "-n", "two" } },
		{ "negative_tasks", { "-t", "page_fault1", "-n", "-1" } },
		{ "trailing_garbage", { "-t", "page_fault1", "-N", "3x" } },
		{ "overflow", { "-t", "page_fault1", "-n", "99999999999" } },
		{ "too_many_tasks", { "-t", "page_fault1", "-n", "100000" } },
		{ "missing_tasks_value", { "-t", "page_fault1", "-n" } },
		{ "zero_duration", { "-t", "page_fault1", "-d", "0" } },
		{ "non_numeric_warmup", { "-t", "page_fault1", "-w", "1s" } },
		{ "zero_size", { "-t", "page_fault1", "-s", "0" } },
		{ "unknown_mode", { "-t", "page_fault1", "-m", "fibers" } },
		{ "unknown_page_size", { "-t", "page_fault1", "-p", "1g" } },
		{ "missing_page_size", { "-t", "page_fault1", "-p" } },
		{ "unknown_short_option", { "-t", "page_fault1", "-x" } },
		{ "unknown_long_option", { "-t", "page_fault1", "--bogus" } },
		{ "stray_argument", { "-t", "page_fault1", "extra" } },
		{ "n_and_N", { "-t", "page_fault1", "-n", "1", "-N", "2" } },
		{ "writer_processes", { "-t", "fault_under_writer", "-m", "processes" } },
		{ "writer_both", { "-t", "fault_under_writer", "-m", "both" } },
		{ "swap_processes", { "-t", "swap_under_writer", "-m", "processes" } },
		{ "swap_rate_too_high", { "-t", "swap_under_writer", "--writer-rate", "1000001" } },
		{ "writer_size_elsewhere", { "-t", "page_fault1", "--writer-size", "64" } },
		{ "zero_writer_size", { "-t", "fault_under_writer", "--writer-size", "0" } },
		{ "writer_in_elsewhere", { "-t", "same_vma", "--writer-in", "thread" } },
		{ "writer_in_unknown", { "-t", "fault_under_writer", "--writer-in", "mm" } },
		{ "windows_elsewhere", { "-t", "page_fault1", "--windows", "interleaved" } },
		{ "windows_unknown", { "-t", "fault_under_writer", "--windows", "abab" } },
		{ "windows_missing", { "-t", "fault_under_writer", "--windows" } },
		{ "rate_elsewhere", { "-t", "same_vma", "--writer-rate", "50" } },
		{ "rate_not_a_number", { "-t", "fault_under_writer", "--writer-rate", "5x" } },
		{ "rate_negative", { "-t", "fault_under_writer", "--writer-rate", "-5" } },
		{ "rate_too_high", { "-t", "fault_under_writer", "--writer-rate", "1000001" } },
		{ "file_elsewhere", { "-t", "page_fault2", "--file", "/tmp" } },
		{ "file_swap", { "-t", "swap_under_writer", "--file", "/tmp" } },
		{ "file_empty", { "-t", "fault_under_writer", "--file=" } },
		{ "file_missing", { "-t", "fault_under_writer", "--file" } },
		{ "empty_output", { "-t", "page_fault1", "-o", "" } },
		{ "missing_accel", { "-t", "page_fault1", "--accel" } },
		{ "empty_series", { "-t", "page_fault1", "--series=" } },
	};
	for (const Bad &b : bad) {
		add(std::string("args_bad_") + b.name, [b] {
			Options o;
			std::string err;
			CHECK(parse(b.args, &o, &err) == ParseStatus::Error);
			CHECK(!err.empty());
		});
	}
}

void stats_tests()
{
	add("stats_known_values", [] {
		Summary s = summarize({ 2, 4, 4, 4, 5, 5, 7, 9 });
		CHECK(near(s.mean, 5));
		CHECK(near(s.stddev, std::sqrt(32.0 / 7)));
		CHECK(near(s.min, 2) && near(s.max, 9));
	});
	add("stats_single_sample", [] {
		Summary s = summarize({ 1234.5 });
		CHECK(near(s.mean, 1234.5) && s.stddev == 0);
		CHECK(near(s.min, 1234.5) && near(s.max, 1234.5));
	});
	add("stats_empty", [] {
		Summary s = summarize({});
		CHECK(s.mean == 0 && s.stddev == 0 && s.min == 0 && s.max == 0);
	});
	add("stats_unsorted", [] {
		Summary s = summarize({ 30, 10, 20 });
		CHECK(near(s.mean, 20) && near(s.stddev, 10));
		CHECK(near(s.min, 10) && near(s.max, 30));
	});
	add("stats_ratio", [] {
		CHECK(near(ratio(3, 4), 0.75));
		CHECK(std::isnan(ratio(3, 0)) && std::isnan(ratio(3, -1)));
		CHECK(std::isnan(ratio(NAN, 4)) && std::isnan(ratio(3, NAN)));
	});

	// Two tasks, a writer; a 0.5 s sample, then a 1 s one.
	auto window = [] {
		std::vector<Reading> r(3);
		double t[] = { 10, 10.5, 11.5 }, ops[] = { 1000, 1600, 2800 };
		double cpu[] = { 4, 4.5, 5.5 }, writer[] = { 1, 1.25, 1.75 };
		double vcsw[] = { 7, 7, 10 }, nvcsw[] = { 100, 150, 250 };
		double zap[] = { 2, 2.1, 2.6 };
		for (int i = 0; i < 3; i++) {
			r[i].t = t[i];
			r[i].ops = ops[i];
			r[i].cpu = cpu[i];
			r[i].writer_cpu = writer[i];
			r[i].vcsw = vcsw[i];
			r[i].nvcsw = nvcsw[i];
			r[i].zap = zap[i];
		}
		return r;
	};
	add("stats_cpu_use_known_values", [=] {
		CpuUse u = cpu_use(window(), 2);
		CHECK(u.samples.size() == 2);
		CHECK(near(u.samples[0], 1) && near(u.samples[1], 1));
		CHECK(near(u.faulter, 1.5 / 1.5));
		CHECK(near(u.writer, 0.75 / 1.5));
		CHECK(near(u.ops_per_cpu_s, 1800 / 1.5));
		CHECK(near(u.vcsw_per_s, 2) && near(u.nvcsw_per_s, 100));
		// 2 tasks for 1.5 s, 0.6 s of it in MADV_DONTNEED.
		CHECK(near(u.zap_per_s, 0.6 / 1.5));
		CHECK(near(u.ops_outside_zap, 1800 / (3 - 0.6)));
	});
	add("stats_cpu_use_uneven_samples", [=] {
		std::vector<Reading> r = window();
		r[1].cpu = 5;	// 1 CPU-s in the first half second, none after
		r[2].cpu = 5;
		CpuUse u = cpu_use(r, 2);
		CHECK(near(u.samples[0], 2) && near(u.samples[1], 0));
		CHECK(near(u.faulter, 1 / 1.5));	// whole window, not a mean
		CHECK(near(u.ops_per_cpu_s, 1800));
	});
	add("stats_cpu_use_unread", [=] {
		std::vector<Reading> r = window();
		r[1].cpu = NAN;		// one clock read failed
		r[2].nvcsw = NAN;	// a status file vanished
		for (Reading &x : r)
			x.writer_cpu = NAN;	// no writer
		r[0].zap = NAN;		// a workload that does not zap
		CpuUse u = cpu_use(r, 2);
		CHECK(u.samples.size() == 2);
		CHECK(std::isnan(u.samples[0]) && std::isnan(u.samples[1]));
		CHECK(std::isnan(u.faulter) && std::isnan(u.ops_per_cpu_s));
		CHECK(std::isnan(u.writer) && std::isnan(u.nvcsw_per_s));
		CHECK(near(u.vcsw_per_s, 2));
		CHECK(std::isnan(u.zap_per_s) && std::isnan(u.ops_outside_zap));
	});
	add("stats_cpu_use_no_cpu_time", [=] {
		std::vector<Reading> r = window();
		for (Reading &x : r)
			x.cpu = 4;	// tasks that never ran
		CpuUse u = cpu_use(r, 2);
		CHECK(near(u.faulter, 0) && std::isnan(u.ops_per_cpu_s));
	});
	add("stats_cpu_use_too_few_readings", [=] {
		CHECK(cpu_use({}, 2).samples.empty());
		CpuUse u = cpu_use({ window()[0] }, 2);
		CHECK(u.samples.empty() && std::isnan(u.faulter));
		CHECK(std::isnan(u.writer) && std::isnan(u.ops_per_cpu_s));
		CHECK(std::isnan(u.vcsw_per_s) && std::isnan(u.nvcsw_per_s));
		CHECK(std::isnan(u.zap_per_s) && std::isnan(u.ops_outside_zap));
	});
	add("stats_cpu_use_zap_whole_window", [=] {
		std::vector<Reading> r = window();
		r[2].zap = r[0].zap + 3;	// both tasks zapped throughout
		CpuUse u = cpu_use(r, 2);
		CHECK(near(u.zap_per_s, 2) && std::isnan(u.ops_outside_zap));
		CHECK(std::isnan(cpu_use(window(), 0).ops_outside_zap));
	});
	add("stats_stitch_two_stretches", [=] {
		// The window, then a second stretch 100 s later and far off
		// in every counter: the joint reads as one contiguous window.
		std::vector<Reading> r, later = window();
		for (Reading &x : later) {
			x.t += 100;
			x.ops += 5000;
			x.cpu += 50;
			x.writer_cpu += 20;
			x.vcsw += 9;
			x.nvcsw += 900;
			x.zap += 7;
		}
		stitch(&r, window());
		CHECK(r.size() == 3 && near(r[2].t, 11.5));
		stitch(&r, later);
		CHECK(r.size() == 5);
		CHECK(near(r[3].t, 12) && near(r[4].t, 13));
		CHECK(near(r[4].ops, 2800 + 1800));
		CpuUse u = cpu_use(r, 2), one = cpu_use(window(), 2);
		CHECK(u.samples.size() == 4 && near(u.samples[3], 1));
		CHECK(near(u.faulter, one.faulter));
		CHECK(near(u.writer, one.writer));
		CHECK(near(u.ops_per_cpu_s, one.ops_per_cpu_s));
		CHECK(near(u.vcsw_per_s, one.vcsw_per_s));
		CHECK(near(u.nvcsw_per_s, one.nvcsw_per_s));
		CHECK(near(u.zap_per_s, one.zap_per_s));
		CHECK(near(u.ops_outside_zap, one.ops_outside_zap));
	});
	add("stats_stitch_nan_and_empty", [=] {
		std::vector<Reading> r = window(), bad = window();
		bad[1].cpu = NAN;
		stitch(&r, {});
		CHECK(r.size() == 3);
		stitch(&r, bad);
		CHECK(r.size() == 5 && std::isnan(r[3].cpu));
		CHECK(std::isnan(cpu_use(r, 2).faulter));
		CHECK(near(cpu_use(r, 2).vcsw_per_s, 2));
	});
	add("stats_abba_order", [] {
		bool want[] = { false, true, true, false, false, true, true, false };
		for (unsigned i = 0; i < 8; i++)
			CHECK(abba_busy(i) == want[i]);
		// Every even number of phases: half of them busy, and the
		// busy phases' mean index equal to the idle ones' at each
		// multiple of four.
		for (unsigned n = 2; n <= 40; n += 2) {
			unsigned busy = 0;
			double sum[2] = { 0, 0 };
			for (unsigned i = 0; i < n; i++) {
				busy += abba_busy(i);
				sum[abba_busy(i)] += i;
			}
			CHECK(busy == n / 2);
			if (n % 4 == 0)
				CHECK(near(sum[0], sum[1]));
		}
	});
}

ModeResult mode(std::vector<double> samples, double idle)
{
	ModeResult m;
	m.ran = true;
	m.samples = samples;
	m.stats = summarize(samples);
	m.idle_pct = idle;
	m.pinned = true;
	return m;
}

Report sample_report()
{
	Report r;
	r.workload = "page_fault1";
	r.modes = { "processes", "threads" };
	r.page_size = "4k";
	r.page_applied = true;
	r.size_mb = 128;
	r.warmup_s = 1;
	r.duration_s = 2;
	r.accel = "TCG";
	r.kernel = "6.1.192-spf";
	r.series = "v1 \"quoted\"\\\n\x01";
	r.spf_switch = "absent";
	r.vcpus = 2;
	r.base_page_bytes = 4096;
	r.spf_counters = { { "spf_attempt", 10 }, { "spf_abort", 2 } };

	Row r1;
	r1.tasks = 1;
	r1.processes = mode({ 1000, 1002 }, 50.004);
	r1.threads = mode({ 900.4, 900.4 }, 49.996);
	r1.threads.pages.source = "vmstat_window";
	r1.threads.cpu.samples = { 0.9, 1.1 };
	r1.threads.cpu.faulter = 1;
	r1.threads.cpu.ops_per_cpu_s = 900.4;
	r1.threads.cpu.vcsw_per_s = 0;
	r1.threads.cpu.nvcsw_per_s = 12.3;
	Row r2;
	r2.tasks = 2;
	r2.processes = mode({ 1900, 1900 }, 0.5);
	r2.threads = mode({ 1500, 1500 }, 1);
	r.rows = { r1, r2 };
	return r;
}

// Brackets balance outside strings, and every string is closed.
bool json_balanced(const std::string &s)
{
	std::string stack;
	bool in_str = false;

	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			else if (static_cast<unsigned char>(c) < 0x20)
				return false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			stack += c == '{' ? '}' : ']';
		else if (c == '}' || c == ']') {
			if (stack.empty() || stack.back() != c)
				return false;
			stack.pop_back();
		}
	}
	return stack.empty() && !in_str;
}

bool has(const std::string &s, const std::string &what)
{
	if (s.find(what) != std::string::npos)
		return true;
	printf("# missing: %s\n", what.c_str());
	return false;
}

void output_tests()
{
	add("csv_header", [] {
		CHECK_STR(csv_header, "tasks,processes,processes_idle,threads,threads_idle,linear");
	});
	add("csv_rows", [] {
		CHECK_STR(format_csv(sample_report()),
			  "tasks,processes,processes_idle,threads,threads_idle,linear\n"
			  "1,1001,50.00,900,50.00,1001\n"
			  "2,1900,0.50,1500,1.00,2002\n");
	});
	add("csv_mode_not_run", [] {
		Report r = sample_report();
		for (Row &row : r.rows)
			row.processes = ModeResult();
		CHECK_STR(format_csv(r),
			  "tasks,processes,processes_idle,threads,threads_idle,linear\n"
			  "1,0,0.00,900,50.00,900\n"
			  "2,0,0.00,1500,1.00,1801\n");
	});
	add("csv_no_single_task_row", [] {
		Report r = sample_report();
		r.rows.erase(r.rows.begin());
		CHECK(linear_base(r) == 0);
		CHECK_STR(format_csv_row(r.rows[0], linear_base(r)),
			  "2,1900,0.50,1500,1.00,0");
	});
	add("json_file", [] {
		Report r = sample_report();
		CHECK(format_json(r).find("\"file_") == std::string::npos);
		r.file_dir = "/mnt/ext4";
		r.file_fs = "ext4";
		std::string j = format_json(r);
		CHECK(json_balanced(j));
		CHECK(has(j, "\"file_dir\": \"/mnt/ext4\""));
		CHECK(has(j, "\"file_fs\": \"ext4\""));
	});
	add("json_escape", [] {
		CHECK_STR(json_escape("plain"), "plain");
		CHECK_STR(json_escape("a\"b\\c"), "a\\\"b\\\\c");
		CHECK_STR(json_escape("\n\t\r\b\f"), "\\n\\t\\r\\b\\f");
		CHECK_STR(json_escape(std::string("\x01\x1f", 2)), "\\u0001\\u001f");
	});
	add("json_structure", [] {
		std::string j = format_json(sample_report());
		CHECK(json_balanced(j));
		CHECK(j.front() == '{' && j.substr(j.size() - 2) == "}\n");
		CHECK(has(j, "\"workload\": \"page_fault1\""));
		CHECK(has(j, "\"modes\": [\"processes\", \"threads\"]"));
		CHECK(has(j, "\"page_size\": \"4k\""));
		CHECK(has(j, "\"accel\": \"TCG\""));
		CHECK(has(j, "\"vcpus\": 2"));
		CHECK(has(j, "\"kernel\": \"6.1.192-spf\""));
		CHECK(has(j, "\"series\": \"v1 \\\"quoted\\\"\\\\\\n\\u0001\""));
		CHECK(has(j, "\"spf_switch\": \"absent\""));
		CHECK(has(j, "\"spf_abort\": 2"));
		CHECK(has(j, "\"samples\": [1000.00, 1002.00]"));
		CHECK(has(j, "\"stddev\": 1.41"));
		CHECK(has(j, "\"source\": \"vmstat_window\""));
		CHECK(has(j, "\"pinned\": true"));
		CHECK(has(j, "\"faulter_cpu\": 1.000"));
		CHECK(has(j, "\"faulter_cpu_samples\": [0.900, 1.100]"));
		CHECK(has(j, "\"ops_per_cpu_s\": 900.40"));
		CHECK(has(j, "\"faulter_vcsw_per_s\": 0.0"));
		CHECK(has(j, "\"faulter_nvcsw_per_s\": 12.3"));
		// Not measured: null, and no samples.
		CHECK(has(j, "\"faulter_cpu\": null"));
		CHECK(has(j, "\"faulter_cpu_samples\": []"));
		CHECK(has(j, "\"ops_per_cpu_s\": null"));
		CHECK(j.find("busy_idle_ratio") == std::string::npos);
		CHECK(j.find("writer") == std::string::npos);
		CHECK(j.find("zap") == std::string::npos);	// not timed
		CHECK(has(j, "\"tlb_shootdowns_per_s\": null"));
	});
	add("json_writer_ratio", [] {
		Report r = sample_report();
		r.workload = "fault_under_writer";
		r.writer_mb = 256;
		for (Row &row : r.rows) {
			row.processes = ModeResult();
			row.threads_writer_idle = mode({ 2000, 2000 }, 10);
			row.threads_writer_idle.writer_per_s = 0;
			row.threads_writer_idle.cpu.writer = 0.001;
			row.threads_writer_idle.cpu.ops_per_cpu_s = 1000;
			row.threads.writer_per_s = 12.5;
			row.threads.cpu.writer = 0.6666;
			row.threads.cpu.ops_per_cpu_s = 950;
			row.threads_writer_idle.cpu.zap_per_s = 0.01;
			row.threads_writer_idle.cpu.ops_outside_zap = 2000;
			row.threads.cpu.zap_per_s = 0.1234;
			row.threads.cpu.ops_outside_zap = 1800;
			row.threads.tlb_ipis_per_s = 512.25;
		}
		r.rows[1].threads_writer_idle = mode({ 0 }, 10);
		r.rows[1].threads_writer_idle.writer_per_s = 0;
		std::string j = format_json(r);
		CHECK(json_balanced(j));
		CHECK(has(j, "\"writer_size_mb\": 256"));
		CHECK(has(j, "\"writer_in\": \"thread\""));
		CHECK(has(j, "\"windows\": \"sequential\""));
		CHECK(j.find("\"phase_s\"") == std::string::npos);
		CHECK(has(j, "\"writer_rate\": 0"));
		r.interleaved = true;
		r.writer_rate = 40;
		std::string ji = format_json(r);
		CHECK(has(ji, "\"writer_rate\": 40"));
		CHECK(has(ji, "\"windows\": \"interleaved\""));
		CHECK(has(ji, "\"phase_s\": 1.0") && has(ji, "\"settle_s\": 0.2"));
		CHECK(has(j, "\"threads_writer_idle\": {"));
		CHECK(has(j, "\"busy_idle_ratio\": 0.4502"));
		CHECK(has(j, "\"busy_idle_ratio\": null"));
		CHECK(has(j, "\"writer_mprotect_per_s\": 12.50"));
		CHECK(has(j, "\"writer_cpu\": 0.667"));
		CHECK(has(j, "\"writer_cpu\": 0.001"));
		CHECK(has(j, "\"writer_cpu\": null"));	// row 2, idle
		CHECK(has(j, "\"busy_idle_ratio_per_cpu_s\": 0.9500"));
		CHECK(has(j, "\"busy_idle_ratio_per_cpu_s\": null"));
		CHECK(has(j, "\"zap_s_per_s\": 0.1234"));
		CHECK(has(j, "\"tlb_shootdowns_per_s\": 512.2"));
		CHECK(has(j, "\"ops_per_task_s_outside_zap\": 1800.00"));
		CHECK(has(j, "\"busy_idle_ratio_outside_zap\": 0.9000"));
		CHECK(j.find("\"processes\": {") == std::string::npos);
	});
	add("json_vm_counters", [] {
		Report r = sample_report();
		r.rows[0].threads.vm = { { "pgfault", 4100 }, { "pswpin", 0 } };
		std::string j = format_json(r);
		CHECK(json_balanced(j));
		size_t at = j.find("\"vm_counters\": {\n");
		CHECK(at != std::string::npos);
		std::string obj = j.substr(at, j.find('}', at) - at);
		CHECK(has(obj, "\"pgfault\": 4100,") && has(obj, "\"pswpin\": 0"));
		CHECK(has(j, "\"vm_counters\": {}"));	// the modes without
	});
	add("json_empty_counters", [] {
		Report r = sample_report();
		r.spf_counters.clear();
		std::string j = format_json(r);
		CHECK(json_balanced(j));
		CHECK(has(j, "\"spf_counters\": {}"));
	});
}

void procfs_tests()
{
	const char *stat0 =
		"cpu  100 0 50 800 50 0 0 0 0 0\n"
		"cpu0 50 0 25 400 25 0 0 0 0 0\n"
		"intr 12345\n";
	const char *stat1 =
		"cpu  200 0 100 1500 100 0 0 0 40 0\n"
		"cpu0 100 0 50 750 50 0 0 0 20 0\n";

	add("proc_interrupts_parse", [] {
		const char *text =
			"            CPU0       CPU1\n"
			"   0:         44          0   IO-APIC   2-edge      timer\n"
			" TLB:        120         35   TLB shootdowns\n"
			" TLBX:         1          1   not it\n"
			" ERR:          0\n";
		uint64_t n = 0;
		CHECK(parse_interrupts(text, "TLB", &n) && n == 155);
		CHECK(parse_interrupts(text, "ERR", &n) && n == 0);
		CHECK(parse_interrupts(text, "0", &n) && n == 44);
		CHECK(!parse_interrupts(text, "IPI0", &n));
		CHECK(!parse_interrupts(" TLB: TLB shootdowns\n", "TLB", &n));
		CHECK(!parse_interrupts("", "TLB", &n));
	});
	add("proc_swaps_count", [] {
		const char *head = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
		std::string one = std::string(head) +
			"/dev/vda                                partition\t1048572\t\t0\t\t-2\n";
		CHECK(count_swap_areas(one) == 1);
		CHECK(count_swap_areas(one + "/swapfile file 4096 0 -3\n") == 2);
		CHECK(count_swap_areas(head) == 0);		// swap off
		CHECK(count_swap_areas("") == 0);
		CHECK(count_swap_areas("/dev/vda partition 1048572 0 -2\n") == 0);
		CHECK(count_swap_areas(std::string(head) + "truncated\n") == 0);
	});
	add("proc_mount_fs_type", [] {
		const char *mounts =
			"/dev/root / ext4 rw 0 0\n"
			"proc /proc proc rw 0 0\n"
			"tmpfs /tmp tmpfs rw 0 0\n"
			"/dev/vdb /mnt/ext4 ext4 rw 0 0\n"
			"none /mnt/sp\\040ace tmpfs rw 0 0\n"
			"tmpfs /run tmpfs rw 0 0\n"
			"/dev/vdc /run ext2 rw 0 0\n";
		CHECK(mount_fs_type(mounts, "/tmp") == "tmpfs");
		CHECK(mount_fs_type(mounts, "/tmp/a/b") == "tmpfs");
		CHECK(mount_fs_type(mounts, "/tmpx") == "ext4");	// not /tmp
		CHECK(mount_fs_type(mounts, "/mnt/ext4") == "ext4");
		CHECK(mount_fs_type(mounts, "/mnt") == "ext4");	// the root
		CHECK(mount_fs_type(mounts, "/mnt/sp ace/x") == "tmpfs");
		CHECK(mount_fs_type(mounts, "/run") == "ext2");	// stacked: last
		CHECK(mount_fs_type(mounts, "/") == "ext4");
		CHECK(mount_fs_type("tmpfs /tmp tmpfs rw 0 0\n", "/var") == "");
		CHECK(mount_fs_type("", "/tmp") == "");
		CHECK(mount_fs_type("garbage\n", "/tmp") == "");
	});
	add("proc_stat_parse", [=] {
		CpuTimes t;
		CHECK(parse_proc_stat(stat0, &t));
		CHECK(t.idle == 850 && t.total == 1000);
		CHECK(parse_proc_stat(stat1, &t));
		CHECK(t.idle == 1600 && t.total == 1900);	// guest not added
	});
	add("proc_stat_idle_percent", [=] {
		CpuTimes a, b;
		CHECK(parse_proc_stat(stat0, &a) && parse_proc_stat(stat1, &b));
		CHECK(near(idle_percent(a, b), 100.0 * 750 / 900));
		CHECK(idle_percent(a, a) == 0);
	});
	add("proc_stat_short_line", [] {
		CpuTimes t;
		CHECK(parse_proc_stat("cpu  1 2 3 4\n", &t));	// old kernels
		CHECK(t.idle == 4 && t.total == 10);
		CHECK(!parse_proc_stat("cpu0 1 2 3 4 5\n", &t));
		CHECK(!parse_proc_stat("", &t));
	});
	add("vmstat_deltas", [] {
		Counters a = parse_vmstat("nr_free_pages 100\n"
					  "spf_attempt 10\n"
					  "spf_abort 3\n"
					  "xspf_other 1\n"
					  "spf_gone 5\n"
					  "garbage\n"
					  "spf_bad 1 2\n");
		Counters b = parse_vmstat("nr_free_pages 50\n"
					  "spf_attempt 25\n"
					  "spf_abort 3\n"
					  "xspf_other 9\n"
					  "spf_new 7\n");
		CHECK(a.size() == 5 && a["spf_attempt"] == 10);
		Counters d = counter_deltas(a, b, "spf_");
		CHECK(d.size() == 4);
		CHECK(d["spf_attempt"] == 15 && d["spf_abort"] == 0);
		CHECK(d["spf_new"] == 7 && d["spf_gone"] == -5);
	});
	add("vmstat_no_spf", [] {
		Counters a = parse_vmstat("pgfault 10\n"), b = parse_vmstat("pgfault 20\n");
		CHECK(counter_deltas(a, b, "spf_").empty());
		CHECK(counter_deltas(a, b, "pgfault")["pgfault"] == 10);
	});

	const char *smaps =
		"55d0a0000000-55d0a0021000 rw-p 00000000 00:00 0          [heap]\n"
		"Size:                132 kB\n"
		"Rss:                   8 kB\n"
		"AnonHugePages:         0 kB\n"
		"VmFlags: rd wr mr mw me ac\n"
		"7f0000000000-7f0000800000 rw-p 00000000 00:00 0 \n"
		"Size:               8192 kB\n"
		"Rss:                8192 kB\n"
		"Anonymous:          8192 kB\n"
		"AnonHugePages:      6144 kB\n"
		"VmFlags: rd wr mr mw me ac hg\n"
		"7fff00000000-7fff00021000 rw-p 00000000 00:00 0          [stack]\n"
		"Rss:                  12 kB\n";

	add("smaps_find", [=] {
		SmapsVma v;
		CHECK(smaps_find(smaps, 0x7f0000400000, &v));
		CHECK(v.start == 0x7f0000000000 && v.end == 0x7f0000800000);
		CHECK(v.rss_kb == 8192 && v.anon_huge_kb == 6144);
		CHECK(smaps_find(smaps, 0x55d0a0000000, &v));
		CHECK(v.rss_kb == 8 && v.anon_huge_kb == 0);
	});
	add("ctxt_switches", [] {
		CtxSwitches cs;
		CHECK(parse_ctxt_switches("Name:\tspfbench\n"
					  "State:\tR (running)\n"
					  "Cpus_allowed_list:\t0-1\n"
					  "voluntary_ctxt_switches:\t12\n"
					  "nonvoluntary_ctxt_switches:\t3456789012\n",
					  &cs));
		CHECK(cs.voluntary == 12 && cs.involuntary == 3456789012ULL);
	});
	add("ctxt_switches_missing", [] {
		CtxSwitches cs;
		cs.voluntary = 5;
		CHECK(!parse_ctxt_switches("voluntary_ctxt_switches:\t12\n", &cs));
		CHECK(!parse_ctxt_switches("nonvoluntary_ctxt_switches: 1\n", &cs));
		CHECK(!parse_ctxt_switches("voluntary_ctxt_switches: x\n"
					   "nonvoluntary_ctxt_switches: 1\n", &cs));
		CHECK(!parse_ctxt_switches("", &cs));
		CHECK(cs.voluntary == 5);	// untouched on failure
	});
	add("smaps_not_found", [=] {
		SmapsVma v;
		CHECK(!smaps_find(smaps, 0x7f0000800000, &v));	// end is exclusive
		CHECK(!smaps_find(smaps, 0x1000, &v));
		CHECK(!smaps_find("", 0x1000, &v));
	});
}

} // namespace

int main(int argc, char **argv)
{
	args_tests();
	stats_tests();
	output_tests();
	procfs_tests();

	int passed = 0, failed = 0, n = 0;
	for (const Test &t : tests) {
		cur_ok = true;
		t.fn();
		printf("%s %d %s\n", cur_ok ? "ok" : "not ok", ++n, t.name.c_str());
		(cur_ok ? passed : failed)++;
	}

	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");
		if (!f || fputs(format_json(sample_report()).c_str(), f) == EOF ||
		    fclose(f)) {
			printf("# cannot write %s\n", argv[1]);
			failed++;
		}
	}

	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
