// SPDX-License-Identifier: GPL-2.0
#include "runner.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <set>
#include <string>
#include <system_error>
#include <thread>

#include "workloads.h"

namespace {

constexpr size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

// State of one run, so that fatal() can clean up after it.
struct Run {
	Control *ctl = nullptr;
	Slot *slots = nullptr;
	unsigned tasks = 0;
	std::vector<pid_t> pids;	// processes mode
	pid_t writer_pid = 0;		// --writer-in process, until reaped
};

[[noreturn]] void fatal(Run &run, const char *what, int err)
{
	fprintf(stderr, "spfbench: %s%s%s\n", what, err ? ": " : "",
		err ? strerror(err) : "");
	if (run.ctl)
		run.ctl->stop.store(1);
	for (pid_t pid : run.pids)
		if (pid > 0)
			kill(pid, SIGKILL);
	if (run.writer_pid > 0)
		kill(run.writer_pid, SIGKILL);
	fflush(nullptr);
	_exit(1);	// threads may still run: no exit handlers
}

// In threads mode a failing worker ends the process itself; forked
// workers can only tell us by the failed flag or by dying early.
void check_workers(Run &run)
{
	if (run.ctl->failed.load())
		fatal(run, "a task failed", 0);

	int status;
	if (run.writer_pid > 0 &&
	    waitpid(run.writer_pid, &status, WNOHANG) == run.writer_pid) {
		run.writer_pid = 0;
		fatal(run, "the writer process ended early", 0);
	}
	if (run.pids.empty())
		return;

	pid_t pid = waitpid(-1, &status, WNOHANG);
	if (pid > 0) {
		char msg[96];
		snprintf(msg, sizeof(msg), "task process %d ended early (%s %d)",
			 pid, WIFSIGNALED(status) ? "signal" : "status",
			 WIFSIGNALED(status) ? WTERMSIG(status) :
					       WEXITSTATUS(status));
		for (auto &p : run.pids)
			if (p == pid)
				p = 0;	// reaped: not ours to kill any more
		fatal(run, msg, 0);
	}
}

double now()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Sleep until the monotonic time t, watching the workers meanwhile.
void sleep_until(Run &run, double t)
{
	for (;;) {
		check_workers(run);
		double left = t - now();
		if (left <= 0)
			return;
		double step = left < 0.1 ? left : 0.1;
		timespec ts = { 0, static_cast<long>(step * 1e9) };
		nanosleep(&ts, nullptr);
	}
}

uint64_t total_ops(const Run &run)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < run.tasks; i++)
		sum += run.slots[i].ops.load(std::memory_order_relaxed);
	return sum;
}

// What the parent reads of each task at the sample boundaries: its CPU
// clock and its /proc status file (for the context switches).
struct Probes {
	std::vector<clockid_t> clocks;	// empty: some clock unavailable
	std::vector<std::string> status;
	bool writer = false;		// writer_clock is valid
	clockid_t writer_clock = 0;
	bool zap = false;		// the tasks time MADV_DONTNEED
};

