// SPDX-License-Identifier: GPL-2.0
#include "workloads.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21		/* Linux 5.4; older C libraries lack it */
#endif

namespace {

const size_t page = sysconf(_SC_PAGESIZE);

[[noreturn]] void die(const WorkerArgs &a, const char *what)
{
	int err = errno;

	a.ctl->failed.store(1);
	fprintf(stderr, "spfbench: task %u: %s: %s\n", a.index, what,
		strerror(err));
	_exit(1);	// the whole process, in threads mode too
}

uint64_t mono_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

bool stopping(const Control *ctl)
{
	return ctl->stop.load(std::memory_order_relaxed);
}

void count(Slot *s, uint64_t n = 1)
{
	// Single writer: a plain load and store, no locked instruction.
	s->ops.store(s->ops.load(std::memory_order_relaxed) + n,
		     std::memory_order_relaxed);
}

// Write one byte to each page of [p, p + len) (or read it), counting
// a page an op. Returns false if told to stop part way.
bool touch(char *p, size_t len, const WorkerArgs &a, bool write = true)
{
	volatile char *v = p;
	uint64_t n = a.slot->ops.load(std::memory_order_relaxed);

	for (size_t off = 0; off < len; off += page) {
		if (write)
			v[off] = 1;
		else
			(void)v[off];
		a.slot->ops.store(++n, std::memory_order_relaxed);
		if ((n & 63) == 0 && stopping(a.ctl))
			return false;
	}
	return true;
}

void pin(const WorkerArgs &a)
{
	cpu_set_t set;
	bool ok = false;

	if (a.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(a.cpu, &set);
		ok = sched_setaffinity(0, sizeof(set), &set) == 0;
	}
	a.slot->pinned.store(ok);
}

// Tell the parent this task is set up, and wait for the start signal.
void ready(const WorkerArgs &a)
{
	a.ctl->ready.fetch_add(1);
	while (!a.ctl->go.load(std::memory_order_acquire) && !stopping(a.ctl))
		usleep(1000);
}

// page_fault1: map, touch every page, unmap.
void page_fault_anon(const WorkerArgs &a)
{
	ready(a);
	while (!stopping(a.ctl)) {
		char *p = map_anon(a.size, a.page, a.hpage);
		if (!p)
			die(a, "mmap");
		touch(p, a.size, a);
		munmap(p, a.size);
	}
}

// page_fault2 (private) and page_fault3 (shared): the same over a
// tmpfs file of our own.
void page_fault_file(const WorkerArgs &a, int flags)
{
	char path[] = "/tmp/spfbench.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		die(a, "mkstemp /tmp");
	unlink(path);
	if (ftruncate(fd, a.size))
		die(a, "ftruncate");

	ready(a);
	while (!stopping(a.ctl)) {
		char *p = static_cast<char *>(mmap(nullptr, a.size,
				PROT_READ | PROT_WRITE, flags, fd, 0));
		if (p == MAP_FAILED)
			die(a, "mmap");
		touch(p, a.size, a);
		munmap(p, a.size);
	}
	close(fd);
}

// The -p advice on [p, p + len). Its failing (no THP in the kernel) is
// not fatal: the pages report says what was faulted.
void advise(void *p, size_t len, PageMode mode)
{
	if (mode == PageMode::Small)
		madvise(p, len, MADV_NOHUGEPAGE);
	else if (mode == PageMode::Huge)
		madvise(p, len, MADV_HUGEPAGE);
}

// A shared mapping of a new file of @len bytes in @dir, with the -p
// advice; the file is unlinked and its descriptor closed at once, so
// that the mapping holds the only reference. nullptr on failure.
char *map_file(const char *dir, size_t len, PageMode mode)
{
	std::string path = std::string(dir) + "/spfbench.XXXXXX";
	int fd = mkstemp(&path[0]);

	if (fd < 0)
		return nullptr;
	unlink(path.c_str());
	void *p = ftruncate(fd, len) ? MAP_FAILED :
		mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	errno = err;
	if (p == MAP_FAILED)
		return nullptr;
	advise(p, len, mode);
	return static_cast<char *>(p);
}

// fault_under_writer and same_vma: touch a region that stays mapped,
// zap it with MADV_DONTNEED, touch it again. With --file the region is
// a shared file mapping, written once so that its pages are in the page
// cache, then read in each pass: read faults that find the page cached
// and map it with its neighbours (fault-around). swap_under_writer: write
// the region once, then MADV_PAGEOUT it and read it back, so that each
// pass faults its pages back from swap. The first MADV_PAGEOUT writes
// the pages out and leaves them in the swap cache, where the first
// read pass finds them; from then on the pages are clean, each
// MADV_PAGEOUT frees them from the swap cache without I/O, and the
// reads are swap-ins from the device (a read brings in the swap
// cluster's neighbours too, which later faults find in the cache).
void refault(const WorkerArgs &a)
{
	bool pageout = a.workload == Workload::SwapUnderWriter;
	bool read = pageout || a.file_dir;
	int advice = pageout ? MADV_PAGEOUT : MADV_DONTNEED;
	const char *what = pageout ? "madvise(MADV_PAGEOUT)" :
				     "madvise(MADV_DONTNEED)";

	char *p = a.shared_vma ? a.shared_vma + a.index * a.size :
		  a.file_dir ? map_file(a.file_dir, a.size, a.page) :
			       map_anon(a.size, a.page, a.hpage);
	if (!p)
		die(a, a.file_dir ? "mmap of a file in the --file directory" :
				    "mmap");

	touch(p, a.size, a);	// first pass, probed by the parent
	a.slot->region.store(reinterpret_cast<uintptr_t>(p));
	a.slot->region_len.store(a.size);

	ready(a);
	while (!stopping(a.ctl)) {
		// Timed: MADV_DONTNEED and MADV_PAGEOUT take mmap_lock for
		// read on every kernel measured, so they wait for the
		// writer even where the faults do not. The time is not
		// fault time.
		uint64_t t0 = mono_ns();
		if (madvise(p, a.size, advice))
			die(a, what);
		uint64_t spent = mono_ns() - t0;
		a.slot->zap_ns.store(a.slot->zap_ns.load(std::memory_order_relaxed) +
				     spent, std::memory_order_relaxed);
		touch(p, a.size, a, !read);
	}
	if (!a.shared_vma)
		munmap(p, a.size);
}

// mmap_churn: mmap and munmap, never touched; a pair is an op.
void mmap_churn(const WorkerArgs &a)
{
	ready(a);
	while (!stopping(a.ctl)) {
		void *p = mmap(nullptr, a.size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die(a, "mmap");
		munmap(p, a.size);
		count(a.slot);
	}
}

} // namespace

char *map_anon(size_t len, PageMode mode, size_t hpage)
{
	bool align = mode == PageMode::Huge && hpage > page;
	size_t maplen = align ? len + hpage : len;
	char *p = static_cast<char *>(mmap(nullptr, maplen,
			PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0));
	if (p == MAP_FAILED)
		return nullptr;

	if (align) {
		// Trim to a PMD-aligned start, or no huge page fits the head.
		uintptr_t start = reinterpret_cast<uintptr_t>(p);
		uintptr_t aligned = (start + hpage - 1) & ~(uintptr_t)(hpage - 1);
		size_t head = aligned - start, tail = maplen - head - len;
		if (head)
			munmap(p, head);
		if (tail)
			munmap(reinterpret_cast<char *>(aligned) + len, tail);
		p = reinterpret_cast<char *>(aligned);
	}

	advise(p, len, mode);
	return p;
}

bool workload_probes(Workload w)
{
	return workload_has_writer(w) || w == Workload::SameVma;
}

void worker_main(WorkerArgs a)
{
	a.slot->tid.store(static_cast<int>(syscall(SYS_gettid)));
	pin(a);

	switch (a.workload) {
	case Workload::PageFault1:
		page_fault_anon(a);
		break;
	case Workload::PageFault2:
		page_fault_file(a, MAP_PRIVATE);
		break;
	case Workload::PageFault3:
		page_fault_file(a, MAP_SHARED);
		break;
	case Workload::FaultUnderWriter:
	case Workload::SameVma:
	case Workload::SwapUnderWriter:
		refault(a);
		break;
	case Workload::MmapChurn:
		mmap_churn(a);
		break;
	}
}

void writer_main(Control *ctl, char *region, size_t len, unsigned rate)
{
	const uint64_t period = rate ? 2000000000ull / rate : 0;	// ns a pair
	uint64_t next = 0;		// when the next pair may start

	while (!ctl->go.load(std::memory_order_acquire) && !stopping(ctl))
		usleep(1000);

	while (!stopping(ctl)) {
		if (!ctl->writer_on.load(std::memory_order_relaxed)) {
			usleep(10000);
			continue;
		}
		if (period) {
			uint64_t t = mono_ns();
			if (next > t) {
				timespec ts = { static_cast<time_t>(next / 1000000000u),
						static_cast<long>(next % 1000000000u) };
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
						nullptr);
			} else if (t - next > period) {
				next = t;	// late (or first): no catching up
			}
			next += period;
		}
		if (mprotect(region, len, PROT_READ) ||
		    mprotect(region, len, PROT_READ | PROT_WRITE)) {
			int err = errno;
			ctl->failed.store(1);
			fprintf(stderr, "spfbench: writer: mprotect: %s\n",
				strerror(err));
			_exit(1);
		}
		count(&ctl->writer, 2);
	}
}
