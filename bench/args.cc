// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <cstring>

namespace {

struct WorkloadEntry {
	const char *name;
	Workload w;
};

const WorkloadEntry workloads[] = {
	{ "page_fault1", Workload::PageFault1 },
	{ "page_fault2", Workload::PageFault2 },
	{ "page_fault3", Workload::PageFault3 },
	{ "fault_under_writer", Workload::FaultUnderWriter },
	{ "same_vma", Workload::SameVma },
	{ "mmap_churn", Workload::MmapChurn },
	{ "swap_under_writer", Workload::SwapUnderWriter },
};

constexpr unsigned max_tasks = 4096;
constexpr unsigned max_seconds = 24 * 3600;
constexpr unsigned max_size_mb = 1u << 20;	// 1 TiB
constexpr unsigned max_writer_rate = 1000000;	// calls/s

// Strict unsigned decimal: digits only, no sign, no overflow, <= max.
bool parse_uint(const std::string &s, unsigned max, unsigned *out)
{
	if (s.empty() || s.size() > 10)
		return false;
	unsigned long v = 0;
	for (char c : s) {
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

} // namespace

const char *workload_name(Workload w)
{
	for (const auto &e : workloads)
		if (e.w == w)
			return e.name;
	return "?";
}

const char *page_mode_name(PageMode p)
{
	switch (p) {
	case PageMode::Small:
		return "4k";
	case PageMode::Huge:
		return "thp";
	case PageMode::Default:
		return "default";
	}
	return "?";
}

unsigned default_size_mb(Workload w)
{
	switch (w) {
	case Workload::FaultUnderWriter:
	case Workload::SameVma:
	case Workload::SwapUnderWriter:
		return 16;
	default:
		return 128;
	}
}

bool page_mode_applies(Workload w)
{
	return w == Workload::PageFault1 || w == Workload::FaultUnderWriter ||
	       w == Workload::SameVma || w == Workload::SwapUnderWriter;
}

bool workload_has_writer(Workload w)
{
	return w == Workload::FaultUnderWriter || w == Workload::SwapUnderWriter;
}

std::string usage()
{
	return
	"usage: spfbench -t WORKLOAD [options]\n"
	"\n"
	"workloads: page_fault1 page_fault2 page_fault3 fault_under_writer\n"
	"           same_vma mmap_churn swap_under_writer\n"
	"\n"
	"  swap_under_writer is fault_under_writer with MADV_PAGEOUT instead\n"
	"  of MADV_DONTNEED between passes, reading its pages after the first\n"
	"  pass: each pass faults them back from swap (from the device once\n"
	"  they are clean; needs active swap). The writer options below\n"
	"  apply to both; \"the writer workloads\" are these two.\n"
	"\n"
	"  -t WORKLOAD      workload to run (required)\n"
	"  -m MODE          threads, processes or both (default both;\n"
	"                   the writer workloads: threads only)\n"
	"  -n N             run with exactly N tasks\n"
	"  -N MAX           run with 1..MAX tasks (default: online CPUs)\n"
	"  -w SECONDS       warm-up before sampling (default 1, 0 allowed)\n"
	"  -d SECONDS       sampling window, one sample a second (default 5)\n"
	"  -s SIZE_MB       mapping size per task (default 128; 16 for\n"
	"                   the writer workloads and same_vma)\n"
	"  -p PAGES         4k, thp or default: MADV_NOHUGEPAGE, MADV_HUGEPAGE\n"
	"                   or nothing on anonymous mappings (default 4k)\n"
	"  -o FILE          write the CSV to FILE (default stdout)\n"
	"  -j FILE          write a JSON report to FILE\n"
	"  --writer-size MB size of the writer's mprotect()ed VMA\n"
	"                   (default 256)\n"
	"  --writer-in WHERE the writer: thread (in the faulters' mm,\n"
	"                   default) or process (a control: an mm of its\n"
	"                   own, sharing only the CPUs)\n"
	"  --writer-rate N  the writer makes at most N mprotect() calls a\n"
	"                   second, evenly paced (default 0: as many as it\n"
	"                   can)\n"
	"  --file DIR       fault_under_writer: each faulter maps a file of\n"
	"                   its own in DIR (made, written once and unlinked\n"
	"                   before the window) shared, and reads it in each\n"
	"                   pass: read faults on page cache pages, with\n"
	"                   fault-around (default: anonymous memory, written)\n"
	"  --windows HOW    the writer idle and busy: sequential (an idle\n"
	"                   window, then a busy one;\n"
	"                   default) or interleaved (one window of -d idle\n"
	"                   and -d busy 1 s phases, ABBA order, each\n"
	"                   measured after 0.2 s to settle)\n"
	"  --accel NAME     accelerator to record (TCG, KVM; default unknown)\n"
	"  --series VERSION patch series to record (default none)\n"
	"  -h, --help       show this help\n";
}

ParseStatus parse_args(int argc, const char *const *argv, Options *opt,
		       std::string *err)
{
	Options o;
	bool have_workload = false, have_mode = false;
	bool have_n = false, have_N = false, have_writer = false;
	bool have_writer_in = false, have_windows = false, have_rate = false;

	auto fail = [err](const std::string &msg) {
		*err = msg;
		return ParseStatus::Error;
	};

	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		std::string flag, val;
		bool has_val = false;

		if (arg == "-h" || arg == "--help")
			return ParseStatus::Help;

		if (arg.compare(0, 2, "--") == 0 && arg.size() > 2) {
			size_t eq = arg.find('=');
			flag = arg.substr(0, eq);
			if (eq != std::string::npos) {
				val = arg.substr(eq + 1);
				has_val = true;
			}
			if (flag != "--accel" && flag != "--series" &&
			    flag != "--writer-size" && flag != "--writer-in" &&
			    flag != "--windows" && flag != "--writer-rate" &&
			    flag != "--file")
				return fail("unknown option '" + flag + "'");
		} else if (arg.size() >= 2 && arg[0] == '-') {
			flag = arg.substr(0, 2);
			if (!strchr("tmnNwdspoj", flag[1]))
				return fail("unknown option '" + flag + "'");
			if (arg.size() > 2) {	/* -t page_fault1 or -tpage_fault1 */
				val = arg.substr(2);
				has_val = true;
			}
		} else {
			return fail("unexpected argument '" + arg + "'");
		}

		if (!has_val) {
			if (i + 1 >= argc)
				return fail("option '" + flag + "' needs a value");
			val = argv[++i];
		}

		if (flag == "-t") {
			have_workload = false;
			for (const auto &e : workloads) {
				if (val == e.name) {
					o.workload = e.w;
					have_workload = true;
				}
			}
			if (!have_workload)
				return fail("unknown workload '" + val + "'");
		} else if (flag == "-m") {
			if (val == "threads") {
				o.threads = true;
				o.processes = false;
			} else if (val == "processes") {
				o.threads = false;
				o.processes = true;
			} else if (val == "both") {
				o.threads = o.processes = true;
			} else {
				return fail("unknown mode '" + val + "'");
			}
			have_mode = true;
		} else if (flag == "-n" || flag == "-N") {
			unsigned n;
			if (!parse_uint(val, max_tasks, &n) || n == 0)
				return fail("bad task count '" + val + "' for " + flag);
			(flag == "-n" ? have_n : have_N) = true;
			o.tasks_min = flag == "-n" ? n : 1;
			o.tasks_max = n;
		} else if (flag == "-w") {
			if (!parse_uint(val, max_seconds, &o.warmup_s))
				return fail("bad warm-up '" + val + "'");
		} else if (flag == "-d") {
			if (!parse_uint(val, max_seconds, &o.duration_s) ||
			    o.duration_s == 0)
				return fail("bad duration '" + val + "'");
		} else if (flag == "-s") {
			if (!parse_uint(val, max_size_mb, &o.size_mb) ||
			    o.size_mb == 0)
				return fail("bad size '" + val + "'");
		} else if (flag == "--writer-size") {
			if (!parse_uint(val, max_size_mb, &o.writer_mb) ||
			    o.writer_mb == 0)
				return fail("bad writer size '" + val + "'");
			have_writer = true;
		} else if (flag == "--writer-in") {
			if (val == "thread")
				o.writer_process = false;
			else if (val == "process")
				o.writer_process = true;
			else
				return fail("unknown writer place '" + val +
					    "' (thread or process)");
			have_writer_in = true;
		} else if (flag == "--writer-rate") {
			if (!parse_uint(val, max_writer_rate, &o.writer_rate))
				return fail("bad writer rate '" + val + "'");
			have_rate = true;
		} else if (flag == "--windows") {
			if (val == "sequential")
				o.interleave = false;
			else if (val == "interleaved")
				o.interleave = true;
			else
				return fail("unknown windows '" + val +
					    "' (sequential or interleaved)");
			have_windows = true;
		} else if (flag == "-p") {
			if (val == "4k")
				o.page = PageMode::Small;
			else if (val == "thp")
				o.page = PageMode::Huge;
			else if (val == "default")
				o.page = PageMode::Default;
			else
				return fail("unknown page size '" + val + "'");
		} else if (flag == "-o" || flag == "-j") {
			if (val.empty())
				return fail("option '" + flag + "' needs a file name");
			(flag == "-o" ? o.csv_path : o.json_path) = val;
		} else if (flag == "--file") {
			if (val.empty())
				return fail("option '--file' needs a directory");
			o.file_dir = val;
		} else if (flag == "--accel" || flag == "--series") {
			if (val.empty())
				return fail("option '" + flag + "' needs a value");
			(flag == "--accel" ? o.accel : o.series) = val;
		}
	}

	if (!have_workload)
		return fail("no workload given (-t)");
	if (have_n && have_N)
		return fail("-n and -N are mutually exclusive");
	if (workload_has_writer(o.workload)) {
		if (have_mode && o.processes)
			return fail(std::string(workload_name(o.workload)) +
				    " needs one mm: only -m threads is supported");
		o.processes = false;
		o.threads = true;
	} else if (have_writer) {
		return fail("--writer-size only applies to the writer workloads");
	} else if (have_writer_in) {
		return fail("--writer-in only applies to the writer workloads");
	} else if (have_windows) {
		return fail("--windows only applies to the writer workloads");
	} else if (have_rate) {
		return fail("--writer-rate only applies to the writer workloads");
	}
	if (!o.file_dir.empty() && o.workload != Workload::FaultUnderWriter)
		return fail("--file only applies to fault_under_writer");
	if (o.size_mb == 0)
		o.size_mb = default_size_mb(o.workload);

	*opt = o;
	return ParseStatus::Ok;
}