// Seconds on a CPU clock; NaN if it cannot be read.
double clock_s(clockid_t c)
{
	timespec ts;
	if (clock_gettime(c, &ts))
		return NAN;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

Probes make_probes(const Run &run, std::vector<std::thread> &threads,
		   std::thread &writer)
{
	Probes p;
	pid_t self = getpid();

	for (unsigned i = 0; i < run.tasks; i++) {
		clockid_t c;
		int err = run.pids.empty() ?
			  pthread_getcpuclockid(threads[i].native_handle(), &c) :
			  clock_getcpuclockid(run.pids[i], &c);
		if (!err)
			p.clocks.push_back(c);
		pid_t pid = run.pids.empty() ? self : run.pids[i];
		p.status.push_back("/proc/" + std::to_string(pid) + "/task/" +
				   std::to_string(run.slots[i].tid.load()) +
				   "/status");
	}
	if (p.clocks.size() != run.tasks)
		p.clocks.clear();
	if (writer.joinable())
		p.writer = !pthread_getcpuclockid(writer.native_handle(),
						  &p.writer_clock);
	else if (run.writer_pid > 0)
		p.writer = !clock_getcpuclockid(run.writer_pid, &p.writer_clock);
	return p;
}

Reading read_tasks(const Run &run, const Probes &p)
{
	Reading r;
	r.t = now();
	r.ops = total_ops(run);

	if (!p.clocks.empty()) {
		r.cpu = 0;
		for (clockid_t c : p.clocks)
			r.cpu += clock_s(c);	// NaN sticks
	}
	r.vcsw = r.nvcsw = 0;
	for (const std::string &path : p.status) {
		std::string text;
		CtxSwitches cs;
		if (!read_file(path, &text) || !parse_ctxt_switches(text, &cs)) {
			r.vcsw = r.nvcsw = NAN;
			break;
		}
		r.vcsw += cs.voluntary;
		r.nvcsw += cs.involuntary;
	}
	if (p.writer)
		r.writer_cpu = clock_s(p.writer_clock);
	if (p.zap) {
		r.zap = 0;
		for (unsigned i = 0; i < run.tasks; i++)
			r.zap += run.slots[i].zap_ns.load(std::memory_order_relaxed) / 1e9;
	}
	return r;
}

CpuTimes cpu_times(Run &run)
{
	std::string text;
	CpuTimes t;
	if (!read_file("/proc/stat", &text) || !parse_proc_stat(text, &t))
		fatal(run, "cannot read /proc/stat", 0);
	return t;
}

// x86's TLB shootdown IPIs so far, all CPUs; NaN where the kernel has
// no such line (arm64 flushes by broadcast TLBI, without an interrupt).
double tlb_shootdowns()
{
	std::string text;
	uint64_t n;
	if (!read_file("/proc/interrupts", &text) || !parse_interrupts(text, "TLB", &n))
		return NAN;
	return static_cast<double>(n);
}

Counters vmstat()
{
	std::string text;
	return read_file("/proc/vmstat", &text) ? parse_vmstat(text) : Counters();
}

// The system-wide counters, read at the ends of each stretch of the
// sampling window.
struct System {
	CpuTimes cpu;
	Counters vm;
	double tlb = NAN;	// see tlb_shootdowns()
	uint64_t writer = 0;	// mprotect() calls of the writer
};

System read_system(Run &run)
{
	System s;
	s.cpu = cpu_times(run);
	s.vm = vmstat();
	s.tlb = tlb_shootdowns();
	s.writer = run.ctl->writer.ops.load();
	return s;
}

// What one state of the writer saw, summed over its stretches of the
// window: the whole window unless it is interleaved.
struct Tally {
	std::vector<Reading> reads;	// stitched, see stitch()
	std::vector<double> samples;	// ops/s, one per sample
	CpuTimes cpu;			// deltas of the stretches, summed
	Counters vm;
	double tlb = 0;
	uint64_t writer = 0;
};

// Add one stretch: the readings at its sample boundaries, and the
// system counters just outside them.
void tally(Tally *t, const std::vector<Reading> &reads, const System &a,
	   const System &b)
{
	for (size_t i = 1; i < reads.size(); i++)
		t->samples.push_back((reads[i].ops - reads[i - 1].ops) /
				     (reads[i].t - reads[i - 1].t));
	stitch(&t->reads, reads);
	t->cpu.idle += b.cpu.idle - a.cpu.idle;
	t->cpu.total += b.cpu.total - a.cpu.total;
	for (const auto &kv : counter_deltas(a.vm, b.vm, ""))
		t->vm[kv.first] += kv.second;
	t->tlb += b.tlb - a.tlb;	// NaN stays NaN
	t->writer += b.writer - a.writer;
}

// How the tasks' regions were faulted after their first touch pass:
// sum Rss and AnonHugePages of the VMAs holding them, each VMA once
// (same_vma's threads share one; adjacent regions may have merged).
PageReport probe_pages(const Run &run)
{
	PageReport p;
	std::map<pid_t, std::string> smaps;
	std::set<std::pair<pid_t, uint64_t>> seen;
	uint64_t rss_kb = 0, huge_kb = 0;

	p.source = "smaps_first_pass";
	for (unsigned i = 0; i < run.tasks; i++) {
		pid_t pid = run.pids.empty() ? getpid() : run.pids[i];
		uint64_t addr = run.slots[i].region.load();
		if (!addr)
			continue;
		p.region_bytes += run.slots[i].region_len.load();
		if (!smaps.count(pid))
			read_file("/proc/" + std::to_string(pid) + "/smaps",
				  &smaps[pid]);
		SmapsVma vma;
		if (smaps_find(smaps[pid], addr, &vma) &&
		    seen.insert({ pid, vma.start }).second) {
			rss_kb += vma.rss_kb;
			huge_kb += vma.anon_huge_kb;
		}
	}
	p.thp_bytes = huge_kb << 10;
	p.small_bytes = (rss_kb - (huge_kb < rss_kb ? huge_kb : rss_kb)) << 10;
	return p;
}

} // namespace

