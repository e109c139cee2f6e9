// SPDX-License-Identifier: GPL-2.0
#include "procfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

bool parse_proc_stat(const std::string &text, CpuTimes *out)
{
	std::istringstream in(text);
	std::string line;

	while (std::getline(in, line)) {
		if (line.compare(0, 4, "cpu ") != 0)
			continue;
		// user nice system idle iowait irq softirq steal [guest guest_nice]
		std::istringstream f(line.substr(4));
		uint64_t v[8] = {};
		int n = 0;
		while (n < 8 && f >> v[n])
			n++;
		if (n < 4)
			return false;
		CpuTimes t;
		for (int i = 0; i < n; i++)
			t.total += v[i];
		t.idle = v[3] + v[4];
		*out = t;
		return true;
	}
	return false;
}

double idle_percent(const CpuTimes &before, const CpuTimes &after)
{
	if (after.total <= before.total || after.idle < before.idle)
		return 0;
	double idle = after.idle - before.idle;
	return 100.0 * idle / (after.total - before.total);
}

Counters parse_vmstat(const std::string &text)
{
	Counters c;
	std::istringstream in(text);
	std::string line;

	while (std::getline(in, line)) {
		std::istringstream f(line);
		std::string name;
		int64_t value;
		std::string rest;
		if (f >> name >> value && !(f >> rest))
			c[name] = value;
	}
	return c;
}

bool parse_interrupts(const std::string &text, const std::string &name,
		      uint64_t *out)
{
	std::istringstream in(text);
	std::string line;

	while (std::getline(in, line)) {
		std::istringstream f(line);
		std::string first;
		if (!(f >> first) || first != name + ":")
			continue;
		// Per-CPU counts, then the description.
		uint64_t sum = 0, v;
		unsigned n = 0;
		while (f >> v) {
			sum += v;
			n++;
		}
		*out = sum;
		return n > 0;
	}
	return false;
}

Counters counter_deltas(const Counters &before, const Counters &after,
			const std::string &prefix)
{
	Counters d;
	auto take = [&](const Counters &c) {
		for (const auto &kv : c)
			if (kv.first.compare(0, prefix.size(), prefix) == 0)
				d[kv.first] = 0;
	};
	take(before);
	take(after);
	for (auto &kv : d) {
		auto b = before.find(kv.first), a = after.find(kv.first);
		kv.second = (a == after.end() ? 0 : a->second) -
			    (b == before.end() ? 0 : b->second);
	}
	return d;
}

namespace {

// "start-end perms ..." starts a VMA block; field lines are "Key: ...".
bool smaps_header(const std::string &line, uint64_t *start, uint64_t *end)
{
	char *p;
	const char *s = line.c_str();

	errno = 0;
	*start = strtoull(s, &p, 16);
	if (p == s || *p != '-' || errno)
		return false;
	s = p + 1;
	*end = strtoull(s, &p, 16);
	return p != s && *p == ' ' && !errno;
}

uint64_t field_kb(const std::string &line, const char *key)
{
	size_t n = strlen(key);
	if (line.compare(0, n, key) != 0)
		return UINT64_MAX;
	return strtoull(line.c_str() + n, nullptr, 10);
}

} // namespace

unsigned count_swap_areas(const std::string &text)
{
	std::istringstream in(text);
	std::string line;
	unsigned n = 0;

	if (!std::getline(in, line) || line.compare(0, 8, "Filename"))
		return 0;	// no header: not /proc/swaps
	while (std::getline(in, line)) {
		std::istringstream f(line);
		std::string name, type;
		uint64_t size;
		if (f >> name >> type >> size)
			n++;
	}
	return n;
}

namespace {

// A mount point as /proc/self/mounts escapes it (space, tab, newline
// and backslash as \ooo octal), decoded.
std::string unescape_mount(const std::string &s)
{
	auto octal = [&s](size_t i) {
		return i < s.size() && s[i] >= '0' && s[i] <= '7';
	};
	std::string out;

	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
			out += static_cast<char>((s[i + 1] - '0') * 64 +
						 (s[i + 2] - '0') * 8 +
						 (s[i + 3] - '0'));
			i += 3;
		} else {
			out += s[i];
		}
	}
	return out;
}

// Whether mount point @dir holds @path: equal, or a prefix ending at '/'.
bool mount_holds(const std::string &dir, const std::string &path)
{
	if (path.compare(0, dir.size(), dir) != 0)
		return false;
	return path.size() == dir.size() || dir == "/" ||
	       path[dir.size()] == '/';
}

} // namespace

std::string mount_fs_type(const std::string &mounts, const std::string &path)
{
	std::istringstream in(mounts);
	std::string line, best_type;
	size_t best_len = 0;
	bool found = false;

	while (std::getline(in, line)) {
		std::istringstream f(line);
		std::string dev, dir, type;
		if (!(f >> dev >> dir >> type))
			continue;
		dir = unescape_mount(dir);
		if (!mount_holds(dir, path) || (found && dir.size() < best_len))
			continue;
		best_len = dir.size();
		best_type = type;
		found = true;
	}
	return best_type;
}

bool smaps_find(const std::string &text, uint64_t addr, SmapsVma *out)
{
	std::istringstream in(text);
	std::string line;
	bool inside = false;
	SmapsVma vma;

	while (std::getline(in, line)) {
		uint64_t start, end;
		if (smaps_header(line, &start, &end)) {
			if (inside)
				break;
			inside = addr >= start && addr < end;
			vma.start = start;
			vma.end = end;
			continue;
		}
		if (!inside)
			continue;
		uint64_t v;
		if ((v = field_kb(line, "Rss:")) != UINT64_MAX)
			vma.rss_kb = v;
		else if ((v = field_kb(line, "AnonHugePages:")) != UINT64_MAX)
			vma.anon_huge_kb = v;
	}
	if (inside)
		*out = vma;
	return inside;
}

bool parse_ctxt_switches(const std::string &text, CtxSwitches *out)
{
	std::istringstream in(text);
	std::string line;
	bool vol = false, invol = false;
	CtxSwitches cs;

	while (std::getline(in, line)) {
		std::istringstream f(line);
		std::string key;
		uint64_t v;
		if (!(f >> key >> v))
			continue;
		if (key == "voluntary_ctxt_switches:") {
			cs.voluntary = v;
			vol = true;
		} else if (key == "nonvoluntary_ctxt_switches:") {
			cs.involuntary = v;
			invol = true;
		}
	}
	if (vol && invol)
		*out = cs;
	return vol && invol;
}

bool read_file(const std::string &path, std::string *out)
{
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;

	std::string s;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			s.append(buf, n);
	close(fd);
	if (n < 0)
		return false;
	*out = std::move(s);
	return true;
}

std::string read_value(const std::string &path, const std::string &fallback)
{
	std::string s;
	if (!read_file(path, &s))
		return fallback;
	s = s.substr(0, s.find('\n'));
	size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
	return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}