RunEnv probe_env()
{
	RunEnv env;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set))
				env.cpus.push_back(cpu);
	env.base_page = sysconf(_SC_PAGESIZE);
	std::string pmd = read_value(
		"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "0");
	env.hpage = strtoull(pmd.c_str(), nullptr, 10);
	return env;
}

namespace {

// Fill in *res from what the window saw of one state of the writer.
void finish(ModeResult *res, const Tally &t, const Options &opt,
	    const RunEnv &env, unsigned tasks, bool writer)
{
	double wall = t.reads.back().t - t.reads.front().t;

	res->ran = true;
	res->samples = t.samples;
	res->stats = summarize(t.samples);
	res->idle_pct = idle_percent(CpuTimes(), t.cpu);
	res->spf = counter_deltas(Counters(), t.vm, "spf_");
	for (const char *name : fault_counters) {
		auto it = t.vm.find(name);
		res->vm[name] = it == t.vm.end() ? 0 : it->second;
	}
	res->cpu = cpu_use(t.reads, tasks);
	if (writer)
		res->writer_per_s = t.writer / wall;
	res->tlb_ipis_per_s = t.tlb / wall;

	Counters thp = counter_deltas(Counters(), t.vm, "thp_fault_");
	res->pages.thp_fault_alloc = thp["thp_fault_alloc"];
	res->pages.thp_fault_fallback = thp["thp_fault_fallback"];
	if (res->pages.source.empty()) {
		// Not probed: estimate from the window's (system-wide) THP
		// faults against the memory touched.
		uint64_t ops = t.reads.back().ops - t.reads.front().ops;
		uint64_t touched = opt.workload == Workload::MmapChurn ? 0 :
				   ops * env.base_page;
		uint64_t huge = res->pages.thp_fault_alloc > 0 ?
				res->pages.thp_fault_alloc * env.hpage : 0;
		res->pages.source = "vmstat_window";
		res->pages.thp_bytes = huge;
		res->pages.small_bytes = touched > huge ? touched - huge : 0;
	}
}

} // namespace

ModeResult run_mode(const Options &opt, RunEnv &env, bool processes,
		    unsigned tasks, Writer writer, ModeResult *idle)
{
	Run run;
	ModeResult res;
	size_t size = static_cast<size_t>(opt.size_mb) << 20;
	size_t writer_len = static_cast<size_t>(opt.writer_mb) << 20;
	char *shared_vma = nullptr, *writer_vma = nullptr;
	std::vector<std::thread> threads;
	std::thread writer_thread;

	// Control block and slots, shared with forked workers.
	size_t slots_off = align_up(sizeof(Control), alignof(Slot));
	size_t shm_len = align_up(slots_off + tasks * sizeof(Slot), env.base_page);
	void *shm = mmap(nullptr, shm_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		fatal(run, "mmap of the counters", errno);
	run.ctl = new (shm) Control();
	run.slots = reinterpret_cast<Slot *>(static_cast<char *>(shm) + slots_off);
	for (unsigned i = 0; i < tasks; i++)
		new (&run.slots[i]) Slot();
	run.tasks = tasks;

	if (opt.workload == Workload::SameVma && !processes) {
		shared_vma = map_anon(size * tasks, opt.page, env.hpage);
		if (!shared_vma)
			fatal(run, "mmap of the shared VMA", errno);
	}
	run.ctl->writer_on.store(writer == Writer::Busy);
	if (writer != Writer::None && opt.writer_process) {
		// The control: the same writer in an mm of its own, forked
		// before any task thread exists. It maps and populates its
		// VMA, says so in its slot, then waits for go like the tasks.
		fflush(nullptr);
		pid_t pid = fork();
		if (pid < 0)
			fatal(run, "fork of the writer", errno);
		if (pid == 0) {
			char *vma = map_anon(writer_len, PageMode::Small, env.hpage);
			if (!vma) {
				run.ctl->failed.store(1);
				_exit(1);
			}
			memset(vma, 1, writer_len);
			run.ctl->writer.region.store(1);
			writer_main(run.ctl, vma, writer_len, opt.writer_rate);
			_exit(0);
		}
		run.writer_pid = pid;
		while (!run.ctl->writer.region.load()) {
			check_workers(run);
			usleep(1000);
		}
	} else if (writer != Writer::None) {
		// Populated with small pages, so that each mprotect() has
		// every PTE of the range to change.
		writer_vma = map_anon(writer_len, PageMode::Small, env.hpage);
		if (!writer_vma)
			fatal(run, "mmap of the writer's VMA", errno);
		memset(writer_vma, 1, writer_len);
	}

	WorkerArgs args = {};
	args.workload = opt.workload;
	args.page = page_mode_applies(opt.workload) ? opt.page : PageMode::Default;
	args.size = size;
	args.hpage = env.hpage;
	args.ctl = run.ctl;
	args.shared_vma = shared_vma;
	args.file_dir = opt.file_dir.empty() ? nullptr : opt.file_dir.c_str();

	fflush(nullptr);	// no stdio buffers duplicated into children
	for (unsigned i = 0; i < tasks; i++) {
		args.index = i;
		args.cpu = env.cpus.empty() ? -1 : env.cpus[i % env.cpus.size()];
		args.slot = &run.slots[i];
		if (processes) {
			pid_t pid = fork();
			if (pid < 0)
				fatal(run, "fork", errno);
			if (pid == 0) {
				worker_main(args);
				_exit(0);
			}
			run.pids.push_back(pid);
		} else {
			try {
				threads.emplace_back(worker_main, args);
			} catch (const std::system_error &e) {
				fatal(run, "cannot start a thread", e.code().value());
			}
		}
	}
	if (writer != Writer::None && !opt.writer_process) {
		try {
			writer_thread = std::thread(writer_main, run.ctl, writer_vma,
						    writer_len, opt.writer_rate);
		} catch (const std::system_error &e) {
			fatal(run, "cannot start the writer thread", e.code().value());
		}
	}

	while (run.ctl->ready.load() < tasks) {
		check_workers(run);
		usleep(1000);
	}
	if (workload_probes(opt.workload))
		res.pages = probe_pages(run);
	res.pinned = !env.cpus.empty();
	for (unsigned i = 0; i < tasks; i++)
		res.pinned = res.pinned && run.slots[i].pinned.load();

	Probes probes = make_probes(run, threads, writer_thread);
	probes.zap = workload_probes(opt.workload);

	run.ctl->go.store(1, std::memory_order_release);
	sleep_until(run, now() + opt.warmup_s);

	// The sampling window: one stretch, or 2 * duration phases with the
	// writer idle and busy in turn, each measured after it settled.
	Tally tallies[2];	// interleaved: idle, busy; else [1]: all
	System first, last;
	if (writer != Writer::Interleaved) {
		first = read_system(run);
		std::vector<Reading> reads = { read_tasks(run, probes) };
		for (unsigned i = 1; i <= opt.duration_s; i++) {
			sleep_until(run, reads[0].t + i);
			reads.push_back(read_tasks(run, probes));
		}
		last = read_system(run);
		tally(&tallies[1], reads, first, last);
	} else {
		double start = now();
		for (unsigned i = 0; i < 2 * opt.duration_s; i++) {
			bool busy = abba_busy(i);
			double phase = start + i * phase_s;

			run.ctl->writer_on.store(busy);
			sleep_until(run, phase + settle_s);
			System a = read_system(run);
			std::vector<Reading> reads = { read_tasks(run, probes) };
			sleep_until(run, phase + phase_s);
			reads.push_back(read_tasks(run, probes));
			last = read_system(run);
			if (i == 0)
				first = a;
			tally(&tallies[busy], reads, a, last);
		}
	}

	// Stop and reap.
	run.ctl->stop.store(1);
	for (auto &th : threads)
		th.join();
	if (writer_thread.joinable())
		writer_thread.join();
	if (run.writer_pid > 0) {
		int status;
		pid_t pid = run.writer_pid;
		run.writer_pid = 0;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fatal(run, "the writer process failed", 0);
	}
	for (auto &pid : run.pids) {
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			pid = 0;
			fatal(run, "a task process failed", 0);
		}
		pid = 0;
	}

	if (shared_vma)
		munmap(shared_vma, size * tasks);
	if (writer_vma)
		munmap(writer_vma, writer_len);
	munmap(shm, shm_len);

	bool has_writer = writer != Writer::None;
	if (writer == Writer::Interleaved) {
		*idle = res;	// what was probed before the window
		finish(idle, tallies[0], opt, env, tasks, has_writer);
	}
	finish(&res, tallies[1], opt, env, tasks, has_writer);

	if (!env.sampled) {
		env.first_vmstat = first.vm;
		env.sampled = true;
	}
	env.last_vmstat = last.vm;
	return res;
}
